#!/usr/bin/env bash
# What scripts/install-deps.sh costs on a bare Debian bookworm: the packages apt would
# install (count), what they download and what they take on disk, for the build-and-serve
# set (scripts/run.sh) and for the test set (scripts/test.sh). Nothing is installed: apt
# simulates against a dpkg status that holds only the `required` packages and their
# dependencies (a minimal bookworm), taken from this machine's status file.
#   scripts/measure-install.sh            both sets
#   scripts/measure-install.sh PKG...     any list of packages
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/events-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The bare machine: `required` and Essential packages, then what they depend on.
required=$(awk 'BEGIN{RS="";FS="\n"} /\nPriority: required/ || /\nEssential: yes/ {sub("Package: ","",$1); print $1}' /var/lib/dpkg/status)
: >"$work/empty"
# shellcheck disable=SC2086
apt-get install --simulate --no-install-recommends -o Dir::State::status="$work/empty" $required 2>/dev/null |
  awk '/^Inst /{print $2}' | sort -u >"$work/base"
# Their records as apt has them, marked installed: a consistent bare machine.
xargs -a "$work/base" apt-cache show --no-all-versions 2>/dev/null |
  awk 'BEGIN{RS="";ORS="\n\n"} {print "Status: install ok installed\n" $0}' >"$work/status"

measure() {   # measure LABEL PKG...
  local label=$1; shift
  apt-get install --simulate --no-install-recommends -o Dir::State::status="$work/status" "$@" 2>/dev/null |
    awk '/^Inst /{print $2}' | sort -u >"$work/inst"
  # Download (Size, bytes) and disk (Installed-Size, KiB) of the candidate version of each.
  xargs -a "$work/inst" apt-cache show --no-all-versions 2>/dev/null |
    awk -v label="$label" -v n="$(wc -l <"$work/inst")" '
      /^Size: /{dl+=$2} /^Installed-Size: /{disk+=$2}
      END{printf "%-28s %4d packages, %6.0f MiB download, %6.2f GiB installed\n", label, n, dl/1048576, disk/1048576}'
}

if (($#)); then
  measure "given packages" "$@"
else
  mapfile -t run_set < <("$root/scripts/install-deps.sh" --print)
  mapfile -t test_set < <("$root/scripts/install-deps.sh" --test --print)
  # install-deps.sh leaves npm out where a nodejs build already carries it; a bare machine has none.
  grep -qx npm < <(printf '%s\n' "${test_set[@]}") || test_set+=(npm)
  measure "scripts/run.sh" "${run_set[@]}"
  measure "scripts/test.sh" "${test_set[@]}"
fi
