#!/usr/bin/env bash
# Installs the npm packages of GET /docs (swagger-ui-dist) into build/cache/node, where
# the server finds them (EVENTS_SWAGGER_UI_DIR in CMakeLists.txt). With `--with-playwright`
# also playwright-core, for the browser test (tests/browser). Never downloads a browser:
# the test drives Debian's /usr/bin/chromium. Idempotent; exits non-zero when npm fails.
#   scripts/install-swagger-ui.sh [--with-playwright] [BUILD_DIR]
set -euo pipefail
SWAGGER_UI_VERSION=5.35.0
PLAYWRIGHT_VERSION=1.65.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
with_playwright=0
build="$root/build"
for arg in "$@"; do
  case "$arg" in
    --with-playwright) with_playwright=1 ;;
    *) build="$arg" ;;
  esac
done
prefix="$build/cache/node"
mkdir -p "$prefix"

installed() {   # installed NAME VERSION
  [[ -f "$prefix/node_modules/$1/package.json" ]] &&
    [[ $(node -p "require('$prefix/node_modules/$1/package.json').version" 2>/dev/null) == "$2" ]]
}

wanted=()
installed swagger-ui-dist "$SWAGGER_UI_VERSION" || wanted+=("swagger-ui-dist@$SWAGGER_UI_VERSION")
if ((with_playwright)); then
  installed playwright-core "$PLAYWRIGHT_VERSION" || wanted+=("playwright-core@$PLAYWRIGHT_VERSION")
fi
((${#wanted[@]})) || exit 0
command -v npm >/dev/null || { echo "install-swagger-ui: npm is not installed" >&2; exit 1; }
echo "install-swagger-ui: npm install ${wanted[*]} into $prefix" >&2
# --ignore-scripts: no package needs a build step here, and none may fetch anything else.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$prefix" --no-audit --no-fund --ignore-scripts \
  "${wanted[@]}" >&2
