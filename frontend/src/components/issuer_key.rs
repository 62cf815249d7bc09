use yew::prelude::*;

use crate::i18n::{self, InLang, Lang};
use crate::services::api::{self, ApiError};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// Shows which key the issuing authority signs with, fetched from the server: a visible sign
/// that the app and the API work together.
#[function_component]
pub fn IssuerKey(props: &Props) -> Html {
    let key_set = use_state(|| None::<Result<signer::KeySet, ApiError>>);
    {
        let key_set = key_set.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                key_set.set(Some(api::fetch_key_set().await));
            });
        });
    }
    let body = match &*key_set {
        None => html! {},
        Some(Ok(set)) => html! {
            <ul>
                { for set.entries().iter().map(|key| html! {
                    <li><code>{ &key.kid }</code>{ " · " }{ &key.issuer }</li>
                }) }
            </ul>
        },
        Some(Err(_)) => html! { <p>{ i18n::ISSUER_KEY_UNAVAILABLE.get(props.lang) }</p> },
    };
    html! {
        <section class="issuer-key" aria-label={i18n::ISSUER_KEY.get(props.lang)}>
            <h2>{ i18n::ISSUER_KEY.get(props.lang) }</h2>
            { body }
        </section>
    }
}
