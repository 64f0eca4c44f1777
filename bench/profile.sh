#!/usr/bin/env bash
# Instructions per request of GET /api/user/<id> on SQLite, and of the baseline server,
# counted by valgrind's callgrind: a figure that does not depend on what else the
# machine runs (wall-clock numbers do), for comparing two builds. With --gated, also the
# same GET through a login session (schemas/events-auth.yaml, Authorization: Bearer), and
# its ratio to the ungated GET (target: at most 1.15).
#
#   bench/profile.sh [--build-dir DIR] [--events-bin PATH] [--requests N] [--users N]
#                    [--log-level LEVEL] [--top K] [--keep DIR] [--gated]
#
# Builds no events binary (default: DIR/events, DIR = build/); datagen and baseline_server
# are compiled into bench/work/bin/ by bench/run.sh's g++ lines when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/work

build_dir=$ROOT/build
events_bin=
requests=2000
warmup=100
users=10000
log_level=info
top=25
keep=
gated=false

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --events-bin) events_bin=$(realpath "$2"); shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --log-level) log_level=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --keep) keep=$(realpath -m "$2"); shift 2 ;;
    --gated) gated=true; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
events_bin=${events_bin:-$build_dir/events}

log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ -x $events_bin ]] || die "no events binary at $events_bin (build it first, or pass --events-bin)"
for tool in valgrind callgrind_control callgrind_annotate python3 g++; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

out=${keep:-$(mktemp -d /tmp/events-profile.XXXXXX)}
mkdir -p "$out" "$WORK/bin" "$WORK/data" "$WORK/db"
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  [[ -z $keep ]] && rm -rf "$out"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools and data, as bench/run.sh makes them ----------------------------------------------
build_tool() {
  local name=$1; shift
  local src=$BENCH/$name.cpp bin=$WORK/bin/$name
  if [[ ! -x $bin || $src -nt $bin ]]; then
    log "building $name"
    g++ -std=c++20 -O2 -Wall -Wextra -o "$bin.tmp" "$src" "$@" || die "building $name failed"
    mv "$bin.tmp" "$bin"
  fi
}
build_tool datagen
build_tool baseline_server -pthread

data=$WORK/data/$users-$(sha1sum "$BENCH/datagen.cpp" | cut -c1-10)
if [[ ! -f $data/done ]]; then
  log "generating the dump for $users users"
  rm -rf "$data"; mkdir -p "$data"
  "$WORK/bin/datagen" --users "$users" --out "$data/dump.jsonl" --samples "$data/samples" || die "datagen failed"
  touch "$data/done"
fi
id=$(head -1 "$data/samples/users.tsv" | cut -f1)

# A database per binary: a reused one could have been migrated by another build.
db=$out/events.db
rm -f "$db" "$db-wal" "$db-shm"
port=$(free_port)
config=$out/config.json
cat >"$config" <<EOF
{"project_name": "profile", "database": "sqlite", "db_uri": "$db", "db_name": "events",
 "host": "127.0.0.1", "server_port": $port, "log_level": "$log_level"}
EOF
log "importing $users users into $db"
"$events_bin" import --config "$config" <"$data/dump.jsonl" >"$out/import.log" 2>&1 || die "import failed, see $out/import.log"

# ---- the client: N identical requests over one keep-alive connection -------------------------
# send PORT PATH COUNT: fails unless every answer is 200. $authorization, when set, goes
# with every request as the Authorization header.
authorization=
send() {
  AUTHORIZATION=$authorization python3 - "$@" <<'EOF'
import http.client, os, sys
port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
headers = {"Authorization": os.environ["AUTHORIZATION"]} if os.environ.get("AUTHORIZATION") else {}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(count):
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"GET {path}: status {r.status}")
conn.close()
EOF
}

