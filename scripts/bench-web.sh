#!/usr/bin/env bash
# Web budget benchmark: release WASM size (raw, gzip, brotli) and the time to interactive of
# /actors in headless Chromium. Prints figures; asserts nothing. Usage: make bench-web
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"

cargo leptos build --release >&2
"$CARGO_TARGET_DIR/release/casting-agency" precompress >&2
wasm=$(ls -t target/site/pkg/*.wasm | head -1)
node -e '
  const fs = require("fs"), zlib = require("zlib");
  const raw = fs.readFileSync(process.argv[1]);
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const kb = (n) => (n / 1024).toFixed(0) + " KB";
  console.log(`release WASM: ${kb(raw.length)} raw, ${kb(gz)} gzip, ${kb(br)} brotli (budget: 300 KB brotli)`);
' "$wasm"

data_dir=$(mktemp -d)
port="${BENCH_PORT:-3918}"
DATA_DIR="$data_dir" PORT="$port" AUTH0_DOMAIN= AUTH0_AUDIENCE= DATABASE_URL= RUST_LOG=warn \
  LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=casting-agency LEPTOS_HASH_FILES=true \
  "$CARGO_TARGET_DIR/release/casting-agency" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
(cd end2end && node bench/tti.mjs "http://127.0.0.1:$port" 10)
