//! Prints the gzip size of a signed status list of 100,000 license versions in a realistic
//! mix (see `tests/common/status_mix.rs`), for `bench/run`:
//! `cargo run --release -p signer --example status-size`.

#[path = "../tests/common/status_mix.rs"]
mod status_mix;

use signer::SigningKey;

fn main() -> std::process::ExitCode {
    let list = status_mix::mixed_status_list(100_000, 500);
    let key = SigningKey::from_seed(&[0x59; 32], "310115");
    let signed = match list.sign(&key) {
        Ok(signed) => signed,
        Err(e) => {
            eprintln!("status-size: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let json = serde_json::to_string(&signed).unwrap_or_default();
    let gzip = status_mix::gzip_len(&json);
    println!(
        "status list, 100000 versions: {:.1} KB gzip ({} bytes of JSON, {gzip} gzip)",
        gzip as f64 / 1024.0,
        json.len()
    );
    std::process::ExitCode::SUCCESS
}
