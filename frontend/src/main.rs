//! The Yiye web app: one merged, pre-filled form per industry → one combined license.
//!
//! Only this crate knows the DOM. Domain rules come from `catalog` and `signer`, compiled
//! to wasm32, so the browser checks exactly what the server checks.

#![forbid(unsafe_code)]

mod app;
mod components;
mod draft;
mod holder;
mod hooks;
mod i18n;
mod json;
mod license;
mod outbox;
mod services;
mod state;
mod steps;

// Talc instead of Rust's default dlmalloc: faster, and 2.9 KB gzip less to download.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // The pages read drafts, the outbox and settings synchronously: load them first.
    wasm_bindgen_futures::spawn_local(async {
        services::storage::open().await;
        yew::Renderer::<app::App>::new().render();
    });
}

/// Today as the issuing authority counts it (its civil date, not this device's time zone), so
/// the browser's verdicts on dates are the server's.
pub fn today() -> catalog::Date {
    authority_day_at(js_sys::Date::now())
}

/// The authority's civil date at `ms` since the epoch (a time an action carries).
pub fn authority_day_at(ms: f64) -> catalog::Date {
    let unix = (ms / 1000.0).floor() as i64;
    catalog::Date::authority_day(unix).unwrap_or(catalog::Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

/// A new application id: 128 random bits from the browser's CSPRNG, as hex.
pub fn new_application_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = gloo::utils::window()
        .crypto()
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes));
    if filled.is_err() {
        // No Web Crypto (very old browser): time and Math.random still make a collision
        // between two drafts on one device practically impossible.
        // Whole numbers: formatting an f64 would pull float printing into the wasm.
        let random = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        return format!("{:x}{random:x}", js_sys::Date::now() as u64);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
