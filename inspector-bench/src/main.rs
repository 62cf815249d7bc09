//! `cargo run --release -p inspector-bench [-- COUNT]`: draws COUNT (default 240) degraded
//! pictures of real license QR codes — signed by the signer for the sample enterprises, at
//! level Q like the printed license — and counts how many each decoder reads back exactly:
//! the inspector's decoder (rxing), the rqrr candidate with its pre-processing, and zbar
//! (`zbarimg` from Debian's zbar-tools) on the same pictures.
//!
//! Degradations, drawn per picture from a fixed seed (so every run sees the same pictures):
//! 2–4 pixels per module, any rotation, perspective (corners moved up to 12 % of the code),
//! Gaussian blur σ 0–1.3 px, sensor noise σ 0–22 levels, contrast from full down to 45 levels,
//! uneven lighting, and a glare spot on half of them.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

#[path = "../../signer/tests/common/mod.rs"]
mod common;
mod rqrr_candidate;

use std::f64::consts::PI;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use inspector::decode::{self, Luma};
use qrcode::{Color, EcLevel, QrCode};

const WIDTH: usize = 640;
const HEIGHT: usize = 480;
/// The inspector's short address (the server sends `/i` to it) as a URL-form QR carries it.
const URL_BASE: &str = "https://yiye.example/i";

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(240);
    let texts = license_texts();
    let pictures: Vec<Picture> = (0..count)
        .map(|i| Picture::draw(&texts[i % texts.len()], i as u64))
        .collect();
    let versions: Vec<i16> = texts
        .iter()
        .filter_map(|t| signer::qr_version(t).ok())
        .collect();
    println!(
        "{count} pictures of {WIDTH}x{HEIGHT}, {} license QR texts (QR versions {}..={}) at level Q",
        texts.len(),
        versions.iter().min().unwrap_or(&0),
        versions.iter().max().unwrap_or(&0),
    );
    // What the URL form (opened by a phone's own camera app) costs in QR size.
    let url_versions: Vec<i16> = texts
        .iter()
        .filter_map(|t| signer::qr_version(&signer::url_form(URL_BASE, t).ok()?).ok())
        .collect();
    println!(
        "URL form ({URL_BASE}#…): QR versions {:?}, plain: {versions:?}",
        url_versions
    );
    println!();
    println!("| decoder                              | read     | ms per picture |");
    println!("|--------------------------------------|---------:|---------------:|");
    let (read, ms) = measure(&pictures, |p| decode::decode(p.luma()));
    row("rxing 0.9, chosen (inspector::decode)", &read, ms);
    for preparation in rqrr_candidate::PREPARATIONS {
        let (read, ms) = measure(&pictures, |p| rqrr_candidate::decode(p.luma(), preparation));
        row(rqrr_candidate::name(preparation), &read, ms);
    }
    let (read, ms) = measure(&pictures, |p| rqrr_candidate::decode_any(p.luma()));
    row("rqrr, any of the three", &read, ms);
    match zbar(&pictures) {
        Ok((read, ms)) => row("zbar (zbarimg)", &read, ms),
        Err(why) => println!("| zbar: not measured ({why}) |"),
    }
}

fn row(label: &str, read: &[bool], ms: f64) {
    let n = read.iter().filter(|r| **r).count();
    println!(
        "| {label:<36} | {:>8} | {ms:>14.1} |",
        format!("{n}/{}", read.len())
    );
}

/// Which pictures `decoder` read back exactly, and its mean time per picture.
fn measure(pictures: &[Picture], decoder: impl Fn(&Picture) -> Option<String>) -> (Vec<bool>, f64) {
    let start = Instant::now();
    let read: Vec<bool> = pictures
        .iter()
        .map(|p| decoder(p).as_deref() == Some(p.text.as_str()))
        .collect();
    let ms = start.elapsed().as_secs_f64() * 1000.0 / pictures.len().max(1) as f64;
    (read, ms)
}

