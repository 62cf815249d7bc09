use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

use crate::i18n::Lang;

const STORAGE_KEY: &str = "yiye.lang";

/// The language remembered on this device (Chinese when nothing is stored, or the browser
/// prefers no English), and a setter that remembers the choice and updates `<html lang>`.
#[hook]
pub fn use_stored_lang() -> (Lang, Callback<Lang>) {
    let lang = use_state(|| LocalStorage::get(STORAGE_KEY).unwrap_or_else(|_| browser_lang()));
    {
        let current = *lang;
        use_effect_with(current, move |lang| set_document_lang(*lang));
    }
    let set = {
        let lang = lang.clone();
        Callback::from(move |next: Lang| {
            // Not remembering is harmless (private mode, full storage): the switch still works.
            let _ = LocalStorage::set(STORAGE_KEY, next);
            lang.set(next);
        })
    };
    (*lang, set)
}

fn browser_lang() -> Lang {
    let preferred = gloo::utils::window()
        .navigator()
        .language()
        .unwrap_or_default();
    if preferred.starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", lang.tag());
    }
}
