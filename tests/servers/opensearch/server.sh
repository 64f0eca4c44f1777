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
# Only the export lines go to stdout; progress goes to stderr. The shared parts are in ../lib.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${EVENTS_ES_CACHE:-$ROOT/build/cache/opensearch}
SERVER_TAG=opensearch-test-node SERVER_NOUN=node SERVER_LABEL=OpenSearch
SERVER_DIR_VAR=EVENTS_ES_TEST_DIR SERVER_LOG=node.log SERVER_PREFIX=events-es START_ATTEMPTS=5
STATE_FILE=${TMPDIR:-/tmp}/events-es-test-node.$(id -u).dir
HEAP=512m
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$HERE/../lib.sh"

print_env() {
    echo "export EVENTS_TEST_ES_URI=http://127.0.0.1:$(cat "$1/port")"
    echo "export EVENTS_ES_TEST_DIR=$1"
}

# Downloads the jars (once) and compiles the launcher class when its source changed.
build() {
    if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
        die "java and mvn are needed (scripts/install-deps.sh --test installs them)"
    fi
    local stamp=$CACHE/lib/.complete
    if [[ ! -f $stamp || $HERE/pom.xml -nt $stamp ]]; then
        log "fetching OpenSearch jars into $CACHE/lib"
        rm -rf "${CACHE:?}/lib"
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

is_running() { pid_running "$1"; }

# Starts the node of `$1` on port `$2` and waits for its cluster health; fails when it cannot.
run_server() {
    local dir=$1 port=$2
    mkdir -p "$dir/home/config" "$dir/tmp"
    setsid java -Xms$HEAP -Xmx$HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j2.disable.jmx=true -Djava.io.tmpdir="$dir/tmp" \
        -cp "$CACHE/classes:$CACHE/lib/*" events.tests.TestNode \
        "$dir/home" "$port" "events-test-$(basename "$dir")" >>"$dir/$SERVER_LOG" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    for _ in $(seq 1 240); do
        pid_running "$dir" || return 1
        if curl -fsS "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# Every index of the tests gets one shard and no replica (a single node has nowhere to put one).
on_started() {
    curl -fsS -X PUT "http://127.0.0.1:$2/_index_template/events-test-defaults" \
        -H 'Content-Type: application/json' \
        -d '{"index_patterns":["*"],"priority":0,"template":{"settings":{"number_of_shards":1,"number_of_replicas":0}}}' \
        >/dev/null || die "could not install the index template"
}

# The JVM may take a while to shut down cleanly.
halt_server() { stop_pid "$1" 30; }

start() { build; start_server; }
resume() { build; resume_server; }

dispatch "build|start|stop|pause|resume|env" "${1:-}"
