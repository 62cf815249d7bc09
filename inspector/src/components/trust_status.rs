//! How current this device's keys and revocation list are, a refresh button, and the age
//! beyond which the revocation list counts as stale.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::local_time;
use crate::i18n::{self, InLang, Lang};
use crate::services::trust::Trust;

const AGE_CHOICES: [u32; 6] = [6, 12, 24, 48, 72, 168];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub trust: Trust,
    pub refreshing: bool,
    pub refresh_failed: bool,
    pub max_age_hours: u32,
    pub now_ms: f64,
    pub on_refresh: Callback<()>,
    pub on_max_age: Callback<u32>,
}

#[function_component]
pub fn TrustStatus(props: &Props) -> Html {
    let lang = props.lang;
    let trust = &props.trust;
    let stale = trust.revocations_stale(props.now_ms, props.max_age_hours);
    let when = |at: Option<f64>| at.map_or_else(|| i18n::NEVER.get(lang).to_owned(), local_time);
    let signed = trust.revocations.as_ref().map(|list| {
        format!(
            " ({} {})",
            i18n::SIGNED_AT.get(lang),
            local_time(list.issued_at as f64 * 1000.0)
        )
    });
    let on_max_age = {
        let on_max_age = props.on_max_age.clone();
        Callback::from(move |event: Event| {
            if let Some(hours) = event
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|select| select.value().parse().ok())
            {
                on_max_age.emit(hours);
            }
        })
    };
    html! {
        <section class={classes!("trust", stale.then_some("stale"))} aria-label={i18n::KEYS_AS_OF.get(lang)}>
            <p id="keys-as-of">{ i18n::KEYS_AS_OF.get(lang) }{ ": " }{ when(trust.keys_fetched_at) }</p>
            <p id="revocations-as-of">
                { i18n::REVOCATIONS_AS_OF.get(lang) }{ ": " }{ when(trust.revocations_fetched_at) }{ signed }
            </p>
            if stale {
                <p class="stale-warning" role="alert">{ i18n::STALE_WARNING.get(lang) }</p>
            }
            if props.refresh_failed {
                <p class="muted">{ i18n::REFRESH_FAILED.get(lang) }</p>
            }
            <button type="button" disabled={props.refreshing} onclick={props.on_refresh.reform(|_| ())}>
                { if props.refreshing { i18n::REFRESHING.get(lang) } else { i18n::REFRESH.get(lang) } }
            </button>
            <p>
                <label for="max-age">{ i18n::MAX_AGE_LABEL.get(lang) }{ " " }</label>
                <select id="max-age" onchange={on_max_age}>
                    { for AGE_CHOICES.iter().map(|&hours| html! {
                        <option value={hours.to_string()} selected={hours == props.max_age_hours}>
                            { format!("{hours} {}", i18n::HOURS.get(lang)) }
                        </option>
                    }) }
                </select>
            </p>
        </section>
    }
}
