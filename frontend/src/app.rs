use yew::prelude::*;

use crate::components::{IssuerKey, LangSwitch, StartPage};
use crate::hooks::use_stored_lang;
use crate::i18n;
use crate::state::{Action, AppState, Page};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let state = use_reducer(AppState::default);
    let go = {
        let state = state.dispatcher();
        Callback::from(move |page| state.dispatch(Action::Go(page)))
    };
    let main = match state.page {
        Page::Start => html! { <StartPage {lang} on_go={go.clone()} /> },
        Page::Apply | Page::Continue | Page::Check => {
            let back = go.reform(|_| Page::Start);
            html! {
                <section>
                    <p>{ i18n::COMING_SOON.get(lang) }</p>
                    <button type="button" onclick={back}>{ i18n::BACK_TO_START.get(lang) }</button>
                </section>
            }
        }
    };
    html! {
        <>
            <header class="site-header">
                <span class="brand">{ i18n::APP_NAME.get(lang) }</span>
                <LangSwitch {lang} on_change={set_lang} />
            </header>
            <main id="main">
                <p class="tagline">{ i18n::TAGLINE.get(lang) }</p>
                { main }
            </main>
            <footer><IssuerKey {lang} /></footer>
        </>
    }
}
