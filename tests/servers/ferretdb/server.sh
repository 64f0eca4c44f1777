#!/usr/bin/env bash
# Launcher of tests/servers/ferretdb (called by scripts/test-server.sh VERB ferretdb).
# FerretDB 1.24.2 on its SQLite backend, embedded in our small Go program (main.go: the
# `ferretdb` package with a TCP listener on 127.0.0.1; FerretDB's own cmd/ferretdb
# panics when built from the module zip, FerretDB/FerretDB#2982).
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
# Only the export lines go to stdout; progress goes to stderr. The shared parts are in ../lib.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_TEST_CACHE:-$ROOT/build/cache}/ferretdb
BIN=$CACHE/ferretdb-test-server
SERVER_TAG=ferretdb-test SERVER_NOUN=server SERVER_LABEL=FerretDB
SERVER_DIR_VAR=EVENTS_FERRETDB_TEST_DIR SERVER_LOG=server.log SERVER_PREFIX=events-ferretdb START_ATTEMPTS=8
STATE_FILE=${TMPDIR:-/tmp}/events-ferretdb-test.$(id -u).dir
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$HERE/../lib.sh"

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

print_env() {
    echo "export EVENTS_TEST_FERRETDB_URI=mongodb://127.0.0.1:$(cat "$1/port")/"
    echo "export EVENTS_FERRETDB_TEST_DIR=$1"
}

is_running() { pid_running "$1"; }
prepare_server() { mkdir -p "$1/data"; }

run_server() {
    spawn "$1" "$BIN" -listen "127.0.0.1:$2" -data "$1/data" -log-level warn
    wait_for_port "$1" "$2" 10
}

halt_server() { stop_pid "$1" 5; }

start() { build; start_server; }

dispatch "start|stop|pause|resume|env|build" "${1:-}"
