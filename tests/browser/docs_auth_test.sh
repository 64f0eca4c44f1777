#!/usr/bin/env bash
# ctest `docs_auth_browser`: Swagger UI's "Authorize" with a session (docs/AUTH.md "Routes").
# Installs swagger-ui-dist and playwright-core (npm, pinned, into BUILD_DIR/cache/node; never
# a browser), starts the server on SQLite with schemas/events-auth.yaml and its logins
# (tests/openapi/auth_server.sh) and runs docs_auth_test.cjs in Debian's headless chromium
# with a fresh profile. Exit 77 (skipped) only when chromium, node or the npm packages
# cannot be had.
#   tests/browser/docs_auth_test.sh EVENTS_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$2" && pwd)
source "$root/tests/openapi/server.sh"
source "$root/tests/openapi/auth_server.sh"

source "$here/lib.sh"   # chromium, node, playwright-core (or exit 77)

modules="$build/cache/node/node_modules"
start_events_with_logins "$1" "\"swagger_ui_dir\": \"$modules/swagger-ui-dist\""
curl -fsS -X POST "$EVENTS_URL/api/account" -H "Authorization: Bearer $EVENTS_ADMIN_TOKEN" \
  -d '{"name": "Authorized Corp"}' >/dev/null
mkdir -p "$EVENTS_DIR/profile"
EVENTS_URL=$EVENTS_URL EVENTS_SESSION=$(login_session alice alice-secret) PLAYWRIGHT_CORE="$modules/playwright-core" \
  CHROMIUM=$CHROMIUM USER_DATA_DIR="$EVENTS_DIR/profile" timeout 180 node "$here/docs_auth_test.cjs"
