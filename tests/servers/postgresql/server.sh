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
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE_FILE=${TMPDIR:-/tmp}/events-pg-test-cluster.$(id -u).dir

log() { echo "pg-test-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

# initdb/postgres refuse to run as root: as root, run them as the `postgres` OS user
# (created by the postgresql package); otherwise as the calling user, who owns the dir.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cluster_dir() {
    if [[ -n ${EVENTS_PG_TEST_DIR:-} ]]; then
        echo "$EVENTS_PG_TEST_DIR"
    elif [[ -f $STATE_FILE ]]; then
        cat "$STATE_FILE"
    fi
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_env() {
    local dir=$1
    [[ -f $dir/port ]] || die "no cluster in '$dir'"
    echo "export EVENTS_TEST_PG_URI=postgresql://postgres@127.0.0.1:$(cat "$dir/port")"
    echo "export EVENTS_PG_TEST_DIR=$dir"
}

# Starts the server of the cluster in `$1` on port `$2`; fails when it cannot.
# EVENTS_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync, synchronous_commit,
# full_page_writes on): the benchmark uses it for figures that claim write speed.
run_server() {
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ ${EVENTS_PG_DURABLE:-0} == 1 ]] && durability=""
    as_pg "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start -o \
        "-h 127.0.0.1 -p $2 -k $1 $durability -c max_connections=300" \
        >/dev/null 2>&1
}

start() {
    [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 binaries not found in $PG_BIN (scripts/install-deps.sh installs them)"
    local dir
    dir=$(cluster_dir)
    if [[ -n $dir && -f $dir/data/postmaster.pid ]]; then
        log "already running in $dir"
        print_env "$dir"
        return
    fi
    if [[ -z $dir ]]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/events-pg.XXXXXX")
    fi
    mkdir -p "$dir"
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"

    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync \
        --locale=C -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # A port can be taken between the check and the bind: try a few.
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 30000))
        port_is_free "$port" || continue
        if run_server "$dir" "$port"; then
            echo "$port" >"$dir/port"
            [[ -z ${EVENTS_PG_TEST_DIR:-} ]] && echo "$dir" >"$STATE_FILE"
            log "running on 127.0.0.1:$port (data in $dir)"
            print_env "$dir"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
    done
    tail -n 20 "$dir/server.log" >&2 || true
    die "could not start PostgreSQL"
}

stop() {
    local dir
    dir=$(cluster_dir)
    if [[ -z $dir || ! -d $dir ]]; then
        log "no cluster to stop"
        return
    fi
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || log "pg_ctl stop failed"
    fi
    rm -rf "$dir"
    if [[ -f $STATE_FILE && $(cat "$STATE_FILE") == "$dir" ]]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

# A database outage without losing the cluster: `pause` shuts the server down (fast:
# sessions are terminated, as in a real restart), `resume` brings it back on its port.
pause() {
    local dir
    dir=$(cluster_dir)
    [[ -n $dir && -f $dir/port ]] || die "no cluster to pause"
    [[ -f $dir/data/postmaster.pid ]] || { log "already paused"; return; }
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop failed"
    log "paused $dir"
}

resume() {
    local dir
    dir=$(cluster_dir)
    [[ -n $dir && -f $dir/port ]] || die "no cluster to resume"
    [[ -f $dir/data/postmaster.pid ]] && { log "already running"; return; }
    run_server "$dir" "$(cat "$dir/port")" || { tail -n 20 "$dir/server.log" >&2; die "could not resume PostgreSQL"; }
    log "resumed on 127.0.0.1:$(cat "$dir/port")"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    pause) pause ;;
    resume) resume ;;
    env)
        dir=$(cluster_dir)
        [[ -n $dir ]] || die "no cluster running"
        print_env "$dir"
        ;;
    *) echo "usage: $0 start|stop|pause|resume|env" >&2; exit 2 ;;
esac
