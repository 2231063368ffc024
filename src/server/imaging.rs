//! Turning an uploaded file into the renditions that are stored and served.
//!
//! Nothing of the upload is kept as sent: the content is recognised by its bytes (never its
//! `Content-Type` or name), its declared size is checked before a pixel is decoded, it is
//! decoded, turned upright (EXIF orientation), and re-encoded at each size. So no metadata
//! (EXIF GPS, a camera's serial number) and no payload hidden in the file survives, and what is
//! served is always a well-formed image this server wrote.
//!
//! Pure and CPU-bound: the service runs it on the blocking pool, a few at a time.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, codecs::jpeg::JpegEncoder,
    codecs::png::PngEncoder, imageops::FilterType, metadata::Orientation,
};

use crate::model::picture::{ACCEPTED_NAMES, MAX_PIXELS, PictureSize};

/// Quality of the JPEG renditions: no visible loss at these sizes, a quarter of quality 100.
const JPEG_QUALITY: u8 = 85;
/// Most memory a decoder may take (a 40-megapixel RGBA picture needs 160 MB).
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;

/// A rendition as encoded.
#[derive(Clone, Debug)]
pub struct Encoded {
    pub size: PictureSize,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// What an upload became.
#[derive(Clone, Debug)]
pub struct Processed {
    /// The content hash of the upload (128 bits of SHA-256, hex).
    pub etag: String,
    /// Of the `full` rendition.
    pub width: u32,
    pub height: u32,
    /// Every [`PictureSize`], smallest first.
    pub renditions: Vec<Encoded>,
}

/// Why an upload was refused; every one is the sender's to fix (422).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is not a {ACCEPTED_NAMES} image (its content was checked, not its name)")]
    NotAnImage,
    #[error(
        "the image is {width}×{height} pixels ({megapixels} megapixels); at most {} megapixels are accepted",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels { width: u32, height: u32, megapixels: u64 },
    #[error("the image is damaged or cut short and could not be read")]
    Damaged,
    #[error(
        "the file has {0} bytes after the end of its image (another file hidden in it, or a motion photo's video); save it as a plain {ACCEPTED_NAMES} image"
    )]
    TrailingData(usize),
}

impl Refusal {
    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAnImage => "unsupported_image",
            Refusal::TooManyPixels { .. } => "too_many_pixels",
            Refusal::Damaged => "damaged_image",
            Refusal::TrailingData(_) => "trailing_data",
        }
    }
}

/// The content hash used as a picture's `etag`.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    digest.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks, decodes and re-encodes `bytes` into every rendition.
pub fn process(bytes: &[u8]) -> Result<Processed, Refusal> {
    let format = image::guess_format(bytes).map_err(|_| Refusal::NotAnImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(Refusal::NotAnImage);
    }
    check_nothing_after_the_image(format, bytes)?;
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_DECODE_ALLOC);
        reader.limits(limits);
        reader
    };
    // The header alone: a decompression bomb is refused here, before any pixel is decoded.
    let (width, height) = reader().into_dimensions().map_err(|_| Refusal::Damaged)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        let megapixels = pixels.div_ceil(1_000_000);
        return Err(Refusal::TooManyPixels { width, height, megapixels });
    }
    let mut decoder = reader().into_decoder().map_err(|_| Refusal::Damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| Refusal::Damaged)?;
    picture.apply_orientation(orientation);
    let picture = flatten(picture);

    let mut renditions = Vec::with_capacity(PictureSize::ALL.len());
    // Largest first, each made from the one before: a third of the work of resizing the
    // upload three times, and each step still filters over every source pixel.
    let mut source = picture;
    for size in PictureSize::ALL.into_iter().rev() {
        let (w, h) = size.fit(source.width(), source.height());
        if (w, h) != (source.width(), source.height()) {
            source = source.resize_exact(w, h, FilterType::CatmullRom);
        }
        renditions.push(encode(size, &source)?);
    }
    renditions.reverse();
    let full = renditions.last().expect("three sizes");
    Ok(Processed { etag: content_hash(bytes), width: full.width, height: full.height, renditions })
}

/// 8 bits per channel; the alpha channel only when some pixel is not opaque (a photo saved as
/// RGBA is served as a JPEG).
fn flatten(picture: DynamicImage) -> DynamicImage {
    if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        if rgba.pixels().any(|p| p.0[3] != u8::MAX) {
            return DynamicImage::ImageRgba8(rgba);
        }
        return DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).to_rgb8());
    }
    match picture {
        DynamicImage::ImageRgb8(_) => picture,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// JPEG for opaque pictures, PNG where there is transparency to keep.
fn encode(size: PictureSize, picture: &DynamicImage) -> Result<Encoded, Refusal> {
    let mut data = Vec::new();
    let content_type = if picture.color().has_alpha() {
        picture.write_with_encoder(PngEncoder::new(&mut data)).map_err(|_| Refusal::Damaged)?;
        "image/png"
    } else {
        let encoder = JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY);
        picture.write_with_encoder(encoder).map_err(|_| Refusal::Damaged)?;
        "image/jpeg"
    };
    Ok(Encoded { size, content_type, width: picture.width(), height: picture.height(), data })
}

