#!/usr/bin/env bash
# ctest `openapi_schemathesis`: schemathesis (PyPI) against a live server on SQLite with
# its own /openapi.json: every operation, a fixed seed and example budget, checks
# not_a_server_error and response conformance (status code, content type, headers,
# body schema). Then a scrape of /metrics must show the run's requests by route template,
# and no 5xx. Fails on any failure; exit 77 (skipped) only when schemathesis cannot be
# installed.
# ctest `openapi_schemathesis_auth` (--with-session): the same against schemas/events-auth.yaml
# (docs/DECISIONS.md §6) with every request carrying `Authorization: Bearer <session>` of
# the all-letters role (tests/openapi/auth_server.sh), so the entity routes are reached
# past the gate; the writes of Role and Auth documents in a second pass as the admin token,
# POST /api/logout not at all (they would end that session half-way).
#   tests/openapi/schemathesis.sh EVENTS_BINARY BUILD_DIR [--with-session]
# Budget: SCHEMATHESIS_MAX_EXAMPLES (default 30) examples per operation, seed
# SCHEMATHESIS_SEED (default 20261129).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/python-tools.sh"
source "$here/server.sh"
ensure_python_tools "$2"

max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-30}
seed=${SCHEMATHESIS_SEED:-20261129}
# schemathesis.toml turns off the location-header link inference, whose URL scan
# crashes schemathesis 4.32 on generated values such as "http://[" (a tool bug).
# One worker: with two, Python 3.11.7 sometimes fails inside schemathesis with "AST
# constructor recursion depth mismatch" (a CPython bug of concurrent ast use, gh-106905).
# From the temp dir: schemathesis keeps a .schemathesis cache in its working directory.
#   run_schemathesis NAME [SCHEMATHESIS_ARGS...]  (exits with schemathesis' failure)
run_schemathesis() {
  local name=$1 started status=0
  shift
  started=$(date +%s)
  (cd "$EVENTS_DIR" && "$PY_TOOLS/schemathesis" --config-file "$here/schemathesis.toml" run "$EVENTS_URL/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --seed "$seed" --max-examples "$max_examples" --workers 1 --generation-database none "$@" \
    --no-color --output-truncate true --report junit --report-dir "$EVENTS_DIR/report-$name") || status=$?
  echo "schemathesis ($name): seed $seed, $max_examples examples per operation, $(( $(date +%s) - started )) s, exit $status"
  if ((status != 0)); then
    echo "--- server log ---"; tail -50 "$EVENTS_DIR/server.log"
    exit "$status"
  fi
}

metrics_auth=()
if [[ ${3:-} == --with-session ]]; then
  source "$here/auth_server.sh"
  start_events_with_logins "$1"
  session=(-H "Authorization: Bearer $(login_session alice alice-secret)")
  admin=(-H "Authorization: Bearer $EVENTS_ADMIN_TOKEN")
  # The run's own session must live to its end: its stateful phase finds documents through
  # the lists and deletes or rewrites them, and a deleted (or rewritten) role ends, or
  # changes, the sessions of its logins at once (docs/AUTH.md "Sessions"); logout ends it
  # too. So the operations that write a Role or an Auth document run in a second pass as
  # the admin token (a superuser: past the gate as well), and logout not at all.
  role_and_login_writes=(replaceRole updateRole deleteRole replaceAuth updateAuth deleteAuth)
  excluded=(--exclude-operation-id logout)
  included=()
  for op in "${role_and_login_writes[@]}"; do
    excluded+=(--exclude-operation-id "$op")
    included+=(--include-operation-id "$op")
  done
  run_schemathesis session "${session[@]}" "${excluded[@]}"
  curl -fsS "${session[@]}" "$EVENTS_URL/api/session" >/dev/null ||
    { echo "the run's session no longer works: GET /api/session refused it"; exit 1; }
  run_schemathesis admin-token "${admin[@]}" "${included[@]}"
  metrics_auth=("${admin[@]}")   # /metrics: superusers only
else
  start_events "$1"
  run_schemathesis anonymous
fi

# Every entity route the run reached is counted under its template; no 5xx anywhere.
curl -fsS "${metrics_auth[@]}" "$EVENTS_URL/metrics" > "$EVENTS_DIR/metrics.txt"
curl -fsS "$EVENTS_URL/openapi.json" > "$EVENTS_DIR/openapi.json"
"$PY_TOOLS/python" - "$EVENTS_DIR/metrics.txt" "$EVENTS_DIR/openapi.json" <<'PY'
import json, re, sys
counts = {}
for line in open(sys.argv[1]):
    m = re.match(r'events_http_requests_total\{method="(\w+)",route="([^"]*)",status="(\d+)"\} (\S+)', line)
    if m:
        counts[(m[1], m[2], m[3])] = float(m[4])
assert counts, "no request counters in /metrics"
server_errors = {k: v for k, v in counts.items() if k[2].startswith("5")}
assert not server_errors, f"5xx answers: {server_errors}"
routes = {route for (_, route, _) in counts}
ok = {route for (_, route, status) in counts if status.startswith("2")}
for route in ("/api/user", "/api/account"):   # reached past any gate, not only refused
    assert route in ok, f"no 2xx answer on {route}: {sorted(ok)}"
for route in ("/api/user", "/api/user/{id}", "/api/account", "/api/metadata", "/openapi.json"):
    assert route in routes, f"{route} not counted: {sorted(routes)}"
templates = set(json.load(open(sys.argv[2]))["paths"]) | {"unmatched"}
assert routes <= templates, f"labels that are no route template (raw paths?): {sorted(routes - templates)}"
print(f"metrics: {int(sum(counts.values()))} requests over {len(routes)} route templates, no 5xx")
PY
