use leptos::prelude::*;

use crate::model::{Actor, AppError};

#[server(prefix = "/api", endpoint = "actors/list")]
pub async fn list_actors() -> Result<Vec<Actor>, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Read).await?;
    Ok(svc.list_actors(&who).await?.items)
}

#[server(prefix = "/api", endpoint = "actors/get")]
pub async fn get_actor(id: i64) -> Result<Actor, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Read).await?;
    Ok(svc.get_actor(&who, id).await?)
}

/// Form fields arrive as text; `age` is parsed here so its error names the field.
#[server(prefix = "/api", endpoint = "actors/create")]
pub async fn create_actor(name: String, age: String, gender: String) -> Result<Actor, AppError> {
    use crate::{model::NewActor, server::auth::session::Access};
    let (svc, who) = super::caller(Access::Write).await?;
    let age = crate::server::web::whole_number("age", &age)?;
    Ok(svc
        .create_actor(&who, NewActor { name, age, gender })
        .await?)
}

#[server(prefix = "/api", endpoint = "actors/update")]
pub async fn update_actor(
    id: i64,
    name: String,
    age: String,
    gender: String,
) -> Result<Actor, AppError> {
    use crate::{model::ActorPatch, server::auth::session::Access};
    let (svc, who) = super::caller(Access::Write).await?;
    let age = crate::server::web::whole_number("age", &age)?;
    let patch = ActorPatch {
        name: Some(name),
        age: Some(age),
        gender: Some(gender),
    };
    Ok(svc.update_actor(&who, id, patch).await?.after)
}

#[server(prefix = "/api", endpoint = "actors/delete")]
pub async fn delete_actor(id: i64) -> Result<i64, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Write).await?;
    Ok(svc.delete_actor(&who, id).await?.item.id)
}
