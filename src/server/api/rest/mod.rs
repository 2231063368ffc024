//! The REST API's handlers, one file per resource: each decodes nothing itself and calls
//! the service.

pub(super) mod actors;
pub(super) mod bulk;
pub(super) mod castings;
pub(super) mod changes;
pub(super) mod events;
pub(super) mod health;
pub(super) mod home;
pub(super) mod movies;
pub(super) mod pictures;
pub(super) mod spreadsheets;
pub(super) mod trash;
