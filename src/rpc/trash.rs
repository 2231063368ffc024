use leptos::prelude::*;

use crate::model::{
    AppError,
    journal::{RestoredRecord, TrashItem},
    query::ListPage,
};

/// One page of the trash: what the caller may restore, newest delete first.
#[server(prefix = "/api", endpoint = "trash/list")]
pub async fn list_trash(page: i64) -> Result<ListPage<TrashItem>, AppError> {
    use crate::{
        model::query::{Page, UI_PER_PAGE},
        server::service::TrashPage,
    };
    let (svc, who) = super::reader().await?;
    let page = Page { page, per_page: UI_PER_PAGE };
    let listing = svc.trash(&who, TrashPage(Some(page))).await?;
    Ok(ListPage {
        items: listing.items.to_vec(),
        total: listing.total,
        page: page.page,
        per_page: UI_PER_PAGE,
    })
}

/// Brings an actor (`kind` "actor") or a movie ("movie") back from the trash.
#[server(prefix = "/api", endpoint = "trash/restore")]
pub async fn restore(kind: String, id: i64) -> Result<RestoredRecord, AppError> {
    let (svc, who) = super::writer().await?;
    match kind.as_str() {
        "actor" => {
            let back = svc.restore_actor(&who, id).await?;
            Ok(RestoredRecord {
                entity: kind,
                id,
                name: back.item.name,
                cast_links: back.links.len(),
            })
        }
        "movie" => {
            let back = svc.restore_movie(&who, id).await?;
            Ok(RestoredRecord {
                entity: kind,
                id,
                name: back.item.title,
                cast_links: back.links.len(),
            })
        }
        _ => Err(AppError::field_error("kind", "invalid_field", "kind must be actor or movie")),
    }
}
