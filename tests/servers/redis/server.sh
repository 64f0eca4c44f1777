#!/usr/bin/env bash
# Launcher of tests/servers/redis (called by scripts/test-server.sh VERB redis).
# A throwaway Redis (Debian's redis-server) for the session-store tests: 127.0.0.1, a free
# port, a random password (requirepass, so every test goes through AUTH), its config, log,
# password and snapshot all in one temp dir.
#
#   eval "$(scripts/test-server.sh start redis)"   # exports EVENTS_TEST_REDIS_URI, EVENTS_REDIS_TEST_DIR
#   scripts/test-server.sh env redis               # prints the exports of the running server
#   scripts/test-server.sh stop redis              # stops it and removes its directory
#   scripts/test-server.sh pause redis             # stops the server, keeping data and port (outage tests)
#   scripts/test-server.sh resume redis            # starts it again on the same port
#
# The directory is taken from EVENTS_REDIS_TEST_DIR when set; otherwise `start` creates
# one and records it in $STATE_FILE so that `env` and `stop` find it.
# Only the export lines go to stdout; progress goes to stderr. The shared parts are in ../lib.sh.
set -euo pipefail

SERVER_TAG=redis-test SERVER_NOUN=server SERVER_LABEL=Redis
SERVER_DIR_VAR=EVENTS_REDIS_TEST_DIR SERVER_LOG=server.log SERVER_PREFIX=events-redis START_ATTEMPTS=8
STATE_FILE=${TMPDIR:-/tmp}/events-redis-test.$(id -u).dir
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

print_env() {
    echo "export EVENTS_TEST_REDIS_URI=redis://:$(cat "$1/password")@127.0.0.1:$(cat "$1/port")"
    echo "export EVENTS_REDIS_TEST_DIR=$1"
}

is_running() { pid_running "$1"; }

# A password of 32 hex digits (URI-safe), readable by the owner only.
prepare_server() {
    [[ -f $1/password ]] && return
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$1/password")
}

# The config goes in a file, not on the command line, so `ps` does not show the password.
# `dir` keeps the snapshot inside the directory; `save 3600 1` gives Redis a save point,
# so the SIGTERM of `pause` writes dump.rdb there and `resume` loads it (sessions survive
# a restart, as on a real server); no snapshot is written while it runs (the data is
# thrown away anyway), and no append-only file ever.
run_server() {
    local dir=$1 port=$2
    (
        umask 077
        cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
dir $dir
dbfilename dump.rdb
save 3600 1
appendonly no
daemonize no
logfile ""
requirepass $(cat "$dir/password")
CONF
    )
    spawn "$dir" redis-server "$dir/redis.conf"
    wait_for_port "$dir" "$port" 10
}

halt_server() { stop_pid "$1" 10; }

start() {
    command -v redis-server >/dev/null || die "redis-server is not installed (scripts/install-deps.sh --test installs it)"
    start_server
}

dispatch "start|stop|pause|resume|env" "${1:-}"
