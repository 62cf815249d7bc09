//! Arbitrary bytes into the decoder: as a license QR text, as COSE bytes, as a device
//! message, as a status list and as a trust list. Must never panic; a valid verdict needs the key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer::{
    KeySet, SignedStatusList, SignedTrustList, SigningKey, StatusList, TrustList,
};

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_seed(&[0x59; 32], "310115");
    let keys = KeySet::from_entries(vec![key.public_entry(None, 0)]).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(data);
    let _ = signer::verify(&text, &keys, None, 1_777_593_600);
    let _ = signer::decode_unverified(&text);
    let _ = signer::verify_message(&text, &keys);
    let as_cose = signer::from_cose(data);
    let verdict = signer::verify(&as_cose, &keys, None, 1_777_593_600);
    assert!(!verdict.is_valid() || signer::to_cose(&as_cose).is_ok());
    let signed = SignedStatusList { cose: base64url_of(data) };
    let _ = StatusList::verify(&signed, &keys);
    let signed = SignedTrustList { cose: hex_of(data) };
    let _ = TrustList::verify(&signed, &[key.public_key()]);
    let _ = TrustList::decode_unverified(&signed);
});

fn hex_of(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64url_of(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bits: Vec<u8> = data.iter().flat_map(|b| (0..8).rev().map(move |i| b >> i & 1)).collect();
    bits.chunks(6)
        .map(|six| {
            let v = (0..6).fold(0usize, |v, i| v << 1 | usize::from(six.get(i) == Some(&1)));
            char::from(ALPHABET[v])
        })
        .collect()
}
