//! Pages and their parts: each takes domain values and reports what the user did through
//! callbacks; the pages' data lives in `state::OfficeState`. Stateless parts are functions (a
//! component type costs its own mounting code in the wasm); the forms keep what is typed.

mod application_page;
mod audit_page;
mod check_page;
mod checks_page;
mod decision_form;
mod inspection_form;
mod sign_in;
mod tasks_page;

pub use application_page::application_page;
pub use audit_page::AuditPage;
pub use check_page::check_page;
pub use checks_page::checks_page;
pub use sign_in::SignIn;
pub use tasks_page::tasks_page;

use yew::prelude::*;

use crate::forms::Problem;
use crate::i18n::{self, InLang, Lang};
use crate::services::api::ApiError;
use crate::state::Load;

/// One row of a summary list (`<dl class="summary-list">`).
pub fn summary_row(label: &str, value: Html) -> Html {
    html! { <div class="summary-row"><dt>{ label }</dt><dd>{ value }</dd></div> }
}

/// The colon between a label and what follows, as each language writes it.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

/// A `YYYY-MM-DD` date in words ("2026年11月27日", "27 Nov 2026"); as given if it is not one.
pub fn date_words(date: &str, lang: Lang) -> String {
    catalog::Date::parse(date).map_or_else(|| date.to_owned(), |d| d.words().get(lang).to_owned())
}

/// A moment (Unix seconds) as the authority's date in words and time of day, whatever the
/// device's own time zone: a reviewer's "received" must agree with the applicant's and with
/// the due dates, which are the authority's days.
pub fn moment(unix: i64, lang: Lang) -> String {
    let minutes = (unix + catalog::AUTHORITY_UTC_OFFSET).rem_euclid(86_400) / 60;
    let time = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    match catalog::Date::authority_day(unix) {
        Some(day) => format!("{} {time}", day.words().get(lang)),
        None => time,
    }
}

/// Today at the authority, `YYYY-MM-DD` (the inspection form's default date).
pub fn today() -> String {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    catalog::Date::authority_day(now).map_or_else(String::new, |day| day.to_string())
}

/// Moves the keyboard focus to an element (an error summary's link, a new page's heading).
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The DOM id of a form's error summary, for `form` (one per form on a page).
pub fn summary_id(form: &str) -> String {
    format!("{form}-errors")
}

/// The GOV.UK error summary: each problem a link that moves the focus to its input; a
/// refusal of the server is said in words with the fields it names.
pub fn error_summary(
    lang: Lang,
    form: &str,
    problems: &[Problem],
    server: Option<&ApiError>,
) -> Html {
    if problems.is_empty() && server.is_none() {
        return html! {};
    }
    let id = summary_id(form);
    let title = format!("{id}-title");
    let server_items = server.map(|error| {
        let fields = match error {
            ApiError::Server { fields, .. } => fields
                .iter()
                .map(|(_, issue)| issue.text().get(lang).to_owned())
                .collect(),
            _ => Vec::new(),
        };
        html! {
            <>
                <li>{ i18n::error(error, lang) }</li>
                { for fields.into_iter().map(|f| html! { <li>{ f }</li> }) }
            </>
        }
    });
    html! {
        <div {id} class="error-summary" role="alert" aria-labelledby={title.clone()} tabindex="-1">
            <h3 id={title}>{ i18n::ERROR_SUMMARY.get(lang) }</h3>
            <ul>
                { for problems.iter().map(|p| {
                    let input = p.input.clone();
                    let href = format!("#{input}");
                    let onclick = Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        focus(&input);
                    });
                    let detail = p.detail.as_ref().map(|d| d.get(lang).to_owned()).unwrap_or_default();
                    html! { <li><a {href} {onclick}>{ p.text.get(lang) }{ detail }</a></li> }
                }) }
                { for server_items }
            </ul>
        </div>
    }
}

/// What a page shows while its data loads or when it failed (with "Try again").
pub fn loading_or_failed<T>(lang: Lang, load: &Load<T>, retry: &Callback<()>) -> Option<Html> {
    match load {
        Load::Loading => Some(html! { <p role="status">{ i18n::LOADING.get(lang) }</p> }),
        Load::Failed(error) => Some(html! {
            <div class="notice" role="alert">
                <p>{ i18n::error(error, lang) }</p>
                <button type="button" onclick={retry.reform(|_| ())}>{ i18n::TRY_AGAIN.get(lang) }</button>
            </div>
        }),
        Load::Loaded(_) => None,
    }
}
