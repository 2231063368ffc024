use leptos::prelude::*;

use crate::model::{AppError, journal::ChangeEntry};

/// The newest changes of an actor (`kind` "actor") or a movie ("movie"), for its page.
#[server(prefix = "/api", endpoint = "history")]
pub async fn get_history(kind: String, id: i64) -> Result<Vec<ChangeEntry>, AppError> {
    use crate::{model::query::Page, server::service::ChangeQuery};
    let (svc, who) = super::reader().await?;
    let query = ChangeQuery {
        entity: None,
        action: None,
        by: None,
        since: None,
        page: Page { page: 1, per_page: HISTORY_SHOWN },
    };
    let listing = match kind.as_str() {
        "actor" => svc.actor_history(&who, id, query).await?,
        "movie" => svc.movie_history(&who, id, query).await?,
        _ => {
            return Err(AppError::field_error(
                "kind",
                "invalid_field",
                "kind must be actor or movie",
            ));
        }
    };
    Ok(listing.items.to_vec())
}

/// How many changes a detail page shows (the newest).
#[cfg(feature = "ssr")]
const HISTORY_SHOWN: i64 = 20;

/// One page of the activity feed: every change the caller may read, newest first.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn get_activity(
    page: i64,
) -> Result<crate::model::query::ListPage<ChangeEntry>, AppError> {
    use crate::{
        model::query::{ListPage, Page, UI_PER_PAGE},
        server::service::ChangeQuery,
    };
    let (svc, who) = super::reader().await?;
    let page = Page { page, per_page: UI_PER_PAGE };
    let query = ChangeQuery { entity: None, action: None, by: None, since: None, page };
    let listing = svc.changes(&who, query).await?;
    Ok(ListPage {
        items: listing.items.to_vec(),
        total: listing.total,
        page: page.page,
        per_page: UI_PER_PAGE,
    })
}
