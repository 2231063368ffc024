use super::{Deleted, Input, Listing, Service, Updated, validate};
use crate::{
    model::{Movie, MoviePatch, NewMovie, Permission},
    server::{ApiError, auth::Principal, db::movies as sql},
};

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("movie {id} not found"))
}

fn check_new(input: NewMovie) -> Result<NewMovie, ApiError> {
    Ok(NewMovie {
        title: validate::name("title", &input.title)?,
        release_date: input.release_date,
    })
}

fn check_patch(input: MoviePatch) -> Result<MoviePatch, ApiError> {
    validate::not_empty(input.is_empty())?;
    Ok(MoviePatch {
        title: input
            .title
            .as_deref()
            .map(|v| validate::name("title", v))
            .transpose()?,
        release_date: input.release_date,
    })
}

impl Service {
    pub async fn list_movies(&self, who: &Principal) -> Result<Listing<Movie>, ApiError> {
        who.require(Permission::GetMovies)?;
        // One read transaction, so the rows and the count agree.
        let mut tx = self.db().pool().begin().await?;
        let items = sql::list(&mut tx).await?;
        let total = sql::count(&mut tx).await?;
        tx.commit().await?;
        Ok(Listing { items, total })
    }

    pub async fn get_movie(&self, who: &Principal, id: i64) -> Result<Movie, ApiError> {
        who.require(Permission::GetMovies)?;
        let mut conn = self.db().pool().acquire().await?;
        sql::find(&mut conn, id).await?.ok_or_else(|| not_found(id))
    }

    pub async fn create_movie(
        &self,
        who: &Principal,
        input: impl Input<NewMovie>,
    ) -> Result<Movie, ApiError> {
        who.require(Permission::PostMovies)?;
        let new = check_new(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let actor = sql::insert(&mut tx, &new).await?;
        tx.commit().await?;
        Ok(actor)
    }

    pub async fn update_movie(
        &self,
        who: &Principal,
        id: i64,
        input: impl Input<MoviePatch>,
    ) -> Result<Updated<Movie>, ApiError> {
        who.require(Permission::PatchMovies)?;
        let patch = check_patch(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let before = sql::find_for_update(&mut tx, self.db().backend(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let after = sql::update(&mut tx, id, &patch)
            .await?
            .ok_or_else(|| not_found(id))?;
        tx.commit().await?;
        Ok(Updated { before, after })
    }

    pub async fn delete_movie(&self, who: &Principal, id: i64) -> Result<Deleted<Movie>, ApiError> {
        who.require(Permission::DeleteMovies)?;
        let mut tx = self.db().begin_write().await?;
        let item = sql::find_for_update(&mut tx, self.db().backend(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let count_before = sql::count(&mut tx).await?;
        if !sql::delete(&mut tx, id).await? {
            return Err(not_found(id));
        }
        let count_after = sql::count(&mut tx).await?;
        tx.commit().await?;
        Ok(Deleted {
            item,
            count_before,
            count_after,
        })
    }
}
