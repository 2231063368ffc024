//! Several rows at once from a list page: the ids a search matches (for "select all
//! matching"), and deleting or restoring a selection in one transaction (one Undo).

use leptos::prelude::*;

use crate::model::AppError;

/// What "select all matching" selects: the ids of up to
/// [`BULK_MAX_IDS`](crate::model::spreadsheet::BULK_MAX_IDS) of the rows `q` matches (`kind`
/// "actor" or "movie"), in the list's order, and how many match in all.
#[server(prefix = "/api", endpoint = "bulk/matching")]
pub async fn matching_ids(
    kind: String,
    q: Option<String>,
    sort: Option<String>,
) -> Result<(Vec<i64>, i64), AppError> {
    use futures_util::StreamExt;

    use crate::server::rpc::ListControls;
    let (svc, who) = super::reader().await?;
    // `page: None` is every match; page 1 is only there for the total.
    let controls = |page| ListControls { q: q.clone(), sort: sort.clone(), page };
    // The export's first batch is exactly as many as a bulk action may name.
    match kind.as_str() {
        "actor" => {
            let total = svc.list_actors(&who, controls(Some(1))).await?.total;
            let first = svc.export_actors(&who, controls(None))?.next().await.transpose()?;
            Ok((first.unwrap_or_default().iter().map(|a| a.id).collect(), total))
        }
        "movie" => {
            let total = svc.list_movies(&who, controls(Some(1))).await?.total;
            let first = svc.export_movies(&who, controls(None))?.next().await.transpose()?;
            Ok((first.unwrap_or_default().iter().map(|m| m.id).collect(), total))
        }
        _ => Err(kind_error()),
    }
}

/// Moves every listed row to the trash, or none. The ids deleted.
#[server(prefix = "/api", endpoint = "bulk/delete")]
pub async fn delete_many(kind: String, ids: Vec<i64>) -> Result<Vec<i64>, AppError> {
    use crate::model::spreadsheet::BulkIds;
    let (svc, who) = super::writer().await?;
    let input = BulkIds { ids, ..BulkIds::default() };
    match kind.as_str() {
        "actor" => Ok(svc.delete_actors(&who, input).await?.iter().map(|d| d.item.id).collect()),
        "movie" => Ok(svc.delete_movies(&who, input).await?.iter().map(|d| d.item.id).collect()),
        _ => Err(kind_error()),
    }
}

/// Brings every listed row back from the trash, or none: a bulk delete's Undo.
#[server(prefix = "/api", endpoint = "bulk/restore")]
pub async fn restore_many(kind: String, ids: Vec<i64>) -> Result<Vec<i64>, AppError> {
    use crate::model::spreadsheet::BulkIds;
    let (svc, who) = super::writer().await?;
    let input = BulkIds { ids, ..BulkIds::default() };
    match kind.as_str() {
        "actor" => Ok(svc.restore_actors(&who, input).await?.iter().map(|r| r.item.id).collect()),
        "movie" => Ok(svc.restore_movies(&who, input).await?.iter().map(|r| r.item.id).collect()),
        _ => Err(kind_error()),
    }
}

#[cfg(feature = "ssr")]
fn kind_error() -> AppError {
    AppError::field_error("kind", "invalid_field", "kind must be actor or movie")
}
