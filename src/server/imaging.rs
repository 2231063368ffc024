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
/// Most memory a decoder may take (a 40-megapixel RGBA picture needs 160 MB, 320 MB at 16
/// bits a channel).
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

fn reader(format: ImageFormat, bytes: &[u8]) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    reader
}

/// The format, refused unless it is one of ours, and the size the header declares, refused
/// beyond [`MAX_PIXELS`]: read before any pixel is decoded, so a decompression bomb costs
/// nothing.
fn header(bytes: &[u8]) -> Result<(ImageFormat, u32, u32), Refusal> {
    let format = image::guess_format(bytes).map_err(|_| Refusal::NotAnImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(Refusal::NotAnImage);
    }
    let (width, height) = reader(format, bytes).into_dimensions().map_err(|_| Refusal::Damaged)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        let megapixels = pixels.div_ceil(1_000_000);
        return Err(Refusal::TooManyPixels { width, height, megapixels });
    }
    Ok((format, width, height))
}

/// An upper bound of the memory [`process`] takes for `bytes`, from the header alone: the
/// decoded picture (its channels at their depth: a 16-bit RGBA PNG takes 8 bytes a pixel),
/// its 8-bit copy, the resize's working rows, the decoder's working buffers and the upload. The service admits uploads against a memory budget by it, so a few
/// large ones at once cannot exhaust the server.
pub fn decoding_cost(bytes: &[u8]) -> Result<u64, Refusal> {
    let (format, width, height) = header(bytes)?;
    let decoder = reader(format, bytes).into_decoder().map_err(|_| Refusal::Damaged)?;
    let pixels = u64::from(width) * u64::from(height);
    let decoded = decoder.total_bytes();
    // The 8-bit copy `flatten` makes, unless the picture is 8-bit RGB already.
    let copy = if decoder.color_type() == image::ColorType::Rgb8 { 0 } else { pixels * 4 };
    // Resizing to the full size filters columns first, into 16-byte pixels of the upload's
    // width and (at most) the full size's height.
    let long = u64::from(PictureSize::Full.long_side());
    let resizing = u64::from(width) * u64::from(height).min(long) * 16;
    // The decoders' own buffers: a progressive JPEG keeps every coefficient (2 bytes for each
    // of up to 3 components a pixel, at 4:4:4), a lossless WebP decodes into RGBA first; and
    // the JPEG decoder's copy of the file.
    let working = match format {
        ImageFormat::Jpeg => pixels * 6 + bytes.len() as u64,
        ImageFormat::WebP => pixels * 4,
        _ => 0,
    };
    Ok([decoded, copy, resizing, working, bytes.len() as u64]
        .into_iter()
        .fold(0, u64::saturating_add))
}

