//! Release dates: one parser for every accepted input form and one renderer per output form.
//!
//! Accepted on input: `YYYY-MM-DD` (midnight UTC), RFC 3339 date-times with any offset, and the
//! HTTP-date form the API renders (`Mon, 23 Dec 2024 00:00:00 GMT`), so a client can send back
//! what it read. The full instant is kept, down to the nanosecond.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

/// Earliest and latest accepted years: wide enough for any film, narrow enough that every
/// stored value renders as a four-digit-year HTTP-date and sorts correctly as text.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1800..=9999;

/// Parses any accepted input form; the error says what is accepted.
pub fn parse_release_date(input: &str) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
        .or_else(|| DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc)))
        .or_else(|| DateTime::parse_from_rfc2822(s).ok().map(|d| d.with_timezone(&Utc)));
    match parsed {
        Some(dt) if YEAR_RANGE.contains(&dt.year()) => Ok(dt),
        Some(_) => Err(format!(
            "release_date must be between the years {} and {}",
            YEAR_RANGE.start(),
            YEAR_RANGE.end()
        )),
        None => Err(format!(
            "`{}` is not a date: use YYYY-MM-DD, an RFC 3339 date-time or an HTTP-date \
             like `Mon, 23 Dec 2024 00:00:00 GMT`",
            truncate(s, 40)
        )),
    }
}

/// `Mon, 23 Dec 2024 00:00:00 GMT`.
pub fn to_http_date(dt: &DateTime<Utc>) -> String {
    dt.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The storage form: fixed-width RFC 3339 in UTC with nanoseconds, so text order is time order.
pub fn to_storage(dt: &DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

pub fn from_storage(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc))
}

/// What a movie without a release date shows.
pub const UNSCHEDULED: &str = "TBA";

/// The months as the HTTP-date and the display form abbreviate them.
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// The browser renders and reads dates without chrono's `format` and parsers: they are tens of
// kilobytes of WASM (docs/web-budget.md), and the browser only ever sees the server's own
// HTTP-dates. The server keeps the full parser for what clients send.

/// `23 Dec 2024`, for people; "TBA" when not yet scheduled.
pub fn to_display(dt: &Option<DateTime<Utc>>) -> String {
    match dt {
        Some(dt) => format!("{} {} {}", dt.day(), MONTHS[dt.month0() as usize], dt.year()),
        None => UNSCHEDULED.to_owned(),
    }
}

/// `YYYY-MM-DD`, for date inputs in the UI; empty when not yet scheduled.
pub fn to_ymd(dt: &Option<DateTime<Utc>>) -> String {
    dt.map(|dt| format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day())).unwrap_or_default()
}

/// A stored instant (`2026-12-02T14:08:28.123456789Z`, see [`to_storage`]) as
/// `2 Dec 2026, 14:08 UTC`, without chrono (this runs in the browser too).
pub fn stored_to_display(stored: &str) -> Option<String> {
    let (date, time) = stored.split_once('T')?;
    let mut ymd = date.split('-');
    let (year, month, day) =
        (ymd.next()?, ymd.next()?.parse::<usize>().ok()?, ymd.next()?.parse::<u32>().ok()?);
    let month = MONTHS.get(month.checked_sub(1)?)?;
    Some(format!("{day} {month} {year}, {} UTC", time.get(..5)?))
}

/// Reads exactly the HTTP-date this API writes (`Mon, 23 Dec 2024 00:00:00 GMT`); the weekday
/// is not checked (the server wrote it).
fn parse_own_http_date(s: &str) -> Option<DateTime<Utc>> {
    let mut parts = s.split(' ');
    let (_weekday, day, month, year, time, zone) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let mut hms = time.split(':').map(|n| n.parse::<u32>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)?
        .and_hms_opt(h, m, sec)
        .map(|dt| dt.and_utc())
}

