//! QR rendering at error-correction level Q.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode, Version};

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

/// Renders `text` as an SVG QR code at level Q with a quiet zone.
pub fn render_svg(text: &str) -> Result<QrImage, Error> {
    let code = code(text)?;
    let svg = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(320, 320)
        .build();
    Ok(QrImage {
        svg,
        version: version_number(&code),
    })
}
