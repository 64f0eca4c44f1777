#!/usr/bin/env bash
# ctest `docs_citations`: every record the code cites is in this repository.
#  1. No citation of an issue number or of a record outside the repository (REFERENCE §x,
#     a bare "DECISIONS §x", spec/REFERENCE.md, ../shared/..., the old summary page).
#  2. Every `docs/DECISIONS.md §x` / `§x.y` cited in the tree names a section / rule that
#     docs/DECISIONS.md has (lists such as "§2.21, §2.23" and ranges "§2.2-2.4" included).
#  3. Every "Tested by" link of docs/DECISIONS.md names a file that exists, and each test
#     named after it (`Suite.Name`, `Name` or `Suite.*`) occurs in that file.
#   tests/docs/citations_test.sh [SOURCE_DIR]
set -uo pipefail
root=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
cd "$root" || exit 1
paths=(src tests scripts bench schemas docs README.md CMakeLists.txt cmake)
decisions=docs/DECISIONS.md
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# ---- 1. no issue numbers, no outside records -------------------------------------------
outside='[Ii]ssues? #?[0-9]+|REFERENCE §|(^|[^/])DECISIONS §|spec/REFERENCE|\.\./shared/|/work/shared|DECISIONS-SUMMARY'
if hits=$(grep -rnE --exclude=citations_test.sh "$outside" "${paths[@]}" 2>/dev/null); then
  fail "citations of an issue number or of a record outside the repository (cite docs/DECISIONS.md §x.y or a docs/API.md section instead):"
  echo "$hits"
fi

# ---- 2. every cited rule exists ---------------------------------------------------------
[[ -f $decisions ]] || { fail "$decisions is missing"; exit 1; }
# The rules: "N" per section heading "## N. ...", "N.M" per item "M. ..." inside it.
rules=$(awk '/^## [0-9]+\./ { sec = $2 + 0; print sec; next }
             sec && /^[0-9]+\. / { print sec "." ($1 + 0) }' "$decisions")
has_rule() { grep -qxF "$1" <<<"$rules"; }
num='§?[0-9]+(\.[0-9]+)?(-[0-9]+(\.[0-9]+)?)?'
cited=0
while IFS= read -r hit; do
  where=${hit%%:docs/DECISIONS.md*}
  list=${hit#*docs/DECISIONS.md }
  for item in $(tr ',/' '  ' <<<"$list"); do
    item=${item#§}
    for rule in ${item/-/ }; do
      cited=$((cited + 1))
      has_rule "$rule" || fail "$where cites docs/DECISIONS.md §$rule, which docs/DECISIONS.md does not have"
    done
  done
done < <(grep -rnoE --exclude=citations_test.sh "docs/DECISIONS\.md $num((, ?|/)$num)*" "${paths[@]}")
(( cited > 0 )) || fail "no docs/DECISIONS.md citation found at all (is the pattern still right?)"

# ---- 3. the "Tested by" links point at tests that exist ----------------------------------
linked=0
while IFS= read -r group; do
  file=$(sed -E 's/^\[[^]]*\]\(\.\.\/([^)]*)\).*/\1/' <<<"$group")
  if [[ ! -f $file ]]; then fail "$decisions links $file, which does not exist"; continue; fi
  for name in $(grep -oE '`[^`]+`' <<<"$group" | tr -d '`'); do
    [[ $name == E2E_INSTANTIATE ]] && { grep -q "$name" "$file" || fail "$file has no $name"; continue; }
    test=${name%.\*}; test=${test##*.}
    linked=$((linked + 1))
    grep -qE "\\b$test\\b" "$file" || fail "$decisions names $name in $file, which has no such test"
  done
done < <(grep -oE '\[[^]]+\]\(\.\./[^)]+\)( `[^`]+`(, `[^`]+`)*)?' "$decisions")
(( linked > 0 )) || fail "no test linked from $decisions (is the pattern still right?)"

(( failed == 0 )) && echo "ok: no outside citations; $cited rule citations resolve; $linked linked tests exist"
exit $failed
