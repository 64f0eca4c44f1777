# shellcheck shell=bash
# The code every test-server launcher (tests/servers/NAME/server.sh) shares, sourced by them.
# A launcher runs one throwaway server on 127.0.0.1 on a free port, with everything in one
# directory; it prints ONLY `export VAR=...` lines on stdout (to be eval'ed) and its progress
# on stderr.
#
# Before sourcing, the launcher sets:
#   SERVER_TAG     prefix of its log lines, e.g. "pg-test-cluster"
#   SERVER_NOUN    what it runs, in messages: "cluster", "server", "node"
#   SERVER_LABEL   the product, in failure messages: "PostgreSQL", "FerretDB", ...
#   SERVER_DIR_VAR name of the env variable that gives the server's directory, e.g. EVENTS_PG_TEST_DIR
#   STATE_FILE     file recording the directory `start` created when SERVER_DIR_VAR is unset
#   SERVER_LOG     log file name inside the directory ("server.log", "node.log")
#   SERVER_PREFIX  mktemp prefix of a new directory under ${TMPDIR:-/tmp}, e.g. "events-pg"
#   START_ATTEMPTS how many free ports `start` tries
# and defines these hooks (DIR = the server's directory, PORT = its TCP port):
#   print_env DIR         prints the `export ...` lines of the server in DIR on stdout
#   is_running DIR        status 0 when the server of DIR is up (or at least its process)
#   run_server DIR PORT   starts the server of DIR on PORT and waits until it serves;
#                         status 1 when it cannot (the caller then calls halt_server)
#   halt_server DIR [pause]  stops the server's process if any; never fails, except that
#                         with `pause` (called by pause_server) it may die when it cannot
#   prepare_server DIR    (optional) one-time setup of a new directory before the first run
#   on_started DIR PORT   (optional) setup once the server first answers (e.g. defaults)
# The verbs below (start_server, stop_server, pause_server, resume_server, env_server) use
# them; dispatch VERBS VERB calls the launcher's function named VERB.

# One state file per checkout: two checkouts (git worktrees) on one machine each start and
# stop their own servers, never the other's.
STATE_FILE="${STATE_FILE%.dir}.$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd | md5sum | cut -c1-8).dir"

# log MSG...: prints "TAG: MSG" on stderr.
log() { echo "$SERVER_TAG: $*" >&2; }
# die MSG...: logs MSG and exits with status 1.
die() { log "$*"; exit 1; }

# server_dir: prints the server's directory: $SERVER_DIR_VAR when set, else the one recorded
# in $STATE_FILE, else nothing.
server_dir() {
    if [[ -n ${!SERVER_DIR_VAR:-} ]]; then
        echo "${!SERVER_DIR_VAR}"
    elif [[ -f $STATE_FILE ]]; then
        cat "$STATE_FILE"
    fi
}