/// Checks, decodes and re-encodes `bytes` into every rendition.
pub fn process(bytes: &[u8]) -> Result<Processed, Refusal> {
    let (format, _, _) = header(bytes)?;
    check_nothing_after_the_image(format, bytes)?;
    let mut decoder = reader(format, bytes).into_decoder().map_err(|_| Refusal::Damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let picture = flatten(DynamicImage::from_decoder(decoder).map_err(|_| Refusal::Damaged)?);

    // The full size first, then turned upright: turning the upload itself would need a
    // second picture of its size. A quarter turn swaps the sides, and `fit` with them.
    let (w, h) = PictureSize::Full.fit(picture.width(), picture.height());
    let mut full = if (w, h) == (picture.width(), picture.height()) {
        picture
    } else {
        picture.resize_exact(w, h, FilterType::CatmullRom)
    };
    full.apply_orientation(orientation);

    let mut renditions = Vec::with_capacity(PictureSize::ALL.len());
    // Largest first, each made from the one before: a third of the work of resizing the
    // upload three times, and each step still filters over every source pixel. Every size is
    // fitted to the full rendition's, as `Picture::size_of` computes it for a page's
    // width/height (fitting the card instead could round a side one pixel differently).
    let full_size = (full.width(), full.height());
    let mut source = full;
    for size in PictureSize::ALL.into_iter().rev() {
        let (w, h) = size.fit(full_size.0, full_size.1);
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
/// RGBA is served as a JPEG). The upload's own picture is let go as soon as it is copied, and
/// an 8-bit RGBA one is not copied at all: at most two pictures of its size at once.
fn flatten(picture: DynamicImage) -> DynamicImage {
    if !picture.color().has_alpha() {
        return match picture {
            DynamicImage::ImageRgb8(_) => picture,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
    }
    let rgba = match picture {
        DynamicImage::ImageRgba8(rgba) => rgba,
        other => other.to_rgba8(),
    };
    if rgba.pixels().any(|p| p.0[3] != u8::MAX) {
        return DynamicImage::ImageRgba8(rgba);
    }
    DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).to_rgb8())
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

/// How many whole JPEGs may follow the first in one file (a camera's multi-picture file holds
/// one or two: an Ultra HDR gain map, an MPO's second view).
const JPEG_MORE_IMAGES: usize = 4;

/// Where a JPEG ends, found by walking its segments and scans to its EOI marker (`FF D9`), not
/// by looking for those two bytes, which a payload can end with as easily. Zero padding after
/// it (some cameras write it) and up to [`JPEG_MORE_IMAGES`] further whole JPEGs, each with a
/// frame and a scan, belong to the file; anything else does not.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    let mut end = jpeg_image_end(bytes)?.end;
    for _ in 0..=JPEG_MORE_IMAGES {
        let next = end + bytes[end..].iter().take_while(|&&b| b == 0).count();
        if next == bytes.len() {
            return Some(next);
        }
        match jpeg_image_end(&bytes[next..]) {
            Some(image) if image.has_frame_and_scan => end = next + image.end,
            _ => return Some(end),
        }
    }
    Some(end)
}

/// The one image that starts a JPEG file.
struct JpegImage {
    /// Just after its EOI.
    end: usize,
    /// Whether it has a frame header (SOF) and a scan (SOS): a picture, not a wrapped payload.
    has_frame_and_scan: bool,
}

fn jpeg_image_end(bytes: &[u8]) -> Option<JpegImage> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let (mut frame, mut scan) = (false, false);
    let mut at = 2;
    loop {
        // A marker: `FF` (any number of them: fill bytes), then its code. Stray bytes before
        // it are skipped, as libjpeg does (some cameras pad between segments).
        at += bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
        while bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            0xD9 => return Some(JpegImage { end: at, has_frame_and_scan: frame && scan }),
            // Markers without a length: TEM and the restart markers (and a stray `FF 00`).
            0x00 | 0x01 | 0xD0..=0xD7 => {}
            _ => {
                let length =
                    usize::from(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
                if length < 2 || at + length > bytes.len() {
                    return None;
                }
                at += length;
                // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
                frame |= matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
                if marker == 0xDA {
                    scan = true;
                    // A scan's entropy-coded data runs to the next marker; inside it, `FF 00`
                    // is a stuffed byte and `FF D0`–`FF D7` are restarts.
                    loop {
                        at += bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
                        match *bytes.get(at + 1)? {
                            0x00 | 0xD0..=0xD7 => at += 2,
                            0xFF => at += 1,
                            _ => break,
                        }
                    }
                }
            }
        }
    }
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
    fn every_rendition_has_the_size_a_page_gives_it() {
        // 2048×822: the full size is 1024×411; fitting the thumbnail to the card (320×128)
        // gave 96×38, where a page, fitting it to the full size, says 96×39.
        let done = process(&jpeg(2048, 822)).unwrap();
        let full = done.renditions.last().unwrap();
        for r in &done.renditions {
            assert_eq!((r.width, r.height), r.size.fit(full.width, full.height), "{:?}", r.size);
        }
        assert_eq!((done.renditions[0].width, done.renditions[0].height), (96, 39));
    }

    #[test]
    fn the_decoding_cost_is_read_from_the_header_and_counts_the_depth() {
        // 8-bit RGB JPEG: the decoded picture, the resize's columns, the decoder's coefficients
        // and its copy of the file, and the file; no 8-bit copy.
        let file = jpeg(100, 50);
        let len = file.len() as u64;
        assert_eq!(decoding_cost(&file).unwrap(), 100 * 50 * (3 + 16 + 6) + 2 * len);
        // 16-bit RGBA PNG: 8 bytes a pixel decoded, 4 for the 8-bit copy.
        let wide = image::ImageBuffer::<Rgba<u16>, _>::from_pixel(100, 50, Rgba([1, 2, 3, 4]));
        let mut png = Vec::new();
        DynamicImage::ImageRgba16(wide).write_with_encoder(PngEncoder::new(&mut png)).unwrap();
        let len = png.len() as u64;
        assert_eq!(decoding_cost(&png).unwrap(), 100 * 50 * (8 + 4 + 16) + len);
        // Still decoded and served as 8 bits.
        assert!(process(&png).is_ok());
        // A file too large on its header is refused before any cost is counted.
        assert!(matches!(decoding_cost(&bomb_header()), Err(Refusal::TooManyPixels { .. })));
    }

    #[test]
    fn a_jpeg_declaring_too_many_pixels_is_refused_on_its_header() {
        let mut file = jpeg(64, 64);
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        let sof = file.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        file[sof + 5..sof + 7].copy_from_slice(&10_000u16.to_be_bytes());
        file[sof + 7..sof + 9].copy_from_slice(&10_000u16.to_be_bytes());
        let refused = decoding_cost(&file).unwrap_err();
        assert_eq!(
            refused,
            Refusal::TooManyPixels { width: 10_000, height: 10_000, megapixels: 100 }
        );
        assert_eq!(process(&file).unwrap_err(), refused);
    }

    /// A PNG whose header declares 10,000 × 10,000 pixels, with no pixels behind it.
    fn bomb_header() -> Vec<u8> {
        let mut png = png_with_alpha(1, 1);
        // IHDR's width and height are the 8 bytes after the signature, length and type.
        png[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        // The chunk's CRC covers its type and data.
        let mut crc = flate2::Crc::new();
        crc.update(&png[12..29]);
        png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        png
    }

    #[test]
    fn a_png_s_text_chunks_do_not_survive() {
        // A PNG with a text chunk (where editors write authors, GPS, comments) before IEND.
        let png = png_with_alpha(40, 30);
        let iend = png.len() - 12;
        let data = b"Comment\0secret-serial-4242";
        let mut crc = flate2::Crc::new();
        crc.update(b"tEXt");
        crc.update(data);
        let chunk =
            [&(data.len() as u32).to_be_bytes()[..], b"tEXt", data, &crc.sum().to_be_bytes()]
                .concat();
        let tagged = [&png[..iend], &chunk[..], &png[iend..]].concat();
        let done = process(&tagged).unwrap();
        for r in &done.renditions {
            assert!(!r.data.windows(6).any(|w| w == b"secret"), "{:?} kept the text", r.size);
        }
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
        // A payload made to end with the JPEG end marker is still found.
        let mut disguised = jpeg(64, 64);
        let payload = b"PK\x03\x04 a zip file follows\xFF\xD9";
        disguised.extend_from_slice(payload);
        assert_eq!(process(&disguised).unwrap_err(), Refusal::TrailingData(payload.len()));
        // A payload wrapped as a JPEG without a frame or a scan is not a second picture.
        let mut wrapped = jpeg(64, 64);
        let fake =
            [&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06][..], b"PK\x03\x04", &[0xFF, 0xD9]].concat();
        wrapped.extend_from_slice(&fake);
        assert_eq!(process(&wrapped).unwrap_err(), Refusal::TrailingData(fake.len()));
        // Nor are a million empty ones (each once a level of recursion: a stack overflow).
        let mut many = jpeg(64, 64);
        let empties = [0xFF, 0xD8, 0xFF, 0xD9].repeat(1_000_000);
        many.extend_from_slice(&empties);
        assert_eq!(process(&many).unwrap_err(), Refusal::TrailingData(empties.len()));
        // A camera's multi-picture JPEG (whole JPEGs after the first, zero padding between
        // them) is one picture.
        let mut multi = jpeg(64, 64);
        multi.extend_from_slice(&[0, 0]);
        multi.extend_from_slice(&jpeg(16, 16));
        multi.extend_from_slice(&jpeg(8, 8));
        multi.extend_from_slice(&[0, 0, 0]);
        assert!(process(&multi).is_ok());
        // Stray bytes between segments are skipped, as libjpeg does (whether the decoder
        // then reads the file is its own affair).
        let plain = jpeg(32, 32);
        let padded = [&plain[..2], &[0x00, 0x00][..], &plain[2..]].concat();
        assert_eq!(jpeg_end(&padded), Some(padded.len()));
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
