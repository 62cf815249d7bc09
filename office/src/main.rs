//! The Yiye back office: staff sign in, see their department's queues (overdue, due soon,
//! new), review an application and decide each permit, record on-site inspections, and —
//! supervisors — read the audit log.
//!
//! Its own bundle (`Trunk.office.toml`, served under /office/), so applicants never download
//! it. It needs the server (every page is the server's data), so it registers no service
//! worker and the applicant app's worker leaves /office/ alone.

#![forbid(unsafe_code)]

mod app;
mod components;
mod forms;
mod i18n;
mod services;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
