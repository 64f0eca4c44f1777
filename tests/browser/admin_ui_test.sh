#!/usr/bin/env bash
# ctest `admin_ui_browser`: builds the admin UI (scripts/build-ui.sh: npm ci of
# ui/package-lock.json into BUILD_DIR/cache/ui-node, Vite into BUILD_DIR/admin-ui),
# installs playwright-core (scripts/install-swagger-ui.sh; never a browser), starts the
# real server on SQLite with the sample schema and runs admin_ui_test.cjs in Debian's
# headless chromium with a fresh profile. Screenshots go to BUILD_DIR/admin-ui-screenshots.
# Exit 77 (skipped) only when chromium, node or the npm packages cannot be had.
#   tests/browser/admin_ui_test.sh EVENTS_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$2" && pwd)
source "$root/tests/openapi/server.sh"

source "$here/lib.sh"   # chromium, node, playwright-core (or exit 77)
status=0
"$root/scripts/build-ui.sh" "$build" || status=$?
((status == 3)) && { echo "SKIPPED: npm cannot install the admin UI's packages"; exit 77; }
((status == 0)) || { echo "admin_ui_browser: the admin UI does not build"; exit 1; }

start_events "$1" "\"admin_ui_dir\": \"$build/admin-ui\""
mkdir -p "$EVENTS_DIR/profile" "$build/admin-ui-screenshots"
EVENTS_URL=$EVENTS_URL PLAYWRIGHT_CORE="$build/cache/node/node_modules/playwright-core" CHROMIUM=$CHROMIUM \
  AXE_CORE="$build/cache/ui-node/node_modules/axe-core/axe.min.js" UI_DIR="$build/admin-ui" \
  SCREENSHOT_DIR="$build/admin-ui-screenshots" USER_DATA_DIR="$EVENTS_DIR/profile" \
  timeout 300 node "$here/admin_ui_test.cjs"
