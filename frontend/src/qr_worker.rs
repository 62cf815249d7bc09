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
        let text = get(&request, "text").as_string().unwrap_or_default();
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
