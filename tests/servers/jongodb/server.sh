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
# Only the export lines go to stdout; progress goes to stderr. The shared parts are in ../lib.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_TEST_CACHE:-$ROOT/build/cache}/jongodb
PACKAGE=@jongodb/memory-server-bin-linux-x64-gnu
VERSION=0.1.6
BIN=$CACHE/node_modules/$PACKAGE/bin/jongodb
SERVER_TAG=jongodb-test SERVER_NOUN=server SERVER_LABEL=jongodb
SERVER_DIR_VAR=EVENTS_JONGODB_TEST_DIR SERVER_LOG=server.log SERVER_PREFIX=events-jongodb START_ATTEMPTS=8
STATE_FILE=${TMPDIR:-/tmp}/events-jongodb-test.$(id -u).dir
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$HERE/../lib.sh"

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

is_running() { pid_running "$1"; }

run_server() {
    spawn "$1" "$BIN" --host=127.0.0.1 --port="$2"
    wait_for_port "$1" "$2" 10
}

halt_server() { stop_pid "$1" 5; }

start() { install; start_server; }

case ${1:-} in
    pause|resume) die "jongodb keeps its data in memory: no $1 (the outage tests use FerretDB)" ;;
esac
dispatch "start|stop|env|install" "${1:-}"
