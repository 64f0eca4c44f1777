// The background completion of cascades cut short (docs/DECISIONS.md §4.3): a thread that
// runs DocumentService::complete_abandoned_cascades() once at start-up (after the schema
// judgement, when the server has opened its database) and then every interval, until it is
// destroyed.
#pragma once

#include "service/document_service.h"

#include <chrono>
#include <thread>

namespace events {

class CascadeCompletion {
public:
    // `service` must outlive this. `interval`: config `cascade_check_interval_s`
    // (docs/OPERATIONS.md "Cascades cut short"). Failures are logged; the next pass retries.
    CascadeCompletion(DocumentService& service, std::chrono::milliseconds interval);
    // Stops the thread, waiting for a pass under way to finish.
    ~CascadeCompletion() = default;

private:
    std::jthread thread_;
};

}  // namespace events
