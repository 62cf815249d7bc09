//! The Yiye inspector: scan a license QR code (camera, photo, pasted text or the URL form's
//! fragment) and verify it offline against the cached key set and revocation list.
//!
//! Its own bundle (`Trunk.inspector.toml`, served under /inspect/), so applicants never
//! download the scanner.

mod app;
mod components;
mod i18n;
mod services;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
