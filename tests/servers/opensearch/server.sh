#!/usr/bin/env bash
# Launcher of tests/servers/opensearch (called by scripts/test-server.sh VERB opensearch).
# A throwaway single-node OpenSearch 2.19.6 for the tests, embedded in a small Java program
# of ours (src/events/tests/TestNode.java): the server's jars come from Maven Central
# (pom.xml, `mvn dependency:copy-dependencies`) and are cached in build/cache/opensearch;
# the node listens on 127.0.0.1 on a free port, with its data in a temp dir, heap 512 MiB.
#
#   eval "$(scripts/test-server.sh start opensearch)"   # exports EVENTS_TEST_ES_URI, EVENTS_ES_TEST_DIR
#   scripts/test-server.sh env opensearch               # prints the exports of the running node
#   scripts/test-server.sh stop opensearch              # stops it and removes its directory
#   scripts/test-server.sh pause opensearch             # stops the node, keeping data and port (outage tests)
#   scripts/test-server.sh resume opensearch            # starts it again on the same port and data
#
# The node directory is taken from EVENTS_ES_TEST_DIR when set; otherwise `start` creates
# one and records it in $STATE_FILE so that `env` and `stop` find it.
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_ES_CACHE:-$ROOT/build/cache/opensearch}
STATE_FILE=${TMPDIR:-/tmp}/events-es-test-node.$(id -u).dir
HEAP=512m

log() { echo "opensearch-test-node: $*" >&2; }
die() { log "$*"; exit 1; }

node_dir() {
    if [[ -n ${EVENTS_ES_TEST_DIR:-} ]]; then
        echo "$EVENTS_ES_TEST_DIR"
    elif [[ -f $STATE_FILE ]]; then
        cat "$STATE_FILE"
    fi
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_env() {
    local dir=$1
    [[ -f $dir/port ]] || die "no node in '$dir'"
    echo "export EVENTS_TEST_ES_URI=http://127.0.0.1:$(cat "$dir/port")"
    echo "export EVENTS_ES_TEST_DIR=$dir"
}

# Downloads the jars (once) and compiles the launcher class when its source changed.
build() {
    command -v java >/dev/null && command -v mvn >/dev/null \
        || die "java and mvn are needed (scripts/install-deps.sh installs them)"
    local stamp=$CACHE/lib/.complete
    if [[ ! -f $stamp || $HERE/pom.xml -nt $stamp ]]; then
        log "fetching OpenSearch jars into $CACHE/lib"
        rm -rf "$CACHE/lib"
        mkdir -p "$CACHE"
        (cd "$HERE" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$CACHE/lib") >&2 || die "mvn dependency:copy-dependencies failed"
        touch "$stamp"
    fi
    local src=$HERE/src/events/tests/TestNode.java
    local cls=$CACHE/classes/events/tests/TestNode.class
    if [[ ! -f $cls || $src -nt $cls ]]; then
        mkdir -p "$CACHE/classes"
        javac -nowarn -cp "$CACHE/lib/*" -d "$CACHE/classes" "$src" >&2 || die "javac failed"
    fi
}

node_pid() {
    local dir=$1
    [[ -f $dir/pid ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && cat "$dir/pid"
}

# Starts the node of `$1` on port `$2` and waits for its cluster health; fails when it cannot.
run_node() {
    local dir=$1 port=$2
    mkdir -p "$dir/home/config"
    setsid java -Xms$HEAP -Xmx$HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j2.disable.jmx=true -Djava.io.tmpdir="$dir/tmp" \
        -cp "$CACHE/classes:$CACHE/lib/*" events.tests.TestNode \
        "$dir/home" "$port" "events-test-$(basename "$dir")" >>"$dir/node.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    mkdir -p "$dir/tmp"
    local i
    for i in $(seq 1 240); do
        if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            return 1
        fi
        if curl -fsS "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# Every index of the tests gets one shard and no replica (a single node has nowhere to put one).
put_template() {
    curl -fsS -X PUT "http://127.0.0.1:$1/_index_template/events-test-defaults" \
        -H 'Content-Type: application/json' \
        -d '{"index_patterns":["*"],"priority":0,"template":{"settings":{"number_of_shards":1,"number_of_replicas":0}}}' \
        >/dev/null || die "could not install the index template"
}

kill_node() {
    local dir=$1 pid
    pid=$(node_pid "$dir") || return 0
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pid"; return 0; }
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
}

start() {
    build
    local dir
    dir=$(node_dir)
    if [[ -n $dir ]] && node_pid "$dir" >/dev/null; then
        log "already running in $dir"
        print_env "$dir"
        return
    fi
    if [[ -z $dir ]]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/events-es.XXXXXX")
    fi
    mkdir -p "$dir"
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 30000))
        port_is_free "$port" || continue
        if run_node "$dir" "$port"; then
            echo "$port" >"$dir/port"
            put_template "$port"
            [[ -z ${EVENTS_ES_TEST_DIR:-} ]] && echo "$dir" >"$STATE_FILE"
            log "running on 127.0.0.1:$port (data in $dir)"
            print_env "$dir"
            return
        fi
        log "start on port $port failed (attempt $attempt)"
        kill_node "$dir"
    done
    tail -n 30 "$dir/node.log" >&2 || true
    die "could not start OpenSearch"
}

stop() {
    local dir
    dir=$(node_dir)
    if [[ -z $dir || ! -d $dir ]]; then
        log "no node to stop"
        return
    fi
    kill_node "$dir"
    rm -rf "$dir"
    if [[ -f $STATE_FILE && $(cat "$STATE_FILE") == "$dir" ]]; then rm -f "$STATE_FILE"; fi
    log "stopped and removed $dir"
}

pause() {
    local dir
    dir=$(node_dir)
    [[ -n $dir && -f $dir/port ]] || die "no node to pause"
    node_pid "$dir" >/dev/null || { log "already paused"; return; }
    kill_node "$dir"
    log "paused $dir"
}

resume() {
    local dir
    dir=$(node_dir)
    [[ -n $dir && -f $dir/port ]] || die "no node to resume"
    node_pid "$dir" >/dev/null && { log "already running"; return; }
    build
    run_node "$dir" "$(cat "$dir/port")" || { tail -n 30 "$dir/node.log" >&2; die "could not resume OpenSearch"; }
    log "resumed on 127.0.0.1:$(cat "$dir/port")"
}

case ${1:-} in
    build) build ;;
    start) start ;;
    stop) stop ;;
    pause) pause ;;
    resume) resume ;;
    env)
        dir=$(node_dir)
        [[ -n $dir ]] || die "no node running"
        print_env "$dir"
        ;;
    *) echo "usage: $0 build|start|stop|pause|resume|env" >&2; exit 2 ;;
esac
