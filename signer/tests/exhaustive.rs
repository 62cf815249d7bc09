//! Every single-bit flip and every truncation of sample QR texts is rejected.
//!
//! "Single-bit flip of a QR text" is taken at two layers, both exhaustively:
//! 1. the QR text as the scanner hands it over: every bit of every byte of the ASCII text
//!    (a flip of bit 7 makes the byte non-ASCII; it is passed on lossily as U+FFFD);
//! 2. the COSE_Sign1 bytes the text carries: every bit of every byte, re-encoded as a
//!    valid QR text, so the flip reaches the CBOR and signature checks.
//!
//! Truncation: every proper prefix of the text and of the COSE bytes.

mod common;

use signer::{KeySet, Reason, Verdict};

fn keys() -> KeySet {
    KeySet::from_entries(vec![common::key().public_entry(None, 0)])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rejected(v: &Verdict) -> bool {
    matches!(
        v.reason,
        Some(Reason::Malformed(_) | Reason::SignatureInvalid | Reason::UnknownKey)
    )
}

fn samples() -> Vec<String> {
    let key = common::key();
    common::samples()
        .into_iter()
        .filter(|(_, c)| c.issuer == "310115")
        .take(3)
        .map(|(_, c)| signer::issue(&c, &key).unwrap_or_default())
        .collect()
}

fn check(text: &str, keys: &KeySet) -> bool {
    rejected(&signer::verify(text, keys, None, common::ISSUED + 1))
}

#[test]
fn every_text_bit_flip_and_truncation_is_rejected() {
    let keys = keys();
    let now = common::ISSUED + 1;
    std::thread::scope(|s| {
        for text in samples() {
            let keys = &keys;
            s.spawn(move || {
                assert!(signer::verify(&text, keys, None, now).is_valid());
                let bytes = text.as_bytes();
                let mut flips = 0;
                for i in 0..bytes.len() {
                    for bit in 0..8 {
                        let mut b = bytes.to_vec();
                        b[i] ^= 1 << bit;
                        let flipped = String::from_utf8_lossy(&b);
                        assert!(check(&flipped, keys), "flip byte {i} bit {bit}");
                        flips += 1;
                    }
                }
                for len in 0..bytes.len() {
                    assert!(check(&text[..len], keys), "truncation to {len}");
                }
                assert_eq!(flips, bytes.len() * 8);
            });
        }
    });
}

#[test]
fn every_cose_bit_flip_and_truncation_is_rejected() {
    let keys = keys();
    std::thread::scope(|s| {
        for text in samples() {
            let keys = &keys;
            s.spawn(move || {
                let cose = signer::to_cose(&text).unwrap_or_default();
                assert_eq!(signer::from_cose(&cose), text, "samples are uncompressed");
                for i in 0..cose.len() {
                    for bit in 0..8 {
                        let mut b = cose.clone();
                        b[i] ^= 1 << bit;
                        assert!(check(&signer::from_cose(&b), keys), "flip {i}:{bit}");
                    }
                }
                for len in 0..cose.len() {
                    assert!(check(&signer::from_cose(&cose[..len]), keys), "cut {len}");
                }
            });
        }
    });
}
