//! Spreadsheets out and in: a list (or a cast) as a CSV download, and
//! `POST /actors/import` / `POST /movies/import`.

use std::borrow::Cow;

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{FromRequest, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    model::{
        Actor, CastMember, Movie,
        spreadsheet::{ImportReport, date_cell},
    },
    server::{
        ApiError,
        api::extract::{principal::BrowserWriter, sheet::SheetUpload},
        service::{Batches, Service},
        spreadsheet::write_rows,
    },
};

/// A CSV download named `{stem}-YYYY-MM-DD.csv`: the header row, then each batch as it is
/// read, so memory stays flat however many rows there are. A read that fails part-way is
/// logged and ends the body abruptly, so the client sees a failed download, never a silently
/// short file.
pub fn download<T: Send + 'static>(
    stem: &str,
    header: &[&str],
    batches: Batches<T>,
    row: for<'t> fn(&'t T) -> Vec<Cow<'t, str>>,
    bom: bool,
) -> Response {
    let mut head = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
    head.extend(write_rows([header.iter().map(|h| Cow::Borrowed(*h))]));
    let rows = batches.map(move |batch| match batch {
        Ok(batch) => Ok(Bytes::from(write_rows(batch.iter().map(row)))),
        Err(err) => {
            err.log();
            tracing::warn!(code = err.code(), "export cut off");
            Err(std::io::Error::other("export cut off"))
        }
    });
    let body = futures_util::stream::once(async move { Ok(Bytes::from(head)) }).chain(rows);
    let filename = format!("{stem}-{}.csv", today().format("%Y-%m-%d"));
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Today, UTC (chrono's clock feature is not built in).
fn today() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from(std::time::SystemTime::now())
}

pub fn actor_row(actor: &Actor) -> Vec<Cow<'_, str>> {
    vec![
        Cow::Owned(actor.id.to_string()),
        Cow::Borrowed(&actor.name),
        Cow::Owned(actor.age.to_string()),
        Cow::Borrowed(&actor.gender),
    ]
}

pub fn movie_row(movie: &Movie) -> Vec<Cow<'_, str>> {
    vec![
        Cow::Owned(movie.id.to_string()),
        Cow::Borrowed(&movie.title),
        Cow::Owned(movie.release_date.as_ref().map(date_cell).unwrap_or_default()),
    ]
}

pub fn cast_row(member: &CastMember) -> Vec<Cow<'_, str>> {
    vec![
        Cow::Owned(member.actor.id.to_string()),
        Cow::Borrowed(&member.actor.name),
        Cow::Borrowed(member.character.as_deref().unwrap_or_default()),
    ]
}

/// A spreadsheet file's bytes (OpenAPI only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SheetFile(#[allow(dead_code)] Vec<u8>);

/// The web app's import form (OpenAPI only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SheetForm {
    /// The CSV file.
    file: SheetFile,
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    success: bool,
    #[serde(flatten)]
    report: ImportReport,
}

/// An import refused for its rows: nothing was written; `problems` lists every one. (The
/// OpenAPI document gives a 422 as the common error body, which this extends.)
#[derive(Serialize)]
pub struct ImportRefused {
    success: bool,
    error: u16,
    code: &'static str,
    message: String,
    #[serde(flatten)]
    report: ImportReport,
}

fn answer(report: ImportReport) -> Response {
    if report.is_valid() {
        return Json(Imported { success: true, report }).into_response();
    }
    let message = format!(
        "{} problem{} found; nothing was imported",
        report.problems.len(),
        if report.problems.len() == 1 { "" } else { "s" }
    );
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let body = ImportRefused { success: false, error: 422, code: "invalid_rows", message, report };
    (status, Json(body)).into_response()
}

/// `?dry_run=true` (or `1`): check and report, write nothing.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and report, without writing anything.
    #[allow(dead_code)]
    dry_run: Option<bool>,
}

pub struct DryRun(bool);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for DryRun {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut dry_run = false;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match (key.as_ref(), value.as_ref()) {
                ("dry_run", "true" | "1") => dry_run = true,
                ("dry_run", "false" | "0") => dry_run = false,
                ("dry_run", _) => {
                    return Err(ApiError::invalid("dry_run", "dry_run must be `true` or `false`"));
                }
                (other, _) => {
                    return Err(ApiError::validation(
                        other.to_owned(),
                        "unknown_parameter",
                        format!("unknown parameter `{other}`; allowed: dry_run"),
                    ));
                }
            }
        }
        Ok(DryRun(dry_run))
    }
}

/// Import actors from a spreadsheet
///
/// CSV (UTF-8, with or without a byte-order mark; `,` or `;` between cells) with a header row
/// naming the columns `name`, `age` and `gender` in any order and any case; other columns
/// (`id` among them: the database assigns ids) are listed in `ignored_columns`. Every row gets
/// the checks of `POST /actors`. All rows are added in one transaction, each with its own
/// journal entry, or, if any row has a problem, none: a 422 lists every problem by row
/// (the header is row 1) and column (the error body then also carries the fields of the 200
/// answer, `code` `invalid_rows`). At most 10,000 rows and `IMPORT_MAX_BYTES` (5 MB).
#[utoipa::path(post, path = "/actors/import", tag = "spreadsheets", operation_id = "import_actors",
    params(ImportParams),
    request_body(content((String = "text/csv"), (SheetForm = "multipart/form-data"))),
    security(("bearer" = ["post:actors"]), ("session" = [])),
    responses(
        (status = OK, description = "Every row added (or, on a dry run, every row valid)", body = Imported),
    ))]
pub async fn import_actors(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    DryRun(dry_run): DryRun,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    // Refused before the file is read (see `Service::may_import_actors`).
    svc.may_import_actors(&who)?;
    let sheet = SheetUpload::from_request(req, &()).await?;
    Ok(answer(svc.import_actors(&who, sheet, dry_run).await?))
}

/// Import movies from a spreadsheet
///
/// As `POST /actors/import`, with the columns `title` and (optional) `release_date`
/// (`YYYY-MM-DD`, an RFC 3339 date-time or an HTTP-date; empty when not scheduled).
#[utoipa::path(post, path = "/movies/import", tag = "spreadsheets", operation_id = "import_movies",
    params(ImportParams),
    request_body(content((String = "text/csv"), (SheetForm = "multipart/form-data"))),
    security(("bearer" = ["post:movies"]), ("session" = [])),
    responses(
        (status = OK, description = "Every row added (or, on a dry run, every row valid)", body = Imported),
    ))]
pub async fn import_movies(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    DryRun(dry_run): DryRun,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    // Refused before the file is read (see `Service::may_import_movies`).
    svc.may_import_movies(&who)?;
    let sheet = SheetUpload::from_request(req, &()).await?;
    Ok(answer(svc.import_movies(&who, sheet, dry_run).await?))
}
