use yew::prelude::*;

use crate::i18n::{self, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_change: Callback<Lang>,
}

/// A button that switches the interface to the other language.
#[function_component]
pub fn LangSwitch(props: &Props) -> Html {
    let onclick = {
        let (lang, on_change) = (props.lang, props.on_change.clone());
        Callback::from(move |_| on_change.emit(lang.other()))
    };
    html! {
        <button type="button" class="link-button" lang={props.lang.other().tag()}
            aria-label={i18n::SWITCH_LANGUAGE_LABEL.get(props.lang)} {onclick}>
            { i18n::SWITCH_LANGUAGE.get(props.lang) }
        </button>
    }
}
