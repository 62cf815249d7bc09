//! What `bench/run` times in headless Chromium: `signer::render_svg` (the license page's QR)
//! and `signer::verify` (the inspector's offline check), exactly the functions the apps call.

use signer::{KeySet, SignedStatusList, StatusList};
use wasm_bindgen::prelude::*;

/// Renders the QR of `text` as SVG, as the license page does; returns the SVG's length.
#[wasm_bindgen]
pub fn render(text: &str) -> Result<usize, JsError> {
    Ok(signer::render_svg(text)?.svg.len())
}

/// A verifier holding a key set and a signed revocation list, as the inspector caches them.
#[wasm_bindgen]
pub struct Verifier {
    keys: KeySet,
    revocations: StatusList,
}

#[wasm_bindgen]
impl Verifier {
    /// `keys` and `revocations`: the JSON of `GET /api/keys` and `GET /api/status-list`.
    #[wasm_bindgen(constructor)]
    pub fn new(keys: &str, revocations: &str) -> Result<Verifier, JsError> {
        let keys: KeySet = serde_json::from_str(keys)?;
        let signed: SignedStatusList = serde_json::from_str(revocations)?;
        let revocations = StatusList::verify(&signed, &keys)?;
        Ok(Verifier { keys, revocations })
    }

    /// QR text → verdict code (`"valid"` or the reason) at `now` (Unix seconds).
    pub fn verify(&self, text: &str, now: f64) -> String {
        signer::verify(text, &self.keys, Some(&self.revocations), now as i64)
            .code()
            .to_owned()
    }
}
