//! `/actors/{id}/photo` and `/movies/{id}/poster`: upload (`PUT`, or `POST` from the web
//! app's form), remove (`DELETE`) and serve (`GET`, in three sizes) a record's picture.
//!
//! These take the web app's session cookie as well as a bearer token: a browser fetches an
//! `<img>` and posts a file form with its cookie only. A cookie write must come from this site
//! (the same check as every web-app write).

use axum::{
    Json,
    body::Bytes,
    extract::{FromRequest, Multipart, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::trash::{IfMatchHeader, IfNoneMatchHeader};
use crate::{
    model::{Actor, Movie, picture::PictureSize},
    server::{
        ApiError,
        api::extract::{
            body::BodyLimit,
            conditional::{IfMatch, IfNoneMatch, etag},
            id::Id,
            principal::{BrowserReader, BrowserWriter},
        },
        service::{
            Service,
            pictures::{Pictured, Upload},
        },
    },
};

/// An image file's bytes (OpenAPI only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageFile(#[allow(dead_code)] Vec<u8>);

/// The web app's upload form (OpenAPI only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The image.
    file: ImageFile,
    /// `remove` removes the picture instead (the form's Remove button).
    action: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActorPictured {
    success: bool,
    actor: Actor,
}

#[derive(Serialize, ToSchema)]
pub struct MoviePictured {
    success: bool,
    movie: Movie,
}

/// The answer about a record whose picture changed, shaped as that record's type answers.
trait Answer: Pictured {
    fn answer(self) -> Response;
}

impl Answer for Actor {
    fn answer(self) -> Response {
        (etag(self.version), Json(ActorPictured { success: true, actor: self })).into_response()
    }
}

impl Answer for Movie {
    fn answer(self) -> Response {
        (etag(self.version), Json(MoviePictured { success: true, movie: self })).into_response()
    }
}

/// Show an actor's photo
///
/// `size` is `thumb` (96 px on the longer side), `card` (320) or `full` (1024, the default).
/// The `ETag` is strong (the content hash and the size); `If-None-Match` with it answers 304.
/// The URLs in an actor's `photo.urls` carry `v=<etag>` and may be cached for a year.
#[utoipa::path(get, path = "/actors/{id}/photo", tag = "pictures", operation_id = "get_actor_photo",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), SizeParams, IfNoneMatchHeader),
    security(("bearer" = ["get:actors"]), ("session" = [])),
    responses(
        (status = OK, description = "The photo", content(
            (ImageFile = "image/jpeg"), (ImageFile = "image/png")),
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = NOT_MODIFIED, description = "Unchanged since the `If-None-Match` tag"),
    ))]
pub async fn show_actor_photo(
    State(svc): State<Service>,
    BrowserReader(who): BrowserReader,
    Id(id): Id,
    held: IfNoneMatch,
    params: SizeParams,
) -> Result<Response, ApiError> {
    show::<Actor>(svc, who, id, held, params).await
}

/// Show a movie's poster
///
/// As `GET /actors/{id}/photo`.
#[utoipa::path(get, path = "/movies/{id}/poster", tag = "pictures", operation_id = "get_movie_poster",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), SizeParams, IfNoneMatchHeader),
    security(("bearer" = ["get:movies"]), ("session" = [])),
    responses(
        (status = OK, description = "The poster", content(
            (ImageFile = "image/jpeg"), (ImageFile = "image/png")),
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = NOT_MODIFIED, description = "Unchanged since the `If-None-Match` tag"),
    ))]
pub async fn show_movie_poster(
    State(svc): State<Service>,
    BrowserReader(who): BrowserReader,
    Id(id): Id,
    held: IfNoneMatch,
    params: SizeParams,
) -> Result<Response, ApiError> {
    show::<Movie>(svc, who, id, held, params).await
}

async fn show<T: Pictured>(
    svc: Service,
    who: crate::server::auth::Principal,
    id: i64,
    held: IfNoneMatch,
    params: SizeParams,
) -> Result<Response, ApiError> {
    let rendition = svc.picture::<T>(&who, id, params.size).await?;
    let tag = format!("\"{}-{}\"", rendition.etag, params.size.as_str());
    // A URL naming the current picture never changes meaning; any other is revalidated.
    let cache = match params.version.as_deref() == Some(rendition.etag.as_str()) {
        true => "private, max-age=31536000, immutable",
        false => "private, no-cache",
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, HeaderValue::from_str(&tag).map_err(ApiError::internal)?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if held.matches_tag(&tag[1..tag.len() - 1])? {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let content_type =
        HeaderValue::from_str(&rendition.content_type).map_err(ApiError::internal)?;
    headers.insert(header::CONTENT_TYPE, content_type);
    Ok((headers, Bytes::copy_from_slice(&rendition.data)).into_response())
}

/// Upload an actor's photo
///
/// The body is the image (`image/jpeg`, `image/png` or `image/webp`), or a
/// `multipart/form-data` form with the image in a field named `file`. The content is decoded
/// and checked (not its type or name): at most `PICTURE_MAX_BYTES` (413 beyond) and 40
/// megapixels (422 beyond, read from the header before decoding); a truncated file or one with
/// data after its image is refused (422). It is re-encoded into three sizes, so no metadata
/// survives. With `If-Match`, only if the actor is still at that version.
#[utoipa::path(put, path = "/actors/{id}/photo", tag = "pictures", operation_id = "put_actor_photo",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), IfMatchHeader),
    request_body(content((ImageFile = "image/jpeg"), (ImageFile = "image/png"),
        (ImageFile = "image/webp"), (UploadForm = "multipart/form-data"))),
    security(("bearer" = ["patch:actors"]), ("session" = [])),
    responses((status = OK, description = "The actor with their new photo", body = ActorPictured,
        headers(("ETag" = String, description = "The actor's new version, quoted")))))]
