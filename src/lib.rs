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
    js_sys::futures::spawn_local(async {
        // A row form the server rendered open is in a chunk of its own: load it first.
        let location = leptos::prelude::location();
        let (path, query) =
            (location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        app::preload_opened_row(&path, &query).await;
        // `hydrate_lazy` waits for the lazily loaded page's chunk (app/routes.rs) before
        // hydrating.
        leptos::mount::hydrate_lazy(app::App);
    });
}
