//! Everything that runs only on the server.
//!
//! Request flow: `api` (REST handlers, thin) and the Leptos server functions (`crate::rpc`,
//! with their server side in `rpc`) both call into `service`, the one place that decides
//! authorization and validation; `service` uses `db` for storage. `auth` turns a bearer token
//! or the session cookie into a verified `Principal` (a `Writer` for writes).

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod core;
pub mod db;
pub mod error;
pub mod imaging;
pub mod limits;
pub mod metrics;
pub mod rpc;
pub mod serve;
pub mod service;
pub mod spreadsheet;
pub mod startup;

pub use error::{ApiError, ErrorBody};
