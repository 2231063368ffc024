#!/usr/bin/env bash
# A stranger's first minute against a running app at $1: ready, signs in (local mode), lists
# actors, and the web page's bundle is there. Used by the container checks.
set -euo pipefail
base="$1"
curl -sf "$base/readyz" >/dev/null || { echo "smoke: $base/readyz is not ready" >&2; exit 1; }
token=$(curl -sf "$base/auth/dev-token" -H 'Content-Type: application/json' -d '{"role":"producer"}' \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
[ -n "$token" ] || { echo "smoke: no token from local sign-in" >&2; exit 1; }
curl -sf "$base/actors" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"Smoke Test","age":30,"gender":"female"}' >/dev/null
listed=$(curl -sf "$base/actors" -H "Authorization: Bearer $token")
echo "$listed" | grep -q '"name":"Smoke Test"' || { echo "smoke: the actor is not listed: $listed" >&2; exit 1; }
page=$(curl -sf "$base/actors" -H 'Accept: text/html')
script=$(echo "$page" | grep -oE '/pkg/[^"]+\.js' | head -1)
[ -n "$script" ] || { echo "smoke: the page names no script" >&2; exit 1; }
curl -sf -o /dev/null "$base$script" || { echo "smoke: $script is missing" >&2; exit 1; }
echo "smoke: ready, signed in, wrote and listed an actor, page and bundle served ($base)"
