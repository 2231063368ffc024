//! Headshots and posters (issue 16): upload, serve in three sizes, remove; hostile files
//! refused with nothing stored; metadata stripped; conditional GETs; permissions, the web
//! app's cookie and its no-JavaScript form. Real HTTP, both databases.

use std::io::Cursor;

use casting_agency::model::Role;
use image::{
    DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage,
    codecs::{jpeg::JpegEncoder, png::PngEncoder, webp::WebPEncoder},
};
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error};
use crate::web::local_session;

crate::on_both_databases!(
    each_format_round_trips_in_three_sizes_with_strong_etags,
    metadata_is_stripped_and_the_picture_turned_upright,
    hostile_and_broken_files_are_refused_and_nothing_is_stored,
    only_those_who_may_edit_change_pictures_and_readers_see_them,
    a_picture_is_a_journaled_change_and_survives_the_trash,
    a_poster_is_replaced_removed_and_journaled_by_its_hash,
    a_database_failure_mid_write_stores_nothing,
    the_web_form_works_with_the_session_cookie_from_this_site_only,
);

// ---- Test images ----

fn photo(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 90])
    }))
}

fn encoded(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)),
        ImageFormat::Png => img.write_with_encoder(PngEncoder::new(&mut out)),
        ImageFormat::WebP => img.write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        _ => unreachable!(),
    }
    .unwrap();
    out
}

/// A JPEG with an EXIF block: orientation 6 (turn 90° clockwise to view) and a camera serial
/// number, inserted right after the start-of-image marker.
fn jpeg_with_exif(w: u32, h: u32, serial: &str) -> Vec<u8> {
    let plain = encoded(&photo(w, h), ImageFormat::Jpeg);
    let mut text = serial.as_bytes().to_vec();
    text.push(0);
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes()); // IFD0 right after the header
    tiff.extend(2u16.to_le_bytes()); // two entries
    tiff.extend(0x0112u16.to_le_bytes()); // Orientation, SHORT, 1, = 6
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend([6, 0, 0, 0]);
    tiff.extend(0xA431u16.to_le_bytes()); // BodySerialNumber, ASCII
    tiff.extend(2u16.to_le_bytes());
    tiff.extend((text.len() as u32).to_le_bytes());
    tiff.extend(38u32.to_le_bytes()); // 8 + 2 + 2 * 12 + 4
    tiff.extend(0u32.to_le_bytes()); // no next IFD
    tiff.extend(&text);
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    [&plain[..2], &app1[..], &plain[2..]].concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    out.extend(crc32(&[&kind[..], data].concat()).to_be_bytes());
    out
}

/// A well-formed PNG header claiming `w`×`h` pixels, with almost no pixel data.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale
    let idat = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]; // zlib of nothing
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", &ihdr),
        chunk(b"IDAT", &idat),
        chunk(b"IEND", &[]),
    ]
    .concat()
}

/// A real decompression bomb: 48 megapixels of black in a few dozen KB.
fn png_bomb() -> Vec<u8> {
    use image::codecs::png::{CompressionType, FilterType};
    let img = DynamicImage::ImageLuma8(image::GrayImage::new(8000, 6000));
    let mut out = Vec::new();
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::NoFilter);
    img.write_with_encoder(encoder).unwrap();
    assert!(out.len() < 100_000, "a bomb is small: {} bytes", out.len());
    out
}

// ---- Helpers ----

