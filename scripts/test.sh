#!/usr/bin/env bash
# THE test command: installs dependencies, builds Release into build/, starts a throwaway
# PostgreSQL cluster and a throwaway OpenSearch node (both removed on exit, also when tests
# fail) and runs every test (unit, e2e on SQLite, PostgreSQL and OpenSearch, http, the SQL
# Server golden/T-SQL checks, and the OpenAPI checks: openapi-spec-validator, schemathesis,
# the Swagger UI in headless chromium) through ctest. Exits with ctest's status.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
ninja -C build -j2
# Swagger UI for GET /docs and playwright-core for its browser test (npm, into build/cache).
# Not fatal: without npm the docs test reports SKIPPED.
scripts/install-swagger-ui.sh --with-playwright build || echo "test.sh: npm packages not installed; docs_browser will be skipped"

# Servers of our own, whatever else runs on the machine.
EVENTS_PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
EVENTS_ES_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-es.XXXXXX")
export EVENTS_PG_TEST_DIR EVENTS_ES_TEST_DIR
ES_ENV=$EVENTS_ES_TEST_DIR.env
cleanup() {
    scripts/test-server.sh stop opensearch || true
    scripts/test-server.sh stop postgresql || true
    rm -f "$ES_ENV"
}
trap cleanup EXIT

# OpenSearch (jars fetched once into build/cache/opensearch, JVM start ~10 s) comes up in
# the background while PostgreSQL starts.
scripts/test-server.sh start opensearch >"$ES_ENV" &
es_pid=$!
eval "$(scripts/test-server.sh start postgresql)"
echo "test.sh: EVENTS_TEST_PG_URI=$EVENTS_TEST_PG_URI"
wait "$es_pid" || { echo "test.sh: OpenSearch did not start" >&2; exit 1; }
eval "$(cat "$ES_ENV")"
echo "test.sh: EVENTS_TEST_ES_URI=$EVENTS_TEST_ES_URI"

status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
