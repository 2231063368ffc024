//! Lost-update protection. Every actor and movie carries a `version`; a write may say which
//! version(s) it was based on (REST: `If-Match`, the web app: the version its form showed),
//! and is refused with 412 and the current record when the row has moved on since. The check
//! runs on the row locked by the write's own transaction, so check and write are atomic.

use serde::Serialize;

use crate::server::ApiError;

/// What a write expects of the row it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Precondition {
    /// No expectation (no `If-Match`): the write behaves as the seed APIs' did.
    #[default]
    None,
    /// `If-Match: *`: any existing row.
    Exists,
    /// One of these entity tags (their opaque text, without quotes); a version matches the
    /// tag that is its decimal number.
    Tags(Vec<String>),
    /// A header that could not be read (its name): 400, but only after the permission check,
    /// so a caller without the permission hears 403 whatever it sent.
    Malformed(&'static str),
}

impl Precondition {
    /// Exactly this version (the web app's forms).
    pub fn version(version: i64) -> Precondition {
        Precondition::Tags(vec![version.to_string()])
    }

    pub fn allows(&self, version: i64) -> bool {
        match self {
            Precondition::None | Precondition::Exists => true,
            Precondition::Tags(tags) => tags.iter().any(|tag| *tag == version.to_string()),
            Precondition::Malformed(_) => false,
        }
    }

    /// 400 for a header that could not be read.
    pub fn readable(&self) -> Result<(), ApiError> {
        match self {
            Precondition::Malformed(name) => Err(ApiError::bad_request(
                "invalid_precondition",
                format!("{name} must be `*` or a list of entity tags like \"3\" (quotes included)"),
            )),
            _ => Ok(()),
        }
    }

    /// `Ok` when the write may go ahead on a row at `version`; otherwise 412 with `current`
    /// (what the client should look at before trying again).
    pub(super) fn check<T: Serialize>(
        &self,
        what: &str,
        id: i64,
        version: i64,
        current: &T,
    ) -> Result<(), ApiError> {
        self.readable()?;
        if self.allows(version) {
            return Ok(());
        }
        let message = format!(
            "{what} {id} was changed by someone else since you read it (it is now at version \
             {version}); nothing was written. Its current state is in `current`."
        );
        let current = serde_json::to_value(current).map_err(ApiError::internal)?;
        Err(ApiError::PreconditionFailed { message, current: Box::new(current) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_their_version_only() {
        assert!(Precondition::None.allows(7));
        assert!(Precondition::Exists.allows(7));
        assert!(Precondition::version(7).allows(7));
        assert!(!Precondition::version(6).allows(7));
        let either = Precondition::Tags(vec!["3".into(), "7".into()]);
        assert!(either.allows(7) && either.allows(3) && !either.allows(5));
        assert!(!Precondition::Tags(vec!["07".into()]).allows(7), "tags compare as text");
    }
}
