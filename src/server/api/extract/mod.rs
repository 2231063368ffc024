//! What handlers take from a request: the verified caller, ids in paths, JSON bodies and
//! list query strings, each decoded only after the permission check.

pub mod body;
pub mod conditional;
pub mod format;
pub(super) mod id;
pub mod principal;
pub mod query;
pub mod sheet;
