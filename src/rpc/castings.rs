use leptos::prelude::*;

use crate::model::{Actor, AppError, CastMember, Credit};

#[server(prefix = "/api", endpoint = "movies/cast")]
pub async fn get_cast(movie_id: i64) -> Result<Vec<CastMember>, AppError> {
    let (svc, who) = super::reader().await?;
    Ok(svc.cast_of(&who, movie_id).await?)
}

#[server(prefix = "/api", endpoint = "actors/movies")]
pub async fn get_filmography(actor_id: i64) -> Result<Vec<Credit>, AppError> {
    let (svc, who) = super::reader().await?;
    Ok(svc.filmography(&who, actor_id).await?)
}

/// The cast picker's search-as-you-type.
#[server(prefix = "/api", endpoint = "actors/search")]
pub async fn search_actors(query: String) -> Result<Vec<Actor>, AppError> {
    let (svc, who) = super::reader().await?;
    Ok(svc.search_actors(&who, &query, 20).await?)
}

/// `actor_id` comes from a `<select>`; an empty choice is a field error.
#[server(prefix = "/api", endpoint = "movies/cast/add")]
pub async fn assign_actor(
    movie_id: i64,
    actor_id: String,
    character: String,
) -> Result<(), AppError> {
    use crate::server::rpc::CastingForm;
    let (svc, who) = super::writer().await?;
    let form = CastingForm { actor_id, character };
    svc.assign_choice(&who, movie_id, form).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "movies/cast/remove")]
pub async fn unassign_actor(movie_id: i64, actor_id: i64) -> Result<(), AppError> {
    let (svc, who) = super::writer().await?;
    Ok(svc.unassign(&who, movie_id, actor_id).await?)
}
