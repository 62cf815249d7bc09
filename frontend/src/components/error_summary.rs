use yew::prelude::*;

use crate::components::focus::focus_element;
use crate::i18n::{self, InLang, Lang};

pub struct SummaryItem {
    /// DOM id of the field's input; `None` for a field the form fills itself (no input to
    /// link to), so the message still shows.
    pub target: Option<String>,
    pub message: String,
}

/// The DOM id of the error summary, which the form focuses after "Continue".
pub const ERROR_SUMMARY_ID: &str = "error-summary";

/// The GOV.UK error summary: at the top, each message a link that moves the focus to its
/// field. The form moves the focus here after "Continue" (never on its own: the summary
/// also reappears while the applicant types, and must not take the keyboard away then).
/// A function rather than a component: it has no state, and each component type adds its
/// own copy of Yew's mounting code to the wasm.
pub fn error_summary(lang: Lang, items: &[SummaryItem]) -> Html {
    html! {
        <div id={ERROR_SUMMARY_ID} class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">{ i18n::ERROR_SUMMARY.get(lang) }</h2>
            <ul>
                { for items.iter().map(|item| match item.target.clone() {
                    Some(target) => {
                        let href = format!("#{target}");
                        let onclick = Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            focus_element(&target);
                        });
                        html! { <li><a {href} {onclick}>{ &item.message }</a></li> }
                    }
                    None => html! { <li>{ &item.message }</li> },
                }) }
            </ul>
        </div>
    }
}
