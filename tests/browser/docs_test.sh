#!/usr/bin/env bash
# ctest `docs_browser`: installs swagger-ui-dist and playwright-core (npm, pinned, into
# BUILD_DIR/cache/node; never a browser), starts the server on SQLite and runs
# docs_test.cjs in Debian's headless chromium with a fresh profile. Fails on failure;
# exit 77 (skipped) only when chromium, node or the npm packages cannot be had.
#   tests/browser/docs_test.sh EVENTS_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$2" && pwd)
source "$root/tests/openapi/server.sh"

source "$here/lib.sh"   # chromium, node, playwright-core (or exit 77)

modules="$build/cache/node/node_modules"
start_events "$1" "\"swagger_ui_dir\": \"$modules/swagger-ui-dist\""
curl -fsS -X POST "$EVENTS_URL/api/account" -d '{"name": "Browser Test Corp"}' >/dev/null
mkdir -p "$EVENTS_DIR/profile"
EVENTS_URL=$EVENTS_URL PLAYWRIGHT_CORE="$modules/playwright-core" CHROMIUM=$CHROMIUM \
  USER_DATA_DIR="$EVENTS_DIR/profile" timeout 180 node "$here/docs_test.cjs"
