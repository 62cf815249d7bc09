use catalog::Catalog;
use contract::AuditEntry;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{loading_or_failed, moment};
use crate::i18n::{self, InLang, Lang};
use crate::state::{Load, Page};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// The application the log is narrowed to, if one.
    pub application: Option<String>,
    pub entries: Load<Vec<AuditEntry>>,
    /// "Show": the log of this application, or of all (`None`).
    pub on_filter: Callback<Option<String>>,
    pub on_retry: Callback<()>,
}

/// Every staff action, newest as the server lists them: when, who, what, on which
/// application and permit. For supervisors and administrators.
#[function_component]
pub fn AuditPage(props: &Props) -> Html {
    let lang = props.lang;
    let filter = use_state(|| props.application.clone().unwrap_or_default());
    let onsubmit = {
        let (filter, on_filter) = (filter.clone(), props.on_filter.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let id = filter.trim().to_owned();
            on_filter.emit((!id.is_empty()).then_some(id));
        })
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let body = loading_or_failed(lang, &props.entries, &props.on_retry).unwrap_or_else(|| {
        match &props.entries {
            Load::Loaded(entries) if entries.is_empty() => {
                html! { <p>{ i18n::AUDIT_EMPTY.get(lang) }</p> }
            }
            Load::Loaded(entries) => table(lang, entries),
            _ => html! {},
        }
    });
    html! {
        <>
            <h1>{ i18n::AUDIT_HEADING.get(lang) }</h1>
            <form class="actions" {onsubmit}>
                <div class="field">
                    <label for="audit-application">{ i18n::AUDIT_FILTER.get(lang) }</label>
                    <input id="audit-application" type="search" value={(*filter).clone()} {oninput} />
                </div>
                <button type="submit">{ i18n::SHOW.get(lang) }</button>
            </form>
            { body }
        </>
    }
}

fn table(lang: Lang, entries: &[AuditEntry]) -> Html {
    let catalog = Catalog::builtin();
    html! {
        <div class="table-scroll">
            <table class="audit-table">
                <caption class="visually-hidden">{ i18n::AUDIT_HEADING.get(lang) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ i18n::WHEN.get(lang) }</th>
                        <th scope="col">{ i18n::WHO.get(lang) }</th>
                        <th scope="col">{ i18n::ACTION.get(lang) }</th>
                        <th scope="col">{ i18n::APPLICATION.get(lang) }</th>
                        <th scope="col">{ i18n::PERMIT.get(lang) }</th>
                        <th scope="col">{ i18n::DETAIL.get(lang) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for entries.iter().map(|entry| {
                        let application = entry.application_id.as_ref().map(|id| html! {
                            <a href={Page::Application(id.clone()).path()}><code>{ id }</code></a>
                        });
                        let permit = entry.permit.as_deref().map(|id| {
                            catalog.permit(id).map_or(id, |p| p.name.get(lang))
                        });
                        html! {
                            <tr>
                                <td data-label={i18n::WHEN.get(lang)}>{ moment(entry.at, lang) }</td>
                                <td data-label={i18n::WHO.get(lang)}>{ &entry.actor }</td>
                                <td data-label={i18n::ACTION.get(lang)}>{ action_words(&entry.action, lang) }</td>
                                <td data-label={i18n::APPLICATION.get(lang)}>{ for application }</td>
                                <td data-label={i18n::PERMIT.get(lang)}>{ permit.unwrap_or_default() }</td>
                                <td data-label={i18n::DETAIL.get(lang)}>{ &entry.detail }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// An audit action in words where the office knows it; the server's code for one it does
/// not (an action added later still shows what it is).
fn action_words(action: &str, lang: Lang) -> String {
    let text = match action {
        "login" => i18n::AUDIT_LOGIN,
        "login_failed" => i18n::AUDIT_LOGIN_FAILED,
        "logout" => i18n::AUDIT_LOGOUT,
        "decision.approve" => i18n::APPROVE,
        "decision.request_correction" => i18n::REQUEST_CORRECTION,
        "decision.reject" => i18n::REJECT,
        "inspection" | "inspection.record" => i18n::AUDIT_INSPECTION,
        "access_denied" => i18n::AUDIT_ACCESS_DENIED,
        "view" | "application.view" => i18n::AUDIT_VIEW,
        _ => return action.to_owned(),
    };
    text.get(lang).to_owned()
}
