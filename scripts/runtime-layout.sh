#!/usr/bin/env bash
# The container image's runtime stage without Docker: the same files (binary, hash file,
# site) copied into an empty directory, started from elsewhere with the image's environment
# (read from the Dockerfile's runtime ENV, so the two cannot drift) plus a free port and a
# fresh data directory, then scripts/smoke.sh. Uses the release build when there is one, else
# the debug build (`cargo leptos build`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
profile="${LAYOUT_PROFILE:-debug}"
bin="$CARGO_TARGET_DIR/$profile/casting-agency"
[ -x "$bin" ] || { echo "runtime-layout: no $bin; run cargo leptos build first" >&2; exit 1; }
root=$(mktemp -d)
app_pid=
trap '[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$root"' EXIT
mkdir -p "$root/app" "$root/data" "$root/elsewhere"
cp "$bin" "$CARGO_TARGET_DIR/$profile/hash.txt" "$root/app/"
cp -r target/site "$root/app/site"

# The runtime stage's ENV, with /app and /data moved under $root.
mapfile -t image_env < <(awk '
  /^FROM .* AS runtime/ { runtime = 1 }
  runtime && /^ENV / { on = 1; sub(/^ENV /, "") }
  on { line = $0; more = (line ~ /\\$/); sub(/ *\\$/, "", line); gsub(/^ +/, "", line); print line; if (!more) on = 0 }
' Dockerfile | tr ' ' '\n' | grep '=' | sed -e "s#=/app#=$root/app#" -e "s#=/data#=$root/data#")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "runtime-layout: $(ls "$root/app" | tr '\n' ' ')with ${image_env[*]}" >&2
(cd "$root/elsewhere" && exec env -i PATH=/usr/bin:/bin HOME="$root" "${image_env[@]}" PORT="$port" \
  RUST_LOG=warn "$root/app/casting-agency" >"$root/log" 2>&1) &
app_pid=$!
for _ in $(seq 150); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$root/log" >&2; exit 1; }
  sleep 0.2
done
scripts/smoke.sh "http://127.0.0.1:$port"
# JSON logs, as the image sets: every line parses.
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$root/log"
[ -s "$root/data/casting-agency.db" ] || { echo "runtime-layout: no database in DATA_DIR" >&2; exit 1; }
echo "runtime-layout: ok"
