// SQL Server refuses a foreign key with an ON DELETE action (CASCADE, SET NULL) that
// would give some table a second cascade path from another table, or close a cycle
// (a self-reference included): error 1785 "may cause cycles or multiple cascade paths".
// Those relationships are declared NO ACTION instead and cascaded by the document
// service (StorageDriver::cascades_natively), in the same write transaction.
#pragma once

#include "core/schema.h"

#include <set>

namespace events {

// The FK fields of `schema` whose action SQL Server would refuse. Relationships are
// taken in a fixed order (entities parents first, FKs in schema order) and each is
// kept native unless, together with those kept before it, it makes a second path
// between two tables or a cycle; so the result is the same on every start.
std::set<const Field*> foreign_keys_cascaded_by_service(const Schema& schema);

}  // namespace events
