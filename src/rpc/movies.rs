use leptos::prelude::*;

use crate::model::{AppError, Movie};

#[server(prefix = "/api", endpoint = "movies/list")]
pub async fn list_movies() -> Result<Vec<Movie>, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Read).await?;
    Ok(svc.list_movies(&who).await?.items)
}

#[server(prefix = "/api", endpoint = "movies/get")]
pub async fn get_movie(id: i64) -> Result<Movie, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Read).await?;
    Ok(svc.get_movie(&who, id).await?)
}

/// `release_date` comes from a date input (`YYYY-MM-DD`) or any accepted form.
#[server(prefix = "/api", endpoint = "movies/create")]
pub async fn create_movie(title: String, release_date: String) -> Result<Movie, AppError> {
    use crate::{model::NewMovie, server::auth::session::Access};
    let (svc, who) = super::caller(Access::Write).await?;
    let release_date = crate::server::web::release_date(&release_date)?;
    Ok(svc
        .create_movie(
            &who,
            NewMovie {
                title,
                release_date,
            },
        )
        .await?)
}

/// `previous_date` is what the edit form showed: when the date was left as it was, the stored
/// instant (which may carry a time of day) is kept rather than reset to midnight.
#[server(prefix = "/api", endpoint = "movies/update")]
pub async fn update_movie(
    id: i64,
    title: String,
    release_date: String,
    previous_date: String,
) -> Result<Movie, AppError> {
    use crate::{model::MoviePatch, server::auth::session::Access};
    let (svc, who) = super::caller(Access::Write).await?;
    let release_date = match release_date.trim() == previous_date.trim() {
        true => None,
        false => Some(crate::server::web::release_date(&release_date)?),
    };
    let patch = MoviePatch {
        title: Some(title),
        release_date,
    };
    Ok(svc.update_movie(&who, id, patch).await?.after)
}

#[server(prefix = "/api", endpoint = "movies/delete")]
pub async fn delete_movie(id: i64) -> Result<i64, AppError> {
    use crate::server::auth::session::Access;
    let (svc, who) = super::caller(Access::Write).await?;
    Ok(svc.delete_movie(&who, id).await?.item.id)
}
