#!/usr/bin/env bash
# The Debian package as a user gets it (docs/INSTALL.md): cpack builds the .deb
# from an up-to-date build tree, the package's metadata and files are checked, it is
# unpacked into a scratch root (dpkg-deb -x, no root rights or dpkg database touched), and
# the installed binary is started from there on SQLite with the installed sample schema and
# must answer over HTTP. Prints the package's size.
#   tests/package/package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/events-package.XXXXXX")
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "package_test: FAIL: $*" >&2; [[ -f $scratch/serve.log ]] && tail -20 "$scratch/serve.log" >&2; exit 1; }

# 1. Build the package (cpack runs the install step; the build itself is ctest's caller's).
cpack --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$scratch"/out/events_*.deb 2>/dev/null | head -1)
[[ -f $deb ]] || fail "no events_*.deb in $scratch/out"
echo "package_test: $(basename "$deb"): $(stat -c %s "$deb") bytes"

# 2. Its metadata: the name, and Depends computed from the linked libraries.
[[ $(dpkg-deb -f "$deb" Package) == events ]] || fail "Package is not events"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libpq5 libsqlite3-0 libsodium23; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done

# 3. Unpacked into a scratch root: the binary, the schema, the man page, the docs.
root="$scratch/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/events usr/share/events/schemas/events.yaml usr/share/events/schemas/events-auth.yaml usr/share/man/man1/events.1.gz \
         usr/share/doc/events/README.md usr/share/doc/events/API.md; do
  [[ -e $root/$f ]] || fail "$f is not in the package"
done
[[ -x $root/usr/bin/events ]] || fail "usr/bin/events is not executable"
# The man page is the --help text: every backend it names is in it.
man_text=$(gzip -dc "$root/usr/share/man/man1/events.1.gz")
for backend in sqlite postgresql mongodb elasticsearch sqlserver; do
  [[ $man_text == *"$backend"* ]] || fail "the man page does not name $backend"
done
"$root/usr/bin/events" check --schema "$root/usr/share/events/schemas/events.yaml" | grep -q '^OK: ' ||
  fail "events check refuses the installed sample schema"
"$root/usr/bin/events" check --schema "$root/usr/share/events/schemas/events-auth.yaml" | grep -q '^OK: ' ||
  fail "events check refuses the installed sample schema with logins"

# 4. The installed binary serves: a free port, data in the scratch directory.
cd "$scratch"
started=$(date +%s%N)
: >"$scratch/serve.log"   # exists before the background job opens it, for the sed below
"$root/usr/bin/events" serve --port 0 --schema "$root/usr/share/events/schemas/events.yaml" \
  --db-uri "$scratch/events.db" >"$scratch/serve.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 300); do   # up to 30 s on a loaded machine
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$scratch/serve.log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || fail "the installed binary exited"
  sleep 0.1
done
[[ -n $port ]] || fail "the installed binary did not report its port"
health=$(curl -fsS "http://127.0.0.1:$port/api/health") || fail "GET /api/health did not answer"
[[ $health == *'"status"'* ]] || fail "GET /api/health: $health"
echo "package_test: start to first answer: $(( ($(date +%s%N) - started) / 1000000 )) ms"
created=$(curl -fsS -X POST "http://127.0.0.1:$port/api/account" -d '{"name": "Package Test Corp"}') ||
  fail "POST /api/account failed"
[[ $created == *'"Package Test Corp"'* ]] || fail "POST /api/account: $created"
listed=$(curl -fsS "http://127.0.0.1:$port/api/account") || fail "GET /api/account failed"
[[ $listed == *'"Package Test Corp"'* ]] || fail "GET /api/account does not list the new account: $listed"
# The Swagger UI ships when the build had it (scripts/test.sh installs it): then the installed
# binary serves /docs from its own copy.
if [[ -f $build/cache/node/node_modules/swagger-ui-dist/swagger-ui-bundle.js ]]; then
  [[ -f $root/usr/share/events/swagger-ui/swagger-ui-bundle.js ]] || fail "the package lacks the Swagger UI"
  curl -fsS -o /dev/null "http://127.0.0.1:$port/docs" || fail "GET /docs did not answer 200"
  curl -fsS -o /dev/null "http://127.0.0.1:$port/docs/swagger-ui-bundle.js" || fail "GET /docs/swagger-ui-bundle.js did not answer 200"
  grep -q "Swagger UI not found" "$scratch/serve.log" && fail "the installed binary did not find its Swagger UI"
else
  echo "package_test: no Swagger UI in $build/cache: the package has none, /docs not checked"
fi
# The admin UI ships when the build had it (the target admin_ui, where npm is): then the
# installed binary serves /admin/ from its own copy.
if [[ -f $build/admin-ui/index.html ]]; then
  [[ -f $root/usr/share/events/admin-ui/index.html ]] || fail "the package lacks the admin UI"
  admin=$(curl -fsS "http://127.0.0.1:$port/admin/") || fail "GET /admin/ did not answer 200"
  [[ $admin == "$(cat "$root/usr/share/events/admin-ui/index.html")" ]] || fail "GET /admin/ is not the installed index.html"
  grep -q "admin UI not found" "$scratch/serve.log" && fail "the installed binary did not find its admin UI"
else
  echo "package_test: no admin UI in $build/admin-ui: the package has none, /admin/ not checked"
fi
echo "package_test: installed binary answered on port $port"
