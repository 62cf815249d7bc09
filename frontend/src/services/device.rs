//! This device's own Ed25519 key, for handing applications over as signed QR codes when
//! there is no network at all. It is made in the browser (Web Crypto randomness) on first use
//! and never leaves the device; an administrator enrols its public key at the authority once.
//! It is not the authority's signing key, which never comes near a browser.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const DEVICE: &str = "yiye.device";

#[derive(Serialize, Deserialize)]
struct StoredDevice {
    id: String,
    seed: String,
}

/// The device key, made on first use; `None` when the browser has no secure randomness or
/// cannot store it (then hand-over is unavailable and the app says so).
pub fn device_key() -> Option<signer::SigningKey> {
    let stored: StoredDevice = match LocalStorage::get(DEVICE) {
        Ok(stored) => stored,
        Err(_) => {
            let seed = random_bytes::<32>()?;
            let id = format!("device-{}", hex(&random_bytes::<4>()?));
            let stored = StoredDevice {
                id,
                seed: hex(&seed),
            };
            LocalStorage::set(DEVICE, &stored).ok()?;
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
