// A server function's arguments are its form's fields, one each (the edit form has eight);
// the macro's generated client code cannot carry an `allow` on the function itself.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::model::{Actor, AppError, query::ListPage};

/// One page of the list, with the same search and sort as the REST API (`sort` like `-name`).
#[server(prefix = "/api", endpoint = "actors/list")]
pub async fn list_actors(
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<ListPage<Actor>, AppError> {
    use crate::{model::query::UI_PER_PAGE, server::rpc::ListControls};
    let (svc, who) = super::reader().await?;
    let params = ListControls { q, sort, page: Some(page.unwrap_or(1)) };
    let listing = svc.list_actors(&who, params).await?;
    let page = listing.page.map(|p| p.page).unwrap_or(1);
    Ok(ListPage {
        items: listing.items.to_vec(),
        total: listing.total,
        page,
        per_page: UI_PER_PAGE,
    })
}

#[server(prefix = "/api", endpoint = "actors/get")]
pub async fn get_actor(id: i64) -> Result<Actor, AppError> {
    let (svc, who) = super::reader().await?;
    Ok(svc.get_actor(&who, id).await?)
}

/// Form fields arrive as text; the service decodes them after the permission check.
#[server(prefix = "/api", endpoint = "actors/create")]
pub async fn create_actor(name: String, age: String, gender: String) -> Result<Actor, AppError> {
    use crate::server::rpc::ActorForm;
    let (svc, who) = super::writer().await?;
    let form = ActorForm { name, age, gender, shown: None };
    Ok(svc.create_actor(&who, form).await?)
}

/// `version` and `shown_*` are what the edit form showed: a write only if the actor is still
/// at that version, of only the fields the person changed.
#[server(prefix = "/api", endpoint = "actors/update")]
pub async fn update_actor(
    id: i64,
    version: Option<i64>,
    name: String,
    age: String,
    gender: String,
    shown_name: Option<String>,
    shown_age: Option<String>,
    shown_gender: Option<String>,
) -> Result<Actor, AppError> {
    use crate::server::{rpc::ActorForm, service::Precondition};
    let (svc, who) = super::writer().await?;
    let sent = serde_json::json!({
        "name": name, "age": age, "gender": gender,
        "shown_name": shown_name, "shown_age": shown_age, "shown_gender": shown_gender,
    });
    let shown = match (shown_name, shown_age, shown_gender) {
        (Some(name), Some(age), Some(gender)) => Some([name, age, gender]),
        _ => None,
    };
    let form = ActorForm { name, age, gender, shown };
    if form.unchanged() {
        // Nothing to write: saving an untouched form must not undo someone else's change.
        return Ok(svc.unchanged_actor(&who, id).await?);
    }
    let expected = version.map(Precondition::version).unwrap_or_default();
    match svc.update_actor(&who, id, &expected, form).await {
        Ok(change) => Ok(change.after),
        Err(err) => Err(AppError::from(err).with_submitted(&sent)),
    }
}

#[server(prefix = "/api", endpoint = "actors/delete")]
pub async fn delete_actor(id: i64, version: Option<i64>) -> Result<Actor, AppError> {
    use crate::server::service::Precondition;
    let (svc, who) = super::writer().await?;
    let expected = version.map(Precondition::version).unwrap_or_default();
    Ok(svc.delete_actor(&who, id, &expected).await?.item)
}
