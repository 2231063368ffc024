#!/usr/bin/env bash
# `make bench-pictures`: a 12-megapixel JPEG through `imaging::process` in process (the bench
# `pictures`), then over HTTP against the release server on SQLite and PostgreSQL: the
# upload's time from the first byte sent to the answer (decode, three renditions, one write),
# and thumbnails served under wrk, relative to GET /healthz in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-32}"
port="${BENCH_PORT:-3921}"
databases="${BENCH_DATABASES:-sqlite postgres}"
uploads="${BENCH_UPLOADS:-5}"
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/setup.sh bench installs it)" >&2; exit 1; }

work=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "==> in process" >&2
BENCH_OUT="$work" RUSTFLAGS="--cfg erase_components" cargo bench --features ssr --bench pictures
echo "==> release build" >&2
# The name cargo-leptos would give the bundle, which Leptos reads when it is compiled.
LEPTOS_OUTPUT_NAME=casting-agency RUSTFLAGS="--cfg erase_components" \
  cargo build --release --features ssr --bin casting-agency >&2
bin="$CARGO_TARGET_DIR/release/casting-agency"
export REPORT="$PWD/bench/wrk/report.lua"

rps() { # path [VAR=value...] -> requests/s
  local path=$1
  shift
  env "$@" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s -s bench/wrk/get.lua \
    "http://127.0.0.1:$port$path" | grep '^RESULT ' | cut -c8- |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.0f %.2f %d" % (r["rps"], r["p99_ms"], r["errors"]))'
}

for db in $databases; do
  data="$work/$db"
  mkdir -p "$data"
  url=
  if [ "$db" = postgres ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS casting_bench_pictures" -c "CREATE DATABASE casting_bench_pictures" >/dev/null
    url="${pg_admin%/*}/casting_bench_pictures"
  fi
  echo "==> $db" >&2
  env DATA_DIR="$data" PORT="$port" DATABASE_URL="$url" AUTH0_DOMAIN= AUTH0_AUDIENCE= APP_ENV= \
    WRITE_RATE_PER_MINUTE=0 SIGN_IN_RATE_PER_MINUTE=0 RUST_LOG=error "$bin" &
  app_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  token=$(env DATA_DIR="$data" AUTH0_DOMAIN= AUTH0_AUDIENCE= "$bin" token producer)
  auth=(-H "Authorization: Bearer $token")
  times=()
  for i in $(seq "$uploads"); do
    id=$(curl -sf "http://127.0.0.1:$port/actors" "${auth[@]}" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Actor $i\",\"age\":30,\"gender\":\"female\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')
    t=$(curl -sf -o "$work/answer.json" -w '%{time_total}' -X PUT "http://127.0.0.1:$port/actors/$id/photo" \
      "${auth[@]}" -H 'Content-Type: image/jpeg' --data-binary "@$work/12mp.jpg")
    times+=("$t")
  done
  thumb=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["actor"]["photo"]["urls"]["thumb"])' "$work/answer.json")
  env TOKEN="$token" wrk -t2 -c"$connections" -d2s -s bench/wrk/get.lua "http://127.0.0.1:$port$thumb" >/dev/null
  read -r health_rps health_p99 health_err < <(rps /healthz)
  read -r thumb_rps thumb_p99 thumb_err < <(rps "$thumb" TOKEN="$token" ACCEPT="image/avif,image/webp,*/*")
  python3 - "$db" "$health_rps" "$thumb_rps" "$thumb_p99" "$thumb_err" "${times[@]}" <<'PY'
import statistics, sys
db, health, thumb, p99, errors, *times = sys.argv[1:]
ms = sorted(float(t) * 1000 for t in times)
print(f"{db}: PUT 12 MP JPEG over HTTP: median {statistics.median(ms):.0f} ms, "
      f"best {ms[0]:.0f}, worst {ms[-1]:.0f} ({len(ms)} uploads)")
print(f"{db}: GET thumbnail {float(thumb):.0f} req/s, p99 {p99} ms, {errors} errors; "
      f"GET /healthz {float(health):.0f} req/s; thumbnail = {float(thumb) / float(health):.2f} of /healthz")
PY
  kill "$app_pid"
  wait "$app_pid" || true
  app_pid=
done
