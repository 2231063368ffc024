#!/usr/bin/env bash
# `make bench-spreadsheets`: CSV in and out against the release server, on SQLite and
# PostgreSQL. Ten imports of 10,000 actors each (the row limit), timed from the first byte sent
# to the answer, fill the database with 100,000 actors; then a tenth of the list and then all
# of it are exported as CSV, each timed to its last byte while the server's resident memory is
# sampled every 10 ms. The export is streamed in keyset batches, so ten times the rows should
# not take more memory. Last, the last import is undone from the history (10,000 actors to
# the trash in one transaction), timed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
port="${BENCH_PORT:-3922}"
databases="${BENCH_DATABASES:-sqlite postgres}"
imports="${BENCH_IMPORTS:-10}"
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

work=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "==> release build" >&2
# The name cargo-leptos would give the bundle, which Leptos reads when it is compiled.
LEPTOS_OUTPUT_NAME=casting-agency RUSTFLAGS="--cfg erase_components" \
  cargo build --release --features ssr --bin casting-agency >&2
bin="$CARGO_TARGET_DIR/release/casting-agency"

# 10,000 rows with names that need quoting now and then, as an office's sheet would have.
python3 - "$work/actors.csv" <<'PY'
import sys
genders = ["female", "male", "non-binary"]
with open(sys.argv[1], "w", newline="") as f:
    f.write("name,age,gender\r\n")
    for i in range(10_000):
        name = f"Actor {i:05d}" if i % 10 else f"\"Surname, Given {i:05d}\""
        f.write(f"{name},{18 + i % 60},{genders[i % 3]}\r\n")
PY

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

for db in $databases; do
  data="$work/$db"
  mkdir -p "$data"
  url=
  if [ "$db" = postgres ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS casting_bench_sheets" -c "CREATE DATABASE casting_bench_sheets" >/dev/null
    url="${pg_admin%/*}/casting_bench_sheets"
  fi
  echo "==> $db" >&2
  env DATA_DIR="$data" PORT="$port" DATABASE_URL="$url" AUTH0_DOMAIN= AUTH0_AUDIENCE= APP_ENV= \
    WRITE_RATE_PER_MINUTE=0 SIGN_IN_RATE_PER_MINUTE=0 IMPORT_MAX_BYTES=10485760 RUST_LOG=error "$bin" &
  app_pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
  token=$(env DATA_DIR="$data" AUTH0_DOMAIN= AUTH0_AUDIENCE= "$bin" token producer)
  auth=(-H "Authorization: Bearer $token")
  times=()
  for i in $(seq "$imports"); do
    t=$(curl -sf -o "$work/report.json" -w '%{time_total}' "http://127.0.0.1:$port/actors/import" \
      "${auth[@]}" -H 'Content-Type: text/csv' --data-binary "@$work/actors.csv")
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["created"]) == 10000, r' "$work/report.json"
    times+=("$t")
  done
  idle=$(rss_kb "$app_pid")
  # An export of a tenth of the rows, then of all of them: streamed, the second should take no
  # more memory than the first.
  for what in tenth all; do
    query="format=csv&sort=name"
    [ "$what" = tenth ] && query="$query&q=Surname"
    # Sample the server's memory while the export runs.
    python3 - "$app_pid" "$work/stop" > "$work/peak-$what" <<'PY' &
import os, sys, time
pid, stop = sys.argv[1], sys.argv[2]
peak = 0
while not os.path.exists(stop):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                peak = max(peak, int(line.split()[1]))
    time.sleep(0.01)
print(peak)
PY
    sampler=$!
    sleep 0.1
    t=$(curl -sf -o "$work/export-$what.csv" -w '%{time_total}' \
      "http://127.0.0.1:$port/actors?$query" "${auth[@]}")
    touch "$work/stop"
    wait "$sampler"
    rm -f "$work/stop"
    rows=$(($(wc -l < "$work/export-$what.csv") - 1))
    python3 - "$db" "$idle" "$(cat "$work/peak-$what")" "$t" "$rows" "$(stat -c %s "$work/export-$what.csv")" <<'PY'
import sys
db, idle, peak, seconds, rows, size = sys.argv[1:]
print(f"{db}: export of {int(rows):,} actors ({int(size) / 1e6:.1f} MB CSV, sorted by name): "
      f"{float(seconds) * 1000:.0f} ms; server RSS {int(idle) / 1024:.1f} MB before the exports, "
      f"peak {int(peak) / 1024:.1f} MB during this one")
PY
  done
  # Undo the last import from the history: its 10,000 actors to the trash in one transaction.
  batch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch"])' "$work/report.json")
  undo_time=$(curl -sf -o "$work/undo.json" -w '%{time_total}' -X POST \
    "http://127.0.0.1:$port/changes/batches/$batch/undo" "${auth[@]}")
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["undone"]) == 10000, r' "$work/undo.json"
  echo "$db: undo of an import of 10,000 actors (to the trash): $(python3 -c "print(round($undo_time * 1000))") ms"
  python3 - "$db" "${times[@]}" <<'PY'
import statistics, sys
db, *times = sys.argv[1:]
ms = sorted(float(t) * 1000 for t in times)
print(f"{db}: import of 10,000 actors: median {statistics.median(ms):.0f} ms, "
      f"best {ms[0]:.0f}, worst {ms[-1]:.0f} ({len(ms)} imports)")
PY
  kill "$app_pid"
  wait "$app_pid" || true
  app_pid=
  if [ "$db" = postgres ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS casting_bench_sheets" >/dev/null
  fi
done
