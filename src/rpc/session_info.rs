use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{AppError, UserInfo};

/// The signed-in user (if any) and how sign-in works on this server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<UserInfo>,
    /// Local sign-in (no Auth0 configured).
    pub local_mode: bool,
    /// Auth0 sign-in for the web app is configured (`AUTH0_CLIENT_ID`).
    pub auth0_sign_in: bool,
    /// A session cookie was sent but its token has expired or is no longer valid.
    pub expired: bool,
}

#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    let state = crate::server::rpc::session_state().await?;
    Ok(SessionInfo {
        user: state.who.map(|who| UserInfo {
            subject: who.subject().to_owned(),
            permissions: who.permissions().to_vec(),
        }),
        local_mode: state.local_mode,
        auth0_sign_in: state.auth0_sign_in,
        expired: state.expired,
    })
}

/// Counts for the dashboard, and what was added last; `None` (and no rows) for a table the
/// user may not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub actors: Option<i64>,
    pub movies: Option<i64>,
    pub newest_actors: Vec<crate::model::Actor>,
    pub newest_movies: Vec<crate::model::Movie>,
}

#[server(prefix = "/api", endpoint = "counts")]
pub async fn get_counts() -> Result<Counts, AppError> {
    // Nobody signed in: nothing they may count (the page shows a sign-in prompt).
    let (svc, who) = match super::reader().await {
        Ok(caller) => caller,
        Err(err) if err.is_unauthenticated() => {
            return Ok(Counts {
                actors: None,
                movies: None,
                newest_actors: Vec::new(),
                newest_movies: Vec::new(),
            });
        }
        Err(err) => return Err(err),
    };
    let (actors, movies) = svc.visible_counts(&who).await?;
    let (newest_actors, newest_movies) = svc.newest(&who, NEWEST).await?;
    Ok(Counts { actors, movies, newest_actors, newest_movies })
}

/// How many of the newest actors and movies the dashboard lists.
#[cfg(feature = "ssr")]
const NEWEST: i64 = 5;
