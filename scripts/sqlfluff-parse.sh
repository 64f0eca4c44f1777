#!/usr/bin/env bash
# Parses every statement of the SQL Server golden files (tests/golden/sqlserver/*.sql,
# kept equal to what the dialect generates by the SqlServerGolden unit tests) as T-SQL
# with sqlfluff, an independent parser. Fails on any unparsable section.
#
# ODBC placeholders `?` are written as the T-SQL parameters the server sees (@P1, @P2, ...
# per statement) before parsing. sqlfluff (PyPI, pinned) is installed into a venv cached
# under build/cache/sqlfluff on first use.
#
# Exit status: 0 all statements parse; 1 a statement does not parse (printed);
# 77 sqlfluff cannot be installed here (ctest reports the test as SKIPPED, not passed).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GOLDEN=${1:-$ROOT/tests/golden/sqlserver}
VENV=${EVENTS_SQLFLUFF_VENV:-$ROOT/build/cache/sqlfluff}
VERSION=4.5.0

if ! "$VENV/bin/sqlfluff" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "sqlfluff-parse: installing sqlfluff $VERSION into $VENV" >&2
  if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "sqlfluff==$VERSION"; } >&2; then
    echo "SKIPPED: sqlfluff $VERSION cannot be installed (python3 venv + PyPI needed)" >&2
    exit 77
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sqlfluff-parse.XXXXXX")
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
files=("$GOLDEN"/*.sql)
if ((${#files[@]} == 0)); then
  echo "sqlfluff-parse: no golden files in $GOLDEN" >&2
  exit 1
fi

# `?` outside string literals and comments -> @P<n>, numbered per statement.
"$VENV/bin/python" - "$work" "${files[@]}" <<'PY'
import os, sys
out_dir, paths = sys.argv[1], sys.argv[2:]
for path in paths:
    text = open(path, encoding="utf-8").read()
    out, n, i, quote = [], 0, 0, None
    while i < len(text):
        c = text[i]
        if quote:
            out.append(c)
            if c == quote:
                quote = None
        elif c in "'[":
            quote = "'" if c == "'" else "]"
            out.append(c)
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(text[i:end])
            i = end
            continue
        elif c == "?":
            n += 1
            out.append("@P%d" % n)
        else:
            if c == ";":
                n = 0
            out.append(c)
        i += 1
    open(os.path.join(out_dir, os.path.basename(path)), "w", encoding="utf-8").write("".join(out))
PY

# Each golden statement must come out as exactly one statement closed by its own `;`:
# T-SQL lets statements run together without `;`, so a stray clause (`LIMIT ? OFFSET ?`,
# `NULLS LAST`) would otherwise parse as a second, implicit EXEC statement.
check_tree() {
  "$VENV/bin/python" -c '
import json, sys
def pairs(value):
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [kv for item in value for kv in item.items()]
    return []
problems = []
def ends_with_terminator(value):
    # A statement that carries its own `;` inside (IF ... ROLLBACK;).
    items = [kv for kv in pairs(value) if kv[0] not in ("whitespace", "newline", "comment", "inline_comment")]
    if not items:
        return False
    k, v = items[-1]
    return k == "statement_terminator" or ends_with_terminator(v)
def walk(kind, value, path):
    if kind == "unparsable":
        problems.append("unparsable section at %s" % path)
    if kind == "execute_script_statement":
        problems.append("a clause parsed as an implicit EXEC statement at %s" % path)
    if kind in ("file", "batch"):
        open_statement = False
        for k, v in pairs(value):
            if k == "statement":
                if open_statement:
                    problems.append("two statements without a terminator in %s" % path)
                open_statement = not ends_with_terminator(v)
            elif k == "statement_terminator":
                open_statement = False
        if open_statement:
            problems.append("a statement without its terminator in %s" % path)
    for k, v in pairs(value):
        walk(k, v, path + "/" + k)
for entry in json.load(sys.stdin):
    for k, v in pairs(entry.get("segments") or {}):
        walk(k, v, k)
for p in problems[:20]:
    print(p)
sys.exit(1 if problems else 0)
'
}

status=0
count=0
for f in "$work"/*.sql; do
  name=$(basename "$f")
  statements=$(grep -c ';$' "$f")
  count=$((count + statements))
  if ! out=$("$VENV/bin/sqlfluff" parse --dialect tsql --nocolor "$f" 2>&1) || grep -qi "unparsable" <<<"$out" ||
     ! tree=$("$VENV/bin/sqlfluff" parse --dialect tsql --format json "$f" 2>/dev/null | check_tree); then
    echo "FAILED: $name has statements sqlfluff cannot parse as T-SQL:" >&2
    grep -i -B2 -A3 "unparsable\|violation" <<<"$out" | head -60 >&2
    [[ -n ${tree:-} ]] && echo "$tree" >&2
    status=1
  else
    echo "ok: $name ($statements statements)"
  fi
done
echo "sqlfluff-parse: $count statements in ${#files[@]} files parsed with --dialect tsql"
exit $status
