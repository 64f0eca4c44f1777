#!/usr/bin/env bash
# Installs what is missing, builds a Release binary and starts the server on SQLite
# with the bundled sample schema on port 5500 (events.db in the current directory).
# Extra arguments go to `events serve` (e.g. --config my.json, --port 8080).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$root/build" -j"$(nproc)" events
# GET /docs serves npm swagger-ui-dist from build/cache (the API works without it).
"$root/scripts/install-swagger-ui.sh" "$root/build" || echo "run.sh: swagger-ui-dist not installed; /docs answers 404" >&2
exec "$root/build/events" serve "$@"
