//! The trash: a delete moves the record here, with the cast links it removed, so it can be
//! restored (same id, version +1, links whose other side still exists) until it is purged
//! after the retention period. Lists, counts, lookups and casting never see it: the row is
//! gone from its table.

use std::time::{Duration, SystemTime};

use serde::{Serialize, de::DeserializeOwned};
use sqlx::AnyConnection;

use super::{Input, Listing, Service, validate};
use crate::{
    model::{
        Movie, Permission, dates,
        journal::{ChangedBy, TrashItem},
        query::Page,
    },
    server::{
        ApiError,
        auth::{Principal, Writer},
        db::{castings::Link, journal::Entity, trash},
    },
};

/// How long a deleted record can be restored, unless configured (`TRASH_RETENTION_DAYS`).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 24 * 60 * 60);

fn stored(at: SystemTime) -> String {
    dates::to_storage(&chrono::DateTime::<chrono::Utc>::from(at))
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(ApiError::internal)
}

/// Puts a record the transaction is deleting in the trash.
pub(super) async fn put<T: Serialize>(
    conn: &mut AnyConnection,
    who: &Writer,
    entity: Entity,
    id: i64,
    record: &T,
    links: &[Link],
) -> Result<(), ApiError> {
    let item = trash::Trashed {
        entity: entity.as_str().to_owned(),
        entity_id: id,
        deleted_at: stored(SystemTime::now()),
        by_sub: who.subject().to_owned(),
        by_name: who.name().map(str::to_owned),
        record_json: serde_json::to_string(record).map_err(ApiError::internal)?,
        links_json: serde_json::to_string(links).map_err(ApiError::internal)?,
    };
    trash::put(conn, &item).await?;
    Ok(())
}

/// Takes a record out of the trash (`None`: not there), with the links its delete removed.
pub(super) async fn take<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> Result<Option<(T, Vec<Link>)>, ApiError> {
    match trash::take(conn, entity, id).await? {
        Some(row) => Ok(Some((decode(&row.record_json)?, decode(&row.links_json)?))),
        None => Ok(None),
    }
}

/// 404 for a restore of something not in the trash.
pub(super) fn not_in_trash(what: &str, id: i64) -> ApiError {
    ApiError::NotFound(format!("{what} {id} is not in the trash"))
}

/// A movie as the trash keeps it: the release date in its stored form, to the nanosecond
/// (the API renders an HTTP-date, whole seconds only), so a restore gives back the instant.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct TrashedMovie {
    id: i64,
    title: String,
    release_date: Option<String>,
    version: i64,
    #[serde(default)]
    poster: Option<crate::model::Picture>,
}

impl TrashedMovie {
    pub fn of(movie: &Movie) -> TrashedMovie {
        TrashedMovie {
            id: movie.id,
            title: movie.title.clone(),
            release_date: movie.release_date.as_ref().map(dates::to_storage),
            version: movie.version,
            poster: movie.poster.clone(),
        }
    }

    pub fn into_movie(self) -> Result<Movie, ApiError> {
        let release_date = match self.release_date {
            Some(stored) => Some(dates::from_storage(&stored).map_err(ApiError::internal)?),
            None => None,
        };
        Ok(Movie {
            id: self.id,
            title: self.title,
            release_date,
            version: self.version,
            poster: self.poster,
        })
    }
}

/// The page of the trash a client asked for.
#[derive(Clone, Copy, Debug, Default)]
pub struct TrashPage(pub Option<Page>);

impl Input<TrashPage> for TrashPage {
    fn into_input(self) -> Result<TrashPage, ApiError> {
        Ok(self)
    }
}

/// The kinds `who` may restore: those it may delete.
fn restorable(who: &Principal) -> Vec<Entity> {
    [(Entity::Actor, Permission::DeleteActors), (Entity::Movie, Permission::DeleteMovies)]
        .into_iter()
        .filter_map(|(entity, permission)| who.has(permission).then_some(entity))
        .collect()
}

impl Service {
    /// What `who` may restore, newest delete first, one page of it.
    pub async fn trash(
        &self,
        who: &Principal,
        query: impl Input<TrashPage>,
    ) -> Result<Listing<TrashItem>, ApiError> {
        let kinds = restorable(who);
        if kinds.is_empty() {
            who.require(Permission::DeleteActors)?;
        }
        let TrashPage(page) = query.into_input()?;
        let page = validate::page(page)?.unwrap_or(Page { page: 1, per_page: 20 });
        let (limit, offset) = Page::limit_offset(Some(page));
        let mut conn = self.db().pool().acquire().await?;
        let (rows, total) = trash::page(&mut conn, &kinds, limit, offset).await?;
        let items = rows
            .into_iter()
            .map(|row| self.trash_item(row))
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(Listing { items: items.into(), total, page: Some(page) })
    }

    fn trash_item(&self, row: trash::Trashed) -> Result<TrashItem, ApiError> {
        let record: serde_json::Value = match row.entity.as_str() {
            // As the API renders a movie.
            "movie" => {
                serde_json::to_value(decode::<TrashedMovie>(&row.record_json)?.into_movie()?)
                    .map_err(ApiError::internal)?
            }
            _ => decode(&row.record_json)?,
        };
        let links: Vec<serde_json::Value> = decode(&row.links_json)?;
        let name = record.get("name").or_else(|| record.get("title"));
        let deleted_at = dates::from_storage(&row.deleted_at).map_err(ApiError::internal)?;
        let retention =
            chrono::TimeDelta::from_std(self.trash_retention()).unwrap_or(chrono::TimeDelta::MAX);
        let purge_after = deleted_at.checked_add_signed(retention).unwrap_or(deleted_at);
        Ok(TrashItem {
            name: name.and_then(|n| n.as_str()).unwrap_or_default().to_owned(),
            entity: row.entity,
            id: row.entity_id,
            deleted_at: row.deleted_at,
            purge_after: dates::to_storage(&purge_after),
            by: ChangedBy { sub: row.by_sub, name: row.by_name },
            record,
            cast_links: links.len() as i64,
        })
    }

    /// Purges what was deleted longer than the retention period before `now`; how many went.
    /// Their journal entries stay, so their history can still be read.
    pub async fn purge_trash(&self, now: SystemTime) -> Result<u64, ApiError> {
        let cutoff = now.checked_sub(self.trash_retention()).unwrap_or(SystemTime::UNIX_EPOCH);
        let mut tx = self.db().begin_write().await?;
        let purged = trash::purge_before(&mut tx, &stored(cutoff)).await?;
        tx.commit().await?;
        Ok(purged)
    }
}
