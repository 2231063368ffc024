#!/usr/bin/env bash
# `make bench-live`: the release server on SQLite, then on PostgreSQL, with 1,000 event
# streams open and a write every 10 ms (benches/live.rs prints delivery latency and RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
port="${BENCH_PORT:-3921}"
databases="${BENCH_DATABASES:-sqlite postgres}"
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
streams="${LIVE_STREAMS:-1000}"

echo "==> release build" >&2
cargo leptos build --release --split >&2
cargo build --release --features ssr --bench live >&2
bin="$CARGO_TARGET_DIR/release/casting-agency"
load=$(find "$CARGO_TARGET_DIR/release/deps" -maxdepth 1 -type f -executable -name 'live-*' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2)
work=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"' EXIT
# Each stream is a connection on both sides.
ulimit -n "$(ulimit -Hn)"
# The bundle's brotli/gzip variants are made at the first start otherwise, and that transient
# (brotli's windows) would show in the first run's peak RSS.
LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency "$bin" precompress >&2

for db in $databases; do
  data="$work/$db"
  mkdir -p "$data"
  url=
  if [ "$db" = postgres ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS casting_bench_live" -c "CREATE DATABASE casting_bench_live" >/dev/null
    url="${pg_admin%/*}/casting_bench_live"
  fi
  echo "==> $db" >&2
  env DATA_DIR="$data" PORT="$port" DATABASE_URL="$url" AUTH0_DOMAIN= AUTH0_AUDIENCE= APP_ENV= \
    WRITE_RATE_PER_MINUTE=0 SIGN_IN_RATE_PER_MINUTE=0 \
    EVENT_STREAMS_MAX=$((streams + 100)) MAX_CONNECTIONS=$((streams + 1000)) \
    RUST_LOG=error LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency "$bin" &
  app_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  token=$(env DATA_DIR="$data" AUTH0_DOMAIN= AUTH0_AUDIENCE= "$bin" token producer)
  echo "$db:"
  LIVE_URL="http://127.0.0.1:$port" LIVE_TOKEN="$token" LIVE_PID="$app_pid" LIVE_STREAMS="$streams" "$load"
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
done
