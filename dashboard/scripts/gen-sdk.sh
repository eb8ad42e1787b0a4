#!/usr/bin/env bash
# Regenerates the typed SDK for schema/gtm-wizard into OUT (default: dashboard/src/cairn).
# `cairn gen sdk` reads the schema from a data dir, so this builds a throwaway one: a superuser,
# `cairn serve` on a free loopback port, `PUT /api/collections/import` of collections.json, then
# the generator. Reproducible: the schema's collection ids are fixed in collections.json.
#   CAIRN_BIN=path/to/cairn dashboard/scripts/gen-sdk.sh [OUT]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CAIRN_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/cairn-target}/debug/cairn}"
out="${1:-$root/dashboard/src/cairn}"
[ -x "$bin" ] || { echo "no cairn binary at $bin (cargo build -p cairn, or set CAIRN_BIN)" >&2; exit 1; }

tmp="$(mktemp -d)"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT

email="gen-sdk@example.invalid"
pass="gen-sdk-password-123"
"$bin" superuser upsert "$email" "$pass" --dir "$tmp/data" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --http "127.0.0.1:$port" --dir "$tmp/data" >"$tmp/serve.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 200); do
  curl -fsS "$url/api/health" >/dev/null 2>&1 && break
  sleep 0.05
done
token="$(curl -fsS -X POST "$url/api/collections/_superusers/auth-with-password" \
  -H 'content-type: application/json' \
  -d "{\"identity\":\"$email\",\"password\":\"$pass\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
python3 -c 'import json,sys; print(json.dumps({"collections": json.load(open(sys.argv[1])), "deleteMissing": False}))' \
  "$root/schema/gtm-wizard/collections.json" >"$tmp/import.json"
curl -fsS -X PUT "$url/api/collections/import" -H 'content-type: application/json' \
  -H "authorization: $token" --data-binary "@$tmp/import.json" >/dev/null
"$bin" gen sdk --out "$out" --dir "$tmp/data" >/dev/null
