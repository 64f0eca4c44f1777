#!/usr/bin/env bash
# THE test command: installs dependencies, builds Release into build/, starts throwaway test
# servers (a PostgreSQL cluster, FerretDB, jongodb and an OpenSearch node; all stopped and
# removed on exit, also when tests fail) and runs every test through ctest: unit, http, the
# Debian package (built, unpacked, its binary started: tests/package),
# e2e conformance suite on SQLite, PostgreSQL, FerretDB, jongodb and OpenSearch (and on
# MongoDB / Elasticsearch 8 / SQL Server when EVENTS_TEST_MONGO_URI / EVENTS_TEST_ES8_URI /
# EVENTS_TEST_MSSQL_URI name one; skipped otherwise), the SQL Server golden SQL parsed as
# T-SQL, and the OpenAPI checks (openapi-spec-validator, schemathesis, Swagger UI in headless
# chromium) and the admin UI in headless chromium. Exits with ctest's status.
# Downloads are cached in build/cache: FerretDB (Go modules), jongodb and swagger-ui (npm),
# OpenSearch (Maven jars), the Python tools (PyPI venvs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The build-and-serve packages and the test set: servers, tools, browser.
scripts/install-deps.sh --test

# BUILD_TESTING=ON: scripts/run.sh configures the same build/ without the tests.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
ninja -C build -j2   # also the admin UI (target admin_ui, scripts/build-ui.sh)
# Swagger UI for GET /docs and playwright-core for its browser test (npm, into build/cache).
# Not fatal: without npm the docs test reports SKIPPED.
scripts/install-swagger-ui.sh --with-playwright build || echo "test.sh: npm packages not installed; docs_browser will be skipped"

# Servers of our own, whatever else runs on the machine.
SERVERS=(postgresql ferretdb jongodb opensearch)
EVENTS_PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
EVENTS_FERRETDB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-ferretdb.XXXXXX")
EVENTS_JONGODB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-jongodb.XXXXXX")
EVENTS_ES_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-es.XXXXXX")
export EVENTS_PG_TEST_DIR EVENTS_FERRETDB_TEST_DIR EVENTS_JONGODB_TEST_DIR EVENTS_ES_TEST_DIR
ENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-test-env.XXXXXX")
stop_servers() {
    local name
    for name in "${SERVERS[@]}"; do scripts/test-server.sh stop "$name" || true; done
    rm -rf "$ENV_DIR"
}
trap stop_servers EXIT

# Every server comes up at the same time (the first run also builds FerretDB and fetches
# the jars and packages); each writes its export lines to a file of its own.
declare -A pids
for name in "${SERVERS[@]}"; do
    scripts/test-server.sh start "$name" >"$ENV_DIR/$name.env" &
    pids[$name]=$!
done
for name in "${SERVERS[@]}"; do
    wait "${pids[$name]}" || { echo "test.sh: the $name test server did not start" >&2; exit 1; }
    # shellcheck disable=SC1090
    source "$ENV_DIR/$name.env"
done
echo "test.sh: EVENTS_TEST_PG_URI=$EVENTS_TEST_PG_URI"
echo "test.sh: EVENTS_TEST_FERRETDB_URI=$EVENTS_TEST_FERRETDB_URI EVENTS_TEST_JONGODB_URI=$EVENTS_TEST_JONGODB_URI"
echo "test.sh: EVENTS_TEST_ES_URI=$EVENTS_TEST_ES_URI"
[[ -n ${EVENTS_TEST_MONGO_URI:-} ]] || echo "test.sh: EVENTS_TEST_MONGO_URI is not set: the MongoDB label of the e2e suite is skipped"
[[ -n ${EVENTS_TEST_MSSQL_URI:-} ]] || echo "test.sh: EVENTS_TEST_MSSQL_URI is not set: the SQLServer label of the e2e suite is skipped"

status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
