//! Headshots and posters as the API and the web app see them: which picture a record has, its
//! renditions, and the rules an upload must meet (one source for the server's checks and the
//! upload form's hints).

use serde::{Deserialize, Serialize};

/// What the upload form accepts (its `accept` attribute) and the server decodes. The content
/// is what counts: a file is decoded, never trusted by its type or name.
pub const ACCEPTED_TYPES: &str = "image/jpeg,image/png,image/webp";
/// The same, for people.
pub const ACCEPTED_NAMES: &str = "JPEG, PNG or WebP";
/// Largest upload by default, in bytes (`PICTURE_MAX_BYTES` changes it).
pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most pixels an upload may declare. Checked on the header, before any pixel is decoded, so
/// a small file that claims to be enormous (a decompression bomb) costs nothing.
pub const MAX_PIXELS: u64 = 40_000_000;

/// Whose picture: an actor's headshot or a movie's poster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PictureOwner {
    Actor,
    Movie,
}

impl PictureOwner {
    pub fn as_str(self) -> &'static str {
        match self {
            PictureOwner::Actor => "actor",
            PictureOwner::Movie => "movie",
        }
    }

    /// What the picture is called: "photo" or "poster".
    pub fn picture_name(self) -> &'static str {
        match self {
            PictureOwner::Actor => "photo",
            PictureOwner::Movie => "poster",
        }
    }

    /// The picture's own URL path, e.g. `/actors/3/photo`.
    pub fn path(self, id: i64) -> String {
        match self {
            PictureOwner::Actor => format!("/actors/{id}/photo"),
            PictureOwner::Movie => format!("/movies/{id}/poster"),
        }
    }
}

/// A rendition: the picture resized so its longer side is at most this many pixels (never
/// enlarged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PictureSize {
    Thumb,
    Card,
    Full,
}

impl PictureSize {
    pub const ALL: [PictureSize; 3] = [PictureSize::Thumb, PictureSize::Card, PictureSize::Full];

    pub fn long_side(self) -> u32 {
        match self {
            PictureSize::Thumb => 96,
            PictureSize::Card => 320,
            PictureSize::Full => 1024,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PictureSize::Thumb => "thumb",
            PictureSize::Card => "card",
            PictureSize::Full => "full",
        }
    }

    pub fn parse(text: &str) -> Option<PictureSize> {
        PictureSize::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The size of this rendition of a `width`×`height` picture (the aspect ratio kept).
    pub fn fit(self, width: u32, height: u32) -> (u32, u32) {
        let long = width.max(height);
        let side = self.long_side();
        if long <= side {
            return (width.max(1), height.max(1));
        }
        let scale = |v: u32| {
            ((u64::from(v) * u64::from(side) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
        };
        (scale(width), scale(height))
    }
}

/// A record's picture: `null` in the record when it has none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Picture {
    /// The content hash of the upload: the same in every rendition's strong `ETag`, and new
    /// whenever the picture changes.
    #[cfg_attr(feature = "ssr", schema(example = "9f86d081884c7d659a2feaa0c55ad015"))]
    pub etag: String,
    /// Of the `full` rendition, in pixels.
    pub width: u32,
    pub height: u32,
    pub urls: PictureUrls,
}

/// Where each rendition is served; the URLs name the picture's `etag`, so a changed picture
/// has new URLs and a browser may keep each one for long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PictureUrls {
    #[cfg_attr(
        feature = "ssr",
        schema(example = "/actors/1/photo?size=thumb&v=9f86d081884c7d659a2feaa0c55ad015")
    )]
    pub thumb: String,
    pub card: String,
    pub full: String,
}

impl Picture {
    pub fn new(owner: PictureOwner, id: i64, etag: String, width: u32, height: u32) -> Picture {
        let path = owner.path(id);
        let url = |size: PictureSize| format!("{path}?size={}&v={etag}", size.as_str());
        let urls = PictureUrls {
            thumb: url(PictureSize::Thumb),
            card: url(PictureSize::Card),
            full: url(PictureSize::Full),
        };
        Picture { etag, width, height, urls }
    }

    /// The size of a rendition of this picture.
    pub fn size_of(&self, size: PictureSize) -> (u32, u32) {
        size.fit(self.width, self.height)
    }
}

/// What a person is told when an upload failed, by the error's code (the no-JavaScript form
/// carries only the code back to the page, so a crafted link can show nothing but these).
pub fn upload_problem(code: &str) -> &'static str {
    match code {
        "unsupported_image" => "That file is not a JPEG, PNG or WebP image.",
        "too_many_pixels" => "That image is too large: at most 40 megapixels are accepted.",
        "damaged_image" => "That image is damaged or cut short and could not be read.",
        "trailing_data" => {
            "That file has data hidden after its image (a motion photo's video?). Save it as a plain still image and try again."
        }
        "payload_too_large" => "That file is too large to upload.",
        "missing_file" => "Choose an image file first.",
        "forbidden" => "You are not allowed to change this picture.",
        "not_found" => "There is no picture to remove.",
        "not_signed_in" | "invalid_token" => "Your session has ended; sign in again.",
        "rate_limited" => "Too many changes at once; wait a moment and try again.",
        _ => "The picture could not be saved; try again.",
    }
}

/// Up to two initials of a name, for the placeholder of a record without a picture.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &str| w.chars().next().map(|c| c.to_uppercase().collect::<String>());
    match words.as_slice() {
        [] => String::new(),
        [one] => first(one).unwrap_or_default(),
        [one, .., last] => {
            format!("{}{}", first(one).unwrap_or_default(), first(last).unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_keep_the_aspect_and_never_enlarge() {
        assert_eq!(PictureSize::Thumb.fit(4000, 3000), (96, 72));
        assert_eq!(PictureSize::Full.fit(3000, 4000), (768, 1024));
        assert_eq!(PictureSize::Card.fit(200, 100), (200, 100));
        assert_eq!(PictureSize::Thumb.fit(10_000, 1), (96, 1));
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Ada King Lovelace"), "AL");
        assert_eq!(initials("  cher "), "C");
        assert_eq!(initials(""), "");
        assert_eq!(initials("élodie durand"), "ÉD");
    }
}
