#!/usr/bin/env bash
# ctest `admin_ui_auth_browser`: the admin UI with logins (docs/DECISIONS.md §6, §7). Builds
# the UI (scripts/build-ui.sh), starts the real server on SQLite with schemas/events-auth.yaml,
# bootstraps three roles and their logins without a login (tests/openapi/auth_server.sh:
# the admin token, `events user add`) and runs admin_ui_auth_test.cjs in Debian's headless
# chromium with a fresh profile. Screenshots go to BUILD_DIR/admin-ui-screenshots.
# Exit 77 (skipped) only when chromium, node or the npm packages cannot be had.
#   tests/browser/admin_ui_auth_test.sh EVENTS_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$2" && pwd)
source "$root/tests/openapi/server.sh"
source "$root/tests/openapi/auth_server.sh"

source "$here/lib.sh"   # chromium, node, playwright-core (or exit 77)
status=0
"$root/scripts/build-ui.sh" "$build" || status=$?
((status == 3)) && { echo "SKIPPED: npm cannot install the admin UI's packages"; exit 77; }
((status == 0)) || { echo "admin_ui_auth_browser: the admin UI does not build"; exit 1; }

start_events_with_logins "$1" "\"admin_ui_dir\": \"$build/admin-ui\""
mkdir -p "$EVENTS_DIR/profile" "$build/admin-ui-screenshots"
EVENTS_URL=$EVENTS_URL EVENTS_ADMIN_TOKEN=$EVENTS_ADMIN_TOKEN PLAYWRIGHT_CORE="$build/cache/node/node_modules/playwright-core" \
  CHROMIUM=$CHROMIUM AXE_CORE="$build/cache/ui-node/node_modules/axe-core/axe.min.js" \
  SCREENSHOT_DIR="$build/admin-ui-screenshots" USER_DATA_DIR="$EVENTS_DIR/profile" \
  timeout 300 node "$here/admin_ui_auth_test.cjs"
