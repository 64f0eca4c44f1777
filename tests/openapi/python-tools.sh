# Sourced: a Python venv with the pinned PyPI tools of the API tests, cached in
# BUILD_DIR/cache/venv. Sets PY_TOOLS (its bin directory); exits 77 (ctest: skipped)
# when the venv or the packages cannot be installed.
#   ensure_python_tools BUILD_DIR
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
SCHEMATHESIS_VERSION=4.32.5

ensure_python_tools() {
  local venv
  venv="$(cd "$1" && pwd)/cache/venv"
  PY_TOOLS="$venv/bin"
  if "$PY_TOOLS/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION' or m.version('openapi-spec-validator') != '$OPENAPI_SPEC_VALIDATOR_VERSION')" 2>/dev/null; then
    return 0
  fi
  echo "installing openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION and schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  if ! { [[ -x "$PY_TOOLS/python" ]] || python3 -m venv "$venv"; } ||
     ! "$PY_TOOLS/pip" install -q "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION" \
         "schemathesis==$SCHEMATHESIS_VERSION" >&2; then
    echo "SKIPPED: the Python tools cannot be installed (no python3-venv or no PyPI)" >&2
    exit 77
  fi
}
