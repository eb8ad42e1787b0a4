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

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> tests"
if cargo nextest --version >/dev/null 2>&1; then
  # nextest does not run doctests; run them first so nextest's summary is the closing line.
  cargo test --workspace --doc --quiet
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
