//! The state of the axum router: the shared [`Core`], Leptos' options and the page renderer
//! that content negotiation hands browsers to.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::server::api::edge::negotiate::PageRenderer;
use crate::server::{core::Core, service::Service};

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub leptos: LeptosOptions,
    pub pages: PageRenderer,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for Service {
    fn from_ref(state: &AppState) -> Self {
        state.core.service.clone()
    }
}