# port_is_free PORT: status 0 when nothing accepts TCP connections on 127.0.0.1:PORT.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_running DIR: status 0 when DIR/pid names a live process.
pid_running() { [[ -f $1/pid ]] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

# spawn DIR COMMAND...: runs COMMAND in the background, detached from the terminal, its
# output appended to DIR/$SERVER_LOG; records its pid in DIR/pid.
spawn() {
    local dir=$1
    shift
    nohup "$@" >>"$dir/$SERVER_LOG" 2>&1 </dev/null &
    echo $! >"$dir/pid"
}

# wait_for_port DIR PORT SECONDS: waits until 127.0.0.1:PORT accepts connections (status 0);
# status 1 when the process of DIR/pid dies first or after SECONDS.
wait_for_port() {
    local dir=$1 port=$2 i
    for ((i = 0; i < $3 * 10; i++)); do
        port_is_free "$port" || return 0
        pid_running "$dir" || return 1
        sleep 0.1
    done
    return 1
}

# stop_pid DIR SECONDS: sends SIGTERM to the process of DIR/pid, SIGKILL if it is still there
# after SECONDS; removes DIR/pid. Does nothing when no process is recorded.
stop_pid() {
    local dir=$1 pid i
    if pid_running "$dir"; then
        pid=$(cat "$dir/pid")
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < $2 * 10; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

# start_server: the `start` verb. Reuses a running server (prints its exports); otherwise
# creates the directory if needed, calls prepare_server, and tries START_ATTEMPTS random free
# ports in 20000-49999 with run_server (a port can be taken between the check and the bind).
# On success writes DIR/port, calls on_started, records the directory in $STATE_FILE (when
# SERVER_DIR_VAR is unset) and prints the exports; else shows the log's tail and dies.
start_server() {
    local dir attempt port
    dir=$(server_dir)
    if [[ -n $dir ]] && is_running "$dir"; then
        log "already running in $dir"
        print_env "$dir"
        return
    fi
    [[ -n $dir ]] || dir=$(mktemp -d "${TMPDIR:-/tmp}/$SERVER_PREFIX.XXXXXX")
    mkdir -p "$dir"
    if declare -F prepare_server >/dev/null; then prepare_server "$dir"; fi
    for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
        port=$((20000 + RANDOM % 30000))
        port_is_free "$port" || continue
        if run_server "$dir" "$port"; then
            echo "$port" >"$dir/port"
            if declare -F on_started >/dev/null; then on_started "$dir" "$port"; fi
            [[ -n ${!SERVER_DIR_VAR:-} ]] || echo "$dir" >"$STATE_FILE"
            log "running on 127.0.0.1:$port (data in $dir)"
            print_env "$dir"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
        halt_server "$dir"
    done
    tail -n 30 "$dir/$SERVER_LOG" >&2 || true
    die "could not start $SERVER_LABEL"
}

# stop_server: the `stop` verb. Halts the server, removes its directory and the state file
# that names it. Succeeds (with a message) when there is nothing to stop.
stop_server() {
    local dir
    dir=$(server_dir)
    if [[ -z $dir || ! -d $dir ]]; then
        log "no $SERVER_NOUN to stop"
        return
    fi
    halt_server "$dir"
    rm -rf "$dir"
    if [[ -f $STATE_FILE && $(cat "$STATE_FILE") == "$dir" ]]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

# pause_server: the `pause` verb, an outage that keeps the data and the port: halts the server.
pause_server() {
    local dir
    dir=$(server_dir)
    [[ -n $dir && -f $dir/port ]] || die "no $SERVER_NOUN to pause"
    is_running "$dir" || { log "already paused"; return; }
    halt_server "$dir" pause
    log "paused $dir"
}

# resume_server: the `resume` verb: runs the paused server again on its port; dies when it cannot.
resume_server() {
    local dir
    dir=$(server_dir)
    [[ -n $dir && -f $dir/port ]] || die "no $SERVER_NOUN to resume"
    is_running "$dir" && { log "already running"; return; }
    run_server "$dir" "$(cat "$dir/port")" || { tail -n 30 "$dir/$SERVER_LOG" >&2; die "could not resume $SERVER_LABEL"; }
    log "resumed on 127.0.0.1:$(cat "$dir/port")"
}

# env_server: the `env` verb: prints the exports of the server started before.
env_server() {
    local dir
    dir=$(server_dir)
    [[ -n $dir ]] || die "no $SERVER_NOUN running"
    [[ -f $dir/port ]] || die "no $SERVER_NOUN in '$dir'"
    print_env "$dir"
}

# dispatch VERBS VERB: VERBS lists the launcher's verbs ("start|stop|env"); calls the launcher's
# function VERB when it has one (e.g. `start() { build; start_server; }`), else the library's
# VERB_server (start, stop, pause, resume, env); prints the usage and exits 2 for a verb not in
# VERBS.
dispatch() {
    local verbs=$1 verb=${2:-}
    if [[ -n $verb && "|$verbs|" == *"|$verb|"* ]]; then
        if declare -F "$verb" >/dev/null; then "$verb"; else "${verb}_server"; fi
    else
        echo "usage: $0 $verbs" >&2
        exit 2
    fi
}