pub async fn put_actor_photo(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
    req: Request,
) -> Result<Response, ApiError> {
    svc.may_change_pictures::<Actor>(&who)?;
    let upload = image_body(req).await?.ok_or_else(missing_file)?;
    Ok(svc.put_picture::<Actor>(&who, id, &precondition, upload).await?.after.answer())
}

/// Upload a movie's poster
///
/// As `PUT /actors/{id}/photo`.
#[utoipa::path(put, path = "/movies/{id}/poster", tag = "pictures", operation_id = "put_movie_poster",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), IfMatchHeader),
    request_body(content((ImageFile = "image/jpeg"), (ImageFile = "image/png"),
        (ImageFile = "image/webp"), (UploadForm = "multipart/form-data"))),
    security(("bearer" = ["patch:movies"]), ("session" = [])),
    responses((status = OK, description = "The movie with its new poster", body = MoviePictured,
        headers(("ETag" = String, description = "The movie's new version, quoted")))))]
pub async fn put_movie_poster(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
    req: Request,
) -> Result<Response, ApiError> {
    svc.may_change_pictures::<Movie>(&who)?;
    let upload = image_body(req).await?.ok_or_else(missing_file)?;
    Ok(svc.put_picture::<Movie>(&who, id, &precondition, upload).await?.after.answer())
}

/// Remove an actor's photo
///
/// 404 when the actor has none. With `If-Match`, only if the actor is still at that version.
#[utoipa::path(delete, path = "/actors/{id}/photo", tag = "pictures", operation_id = "delete_actor_photo",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), IfMatchHeader),
    security(("bearer" = ["patch:actors"]), ("session" = [])),
    responses((status = OK, description = "The actor without a photo", body = ActorPictured,
        headers(("ETag" = String, description = "The actor's new version, quoted")))))]
pub async fn delete_actor_photo(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
) -> Result<Response, ApiError> {
    Ok(svc.remove_picture::<Actor>(&who, id, &precondition).await?.after.answer())
}

/// Remove a movie's poster
///
/// As `DELETE /actors/{id}/photo`.
#[utoipa::path(delete, path = "/movies/{id}/poster", tag = "pictures", operation_id = "delete_movie_poster",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), IfMatchHeader),
    security(("bearer" = ["patch:movies"]), ("session" = [])),
    responses((status = OK, description = "The movie without a poster", body = MoviePictured,
        headers(("ETag" = String, description = "The movie's new version, quoted")))))]
pub async fn delete_movie_poster(
    State(svc): State<Service>,
    BrowserWriter(who): BrowserWriter,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
) -> Result<Response, ApiError> {
    Ok(svc.remove_picture::<Movie>(&who, id, &precondition).await?.after.answer())
}

/// Upload or remove an actor's photo from a form
///
/// The web app's form (`multipart/form-data`: `file`, or `action=remove`). A request that asks
/// for JSON gets `PUT`'s answer; a plain form post is sent back to the actor's page (303),
/// which says what happened.
#[utoipa::path(post, path = "/actors/{id}/photo", tag = "pictures", operation_id = "post_actor_photo",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    request_body(content((UploadForm = "multipart/form-data"))),
    security(("bearer" = ["patch:actors"]), ("session" = [])),
    responses(
        (status = OK, description = "The actor (when JSON is asked for)", body = ActorPictured),
        (status = SEE_OTHER, description = "Back to the actor's page (a form post)"),
    ))]
pub async fn post_actor_photo(
    State(svc): State<Service>,
    who: BrowserWriter,
    Id(id): Id,
    req: Request,
) -> Response {
    from_form::<Actor>(svc, who, id, req).await
}

/// Upload or remove a movie's poster from a form
///
/// As `POST /actors/{id}/photo`.
#[utoipa::path(post, path = "/movies/{id}/poster", tag = "pictures", operation_id = "post_movie_poster",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    request_body(content((UploadForm = "multipart/form-data"))),
    security(("bearer" = ["patch:movies"]), ("session" = [])),
    responses(
        (status = OK, description = "The movie (when JSON is asked for)", body = MoviePictured),
        (status = SEE_OTHER, description = "Back to the movie's page (a form post)"),
    ))]
