use catalog::{Catalog, Date};
use contract::HolderRequest;
use yew::prelude::*;

use crate::components::summary_row::summary_row;
use crate::components::track_page::date_words;
use crate::draft::Draft;
use crate::holder::{Held, held};
use crate::i18n::{self, InLang, Lang, Text};
use crate::license::china_date;

/// "My licenses": one card per license this device holds, with its current version, state,
/// term, history, the renewal reminder and what the holder may do (change, renew, cancel).
/// `on_act` gets the draft holding the current version. (A function, like `start_page`.)
pub fn licenses_page(
    lang: Lang,
    drafts: &[Draft],
    today: Date,
    on_act: &Callback<(Draft, HolderRequest)>,
) -> Html {
    let held = held(drafts);
    let cards = held.iter().map(|h| card(lang, h, today, on_act));
    html! {
        <section key="licenses" aria-labelledby="licenses-heading">
            <h1 id="licenses-heading">{ i18n::START_LICENSES.get(lang) }</h1>
            if held.is_empty() { <p>{ i18n::LICENSES_NONE.get(lang) }</p> }
            <ul class="plain">{ for cards }</ul>
        </section>
    }
}

/// "Expires on DATE — renew now", from 60 days before the end (also on the start page).
pub fn reminder(lang: Lang, held: &Held, today: Date) -> Option<Html> {
    let until = held.reminder(today)?;
    Some(html! {
        <p class="notice" role="status">
            { i18n::EXPIRES_ON.get(lang).to_owned() + until.words().get(lang) + i18n::RENEW_NOW.get(lang) }
        </p>
    })
}

fn card(lang: Lang, held: &Held, today: Date, on_act: &Callback<(Draft, HolderRequest)>) -> Html {
    let license = held.license;
    let standing = held.standing();
    let form = held.draft.form(Catalog::builtin());
    // A changed field's label, or a scope question's (what the business does).
    let label = |id: &String| match form.as_ref().and_then(|f| f.field(id)) {
        Some(f) => f.def.label.get(lang).to_owned(),
        None => Catalog::builtin()
            .question(id)
            .map_or(id.as_str(), |q| q.label.get(lang))
            .to_owned(),
    };
    let history = standing
        .map(|s| &s.history[..])
        .unwrap_or_default()
        .iter()
        .map(|v| {
            let why = match v.purpose {
                Some(HolderRequest::Renewal) => i18n::RENEWAL.get(lang).to_owned(),
                None if v.version == 1 => i18n::FIRST_ISSUE.get(lang).to_owned(),
                _ => {
                    let fields: Vec<String> = v.changed.iter().map(label).collect();
                    i18n::CHANGE_OF.get(lang).to_owned()
                        + &fields.join(i18n::LIST_SEPARATOR.get(lang))
                }
            };
            // One text: each child of an element is wasm of its own.
            let version = i18n::VERSION.get(lang).to_owned() + " " + &v.version.to_string();
            let state = v
                .state
                .map_or("", |s| i18n::state_text(s).get(lang))
                .to_owned();
            html! { <li>{ [version, date_words(lang, &v.issued_on), why, state].join(" · ") }</li> }
        });
    let state = held.state().map(|state| {
        let until = standing
            .and_then(|s| s.until.as_deref())
            .filter(|_| state == contract::LicenseState::Suspended);
        let words = i18n::state_text(state).get(lang).to_owned();
        let words = until.map_or(words.clone(), |d| words + " " + &date_words(lang, d));
        summary_row(i18n::STATUS.get(lang), words.into())
    });
    // What the holder may do while the license is valid (renewal from 90 days before the
    // end); one button built in one place.
    let acts = [
        (HolderRequest::Change, i18n::CHANGE_LICENSE, ""),
        (HolderRequest::Renewal, i18n::RENEW_LICENSE, ""),
        (HolderRequest::Cancellation, i18n::CANCEL_LICENSE, "warning"),
    ];
    let acts = acts
        .into_iter()
        .filter(|(purpose, ..)| held.open() && (*purpose != HolderRequest::Renewal || held.renewable(today)))
        .map(|(purpose, text, class): (HolderRequest, Text, &'static str)| {
            let (on_act, draft) = (on_act.clone(), held.draft.clone());
            html! {
                <button type="button" {class} aria-label={format!("{} {}", text.get(lang), license.number)}
                    onclick={Callback::from(move |_| on_act.emit((draft.clone(), purpose)))}>
                    { text.get(lang) }
                </button>
            }
        });
    html! {
        <li class="panel">
            <h2>{ &license.claims.business_name }</h2>
            <dl class="summary-list">
                { summary_row(i18n::LICENSE_NUMBER.get(lang), license.number.clone().into()) }
                { summary_row(i18n::VERSION.get(lang), held.version().into()) }
                { for state }
                { summary_row(i18n::VALID_UNTIL.get(lang), china_date(license.valid_until, lang).into()) }
            </dl>
            { for reminder(lang, held, today) }
            if standing.is_some_and(|s| !s.history.is_empty()) {
                <h3>{ i18n::HISTORY.get(lang) }</h3>
                <ol class="plain">{ for history }</ol>
            }
            <div class="actions">{ for acts }</div>
        </li>
    }
}
