//! The QR decoder's Web Worker: its own wasm bundle with rxing and nothing of the interface,
//! loaded by `qr-decoder-worker.js` when the scanner starts or a photo is read, so the
//! inspector's first load does not carry the decoder and decoding never blocks the page.
//!
//! Messages (the page's side is `services/decoder.rs`):
//! * worker → page, once loaded: `{ready: true}`;
//! * page → worker: `{id, width, height, rgba}`, `rgba` the picture's RGBA pixels as a
//!   transferred `ArrayBuffer` (canvas `ImageData`);
//! * worker → page: `{id, text, ms}`, `text` the QR text or `null`, `ms` the time spent on the
//!   picture (greyscale and decoding).

#![forbid(unsafe_code)]

use inspector::decode::{self, Luma};
use inspector::message::{get, object};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let started = now_ms(&reply);
        let request = event.data();
        let text = read(&request);
        let answer = object(&[
            ("id", get(&request, "id")),
            ("text", text.map_or(JsValue::NULL, JsValue::from)),
            ("ms", JsValue::from(now_ms(&reply) - started)),
        ]);
        // Posting a plain object to the page that created this worker cannot fail.
        let _ = reply.post_message(&answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}

/// The QR text in the picture a request carries, if one reads.
fn read(request: &JsValue) -> Option<String> {
    let width = get(request, "width").as_f64()? as usize;
    let height = get(request, "height").as_f64()? as usize;
    let rgba = Uint8Array::new(&get(request, "rgba")).to_vec();
    let pixels = decode::luma_of_rgba(&rgba);
    decode::decode(Luma {
        width,
        height,
        pixels: &pixels,
    })
}

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}
