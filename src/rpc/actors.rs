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
    let params = ListControls { q, sort, page };
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
    let form = ActorForm { name, age, gender };
    Ok(svc.create_actor(&who, form).await?)
}

#[server(prefix = "/api", endpoint = "actors/update")]
pub async fn update_actor(
    id: i64,
    name: String,
    age: String,
    gender: String,
) -> Result<Actor, AppError> {
    use crate::server::rpc::ActorForm;
    let (svc, who) = super::writer().await?;
    let form = ActorForm { name, age, gender };
    Ok(svc.update_actor(&who, id, form).await?.after)
}

#[server(prefix = "/api", endpoint = "actors/delete")]
pub async fn delete_actor(id: i64) -> Result<Actor, AppError> {
    let (svc, who) = super::writer().await?;
    Ok(svc.delete_actor(&who, id).await?.item)
}
