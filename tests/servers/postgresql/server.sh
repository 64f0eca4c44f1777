#!/usr/bin/env bash
# Launcher of tests/servers/postgresql (called by scripts/test-server.sh VERB postgresql).
# A throwaway PostgreSQL 15 cluster for the tests: trust auth on 127.0.0.1, a free port,
# durability switched off (the data is thrown away anyway), everything in one temp dir.
#
#   eval "$(scripts/test-server.sh start postgresql)"   # exports EVENTS_TEST_PG_URI, EVENTS_PG_TEST_DIR
#   scripts/test-server.sh env postgresql               # prints the exports of the running cluster
#   scripts/test-server.sh stop postgresql              # stops it and removes its directory
#   scripts/test-server.sh pause postgresql             # stops the server, keeping data and port (outage tests)
#   scripts/test-server.sh resume postgresql            # starts it again on the same port
#
# The cluster directory is taken from EVENTS_PG_TEST_DIR when set; otherwise `start`
# creates one and records it in $STATE_FILE so that `env` and `stop` find it.
# Only the export lines go to stdout; progress goes to stderr. The shared parts are in ../lib.sh.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SERVER_TAG=pg-test-cluster SERVER_NOUN=cluster SERVER_LABEL=PostgreSQL
SERVER_DIR_VAR=EVENTS_PG_TEST_DIR SERVER_LOG=server.log SERVER_PREFIX=events-pg START_ATTEMPTS=8
STATE_FILE=${TMPDIR:-/tmp}/events-pg-test-cluster.$(id -u).dir
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# initdb/postgres refuse to run as root: as root, run them as the `postgres` OS user
# (created by the postgresql package); otherwise as the calling user, who owns the dir.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

print_env() {
    echo "export EVENTS_TEST_PG_URI=postgresql://postgres@127.0.0.1:$(cat "$1/port")"
    echo "export EVENTS_PG_TEST_DIR=$1"
}

is_running() { [[ -f $1/data/postmaster.pid ]]; }

prepare_server() {
    local dir=$1
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync \
        --locale=C -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
}

# pg_ctl -w returns once the server accepts connections.
# EVENTS_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync, synchronous_commit,
# full_page_writes on): the benchmark uses it for figures that claim write speed.
# EVENTS_PG_SHARED_BUFFERS (e.g. 2GB) sets shared_buffers; the default, 128MB, holds
# little of the 1M-user data set (the benchmark sizes it as a production server would).
run_server() {
    local settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ ${EVENTS_PG_DURABLE:-0} == 1 ]] && settings=""
    [[ -n ${EVENTS_PG_SHARED_BUFFERS:-} ]] && settings+=" -c shared_buffers=$EVENTS_PG_SHARED_BUFFERS"
    as_pg "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/$SERVER_LOG" -w -t 60 start -o \
        "-h 127.0.0.1 -p $2 -k $1 $settings -c max_connections=300" \
        >/dev/null 2>&1
}

# `stop` kills at once (-m immediate: the data is thrown away); `pause` shuts down fast
# (sessions are terminated, as in a real restart) so that `resume` finds a clean cluster.
halt_server() {
    is_running "$1" || return 0
    if [[ ${2:-} == pause ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop failed"
    else
        as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || log "pg_ctl stop failed"
    fi
}

start() {
    [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 binaries not found in $PG_BIN (scripts/install-deps.sh --test installs them)"
    start_server
}

dispatch "start|stop|pause|resume|env" "${1:-}"
