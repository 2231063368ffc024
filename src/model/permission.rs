use serde::{Deserialize, Serialize};

/// The eight Auth0 API permissions. Their string forms are exactly what Auth0 puts in the
/// access token's `permissions` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    #[serde(rename = "get:actors")]
    GetActors,
    #[serde(rename = "get:movies")]
    GetMovies,
    #[serde(rename = "post:actors")]
    PostActors,
    #[serde(rename = "delete:actors")]
    DeleteActors,
    #[serde(rename = "patch:actors")]
    PatchActors,
    #[serde(rename = "patch:movies")]
    PatchMovies,
    #[serde(rename = "post:movies")]
    PostMovies,
    #[serde(rename = "delete:movies")]
    DeleteMovies,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::GetActors,
        Permission::GetMovies,
        Permission::PostActors,
        Permission::DeleteActors,
        Permission::PatchActors,
        Permission::PatchMovies,
        Permission::PostMovies,
        Permission::DeleteMovies,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::GetActors => "get:actors",
            Permission::GetMovies => "get:movies",
            Permission::PostActors => "post:actors",
            Permission::DeleteActors => "delete:actors",
            Permission::PatchActors => "patch:actors",
            Permission::PatchMovies => "patch:movies",
            Permission::PostMovies => "post:movies",
            Permission::DeleteMovies => "delete:movies",
        }
    }

    /// Exact match only: `"get:actors "` or `"GET:ACTORS"` grant nothing.
    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Permission {
    /// What the permission lets a person do, in their words.
    pub const fn ability(self) -> &'static str {
        match self {
            Permission::GetActors => "See actors",
            Permission::GetMovies => "See movies and their casts",
            Permission::PostActors => "Add actors",
            Permission::PatchActors => "Edit actors",
            Permission::DeleteActors => "Delete actors",
            Permission::PostMovies => "Add movies",
            Permission::PatchMovies => "Edit movies and cast actors in them",
            Permission::DeleteMovies => "Delete movies",
        }
    }
}

/// The three roles configured in Auth0 (and offered by local sign-in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Assistant,
    Director,
    Producer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Assistant, Role::Director, Role::Producer];

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Assistant => &[GetActors, GetMovies],
            Role::Director => {
                &[GetActors, GetMovies, PostActors, DeleteActors, PatchActors, PatchMovies]
            }
            Role::Producer => &Permission::ALL,
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            Role::Assistant => "assistant",
            Role::Director => "director",
            Role::Producer => "producer",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Role::Assistant => "Casting Assistant",
            Role::Director => "Casting Director",
            Role::Producer => "Executive Producer",
        }
    }

    /// The role in a sentence, for people choosing or holding it.
    pub const fn summary(self) -> &'static str {
        match self {
            Role::Assistant => "Looks things up: actors, movies and who is cast in what.",
            Role::Director => "Manages actors and casts them in movies.",
            Role::Producer => "Runs everything, including adding and deleting movies.",
        }
    }

    /// Accepts the slug (`director`), the title (`Casting Director`) and snake/kebab forms.
    pub fn parse(s: &str) -> Option<Role> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == '-' || c == '_' { ' ' } else { c })
            .collect();
        Role::ALL.into_iter().find(|r| norm == r.slug() || norm == r.title().to_ascii_lowercase())
    }
}

/// Who is signed in to the web app, as the pages need to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub subject: String,
    pub permissions: Vec<Permission>,
}

impl UserInfo {
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// The largest role whose permissions this user holds, if any.
    pub fn role(&self) -> Option<Role> {
        Role::ALL.into_iter().rev().find(|role| role.permissions().iter().all(|p| self.can(*p)))
    }
}
