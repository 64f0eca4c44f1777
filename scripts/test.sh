#!/usr/bin/env bash
# THE test command: installs dependencies, builds Release into build/, starts a throwaway
# PostgreSQL cluster (removed on exit, also when tests fail) and runs every test
# (unit, e2e on SQLite and PostgreSQL, http, and the OpenAPI checks: openapi-spec-validator,
# schemathesis, the Swagger UI in headless chromium) through ctest. Exits with ctest's status.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
ninja -C build -j2
# Swagger UI for GET /docs and playwright-core for its browser test (npm, into build/cache).
# Not fatal: without npm the docs test reports SKIPPED.
scripts/install-swagger-ui.sh --with-playwright build || echo "test.sh: npm packages not installed; docs_browser will be skipped"

# A cluster of our own, whatever else runs on the machine.
EVENTS_PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
export EVENTS_PG_TEST_DIR
trap 'scripts/test-server.sh stop postgresql || true' EXIT
eval "$(scripts/test-server.sh start postgresql)"
echo "test.sh: EVENTS_TEST_PG_URI=$EVENTS_TEST_PG_URI"

status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
