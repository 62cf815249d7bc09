//! Every single-bit flip and every truncation of sample QR texts is rejected.
//!
//! "Single-bit flip of a QR text" is taken at two layers, both exhaustively:
//! 1. the QR text as the scanner hands it over: every bit of every byte of the ASCII text
//!    (a flip of bit 7 makes the byte non-ASCII; it is passed on lossily as U+FFFD);
//! 2. the COSE_Sign1 bytes the text carries: every bit of every byte, re-encoded as a
//!    valid QR text, so the flip reaches the CBOR and signature checks.
//!
//! Truncation: every proper prefix of the text and of the COSE bytes.
//!
//! The signed trust list and status list get the same treatment at their two layers, the
//! text of their JSON (hex, base64url) and the COSE bytes it carries: a change is refused, or
//! (a hex digit flipped to its upper-case form, the same bytes) reads back exactly as signed.

mod common;

use signer::{
    Error, KeySet, Reason, SignedStatusList, SignedTrustList, SigningKey, Status, StatusList,
    TrustList, TrustedIssuer, TrustedKey, Verdict,
};

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

/// How a signed list's JSON carries its COSE bytes.
#[derive(Clone, Copy)]
enum Text {
    /// The trust list: hex.
    Hex,
    /// The status list: unpadded base64url.
    Base64Url,
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl Text {
    fn encode(self, bytes: &[u8]) -> String {
        match self {
            Text::Hex => hex::encode(bytes),
            Text::Base64Url => {
                let bits: Vec<bool> = bytes
                    .iter()
                    .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
                    .collect();
                bits.chunks(6)
                    .map(|six| {
                        let v =
                            (0..6).fold(0, |v, i| v << 1 | usize::from(six.get(i) == Some(&true)));
                        char::from(BASE64URL[v])
                    })
                    .collect()
            }
        }
    }

    fn decode(self, text: &str) -> Vec<u8> {
        match self {
            Text::Hex => hex::decode(text).unwrap_or_default(),
            Text::Base64Url => {
                let bits: Vec<bool> = text
                    .bytes()
                    .filter_map(|c| BASE64URL.iter().position(|&a| a == c))
                    .flat_map(|v| (0..6).rev().map(move |i| v >> i & 1 == 1))
                    .collect();
                bits.chunks_exact(8)
                    .map(|byte| byte.iter().fold(0u8, |b, &bit| b << 1 | u8::from(bit)))
                    .collect()
            }
        }
    }
}

/// Every single-bit flip and every proper prefix of `text`, at the text and at the byte
/// layer, each handed to `verify`.
fn tampered(hex_text: &str, form: Text) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let text = hex_text.as_bytes();
    for i in 0..text.len() {
        for bit in 0..8 {
            let mut b = text.to_vec();
            b[i] ^= 1 << bit;
            let flipped = String::from_utf8_lossy(&b).into_owned();
            out.push((format!("text flip {i}:{bit}"), flipped));
        }
    }
    for len in 0..text.len() {
        out.push((format!("text cut {len}"), hex_text[..len].to_owned()));
    }
    let bytes = form.decode(hex_text);
    assert_eq!(form.encode(&bytes), hex_text, "the text reads back");
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            out.push((format!("byte flip {i}:{bit}"), form.encode(&b)));
        }
    }
    for len in 0..bytes.len() {
        out.push((format!("byte cut {len}"), form.encode(&bytes[..len])));
    }
    out
}

/// Runs `verify` on every tampered form in a few threads; each must be refused or read back
/// as `original`. Returns how many were refused.
fn all_refused_or_unchanged<T: PartialEq + std::fmt::Debug + Sync>(
    hex_text: &str,
    form: Text,
    original: &T,
    verify: impl Fn(String) -> Result<T, Error> + Sync,
) -> usize {
    let cases = tampered(hex_text, form);
    let chunk = cases.len().div_ceil(4);
    let refused: usize = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                let verify = &verify;
                s.spawn(move || {
                    part.iter()
                        .filter(|(label, text)| match verify(text.clone()) {
                            Err(_) => true,
                            Ok(read) => {
                                assert_eq!(&read, original, "{label}: accepted other content");
                                assert!(label.starts_with("text flip"), "{label}: accepted");
                                false
                            }
                        })
                        .count()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    });
    assert!(
        refused > cases.len() * 9 / 10,
        "{refused} of {}",
        cases.len()
    );
    refused
}

#[test]
fn every_trust_list_bit_flip_and_truncation_is_refused() {
    let root = SigningKey::from_seed(&[0x70; 32], "310000");
    let key = |seed: u8| TrustedKey {
        public_key: hex::encode(SigningKey::from_seed(&[seed; 32], "x").public_key()),
        not_before: common::ISSUED,
        not_after: Some(common::UNTIL),
    };
    // Every optional field present somewhere, so every part of the format is flipped.
    let list = TrustList {
        root: "310000".into(),
        issued_at: common::ISSUED,
        expires_at: common::ISSUED + 30 * 86_400,
        issuers: vec![
            TrustedIssuer {
                id: "310115".into(),
                name: "上海市浦东新区市场监督管理局".into(),
                name_en: "Pudong".into(),
                divisions: vec![310_115, 310_000],
                permits: Some(vec![1, 300]),
                status_url: "/api/revocations".into(),
                keys: vec![key(1), key(2)],
                withdrawn: vec!["0badc0de".into()],
            },
            TrustedIssuer {
                id: "320114".into(),
                name: "雨花台".into(),
                name_en: "Yuhuatai".into(),
                divisions: vec![320_114],
                permits: None,
                status_url: "https://yuhuatai.example/api/revocations".into(),
                keys: vec![key(3)],
                withdrawn: vec![],
            },
        ],
    };
    let signed = list.sign(&root).unwrap_or_else(|e| panic!("{e}"));
    let roots = [root.public_key()];
    assert_eq!(
        TrustList::verify(&signed, &roots).ok().as_ref(),
        Some(&list)
    );
    all_refused_or_unchanged(&signed.cose, Text::Hex, &list, |cose| {
        TrustList::verify(&SignedTrustList { cose }, &roots)
    });
}

#[test]
fn every_status_list_bit_flip_and_truncation_is_refused() {
    let key = common::key();
    let day = |d: i64| common::ISSUED - d * 86_400;
    // Every state, two suspensions (so the span column has width), a by-number section.
    let list = StatusList {
        issuer: "310115".into(),
        issued_at: common::ISSUED,
        expires_at: common::ISSUED + 7 * 86_400,
        entries: vec![
            Status::Valid,
            Status::Superseded { on: day(400) },
            Status::Suspended {
                since: day(30),
                until: day(2),
            },
            Status::Revoked { on: day(7) },
            Status::Cancelled { on: day(1) },
            Status::Valid,
            Status::Suspended {
                since: day(3),
                until: day(3),
            },
        ],
        by_number: vec!["310115-2026-000001".into(), "沪浦〔2026〕7号".into()],
    };
    let signed = list.sign(&key).unwrap_or_else(|e| panic!("{e}"));
    let keys = keys();
    assert_eq!(
        StatusList::verify(&signed, &keys).ok().as_ref(),
        Some(&list)
    );
    all_refused_or_unchanged(&signed.cose, Text::Base64Url, &list, |cose| {
        StatusList::verify(&SignedStatusList { cose }, &keys)
    });
}
