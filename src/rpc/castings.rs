use leptos::prelude::*;

use crate::model::{Actor, AppError, CastChange, CastMember, Credit};

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

/// `actor_id` comes from a `<select>`; an empty choice is a field error, and so is an actor
/// already cast picked with no character (it would erase the one they have).
#[server(prefix = "/api", endpoint = "movies/cast/add")]
pub async fn assign_actor(
    movie_id: i64,
    actor_id: String,
    character: String,
) -> Result<CastChange, AppError> {
    use crate::server::rpc::CastingForm;
    let (svc, who) = super::writer().await?;
    let form = CastingForm { actor_id, character };
    Ok(change(svc.assign_choice(&who, movie_id, form).await?))
}

/// A cast member's character, as typed; empty clears it (the person chose to).
#[server(prefix = "/api", endpoint = "movies/cast/character")]
pub async fn change_character(
    movie_id: i64,
    actor_id: i64,
    character: String,
) -> Result<CastChange, AppError> {
    let (svc, who) = super::writer().await?;
    let input = crate::model::CastingInput { character: Some(character) };
    Ok(change(svc.assign(&who, movie_id, actor_id, input).await?))
}

#[cfg(feature = "ssr")]
fn change(done: crate::server::service::Assignment) -> CastChange {
    CastChange {
        actor_id: done.actor.id,
        actor_name: done.actor.name,
        character: done.character,
        created: done.created,
    }
}

#[server(prefix = "/api", endpoint = "movies/cast/remove")]
pub async fn unassign_actor(movie_id: i64, actor_id: i64) -> Result<(), AppError> {
    let (svc, who) = super::writer().await?;
    Ok(svc.unassign(&who, movie_id, actor_id).await?)
}

/// Casts several actors at once (`picks`: actor id and character, empty for none), all or
/// none. The changes, in the order given.
#[server(prefix = "/api", endpoint = "movies/cast/add-many")]
pub async fn assign_actors(
    movie_id: i64,
    picks: Vec<(i64, String)>,
) -> Result<Vec<CastChange>, AppError> {
    use crate::{model::CastingInput, server::service::CastingChoice};
    let (svc, who) = super::writer().await?;
    let picks = picks
        .into_iter()
        .map(|(actor_id, character)| CastingChoice {
            actor_id,
            casting: CastingInput { character: Some(character) },
        })
        .collect();
    Ok(svc.assign_many(&who, movie_id, picks).await?.into_iter().map(change).collect())
}
