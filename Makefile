# Two commands on a fresh machine:  `make run`  and  `make test`.
# Each first installs what it needs (scripts/setup.sh is idempotent).

# A persistent target directory makes fresh clones and CI warm.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/casting-agency/target
# npm's wasm-opt (binaryen >= 116) must shadow any older one.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test lint test-rust test-e2e release token bench bench-micro bench-web bench-lists bench-journal bench-pictures bench-spreadsheets bench-live profile-ssr container soak

## Runs the app on SQLite with local sign-in at http://127.0.0.1:3000
run:
	scripts/setup.sh run
	cargo leptos watch --split

## Runs every check: formatting, clippy, Rust tests (SQLite + PostgreSQL), browser tests.
test:
	scripts/setup.sh test
	scripts/test.sh

lint:
	scripts/test.sh lint

test-rust:
	scripts/test.sh rust

test-e2e:
	scripts/test.sh e2e

## Optimized build (server binary + wasm-opt'ed WASM) into target/ and target/site.
release:
	scripts/setup.sh test
	cargo leptos build --release --split
	$(CARGO_TARGET_DIR)/release/casting-agency precompress

## Prints a local sign-in token: make token ROLE=director
token:
	@scripts/setup.sh run 2>/dev/null
	@cargo leptos build --split >/dev/null 2>&1
	@$(CARGO_TARGET_DIR)/debug/casting-agency token $(or $(ROLE),producer)

## Web budget: release WASM size and time to interactive of /actors (prints figures).
## Load benchmark: release server on SQLite then PostgreSQL under wrk; prints figures and targets.
bench:
	scripts/setup.sh bench
	scripts/bench.sh

## Longer fault runs: a 20 s PostgreSQL outage under 64 clients, the other fault tests, and
## schemathesis with 500 examples per operation and a random seed.
soak:
	scripts/setup.sh test
	OUTAGE_SECONDS=20 LOAD_WORKERS=64 RUSTFLAGS="--cfg erase_components" \
		cargo test --features ssr --test api -- outage faults shutdown concurrency
	FUZZ_EXAMPLES=500 FUZZ_SEED=random scripts/test.sh live

## Criterion micro-benchmarks: token verification, JSON encoding of a 100-row list.
bench-micro:
	RUSTFLAGS="--cfg erase_components" cargo bench --features ssr --bench micro

bench-web:
	scripts/setup.sh test
	scripts/bench-web.sh

## List latency with 100,000 actors on SQLite and PostgreSQL (prints figures).
bench-lists:
	cargo bench --features ssr --bench lists

## The container image: build it and test it (without a Docker daemon: its runtime layout).
container:
	scripts/container.sh

## Live updates: 1,000 event streams and a write per 10 ms; delivery p99 and server RSS.
bench-live:
	scripts/setup.sh bench
	scripts/bench-live.sh

## Picture uploads (a 12-megapixel JPEG to its renditions) and thumbnail serving vs /healthz.
bench-pictures:
	scripts/setup.sh bench
	scripts/bench-pictures.sh

## CSV: ten imports of 10,000 actors, then an export of all 100,000 (time, server peak RSS).
bench-spreadsheets:
	scripts/setup.sh bench
	scripts/bench-spreadsheets.sh

## Instructions per request under callgrind: /healthz, the JSON list, the list and movie pages.
profile-ssr:
	scripts/setup.sh bench
	scripts/profile-ssr.sh

## The change journal with 1,000,000 changes: feed and history pages (prints figures).
bench-journal:
	cargo bench --features ssr --bench journal
