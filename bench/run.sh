#!/usr/bin/env bash
# Benchmark harness: see bench/README.md.
#
#   bench/run.sh [--sizes 10k,100k,1m] [--duration 10] [--connections 64] [--threads 2]
#                [--backend sqlite|postgresql|elasticsearch|mongodb|all|LIST] [--scenarios a,b,...]
#                [--build-dir DIR]
#                [--events-bin PATH] [--schema FILE]
#
# For each size: generate (or reuse) the deterministic dump, load it with `events import`
# into a fresh database, start `events serve`, measure the baseline server and then every
# scenario with wrk, and write bench/results/<timestamp>.{md,json}. `--backend all` (or a
# comma-separated list such as sqlite,postgresql) runs
# every backend present one after the other (same options) and prints them side by side
# (bench/compare.py). PostgreSQL runs with fsync and synchronous_commit on. The scenario
# get_by_id_gated runs last, on a second server: the same data under
# schemas/events-auth.yaml, with one login whose session every request carries.
set -euo pipefail
all_args=("$@")

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/work

sizes=10k
duration=10
connections=64
threads=2
backend=sqlite
build_dir=$ROOT/build
events_bin=
schema=
all_scenarios=get_by_id,list_filter_sort,list_substring,list_view,page1,deep_page,put_update,post_create,mixed,delete,get_by_id_gated
scenarios=$all_scenarios

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --events-bin) events_bin=$(realpath "$2"); shift 2 ;;
    --schema) schema=$(realpath "$2"); shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
for b in ${backend//,/ }; do
  case $b in sqlite|postgresql|elasticsearch|mongodb|all) ;;
    *) echo "--backend must be sqlite, postgresql, elasticsearch, mongodb, all or a comma-separated list of them" >&2; exit 2 ;;
  esac
