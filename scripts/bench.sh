#!/usr/bin/env bash
# `make bench`: the release server on SQLite, then on PostgreSQL, under wrk on loopback.
# Seeds 100 actors and 100 movies with 20 actors cast in movie 1, mints a producer token,
# serves /metrics (not with BENCH_METRICS=off), runs each scenario for BENCH_SECONDS (10) at
# BENCH_CONNECTIONS (32), and prints requests/s, p50/p99, errors, the server's peak RSS and each
# scenario's throughput relative to GET /healthz in the same run, against the targets.
# BENCH_RUNS (1) repeats the whole run on fresh databases and reports every run and the worst
# figure of each scenario; a target missed in any run is missed. Exits non-zero when one is.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-32}"
port="${BENCH_PORT:-3919}"
databases="${BENCH_DATABASES:-sqlite postgres}"
# Metrics on, as in production (requests are counted only when /metrics is served);
# BENCH_METRICS=off measures without them, for their cost.
metrics_token=bench-metrics-token-0123456789
[ "${BENCH_METRICS:-on}" = off ] && metrics_token=
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/setup.sh bench installs it)" >&2; exit 1; }
echo "==> release build" >&2
cargo leptos build --release --split >&2
bin="$CARGO_TARGET_DIR/release/casting-agency"
# The bundle's brotli/gzip variants, made now as an image build makes them: otherwise the first
# start makes them, and that transient (brotli's windows) shows in the first run's peak RSS.
LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency "$bin" precompress >&2
results=$(mktemp)
work=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"' EXIT
export REPORT="$PWD/bench/wrk/report.lua" WRK_DIR="$PWD/bench/wrk"

peak_rss_kb() { awk '/^VmHWM/ {print $2}' "/proc/$app_pid/status"; }

scenario() { # name script path [VAR=value...]
  local name=$1 script=$2 path=$3
  shift 3
  local line
  line=$(env "$@" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s \
    -s "bench/wrk/$script" "http://127.0.0.1:$port$path" | grep '^RESULT ' | cut -c8-)
  printf '{"run":%s,"database":"%s","scenario":"%s","rss_kb":%s,"result":%s}\n' \
    "$run" "$db" "$name" "$(peak_rss_kb)" "$line" >>"$results"
  echo "    $name: $line" >&2
}

runs="${BENCH_RUNS:-1}"
for run in $(seq "$runs"); do
for db in $databases; do
  data="$work/$run-$db"
  mkdir -p "$data"
  url=
  if [ "$db" = postgres ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS casting_bench" -c "CREATE DATABASE casting_bench" >/dev/null
    url="${pg_admin%/*}/casting_bench"
  fi
  echo "==> run $run of $runs: $db" >&2
  env DATA_DIR="$data" PORT="$port" DATABASE_URL="$url" AUTH0_DOMAIN= AUTH0_AUDIENCE= APP_ENV= \
    WRITE_RATE_PER_MINUTE=0 SIGN_IN_RATE_PER_MINUTE=0 METRICS_TOKEN="$metrics_token" \
    RUST_LOG=error LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency "$bin" &
  app_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  token=$(env DATA_DIR="$data" AUTH0_DOMAIN= AUTH0_AUDIENCE= "$bin" token producer)
  for i in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/actors" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "{\"name\":\"Actor $i\",\"age\":$((20 + i % 60)),\"gender\":\"female\"}"
    curl -sf -o /dev/null "http://127.0.0.1:$port/movies" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "{\"title\":\"Movie $i\",\"release_date\":\"20$((10 + i % 15))-01-0$((1 + i % 9))\"}"
  done
  # A movie page as people see one: a 20-person cast (and so 20 lines of history).
  for i in $(seq 20); do
    curl -sf -o /dev/null -X PUT "http://127.0.0.1:$port/movies/1/actors/$i" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "{\"character\":\"Role $i\"}"
  done
  # Warm-up (connections, caches, the pool), not measured.
  env TOKEN="$token" wrk -t2 -c"$connections" -d2s -s bench/wrk/get.lua "http://127.0.0.1:$port/actors" >/dev/null
  scenario "GET /healthz" get.lua /healthz
  scenario "GET /actors" get.lua /actors TOKEN="$token"
  scenario "GET /actors/{id}" get.lua /actors SPREAD_IDS=1 TOKEN="$token"
  scenario "SSR GET /actors (HTML)" get.lua /actors TOKEN="$token" AS_BROWSER=1 ACCEPT="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
  scenario "SSR GET /movies/{id} (HTML, cast of 20)" get.lua /movies/1 TOKEN="$token" AS_BROWSER=1 ACCEPT="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
  scenario "POST /actors" post.lua /actors TOKEN="$token"
  scenario "PATCH /actors/{id}" patch.lua /actors TOKEN="$token"
  scenario "90/10 read/write mix" mix.lua /actors TOKEN="$token"
  kill "$app_pid"
  wait "$app_pid" || true
  app_pid=
done
done

python3 bench/report.py "$results" "$connections" "$seconds"