async fn put(
    app: &TestApp,
    path: &str,
    role: Role,
    body: Vec<u8>,
    mime: &str,
) -> reqwest::Response {
    app.request(Method::PUT, path, Some(&app.token(role)))
        .header(header::CONTENT_TYPE, mime)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A `multipart/form-data` body with one file field (and the other fields given).
fn form(file: Option<(&str, &[u8])>, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----casting-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        ).as_bytes());
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn json(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

async fn stored_renditions(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pictures")
        .fetch_one(app.core.service.db().pool())
        .await
        .unwrap()
}

async fn journal_entries(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM changes")
        .fetch_one(app.core.service.db().pool())
        .await
        .unwrap()
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().unwrap().decode().unwrap()
}

// ---- Tests ----

async fn each_format_round_trips_in_three_sizes_with_strong_etags(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let cases = [
        (ImageFormat::Jpeg, "image/jpeg", photo(1600, 1200), "image/jpeg"),
        (ImageFormat::Png, "image/png", photo(500, 1000), "image/jpeg"),
        (
            ImageFormat::WebP,
            "image/webp",
            DynamicImage::ImageRgba8(RgbaImage::from_fn(640, 480, |x, _| {
                Rgba([10, 200, 30, (x % 256) as u8])
            })),
            "image/png",
        ),
    ];
    for (format, mime, img, served_as) in cases {
        let id = app.seed_actor(&format!("Round {format:?}")).await;
        let path = format!("/actors/{id}/photo");
        let (status, body) =
            json(put(&app, &path, Role::Director, encoded(&img, format), mime).await).await;
        assert_eq!(status, 200, "{format:?}: {body}");
        let photo = &body["actor"]["photo"];
        let etag = photo["etag"].as_str().unwrap().to_owned();
        assert_eq!(etag.len(), 32, "{photo}");
        let (w, h) = img.dimensions();
        let long = w.max(h);
        let expect = |side: u32| {
            let side = side.min(long);
            ((w * side + long / 2) / long, (h * side + long / 2) / long)
        };
        assert_eq!(
            (photo["width"].as_u64().unwrap() as u32, photo["height"].as_u64().unwrap() as u32),
            expect(1024)
        );
        // The record as read shows the same picture.
        let (_, shown) = json(app.get(&format!("/actors/{id}"), Role::Assistant).await).await;
        assert_eq!(shown["actor"]["photo"], *photo);
        for (size, side) in [("thumb", 96), ("card", 320), ("full", 1024)] {
            let url = photo["urls"][size].as_str().unwrap();
            assert_eq!(url, format!("{path}?size={size}&v={etag}"));
            let res = app.get(url, Role::Assistant).await;
            assert_eq!(res.status(), 200, "{size}");
            assert_eq!(res.headers()[header::CONTENT_TYPE], served_as, "{format:?} {size}");
            let tag = res.headers()[header::ETAG].to_str().unwrap().to_owned();
            assert_eq!(tag, format!("\"{etag}-{size}\""));
            assert!(
                res.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"),
                "a URL naming the picture may be kept"
            );
            let got = decode(&res.bytes().await.unwrap());
            assert_eq!(got.dimensions(), expect(side), "{format:?} {size}");
            // Held copy: 304, no body.
            let again = app
                .request(Method::GET, url, Some(&app.token(Role::Assistant)))
                .header(header::IF_NONE_MATCH, &tag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304);
            assert!(again.bytes().await.unwrap().is_empty());
        }
        // Without `v`: the full size, revalidated each time.
        let plain = app.get(&path, Role::Assistant).await;
        assert_eq!(plain.status(), 200);
        assert_eq!(plain.headers()[header::CACHE_CONTROL], "private, no-cache");
        assert_eq!(plain.headers()[header::ETAG].to_str().unwrap(), format!("\"{etag}-full\""));
    }
    let bad = app.get("/actors/1/photo?size=huge", Role::Assistant).await;
    expect_error(bad, 422, "invalid_size").await;
}

async fn metadata_is_stripped_and_the_picture_turned_upright(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let id = app.seed_actor("Exif").await;
    let serial = "SERIAL-GPS-4711-SECRET";
    let upload = jpeg_with_exif(400, 200, serial);
    assert!(upload.windows(serial.len()).any(|w| w == serial.as_bytes()));
    let (status, body) =
        json(put(&app, &format!("/actors/{id}/photo"), Role::Director, upload, "image/jpeg").await)
            .await;
    assert_eq!(status, 200, "{body}");
    // Orientation 6: the 400×200 sensor image is a 200×400 portrait.
    assert_eq!(
        (body["actor"]["photo"]["width"].as_u64(), body["actor"]["photo"]["height"].as_u64()),
        (Some(200), Some(400))
    );
    for size in ["thumb", "card", "full"] {
        let res = app.get(&format!("/actors/{id}/photo?size={size}"), Role::Assistant).await;
        let bytes = res.bytes().await.unwrap();
        assert!(!bytes.windows(serial.len()).any(|w| w == serial.as_bytes()), "{size}");
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{size}: an EXIF block survived");
        let img = decode(&bytes);
        assert!(img.height() > img.width(), "{size}: not turned upright");
    }
}

async fn hostile_and_broken_files_are_refused_and_nothing_is_stored(db: TestDb) {
    // A smaller limit than the default 5 MB, so the refused body fits in the socket's buffers
    // and the client reads the 413 (with 5 MB, the server's early answer races the upload).
    let limit = 200_000;
    let options = Options { picture_max_bytes: Some(limit), ..Options::default() };
    let app = TestApp::start(db, options).await;
    let id = app.seed_actor("Target").await;
    let path = format!("/actors/{id}/photo");
    let before = journal_entries(&app).await;
    let whole = encoded(&photo(300, 300), ImageFormat::Jpeg);
    let mut polyglot = whole.clone();
    polyglot.extend(b"PK\x03\x04\x14\x00 and the rest of a zip archive");
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        ("decompression bomb", png_bomb(), "image/png", 422, "too_many_pixels"),
        (
            "huge declared size",
            png_declaring(100_000, 100_000),
            "image/png",
            422,
            "too_many_pixels",
        ),
        ("truncated", whole[..whole.len() / 2].to_vec(), "image/jpeg", 422, "damaged_image"),
        ("polyglot", polyglot, "image/jpeg", 422, "trailing_data"),
        ("svg", svg, "image/svg+xml", 422, "unsupported_image"),
        (
            "text named as an image",
            b"hello, not a picture".to_vec(),
            "image/jpeg",
            422,
            "unsupported_image",
        ),
        ("json", b"{}".to_vec(), "application/json", 415, "unsupported_media_type"),
        ("empty", Vec::new(), "image/jpeg", 422, "missing_file"),
        ("over the limit", vec![0xFF; limit + 20_000], "image/jpeg", 413, "payload_too_large"),
    ];
    for (what, body, mime, status, code) in cases {
        let res = put(&app, &path, Role::Director, body, mime).await;
        let err = expect_error(res, status, code).await;
        assert!(!err["message"].as_str().unwrap().is_empty(), "{what}");
    }
    // A non-image with an image's name, through the form.
    let (mime, body) = form(Some(("face.jpg", b"MZ\x90\x00 an executable")), &[]);
    let res = put(&app, &path, Role::Director, body, &mime).await;
    expect_error(res, 422, "unsupported_image").await;
    // Nothing of any of them was kept.
    assert_eq!(stored_renditions(&app).await, 0);
    assert_eq!(journal_entries(&app).await, before);
    let (_, actor) = json(app.get(&format!("/actors/{id}"), Role::Assistant).await).await;
    assert_eq!(actor["actor"]["photo"], Value::Null);
    assert_eq!(actor["actor"]["version"], 1);
    expect_error(app.get(&path, Role::Assistant).await, 404, "not_found").await;
}

