//! The browser's half of the contract: compiled to wasm32 and run in headless Chromium, the
//! signer verifies the same credentials with the same verdicts, renders QR codes, and makes
//! device keys from the browser's CSPRNG (getrandom `wasm_js`).
#![cfg(target_arch = "wasm32")]
// Clippy's allow-expect-in-tests does not recognise #[wasm_bindgen_test] as a test.
#![allow(clippy::expect_used)]

mod common;

use signer::{KeySet, SigningKey, StatusList};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn key_set(issuer: &str) -> KeySet {
    KeySet::from_entries(vec![common::key_for(issuer).public_entry(None, 0)])
        .unwrap_or_else(|e| panic!("{e}"))
}

#[wasm_bindgen_test]
fn verdicts_match_the_native_build() {
    for (name, claims) in common::samples() {
        let keys = key_set(&claims.issuer);
        let text = signer::issue(&claims, &common::key_for(&claims.issuer)).expect(name);
        let during = common::ISSUED + 86_400;
        let verdict = signer::verify(&text, &keys, None, during);
        assert!(verdict.is_valid(), "{name}: {}", verdict.code());
        assert_eq!(verdict.claims.as_ref(), Some(&claims), "{name}");
        assert_eq!(
            signer::verify(&text, &keys, None, common::UNTIL + 1).code(),
            "expired"
        );
        assert_eq!(
            signer::verify(&text, &keys, None, common::ISSUED - 1).code(),
            "not_yet_valid"
        );
        let revoked = StatusList {
            issuer: claims.issuer.clone(),
            issued_at: during,
            expires_at: during + 7 * 86_400,
            entries: vec![],
            by_number: vec![claims.license_number.clone()],
        };
        assert_eq!(
            signer::verify(&text, &keys, Some(&revoked), during).code(),
            "revoked"
        );
        assert_eq!(
            signer::verify(&text, &KeySet::default(), None, during).code(),
            "unknown_key"
        );
    }
}

#[wasm_bindgen_test]
fn an_altered_character_is_never_valid() {
    let (_, claims) = &common::samples()[0];
    let keys = key_set(&claims.issuer);
    let text = signer::issue(claims, &common::key()).expect("issue");
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for (i, original) in text.char_indices() {
        let replacement = alphabet.chars().find(|&c| c != original).unwrap_or('0');
        let mut altered = text.clone();
        altered.replace_range(i..i + original.len_utf8(), &replacement.to_string());
        assert!(
            !signer::verify(&altered, &keys, None, common::ISSUED + 1).is_valid(),
            "position {i}"
        );
    }
}

#[wasm_bindgen_test]
fn qr_codes_render_at_level_q() {
    let (_, claims) = &common::samples()[0];
    let text = signer::issue(claims, &common::key()).expect("issue");
    let image = signer::render_svg(&text).expect("render");
    assert!(image.svg.starts_with("<?xml") || image.svg.starts_with("<svg"));
    assert_eq!(signer::qr_version(&text).ok(), Some(image.version));
}

#[wasm_bindgen_test]
fn device_keys_come_from_the_browser_csprng() {
    let device = SigningKey::generate("device-1").expect("getrandom in the browser");
    let other = SigningKey::generate("device-1").expect("getrandom in the browser");
    assert_ne!(device.public_key(), other.public_key());
    let keys =
        KeySet::from_entries(vec![device.public_entry(None, 0)]).unwrap_or_else(|e| panic!("{e}"));
    let sealed = signer::sign_message(b"application", &device).expect("sign");
    assert_eq!(
        signer::verify_message(&sealed, &keys)
            .expect("verify")
            .payload,
        b"application"
    );
}
