# Sourced after tests/openapi/server.sh by the tests that need logins (admin_ui_auth_browser,
# docs_auth_browser, openapi_schemathesis_auth): starts the real server on SQLite with
# schemas/events-auth.yaml and bootstraps it as docs/AUTH.md "Bootstrapping the first login"
# says, without a login: the three roles through the admin token, the logins through
# `events user add` (password on stdin). The roles are those of tests/e2e/auth_test.cpp
# `PermissionMatrixOfThreeRoles`, each with `s` so that its lists open:
#   all  {"*": "cruds"}                          login alice / alice-secret
#   cru  {"*": "crus"}                           login bob   / bob-secret1
#   ru   {"*": "rus", "Auth": "", "Role": ""}    login carol / carol-secret
#   start_events_with_logins EVENTS_BINARY [EXTRA_CONFIG_JSON_MEMBERS]
#     -> as start_events, and EVENTS_ADMIN_TOKEN; cookie_secure is false (plain HTTP).
#   login_session LOGIN PASSWORD -> prints the session id of a login through POST /api/login

start_events_with_logins() {
  local binary=$1 extra=${2:-}
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  EVENTS_ADMIN_TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  start_events "$binary" "\"schema_path\": \"$root/schemas/events-auth.yaml\", \"admin_token\": \"$EVENTS_ADMIN_TOKEN\", \"cookie_secure\": false${extra:+, $extra}"
  local role
  for role in '{"role": "all", "permissions": {"*": "cruds"}}' '{"role": "cru", "permissions": {"*": "crus"}}' \
              '{"role": "ru", "permissions": {"*": "rus", "Auth": "", "Role": ""}}'; do
    curl -fsS -X POST "$EVENTS_URL/api/role" -H "Authorization: Bearer $EVENTS_ADMIN_TOKEN" -d "$role" >/dev/null ||
      { echo "cannot create the role $role" >&2; return 1; }
  done
  local login
  for login in alice:alice-secret:all bob:bob-secret1:cru carol:carol-secret:ru; do
    IFS=: read -r name password role <<<"$login"
    "$binary" user add --config "$EVENTS_DIR/config.json" --schema "$root/schemas/events-auth.yaml" \
      --entity Auth --login "$name" --role "$role" <<<"$password" >/dev/null ||
      { echo "events user add $name failed" >&2; return 1; }
  done
}

login_session() {
  curl -fsS -X POST "$EVENTS_URL/api/login" -d "{\"login\": \"$1\", \"password\": \"$2\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["sessionId"])'
}
