//! The server side of the server functions (`crate::rpc`): who is calling, from the request
//! Leptos is handling; their inputs as typed; and the error the web app gets.

use axum::http::request::Parts;
use leptos::prelude::use_context;

use crate::{
    model::{
        ActorPatch, AppError, CastingInput, MoviePatch, NewActor, NewMovie, RawJson,
        query::{
            ACTOR_SORTS, ActorQuery, ActorSort, MOVIE_SORTS, MovieQuery, MovieSort, Page,
            UI_PER_PAGE,
        },
    },
    server::{
        ApiError,
        auth::{
            Principal, Writer,
            web_session::{authenticate_reader, authenticate_writer},
        },
        core::Core,
        service::{CastingChoice, Input, Service, validate},
    },
};

fn context() -> Result<(Core, Parts), AppError> {
    let missing =
        || AppError::from(ApiError::internal("server function called without its context"));
    let core = use_context::<Core>().ok_or_else(missing)?;
    let parts = use_context::<Parts>().ok_or_else(missing)?;
    Ok((core, parts))
}

/// The verified caller of a server function that reads, and the service to call.
pub async fn reader() -> Result<(Service, Principal), AppError> {
    let (core, parts) = context()?;
    let who = authenticate_reader(&core.verifier, &core.cookie, &parts).await?;
    yield_before_service().await;
    Ok((core.service.clone(), who))
}

/// The verified caller of a server function that writes (a cookie only from our own pages),
/// and the service to call.
pub async fn writer() -> Result<(Service, Writer), AppError> {
    let (core, parts) = context()?;
    let who = core.admit_write(authenticate_writer(&core.verifier, &core.cookie, &parts).await?)?;
    yield_before_service().await;
    Ok((core.service.clone(), who))
}

/// Hands the thread back once before the service call. Measured on the list page under wrk:
/// when the service answered from the read cache on the first poll, server-side rendering ran
/// at 1,233 req/s; with this yield, 3,510 (PostgreSQL, whose reads always wait, 2,030). The
/// slow path is inside Leptos' async rendering of a resource that is ready at once; the context
/// is read before, because it is not there after a yield.
async fn yield_before_service() {
    tokio::task::yield_now().await;
}

/// Who is signed in to the web app (if anyone), and how sign-in works on this server.
pub struct SessionState {
    pub who: Option<Principal>,
    /// Local sign-in (no Auth0 configured).
    pub local_mode: bool,
    /// Auth0 sign-in for the web app is configured.
    pub auth0_sign_in: bool,
    /// A session was sent but its token has expired or is no longer valid.
    pub expired: bool,
}

pub async fn session_state() -> Result<SessionState, AppError> {
    let (core, parts) = context()?;
    let local_mode = core.local.is_some();
    let auth0_sign_in = core.auth0.is_some();
    let state = |who, expired| SessionState { who, local_mode, auth0_sign_in, expired };
    match authenticate_reader(&core.verifier, &core.cookie, &parts).await {
        Ok(who) => Ok(state(Some(who), false)),
        Err(ApiError::Unauthorized { code, .. }) => Ok(state(None, code != "not_signed_in")),
        Err(other) => Err(other.into()),
    }
}

/// The web app's list controls: search, sort (`-name`) and page, with the app's page size.
/// Decoded inside the service after the permission check, like every input.
pub struct ListControls {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
}

impl ListControls {
    fn sort<T: Copy>(&self, columns: &[(&str, T)], default: T) -> Result<(T, bool), ApiError> {
        validate::sort(self.sort.as_deref(), columns, default)
    }

    /// The page shown; none (every match) for a bulk action's "select all matching".
    fn page(&self) -> Option<Page> {
        self.page.map(|page| Page { page, per_page: UI_PER_PAGE })
    }

    fn search(&self) -> Option<String> {
        self.q.clone().filter(|q| !q.trim().is_empty())
    }
}

impl Input<ActorQuery> for ListControls {
    fn into_input(self) -> Result<ActorQuery, ApiError> {
        let (sort, descending) = self.sort(&ACTOR_SORTS, ActorSort::Id)?;
        Ok(ActorQuery {
            q: self.search(),
            sort,
            descending,
            page: self.page(),
            ..ActorQuery::default()
        })
    }
}

impl Input<MovieQuery> for ListControls {
    fn into_input(self) -> Result<MovieQuery, ApiError> {
        let (sort, descending) = self.sort(&MOVIE_SORTS, MovieSort::Id)?;
        Ok(MovieQuery {
            q: self.search(),
            sort,
            descending,
            page: self.page(),
            ..MovieQuery::default()
        })
    }
}

