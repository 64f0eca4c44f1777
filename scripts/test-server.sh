#!/usr/bin/env bash
# Starts and stops the database servers the tests use (PostgreSQL, FerretDB, jongodb,
# OpenSearch, and Redis for the session store), all on 127.0.0.1, each in a throwaway
# directory. Each server's launcher lives in tests/servers/<name>/server.sh.
#
#   eval "$(scripts/test-server.sh start postgresql)"   # installs what is missing, starts it,
#                                                       # prints `export NAME=URI` lines
#   scripts/test-server.sh stop postgresql               # stops it and frees everything
#   scripts/test-server.sh env|pause|resume NAME         # where the server supports them
#   scripts/test-server.sh list                          # the servers known here
#
# Only `export` lines go to stdout; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
    echo "usage: $0 start|stop|env|pause|resume NAME  (NAME: $(ls "$ROOT/tests/servers" | tr '\n' ' '))" >&2
    exit 2
}

verb=${1:-}
if [[ $verb == list ]]; then
    ls "$ROOT/tests/servers"
    exit 0
fi
name=${2:-}
[[ -n $verb && -n $name ]] || usage
launcher=$ROOT/tests/servers/$name/server.sh
[[ -x $launcher ]] || { echo "test-server: unknown server '$name'" >&2; usage; }
exec "$launcher" "$verb"
