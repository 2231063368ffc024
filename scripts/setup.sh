#!/usr/bin/env bash
# Installs what the project needs, idempotently: each step checks before it installs, so a
# second run takes seconds. Usage: scripts/setup.sh [run|test|bench]
#   run   what `make run` needs: the wasm target, cargo-leptos, wasm-bindgen-cli
#   test  also Chromium, the end2end node packages (Playwright, binaryen's wasm-opt, newman),
#         curl, cargo-deny and the Python test tools
#   bench also wrk, the load generator of `make bench`, and valgrind for `make profile-ssr`
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

CARGO_LEPTOS_VERSION=0.3.10
CARGO_DENY_VERSION=0.20.2
MIN_WASM_OPT=116
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"

# 1. The browser build's target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos, pinned. `no_downloads`: it must use the tools on PATH, because it cannot
#    fetch its own binaries here.
if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes a while once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# 3. wasm-bindgen-cli at exactly the version Cargo.lock pins for the wasm-bindgen crate.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
[ -n "$bindgen_version" ] || die "wasm-bindgen is not in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # --locked can fail when a pinned dependency is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked \
    || cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

[ "$mode" = run ] && { say "ready to run"; exit 0; }

# 4. Chromium for the end-to-end tests (Playwright must not download its own browser).
if ! command -v chromium >/dev/null; then
  apt_install chromium
fi

# 5. Node packages of end2end/ (Playwright, axe, binaryen for wasm-opt).
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end node packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# 6. wasm-opt from npm's binaryen: Debian's (108) builds WASM that fails to hydrate.
wasm_opt_version=$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
if [ -z "$wasm_opt_version" ] || [ "$wasm_opt_version" -lt "$MIN_WASM_OPT" ]; then
  die "wasm-opt ${wasm_opt_version:-missing} found first on PATH; need >= $MIN_WASM_OPT (end2end/node_modules/.bin)"
fi

# 7. curl (the test script waits for the app with it).
if ! command -v curl >/dev/null; then
  apt_install curl
fi

# 8. Python tools (OpenAPI validator, schemathesis) in a venv beside the build cache.
venv="${CASTING_VENV:-$HOME/.cache/casting-agency/venv}"
if ! cmp -s scripts/requirements-test.txt "$venv/requirements-test.txt"; then
  say "installing Python test tools into $venv"
  python3 -m venv "$venv" || { apt_install python3-venv && python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
  cp scripts/requirements-test.txt "$venv/requirements-test.txt"
fi

# 9. cargo-deny: licenses, bans and sources of the dependency tree (offline checks).
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
  say "installing cargo-deny $CARGO_DENY_VERSION"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked \
    || cargo install cargo-deny --version "$CARGO_DENY_VERSION"
fi

# 10. wrk for `make bench`; valgrind (callgrind) for `make profile-ssr`.
if [ "$mode" = bench ] && ! command -v wrk >/dev/null; then
  apt_install wrk
fi
if [ "$mode" = bench ] && ! command -v valgrind >/dev/null; then
  apt_install valgrind
fi

say "ready to $mode"