/// The fields of an actor form, as typed. Decoded only inside the service, after the
/// permission check (see `service::Input`), so a caller without the permission gets 403
/// whatever they typed.
pub struct ActorForm {
    pub name: String,
    pub age: String,
    pub gender: String,
    /// What an edit form showed (name, age, gender): only the fields the person changed are
    /// sent, so saving over someone else's newer version (after a conflict) keeps their
    /// changes to the other fields.
    pub shown: Option<[String; 3]>,
}

impl ActorForm {
    /// Whether the person changed nothing the form showed.
    pub fn unchanged(&self) -> bool {
        self.shown.as_ref().is_some_and(|[name, age, gender]| {
            same(name, &self.name) && same(age, &self.age) && same(gender, &self.gender)
        })
    }
}

/// Two form values alike once trimmed (as the service stores them).
fn same(shown: &str, typed: &str) -> bool {
    shown.trim() == typed.trim()
}

impl Input<NewActor> for ActorForm {
    fn into_input(self) -> Result<NewActor, ApiError> {
        Ok(NewActor { name: self.name, age: whole_number("age", &self.age)?, gender: self.gender })
    }
}

impl Input<ActorPatch> for ActorForm {
    fn into_input(self) -> Result<ActorPatch, ApiError> {
        let shown = self.shown.clone();
        let new: NewActor = self.into_input()?;
        let changed = |i: usize, typed: &str| shown.as_ref().is_none_or(|s| !same(&s[i], typed));
        Ok(ActorPatch {
            name: changed(0, &new.name).then_some(new.name.clone()),
            age: changed(1, &new.age.to_string()).then_some(new.age),
            gender: changed(2, &new.gender).then_some(new.gender.clone()),
        })
    }
}

/// The fields of a movie form, as typed. `previous_date` is what an edit form showed: a date
/// left as it was keeps the stored instant (which may carry a time of day) rather than being
/// reset to midnight.
pub struct MovieForm {
    pub title: String,
    pub release_date: String,
    pub previous_date: Option<String>,
    /// The title an edit form showed; see [`ActorForm::shown`].
    pub previous_title: Option<String>,
}

impl MovieForm {
    /// Whether the person changed nothing the form showed.
    pub fn unchanged(&self) -> bool {
        self.previous_title.as_deref().is_some_and(|t| same(t, &self.title))
            && self.previous_date.as_deref().is_some_and(|d| same(d, &self.release_date))
    }
}

impl Input<NewMovie> for MovieForm {
    fn into_input(self) -> Result<NewMovie, ApiError> {
        Ok(NewMovie { title: self.title, release_date: release_date(&self.release_date)? })
    }
}

impl Input<MoviePatch> for MovieForm {
    fn into_input(self) -> Result<MoviePatch, ApiError> {
        let unchanged =
            self.previous_date.as_deref().map(str::trim) == Some(self.release_date.trim());
        let release_date = if unchanged { None } else { Some(release_date(&self.release_date)?) };
        let title_changed = self.previous_title.as_deref().is_none_or(|t| !same(t, &self.title));
        Ok(MoviePatch { title: title_changed.then_some(self.title), release_date })
    }
}

/// The cast picker's fields: the chosen actor's id (from a `<select>`) and the character.
pub struct CastingForm {
    pub actor_id: String,
    pub character: String,
}

impl Input<CastingChoice> for CastingForm {
    fn into_input(self) -> Result<CastingChoice, ApiError> {
        let actor_id =
            self.actor_id.trim().parse::<i64>().map_err(|_| {
                ApiError::validation("actor_id", "required", "choose an actor to cast")
            })?;
        Ok(CastingChoice { actor_id, casting: CastingInput { character: Some(self.character) } })
    }
}

fn whole_number(field: &'static str, input: &str) -> Result<i64, ApiError> {
    input
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::invalid(field, format!("{field} must be a whole number")))
}

/// A date input left empty: the movie is not yet scheduled.
fn release_date(input: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    crate::model::dates::parse_release_date(input)
        .map(Some)
        .map_err(|message| ApiError::invalid("release_date", message))
}

/// Server functions answer the web app with the same status, code, message and field as the
/// REST API's JSON errors (internal causes are logged here, never sent). The HTTP status of a
/// server function's response is set from this body at the edge
/// (`api::edge::server_fn_responses`), where it is also right for errors raised before our code runs.
impl From<ApiError> for AppError {
    fn from(err: ApiError) -> Self {
        err.log();
        AppError {
            status: err.status().as_u16(),
            code: err.code().to_owned(),
            message: err.message(),
            field: err.field().map(str::to_owned),
            current: err.current().and_then(RawJson::of),
            submitted: None,
        }
    }
}
