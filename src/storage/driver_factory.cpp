// Backend selection: the only place that knows every driver class; the names come from
// the one table of backends (storage/backends.h).
#include "storage/backends.h"
#include "storage/driver.h"
#include "storage/elasticsearch/es_driver.h"
#include "storage/mongodb/mongo_driver.h"
#include "storage/postgres/pg_driver.h"
#include "storage/sql/connection_pool.h"
#include "storage/sql/sql_driver.h"
#include "storage/sqlite/sqlite_driver.h"
#include "storage/sqlserver/mssql_dialect.h"
#include "storage/sqlserver/mssql_connection_factory.h"

#include <stdexcept>
#include <string>

namespace events {

std::unique_ptr<StorageDriver> make_driver(std::string_view backend, const Schema& schema,
                                           const DriverOptions& options) {
    const BackendInfo* info = find_backend(backend);
    if (!info)
        throw std::invalid_argument("unsupported database backend: " + std::string(backend) +
                                    " (supported: " + backend_names() + ")");
    switch (info->kind) {
        case BackendKind::Sqlite: return std::make_unique<SqliteDriver>(schema, options);
        case BackendKind::PostgreSQL: return std::make_unique<PgDriver>(schema, options);
        case BackendKind::MongoDB: return std::make_unique<MongoDriver>(schema, options);
        case BackendKind::Elasticsearch: return std::make_unique<EsDriver>(schema, options);
        case BackendKind::SqlServer:
            return std::make_unique<SqlDriver>(schema, options, std::make_unique<MssqlDialect>(schema),
                                               std::make_unique<ConnectionPool>(
                                                   std::make_unique<MssqlConnectionFactory>(
                                                       MssqlTarget(options.uri, options.db_name)),
                                                   options.pool_size));
    }
    throw std::invalid_argument("unsupported database backend: " + std::string(backend));
}

}  // namespace events
