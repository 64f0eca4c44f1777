#!/usr/bin/env bash
# Builds the admin UI (ui/, Vite + Svelte, docs/ADMIN_UI.md) into BUILD_DIR/admin-ui, where
# the server finds it (EVENTS_ADMIN_UI_DIR in CMakeLists.txt). The npm packages are those
# of ui/package-lock.json, installed with `npm ci` into BUILD_DIR/cache/ui-node (again only
# when the lock file changes); the sources are copied beside them and built there, so
# nothing is written into ui/. Prints the bundle's size, raw and gzipped.
#   scripts/build-ui.sh [--optional] [BUILD_DIR]
# Exit status: 0 built; 1 the build failed; 3 npm is missing or `npm ci` failed (with
# --optional that is a warning and status 0: the server runs without the UI, and
# GET /admin/ says how to build it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
optional=0
build="$root/build"
for arg in "$@"; do
  case "$arg" in
    --optional) optional=1 ;;
    *) build="$arg" ;;
  esac
done
mkdir -p "$build"
build=$(cd "$build" && pwd)
prefix="$build/cache/ui-node"
out="$build/admin-ui"

unavailable() {
  echo "build-ui: $1; the admin UI is not built (GET /admin/ says so)" >&2
  if ((optional)); then exit 0; fi
  exit 3
}

command -v node >/dev/null || unavailable "node is not installed"
command -v npm >/dev/null || unavailable "npm is not installed"
mkdir -p "$prefix"
if ! cmp -s "$root/ui/package-lock.json" "$prefix/package-lock.json" || [[ ! -d "$prefix/node_modules/vite" ]]; then
  cp "$root/ui/package.json" "$root/ui/package-lock.json" "$prefix/"
  echo "build-ui: npm ci into $prefix" >&2
  # --ignore-scripts: the native parts come as prebuilt optional packages of the registry.
  (cd "$prefix" && npm ci --no-audit --no-fund --ignore-scripts --cache "$build/cache/npm" >&2) ||
    { rm -f "$prefix/package-lock.json"; unavailable "npm ci failed"; }
fi

# The sources beside node_modules, so that Vite resolves the packages from there.
rm -rf "$prefix/app"
mkdir -p "$prefix/app"
cp -R "$root/ui/index.html" "$root/ui/vite.config.js" "$root/ui/src" "$root/ui/public" "$prefix/app/"
(cd "$prefix/app" && node "$prefix/node_modules/vite/bin/vite.js" build --logLevel warn --outDir "$out" --emptyOutDir) ||
  { echo "build-ui: vite build failed" >&2; exit 1; }

raw=0
gz=0
while IFS= read -r -d '' f; do
  raw=$((raw + $(stat -c %s "$f")))
  gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
done < <(find "$out" -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) -print0)
echo "build-ui: built $out: $raw bytes, $gz bytes gzipped"
