//! The browser bundle under `/pkg/`: served precompressed (brotli or gzip, as the browser
//! accepts, with `Vary: Accept-Encoding`), and cached for a year when cargo-leptos has put a
//! content hash in the file names (`hash-files`), so a repeat visit downloads no WASM. Without
//! hashed names (`cargo leptos watch` with hashing off) the files are revalidated instead.
//!
//! The `.br` and `.gz` variants are made once per build, beside the files: by
//! `casting-agency precompress` (run by `make release`), or at server start when missing or
//! older than their source. Never per request: brotli at its best setting takes seconds for the
//! WASM.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
    sync::Once,
};

use axum::{
    Router,
    http::{HeaderValue, header},
    response::Response,
};
use tower::ServiceBuilder;
use tower_http::services::ServeDir;

/// A year: the longest `max-age` caches honour. Safe only for content-hashed names.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed names may change content under the same URL: always ask first (304 if unchanged).
const REVALIDATE: &str = "no-cache";

/// The files worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &["js", "wasm", "css"];

/// The `/pkg` service for the site at `site_root`.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(pkg_dir: PathBuf, hashed: bool) -> Router<S> {
    let cache = HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE });
    let files = ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    let service = ServiceBuilder::new()
        .map_response(move |mut response: Response<_>| {
            if response.status().is_success() || response.status().as_u16() == 304 {
                let headers = response.headers_mut();
                headers.insert(header::CACHE_CONTROL, cache.clone());
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            response
        })
        .service(files);
    Router::new().fallback_service(service)
}

/// What [`precompress`] did.
#[derive(Debug, Default)]
pub struct Compressed {
    pub files: usize,
    pub raw_bytes: u64,
    pub brotli_bytes: u64,
    pub gzip_bytes: u64,
}

/// Writes missing or stale `.br` and `.gz` variants of the compressible files in `dir`.
pub fn precompress(dir: &Path) -> io::Result<Compressed> {
    let mut done = Compressed::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| COMPRESSIBLE.contains(&ext));
        if !compressible || !path.is_file() {
            continue;
        }
        let br = with_suffix(&path, "br");
        let gz = with_suffix(&path, "gz");
        if fresh(&path, &br) && fresh(&path, &gz) {
            continue;
        }
        let raw = std::fs::read(&path)?;
        let brotli = brotli_best(&raw)?;
        let gzip = gzip_best(&raw)?;
        write_atomically(&br, &brotli)?;
        write_atomically(&gz, &gzip)?;
        done.files += 1;
        done.raw_bytes += raw.len() as u64;
        done.brotli_bytes += brotli.len() as u64;
        done.gzip_bytes += gzip.len() as u64;
    }
    Ok(done)
}

/// [`precompress`] on a thread of its own, once per process: the server starts at once and
/// serves uncompressed files until the variants exist.
pub fn precompress_in_background(dir: PathBuf) {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new().name("precompress".into()).spawn(move || {
            match precompress(&dir) {
                Ok(done) if done.files > 0 => tracing::info!(
                    files = done.files,
                    raw = done.raw_bytes,
                    brotli = done.brotli_bytes,
                    gzip = done.gzip_bytes,
                    "precompressed the browser bundle"
                ),
                Ok(_) => {}
                // A missing site (tests, an API-only deployment) or a read-only one.
                Err(err) => tracing::debug!(%err, dir = %dir.display(), "bundle not precompressed"),
            }
        });
        if let Err(err) = spawned {
            tracing::warn!(%err, "could not start precompressing the browser bundle");
        }
    });
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether `variant` exists and is not older than `source`.
fn fresh(source: &Path, variant: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(source), modified(variant)), (Some(s), Some(v)) if v >= s)
}

fn brotli_best(raw: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let mut out = Vec::with_capacity(raw.len() / 3);
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params)?;
    Ok(out)
}

fn gzip_best(raw: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw)?;
    encoder.finish()
}

/// Readers see the old file or the whole new one, never half of it (another process may be
/// writing the same variant).
fn write_atomically(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = with_suffix(target, &format!("tmp{}", std::process::id()));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_made_once_and_decompress_to_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("app.abc123.wasm");
        let body: Vec<u8> = (0..50_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        std::fs::write(&wasm, &body).unwrap();
        std::fs::write(dir.path().join("logo.png"), b"not compressible").unwrap();

        let first = precompress(dir.path()).unwrap();
        assert_eq!(first.files, 1);
        assert!(first.brotli_bytes < first.raw_bytes / 4, "{first:?}");
        let mut unbrotli = Vec::new();
        let br = std::fs::read(with_suffix(&wasm, "br")).unwrap();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, body);
        let gz = std::fs::read(with_suffix(&wasm, "gz")).unwrap();
        let mut ungzip = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut ungzip)
            .unwrap();
        assert_eq!(ungzip, body);
        assert!(!dir.path().join("logo.png.br").exists());

        // Fresh variants are left alone.
        assert_eq!(precompress(dir.path()).unwrap().files, 0);
    }
}
