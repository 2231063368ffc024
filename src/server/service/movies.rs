use super::{
    Deleted, Input, Listing, Precondition, ReadKey, Restored, Service, Updated,
    journal::{self, Change},
    trash::{self, TrashedMovie},
    validate,
};
use crate::server::auth::Writer;
use crate::server::db::journal::{Action, Entity};
use crate::{
    model::{
        Movie, MoviePatch, NewMovie, Permission,
        query::{MovieQuery, Page},
    },
    server::{
        ApiError,
        auth::Principal,
        db::{actors, castings, movies as sql},
    },
};

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("movie {id} not found"))
}

pub(super) fn check_query(query: MovieQuery) -> Result<MovieQuery, ApiError> {
    validate::ordered(
        query.released_after,
        query.released_before,
        "released_after",
        "released_before",
    )?;
    Ok(MovieQuery { q: validate::search(query.q)?, page: validate::page(query.page)?, ..query })
}

fn check_new(input: NewMovie) -> Result<NewMovie, ApiError> {
    Ok(NewMovie {
        title: validate::name("title", &input.title)?,
        release_date: input.release_date.map(validate::release_date).transpose()?,
    })
}

fn check_patch(input: MoviePatch) -> Result<MoviePatch, ApiError> {
    validate::not_empty(input.is_empty())?;
    Ok(MoviePatch {
        title: input.title.as_deref().map(|v| validate::name("title", v)).transpose()?,
        release_date: match input.release_date {
            Some(Some(date)) => Some(Some(validate::release_date(date)?)),
            other => other,
        },
    })
}

impl Service {
    /// The movies matching `query`: one page of them, or (without paging) up to
    /// [`LIST_CAP`](crate::model::query::LIST_CAP) in the requested order; `total` counts every match. Rows and total come
    /// from one snapshot.
    pub async fn list_movies(
        &self,
        who: &Principal,
        query: impl Input<MovieQuery>,
    ) -> Result<Listing<Movie>, ApiError> {
        who.require(Permission::GetMovies)?;
        let query = check_query(query.into_input()?)?;
        let key = ReadKey::Movies(query.clone());
        self.cache()
            .get_or_load(
                key,
                |l: &Listing<Movie>| l.items.len(),
                || async {
                    let (limit, offset) = Page::limit_offset(query.page);
                    // A search waits for a search slot first, so searches alone can never
                    // take every pooled connection.
                    let _slot = match query.q {
                        Some(_) => Some(self.db().search_slot().await?),
                        None => None,
                    };
                    // One statement: rows and total from one snapshot without a transaction.
                    let mut conn = self.db().pool().acquire().await?;
                    let (items, total) =
                        sql::find_page(&mut conn, self.db().backend(), &query, limit, offset)
                            .await?;
                    Ok(Listing { items: items.into(), total, page: query.page })
                },
            )
            .await
    }

    /// How many there are, without reading them.
    pub async fn count_movies(&self, who: &Principal) -> Result<i64, ApiError> {
        who.require(Permission::GetMovies)?;
        self.cache()
            .get_or_load(
                ReadKey::MovieCount,
                |_| 1,
                || async {
                    let mut conn = self.db().pool().acquire().await?;
                    Ok(sql::count(&mut conn).await?)
                },
            )
            .await
    }

    pub async fn get_movie(&self, who: &Principal, id: i64) -> Result<Movie, ApiError> {
        who.require(Permission::GetMovies)?;
        self.cache()
            .get_or_load(
                ReadKey::Movie(id),
                |_| 1,
                || async {
                    let mut conn = self.db().pool().acquire().await?;
                    Ok(sql::find(&mut conn, id).await?)
                },
            )
            .await?
            .ok_or_else(|| not_found(id))
    }

