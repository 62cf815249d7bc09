use yew::prelude::*;

use crate::services::storage;

/// Clerk mode, remembered on the device: a clerk at a bank branch or service point fills
/// applications for many people on one device, so nothing is pre-filled from a saved profile.
#[hook]
pub fn use_clerk_mode() -> (bool, Callback<()>) {
    let on = use_state(storage::clerk_mode);
    let toggle = {
        let on = on.clone();
        Callback::from(move |_| {
            storage::set_clerk_mode(!*on);
            on.set(!*on);
        })
    };
    (*on, toggle)
}