/// zbarimg on each picture written as PGM, one process per picture (its output does not say
/// which file a code came from).
fn zbar(pictures: &[Picture]) -> Result<(Vec<bool>, f64), String> {
    let dir = std::env::temp_dir().join(format!("inspector-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let files: Vec<PathBuf> = pictures
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let path = dir.join(format!("{i:04}.pgm"));
            p.write_pgm(&path).map(|()| path)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut read = Vec::with_capacity(files.len());
    for (file, picture) in files.iter().zip(pictures) {
        let out = Command::new("zbarimg")
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(file)
            .output()
            .map_err(|e| format!("zbarimg: {e}; install Debian's zbar-tools"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        read.push(text.lines().any(|l| l == picture.text));
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / files.len().max(1) as f64;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((read, ms))
}

/// QR texts of the sample licenses (the signer's test enterprises), signed for real.
fn license_texts() -> Vec<String> {
    let mut claims: Vec<_> = common::samples().into_iter().map(|(_, c)| c).collect();
    claims.push(common::worst_case());
    claims
        .iter()
        .filter_map(|c| signer::issue(c, &common::key_for(&c.issuer)).ok())
        .collect()
}

/// Deterministic random numbers (xorshift64*), so every run draws the same pictures.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * self.unit()).cos()
    }
}

struct Picture {
    text: String,
    pixels: Vec<u8>,
}

impl Picture {
    fn luma(&self) -> Luma<'_> {
        Luma {
            width: WIDTH,
            height: HEIGHT,
            pixels: &self.pixels,
        }
    }

    fn draw(text: &str, seed: u64) -> Picture {
        let mut rng = Rng::new(seed + 1);
        let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q) else {
            return Picture {
                text: text.to_owned(),
                pixels: vec![255; WIDTH * HEIGHT],
            };
        };
        let modules = code.width();
        let dark_modules = code.to_colors();
        let side_modules = (modules + 8) as f64; // with the 4-module quiet zone
        let per_module = rng.between(2.0, 4.0);
        let side = side_modules * per_module;
        let angle = rng.between(0.0, 2.0 * PI);
        let (cx, cy) = (
            WIDTH as f64 / 2.0 + rng.between(-0.1, 0.1) * WIDTH as f64,
            HEIGHT as f64 / 2.0 + rng.between(-0.1, 0.1) * HEIGHT as f64,
        );
        // Corners of the rotated square, each moved by up to 12 % of the side (perspective).
        let tilt = rng.between(0.0, 0.12) * side;
        let corners: Vec<(f64, f64)> = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
            .iter()
            .map(|&(u, v)| {
                let (x, y) = (u * side, v * side);
                (
                    cx + x * angle.cos() - y * angle.sin() + rng.between(-1.0, 1.0) * tilt,
                    cy + x * angle.sin() + y * angle.cos() + rng.between(-1.0, 1.0) * tilt,
                )
            })
            .collect();
        let to_code = square_to_quad(&corners).inverse();
        let dark = rng.between(15.0, 110.0);
        let light = (dark + rng.between(45.0, 200.0)).min(245.0);
        // Uneven lighting across the frame: a linear ramp of up to ±25 %.
        let (ramp_x, ramp_y) = (rng.between(-0.25, 0.25), rng.between(-0.25, 0.25));
        let glare = (rng.unit() < 0.5).then(|| {
            (
                cx + rng.between(-0.4, 0.4) * side,
                cy + rng.between(-0.4, 0.4) * side,
                rng.between(0.12, 0.3) * side,
                rng.between(60.0, 170.0),
            )
        });
        let mut image = vec![0f64; WIDTH * HEIGHT];
        for py in 0..HEIGHT {
            for px in 0..WIDTH {
                // 3×3 samples per pixel: module edges fall between pixels like on a sensor.
                let mut darkness = 0.0;
                for sy in 0..3 {
                    for sx in 0..3 {
                        let x = px as f64 + (sx as f64 + 0.5) / 3.0;
                        let y = py as f64 + (sy as f64 + 0.5) / 3.0;
                        let (u, v) = to_code.apply(x, y);
                        let (mx, my) = (u * side_modules - 4.0, v * side_modules - 4.0);
                        if mx >= 0.0
                            && my >= 0.0
                            && (mx as usize) < modules
                            && (my as usize) < modules
                            && dark_modules[my as usize * modules + mx as usize] == Color::Dark
                        {
                            darkness += 1.0 / 9.0;
                        }
                    }
                }
                let lighting = 1.0
                    + ramp_x * (px as f64 / WIDTH as f64 - 0.5)
                    + ramp_y * (py as f64 / HEIGHT as f64 - 0.5);
                let mut value = (light + (dark - light) * darkness) * lighting;
                if let Some((gx, gy, radius, strength)) = glare {
                    let d2 = (px as f64 - gx).powi(2) + (py as f64 - gy).powi(2);
                    value += strength * (-d2 / (2.0 * radius * radius)).exp();
                }
                image[py * WIDTH + px] = value;
            }
        }
        blur(&mut image, rng.between(0.0, 1.3));
        let noise = rng.between(0.0, 22.0);
        let pixels = image
            .iter()
            .map(|v| (v + noise * rng.normal()).clamp(0.0, 255.0) as u8)
            .collect();
        Picture {
            text: text.to_owned(),
            pixels,
        }
    }

    fn write_pgm(&self, path: &Path) -> std::io::Result<()> {
        let mut bytes = format!("P5\n{WIDTH} {HEIGHT}\n255\n").into_bytes();
        bytes.extend_from_slice(&self.pixels);
        std::fs::write(path, bytes)
    }
}

/// Separable Gaussian blur in place.
fn blur(image: &mut [f64], sigma: f64) {
    if sigma < 0.3 {
        return;
    }
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = kernel.iter().sum();
    let pass = |image: &[f64], step: (isize, isize)| -> Vec<f64> {
        let mut out = vec![0.0; image.len()];
        for y in 0..HEIGHT as isize {
            for x in 0..WIDTH as isize {
                let mut sum = 0.0;
                for (k, weight) in kernel.iter().enumerate() {
                    let offset = k as isize - radius;
                    let sx = (x + offset * step.0).clamp(0, WIDTH as isize - 1);
                    let sy = (y + offset * step.1).clamp(0, HEIGHT as isize - 1);
                    sum += weight * image[(sy * WIDTH as isize + sx) as usize];
                }
                out[(y * WIDTH as isize + x) as usize] = sum / total;
            }
        }
        out
    };
    let horizontal = pass(image, (1, 0));
    image.copy_from_slice(&pass(&horizontal, (0, 1)));
}

/// A projective map of the plane, as a 3×3 matrix.
struct Homography([[f64; 3]; 3]);

impl Homography {
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.0;
        let w = m[2][0] * x + m[2][1] * y + m[2][2];
        (
            (m[0][0] * x + m[0][1] * y + m[0][2]) / w,
            (m[1][0] * x + m[1][1] * y + m[1][2]) / w,
        )
    }

    /// The inverse map (adjugate; the scale of a homography does not matter).
    fn inverse(&self) -> Homography {
        let m = &self.0;
        let cofactor = |r0: usize, r1: usize, c0: usize, c1: usize| {
            m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]
        };
        Homography([
            [
                cofactor(1, 2, 1, 2),
                -cofactor(0, 2, 1, 2),
                cofactor(0, 1, 1, 2),
            ],
            [
                -cofactor(1, 2, 0, 2),
                cofactor(0, 2, 0, 2),
                -cofactor(0, 1, 0, 2),
            ],
            [
                cofactor(1, 2, 0, 1),
                -cofactor(0, 2, 0, 1),
                cofactor(0, 1, 0, 1),
            ],
        ])
    }
}

/// The map from the unit square onto a quadrilateral (corners in order (0,0), (1,0), (1,1),
/// (0,1)), after Heckbert, "Fundamentals of Texture Mapping" (1989).
fn square_to_quad(q: &[(f64, f64)]) -> Homography {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = [q[0], q[1], q[2], q[3]];
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let (g, h) = if den.abs() < 1e-12 {
        (0.0, 0.0)
    } else {
        ((sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den)
    };
    Homography([
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ])
}
