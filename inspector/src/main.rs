//! The Yiye inspector: scan a license QR code (camera, photo, pasted text or the URL form's
//! fragment) and verify it offline against the cached trust list and status lists.
//!
//! Its own bundle (`Trunk.inspector.toml`, served under /inspect/), so applicants never
//! download the scanner.

#![forbid(unsafe_code)]

mod app;
mod components;
mod i18n;
mod services;
mod state;

fn main() {
    // One service worker (scripts/service-worker.mjs) keeps both apps on the device; the
    // inspector registers it too, so it starts offline for someone who never opened the
    // applicant app. Without service workers the inspector still works online.
    // Browsers give no service worker to a page over plain http (other than localhost):
    // calling it there would stop the app before the camera problem could be said.
    let window = gloo::utils::window();
    if window.is_secure_context() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
    yew::Renderer::<app::App>::new().render();
}
