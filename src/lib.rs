//! Casting Agency: a Leptos app (SSR + hydration) with a REST API beside it.
//!
//! `app` and `model` compile for both the server and the browser; everything under `server`
//! exists only with the `ssr` feature.

// Leptos view types nest deeply; release builds (no type erasure) need more room.
#![recursion_limit = "512"]

pub mod app;
pub mod model;
pub mod rpc;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build: attaches the reactive app to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy` waits for the lazily loaded page's chunk (app/routes.rs) before hydrating.
    leptos::mount::hydrate_lazy(app::App);
}
