use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

const STORAGE_KEY: &str = "yiye.large_text";

/// Large-text mode, remembered on the device: scales every rem-sized thing by 125 %.
#[hook]
pub fn use_large_text() -> (bool, Callback<()>) {
    let on = use_state(|| LocalStorage::get(STORAGE_KEY).unwrap_or(false));
    use_effect_with(*on, |on| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.class_list().toggle_with_force("large-text", *on);
        }
    });
    let toggle = {
        let on = on.clone();
        Callback::from(move |_| {
            let _ = LocalStorage::set(STORAGE_KEY, !*on);
            on.set(!*on);
        })
    };
    (*on, toggle)
}
