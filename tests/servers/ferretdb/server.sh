#!/usr/bin/env bash
# Launcher of tests/servers/ferretdb (called by scripts/test-server.sh VERB ferretdb).
# FerretDB 1.24.2 on its SQLite backend, embedded in our small Go program (main.go: the
# `ferretdb` package with a TCP listener on 127.0.0.1; FerretDB's own cmd/ferretdb
# panics when built from the module zip, FerretDB issue 2982).
#
#   eval "$(scripts/test-server.sh start ferretdb)"   # exports EVENTS_TEST_FERRETDB_URI, EVENTS_FERRETDB_TEST_DIR
#   scripts/test-server.sh env ferretdb               # prints the exports of the running server
#   scripts/test-server.sh pause ferretdb             # stops the process, keeping data and port (outage tests)
#   scripts/test-server.sh resume ferretdb            # starts it again on the same port and data
#   scripts/test-server.sh stop ferretdb              # stops it and removes its directory
#
# The binary is built once (Go module proxy) into build/cache/ferretdb, with the module
# and build caches there too, so CI caches it. The server's directory is
# EVENTS_FERRETDB_TEST_DIR when set, else a new temp dir recorded in $STATE_FILE.
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_TEST_CACHE:-$ROOT/build/cache}/ferretdb
BIN=$CACHE/ferretdb-test-server
STATE_FILE=${TMPDIR:-/tmp}/events-ferretdb-test.$(id -u).dir

log() { echo "ferretdb-test: $*" >&2; }
die() { log "$*"; exit 1; }

server_dir() {
    if [[ -n ${EVENTS_FERRETDB_TEST_DIR:-} ]]; then
        echo "$EVENTS_FERRETDB_TEST_DIR"
    elif [[ -f $STATE_FILE ]]; then
        cat "$STATE_FILE"
    fi
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build() {
    # Rebuilt when main.go or go.mod changed since the cached binary.
    if [[ -x $BIN && $BIN -nt $HERE/main.go && $BIN -nt $HERE/go.mod && $BIN -nt $HERE/go.sum ]]; then return; fi
    # The machine image has Go in /usr/local/go; a PATH without it still finds it.
    if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH=/usr/local/go/bin:$PATH; fi
    command -v go >/dev/null || die "Go is not installed (needed to build the FerretDB test server)"
    log "building FerretDB 1.24.2 into $BIN (first time: downloads modules, a few minutes)"
    mkdir -p "$CACHE"
    (cd "$HERE" && GOMODCACHE=$CACHE/gomod GOCACHE=$CACHE/gocache GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-auto} \
        go build -o "$BIN.tmp" . >&2) || die "go build failed"
    mv "$BIN.tmp" "$BIN"
}

running() { [[ -f $1/pid ]] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

print_env() {
    echo "export EVENTS_TEST_FERRETDB_URI=mongodb://127.0.0.1:$(cat "$1/port")/"
    echo "export EVENTS_FERRETDB_TEST_DIR=$1"
}

# Starts the server of directory `$1` on port `$2`; waits until it accepts connections.
run_server() {
    local dir=$1 port=$2
    nohup "$BIN" -listen "127.0.0.1:$port" -data "$dir/data" -log-level warn >>"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    local i
    for i in $(seq 1 100); do
        if ! port_is_free "$port"; then return 0; fi
        running "$dir" || return 1
        sleep 0.1
    done
    return 1
}

start() {
    build
    local dir
    dir=$(server_dir)
    if [[ -n $dir ]] && running "$dir"; then
        log "already running in $dir"
        print_env "$dir"
        return
    fi
    [[ -n $dir ]] || dir=$(mktemp -d "${TMPDIR:-/tmp}/events-ferretdb.XXXXXX")
    mkdir -p "$dir/data"
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 30000))
        port_is_free "$port" || continue
        if run_server "$dir" "$port"; then
            echo "$port" >"$dir/port"
            [[ -z ${EVENTS_FERRETDB_TEST_DIR:-} ]] && echo "$dir" >"$STATE_FILE"
            log "running on 127.0.0.1:$port (data in $dir)"
            print_env "$dir"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
        [[ -f $dir/pid ]] && kill "$(cat "$dir/pid")" 2>/dev/null || true
    done
    tail -n 20 "$dir/server.log" >&2 || true
    die "could not start FerretDB"
}

stop_process() {
    local dir=$1
    if running "$dir"; then
        local pid
        pid=$(cat "$dir/pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

stop() {
    local dir
    dir=$(server_dir)
    if [[ -z $dir || ! -d $dir ]]; then
        log "no server to stop"
        return
    fi
    stop_process "$dir"
    rm -rf "$dir"
    if [[ -f $STATE_FILE && $(cat "$STATE_FILE") == "$dir" ]]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

pause() {
    local dir
    dir=$(server_dir)
    [[ -n $dir && -f $dir/port ]] || die "no server to pause"
    stop_process "$dir"
    log "paused $dir"
}

resume() {
    local dir
    dir=$(server_dir)
    [[ -n $dir && -f $dir/port ]] || die "no server to resume"
    running "$dir" && { log "already running"; return; }
    run_server "$dir" "$(cat "$dir/port")" || { tail -n 20 "$dir/server.log" >&2; die "could not resume FerretDB"; }
    log "resumed on 127.0.0.1:$(cat "$dir/port")"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    pause) pause ;;
    resume) resume ;;
    build) build ;;
    env)
        dir=$(server_dir)
        [[ -n $dir ]] || die "no server running"
        print_env "$dir"
        ;;
    *) echo "usage: $0 start|stop|pause|resume|env|build" >&2; exit 2 ;;
esac
