use leptos::prelude::*;

use crate::model::{AppError, Movie, query::ListPage};

/// One page of the list, with the same search and sort as the REST API (`sort` like `-name`).
#[server(prefix = "/api", endpoint = "movies/list")]
pub async fn list_movies(
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<ListPage<Movie>, AppError> {
    use crate::{model::query::UI_PER_PAGE, server::rpc::ListControls};
    let (svc, who) = super::reader().await?;
    let params = ListControls { q, sort, page: Some(page.unwrap_or(1)) };
    let listing = svc.list_movies(&who, params).await?;
    let page = listing.page.map(|p| p.page).unwrap_or(1);
    Ok(ListPage {
        items: listing.items.to_vec(),
        total: listing.total,
        page,
        per_page: UI_PER_PAGE,
    })
}

#[server(prefix = "/api", endpoint = "movies/get")]
pub async fn get_movie(id: i64) -> Result<Movie, AppError> {
    let (svc, who) = super::reader().await?;
    Ok(svc.get_movie(&who, id).await?)
}

/// `release_date` comes from a date input (`YYYY-MM-DD`) or any accepted form.
#[server(prefix = "/api", endpoint = "movies/create")]
pub async fn create_movie(title: String, release_date: String) -> Result<Movie, AppError> {
    use crate::server::rpc::MovieForm;
    let (svc, who) = super::writer().await?;
    let form = MovieForm { title, release_date, previous_date: None, previous_title: None };
    Ok(svc.create_movie(&who, form).await?)
}

/// `version`, `previous_title` and `previous_date` are what the edit form showed (see
/// `MovieForm`): a write only if the movie is still at that version, of only what changed.
#[server(prefix = "/api", endpoint = "movies/update")]
pub async fn update_movie(
    id: i64,
    version: Option<i64>,
    title: String,
    release_date: String,
    previous_date: String,
    previous_title: Option<String>,
) -> Result<Movie, AppError> {
    use crate::server::{rpc::MovieForm, service::Precondition};
    let (svc, who) = super::writer().await?;
    let sent = serde_json::json!({
        "title": title, "release_date": release_date,
        "previous_title": previous_title, "previous_date": previous_date,
    });
    let form =
        MovieForm { title, release_date, previous_date: Some(previous_date), previous_title };
    if form.unchanged() {
        // Nothing to write: saving an untouched form must not undo someone else's change.
        return Ok(svc.unchanged_movie(&who, id).await?);
    }
    let expected = version.map(Precondition::version).unwrap_or_default();
    match svc.update_movie(&who, id, &expected, form).await {
        Ok(change) => Ok(change.after),
        Err(err) => Err(AppError::from(err).with_submitted(&sent)),
    }
}

#[server(prefix = "/api", endpoint = "movies/delete")]
pub async fn delete_movie(id: i64, version: Option<i64>) -> Result<Movie, AppError> {
    use crate::server::service::Precondition;
    let (svc, who) = super::writer().await?;
    let expected = version.map(Precondition::version).unwrap_or_default();
    Ok(svc.delete_movie(&who, id, &expected).await?.item)
}
