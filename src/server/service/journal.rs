//! Every write's entry in the change journal (`db::journal`), appended from inside the write's
//! transaction: the entry and the write commit together or not at all. And reading it: the
//! activity feed and each record's history, filtered to what the caller may read.

use serde::Serialize;
use serde_json::Value;
use sqlx::AnyConnection;

use super::{Input, Listing, Service, validate};
use crate::{
    model::{Actor, Movie, Permission, journal::ChangeEntry, query::Page},
    server::{
        ApiError,
        auth::{Principal, Writer},
        db::{
            actors,
            journal::{self, Action, Entity, Entry, Selection, Subject},
            movies,
        },
    },
};

/// A record as the journal keeps it: as the API renders it.
pub(super) fn state<T: Serialize>(record: &T) -> Option<Value> {
    serde_json::to_value(record).ok()
}

/// An actor's place in a cast, as the journal keeps it: with the names as they were then, so
/// a history reads well even after either record is gone.
pub(super) fn casting(movie: &Movie, actor: &Actor, character: Option<&str>) -> Option<Value> {
    Some(serde_json::json!({
        "movie_id": movie.id,
        "movie_title": movie.title,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "character": character,
    }))
}

/// A new batch id: 128 random bits, URL-safe (see [`crate::model::journal::BATCH_PATTERN`]).
pub(super) fn new_batch() -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system RNG is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What changed, by whom; `actor_id` only for castings.
pub(super) struct Change {
    pub entity: Entity,
    pub entity_id: i64,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    /// A change to an actor or a movie (no second id).
    pub fn of(
        entity: Entity,
        entity_id: i64,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Change {
        Change { entity, entity_id, actor_id: None, action, before, after }
    }
}

pub(super) async fn record(
    conn: &mut AnyConnection,
    who: &Writer,
    change: Change,
) -> Result<(), ApiError> {
    let entry = Entry {
        by_sub: who.subject(),
        by_name: who.name(),
        entity: change.entity,
        entity_id: change.entity_id,
        actor_id: change.actor_id,
        action: change.action,
        before: change.before,
        after: change.after,
        batch: who.batch(),
    };
    journal::append(conn, &entry).await?;
    Ok(())
}

/// A read of the journal, as a client asked for it (decoded after the permission check).
#[derive(Clone, Debug)]
pub struct ChangeQuery {
    pub entity: Option<Entity>,
    pub action: Option<Action>,
    pub by: Option<String>,
    pub since: Option<i64>,
    pub batch: Option<String>,
    pub page: Page,
}

/// The kinds of change `who` may read: a casting names an actor and a movie, so it needs both.
pub(super) fn readable(who: &Principal) -> Vec<Entity> {
    let (actors, movies) = (who.has(Permission::GetActors), who.has(Permission::GetMovies));
    [(Entity::Actor, actors), (Entity::Movie, movies), (Entity::Casting, actors && movies)]
        .into_iter()
        .filter_map(|(entity, allowed)| allowed.then_some(entity))
        .collect()
}

/// May `who` follow the journal at all (the feed, or the live stream)? Either read permission
/// will do; with neither, a 403 naming `get:actors`.
pub(super) fn require_journal_reader(who: &Principal) -> Result<(), ApiError> {
    if !who.has(Permission::GetActors) && !who.has(Permission::GetMovies) {
        who.require(Permission::GetActors)?;
    }
    Ok(())
}

impl Service {
    /// The activity feed: every change `who` may read, newest first (or, with `since`, the
    /// ones after it, oldest first), one page of them.
    pub async fn changes(
        &self,
        who: &Principal,
        query: impl Input<ChangeQuery>,
    ) -> Result<Listing<ChangeEntry>, ApiError> {
        require_journal_reader(who)?;
        self.journal_page(who, Subject::Everything, query.into_input()?).await
    }

    /// An actor's history (their castings included); readable after a delete, 404 only for
    /// an id that never was.
    pub async fn actor_history(
        &self,
        who: &Principal,
        id: i64,
        query: impl Input<ChangeQuery>,
    ) -> Result<Listing<ChangeEntry>, ApiError> {
        self.history(who, Subject::Actor(id), query).await
    }

    /// A movie's history (its cast's changes included); see [`Service::actor_history`].
    pub async fn movie_history(
        &self,
        who: &Principal,
        id: i64,
        query: impl Input<ChangeQuery>,
    ) -> Result<Listing<ChangeEntry>, ApiError> {
        self.history(who, Subject::Movie(id), query).await
    }

    async fn history(
        &self,
        who: &Principal,
        subject: Subject,
        query: impl Input<ChangeQuery>,
    ) -> Result<Listing<ChangeEntry>, ApiError> {
        let (permission, what, id) = match subject {
            Subject::Actor(id) => (Permission::GetActors, "actor", id),
            Subject::Movie(id) => (Permission::GetMovies, "movie", id),
            Subject::Everything => return self.changes(who, query).await,
        };
        who.require(permission)?;
        let query = query.into_input()?;
        let mut conn = self.db().pool().acquire().await?;
        let exists = match subject {
            Subject::Actor(id) => actors::find(&mut conn, id).await?.is_some(),
            _ => movies::find(&mut conn, id).await?.is_some(),
        };
        if !exists && !journal::mentions(&mut conn, subject).await? {
            return Err(ApiError::NotFound(format!("{what} {id} not found")));
        }
        drop(conn);
        self.journal_page(who, subject, query).await
    }

    /// How many changes each of `batches` made (of the kinds `who` may read): for the activity
    /// feed, whose page may show only part of a batch.
    pub async fn batch_sizes(
        &self,
        who: &Principal,
        batches: &[String],
    ) -> Result<Vec<(String, i64)>, ApiError> {
        require_journal_reader(who)?;
        let mut conn = self.db().pool().acquire().await?;
        let mut sizes = Vec::with_capacity(batches.len());
        for batch in batches {
            let selection = Selection {
                subject: Subject::Everything,
                readable: readable(who),
                entity: None,
                action: None,
                by: None,
                since: None,
                batch: Some(batch.clone()),
            };
            sizes.push((batch.clone(), journal::count(&mut conn, &selection).await?));
        }
        Ok(sizes)
    }

    async fn journal_page(
        &self,
        who: &Principal,
        subject: Subject,
        query: ChangeQuery,
    ) -> Result<Listing<ChangeEntry>, ApiError> {
        let page = validate::page(Some(query.page))?.unwrap_or(query.page);
        if query.since.is_some_and(|s| s < 0) {
            return Err(ApiError::validation("since", "out_of_range", "since must be 0 or more"));
        }
        let selection = Selection {
            subject,
            readable: readable(who),
            entity: query.entity,
            action: query.action,
            by: query.by,
            since: query.since,
            batch: query.batch,
        };
        let (limit, offset) = Page::limit_offset(Some(page));
        let mut conn = self.db().pool().acquire().await?;
        let (items, total) = journal::page(&mut conn, &selection, limit, offset).await?;
        Ok(Listing { items: items.into(), total, page: Some(page) })
    }
}
