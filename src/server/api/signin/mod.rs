//! Signing in and out: local sign-in's tokens and key set, the web app's form posts, and
//! Auth0's authorization-code flow.

pub(super) mod auth0;
pub(super) mod forms;
pub(super) mod tokens;
