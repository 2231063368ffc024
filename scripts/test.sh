#!/usr/bin/env bash
# Every check, in order of speed. `scripts/test.sh [lint|rust|e2e]` runs one group.
# Expects scripts/setup.sh to have run (make test does both).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/casting-agency/target}"
# cargo-leptos builds with this flag; using it here too shares one build cache.
export RUSTFLAGS="--cfg erase_components"
group="${1:-all}"

step() { printf '\n==> %s\n' "$*" >&2; }

if [ "$group" = all ] || [ "$group" = lint ]; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "clippy (server)"
  cargo clippy --features ssr --all-targets -- -D warnings
  step "clippy (browser)"
  cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings
fi

if [ "$group" = all ] || [ "$group" = rust ]; then
  step "Rust tests (SQLite and PostgreSQL)"
  cargo test --features ssr
fi

if [ "$group" = all ] || [ "$group" = e2e ]; then
  step "end-to-end tests in Chromium"
  data_dir=$(mktemp -d)
  trap 'rm -rf "$data_dir"' EXIT
  # A fresh local-mode app on its own port, so a running `make run` is not disturbed.
  port="${E2E_PORT:-3917}"
  DATA_DIR="$data_dir" PORT="$port" E2E_BASE_URL="http://127.0.0.1:$port" \
    AUTH0_DOMAIN= AUTH0_AUDIENCE= DATABASE_URL= APP_ENV= RUST_LOG="${RUST_LOG:-warn}" \
    cargo leptos end-to-end
fi
