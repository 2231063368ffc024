#!/usr/bin/env bash
# Web budget benchmark: release WASM size (raw, gzip, brotli) and the time to interactive of
# /actors in headless Chromium. Prints figures; asserts nothing. Usage: make bench-web
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"

# Stale chunks of earlier builds would be counted (and served) otherwise.
rm -rf target/site/pkg
cargo leptos build --release --split >&2
"$CARGO_TARGET_DIR/release/casting-agency" precompress >&2
# With `--split`, pkg/ holds the main module (casting-agency[.hash][_bg].wasm) and the chunks
# of lazily loaded pages (app/routes.rs); the budget is for the main module.
node -e '
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const dir = process.argv[1];
  const br = (buf) => zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const kb = (n) => (n / 1024).toFixed(0) + " KB";
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".wasm"));
  const main = files.filter((f) => /^casting-agency(\.[^.]+)?(_bg)?\.wasm$/.test(f))
    .sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs)[0];
  const raw = fs.readFileSync(path.join(dir, main));
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  console.log(`release WASM (main module): ${kb(raw.length)} raw, ${kb(gz)} gzip, ${kb(br(raw))} brotli (budget: 300 KB brotli)`);
  const chunks = files.filter((f) => f !== main && !/^casting-agency/.test(f))
    .map((f) => [f, br(fs.readFileSync(path.join(dir, f)))]).sort((a, b) => b[1] - a[1]);
  const total = chunks.reduce((n, [, b]) => n + b, 0);
  console.log(`lazily loaded chunks: ${chunks.length}, ${kb(total)} brotli in all; largest: ${chunks.slice(0, 5).map(([f, b]) => `${f} ${kb(b)}`).join(", ")}`);
' target/site/pkg

data_dir=$(mktemp -d)
port="${BENCH_PORT:-3918}"
DATA_DIR="$data_dir" PORT="$port" AUTH0_DOMAIN= AUTH0_AUDIENCE= DATABASE_URL= RUST_LOG=warn \
  LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=casting-agency LEPTOS_HASH_FILES=true \
  "$CARGO_TARGET_DIR/release/casting-agency" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
(cd end2end && node bench/tti.mjs "http://127.0.0.1:$port" 10)
