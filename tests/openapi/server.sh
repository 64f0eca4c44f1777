# Sourced by the API-level test scripts (tests/openapi, tests/browser): starts the real
# `events` binary on SQLite in a temp dir on a free port, and stops it (by its pid) on exit.
#   start_events EVENTS_BINARY [EXTRA_CONFIG_JSON_MEMBERS]  -> sets EVENTS_URL, EVENTS_PID, EVENTS_DIR
# Exit code 77 is what ctest reports as SKIPPED (SKIP_RETURN_CODE in CMakeLists.txt).

EVENTS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/events-api-test.XXXXXX")
EVENTS_PID=""
cleanup_events() {
  if [[ -n "$EVENTS_PID" ]] && kill -0 "$EVENTS_PID" 2>/dev/null; then
    kill "$EVENTS_PID" 2>/dev/null || true
    wait "$EVENTS_PID" 2>/dev/null || true
  fi
  rm -rf "$EVENTS_DIR"
}
trap cleanup_events EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_events() {
  local binary=$1 extra=${2:-}
  local port
  port=$(free_port)
  cat > "$EVENTS_DIR/config.json" <<JSON
{"project_name": "Events", "database": "sqlite", "db_uri": "$EVENTS_DIR/events.db", "db_name": "events",
 "host": "127.0.0.1", "server_port": $port, "log_level": "warning"${extra:+, $extra}}
JSON
  "$binary" serve --config "$EVENTS_DIR/config.json" > "$EVENTS_DIR/server.log" 2>&1 &
  EVENTS_PID=$!
  EVENTS_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if curl -fsS "$EVENTS_URL/api/health" >/dev/null 2>&1; then return 0; fi
    kill -0 "$EVENTS_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the events server did not come up:" >&2
  cat "$EVENTS_DIR/server.log" >&2
  return 1
}