async fn only_those_who_may_edit_change_pictures_and_readers_see_them(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Perm").await;
    let movie = app.seed_movie("Poster Film").await;
    let jpeg = encoded(&photo(200, 300), ImageFormat::Jpeg);
    let apath = format!("/actors/{actor}/photo");
    let mpath = format!("/movies/{movie}/poster");
    // No token: 401. Assistant: 403, whatever the body.
    let res = app.client.put(app.url(&apath)).body(jpeg.clone()).send().await.unwrap();
    assert_eq!(res.status(), 401);
    expect_error(
        put(&app, &apath, Role::Assistant, jpeg.clone(), "image/jpeg").await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        put(&app, &mpath, Role::Assistant, b"junk".to_vec(), "image/jpeg").await,
        403,
        "forbidden",
    )
    .await;
    // Missing record: 404 before any decoding.
    expect_error(
        put(&app, "/actors/999999/photo", Role::Director, jpeg.clone(), "image/jpeg").await,
        404,
        "not_found",
    )
    .await;
    // Director may change both (patch:actors, patch:movies).
    assert_eq!(put(&app, &apath, Role::Director, jpeg.clone(), "image/jpeg").await.status(), 200);
    let (status, body) =
        json(put(&app, &mpath, Role::Director, jpeg.clone(), "image/jpeg").await).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["movie"]["poster"]["urls"]["card"].as_str().unwrap().starts_with(&mpath));
    // Readers see them, in lists and casts too.
    let (_, list) = json(app.get("/actors", Role::Assistant).await).await;
    assert!(list["actors"][0]["photo"]["etag"].is_string(), "{list}");
    let (_, movies) = json(app.get("/movies", Role::Assistant).await).await;
    assert!(movies["movies"][0]["poster"]["etag"].is_string(), "{movies}");
    let cast = app
        .request(
            Method::PUT,
            &format!("/movies/{movie}/actors/{actor}"),
            Some(&app.token(Role::Producer)),
        )
        .send()
        .await
        .unwrap();
    assert!(cast.status().is_success(), "{}", cast.status());
    let (_, cast) = json(app.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert!(cast.to_string().contains(&apath), "{cast}");
    assert_eq!(app.get(&mpath, Role::Assistant).await.status(), 200);
    // Reading needs a token (or the session cookie) and the kind's read permission.
    assert_eq!(app.client.get(app.url(&apath)).send().await.unwrap().status(), 401);
    let mut movies_only = app.claims(Role::Assistant);
    movies_only["permissions"] = serde_json::json!(["get:movies"]);
    let movies_only = app.key.sign(&movies_only);
    let res = app.request(Method::GET, &apath, Some(&movies_only)).send().await.unwrap();
    expect_error(res, 403, "forbidden").await;
    let res = app.request(Method::GET, &mpath, Some(&movies_only)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // A 403 comes before the upload is read: a megabyte sent by someone who may not change
    // pictures is left unread (so the connection is closed, not kept for the next request).
    let big = vec![0u8; 1 << 20];
    let res = put(&app, &apath, Role::Assistant, big.clone(), "image/jpeg").await;
    assert_eq!(res.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    expect_error(res, 403, "forbidden").await;
    let (content_type, body) = form(Some(("big.jpg", &big)), &[]);
    let res = app
        .request(Method::POST, &apath, Some(&app.token(Role::Assistant)))
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    expect_error(res, 403, "forbidden").await;
    // Remove: assistant 403; director 200; again 404; then 404 to read.
    let del = |role| app.request(Method::DELETE, &apath, Some(&app.token(role))).send();
    expect_error(del(Role::Assistant).await.unwrap(), 403, "forbidden").await;
    let (status, body) = json(del(Role::Director).await.unwrap()).await;
    assert_eq!((status, &body["actor"]["photo"]), (200, &Value::Null));
    expect_error(del(Role::Director).await.unwrap(), 404, "not_found").await;
    expect_error(app.get(&apath, Role::Assistant).await, 404, "not_found").await;
    // A stale If-Match: 412, nothing written.
    let res = app
        .request(Method::PUT, &apath, Some(&app.token(Role::Director)))
        .header(header::IF_MATCH, "\"1\"")
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(jpeg)
        .send()
        .await
        .unwrap();
    expect_error(res, 412, "precondition_failed").await;
    assert_eq!(stored_renditions(&app).await, 3, "the poster's three renditions only");
}

async fn a_picture_is_a_journaled_change_and_survives_the_trash(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let id = app.seed_actor("Journal").await;
    let path = format!("/actors/{id}/photo");
    let jpeg = encoded(&photo(120, 120), ImageFormat::Jpeg);
    let (_, body) = json(put(&app, &path, Role::Director, jpeg.clone(), "image/jpeg").await).await;
    let etag = body["actor"]["photo"]["etag"].as_str().unwrap().to_owned();
    assert_eq!(body["actor"]["version"], 2);
    // The same picture again: nothing written.
    let (_, again) = json(put(&app, &path, Role::Director, jpeg, "image/jpeg").await).await;
    assert_eq!(again["actor"]["version"], 2);
    let (_, history) = json(app.get(&format!("/actors/{id}/history"), Role::Producer).await).await;
    let text = history.to_string();
    assert!(text.contains(&etag), "{history}");
    assert!(text.len() < 10_000, "the journal holds the hash, never the bytes");
    let changes = history["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{history}");
    // Delete, restore: the photo comes back with the actor.
    let del = app
        .request(Method::DELETE, &format!("/actors/{id}"), Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 200);
    expect_error(app.get(&path, Role::Assistant).await, 404, "not_found").await;
    let back = app
        .request(Method::POST, &format!("/actors/{id}/restore"), Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    let (status, back) = json(back).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["actor"]["photo"]["etag"], etag.as_str());
    assert_eq!(app.get(&path, Role::Assistant).await.status(), 200);
    // Purged from the trash: the renditions go too.
    let del = app
        .request(Method::DELETE, &format!("/actors/{id}"), Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 200);
    assert_eq!(stored_renditions(&app).await, 3);
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(400 * 24 * 3600);
    app.core.service.purge_trash(later).await.unwrap();
    assert_eq!(stored_renditions(&app).await, 0);
}

async fn a_poster_is_replaced_removed_and_journaled_by_its_hash(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let id = app.seed_movie("Posters").await;
    let path = format!("/movies/{id}/poster");
    let first = encoded(&photo(200, 300), ImageFormat::Png);
    let second = encoded(&photo(300, 200), ImageFormat::Jpeg);
    let (_, one) = json(put(&app, &path, Role::Director, first, "image/png").await).await;
    let one = one["movie"]["poster"]["etag"].as_str().unwrap().to_owned();
    // Revalidation: the held copy is still good (304), until the poster is replaced.
    let url = format!("{path}?size=card");
    let tag = format!("\"{one}-card\"");
    let held = |tag: String| {
        app.request(Method::GET, &url, Some(&app.token(Role::Assistant)))
            .header(header::IF_NONE_MATCH, tag)
            .send()
    };
    assert_eq!(held(tag.clone()).await.unwrap().status(), 304);
    let (_, two) = json(put(&app, &path, Role::Director, second, "image/jpeg").await).await;
    let two = two["movie"]["poster"]["etag"].as_str().unwrap().to_owned();
    assert_ne!(one, two);
    let res = held(tag).await.unwrap();
    assert_eq!(res.status(), 200, "a replaced poster is sent again");
    assert_eq!(res.headers()[header::ETAG].to_str().unwrap(), format!("\"{two}-card\""));
    // Removed: the movie has none, reading it is a 404, removing it again too.
    let del = || app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send();
    let (status, body) = json(del().await.unwrap()).await;
    assert_eq!((status, &body["movie"]["poster"]), (200, &Value::Null));
    expect_error(app.get(&path, Role::Assistant).await, 404, "not_found").await;
    expect_error(del().await.unwrap(), 404, "not_found").await;
    assert_eq!(stored_renditions(&app).await, 0, "a removed poster leaves no renditions");
    // The history: added, replaced, removed; each entry names the hashes, never the bytes.
    let (_, history) = json(app.get(&format!("/movies/{id}/history"), Role::Producer).await).await;
    let changes = history["changes"].as_array().unwrap();
    let poster =
        |change: &Value, side: &str| change[side]["poster"]["etag"].as_str().map(str::to_owned);
    // Newest first.
    assert_eq!(
        (poster(&changes[0], "before"), poster(&changes[0], "after")),
        (Some(two.clone()), None)
    );
    assert_eq!(
        (poster(&changes[1], "before"), poster(&changes[1], "after")),
        (Some(one.clone()), Some(two))
    );
    assert_eq!((poster(&changes[2], "before"), poster(&changes[2], "after")), (None, Some(one)));
    assert!(history.to_string().len() < 10_000, "the journal holds hashes, never the bytes");
}

async fn a_database_failure_mid_write_stores_nothing(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let id = app.seed_actor("Fault").await;
    let path = format!("/actors/{id}/photo");
    let before = journal_entries(&app).await;
    // The database refuses the full rendition's insert, after the record's change and any
    // rendition written before it in the same transaction.
    let pool = app.core.service.db().pool();
    let trigger = if app.db.is_postgres() {
        vec![
            "CREATE FUNCTION refuse_full() RETURNS trigger AS $$ BEGIN \
             IF NEW.size = 'full' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ \
             LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_full BEFORE INSERT ON pictures FOR EACH ROW \
             EXECUTE FUNCTION refuse_full()",
        ]
    } else {
        vec![
            "CREATE TRIGGER refuse_full BEFORE INSERT ON pictures WHEN NEW.size = 'full' \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        ]
    };
    for sql in trigger {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    let jpeg = encoded(&photo(400, 300), ImageFormat::Jpeg);
    let res = put(&app, &path, Role::Director, jpeg.clone(), "image/jpeg").await;
    assert_eq!(res.status(), 500);
    let text = res.text().await.unwrap();
    assert!(!text.contains("disk full"), "the database's words stay in the log: {text}");
    assert_eq!(stored_renditions(&app).await, 0, "no rendition is left behind");
    assert_eq!(journal_entries(&app).await, before, "no journal entry");
    let (_, actor) = json(app.get(&format!("/actors/{id}"), Role::Assistant).await).await;
    assert_eq!((&actor["actor"]["photo"], &actor["actor"]["version"]), (&Value::Null, &json!(1)));
    // Once the database takes it again, the same upload goes through.
    let drop = if app.db.is_postgres() {
        "DROP TRIGGER refuse_full ON pictures"
    } else {
        "DROP TRIGGER refuse_full"
    };
    sqlx::query(drop).execute(pool).await.unwrap();
    assert_eq!(put(&app, &path, Role::Director, jpeg, "image/jpeg").await.status(), 200);
    assert_eq!(stored_renditions(&app).await, 3);
}

async fn the_web_form_works_with_the_session_cookie_from_this_site_only(db: TestDb) {
    let app = TestApp::start(db, Options { local: true, ..Options::default() }).await;
    let producer = app.local_token(Role::Producer).await;
    let res = app
        .request(Method::POST, "/actors", Some(&producer))
        .json(&serde_json::json!({"name": "Form", "age": 30, "gender": "female"}))
        .send()
        .await
        .unwrap();
    let id = json(res).await.1["created"].as_i64().unwrap();
    let path = format!("/actors/{id}/photo");
    let origin = format!("http://{}", app.addr);
    let director = local_session(&app, "director").await;
    let jpeg = encoded(&photo(64, 64), ImageFormat::Jpeg);
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let post = |cookie: &str, origin: &str, body: (String, Vec<u8>), accept: &str| {
        no_redirects
            .post(app.url(&path))
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, origin)
            .header(header::ACCEPT, accept)
            .header(header::CONTENT_TYPE, body.0)
            .body(body.1)
            .send()
    };
    // Another site's form: refused, nothing stored.
    let res =
        post(&director, "https://evil.example", form(Some(("a.jpg", &jpeg)), &[]), "text/html")
            .await
            .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(stored_renditions(&app).await, 0);
    // A plain form post (no JavaScript): back to the actor's page, which says it worked.
    let res =
        post(&director, &origin, form(Some(("a.jpg", &jpeg)), &[]), "text/html").await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[header::LOCATION], format!("/actors/{id}?picture=saved#picture"));
    // Its failure: back with the reason's code only.
    let res =
        post(&director, &origin, form(Some(("a.jpg", b"nope")), &[]), "text/html").await.unwrap();
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("/actors/{id}?picture_error=unsupported_image#picture")
    );
    // The script's request (JSON): the actor, with the photo; an <img> reads it with the cookie.
    let res = post(
        &director,
        &origin,
        form(Some(("b.jpg", &encoded(&photo(90, 60), ImageFormat::Jpeg))), &[]),
        "application/json",
    )
    .await
    .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 200, "{body}");
    let thumb = body["actor"]["photo"]["urls"]["thumb"].as_str().unwrap();
    let img = app
        .client
        .get(app.url(thumb))
        .header(header::COOKIE, &director)
        .header(header::ACCEPT, "image/avif,image/webp,*/*")
        .send()
        .await
        .unwrap();
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()[header::CONTENT_TYPE], "image/jpeg");
    // An assistant's session cannot upload.
    let assistant = local_session(&app, "assistant").await;
    let res = post(&assistant, &origin, form(Some(("a.jpg", &jpeg)), &[]), "application/json")
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Remove through the form.
    let res =
        post(&director, &origin, form(None, &[("action", "remove")]), "text/html").await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], format!("/actors/{id}?picture=saved#picture"));
    assert_eq!(stored_renditions(&app).await, 0);
}
