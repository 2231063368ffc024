//! Whole lists for a spreadsheet: every actor or movie matching a list query, in its order,
//! read in batches so an export of any size takes the same memory, and no connection is held
//! while the client reads (each batch is one short statement; see `db::filter::Cursor`).

use futures_util::stream::{self, Stream};

use super::{Input, Service, actors, kinds::Kind, movies};
use crate::{
    model::{
        Actor, Movie, Permission,
        query::{ActorQuery, MovieQuery},
    },
    server::{ApiError, auth::Principal, db::filter::Cursor},
};

/// Rows read per statement.
pub const EXPORT_BATCH: i64 = 1_000;

/// Batches of rows, in order; an error ends the stream.
pub type Batches<T> = std::pin::Pin<Box<dyn Stream<Item = Result<Vec<T>, ApiError>> + Send>>;

impl Service {
    /// Every actor matching `query` (its paging ignored), in its order. The permission and the
    /// query are checked before the first row is read, so a refusal is an ordinary error.
    pub fn export_actors(
        &self,
        who: &Principal,
        query: impl Input<ActorQuery>,
    ) -> Result<Batches<Actor>, ApiError> {
        who.require(Permission::GetActors)?;
        let query = ActorQuery { page: None, ..actors::check_query(query.into_input()?)? };
        Ok(self.export(query))
    }

    /// Every movie matching `query`; see [`Service::export_actors`].
    pub fn export_movies(
        &self,
        who: &Principal,
        query: impl Input<MovieQuery>,
    ) -> Result<Batches<Movie>, ApiError> {
        who.require(Permission::GetMovies)?;
        let query = MovieQuery { page: None, ..movies::check_query(query.into_input()?)? };
        Ok(self.export(query))
    }

    /// The rows of a checked query, batch after batch.
    fn export<T: Kind>(&self, query: T::Query) -> Batches<T> {
        let svc = self.clone();
        batches(move |cursor| {
            let (svc, query) = (svc.clone(), query.clone());
            async move {
                // A search slot first: an export is an expensive read, so exports and
                // searches together can never take every pooled connection.
                let _slot = svc.db().search_slot().await?;
                let mut conn = svc.db().pool().acquire().await?;
                let backend = svc.db().backend();
                let rows = T::find_batch(&mut conn, backend, &query, &cursor, EXPORT_BATCH).await?;
                let next = rows.last().map(|row| row.cursor_after(&query));
                Ok((rows, next))
            }
        })
    }
}

/// The batches `next` reads from the start to the first short one.
fn batches<T, F, Fut>(next: F) -> Batches<T>
where
    T: Send + 'static,
    F: Fn(Cursor) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<Cursor>), ApiError>> + Send + 'static,
{
    Box::pin(stream::unfold(Some(Cursor::Start), move |cursor| {
        let read = cursor.map(&next);
        async move {
            match read?.await {
                Ok((rows, _)) if rows.is_empty() => None,
                Ok((rows, next)) => {
                    let more = rows.len() as i64 == EXPORT_BATCH;
                    Some((Ok(rows), next.filter(|_| more)))
                }
                // The error is the stream's last item.
                Err(err) => Some((Err(err), None)),
            }
        }
    }))
}
