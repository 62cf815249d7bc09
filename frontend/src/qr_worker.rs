//! The QR encoder's Web Worker: its own wasm bundle with the signer's QR drawing
//! (`signer::render_svg`, the qrcode crate) and nothing of the interface, loaded by
//! `qr-encoder-worker.js` when a page first shows a QR code, so the applicant's first load
//! does not carry the encoder.
//!
//! Messages (the page's side is `services/qr_encoder.rs`):
//! * worker → page, once loaded: `{ready: true}`;
//! * page → worker: `{text}`;
//! * worker → page: `{text, svg}`, `svg` the SVG document or `null` when the text does not
//!   fit in a QR code (the only way `render_svg` fails).
//!
//! It also frames a hand-over (`qr-encoder-worker.js` calls the functions exported below
//! between Web Crypto's steps; `services/device.js` asks it): the COSE and base45 code is
//! then fetched only by who hands over, not in every first load.

#![forbid(unsafe_code)]

#[path = "services/message.rs"]
mod message;

use message::{get, object};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

// The same allocator as the page's bundle (`main.rs`): smaller than dlmalloc.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data();
        // Hand-over jobs are the worker script's (`qr-encoder-worker.js`).
        let Some(text) = get(&request, "text").as_string() else {
            return;
        };
        let svg = signer::render_svg(&text)
            .ok()
            .map_or(JsValue::NULL, |image| JsValue::from(image.svg));
        let answer = object(&[("text", JsValue::from(text)), ("svg", svg)]);
        // Posting a plain object to the page that created this worker cannot fail.
        let _ = reply.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}

/// Characters per QR code of a hand-over: about version 20 at level M, which an ordinary
/// phone camera reads off another phone's screen.
const CHARACTERS_PER_QR: usize = 600;

/// The bytes the device key signs: the COSE Sig_structure of `payload` under the key whose
/// public key's SHA-256 is `key_digest`.
#[wasm_bindgen]
pub fn to_be_signed(payload: &[u8], key_digest: &[u8]) -> Result<Vec<u8>, JsError> {
    Ok(unsigned(payload, key_digest)?.to_be_signed().to_vec())
}

/// The COSE_Sign1 message of `payload` with the device's `signature` of [`to_be_signed`].
#[wasm_bindgen]
pub fn seal(payload: &[u8], key_digest: &[u8], signature: &[u8]) -> Result<Vec<u8>, JsError> {
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| JsError::new("the signature is not 64 bytes"))?;
    Ok(unsigned(payload, key_digest)?.seal(signature))
}

/// The hand-over's QR texts (`YYH1:` + base45, split) of a sealed message, zlib-compressed
/// or not, whichever is shorter.
#[wasm_bindgen]
pub fn qr_texts(packed: &[u8]) -> Result<Vec<String>, JsError> {
    let text = signer::message_text(packed).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(signer::split_message(&text, CHARACTERS_PER_QR))
}

fn unsigned(payload: &[u8], key_digest: &[u8]) -> Result<signer::UnsignedMessage, JsError> {
    let digest: &[u8; 32] = key_digest
        .try_into()
        .map_err(|_| JsError::new("the key digest is not 32 bytes"))?;
    Ok(signer::UnsignedMessage::for_key_digest(payload, digest))
}
