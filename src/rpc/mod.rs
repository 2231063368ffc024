//! Server functions: what the web app calls. Each is a thin call into the same service layer
//! as the REST handlers, so permissions and validation cannot drift apart. Declared for both
//! targets (the browser gets a client stub); bodies run only on the server.

pub mod actors;
pub mod bulk;
pub mod castings;
pub mod history;
pub mod movies;
pub mod session_info;
pub mod trash;

#[cfg(feature = "ssr")]
pub(crate) use crate::server::rpc::{reader, writer};
