//! Types shared by the server and the browser: what an actor and a movie are, what a caller may
//! be allowed to do, and the inputs that create or change them.

pub mod dates;
mod error;
pub mod journal;
mod permission;
pub mod picture;
pub mod query;
pub mod raw_json;
pub mod spreadsheet;

pub use error::AppError;
pub use permission::{Permission, Role, UserInfo};
pub use picture::Picture;
pub use raw_json::RawJson;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

// Text fields: trimmed, not empty, no control characters (the schema `pattern` says the same
// for OpenAPI clients and fuzzers). The schema attributes below take only literals, so they
// repeat these limits; `limits_in_the_schema_are_the_constants` (server::api::openapi) checks
// every copy against the constants here.

/// The schema `pattern` of a required text field: not blank, no control characters.
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$";

/// Longest accepted actor name or movie title, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted gender label, in characters.
pub const MAX_GENDER_CHARS: usize = 50;
/// Accepted ages, inclusive.
pub const AGE_RANGE: std::ops::RangeInclusive<i64> = 0..=150;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub age: i64,
    pub gender: String,
    /// How many changes the record has had: 1 when created, +1 on every change (its fields,
    /// its cast, a delete, a restore). Sent as the `ETag` of `GET /actors/{id}` and compared
    /// with `If-Match` on writes.
    #[cfg_attr(feature = "ssr", schema(minimum = 1, example = 1))]
    pub version: i64,
    /// The headshot (`PUT /actors/{id}/photo`), or `null`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub photo: Option<Picture>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Movie {
    pub id: i64,
    pub title: String,
    /// Rendered as an HTTP-date (`Mon, 23 Dec 2024 00:00:00 GMT`), as both seed APIs did;
    /// `null` for a movie not yet scheduled (shown as "TBA", listed after every dated one).
    #[serde(with = "dates::http_date_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, required = true, example = "Mon, 23 Dec 2024 00:00:00 GMT"))]
    pub release_date: Option<DateTime<Utc>>,
    /// See [`Actor::version`]; the `ETag` of `GET /movies/{id}`.
    #[cfg_attr(feature = "ssr", schema(minimum = 1, example = 1))]
    pub version: i64,
    /// The poster (`PUT /movies/{id}/poster`), or `null`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub poster: Option<Picture>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewActor {
    /// 1 to 200 characters after trimming.
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            min_length = 1,
            max_length = 200,
            example = "Ada Lovelace"
        )
    )]
    pub name: String,
    /// 0 to 150.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 150, example = 36))]
    pub age: i64,
    /// Free text, 1 to 50 characters after trimming.
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            min_length = 1,
            max_length = 50,
            example = "female"
        )
    )]
    pub gender: String,
}

/// A partial update: absent fields keep their value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", schema(min_properties = 1))]
pub struct ActorPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        schema(
            nullable = false,
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            min_length = 1,
            max_length = 200,
            example = "Ada Lovelace"
        )
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        schema(nullable = false, minimum = 0, maximum = 150, example = 36)
    )]
    pub age: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        schema(
            nullable = false,
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            min_length = 1,
            max_length = 50,
            example = "female"
        )
    )]
    pub gender: Option<String>,
}

impl ActorPatch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.age.is_none() && self.gender.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMovie {
    /// 1 to 200 characters after trimming.
    #[cfg_attr(
        feature = "ssr",
        schema(
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            min_length = 1,
            max_length = 200,
            example = "The Analytical Engine"
        )
    )]
    pub title: String,
    /// `YYYY-MM-DD`, RFC 3339 (any offset) or an HTTP-date; years 1800 to 9999. Absent or
    /// `null`: not yet scheduled.
    #[serde(default, with = "dates::flexible_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, example = "2024-12-23"))]
    pub release_date: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", schema(min_properties = 1))]
pub struct MoviePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        schema(
            nullable = false,
            min_length = 1,
            max_length = 200,
            example = "The Analytical Engine"
        )
    )]
    pub title: Option<String>,
    /// `YYYY-MM-DD`, RFC 3339 (any offset) or an HTTP-date; years 1800 to 9999. `null`
    /// unschedules the movie (no release date yet).
    #[serde(default, with = "dates::patch", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, example = "2024-12-23"))]
    pub release_date: Option<Option<DateTime<Utc>>>,
}

impl MoviePatch {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.release_date.is_none()
    }
}

/// An actor in a movie's cast, with the character they play (if set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CastMember {
    #[serde(flatten)]
    pub actor: Actor,
    pub character: Option<String>,
}

/// A movie in an actor's filmography, with the character they play (if set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Credit {
    #[serde(flatten)]
    pub movie: Movie,
    pub character: Option<String>,
}

/// What a casting change in the web app did, for the notice that tells the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastChange {
    pub actor_id: i64,
    pub actor_name: String,
    pub character: Option<String>,
    /// `false` when the actor was already cast and only the character changed.
    pub created: bool,
}

/// The optional body of an assignment: who the actor plays. Empty or absent clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CastingInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(
            nullable = false,
            pattern = r"^\s*$|^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
            max_length = 200,
            example = "Herself"
        )
    )]
    pub character: Option<String>,
}
