//! QR rendering at error-correction level Q.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::Error;

/// A rendered QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrImage {
    /// Standalone SVG document, with the 4-module quiet zone.
    pub svg: String,
    /// QR version (1–40) chosen for the text at level Q.
    pub version: i16,
}

fn code(text: &str) -> Result<QrCode, Error> {
    // Level Q survives 25 % damage: a scuffed printed sheet or a glare spot on a phone.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).map_err(|e| {
        Error::Qr(format!(
            "{e}; the text is too long for a QR code at level Q"
        ))
    })
}

fn version_number(code: &QrCode) -> i16 {
    match code.version() {
        Version::Normal(v) | Version::Micro(v) => v,
    }
}

/// The QR version a text needs at level Q.
pub fn qr_version(text: &str) -> Result<i16, Error> {
    code(text).map(|c| version_number(&c))
}

/// Blank modules around the code that scanners need (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;
/// The smallest side drawn, in pixels: big enough to scan from a screen or an A4 sheet.
const MIN_SIDE_PX: usize = 320;

/// Renders `text` as an SVG QR code at level Q with a quiet zone: one path in module units,
/// each row's dark runs as rectangles, not one square per module (less than half the markup).
pub fn render_svg(text: &str) -> Result<QrImage, Error> {
    let code = code(text)?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    let px = MIN_SIDE_PX.div_ceil(side) * side;
    let mut svg = format!(
        "<?xml version=\"1.0\" standalone=\"yes\"?><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for (y, row) in code.to_colors().chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            if x > start {
                let (left, top) = (start + QUIET_ZONE, y + QUIET_ZONE);
                // Writing to a String cannot fail.
                let _ = write!(svg, "M{left} {top}h{}v1H{left}z", x - start);
            } else {
                x += 1;
            }
        }
    }
    svg.push_str("\"/></svg>");
    Ok(QrImage {
        svg,
        version: version_number(&code),
    })
}
