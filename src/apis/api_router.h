// Routes of REFERENCE §3 / DECISIONS: entity CRUD, metadata, health, db admin.
// Thin: decode the request, call the DocumentService, encode the envelope.
#pragma once

#include "app/config.h"
#include "core/document_service.h"
#include "http/message.h"

namespace events {

class ApiRouter {
public:
    ApiRouter(const Config& config, DocumentService& service);
    // Never throws: every failure becomes an envelope with the right status.
    HttpResponse handle(const HttpRequest& req);

private:
    HttpResponse admin(const HttpRequest& req, const std::string& action);

    const Config& config_;
    DocumentService& service_;
};

}  // namespace events
