//! The interface language of both web apps (the applicant app and the inspector): zh-CN and
//! English, chosen once per device — whoever switched in one app sees the same language in
//! the other — with `<html lang>` kept in step for screen readers.

#![forbid(unsafe_code)]

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}
catalog::json_str_enum!(Lang {
    Zh = "Zh",
    En = "En",
});

impl Lang {
    /// The BCP 47 tag for the `lang` attribute of the document.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// A piece of interface text in both languages: the workspace's one bilingual type,
/// `catalog::Text`, over static strings.
pub type Text = catalog::Text<&'static str>;

/// Picks the interface language's half of a `catalog::Text`: `TABLE_ENTRY.get(lang)` gives a
/// `&'static str`, `field.label.get(lang)` a `&str` borrowed from the field.
pub trait InLang<'a> {
    fn get(self, lang: Lang) -> &'a str;
}

impl<'a> InLang<'a> for catalog::Text<&'a str> {
    fn get(self, lang: Lang) -> &'a str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

impl<'a> InLang<'a> for &'a catalog::Text {
    fn get(self, lang: Lang) -> &'a str {
        self.borrowed().get(lang)
    }
}

/// A table of interface texts: `NAME = "中文", "English";` becomes `pub const NAME: Text`.
#[macro_export]
macro_rules! texts {
    ($($name:ident = $zh:literal, $en:literal;)*) => {
        $(pub const $name: $crate::Text = $crate::Text { zh: $zh, en: $en };)*
    };
}

texts! {
    SWITCH_LANGUAGE = "English", "中文";
    SWITCH_LANGUAGE_LABEL = "Switch to English", "切换到中文";
}

/// Where the choice is remembered; the same key in both apps.
const STORAGE_KEY: &str = "yiye.lang";

/// The language remembered on this device (else English if the browser prefers it, else
/// Chinese), and a setter that remembers the choice and updates `<html lang>`.
#[hook]
pub fn use_stored_lang() -> (Lang, Callback<Lang>) {
    let lang = use_state(|| LocalStorage::get(STORAGE_KEY).unwrap_or_else(|_| browser_lang()));
    use_effect_with(*lang, |lang| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
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

/// A button that switches the interface to the other language, labelled in that language.
/// (A function: a component's own view machinery would cost wasm for nothing.)
pub fn lang_switch(lang: Lang, on_change: &Callback<Lang>) -> Html {
    let onclick = {
        let on_change = on_change.clone();
        Callback::from(move |_| on_change.emit(lang.other()))
    };
    html! {
        <button type="button" class="link-button" lang={lang.other().tag()}
            aria-label={SWITCH_LANGUAGE_LABEL.get(lang)} {onclick}>
            { SWITCH_LANGUAGE.get(lang) }
        </button>
    }
}
