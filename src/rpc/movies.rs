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
    let params = ListControls { q, sort, page };
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
    let form = MovieForm { title, release_date, previous_date: None };
    Ok(svc.create_movie(&who, form).await?)
}

/// `previous_date` is the date the edit form showed (see `MovieForm`).
#[server(prefix = "/api", endpoint = "movies/update")]
pub async fn update_movie(
    id: i64,
    title: String,
    release_date: String,
    previous_date: String,
) -> Result<Movie, AppError> {
    use crate::server::rpc::MovieForm;
    let (svc, who) = super::writer().await?;
    let form = MovieForm { title, release_date, previous_date: Some(previous_date) };
    Ok(svc.update_movie(&who, id, form).await?.after)
}

#[server(prefix = "/api", endpoint = "movies/delete")]
pub async fn delete_movie(id: i64) -> Result<Movie, AppError> {
    let (svc, who) = super::writer().await?;
    Ok(svc.delete_movie(&who, id).await?.item)
}
