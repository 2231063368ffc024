//! JSON carried as its text, read into a type only where one is wanted.
//!
//! The browser receives records inside other messages (the record as it is now with a 412, a
//! change on the live stream). Holding them as `serde_json::Value` would compile the whole
//! dynamic JSON model (its deserializer, its maps) into the WASM bundle for data that is only
//! ever read as an `Actor` or a `Movie`; kept as text, they cost one copy and are parsed once,
//! straight into the type.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;

/// A JSON value as received. Only JSON (de)serializers can read or write it, which is all this
/// app uses for the messages that carry one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// `value` as JSON text (`None` if it cannot be written as JSON: a map with non-string
    /// keys, say, which no record has).
    pub fn of(value: &impl Serialize) -> Option<RawJson> {
        serde_json::value::to_raw_value(value).ok().map(RawJson)
    }

    /// Read as a `T`; `None` if it is not one.
    pub fn read<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(self.0.get()).ok()
    }

    /// The JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }
}

/// The same text is the same value: records are written by one serializer, in one field order.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Eq for RawJson {}

#[cfg(test)]
mod tests {
    use super::RawJson;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Named {
        name: String,
    }

    #[test]
    fn a_value_survives_a_message_round_trip_and_reads_as_its_type() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Message {
            current: Option<RawJson>,
        }
        let sent = Message { current: RawJson::of(&Named { name: "Ann <b>".into() }) };
        let text = serde_json::to_string(&sent).unwrap();
        assert_eq!(text, r#"{"current":{"name":"Ann <b>"}}"#);
        let back: Message = serde_json::from_str(&text).unwrap();
        assert_eq!(back.current.unwrap().read::<Named>(), Some(Named { name: "Ann <b>".into() }));
    }

    #[test]
    fn a_value_of_another_shape_reads_as_none() {
        let raw = RawJson::of(&[1, 2]).unwrap();
        assert_eq!(raw.read::<Named>(), None);
        assert_eq!(raw.text(), "[1,2]");
    }
}
