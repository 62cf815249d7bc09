use yew::prelude::*;

use crate::i18n::{self, InLang, Lang, Text};
use crate::state::Page;

/// What people come here for: apply, continue a draft, their licenses (with `reminders` to
/// renew), check a license. (A
/// function rather than a component: it has no state, and each component type adds its own
/// copy of Yew's mounting code to the wasm. The key makes a page change replace the page.)
pub fn start_page(lang: Lang, on_go: &Callback<Page>, reminders: Html) -> Html {
    let choice = |page: Page, title: Text, hint: Text| {
        let on_go = on_go.clone();
        let onclick = Callback::from(move |_| on_go.emit(page.clone()));
        html! {
            <li>
                <button type="button" class="choice" {onclick}>
                    <span class="choice-title">{ title.get(lang) }</span>
                    <span class="choice-hint">{ hint.get(lang) }</span>
                </button>
            </li>
        }
    };
    html! {
        <section key="start" aria-labelledby="start-heading">
            <h1 id="start-heading">{ i18n::START_HEADING.get(lang) }</h1>
            { reminders }
            <ul class="choices">
                { choice(Page::Industry, i18n::START_APPLY, i18n::START_APPLY_HINT) }
                { choice(Page::Drafts, i18n::START_CONTINUE, i18n::START_CONTINUE_HINT) }
                { choice(Page::Licenses, i18n::START_LICENSES, i18n::START_LICENSES_HINT) }
                { choice(Page::Inspect, i18n::START_CHECK, i18n::START_CHECK_HINT) }
            </ul>
        </section>
    }
}
