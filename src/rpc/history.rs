use leptos::prelude::*;

use crate::model::{
    AppError,
    journal::{ChangeEntry, UndoneBatch},
};

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
        batch: None,
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

/// One page of the activity feed: every change the caller may read, newest first; and how
/// many changes in all each batch on the page made.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn get_activity(
    page: i64,
) -> Result<(crate::model::query::ListPage<ChangeEntry>, Vec<(String, i64)>), AppError> {
    use crate::{
        model::query::{ListPage, Page, UI_PER_PAGE},
        server::service::ChangeQuery,
    };
    let (svc, who) = super::reader().await?;
    let page = Page { page, per_page: UI_PER_PAGE };
    let query =
        ChangeQuery { entity: None, action: None, by: None, since: None, batch: None, page };
    let listing = svc.changes(&who, query).await?;
    let mut batches: Vec<String> =
        listing.items.iter().filter_map(|change| change.batch.clone()).collect();
    batches.sort_unstable();
    batches.dedup();
    let sizes = svc.batch_sizes(&who, &batches).await?;
    let list = ListPage {
        items: listing.items.to_vec(),
        total: listing.total,
        page: page.page,
        per_page: UI_PER_PAGE,
    };
    Ok((list, sizes))
}

/// Undoes an import or a bulk delete (or restore) as a whole, from the history: see
/// `POST /changes/batches/{batch}/undo`.
#[server(prefix = "/api", endpoint = "undo-batch")]
pub async fn undo_batch(batch: String) -> Result<UndoneBatch, AppError> {
    let (svc, who) = super::writer().await?;
    Ok(svc.undo_batch(&who, &batch).await?)
}
