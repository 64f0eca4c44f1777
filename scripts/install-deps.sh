#!/usr/bin/env bash
# Installs the Debian packages a task needs, in two sets:
#   scripts/install-deps.sh          building and serving: the compiler, CMake, the libraries
#                                    the binary links, the SQL Server ODBC driver, help2man
#                                    (the man page of `cmake --install` and the .deb)
#   scripts/install-deps.sh --test   that set plus what the tests and benchmarks run: GoogleTest,
#                                    the test servers (PostgreSQL, Java + Maven for OpenSearch,
#                                    Redis), wrk, Python venvs, Node/npm and Chromium
# `scripts/run.sh` uses the first, `scripts/test.sh` the second (docs/INSTALL.md
# has the package counts and sizes of each on a bare machine). `--print` lists the packages
# of the chosen set instead of installing them.
# Idempotent: packages already present are skipped, so a warm machine pays nothing.
set -euo pipefail

# Building and serving. libsodium-dev: password hashes (docs/AUTH.md); libhiredis-dev is for the
# cache work that links it next.
BUILD_RUN=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev libre2-dev libsqlite3-dev libpq-dev
  libfmt-dev libspdlog-dev libcli11-dev
  libutf8proc-dev libssl-dev libmongoc-dev libbson-dev
  unixodbc-dev tdsodbc
  prometheus-cpp-dev
  libsodium-dev libhiredis-dev
  help2man
)
# The tests, their servers and tools, and the benchmarks.
TEST=(
  libgtest-dev sqlite3
  postgresql-15 redis-server
  openjdk-17-jdk-headless maven
  wrk curl
  python3 python3-venv nodejs chromium
)

with_tests=0
print_only=0
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=1 ;;
    --print) print_only=1 ;;
    *) echo "install-deps: unknown argument $arg (use --test and/or --print)" >&2; exit 2 ;;
  esac
done

PACKAGES=("${BUILD_RUN[@]}")
if ((with_tests)); then
  PACKAGES+=("${TEST[@]}")
  # npm comes with some nodejs builds (NodeSource); Debian's npm package would conflict there.
  command -v npm >/dev/null || PACKAGES+=(npm)
fi
if ((print_only)); then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
