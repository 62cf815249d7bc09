use yew::prelude::*;

use crate::i18n::{self, Lang, Text};
use crate::state::Page;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_go: Callback<Page>,
}

/// The three things people come here for: apply, continue a draft, check a license.
#[function_component]
pub fn StartPage(props: &Props) -> Html {
    let choice = |page: Page, title: Text, hint: Text| {
        let on_go = props.on_go.clone();
        let onclick = Callback::from(move |_| on_go.emit(page.clone()));
        html! {
            <li>
                <button type="button" class="choice" {onclick}>
                    <span class="choice-title">{ title.get(props.lang) }</span>
                    <span class="choice-hint">{ hint.get(props.lang) }</span>
                </button>
            </li>
        }
    };
    html! {
        <section aria-labelledby="start-heading">
            <h1 id="start-heading">{ i18n::START_HEADING.get(props.lang) }</h1>
            <ul class="choices">
                { choice(Page::Industry, i18n::START_APPLY, i18n::START_APPLY_HINT) }
                { choice(Page::Drafts, i18n::START_CONTINUE, i18n::START_CONTINUE_HINT) }
                { choice(Page::Inspect, i18n::START_CHECK, i18n::START_CHECK_HINT) }
            </ul>
        </section>
    }
}
