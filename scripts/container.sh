#!/usr/bin/env bash
# `make container`: builds the image (Dockerfile) and tests it: starts it, waits for /readyz,
# signs in and lists actors. BUILD_BASE / RUN_BASE pass base images made locally (see
# docs/deployment.md) where none can be pulled. Without a Docker daemon it says so, and runs
# the same checks on the image's runtime layout instead (scripts/runtime-layout.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
image="${IMAGE:-casting-agency:test}"
port="${CONTAINER_PORT:-3940}"

if ! docker info >/dev/null 2>&1; then
  echo "container: no Docker daemon here:" >&2
  docker info 2>&1 | grep -iE "cannot connect|error" | head -3 >&2 || true
  echo "container: testing the image's runtime layout without Docker instead" >&2
  exec scripts/runtime-layout.sh
fi

args=()
[ -n "${BUILD_BASE:-}" ] && args+=(--build-arg "BUILD_BASE=$BUILD_BASE")
[ -n "${RUN_BASE:-}" ] && args+=(--build-arg "RUN_BASE=$RUN_BASE")
docker build "${args[@]}" -t "$image" .

name="casting-agency-test-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" -p "127.0.0.1:$port:3000" "$image" >/dev/null
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
scripts/smoke.sh "http://127.0.0.1:$port"
[ "$(docker inspect -f '{{.Config.User}}' "$image")" = app ] || { echo "container: not run as the app user" >&2; exit 1; }
echo "container: ok"
