//! The body of a `<Suspense>` or `<Transition>`, built once per server render.
//!
//! The usual body, `move || Suspend::new(async move { … })`, is a closure, and on the server
//! Leptos calls it afresh on every walk of the boundary: once when the boundary is rendered, once
//! more when its resources have loaded (to find reads nested behind them), and once to render it
//! (`leptos::suspense_component`, 0.8). Each call builds the whole view inside again (a list's
//! rows, their owners and effects) and throws the previous one away, so a page built its rows
//! two or three times and nested boundaries multiplied that. A single `Suspend` keeps the view it
//! built the first time its data were there, and later walks reuse it (tachys' `Suspend`
//! replaces its future by the built view). The HTML is the same: a closure adds no markers of
//! its own. In the browser the body stays a closure, so it follows the resources it reads.

use std::future::Future;

use leptos::prelude::*;

/// `suspended(move || async move { … })` in place of `move || Suspend::new(async move { … })`.
#[cfg(feature = "ssr")]
pub fn suspended<F, Fut, V>(body: F) -> impl IntoView + use<F, Fut, V>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = V> + Send + 'static,
    V: IntoView + 'static,
{
    Suspend::new(body())
}

/// `suspended(move || async move { … })` in place of `move || Suspend::new(async move { … })`.
#[cfg(not(feature = "ssr"))]
pub fn suspended<F, Fut, V>(body: F) -> impl IntoView + use<F, Fut, V>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = V> + Send + 'static,
    V: IntoView + 'static,
{
    move || Suspend::new(body())
}

/// A view that follows the signals it reads: `reactive(move || …)` in place of `move || …`
/// where the closure builds something sizeable (a row's cells). In the browser it is that
/// closure; on the server, where nothing changes during a render, it is built once, here,
/// instead of on each of a boundary's walks (see above).
#[cfg(feature = "ssr")]
pub fn reactive<F, V>(view: F) -> impl IntoView + use<F, V>
where
    F: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view()
}

/// A view that follows the signals it reads: `reactive(move || …)` in place of `move || …`.
#[cfg(not(feature = "ssr"))]
pub fn reactive<F, V>(view: F) -> impl IntoView + use<F, V>
where
    F: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view
}

/// A view whose code is in a chunk loaded on first use (a `#[lazy]` function, built with
/// `cargo leptos --split`), with `loading` in its place until the chunk is there, so a click
/// that opens it shows at once that it was taken (nothing, when `loading` is empty). Boxed,
/// so every such view shares one `Suspense` and the bundle carries its code once.
pub fn on_demand(
    loading: &'static str,
    view: impl Future<Output = AnyView> + Send + 'static,
) -> impl IntoView {
    let view: std::pin::Pin<Box<dyn Future<Output = AnyView> + Send>> = Box::pin(view);
    view! {
        <Suspense fallback=move || (!loading.is_empty()).then(|| view! { <p class="loading">{loading}</p> })>
            {Suspend::new(view)}
        </Suspense>
    }
}