/// A `<time>` element's `datetime`: none for a movie not yet scheduled.
pub fn datetime_attr(dt: &Option<DateTime<Utc>>) -> Option<String> {
    dt.is_some().then(|| to_ymd(dt))
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Serde: renders an HTTP-date (`null` for no date); reads the HTTP-date this API writes
/// and, on the server, any accepted form.
pub mod http_date_option {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(dt: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match dt {
            Some(dt) => s.serialize_str(&to_http_date(dt)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(s) = Option::<String>::deserialize(d)? else { return Ok(None) };
        if let Some(dt) = parse_own_http_date(&s) {
            return Ok(Some(dt));
        }
        #[cfg(feature = "ssr")]
        {
            parse_release_date(&s).map(Some).map_err(D::Error::custom)
        }
        #[cfg(not(feature = "ssr"))]
        {
            Err(D::Error::custom(format!("`{s}` is not an HTTP-date")))
        }
    }
}

/// Serde for a patch's date: absent (`None`, with `#[serde(default)]`) leaves it as it is,
/// `null` (`Some(None)`) removes it, a date (`Some(Some(…))`) sets it.
pub mod patch {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        dt: &Option<Option<DateTime<Utc>>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        flexible_option::serialize(&dt.flatten(), s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<DateTime<Utc>>>, D::Error> {
        flexible_option::deserialize(d).map(Some)
    }
}

/// Serde: renders RFC 3339 with full precision (nothing lost in transit), reads any form.
pub mod flexible {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(dt: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&dt.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_release_date(&s).map_err(D::Error::custom)
    }
}

/// [`flexible`] for optional fields.
pub mod flexible_option {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(dt: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match dt {
            Some(dt) => s.serialize_str(&dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => parse_release_date(&s).map(Some).map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn all_three_input_forms_parse_to_the_same_instant() {
        let a = parse_release_date("2024-12-23").unwrap();
        let b = parse_release_date("2024-12-23T00:00:00Z").unwrap();
        let c = parse_release_date("Mon, 23 Dec 2024 00:00:00 GMT").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(to_http_date(&a), "Mon, 23 Dec 2024 00:00:00 GMT");
    }

    #[test]
    fn offsets_are_converted_and_precision_kept() {
        let d = parse_release_date("2020-05-14T16:02:13.123456789+02:00").unwrap();
        assert_eq!(to_storage(&d), "2020-05-14T14:02:13.123456789Z");
        assert_eq!(from_storage(&to_storage(&d)).unwrap(), d);
        assert_eq!(to_http_date(&d), "Thu, 14 May 2020 14:02:13 GMT");
    }

    #[test]
    fn the_browser_reads_and_shows_dates_as_the_server_writes_them() {
        for input in
            ["2024-12-23", "2020-05-14T16:02:13+02:00", "1800-01-01", "9999-12-31T23:59:59Z"]
        {
            let dt = parse_release_date(input).unwrap();
            let written = to_http_date(&dt);
            assert_eq!(
                parse_own_http_date(&written),
                Some(dt.with_nanosecond(0).unwrap()),
                "{input}"
            );
            assert_eq!(to_display(&Some(dt)), dt.format("%-d %b %Y").to_string());
            assert_eq!(to_ymd(&Some(dt)), dt.format("%Y-%m-%d").to_string());
        }
        assert_eq!(to_display(&None), "TBA");
        let stored = to_storage(&parse_release_date("2026-12-02T14:08:28.5Z").unwrap());
        assert_eq!(stored_to_display(&stored).as_deref(), Some("2 Dec 2026, 14:08 UTC"));
        assert_eq!(stored_to_display("yesterday"), None);
        for bad in [
            "",
            "Mon, 23 Dec 2024 00:00:00",
            "Mon, 31 Feb 2024 00:00:00 GMT",
            "Mon, 23 Dec 2024 25:00:00 GMT",
        ] {
            assert_eq!(parse_own_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn nonsense_and_out_of_range_are_refused() {
        for bad in
            ["", "yesterday", "2024-13-01", "2024-02-30", "1799-12-31", "24-12-23", "2024-1-5"]
        {
            assert!(parse_release_date(bad).is_err(), "{bad} should be refused");
        }
        // A weekday that contradicts the date is refused, not silently corrected.
        assert!(parse_release_date("Tue, 23 Dec 2024 00:00:00 GMT").is_err());
    }
}
