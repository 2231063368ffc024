//! Casting: who plays in what. Assigning needs `patch:movies` (it changes the movie);
//! reading a cast or a filmography needs both `get:movies` and `get:actors`.

use super::{
    Input, ReadKey, Service,
    journal::{self, Change},
    validate,
};
use crate::server::auth::Writer;
use crate::server::db::journal::{Action, Entity};
use crate::{
    model::{Actor, CastMember, CastingInput, Credit, MAX_NAME_CHARS, Permission},
    server::{
        ApiError,
        auth::Principal,
        db::{actors, castings as sql, movies},
    },
};

/// An actor to cast and as whom.
#[derive(Debug, Clone)]
pub struct CastingChoice {
    pub actor_id: i64,
    pub casting: CastingInput,
}

/// The outcome of an assignment.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub movie_id: i64,
    pub actor: Actor,
    pub character: Option<String>,
    /// `false` when the actor was already cast (the character may have changed).
    pub created: bool,
}

/// What an assignment does to an actor who is already cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recast {
    /// The REST API's `PUT`: the body is the new state; no character clears it.
    Replace,
    /// The web app's picker: an actor picked again with the Character left empty is a
    /// mistake to point out, not an instruction to erase who they play.
    KeepCharacter,
}

fn check(input: CastingInput) -> Result<Option<String>, ApiError> {
    match input.character.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(character) => validate::text("character", character, MAX_NAME_CHARS).map(Some),
    }
}

/// A cast or filmography's weight in the read cache: its rows (one for "no such row").
fn rows_listed<T>(list: &Option<Vec<T>>) -> usize {
    list.as_ref().map_or(1, Vec::len)
}

fn movie_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("movie {id} not found"))
}

fn already_cast(actor: &Actor, character: Option<&str>) -> ApiError {
    let message = match character {
        Some(character) => format!(
            "{} is already in the cast as {character}. Type a new character to change it.",
            actor.name
        ),
        None => {
            format!("{} is already in the cast. Type a character to give them one.", actor.name)
        }
    };
    ApiError::validation("character", "already_cast", message)
}

fn actor_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("actor {id} not found"))
}

impl Service {
    pub async fn cast_of(
        &self,
        who: &Principal,
        movie_id: i64,
    ) -> Result<Vec<CastMember>, ApiError> {
        who.require(Permission::GetMovies)?;
        who.require(Permission::GetActors)?;
        let cast = self
            .cache()
            .get_or_load(ReadKey::Cast(movie_id), rows_listed, || async {
                let mut conn = self.db().pool().acquire().await?;
                match movies::find(&mut conn, movie_id).await? {
                    Some(_) => Ok(Some(sql::cast_of(&mut conn, movie_id).await?)),
                    None => Ok(None),
                }
            })
            .await?;
        cast.ok_or_else(|| movie_not_found(movie_id))
    }

    pub async fn filmography(
        &self,
        who: &Principal,
        actor_id: i64,
    ) -> Result<Vec<Credit>, ApiError> {
        who.require(Permission::GetActors)?;
        who.require(Permission::GetMovies)?;
        let credits = self
            .cache()
            .get_or_load(ReadKey::Filmography(actor_id), rows_listed, || async {
                let mut conn = self.db().pool().acquire().await?;
                match actors::find(&mut conn, actor_id).await? {
                    Some(_) => Ok(Some(sql::filmography(&mut conn, actor_id).await?)),
                    None => Ok(None),
                }
            })
            .await?;
        credits.ok_or_else(|| actor_not_found(actor_id))
    }

    /// Casts an actor in a movie; idempotent.
    pub async fn assign(
        &self,
        who: &Writer,
        movie_id: i64,
        actor_id: i64,
        input: impl Input<CastingInput>,
    ) -> Result<Assignment, ApiError> {
        who.require(Permission::PatchMovies)?;
        let casting = input.into_input()?;
        self.assign_checked(who, movie_id, actor_id, casting, Recast::Replace).await
    }

    /// Like [`Service::assign`], with the actor chosen in the input (the web app's picker).
    /// Picking someone already cast with an empty character is refused (422 `already_cast`
    /// on `character`), so their character is never erased by accident.
    pub async fn assign_choice(
        &self,
        who: &Writer,
        movie_id: i64,
        input: impl Input<CastingChoice>,
    ) -> Result<Assignment, ApiError> {
        who.require(Permission::PatchMovies)?;
        let choice = input.into_input()?;
        self.assign_checked(who, movie_id, choice.actor_id, choice.casting, Recast::KeepCharacter)
            .await
    }

