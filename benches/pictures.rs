//! Picture uploads: a 12-megapixel JPEG, as a phone takes it, checked and re-encoded into the
//! three renditions (`server::imaging::process`, what an upload waits for besides the network
//! and one insert). Prints the time of each run and its median; with `BENCH_OUT` set, also
//! writes the JPEG there for `scripts/bench-pictures.sh` to upload over HTTP.
//!
//! `make bench-pictures` runs this, then the HTTP side.

use std::time::Instant;

use casting_agency::server::imaging;
use image::{DynamicImage, RgbImage, codecs::jpeg::JpegEncoder};

/// A photo-like 4000×3000 picture: smooth gradients with sensor-like noise, so the JPEG has
/// a phone photo's size (a flat picture would compress to almost nothing).
fn twelve_megapixels() -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let img = RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as u32;
        let r = (x * 200 / w + noise) as u8;
        let g = (y * 200 / h + noise) as u8;
        let b = ((x + y) * 120 / (w + h) + noise) as u8;
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .expect("encodes");
    out
}

fn main() {
    let jpeg = twelve_megapixels();
    println!("12-megapixel JPEG (4000×3000): {:.1} MB", jpeg.len() as f64 / 1e6);
    if let Ok(dir) = std::env::var("BENCH_OUT") {
        let path = std::path::Path::new(&dir).join("12mp.jpg");
        std::fs::write(&path, &jpeg).expect("writes the JPEG");
        println!("written to {}", path.display());
    }
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(7);
    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        let start = Instant::now();
        let done = imaging::process(&jpeg).expect("a valid photo");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let sizes: Vec<String> = done
            .renditions
            .iter()
            .map(|r| format!("{} {} KB", r.size.as_str(), r.data.len() / 1024))
            .collect();
        println!("run {run}: decode + 3 renditions in {ms:.0} ms ({})", sizes.join(", "));
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "upload to renditions (in process, 1 core): median {:.0} ms, best {:.0} ms, worst {:.0} ms",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
