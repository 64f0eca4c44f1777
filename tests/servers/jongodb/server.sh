#!/usr/bin/env bash
# Launcher of tests/servers/jongodb (called by scripts/test-server.sh VERB jongodb).
# jongodb 0.1.6, an in-memory MongoDB-compatible server with transactions: the native
# binary of the npm package @jongodb/memory-server-bin-linux-x64-gnu, installed with npm
# into build/cache/jongodb (CI caches it), listening on 127.0.0.1.
#
#   eval "$(scripts/test-server.sh start jongodb)"   # exports EVENTS_TEST_JONGODB_URI, EVENTS_JONGODB_TEST_DIR
#   scripts/test-server.sh env jongodb
#   scripts/test-server.sh stop jongodb              # stops it and removes its directory
#
# Its data lives in memory only, so it has no pause/resume (an outage would lose it).
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_TEST_CACHE:-$ROOT/build/cache}/jongodb
PACKAGE=@jongodb/memory-server-bin-linux-x64-gnu
VERSION=0.1.6
BIN=$CACHE/node_modules/$PACKAGE/bin/jongodb
STATE_FILE=${TMPDIR:-/tmp}/events-jongodb-test.$(id -u).dir

log() { echo "jongodb-test: $*" >&2; }
die() { log "$*"; exit 1; }

server_dir() {
    if [[ -n ${EVENTS_JONGODB_TEST_DIR:-} ]]; then
        echo "$EVENTS_JONGODB_TEST_DIR"
    elif [[ -f $STATE_FILE ]]; then
        cat "$STATE_FILE"
    fi
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [[ -f $1/pid ]] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

install() {
    if [[ -x $BIN ]] && grep -q "\"version\": \"$VERSION\"" "$CACHE/node_modules/$PACKAGE/package.json" 2>/dev/null; then return; fi
    command -v npm >/dev/null || die "npm is not installed (needed to install jongodb)"
    log "installing $PACKAGE@$VERSION into $CACHE"
    mkdir -p "$CACHE"
    npm install --no-audit --no-fund --no-save --prefix "$CACHE" "$PACKAGE@$VERSION" >&2 || die "npm install failed"
    [[ -x $BIN ]] || die "the package has no $BIN"
}

print_env() {
    echo "export EVENTS_TEST_JONGODB_URI=mongodb://127.0.0.1:$(cat "$1/port")/"
    echo "export EVENTS_JONGODB_TEST_DIR=$1"
}

start() {
    install
    local dir
    dir=$(server_dir)
    if [[ -n $dir ]] && running "$dir"; then
        log "already running in $dir"
        print_env "$dir"
        return
    fi
    [[ -n $dir ]] || dir=$(mktemp -d "${TMPDIR:-/tmp}/events-jongodb.XXXXXX")
    mkdir -p "$dir"
    local attempt port i
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 30000))
        port_is_free "$port" || continue
        nohup "$BIN" --host=127.0.0.1 --port="$port" >>"$dir/server.log" 2>&1 &
        echo $! >"$dir/pid"
        for i in $(seq 1 100); do
            port_is_free "$port" || break
            running "$dir" || break
            sleep 0.1
        done
        if running "$dir" && ! port_is_free "$port"; then
            echo "$port" >"$dir/port"
            [[ -z ${EVENTS_JONGODB_TEST_DIR:-} ]] && echo "$dir" >"$STATE_FILE"
            log "running on 127.0.0.1:$port"
            print_env "$dir"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
        running "$dir" && kill "$(cat "$dir/pid")" 2>/dev/null || true
    done
    tail -n 20 "$dir/server.log" >&2 || true
    die "could not start jongodb"
}

stop() {
    local dir
    dir=$(server_dir)
    if [[ -z $dir || ! -d $dir ]]; then
        log "no server to stop"
        return
    fi
    if running "$dir"; then
        local pid
        pid=$(cat "$dir/pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    if [[ -f $STATE_FILE && $(cat "$STATE_FILE") == "$dir" ]]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    install) install ;;
    env)
        dir=$(server_dir)
        [[ -n $dir ]] || die "no server running"
        print_env "$dir"
        ;;
    pause|resume) die "jongodb keeps its data in memory: no $1 (the outage tests use FerretDB)" ;;
    *) echo "usage: $0 start|stop|env|install" >&2; exit 2 ;;
esac
