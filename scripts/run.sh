#!/usr/bin/env bash
# Installs what building and serving need (scripts/install-deps.sh without --test: no test
# servers, no browser, no Java), builds a Release binary (the server only, not the tests),
# the Swagger UI and the admin UI where npm is present, and starts the server on SQLite with the bundled sample schema on port 5500 (events.db in
# the current directory). Extra arguments go to `events serve` (e.g. --config my.json,
# --port 8080).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
ninja -C "$root/build" -j"$(nproc)" events
# GET /docs serves npm swagger-ui-dist from build/cache and GET /admin/ the admin UI built
# from ui/ with npm (target admin_ui). npm is part of the test set only (Debian's npm brings
# some 350 packages); where it is present both are installed, and the API, /openapi.json and
# /metrics work without them.
if command -v npm >/dev/null; then
  "$root/scripts/install-swagger-ui.sh" "$root/build" || echo "run.sh: swagger-ui-dist not installed; /docs answers 404" >&2
  ninja -C "$root/build" -j"$(nproc)" admin_ui || echo "run.sh: the admin UI did not build; /admin/ answers 404" >&2
else
  echo "run.sh: npm is not installed, so /docs has no Swagger UI and /admin/ no admin UI" \
       "(scripts/install-deps.sh --test installs npm; then scripts/install-swagger-ui.sh and" \
       "scripts/build-ui.sh); /openapi.json describes the API meanwhile" >&2
fi
exec "$root/build/events" serve "$@"
