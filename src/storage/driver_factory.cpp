// Backend selection: the only place that knows every driver.
#include "storage/driver.h"
#include "storage/elasticsearch/es_driver.h"
#include "storage/mongodb/mongo_driver.h"
#include "storage/postgres/pg_driver.h"
#include "storage/sql/connection_pool.h"
#include "storage/sql/sql_driver.h"
#include "storage/sqlite/sqlite_driver.h"
#include "storage/sqlserver/mssql_dialect.h"
#include "storage/sqlserver/mssql_connection_factory.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

namespace events {

bool backend_is_embedded(std::string_view backend) {
    std::string name(backend);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name == "sqlite";
}

std::unique_ptr<StorageDriver> make_driver(std::string_view backend, const Schema& schema,
                                           const DriverOptions& options) {
    std::string name(backend);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "sqlite") {
        return std::make_unique<SqliteDriver>(schema, options);
    }
    if (name == "postgresql" || name == "postgres") {
        return std::make_unique<PgDriver>(schema, options);
    }
    if (name == "mongodb") return std::make_unique<MongoDriver>(schema, options);
    if (name == "sqlserver" || name == "mssql") {
        return std::make_unique<SqlDriver>(schema, options, std::make_unique<MssqlDialect>(schema),
                                           std::make_unique<ConnectionPool>(std::make_unique<MssqlConnectionFactory>(
                                                                                MssqlTarget(options.uri, options.db_name)),
                                                                            options.pool_size));
    }
    if (name == "elasticsearch") return std::make_unique<EsDriver>(schema, options);
    throw std::invalid_argument("unsupported database backend: " + std::string(backend));
}

}  // namespace events
