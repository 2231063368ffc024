//! The browser bundle under `/pkg/`: brotli or gzip as the browser accepts (with `Vary`),
//! cached for a year when its names carry content hashes, revalidated when they do not.

use reqwest::header;

use casting_agency::server::api::edge::assets::precompress;

use crate::support::{Options, TestApp, TestDb};

/// A site with a bundle of one (compressible) WASM and one JS file, precompressed.
fn site() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let wasm: Vec<u8> = b"\0asm"
        .iter()
        .copied()
        .chain((0..40_000u32).flat_map(|i| (i % 97).to_le_bytes()))
        .collect();
    std::fs::write(pkg.join("casting-agency.Xy12.wasm"), &wasm).unwrap();
    std::fs::write(
        pkg.join("casting-agency.Xy12.js"),
        "export default function() {}\n".repeat(200),
    )
    .unwrap();
    let done = precompress(&pkg).unwrap();
    assert_eq!(done.files, 2);
    (dir, wasm)
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(encodings) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, encodings);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn hashed_bundle_is_served_precompressed_and_cached_for_a_year() {
    let (dir, wasm) = site();
    let br = std::fs::read(dir.path().join("pkg/casting-agency.Xy12.wasm.br")).unwrap();
    let gz = std::fs::read(dir.path().join("pkg/casting-agency.Xy12.wasm.gz")).unwrap();
    let options = Options { data_dir: Some(dir), hash_files: true, ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let path = "/pkg/casting-agency.Xy12.wasm";

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), &br),
        (Some("gzip"), Some("gzip"), &gz),
        (None, None, &wasm),
    ] {
        let res = get(&app, path, accept).await;
        assert_eq!(res.status(), 200, "{accept:?}");
        let headers = res.headers().clone();
        assert_eq!(
            headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(headers[header::VARY], "accept-encoding");
        assert_eq!(&res.bytes().await.unwrap()[..], &body[..], "{accept:?}");
    }
    assert!(br.len() * 4 < wasm.len(), "brotli {} of {}", br.len(), wasm.len());

    // A name that is not there is not cached for a year.
    let missing = get(&app, "/pkg/casting-agency.old.wasm", Some("br")).await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .headers()
            .get(header::CACHE_CONTROL)
            .is_none_or(|v| v != "public, max-age=31536000, immutable")
    );
}

#[tokio::test]
async fn unhashed_bundle_is_revalidated_and_pages_stay_uncached() {
    let (dir, _) = site();
    let app =
        TestApp::start(TestDb::sqlite(), Options { data_dir: Some(dir), ..Options::default() })
            .await;
    let res = get(&app, "/pkg/casting-agency.Xy12.js", Some("br")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let page =
        app.client.get(app.url("/login")).header(header::ACCEPT, "text/html").send().await.unwrap();
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");
}
