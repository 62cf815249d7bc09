//! The Yiye web app: one merged, pre-filled form per industry → one combined license.
//!
//! Only this crate knows the DOM. Domain rules come from `catalog` and `signer`, compiled
//! to wasm32, so the browser checks exactly what the server checks.

mod app;
mod components;
mod hooks;
mod i18n;
mod services;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
