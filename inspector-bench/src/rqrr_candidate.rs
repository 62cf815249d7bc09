//! The candidate that lost: rqrr (pure Rust, a port of quirc, small in wasm) with the
//! pre-processing that helped it most. Kept here so the choice can be re-measured.

use inspector::decode::Luma;

/// How the picture is prepared before rqrr looks at it.
#[derive(Clone, Copy, Debug)]
pub enum Preparation {
    /// rqrr's own row-wise moving-average threshold.
    AsIs,
    /// Threshold against the mean of a square around each pixel (evens out glare).
    LocalMean,
    /// Twice the size (bilinear), 3×3 smoothing, then the local mean: small modules.
    Enlarged,
}

pub const PREPARATIONS: [Preparation; 3] = [
    Preparation::AsIs,
    Preparation::LocalMean,
    Preparation::Enlarged,
];

pub fn name(preparation: Preparation) -> &'static str {
    match preparation {
        Preparation::AsIs => "rqrr 0.11, as is",
        Preparation::LocalMean => "rqrr, local mean threshold",
        Preparation::Enlarged => "rqrr, 2x + smoothing + local mean",
    }
}

pub fn decode(image: Luma, preparation: Preparation) -> Option<String> {
    match preparation {
        Preparation::AsIs => {
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(image.width, image.height, |x, y| {
                    image.pixels[y * image.width + x]
                });
            first_text(prepared.detect_grids())
        }
        Preparation::LocalMean => read_binary(image.width, image.height, &local_mean(image)),
        Preparation::Enlarged => {
            let (width, height) = (2 * image.width, 2 * image.height);
            let smooth = smooth(width, height, &enlarge(image));
            let luma = Luma {
                width,
                height,
                pixels: &smooth,
            };
            read_binary(width, height, &local_mean(luma))
        }
    }
}

/// All preparations in turn (what a photo would get).
pub fn decode_any(image: Luma) -> Option<String> {
    PREPARATIONS.iter().find_map(|&p| decode(image, p))
}

fn read_binary(width: usize, height: usize, dark: &[bool]) -> Option<String> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
    first_text(prepared.detect_grids())
}

fn first_text<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>) -> Option<String> {
    grids
        .iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Dark where a pixel is 6 % below the mean of the square (side a twelfth of the picture)
/// around it; the best of the windows and margins tried.
fn local_mean(image: Luma) -> Vec<bool> {
    let (w, h) = (image.width, image.height);
    let mut sums = vec![0u32; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row += u32::from(image.pixels[y * w + x]);
            sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row;
        }
    }
    let radius = (w.max(h) / 24).max(4);
    let mut dark = vec![false; w * h];
    for y in 0..h {
        let (top, bottom) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        for x in 0..w {
            let (left, right) = (x.saturating_sub(radius), (x + radius + 1).min(w));
            let area = ((bottom - top) * (right - left)) as u32;
            let total = sums[bottom * (w + 1) + right] + sums[top * (w + 1) + left]
                - sums[top * (w + 1) + right]
                - sums[bottom * (w + 1) + left];
            dark[y * w + x] = u32::from(image.pixels[y * w + x]) * area * 100 < total * 94;
        }
    }
    dark
}

fn enlarge(image: Luma) -> Vec<u8> {
    let (w, h) = (image.width, image.height);
    let at = |x: usize, y: usize| u16::from(image.pixels[y.min(h - 1) * w + x.min(w - 1)]);
    let mut pixels = Vec::with_capacity(4 * w * h);
    for y in 0..2 * h {
        let (sy, fy) = (y / 2, (y % 2) as u16);
        for x in 0..2 * w {
            let (sx, fx) = (x / 2, (x % 2) as u16);
            let top = at(sx, sy) * (2 - fx) + at(sx + 1, sy) * fx;
            let bottom = at(sx, sy + 1) * (2 - fx) + at(sx + 1, sy + 1) * fx;
            pixels.push(((top * (2 - fy) + bottom * fy) / 4) as u8);
        }
    }
    pixels
}

/// 3×3 box mean (edges use the pixels that exist).
fn smooth(w: usize, h: usize, pixels: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (mut sum, mut n) = (0u32, 0u32);
            for yy in y.saturating_sub(1)..(y + 2).min(h) {
                for xx in x.saturating_sub(1)..(x + 2).min(w) {
                    sum += u32::from(pixels[yy * w + xx]);
                    n += 1;
                }
            }
            out[y * w + x] = (sum / n) as u8;
        }
    }
    out
}
