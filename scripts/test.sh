#!/usr/bin/env bash
# THE test command: installs dependencies, builds Release into build/, starts throwaway test
# servers (a PostgreSQL cluster, FerretDB, jongodb, an OpenSearch node and a Redis server for
# the session store; all stopped and removed on exit, also when tests fail) and runs every
# test through ctest: unit, http, the Debian package (built, unpacked, its binary started:
# tests/package), the Redis session store (tests/e2e/redis_session_store_test.cpp),
# e2e conformance suite on SQLite, PostgreSQL, FerretDB, jongodb and OpenSearch (and on
# MongoDB / Elasticsearch 8 / SQL Server when EVENTS_TEST_MONGO_URI / EVENTS_TEST_ES8_URI /
# EVENTS_TEST_MSSQL_URI name one; skipped otherwise), the SQL Server golden SQL parsed as
# T-SQL, and the OpenAPI checks (openapi-spec-validator, schemathesis, Swagger UI in headless
# chromium) and the admin UI in headless chromium. Exits with ctest's status.
# Downloads are cached in build/cache: FerretDB (Go modules), jongodb and swagger-ui (npm),
# OpenSearch (Maven jars), the Python tools (PyPI venvs).
#
# scripts/test.sh --quick: the short loop while working. Builds only the server and the
# three test programs, then runs the unit tests, the HTTP tests and the e2e suite on
# SQLite only: no test server is started, every EVENTS_TEST_*_URI is unset (so no test
# reaches another database), no Python or npm tool runs. Not a substitute for the full
# command before a merge.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

QUICK=0
case "${1:-}" in
    "") ;;
    --quick) QUICK=1 ;;
    *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac

# The build-and-serve packages and the test set: servers, tools, browser.
scripts/install-deps.sh --test

if ((QUICK)); then
    for var in $(compgen -v EVENTS_TEST_ || true); do
        if [[ $var == *_URI ]]; then unset "$var"; fi
    done
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
    ninja -C build -j2 events unit_tests http_tests e2e_tests
    # Left out, by name: tests that are no gtest case (add_test: the OpenAPI, browser,
    # sqlfluff and layering checks; their names hold no '.'), the e2e fixtures that start
    # a server of their own (those not instantiated per backend), and every backend
    # label of the per-backend suites but SQLite. Labels and fixtures are read from the
    # e2e program, so a new backend or outage test is left out without a change here.
    # (ctest names of per-backend cases end in '/<label>  # GetParam() = ...'.)
    listing=$(build/e2e_tests --gtest_list_tests)
    fixtures=$(sed -nE 's/^([A-Za-z0-9_]+)\.$/\1/p' <<<"$listing" | paste -sd'|')
    labels=$(sed -nE 's#^  [^ ]+/([A-Za-z0-9_]+)( .*)?$#\1#p' <<<"$listing" | sort -u | { grep -vx SQLite || true; } | paste -sd'|')
    exclude='^[^.]*$'
    if [[ -n $fixtures ]]; then exclude+="|^($fixtures)\\."; fi
    if [[ -n $labels ]]; then exclude+="|^Backends/.*/($labels)( |\$)"; fi
    status=0
    ctest --test-dir build --output-on-failure -j2 -E "$exclude" || status=$?
    echo "test.sh --quick: $SECONDS s"
    exit "$status"
fi

# BUILD_TESTING=ON: scripts/run.sh configures the same build/ without the tests.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
ninja -C build -j2   # also the admin UI (target admin_ui, scripts/build-ui.sh)
# Swagger UI for GET /docs and playwright-core for its browser test (npm, into build/cache).
# Not fatal: without npm the docs test reports SKIPPED.
scripts/install-swagger-ui.sh --with-playwright build || echo "test.sh: npm packages not installed; docs_browser will be skipped"

# Servers of our own, whatever else runs on the machine.
SERVERS=(postgresql ferretdb jongodb opensearch redis)
EVENTS_PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
EVENTS_FERRETDB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-ferretdb.XXXXXX")
EVENTS_JONGODB_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-jongodb.XXXXXX")
EVENTS_ES_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-es.XXXXXX")
EVENTS_REDIS_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-redis.XXXXXX")
export EVENTS_PG_TEST_DIR EVENTS_FERRETDB_TEST_DIR EVENTS_JONGODB_TEST_DIR EVENTS_ES_TEST_DIR EVENTS_REDIS_TEST_DIR
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
# Its URI holds the server's password: shown masked.
echo "test.sh: EVENTS_TEST_REDIS_URI=redis://:***@${EVENTS_TEST_REDIS_URI#*@}"
[[ -n ${EVENTS_TEST_MONGO_URI:-} ]] || echo "test.sh: EVENTS_TEST_MONGO_URI is not set: the MongoDB label of the e2e suite is skipped"
[[ -n ${EVENTS_TEST_MSSQL_URI:-} ]] || echo "test.sh: EVENTS_TEST_MSSQL_URI is not set: the SQLServer label of the e2e suite is skipped"

status=0
ctest --test-dir build --output-on-failure -j2 || status=$?
exit "$status"
