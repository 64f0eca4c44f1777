#!/usr/bin/env bash
# ctest `openapi_spec_valid`: GET /openapi.json of a live server (sample schema, SQLite)
# validates as OpenAPI 3.1 with openapi-spec-validator (PyPI), both with every optional
# route on and with /metrics behind the admin token (which adds a security requirement).
# Fails on an invalid document; exit 77 (skipped) only when the validator cannot be installed.
#   tests/openapi/validate_spec.sh EVENTS_BINARY BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/python-tools.sh"
source "$here/server.sh"
ensure_python_tools "$2"

validate() {   # validate LABEL [EXTRA_CONFIG]
  start_events "$1" "${3:-}"
  curl -fsS "$EVENTS_URL/openapi.json" > "$EVENTS_DIR/openapi-$2.json"
  kill "$EVENTS_PID"; wait "$EVENTS_PID" || true
  "$PY_TOOLS/openapi-spec-validator" "$EVENTS_DIR/openapi-$2.json"
  # The document says 3.1 and describes the entity routes of the sample schema.
  "$PY_TOOLS/python" - "$EVENTS_DIR/openapi-$2.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["openapi"].startswith("3.1"), doc["openapi"]
ops = sum(len(v) for v in doc["paths"].values())
for path in ("/api/user", "/api/user/{id}", "/openapi.json", "/metrics"):
    assert path in doc["paths"], path
print(f"{sys.argv[1]}: {len(doc['paths'])} paths, {ops} operations")
PY
}

validate "$1" default
validate "$1" metrics-auth '"metrics_auth": true, "admin_token": "spec-test"'
echo "openapi_spec_valid: OK"
