//! The page ↔ QR-encoder-worker messages are plain JS objects: building one and reading a
//! member, shared by both sides (`services/qr_encoder.rs` and `qr_worker.rs`, which includes
//! this file).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A member of a JS object; `undefined` when it is missing or `object` is not an object.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A plain JS object with these members.
pub fn object(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}
