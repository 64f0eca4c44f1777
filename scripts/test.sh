#!/usr/bin/env bash
# THE test command: installs dependencies, builds Release into build/, starts throwaway
# test servers (a PostgreSQL cluster, FerretDB and jongodb; all stopped and removed on
# exit, also when tests fail) and runs every test (unit, e2e on SQLite, PostgreSQL,
# FerretDB and jongodb, http) through ctest. Exits with ctest's status.
# FerretDB is built once and jongodb installed once into build/cache (Go modules, npm).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
ninja -C build -j2

# Servers of our own, whatever else runs on the machine.
EVENTS_PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
EVENTS_FERRETDB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-ferretdb.XXXXXX")
EVENTS_JONGODB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-jongodb.XXXXXX")
export EVENTS_PG_TEST_DIR EVENTS_FERRETDB_TEST_DIR EVENTS_JONGODB_TEST_DIR
stop_servers() {
    local name
    for name in postgresql ferretdb jongodb; do scripts/test-server.sh stop "$name" || true; done
}
trap stop_servers EXIT
eval "$(scripts/test-server.sh start postgresql)"
eval "$(scripts/test-server.sh start ferretdb)"
eval "$(scripts/test-server.sh start jongodb)"
echo "test.sh: EVENTS_TEST_PG_URI=$EVENTS_TEST_PG_URI"
echo "test.sh: EVENTS_TEST_FERRETDB_URI=$EVENTS_TEST_FERRETDB_URI EVENTS_TEST_JONGODB_URI=$EVENTS_TEST_JONGODB_URI"
[[ -n ${EVENTS_TEST_MONGO_URI:-} ]] || echo "test.sh: EVENTS_TEST_MONGO_URI is not set: the MongoDB label of the e2e suite is skipped"

status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
