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
    let keys = use_state(|| None::<Result<Vec<api::IssuerKey>, ApiError>>);
    {
        let keys = keys.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                keys.set(Some(api::fetch_issuer_keys().await));
            });
        });
    }
    let body = match &*keys {
        None => html! {},
        Some(Ok(keys)) => html! {
            <ul>
                { for keys.iter().map(|key| html! {
                    // The authority's name where the key set gives one, never just its id.
                    <li><code>{ &key.kid }</code>{ " · " }{
                        match props.lang {
                            Lang::En => key.issuer_name_en.as_ref(),
                            Lang::Zh => None,
                        }
                        .or(key.issuer_name.as_ref())
                        .unwrap_or(&key.issuer)
                    }</li>
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
