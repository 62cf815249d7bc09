//! The checks made on this device, newest first, in plain words: the verdict, when, and what
//! the license says when its signature was checked.

use yew::prelude::*;

use super::local_time_in;
use crate::i18n::{self, InLang, Lang};
use crate::services::history::Entry;
use crate::state::Standing;

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
                    { for props.entries.iter().map(|entry| history_entry(lang, entry)) }
                </ul>
                <button type="button" class="warning" onclick={props.on_clear.reform(|_| ())}>
                    { i18n::HISTORY_CLEAR.get(lang) }
                </button>
            }
        </section>
    }
}

fn history_entry(lang: Lang, entry: &Entry) -> Html {
    let standing = Standing::of_code(&entry.verdict);
    // Earlier versions kept the business name of forged codes too: it is not shown.
    let license = match (standing, &entry.business_name) {
        (Standing::Unverified, _) => {
            html! { <span class="muted">{ i18n::UNVERIFIED_ENTRY.get(lang) }</span> }
        }
        (_, Some(name)) => html! {
            <>
                { name }
                if let Some(number) = &entry.license_number {
                    { " " }<code>{ number }</code>
                }
                if let Some(version) = entry.version {
                    { " " }{ i18n::VERSION_N.get(lang).replace("{n}", &version.to_string()) }
                }
            </>
        },
        (_, None) => html! { <span class="muted">{ i18n::UNREADABLE_ENTRY.get(lang) }</span> },
    };
    html! {
        <li>
            <span class={match standing {
                Standing::Valid => "ok",
                Standing::Unconfirmed => "unsure",
                Standing::NotInForce | Standing::Unverified => "bad",
            }}>
                { i18n::verdict_label(&entry.verdict).get(lang) }
            </span>
            { " · " }{ local_time_in(lang, entry.at) }
            <div>{ license }</div>
        </li>
    }
}
