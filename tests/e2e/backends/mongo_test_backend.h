// What the MongoDB-specific e2e tests need beyond TestBackend, done with the C driver in
// mongo_test_backend.cpp (the only file of the suite that links libmongoc).
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>

namespace events::e2e {

// Lays out, in the database `config` points at, what the Python framework wrote
// (docs/MONGODB.md "Adopting a database of the Python framework"): collections named as the entities, `_id` the string id, no shadow
// fields, dates as BSON dates, a Currency as a double or an int32, explicit nulls, and
// its unique index `username_1`. The documents:
//   Account "py_acc1": name "Python Account One", credit 1234.5 (double), expireDate
//                      2031-02-03, enabled true, createdAt 2020-01-02T03:04:05.678Z,
//                      updatedAt null
//   Account "py_acc2": name "Second Account", credit 100 (int32), expireDate null,
//                      enabled false, createdAt 2021-06-07T00:00:00Z, updatedAt null
//   User "py_usr1":    username "Zoë", email zoe@example.com, accountId py_acc1,
//                      dob 1990-05-17, netWorth 50000 (int32), isAccountOwner true, ...
::testing::AssertionResult lay_out_python_database(const boost::json::object& config);

}  // namespace events::e2e