# profile NAME PATH CMD...: runs CMD under callgrind, waits until PATH answers, sends the
# warm-up requests, zeroes the counters, sends the measured requests, dumps the counters and
# stops the server. Prints the instructions of the measured requests.
profile() {
  local name=$1 path=$2; shift 2
  local cg=$out/callgrind.$name
  rm -f "$cg".*   # a --keep directory of an earlier run must not lend its dump
  valgrind --tool=callgrind --callgrind-out-file="$cg.%p" --dump-instr=no "$@" >"$out/$name.log" 2>&1 &
  server_pid=$!
  local ok=false
  for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || break
    # Any HTTP answer means the server is up (a gated GET answers 401 before the login).
    if python3 -c "import http.client; c = http.client.HTTPConnection('127.0.0.1', $port, timeout=5); c.request('GET', '$path'); c.getresponse()" 2>/dev/null; then
      ok=true; break
    fi
    sleep 0.5
  done
  $ok || die "$name did not answer $path, see $out/$name.log"
  if [[ -n $login_body ]]; then
    # One login, outside the counted window; every GET then carries its session.
    local sid
    sid=$(python3 - "$port" "$login_body" <<'EOF'
import http.client, json, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=300)
conn.request("POST", "/api/login", sys.argv[2], {"Content-Type": "application/json"})
r = conn.getresponse()
body = r.read()
if r.status != 200:
    sys.exit(f"POST /api/login: status {r.status}: {body[:300]!r}")
print(json.loads(body)["data"]["sessionId"])
EOF
) || die "$name: login failed"
    authorization="Bearer $sid"
  fi
  send "$port" "$path" "$warmup" || die "$name: warm-up failed"
  callgrind_control -z "$server_pid" >/dev/null 2>&1 || die "callgrind_control -z failed"
  send "$port" "$path" "$requests" || die "$name: requests failed"
  callgrind_control -d "measured" "$server_pid" >/dev/null 2>&1 || die "callgrind_control -d failed"
  kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  authorization=
  # The dump of `callgrind_control -d` is the file with a ".1" part; the one the exit writes
  # (shutdown) has none.
  local file
  file=$(ls "$cg".*.1 2>/dev/null | head -1)
  [[ -n $file ]] || die "$name: no callgrind dump"
  mv "$file" "$cg.measured"
  sed -n 's/^summary: //p; s/^totals: //p' "$cg.measured" | head -1 | awk '{ print $1 }'
}

login_body=
log "events: $requests x GET /api/user/$id under callgrind (log_level $log_level)"
events_ir=$(profile events "/api/user/$id" "$events_bin" serve --config "$config")

gated_ir=0
if $gated; then
  # The same data under schemas/events-auth.yaml (the sample plus Auth and Role), with one
  # role that may read everything and one login of it, imported with the dump; an admin
  # token is configured as a deployment would have one (each request is checked against it).
  gated_db=$out/events-gated.db
  rm -f "$gated_db" "$gated_db-wal" "$gated_db-shm"
  port=$(free_port)
  gated_config=$out/config-gated.json
  cat >"$gated_config" <<EOF
{"project_name": "profile", "database": "sqlite", "db_uri": "$gated_db", "db_name": "events",
 "host": "127.0.0.1", "server_port": $port, "log_level": "$log_level", "cookie_secure": false,
 "schema_path": "$ROOT/schemas/events-auth.yaml", "admin_token": "profile-admin-token"}
EOF
  log "importing $users users and one login into $gated_db"
  { cat "$data/dump.jsonl"
    echo '{"entity":"Role","doc":{"id":"01profilerole0000000000000","role":"reader","permissions":{"*":"rs"}}}'
    echo '{"entity":"Auth","doc":{"id":"01profileauth0000000000000","name":"profile","password":"profile-password","roleId":"01profilerole0000000000000"}}'
  } | "$events_bin" import --config "$gated_config" >"$out/import-gated.log" 2>&1 ||
    die "import failed, see $out/import-gated.log"
  login_body='{"login": "profile", "password": "profile-password"}'
  log "events, gated: $requests x GET /api/user/$id with a session under callgrind"
  gated_ir=$(profile events-gated "/api/user/$id" "$events_bin" serve --config "$gated_config")
  login_body=
fi

port=$(free_port)
log "baseline: $requests x GET /api/user/$id under callgrind"
baseline_ir=$(profile baseline "/api/user/$id" "$WORK/bin/baseline_server" "$port" 2)

python3 - "$events_ir" "$baseline_ir" "$requests" "$gated_ir" <<'EOF'
import sys
e, b, n, g = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"requests:                {n} (after warm-up, one keep-alive connection)")
print(f"events   instr/request:  {e / n:,.0f}")
if g:
    print(f"gated    instr/request:  {g / n:,.0f}   (the same GET with a login session)")
print(f"baseline instr/request:  {b / n:,.0f}")
print(f"baseline / events:       {b / e:.3f}   (instructions; wrk's ratio also counts the client and the kernel)")
if g:
    met = "met" if g / e <= 1.15 else "NOT met"
    print(f"gated / ungated:         {g / e:.3f}   (target <= 1.15: {met})")
EOF
top_functions() {  # top_functions NAME: the top inclusive functions of that run, per request
  callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.$1.measured" 2>/dev/null |
  awk -v n="$requests" -v top="$top" '
    /^-+$/ { dash++; next }
    dash >= 3 && $1 ~ /^[0-9,]+$/ && shown < top {
      ir = $1; gsub(",", "", ir); $1 = ""; sub(/^ +/, "")
      printf "%12.0f  %s\n", ir / n, substr($0, 1, 150); shown++
    }'
}
echo
echo "Top inclusive functions of events, instructions per request:"
top_functions events
if $gated; then
  echo
  echo "Top inclusive functions of events with a session, instructions per request:"
  top_functions events-gated
fi
[[ -n $keep ]] && log "callgrind files kept in $keep (callgrind_annotate $keep/callgrind.events.measured)"
exit 0
