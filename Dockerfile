# syntax=docker/dockerfile:1
# Casting Agency: a multi-stage image. The build stage needs a Rust toolchain and reaches only
# crates.io (cargo-leptos, wasm-bindgen-cli, the crates) and the npm registry (binaryen's
# wasm-opt: Debian's is too old and builds WASM that fails to hydrate); cargo-leptos is built
# with `no_downloads`, so it never fetches a tool from GitHub. The runtime stage holds only
# the binary (the migrations are compiled into it), the site and a user to run as.
#
#   make container                      # docker build, then the container test
#   docker build --build-arg BUILD_BASE=… --build-arg RUN_BASE=… .
#
# Where base images cannot be pulled, make them from Debian's packages (debootstrap, then
# `docker import`) and pass them as the two build arguments (docs/deployment.md).
ARG BUILD_BASE=rust:1-bookworm
ARG RUN_BASE=debian:bookworm-slim

FROM ${BUILD_BASE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates gcc libc6-dev pkg-config nodejs npm \
 && rm -rf /var/lib/apt/lists/*
ENV CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/build/node_modules/.bin:$PATH
WORKDIR /build
# The tools first (a layer of their own: they change less often than the code).
COPY Cargo.toml Cargo.lock ./
RUN rustup target add wasm32-unknown-unknown \
 && cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads \
 && bindgen=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock) \
 && cargo install wasm-bindgen-cli --version "$bindgen" --locked \
 && npm install --no-audit --no-fund --loglevel=error binaryen@132.0.0
COPY . .
RUN cargo leptos build --release --split \
 && LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=casting-agency target/release/casting-agency precompress \
 && mkdir -p /out \
 && cp target/release/casting-agency target/release/hash.txt /out/ \
 && cp -r target/site /out/site

FROM ${RUN_BASE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /data \
 && chown app /data
COPY --from=build /out/ /app/
USER app
WORKDIR /app
# Everything is configured by environment (README § Configuration); these make the image work
# as is: listen on every interface, data on the volume, the site beside the binary.
ENV PORT=3000 \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_OUTPUT_NAME=casting-agency \
    LEPTOS_HASH_FILES=true \
    DATA_DIR=/data \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["/app/casting-agency"]
