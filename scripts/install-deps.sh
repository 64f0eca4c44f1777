#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Idempotent: packages already present are skipped, so a warm machine pays nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev libre2-dev libsqlite3-dev sqlite3 libpq-dev
  libfmt-dev libspdlog-dev libcli11-dev libgtest-dev
  libutf8proc-dev libssl-dev libmongoc-dev libbson-dev
  unixodbc-dev tdsodbc python3-venv
  openjdk-17-jdk-headless maven
  postgresql-15 wrk
  prometheus-cpp-dev curl
  python3 python3-venv nodejs chromium
)
# npm comes with some nodejs builds (NodeSource); Debian's npm package would conflict there.
command -v npm >/dev/null || PACKAGES+=(npm)

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
