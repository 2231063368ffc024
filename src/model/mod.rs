//! Types shared by the server and the browser: what an actor and a movie are, what a caller may
//! be allowed to do, and the inputs that create or change them.

pub mod dates;
mod error;
mod permission;
pub mod query;

pub use error::AppError;
pub use permission::{Permission, Role, UserInfo};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest accepted actor name or movie title, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted gender label, in characters.
pub const MAX_GENDER_CHARS: usize = 50;
/// Accepted ages, inclusive.
pub const AGE_RANGE: std::ops::RangeInclusive<i64> = 0..=150;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub age: i64,
    pub gender: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movie {
    pub id: i64,
    pub title: String,
    /// Rendered as an HTTP-date (`Mon, 23 Dec 2024 00:00:00 GMT`), as both seed APIs did.
    #[serde(with = "dates::http_date")]
    pub release_date: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewActor {
    pub name: String,
    pub age: i64,
    pub gender: String,
}

/// A partial update: absent fields keep their value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
}

impl ActorPatch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.age.is_none() && self.gender.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMovie {
    pub title: String,
    #[serde(with = "dates::flexible")]
    pub release_date: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoviePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, with = "dates::flexible_option", skip_serializing_if = "Option::is_none")]
    pub release_date: Option<DateTime<Utc>>,
}

impl MoviePatch {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.release_date.is_none()
    }
}

/// An actor in a movie's cast, with the character they play (if set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastMember {
    #[serde(flatten)]
    pub actor: Actor,
    pub character: Option<String>,
}

/// A movie in an actor's filmography, with the character they play (if set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    #[serde(flatten)]
    pub movie: Movie,
    pub character: Option<String>,
}

/// The optional body of an assignment: who the actor plays. Empty or absent clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastingInput {
    #[serde(default)]
    pub character: Option<String>,
}
