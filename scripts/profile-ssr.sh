#!/usr/bin/env bash
# `make profile-ssr`: instructions per request under callgrind, for the routes issue 18 is
# about, on the release build (what `make bench` runs). Instruction counts hardly move from run
# to run, so a change's gain shows without a quiet machine; wall time under valgrind means
# nothing. Seeds 100 actors and 100 movies (as `make bench`) and casts 20 actors in movie 1;
# sends PROFILE_REQUESTS (200) of each kind after a warm-up, zeroing the counters before each
# kind and dumping after it, and prints the instructions per request; the dumps' top functions
# (inclusive) go to target/profile-ssr/ for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
port="${PROFILE_PORT:-3923}"
requests="${PROFILE_REQUESTS:-200}"
command -v valgrind >/dev/null || { echo "profile: valgrind is missing (scripts/setup.sh bench installs it)" >&2; exit 1; }

if [ -z "${PROFILE_SKIP_BUILD:-}" ]; then
  echo "==> release build" >&2
  cargo leptos build --release --split >&2
fi
bin="$CARGO_TARGET_DIR/release/casting-agency"
out="$PWD/target/profile-ssr"
rm -rf "$out" && mkdir -p "$out"
data=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$data"' EXIT

# Compressed now, not by the server under valgrind: its background compression of the bundle
# (api/edge/assets.rs) would be counted in whichever route's requests it overlapped.
LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency "$bin" precompress >&2

env DATA_DIR="$data" PORT="$port" DATABASE_URL= AUTH0_DOMAIN= AUTH0_AUDIENCE= APP_ENV= \
  WRITE_RATE_PER_MINUTE=0 SIGN_IN_RATE_PER_MINUTE=0 RUST_LOG=error \
  LEPTOS_SITE_ROOT="$PWD/target/site" LEPTOS_OUTPUT_NAME=casting-agency \
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p" --dump-instr=no \
  "$bin" 2>"$out/valgrind.log" &
app_pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.5; done
token=$(env DATA_DIR="$data" AUTH0_DOMAIN= AUTH0_AUDIENCE= "$bin" token producer)
api=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
echo "==> seeding" >&2
for i in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/actors" "${api[@]}" \
    -d "{\"name\":\"Actor $i\",\"age\":$((20 + i % 60)),\"gender\":\"female\"}"
  curl -sf -o /dev/null "http://127.0.0.1:$port/movies" "${api[@]}" \
    -d "{\"title\":\"Movie $i\",\"release_date\":\"20$((10 + i % 15))-01-0$((1 + i % 9))\"}"
done
for i in $(seq 20); do
  curl -sf -o /dev/null -X PUT "http://127.0.0.1:$port/movies/1/actors/$i" "${api[@]}" \
    -d "{\"character\":\"Role $i\"}"
done

html=(-H "Cookie: casting_session=$token" -H "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
json=(-H "Authorization: Bearer $token" -H "Accept: application/json")
# name|path|kind of client
routes=(
  "healthz|/healthz|plain"
  "json-actors|/actors|json"
  "ssr-actors|/actors|html"
  "ssr-movie|/movies/1|html"
)
send() { # path kind count
  local headers=()
  case $2 in html) headers=("${html[@]}") ;; json) headers=("${json[@]}") ;; esac
  for _ in $(seq "$3"); do
    curl -sf -o /dev/null "${headers[@]}" "http://127.0.0.1:$port$1"
  done
}
for route in "${routes[@]}"; do
  IFS='|' read -r name path kind <<<"$route"
  echo "==> $name" >&2
  send "$path" "$kind" 20
  callgrind_control -z "$app_pid" >/dev/null
  send "$path" "$kind" "$requests"
  callgrind_control -d "$name" "$app_pid" >/dev/null
done
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
app_pid=

echo
echo "instructions per request (callgrind, $requests requests each, release build):"
# callgrind numbers its dumps 1, 2, … in the order they were asked for: the routes' order.
part=0
for route in "${routes[@]}"; do
  IFS='|' read -r name path kind <<<"$route"
  part=$((part + 1))
  dump=$(ls "$out"/callgrind.*."$part")
  total=$(awk '/^totals:/ {print $2; exit}' "$dump")
  printf '  %-12s %-10s %12s\n' "$name" "$path" "$((total / requests))"
  callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null | head -200 >"$out/$name.inclusive.txt"
  callgrind_annotate --threshold=100 "$dump" 2>/dev/null | head -200 >"$out/$name.self.txt"
done
echo "(top functions, inclusive and self: $out/*.txt)"