    pub async fn create_movie(
        &self,
        who: &Writer,
        input: impl Input<NewMovie>,
    ) -> Result<Movie, ApiError> {
        who.require(Permission::PostMovies)?;
        let new = check_new(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let movie = sql::insert(&mut tx, &new).await?;
        let change =
            Change::of(Entity::Movie, movie.id, Action::Create, None, journal::state(&movie));
        journal::record(&mut tx, who, change).await?;
        tx.commit().await?;
        Ok(movie)
    }

    /// An edit form saved with nothing changed: no write (it must not undo someone else's
    /// newer change), but the same permission as one; the movie as it is now.
    pub async fn unchanged_movie(&self, who: &Writer, id: i64) -> Result<Movie, ApiError> {
        who.require(Permission::PatchMovies)?;
        self.get_movie(who, id).await
    }

    /// Applies `input`; see [`Service::update_actor`] for `precondition`.
    pub async fn update_movie(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
        input: impl Input<MoviePatch>,
    ) -> Result<Updated<Movie>, ApiError> {
        who.require(Permission::PatchMovies)?;
        precondition.readable()?;
        let patch = check_patch(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let before = sql::find_for_update(&mut tx, self.db().backend(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        precondition.check("movie", id, before.version, &before)?;
        let after = sql::update(&mut tx, id, &patch).await?.ok_or_else(|| not_found(id))?;
        let change = Change::of(
            Entity::Movie,
            id,
            Action::Update,
            journal::state(&before),
            journal::state(&after),
        );
        journal::record(&mut tx, who, change).await?;
        tx.commit().await?;
        Ok(Updated { before, after })
    }

    /// Moves the movie to the trash with its cast links (restorable until purged).
    pub async fn delete_movie(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
    ) -> Result<Deleted<Movie>, ApiError> {
        who.require(Permission::DeleteMovies)?;
        precondition.readable()?;
        let mut tx = self.db().begin_write().await?;
        let mut gone = self.delete_movie_in(&mut tx, who, id, precondition).await?;
        // Counted once here, after the delete, not inside every delete (a bulk delete or an
        // undo of 10,000 would count the table once per row); the row was locked and is gone,
        // so the count before is one more.
        gone.count_after = sql::count(&mut tx).await?;
        gone.count_before = gone.count_after + 1;
        tx.commit().await?;
        Ok(gone)
    }

    /// The steps of a delete inside the caller's transaction (a bulk delete runs several).
    pub(super) async fn delete_movie_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
    ) -> Result<Deleted<Movie>, ApiError> {
        let item = sql::find_for_update(&mut *tx, self.db().backend(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        precondition.check("movie", id, item.version, &item)?;
        let links = castings::links_of_movie(&mut *tx, id).await?;
        // The cast's filmographies change too: their versions move on (movie locked first,
        // then actors, as casting does).
        let actor_ids: Vec<i64> = links.iter().map(|l| l.actor_id).collect();
        actors::touch(&mut *tx, &actor_ids).await?;
        if !sql::delete(&mut *tx, id).await? {
            return Err(not_found(id));
        }
        let trashed = Movie { version: item.version + 1, ..item.clone() };
        trash::put(&mut *tx, who, Entity::Movie, id, &TrashedMovie::of(&trashed), &links).await?;
        let change = Change::of(Entity::Movie, id, Action::Delete, journal::state(&item), None);
        journal::record(&mut *tx, who, change).await?;
        let assignments_removed = links.len() as i64;
        Ok(Deleted {
            item,
            version: trashed.version,
            count_before: 0,
            count_after: 0,
            assignments_removed,
        })
    }

    /// Brings a movie back from the trash; see [`Service::restore_actor`].
    pub async fn restore_movie(&self, who: &Writer, id: i64) -> Result<Restored<Movie>, ApiError> {
        who.require(Permission::DeleteMovies)?;
        let mut tx = self.db().begin_write().await?;
        let back = self.restore_movie_in(&mut tx, who, id).await?;
        tx.commit().await?;
        Ok(back)
    }

    /// The steps of a restore inside the caller's transaction (a bulk restore runs several).
    pub(super) async fn restore_movie_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        who: &Writer,
        id: i64,
    ) -> Result<Restored<Movie>, ApiError> {
        let (trashed, links): (TrashedMovie, _) =
            trash::take(&mut *tx, Entity::Movie, id)
                .await?
                .ok_or_else(|| trash::not_in_trash("movie", id))?;
        let trashed = trashed.into_movie()?;
        let movie = Movie { version: trashed.version + 1, ..trashed };
        sql::reinsert(&mut *tx, &movie).await?;
        let links = castings::reinsert(&mut *tx, self.db().backend(), &links).await?;
        let actor_ids: Vec<i64> = links.iter().map(|l| l.actor_id).collect();
        actors::touch(&mut *tx, &actor_ids).await?;
        let change = Change::of(Entity::Movie, id, Action::Restore, None, journal::state(&movie));
        journal::record(&mut *tx, who, change).await?;
        Ok(Restored { item: movie, links })
    }
}