    /// Both rows are locked for the transaction, so neither can be deleted halfway.
    async fn assign_checked(
        &self,
        who: &Writer,
        movie_id: i64,
        actor_id: i64,
        casting: CastingInput,
        recast: Recast,
    ) -> Result<Assignment, ApiError> {
        let character = check(casting)?;
        let mut tx = self.db().begin_write().await?;
        let done = self.assign_in(&mut tx, who, movie_id, actor_id, character, recast).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Casts several actors in a movie at once (the picker's multi-select), each with the
    /// rules of [`Service::assign_choice`], in one transaction: all of them or, if any is
    /// refused, none.
    pub async fn assign_many(
        &self,
        who: &Writer,
        movie_id: i64,
        picks: Vec<CastingChoice>,
    ) -> Result<Vec<Assignment>, ApiError> {
        who.require(Permission::PatchMovies)?;
        if picks.is_empty() {
            return Err(ApiError::validation("actor_id", "required", "choose at least one actor"));
        }
        if picks.len() > crate::model::spreadsheet::BULK_MAX_IDS {
            return Err(ApiError::validation("actor_id", "too_many", "too many actors at once"));
        }
        let mut checked = Vec::with_capacity(picks.len());
        for pick in picks {
            if checked.iter().any(|(id, _)| *id == pick.actor_id) {
                return Err(ApiError::invalid("actor_id", "an actor is chosen twice"));
            }
            checked.push((pick.actor_id, check(pick.casting)?));
        }
        let who = &who.in_batch(journal::new_batch());
        let mut tx = self.db().begin_write().await?;
        let mut done = Vec::with_capacity(checked.len());
        for (actor_id, character) in checked {
            let recast = Recast::KeepCharacter;
            done.push(self.assign_in(&mut tx, who, movie_id, actor_id, character, recast).await?);
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The steps of one casting inside the caller's transaction.
    async fn assign_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        who: &Writer,
        movie_id: i64,
        actor_id: i64,
        character: Option<String>,
        recast: Recast,
    ) -> Result<Assignment, ApiError> {
        let backend = self.db().backend();
        let movie = movies::find_for_update(&mut *tx, backend, movie_id)
            .await?
            .ok_or_else(|| movie_not_found(movie_id))?;
        let actor = actors::find_for_update(&mut *tx, backend, actor_id)
            .await?
            .ok_or_else(|| actor_not_found(actor_id))?;
        let existing = sql::character_of(&mut *tx, movie_id, actor_id).await?;
        if recast == Recast::KeepCharacter
            && character.is_none()
            && let Some(existing) = &existing
        {
            return Err(already_cast(&actor, existing.as_deref()));
        }
        let created = sql::upsert(&mut *tx, movie_id, actor_id, character.as_deref()).await?;
        // A cast is part of both records: both versions move on.
        movies::touch(&mut *tx, &[movie_id]).await?;
        actors::touch(&mut *tx, &[actor_id]).await?;
        let actor = Actor { version: actor.version + 1, ..actor };
        let (action, before) = match &existing {
            None => (Action::Cast, None),
            Some(old) => (Action::Recast, journal::casting(&movie, &actor, old.as_deref())),
        };
        let change = Change {
            entity: Entity::Casting,
            entity_id: movie_id,
            actor_id: Some(actor_id),
            action,
            before,
            after: journal::casting(&movie, &actor, character.as_deref()),
        };
        journal::record(&mut *tx, who, change).await?;
        Ok(Assignment { movie_id, actor, character, created })
    }

    pub async fn unassign(
        &self,
        who: &Writer,
        movie_id: i64,
        actor_id: i64,
    ) -> Result<(), ApiError> {
        who.require(Permission::PatchMovies)?;
        let backend = self.db().backend();
        let mut tx = self.db().begin_write().await?;
        // Locked movie first, then actor, as every casting change does.
        let movie = movies::find_for_update(&mut tx, backend, movie_id).await?;
        let actor = actors::find_for_update(&mut tx, backend, actor_id).await?;
        let character = sql::character_of(&mut tx, movie_id, actor_id).await?;
        let (Some(movie), Some(actor), Some(character)) = (movie, actor, character) else {
            return Err(ApiError::NotFound(format!(
                "actor {actor_id} is not cast in movie {movie_id}"
            )));
        };
        if !sql::remove(&mut tx, movie_id, actor_id).await? {
            return Err(ApiError::NotFound(format!(
                "actor {actor_id} is not cast in movie {movie_id}"
            )));
        }
        movies::touch(&mut tx, &[movie_id]).await?;
        actors::touch(&mut tx, &[actor_id]).await?;
        let change = Change {
            entity: Entity::Casting,
            entity_id: movie_id,
            actor_id: Some(actor_id),
            action: Action::Uncast,
            before: journal::casting(&movie, &actor, character.as_deref()),
            after: None,
        };
        journal::record(&mut tx, who, change).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Service {
    /// A movie with its cast; the cast only for callers who may also read actors.
    pub async fn movie_with_cast(
        &self,
        who: &Principal,
        id: i64,
    ) -> Result<(crate::model::Movie, Option<Vec<CastMember>>), ApiError> {
        let movie = self.get_movie(who, id).await?;
        let cast = match who.has(Permission::GetActors) {
            true => Some(self.cast_of(who, id).await?),
            false => None,
        };
        Ok((movie, cast))
    }

    /// An actor with their filmography; the filmography only for callers who may also read
    /// movies.
    pub async fn actor_with_movies(
        &self,
        who: &Principal,
        id: i64,
    ) -> Result<(crate::model::Actor, Option<Vec<Credit>>), ApiError> {
        let actor = self.get_actor(who, id).await?;
        let movies = match who.has(Permission::GetMovies) {
            true => Some(self.filmography(who, id).await?),
            false => None,
        };
        Ok((actor, movies))
    }
}
