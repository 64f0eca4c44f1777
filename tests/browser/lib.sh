# shellcheck shell=bash
# Sourced by the browser tests (docs_test.sh, admin_ui_test.sh) after setting `root` (the
# repository) and `build` (the build folder): checks for Debian's chromium and node and
# installs playwright-core (npm, pinned, into $build/cache/node; never a browser). Exits
# 77 (skipped) when any of them cannot be had, naming what is missing. Sets CHROMIUM.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[[ -x "$CHROMIUM" ]] || { echo "SKIPPED: no chromium at $CHROMIUM (Debian package chromium)"; exit 77; }
command -v node >/dev/null || { echo "SKIPPED: node is not installed"; exit 77; }
"$root/scripts/install-swagger-ui.sh" --with-playwright "$build" ||
  { echo "SKIPPED: npm cannot install swagger-ui-dist / playwright-core"; exit 77; }
