//! `qr-svg < TEXT > FILE.svg`: the QR code of any text, drawn exactly like a license (level Q,
//! quiet zone, `signer::render_svg`). The end-to-end tests use it to film altered licenses,
//! which no issuer would render.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("qr-svg: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    match signer::render_svg(text.trim_end_matches(['\n', '\r'])) {
        Ok(image) => {
            print!("{}", image.svg);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qr-svg: {e}");
            ExitCode::FAILURE
        }
    }
}
