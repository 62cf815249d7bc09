//! Finding and reading a QR code in a picture (a camera frame or a photo).
//!
//! rxing (a Rust port of ZXing) reads it: its hybrid binariser copes with glare, uneven light
//! and low contrast, and its finder search with 2–4 pixels per module. Chosen by measurement
//! against rqrr and zbar on degraded pictures of real license QRs:
//! `cargo run --release -p inspector-bench` (figures in README.md).

use rxing::{BarcodeFormat, DecodeHints};

/// A greyscale picture, one byte per pixel, row by row.
#[derive(Clone, Copy, Debug)]
pub struct Luma<'a> {
    pub width: usize,
    pub height: usize,
    pub pixels: &'a [u8],
}

/// Largest picture side worked on; bigger photos are reduced first, so a 12-megapixel photo
/// costs no more than a camera frame.
const MAX_SIDE: usize = 1600;

/// The text of the QR code in `image`, if one is found and reads without errors.
pub fn decode(image: Luma) -> Option<String> {
    let (width, height) = (image.width, image.height);
    if width < 21 || height < 21 || image.pixels.len() < width * height {
        return None;
    }
    if width.max(height) > MAX_SIDE {
        let (width, height, pixels) = reduce(image);
        return decode(Luma {
            width,
            height,
            pixels: &pixels,
        });
    }
    let mut hints = DecodeHints {
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    rxing::helpers::detect_in_luma_slice_with_hints(
        &image.pixels[..width * height],
        u32::try_from(width).ok()?,
        u32::try_from(height).ok()?,
        Some(BarcodeFormat::QR_CODE),
        &mut hints,
    )
    .ok()
    .map(|result| result.getText().to_owned())
}

/// Greyscale of RGBA pixels (canvas `ImageData`), ITU-R BT.601 weights in integers.
pub fn luma_of_rgba(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8)
        .collect()
}

/// Half size, each pixel the mean of a 2×2 block.
fn reduce(image: Luma) -> (usize, usize, Vec<u8>) {
    let (width, height) = (image.width / 2, image.height / 2);
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let (upper, lower) = (2 * y * image.width, (2 * y + 1) * image.width);
        for x in 0..width {
            let sum = u16::from(image.pixels[upper + 2 * x])
                + u16::from(image.pixels[upper + 2 * x + 1])
                + u16::from(image.pixels[lower + 2 * x])
                + u16::from(image.pixels[lower + 2 * x + 1]);
            pixels.push((sum / 4) as u8);
        }
    }
    (width, height, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_pictures_too_small_or_short() {
        let pixels = [255u8; 100];
        assert_eq!(
            decode(Luma {
                width: 10,
                height: 10,
                pixels: &pixels
            }),
            None
        );
        assert_eq!(
            decode(Luma {
                width: 40,
                height: 40,
                pixels: &pixels
            }),
            None
        );
    }

    #[test]
    fn greyscale_weights_sum_to_white() {
        assert_eq!(
            luma_of_rgba(&[255, 255, 255, 255, 0, 0, 0, 255]),
            vec![255, 0]
        );
    }
}
