//! This device's own Ed25519 key, for handing applications over as signed QR codes when
//! there is no network at all. It is made in the browser (Web Crypto randomness) on first use
//! and never leaves the device; an administrator enrols its public key at the authority once.
//! It is not the authority's signing key, which never comes near a browser.

use crate::services::storage::{self, DeviceSeed};

/// The device key, made on first use; `None` when the browser has no secure randomness (then
/// hand-over is unavailable and the app says so). When the device cannot store a new key, it
/// still signs for this session and the page warns that storage failed.
pub fn device_key() -> Option<signer::SigningKey> {
    let stored = match storage::device_key() {
        Some(stored) => stored,
        None => {
            let seed = random_bytes::<32>()?;
            let id = format!("device-{}", hex(&random_bytes::<4>()?));
            let stored = DeviceSeed {
                id,
                seed: hex(&seed),
            };
            storage::save_device_key(&stored);
            stored
        }
    };
    let mut seed = [0u8; 32];
    for (byte, pair) in seed.iter_mut().zip(stored.seed.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(signer::SigningKey::from_seed(&seed, &stored.id))
}

fn random_bytes<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    gloo::utils::window()
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