pub async fn post_movie_poster(
    State(svc): State<Service>,
    who: BrowserWriter,
    Id(id): Id,
    req: Request,
) -> Response {
    from_form::<Movie>(svc, who, id, req).await
}

async fn from_form<T: Answer>(svc: Service, who: BrowserWriter, id: i64, req: Request) -> Response {
    let wants_json = wants_json(req.headers());
    let done = async {
        svc.may_change_pictures::<T>(&who.0)?;
        let form = form_fields(req).await?;
        let none = Default::default();
        match (form.remove, form.file) {
            (true, _) => svc.remove_picture::<T>(&who.0, id, &none).await,
            (false, Some(upload)) => svc.put_picture::<T>(&who.0, id, &none, upload).await,
            (false, None) => Err(missing_file()),
        }
    }
    .await;
    match (done, wants_json) {
        (Ok(updated), true) => updated.after.answer(),
        (Err(err), true) => err.into_response(),
        // Without JavaScript: back to the record's page, which tells what happened. Only a
        // code travels in the URL, and the page shows its own text for it, so a crafted link
        // can say nothing but one of this app's messages.
        (outcome, false) => {
            let page = T::OWNER.path(id);
            let page = page.rsplit_once('/').map_or(page.as_str(), |(record, _)| record);
            let query = match outcome {
                Ok(_) => "picture=saved".to_owned(),
                Err(err) => {
                    err.log();
                    format!("picture_error={}", err.code())
                }
            };
            Redirect::to(&format!("{page}?{query}#picture")).into_response()
        }
    }
}

/// Whether the client asked for JSON (the web app's script does; a plain form post does not).
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

fn missing_file() -> ApiError {
    ApiError::validation("file", "missing_file", "choose an image file to upload")
}

/// The image of a `PUT`: the body itself, or the `file` field of a multipart form.
async fn image_body(req: Request) -> Result<Option<Upload>, ApiError> {
    let mime = media_type(req.headers());
    if mime.starts_with("multipart/form-data") {
        return Ok(form_fields(req).await?.file);
    }
    if !mime.starts_with("image/") && mime != "application/octet-stream" {
        return Err(ApiError::UnsupportedUpload);
    }
    let limit = limit_of(&req);
    let bytes = Bytes::from_request(req, &())
        .await
        .map_err(|rejection| unreadable(rejection.status(), limit))?;
    Ok((!bytes.is_empty()).then_some(bytes))
}

fn media_type(headers: &HeaderMap) -> String {
    let value = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// What the upload form sent.
struct FormFields {
    file: Option<Upload>,
    remove: bool,
}

async fn form_fields(req: Request) -> Result<FormFields, ApiError> {
    if !media_type(req.headers()).starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedUpload);
    }
    let limit = limit_of(&req);
    let mut form = Multipart::from_request(req, &()).await.map_err(|_| {
        ApiError::bad_request("invalid_form", "the form could not be read (no boundary)")
    })?;
    let unreadable =
        |err: axum::extract::multipart::MultipartError| unreadable(err.status(), limit);
    let mut fields = FormFields { file: None, remove: false };
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(unreadable)?;
                // A form submitted with no file chosen sends an empty part.
                fields.file = (!bytes.is_empty()).then_some(bytes);
            }
            Some("action") => fields.remove = field.text().await.map_err(unreadable)? == "remove",
            _ => {}
        }
    }
    Ok(fields)
}

/// A body that could not be read: too large (413, naming the limit this route has), or cut
/// off.
fn unreadable(status: StatusCode, limit: usize) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge { limit };
    }
    ApiError::bad_request("unreadable_body", "the request body could not be read")
}

fn limit_of(req: &Request) -> usize {
    req.extensions().get::<BodyLimit>().map_or(0, |l| l.0)
}

/// `?size=thumb|card|full` (default `full`), and the `v` the picture's URLs carry.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SizeParams {
    /// `thumb` (96 px on the longer side), `card` (320) or `full` (1024).
    #[param(inline, value_type = Option<PictureSize>)]
    size: PictureSize,
    /// The picture's `etag`, as in its URLs: the answer may then be cached for a year.
    #[param(value_type = Option<String>, rename = "v")]
    version: Option<String>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SizeParams {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        let mut params = SizeParams { size: PictureSize::Full, version: None };
        let query = parts.uri.query().unwrap_or_default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "size" => {
                    params.size = PictureSize::parse(&value).ok_or_else(|| {
                        ApiError::validation(
                            "size",
                            "invalid_size",
                            "size must be `thumb`, `card` or `full`",
                        )
                    })?
                }
                "v" => params.version = Some(value.into_owned()),
                other => {
                    return Err(ApiError::bad_request(
                        "unknown_parameter",
                        format!("unknown query parameter `{other}`; expected `size` or `v`"),
                    ));
                }
            }
        }
        Ok(params)
    }
}
