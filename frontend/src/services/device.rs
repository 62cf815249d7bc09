//! This device's own Ed25519 key, for handing applications over as signed QR codes when
//! there is no network at all. Web Crypto makes and holds it (`device.js`): the private key is
//! non-extractable, so neither this app nor any script can read it, and the wasm carries no
//! Ed25519, SHA-256 or zlib code. Kept in IndexedDB as a CryptoKey; an administrator enrols its
//! public key at the authority once. It is not the authority's signing key, which never comes
//! near a browser.

use std::fmt;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::services::storage;

#[wasm_bindgen(module = "/src/services/device.js")]
extern "C" {
    #[wasm_bindgen(js_name = createKey, catch)]
    fn create_key() -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = importSeed, catch)]
    fn import_seed(seed: &[u8]) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = handOver, catch)]
    fn hand_over(
        private_key: &JsValue,
        public_key: &Uint8Array,
        payload: &Uint8Array,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Why hand-over cannot sign here, in words for the page.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceError(String);

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsValue> for DeviceError {
    fn from(value: JsValue) -> DeviceError {
        DeviceError(crate::services::idb::Error::from(value).0)
    }
}

impl From<serde_json::Error> for DeviceError {
    fn from(error: serde_json::Error) -> DeviceError {
        DeviceError(crate::services::api::json_error(&error))
    }
}

impl From<crate::services::idb::Error> for DeviceError {
    fn from(error: crate::services::idb::Error) -> DeviceError {
        DeviceError(error.0)
    }
}

/// The device key: its id and public key, and a handle to the private key.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceKey {
    pub id: String,
    pub public_key: [u8; 32],
    private_key: JsValue,
}

impl DeviceKey {
    fn from_record(record: &JsValue) -> Option<DeviceKey> {
        let id = Reflect::get(record, &"id".into()).ok()?.as_string()?;
        let public_key = Reflect::get(record, &"publicKey".into()).ok()?;
        let public_key = public_key.dyn_into::<Uint8Array>().ok()?.to_vec();
        let private_key = Reflect::get(record, &"privateKey".into()).ok()?;
        Some(DeviceKey {
            id,
            public_key: public_key.try_into().ok()?,
            private_key,
        })
    }

    fn record(&self) -> Result<JsValue, DeviceError> {
        let record = Object::new();
        Reflect::set(&record, &"id".into(), &self.id.as_str().into())?;
        let public_key = Uint8Array::from(&self.public_key[..]);
        Reflect::set(&record, &"publicKey".into(), &public_key)?;
        Reflect::set(&record, &"privateKey".into(), &self.private_key)?;
        Ok(record.into())
    }

    /// The public key as 64 hex digits, as the enrolment form asks for it.
    pub fn public_key_hex(&self) -> String {
        hex(&self.public_key)
    }

    /// `payload` signed as a hand-over: its QR texts in order (`YYH1:` + base45, split),
    /// zlib-compressed when that is shorter, exactly as the signer crate would seal it. Made
    /// by the QR encoder worker (`device.js`, `qr_worker.rs`), where the framing code is.
    pub async fn hand_over(&self, payload: &[u8]) -> Result<Vec<String>, DeviceError> {
        // Copies, not views of the wasm's memory, to post to the worker.
        let public_key = Uint8Array::from(&self.public_key[..]);
        let payload = Uint8Array::from(payload);
        let texts = JsFuture::from(hand_over(&self.private_key, &public_key, &payload)?).await?;
        let texts: js_sys::Array = texts.dyn_into()?;
        texts
            .iter()
            .map(|text| {
                text.as_string()
                    .ok_or_else(|| DeviceError("the worker's texts are not text".to_owned()))
            })
            .collect()
    }
}

/// The device key, made on first use (or moved from the seed an earlier version kept, so an
/// enrolled device stays enrolled). An error when the browser has no Ed25519 in Web Crypto or
/// no IndexedDB to keep it in: hand-over is then unavailable and the page says why.
pub async fn device_key() -> Result<DeviceKey, DeviceError> {
    if let Some(key) = stored_key().await? {
        return Ok(key);
    }
    let seed = storage::device_seed();
    let made = match &seed {
        Some(old) => {
            let seed = unhex::<32>(&old.seed)
                .ok_or_else(|| DeviceError("the stored device key is damaged".to_owned()))?;
            JsFuture::from(import_seed(&seed)?).await?
        }
        None => JsFuture::from(create_key()?).await?,
    };
    let id = match &seed {
        Some(old) => old.id.clone(),
        None => format!("device-{}", hex(&random_bytes::<4>()?)),
    };
    Reflect::set(&made, &"id".into(), &id.as_str().into())?;
    let key = DeviceKey::from_record(&made)
        .ok_or_else(|| DeviceError("the browser made an unusable key".to_owned()))?;
    if storage::keep_device_signing_key(&key.record()?).await? {
        if seed.is_some() {
            storage::forget_device_seed();
        }
        return Ok(key);
    }
    // Another tab kept its key first: use that one, so the device has one identity.
    stored_key()
        .await?
        .ok_or_else(|| DeviceError("the device key could not be kept".to_owned()))
}

async fn stored_key() -> Result<Option<DeviceKey>, DeviceError> {
    Ok(storage::device_signing_key()
        .await?
        .as_ref()
        .and_then(DeviceKey::from_record))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], DeviceError> {
    let mut bytes = [0u8; N];
    gloo::utils::window()
        .crypto()?
        .get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn key_from(made: JsValue, id: &str) -> DeviceKey {
        Reflect::set(&made, &"id".into(), &id.into()).unwrap_or_default();
        DeviceKey::from_record(&made).unwrap_or_else(|| panic!("no key"))
    }

    // Signing itself happens in the QR encoder worker (`DeviceKey::hand_over`), which this
    // runner does not serve: tests/e2e/handover.test.mjs signs in the browser and has the
    // server verify it.

    /// A seed an earlier version kept becomes the same key (same public key, so the same
    /// Ed25519 signatures), now held by Web Crypto, so an enrolled device stays enrolled;
    /// a new key is a different one.
    #[test]
    async fn an_earlier_seed_keeps_its_public_key() {
        let seed = [7u8; 32];
        let made = JsFuture::from(import_seed(&seed).unwrap_or_else(|_| panic!("importSeed")))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let key = key_from(made, "device-old");
        let native = signer::SigningKey::from_seed(&seed, "device-old");
        assert_eq!(key.public_key, native.public_key());
        let made = JsFuture::from(create_key().unwrap_or_else(|_| panic!("createKey")))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_ne!(key_from(made, "device-new").public_key, key.public_key);
        assert_eq!(unhex::<2>("0aff"), Some([0x0a, 0xff]));
        assert_eq!(unhex::<2>("0af"), None);
        assert_eq!(unhex::<2>("zzzz"), None);
    }
}