done
for s in ${scenarios//,/ }; do
  [[ -f $BENCH/wrk/$s.lua ]] || { echo "unknown scenario: $s (have: $all_scenarios)" >&2; exit 2; }
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- --backend all: one run per backend present, then the side-by-side table -----------------
if [[ $backend == all || $backend == *,* ]]; then
  if [[ $backend == all ]]; then
    # Every backend whose test server can start here: PostgreSQL needs its Debian binaries,
    # OpenSearch a JDK (tests/servers/opensearch), FerretDB Go (tests/servers/ferretdb)
    # unless EVENTS_TEST_MONGO_URI names a MongoDB.
    backends=(sqlite)
    [[ -x ${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb ]] && backends+=(postgresql)
    command -v java >/dev/null && backends+=(elasticsearch)
    { [[ -n ${EVENTS_TEST_MONGO_URI:-} ]] || command -v go >/dev/null; } && backends+=(mongodb)
  else
    IFS=, read -r -a backends <<<"$backend"
  fi
  # Everything but --backend is passed on unchanged.
  pass=()
  for (( i = 0; i < ${#all_args[@]}; i++ )); do
    if [[ ${all_args[i]} == --backend ]]; then i=$(( i + 1 )); continue; fi
    pass+=("${all_args[i]}")
  done
  results=()
  for b in "${backends[@]}"; do
    log "=== backend $b ==="
    marker=$(mktemp)
    "$0" "${pass[@]}" --backend "$b" >&2 || log "the $b run failed"
    newest=$(find "$BENCH/results" -name '*.json' -newer "$marker" 2>/dev/null | sort | tail -1)
    rm -f "$marker"
    [[ -n $newest ]] && results+=("$newest")
  done
  [[ ${#results[@]} -gt 0 ]] || die "no backend produced results"
  out=$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)-all.md
  python3 "$BENCH/compare.py" "${results[@]}" >"$out"
  log "side by side: $out"
  cat "$out"
  exit 0
fi

# "10k" -> 10000, "1m" -> 1000000, "2500" -> 2500
size_to_users() {
  local s=${1,,}
  case $s in
    *k) echo $(( ${s%k} * 1000 )) ;;
    *m) echo $(( ${s%m} * 1000000 )) ;;
    *[!0-9]*|'') die "bad size: $1" ;;
    *) echo "$s" ;;
  esac
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

file_bytes() { local t=0 f; for f in "$@"; do [[ -f $f ]] && t=$(( t + $(stat -c %s "$f") )); done; echo $t; }

mkdir -p "$WORK/bin" "$WORK/data" "$WORK/db" "$BENCH/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
logdir=$WORK/logs/$stamp
mkdir -p "$logdir"
records=$logdir/records.jsonl
: > "$records"
# A per-run nonce keeps POSTed usernames/emails unique even across repeated runs.
nonce=$(printf '%x' "$(date +%s%N | cut -c1-15)")

# ---- cleanup of everything this script started -------------------------------------------
server_pid=
baseline_pid=
pg_data=
es_url=
ferret_dir=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n $baseline_pid ]] && kill "$baseline_pid" 2>/dev/null || true
  if [[ -n $pg_data ]]; then pg_stop || true; fi
  if [[ -n $es_url ]]; then EVENTS_ES_TEST_DIR=$WORK/es "$ROOT/tests/servers/opensearch/server.sh" stop 2>/dev/null || true; fi
  if [[ -n $ferret_dir ]]; then EVENTS_FERRETDB_TEST_DIR=$ferret_dir "$ROOT/tests/servers/ferretdb/server.sh" stop 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {  # stop_pid PID: TERM, wait up to 10 s, then KILL
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
  log "pid $pid ignored SIGTERM; killing"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ---- builds --------------------------------------------------------------------------------
events_bin_given=$events_bin   # --events-bin: the run measures that binary, not this checkout
if [[ -z $events_bin ]]; then
  if [[ ! -f $build_dir/build.ninja ]]; then
    log "configuring $build_dir (Release)"
    cmake -S "$ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$logdir/cmake.log" 2>&1 ||
      die "cmake failed, see $logdir/cmake.log"
  elif ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release' "$build_dir/CMakeCache.txt"; then
    log "warning: $build_dir is not a Release build; numbers will not be representative"
  fi
  log "building events in $build_dir"
  ninja -C "$build_dir" events >"$logdir/build.log" 2>&1 || die "building events failed, see $logdir/build.log"
  events_bin=$build_dir/events
fi
[[ -x $events_bin ]] || die "no events binary at $events_bin"

build_tool() {  # build_tool NAME EXTRA_FLAGS...: rebuilds bench/work/bin/NAME when its source changed
  local name=$1; shift
  local src=$BENCH/$name.cpp bin=$WORK/bin/$name
  if [[ ! -x $bin || $src -nt $bin ]]; then
    log "building $name"
    g++ -std=c++20 -O2 -Wall -Wextra -o "$bin.tmp" "$src" "$@" 2>"$logdir/$name.build.log" ||
      die "building $name failed, see $logdir/$name.build.log"
    mv "$bin.tmp" "$bin"
  fi
}
build_tool datagen
build_tool baseline_server -pthread

# ---- PostgreSQL: a throwaway cluster under bench/work/pg ---------------------------------
# tests/servers/postgresql/server.sh when present (EVENTS_PG_TEST_DIR keeps it apart from the
# test suites' cluster; EVENTS_PG_DURABLE=1 keeps fsync and synchronous_commit on), else initdb.
# shared_buffers as a production server would have it (PostgreSQL's own guidance is about a
# quarter of the memory; 2GB holds the 1M-user data set, the default 128MB does not):
# PG_SHARED_BUFFERS=... overrides it.
pg_shared_buffers=${PG_SHARED_BUFFERS:-2GB}
pg_port=
pg_kind=
pg_script=$ROOT/tests/servers/postgresql/server.sh
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
  pg_data=$WORK/pg/data
  if [[ -d $WORK/pg ]]; then
    [[ -f $pg_data/postmaster.pid ]] && as_pg pg_ctl -D "$pg_data" -m immediate stop >/dev/null 2>&1
    rm -rf "$WORK/pg"
  fi
  if [[ -x $pg_script ]]; then
    log "starting PostgreSQL with tests/servers/postgresql/server.sh"
    local env_lines
    # Durable: write figures must not come from a cluster with fsync off.
    env_lines=$(EVENTS_PG_DURABLE=1 EVENTS_PG_SHARED_BUFFERS=$pg_shared_buffers EVENTS_PG_TEST_DIR=$WORK/pg \
      "$pg_script" start 2>"$logdir/pg-cluster.log") ||
      die "pg-test-cluster.sh failed, see $logdir/pg-cluster.log"
    pg_port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$env_lines" | head -1)
    [[ -n $pg_port ]] || die "cannot read the port from pg-test-cluster.sh output: $env_lines"
    pg_kind="tests/servers/postgresql/server.sh with EVENTS_PG_DURABLE=1 (fsync, synchronous_commit, full_page_writes on), shared_buffers $pg_shared_buffers"
    return
  fi
  pg_port=$(free_port)
  mkdir -p "$WORK/pg"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$WORK/pg"
  log "initdb + start PostgreSQL on port $pg_port"
  as_pg initdb -D "$pg_data" -A trust -U postgres --no-sync --locale=C -E UTF8 >"$logdir/initdb.log" 2>&1 ||
    die "initdb failed, see $logdir/initdb.log"
  as_pg pg_ctl -D "$pg_data" -l "$WORK/pg/server.log" -w \
    -o "-p $pg_port -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=$pg_shared_buffers" start >/dev/null ||
    die "PostgreSQL did not start, see $WORK/pg/server.log"
  pg_kind="initdb in bench/work/pg (default durability settings, shared_buffers $pg_shared_buffers)"
}
pg_stop() {
  if [[ -x $pg_script && $pg_kind == tests/* ]]; then
    EVENTS_PG_TEST_DIR=$WORK/pg "$pg_script" stop 2>/dev/null
  else
    as_pg pg_ctl -D "$pg_data" -m fast stop >/dev/null 2>&1
  fi
  pg_data=
}
pg_sql() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAq -c "$1"; }
[[ $backend == postgresql ]] && pg_start

# ---- OpenSearch: a throwaway node under bench/work/es (tests/servers/opensearch/server.sh) ----
if [[ $backend == elasticsearch ]]; then
  EVENTS_ES_TEST_DIR=$WORK/es "$ROOT/tests/servers/opensearch/server.sh" stop 2>/dev/null || true
  log "starting OpenSearch with tests/servers/opensearch/server.sh"
  es_env=$(EVENTS_ES_TEST_DIR=$WORK/es "$ROOT/tests/servers/opensearch/server.sh" start 2>"$logdir/es-node.log") ||
    die "tests/servers/opensearch/server.sh failed, see $logdir/es-node.log"
  es_url=$(sed -n 's/^export EVENTS_TEST_ES_URI=//p' <<<"$es_env")
  [[ -n $es_url ]] || die "cannot read the node's URL from: $es_env"
  pg_kind="tests/servers/opensearch/server.sh (OpenSearch 2.19.6, one node, heap 512 MiB)"
fi
# ---- MongoDB: the server EVENTS_TEST_MONGO_URI names, else a throwaway FerretDB --------------
mongo_uri=
mongo_start() {
  if [[ -n ${EVENTS_TEST_MONGO_URI:-} ]]; then
    mongo_uri=$EVENTS_TEST_MONGO_URI
    pg_kind="MongoDB at EVENTS_TEST_MONGO_URI"
    return
  fi
  ferret_dir=$WORK/ferretdb
  rm -rf "$ferret_dir"
  log "starting FerretDB with tests/servers/ferretdb/server.sh"
  local env_lines
  env_lines=$(EVENTS_FERRETDB_TEST_DIR=$ferret_dir "$ROOT/tests/servers/ferretdb/server.sh" start 2>"$logdir/ferretdb.log") ||
    die "tests/servers/ferretdb/server.sh failed, see $logdir/ferretdb.log"
  mongo_uri=$(sed -n 's/^export EVENTS_TEST_FERRETDB_URI=//p' <<<"$env_lines")
  [[ -n $mongo_uri ]] || die "cannot read the URI from tests/servers/ferretdb/server.sh: $env_lines"
  pg_kind="FerretDB 1.24.2 (SQLite backend) from tests/servers/ferretdb"
}
[[ $backend == mongodb ]] && mongo_start

# ---- baseline --------------------------------------------------------------------------------
run_wrk() {  # run_wrk NAME URL SCRIPT -> prints the BENCH_JSON object (or "null")
  local name=$1 url=$2 script=$3 out=$logdir/$1.wrk.txt
  # POSTed usernames are <nonce>t<thread>n<serial>; the serial restarts with every wrk
  # process, so each scenario (post_create, mixed) needs its own nonce within the run.
  local tag=0 i=1 s
  for s in ${all_scenarios//,/ }; do [[ $s == "${name#*-}" ]] && tag=$i; i=$(( i + 1 )); done
  timeout $(( duration + 60 )) wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s \
    -s "$BENCH/wrk/$script.lua" "$url" -- "$samples" "${nonce}s$tag" "$threads" >"$out" 2>&1 || true
  local json
  json=$(sed -n 's/^BENCH_JSON //p' "$out" | tail -1)
  echo "${json:-null}"
}

# The 1-minute load average when a measurement starts: on a shared machine it tells how
# much of the CPU the numbers had (2 cores: wrk and the server already need both).
loadavg() { cut -d' ' -f1 /proc/loadavg
}

vm_kib() {  # vm_kib PID FIELD -> kB value of VmHWM/VmRSS, or 0 when the process is gone
  local v
  v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true)
  echo "${v:-0}"
}

# kill -0 also succeeds on a zombie (a server that exited but was not reaped yet).
alive() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

emit() { echo "$1" >>"$records"; }

# When wrk stops, the requests it had in flight are abandoned, but the server still
# answers them; after a slow scenario that backlog would eat into the next measurement.
# Wait (up to 120 s) until a cheap real request answers within 100 ms; prints the seconds.
wait_idle() {  # wait_idle URL
  local start=$SECONDS t
  while (( SECONDS - start < 120 )); do
    t=$(curl -s -o /dev/null -m 60 -w '%{time_total}' "$1" || echo 99)
    awk -v t="$t" 'BEGIN { exit !(t < 0.1) }' && break
    sleep 0.2
  done
  echo $(( SECONDS - start ))
}

emit "$(python3 - "$stamp" "$backend" "$duration" "$connections" "$threads" "$sizes" "$ROOT" "$pg_kind" "$schema" "$events_bin_given" <<'EOF'
import json, os, subprocess, sys
stamp, backend, duration, conns, threads, sizes, root, pg_kind, schema, events_bin = sys.argv[1:]
def sh(cmd):
    try: return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=root).stdout.strip()
    except Exception: return ""
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
print(json.dumps({"type": "run", "stamp": stamp, "backend": backend, "duration_s": int(duration),
                  "connections": int(conns), "threads": int(threads), "sizes": sizes,
                  "commit": sh("git rev-parse --short HEAD"), "dirty": bool(sh("git status --porcelain -- src")),
                  "cpu": cpu, "cores": os.cpu_count(), "wrk": sh("wrk -v 2>&1 | head -1"),
                  "postgresql_cluster": pg_kind or None, "schema": schema or None,
                  "events_bin": events_bin or None}))
EOF
)"

# ---- one size ----------------------------------------------------------------------------------
probe() {  # probe NAME PATH -> JSON {name, path, status, total|count, bytes}
  local body code
  body=$(mktemp)
  code=$(curl -s -o "$body" -w '%{http_code}' "http://127.0.0.1:$port$2" || echo 000)
  python3 - "$1" "$2" "$code" "$body" <<'EOF'
import json, sys
name, path, code, body_path = sys.argv[1:]
raw = open(body_path, "rb").read()
out = {"name": name, "path": path, "status": int(code), "bytes": len(raw)}
try:
    doc = json.loads(raw)
    if isinstance(doc, dict):
        if isinstance(doc.get("pagination"), dict): out["total"] = doc["pagination"].get("total")
        if isinstance(doc.get("data"), list): out["count"] = len(doc["data"])
        if doc.get("status") not in (None, "success"): out["envelope_status"] = doc.get("status")
        if out["status"] >= 300: out["body"] = raw[:300].decode("utf-8", "replace")
except ValueError:
    out["body"] = raw[:300].decode("utf-8", "replace")
print(json.dumps(out))
EOF
  rm -f "$body"
}

# get_by_id_gated: GET by id with a login session (docs/AUTH.md), to set beside get_by_id.
# A second database gets the same dump under schemas/events-auth.yaml (the sample plus the
# login entity Auth and its Role), one role that may read everything and one login of it;
# its server has an admin token configured, as a deployment would (each request is checked
# against it). One login, then wrk sends its session id as a Bearer token.
run_gated() {
  local gated_port gated_config gated_uri=$db_uri gated_name=${db_name}_gated gated_db= sid sample_id
  sample_id=$(head -1 "$samples/users.tsv" | cut -f1)
  gated_port=$(free_port)
  gated_config=$WORK/config-$size-$backend-gated.json
  if [[ $backend == sqlite ]]; then
    gated_db=$WORK/db/$size-gated.db
    rm -f "$gated_db" "$gated_db-wal" "$gated_db-shm"
    gated_uri=$gated_db; gated_name=events
  elif [[ $backend == elasticsearch ]]; then
    for ix in $(curl -fsS "$es_url/_cat/indices/${gated_name}_*?h=index" || true); do
      curl -fsS -X DELETE "$es_url/$ix" >/dev/null || die "cannot delete index $ix"
    done
  elif [[ $backend == postgresql ]]; then
    pg_sql "DROP DATABASE IF EXISTS $gated_name" && pg_sql "CREATE DATABASE $gated_name" || die "cannot create $gated_name"
  fi
  cat >"$gated_config" <<EOF
{"project_name": "bench", "database": "$backend", "db_uri": "$gated_uri", "db_name": "$gated_name",
 "host": "127.0.0.1", "server_port": $gated_port, "log_level": "warning", "cookie_secure": false,
 "schema_path": "$ROOT/schemas/events-auth.yaml", "admin_token": "bench-admin-token-$nonce"}
EOF
  log "[$size] get_by_id_gated: importing the dump and one login under schemas/events-auth.yaml"
  { cat "$dump"
    echo '{"entity":"Role","doc":{"id":"01benchrole000000000000000","role":"reader","permissions":{"*":"rs"}}}'
    echo '{"entity":"Auth","doc":{"id":"01benchauth000000000000000","name":"bench","password":"bench-password","roleId":"01benchrole000000000000000"}}'
  } | "$events_bin" import --config "$gated_config" >"$logdir/$size.import-gated.log" 2>&1 ||
    { log "[$size] get_by_id_gated: import FAILED, see $logdir/$size.import-gated.log"; return 0; }
  "$events_bin" serve --config "$gated_config" >"$logdir/$size.serve-gated.log" 2>&1 &
  server_pid=$!
  local ready=false
  for _ in $(seq 1 300); do
    alive "$server_pid" || break
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gated_port/api/health" || true) == 200 ]] && { ready=true; break; }
    sleep 0.2
  done
  sid=
  $ready && sid=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"login": "bench", "password": "bench-password"}' \
                    "http://127.0.0.1:$gated_port/api/login" |
                  python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["sessionId"])' 2>/dev/null || true)
  if [[ -z $sid ]]; then
    log "[$size] get_by_id_gated: the server did not start or the login failed, see $logdir/$size.serve-gated.log"
  else
    wait_idle "http://127.0.0.1:$gated_port/api/user/$sample_id" >/dev/null
    log "[$size] get_by_id_gated"
    local load result is_alive=true
    load=$(loadavg)
    result=$(BENCH_AUTHORIZATION="Bearer $sid" run_wrk "$size-get_by_id_gated" "http://127.0.0.1:$gated_port" get_by_id_gated)
    alive "$server_pid" || is_alive=false
    emit "{\"type\":\"scenario\",\"size\":\"$size\",\"scenario\":\"get_by_id_gated\",\"loadavg\":$load,\"wrk\":$result,\"vm_hwm_kib\":$(vm_kib "$server_pid" VmHWM),\"vm_rss_kib\":$(vm_kib "$server_pid" VmRSS),\"server_alive\":$is_alive,\"drain_s\":0}"
  fi
  stop_pid "$server_pid"; server_pid=
  # The copy is not needed again: its space goes back.
  if [[ -n $gated_db ]]; then rm -f "$gated_db" "$gated_db-wal" "$gated_db-shm"
  elif [[ $backend == postgresql ]]; then pg_sql "DROP DATABASE IF EXISTS $gated_name" || true
  fi
}

datagen_hash=$(sha1sum "$BENCH/datagen.cpp" | cut -c1-10)
for size in ${sizes//,/ }; do
  users=$(size_to_users "$size")
  data=$WORK/data/$users-$datagen_hash
  samples=$data/samples
  dump=$data/dump.jsonl
  if [[ ! -f $data/done ]]; then
    log "[$size] generating dump for $users users"
    rm -rf "$data"; mkdir -p "$data"
    "$WORK/bin/datagen" --users "$users" --out "$dump" --samples "$samples" || die "datagen failed"
    touch "$data/done"
  fi
  documents=$(sed -n 's/.*"documents":\([0-9]*\).*/\1/p' "$samples/meta.json")

  port=$(free_port)
  config=$WORK/config-$size-$backend.json
  if [[ $backend == sqlite ]]; then
    db=$WORK/db/$size.db
    rm -f "$db" "$db-wal" "$db-shm"
    db_uri=$db; db_name=events
  elif [[ $backend == elasticsearch ]]; then
    db_name=bench_$size
    for ix in $(curl -fsS "$es_url/_cat/indices/${db_name}_*?h=index" || true); do
      curl -fsS -X DELETE "$es_url/$ix" >/dev/null || die "cannot delete index $ix"
    done
    db_uri=$es_url
  elif [[ $backend == mongodb ]]; then
    db_name=bench_${size}_$stamp   # a fresh database each run (FerretDB starts empty anyway)
    db_name=${db_name//[^A-Za-z0-9_]/_}
    db_uri=$mongo_uri
  else
    db_name=bench_$size
    pg_sql "DROP DATABASE IF EXISTS $db_name" || die "cannot reach PostgreSQL"
    pg_sql "CREATE DATABASE $db_name" || die "cannot create database $db_name"
    db_uri=postgresql://postgres@127.0.0.1:$pg_port
  fi
  cat >"$config" <<EOF
{"project_name": "bench", "database": "$backend", "db_uri": "$db_uri", "db_name": "$db_name",
 "host": "127.0.0.1", "server_port": $port, "log_level": "warning"${schema:+, \"schema_path\": \"$schema\"}}
EOF
  db_bytes() {
    if [[ $backend == sqlite ]]; then file_bytes "$db" "$db-wal"
    elif [[ $backend == elasticsearch ]]; then
      curl -fsS "$es_url/_cat/indices/${db_name}_*?h=store.size&bytes=b" | awk '{ s += $1 } END { print s + 0 }'
    elif [[ $backend == mongodb ]]; then
      if [[ -n $ferret_dir ]]; then du -sb "$ferret_dir/data" | cut -f1; else echo 0; fi
    else pg_sql "SELECT pg_database_size('$db_name')"; fi
  }

  log "[$size] importing $documents documents"
  t0=$(date +%s.%N)
  import_ok=true
  "$events_bin" import --config "$config" <"$dump" >"$logdir/$size.import.log" 2>&1 || import_ok=false
  import_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  $import_ok || log "[$size] import FAILED, see $logdir/$size.import.log"
  db_import_bytes=$(db_bytes)
  # The import leaves up to ~1.6 GB of dirty pages that the kernel writes back over the
  # next minute; flushing them now keeps that writeback out of the first scenarios.
  sync

  # The baseline first, with exactly the same wrk settings and script as get_by_id.
  log "[$size] baseline"
  baseline_port=$(free_port)
  "$WORK/bin/baseline_server" "$baseline_port" 2 >"$logdir/baseline.log" 2>&1 &
  baseline_pid=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$baseline_port/" && break; sleep 0.1; done
  emit "{\"type\":\"scenario\",\"size\":\"$size\",\"scenario\":\"baseline\",\"loadavg\":$(loadavg),\"wrk\":$(run_wrk "$size-baseline" "http://127.0.0.1:$baseline_port" get_by_id)}"
  stop_pid "$baseline_pid"; baseline_pid=

  log "[$size] starting events serve on port $port"
  "$events_bin" serve --config "$config" >"$logdir/$size.serve.log" 2>&1 &
  server_pid=$!
  ready=false
  for _ in $(seq 1 300); do
    alive "$server_pid" || break
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" || true) == 200 ]] && { ready=true; break; }
    sleep 0.2
  done
  server_state=ok
  if ! $ready; then
    log "[$size] server did not become healthy, see $logdir/$size.serve.log"
    server_state=not_ready
  else
    sample_id=$(head -1 "$samples/users.tsv" | cut -f1)
    sample_last=$(head -1 "$samples/lastnames.txt")
    sample_part=$(head -1 "$samples/substrings.txt")
    probes=$(for p in "get_by_id /api/user/$sample_id" \
                      "list_filter_sort /api/user?filter=lastName:$sample_last&full_match&sort=firstName&page=1&pageSize=25" \
                      "list_substring /api/user?filter=username:$sample_part&pageSize=25" \
                      "list_view /api/user?view=account(name)&pageSize=25&page=2" \
                      "deep_page /api/user?page=$(( users / 25 < 2000 ? (users / 25 > 0 ? users / 25 : 1) : 2000 ))&pageSize=25" \
                      "userevent_list /api/userevent?pageSize=1"; do
               probe ${p%% *} "${p#* }"; done | paste -sd, -)
    wait_idle "http://127.0.0.1:$port/api/user/$sample_id" >/dev/null
    emit "{\"type\":\"probes\",\"size\":\"$size\",\"probes\":[$probes]}"

    for scenario in ${scenarios//,/ }; do
      [[ $scenario == get_by_id_gated ]] && continue   # its own server, below
      if ! alive "$server_pid"; then
        log "[$size] server died before $scenario"
        server_state=crashed
        break
      fi
      log "[$size] $scenario"
      load=$(loadavg)
      result=$(run_wrk "$size-$scenario" "http://127.0.0.1:$port" "$scenario")
      is_alive=true; alive "$server_pid" || is_alive=false
      drain_s=0
      $is_alive && drain_s=$(wait_idle "http://127.0.0.1:$port/api/user/$sample_id")
      emit "{\"type\":\"scenario\",\"size\":\"$size\",\"scenario\":\"$scenario\",\"loadavg\":$load,\"wrk\":$result,\"vm_hwm_kib\":$(vm_kib "$server_pid" VmHWM),\"vm_rss_kib\":$(vm_kib "$server_pid" VmRSS),\"server_alive\":$is_alive,\"drain_s\":$drain_s}"
    done
  fi
  hwm=$(vm_kib "$server_pid" VmHWM)
  alive "$server_pid" || { [[ $server_state == ok ]] && server_state=crashed; }
  stop_pid "$server_pid"; server_pid=
  exit_note=$(tail -c 2000 "$logdir/$size.serve.log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')
  [[ ,$scenarios, == *,get_by_id_gated,* ]] && run_gated
  emit "{\"type\":\"size\",\"size\":\"$size\",\"users\":$users,\"documents\":${documents:-0},\"dump_bytes\":$(file_bytes "$dump"),\"import_ok\":$import_ok,\"import_s\":$import_s,\"db_bytes_after_import\":${db_import_bytes:-0},\"db_bytes_end\":$(db_bytes || echo 0),\"vm_hwm_kib\":${hwm:-0},\"server\":\"$server_state\",\"serve_log_tail\":$exit_note}"
done

out=$BENCH/results/$stamp
python3 "$BENCH/report.py" "$records" "$out.md" "$out.json"
log "results: $out.md, $out.json (logs in $logdir)"
cat "$out.md"
