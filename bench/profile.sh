#!/usr/bin/env bash
# Instructions per request of GET /api/user/<id> on SQLite, and of the baseline server,
# counted by valgrind's callgrind: a figure that does not depend on what else the
# machine runs (wall-clock numbers do), for comparing two builds.
#
#   bench/profile.sh [--build-dir DIR] [--events-bin PATH] [--requests N] [--users N]
#                    [--log-level LEVEL] [--top K] [--keep DIR]
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

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --events-bin) events_bin=$(realpath "$2"); shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --log-level) log_level=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --keep) keep=$(realpath -m "$2"); shift 2 ;;
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
# send PORT PATH COUNT: fails unless every answer is 200.
send() {
  python3 - "$@" <<'EOF'
import http.client, sys
port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(count):
    conn.request("GET", path)
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
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port$path', timeout=5)" 2>/dev/null; then
      ok=true; break
    fi
    sleep 0.5
  done
  $ok || die "$name did not answer $path, see $out/$name.log"
  send "$port" "$path" "$warmup" || die "$name: warm-up failed"
  callgrind_control -z "$server_pid" >/dev/null 2>&1 || die "callgrind_control -z failed"
  send "$port" "$path" "$requests" || die "$name: requests failed"
  callgrind_control -d "measured" "$server_pid" >/dev/null 2>&1 || die "callgrind_control -d failed"
  kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  # The dump of `callgrind_control -d` is the file with a ".1" part; the one the exit writes
  # (shutdown) has none.
  local file
  file=$(ls "$cg".*.1 2>/dev/null | head -1)
  [[ -n $file ]] || die "$name: no callgrind dump"
  mv "$file" "$cg.measured"
  sed -n 's/^summary: //p; s/^totals: //p' "$cg.measured" | head -1 | awk '{ print $1 }'
}

log "events: $requests x GET /api/user/$id under callgrind (log_level $log_level)"
events_ir=$(profile events "/api/user/$id" "$events_bin" serve --config "$config")
port=$(free_port)
log "baseline: $requests x GET /api/user/$id under callgrind"
baseline_ir=$(profile baseline "/api/user/$id" "$WORK/bin/baseline_server" "$port" 2)

python3 - "$events_ir" "$baseline_ir" "$requests" <<'EOF'
import sys
e, b, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print(f"requests:                {n} (after warm-up, one keep-alive connection)")
print(f"events   instr/request:  {e / n:,.0f}")
print(f"baseline instr/request:  {b / n:,.0f}")
print(f"baseline / events:       {b / e:.3f}   (instructions; wrk's ratio also counts the client and the kernel)")
EOF
echo
echo "Top inclusive functions of events, instructions per request:"
callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.events.measured" 2>/dev/null |
  awk -v n="$requests" -v top="$top" '
    /^-+$/ { dash++; next }
    dash >= 3 && $1 ~ /^[0-9,]+$/ && shown < top {
      ir = $1; gsub(",", "", ir); $1 = ""; sub(/^ +/, "")
      printf "%12.0f  %s\n", ir / n, substr($0, 1, 150); shown++
    }'
[[ -n $keep ]] && log "callgrind files kept in $keep (callgrind_annotate $keep/callgrind.events.measured)"
exit 0