/// Refuses a file with data after its image's end: a second file appended to a picture (a
/// JPEG+ZIP polyglot, a script after a PNG) would pass a decoder, which stops at the end marker.
/// A truncated file, whose end marker is missing, is refused here too.
fn check_nothing_after_the_image(format: ImageFormat, bytes: &[u8]) -> Result<(), Refusal> {
    let end = match format {
        ImageFormat::Jpeg => jpeg_end(bytes),
        ImageFormat::Png => png_end(bytes),
        ImageFormat::WebP => webp_end(bytes),
        _ => None,
    };
    match end {
        Some(end) if end == bytes.len() => Ok(()),
        Some(end) if end < bytes.len() => Err(Refusal::TrailingData(bytes.len() - end)),
        _ => Err(Refusal::Damaged),
    }
}

/// Where a JPEG ends: after its last EOI marker (`FF D9`), allowing the zero padding some
/// cameras write after it.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    let trimmed = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    if bytes[..trimmed].ends_with(&[0xFF, 0xD9]) {
        return Some(bytes.len());
    }
    // Not at the end: the first EOI after the last start of scan is where the image ends.
    let sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA])?;
    let eoi = bytes[sos..].windows(2).position(|w| w == [0xFF, 0xD9])?;
    Some(sos + eoi + 2)
}

/// Where a PNG ends: after its `IEND` chunk, found by walking the chunks.
fn png_end(bytes: &[u8]) -> Option<usize> {
    let mut at = 8; // The signature.
    loop {
        let length = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let next = at.checked_add(12)?.checked_add(length)?;
        if next > bytes.len() {
            return None;
        }
        if kind == b"IEND" {
            return Some(next);
        }
        at = next;
    }
}

/// Where a WebP ends: as its RIFF header says (padded to an even length).
fn webp_end(bytes: &[u8]) -> Option<usize> {
    let size = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let end = 8usize.checked_add(size)?.checked_add(size & 1)?;
    (end <= bytes.len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        out
    }

    fn png_with_alpha(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(w, h, |x, _| Rgba([200, 10, 10, (x % 256) as u8]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img).write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    #[test]
    fn every_size_is_made_and_never_enlarged() {
        let done = process(&jpeg(2000, 1000)).unwrap();
        let sizes: Vec<_> = done.renditions.iter().map(|r| (r.size, r.width, r.height)).collect();
        assert_eq!(
            sizes,
            [
                (PictureSize::Thumb, 96, 48),
                (PictureSize::Card, 320, 160),
                (PictureSize::Full, 1024, 512)
            ]
        );
        assert!(done.renditions.iter().all(|r| r.content_type == "image/jpeg"));
        let small = process(&jpeg(50, 40)).unwrap();
        assert!(small.renditions.iter().all(|r| (r.width, r.height) == (50, 40)));
    }

    #[test]
    fn transparency_is_kept_as_png() {
        let done = process(&png_with_alpha(400, 300)).unwrap();
        assert!(done.renditions.iter().all(|r| r.content_type == "image/png"));
    }

    #[test]
    fn data_after_the_end_is_refused_and_a_cut_file_is_damaged() {
        let mut polyglot = jpeg(64, 64);
        let zip = b"PK\x03\x04 a zip file follows";
        polyglot.extend_from_slice(zip);
        assert_eq!(process(&polyglot).unwrap_err(), Refusal::TrailingData(zip.len()));
        let mut png = png_with_alpha(32, 32);
        png.extend_from_slice(b"<script>alert(1)</script>");
        assert!(matches!(process(&png), Err(Refusal::TrailingData(25))));
        let whole = jpeg(64, 64);
        assert_eq!(process(&whole[..whole.len() / 2]).unwrap_err(), Refusal::Damaged);
        let png = png_with_alpha(32, 32);
        assert_eq!(process(&png[..png.len() - 20]).unwrap_err(), Refusal::Damaged);
    }

    #[test]
    fn other_content_is_not_an_image() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(process(svg).unwrap_err(), Refusal::NotAnImage);
        assert_eq!(process(b"GIF89a......").unwrap_err(), Refusal::NotAnImage);
        assert_eq!(process(b"").unwrap_err(), Refusal::NotAnImage);
    }
}
