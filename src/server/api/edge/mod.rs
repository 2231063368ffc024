//! What every request passes on its way in and out: host and path checks, security
//! headers, content negotiation with the web app, server-function responses, the browser
//! bundle's files, fallbacks.

pub mod assets;
pub mod body_limit;
pub mod compression;
pub mod fallback;
pub mod hosts;
pub mod negotiate;
pub mod paths;
pub mod rate_limit;
pub mod request_log;
pub mod security_headers;
pub mod server_fn_responses;
