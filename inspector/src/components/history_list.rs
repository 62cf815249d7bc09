//! The checks made on this device, newest first.

use yew::prelude::*;

use super::local_time;
use crate::i18n::{self, InLang, Lang};
use crate::services::history::Entry;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub entries: Vec<Entry>,
    pub on_clear: Callback<()>,
}

#[function_component]
pub fn HistoryList(props: &Props) -> Html {
    let lang = props.lang;
    html! {
        <section aria-labelledby="history-heading">
            <h1 id="history-heading">{ i18n::HISTORY.get(lang) }</h1>
            <p class="muted">{ i18n::HISTORY_NOTE.get(lang) }</p>
            if props.entries.is_empty() {
                <p>{ i18n::HISTORY_EMPTY.get(lang) }</p>
            } else {
                <ul class="history">
                    { for props.entries.iter().map(|entry| {
                        let valid = entry.verdict == "valid";
                        html! {
                            <li>
                                <span class={if valid { "ok" } else { "bad" }}>
                                    { if valid { i18n::VALID.get(lang) } else { i18n::INVALID.get(lang) } }
                                </span>
                                { " " }{ local_time(entry.at) }{ " · " }
                                { entry.business_name.clone().unwrap_or_else(|| i18n::UNREADABLE_ENTRY.get(lang).to_owned()) }
                                { " " }<code>{ entry.license_number.clone().unwrap_or_default() }</code>
                                if !valid { { " (" }<code>{ &entry.verdict }</code>{ ")" } }
                            </li>
                        }
                    }) }
                </ul>
                <button type="button" class="warning" onclick={props.on_clear.reform(|_| ())}>
                    { i18n::HISTORY_CLEAR.get(lang) }
                </button>
            }
        </section>
    }
}
