use catalog::Catalog;
use contract::TrackedPermit;
use yew::prelude::*;

use crate::components::summary_row::summary_row;
use crate::draft::{Check, Draft, Tracking};
use crate::i18n::{self, InLang, Lang};
use crate::license::china_date;
use crate::services::api::{self, ApiError};
use crate::services::storage;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: AttrValue,
    /// Also the business, industry, dates and each permit (the tracking page); the license
    /// page, which shows all that itself, asks only the status.
    #[prop_or_default]
    pub detailed: bool,
}

/// A permit's name in the reader's language (its id if the catalog no longer has it).
pub fn permit_name(lang: Lang, id: &str) -> String {
    Catalog::builtin()
        .permit(id)
        .map_or(id, |p| p.name.get(lang))
        .to_owned()
}

/// A date of the data (`YYYY-MM-DD`) as the reader's language writes it.
pub fn date_words(lang: Lang, date: &str) -> String {
    catalog::Date::parse(date).map_or_else(|| date.to_owned(), |d| d.words().get(lang).to_owned())
}

/// One permit of a tracked application: its department, how it is granted, where it stands,
/// its deadline, conditions and refusal.
pub fn permit_view(lang: Lang, permit: &TrackedPermit, check: Option<&Check>) -> Html {
    let row = |label: i18n::Text, value: String| summary_row(label.get(lang), value.into());
    let rejection = permit.rejection.as_ref().map(|r| {
        html! {
            <>
                { row(i18n::REJECTION_REASON, r.reason.get(lang).to_owned()) }
                { row(i18n::APPEAL, r.appeal.get(lang).to_owned()) }
            </>
        }
    });
    html! {
        <li class="panel">
            <h3>{ permit_name(lang, &permit.id) }</h3>
            <dl class="summary-list">
                { row(i18n::DEPARTMENT, permit.department.get(lang).to_owned()) }
                { row(i18n::MODE, i18n::mode_text(permit.mode).get(lang).to_owned()) }
                { row(i18n::STATUS, i18n::permit_status_text(permit.status).get(lang).to_owned()) }
                { for permit.due.as_deref().map(|due| row(i18n::DUE, date_words(lang, due))) }
                { for permit.conditions.as_ref().map(|c| row(i18n::CONDITIONS, c.get(lang).to_owned())) }
                { for rejection }
                { for check.map(|c| supervision(lang, c)) }
            </dl>
        </li>
    }
}

/// The check after a commitment (#18): when it is due and, once recorded, what it found and
/// what followed for the license.
fn supervision(lang: Lang, check: &Check) -> Html {
    let row = |label: i18n::Text, value: String| summary_row(label.get(lang), value.into());
    let text = |t: &Option<catalog::Text>| t.as_ref().map_or("", |t| t.get(lang)).to_owned();
    let finding = check.finding.as_ref().map(|finding| {
        if finding.result != "false_commitment" {
            return row(i18n::SUPERVISION, i18n::HONOURED.get(lang).to_owned());
        }
        let followed = match &finding.consequence {
            Some(c) if c.action == "suspension" => {
                let until = c.until.as_deref().unwrap_or_default();
                i18n::STATE_SUSPENDED.get(lang).to_owned() + " " + &date_words(lang, until)
            }
            _ => i18n::STATUS_REVOKED.get(lang).to_owned(),
        };
        html! {
            <>
                { row(i18n::SUPERVISION, i18n::FALSE_COMMITMENT.get(lang).to_owned()) }
                { row(i18n::FINDINGS, text(&finding.findings)) }
                { row(i18n::REJECTION_REASON, text(&finding.legal_reason)) }
                { row(i18n::CONSEQUENCE, followed) }
            </>
        }
    });
    html! {
        <>
            { row(i18n::SUPERVISION_DUE, date_words(lang, &check.due)) }
            { for finding }
        </>
    }
}

/// A moment of the timeline: the authority's date in words and its time of day.
fn moment(lang: Lang, unix: i64) -> String {
    let minutes = (unix + catalog::AUTHORITY_UTC_OFFSET).rem_euclid(86_400) / 60;
    format!(
        "{} {:02}:{:02}",
        china_date(unix, lang),
        minutes / 60,
        minutes % 60
    )
}

/// Where an application stands: asked from the server, or the last known answer offline.
#[function_component]
pub fn TrackingStatusView(props: &Props) -> Html {
    let lang = props.lang;
    let status = use_state(|| None::<(Option<Tracking>, Option<ApiError>)>);
    {
        let status = status.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(match api::track(&id).await {
                    Ok(answer) => {
                        storage::remember_tracking(&answer).await;
                        (Some(answer), None)
                    }
                    Err(error) => (storage::last_tracking(&id).await, Some(error)),
                }));
            });
        });
    }
    let body = match &*status {
        None => html! { <p>{ i18n::STATUS_UNKNOWN.get(lang) }</p> },
        Some((Some(known), error)) => {
            let catalog = Catalog::builtin();
            // Rows only the tracking page shows (the license page shows all that itself).
            let row = |label: i18n::Text, value: Option<String>| {
                value
                    .filter(|_| props.detailed)
                    .map(|v| summary_row(label.get(lang), v.into()))
            };
            let industry = known.industry.as_deref().map(|id| {
                catalog
                    .industry(id)
                    .map_or(id, |i| i.name.get(lang))
                    .to_owned()
            });
            let beyond = known.beyond();
            let timeline = known.timeline.iter().map(|entry| {
                let permit = entry.permit.as_deref().map(|p| format!(" · {}", permit_name(lang, p)));
                html! {
                    <li><span class="muted">{ moment(lang, entry.at) }</span>{ " " }
                        { i18n::event_text(entry.event).get(lang) }{ permit.unwrap_or_default() }</li>
                }
            });
            html! {
                <>
                    if error.is_some() { <p class="notice">{ i18n::STATUS_OFFLINE.get(lang) }</p> }
                    <dl class="summary-list">
                        { summary_row(i18n::STATUS.get(lang), i18n::status_text(known.status).get(lang).into()) }
                        { for row(i18n::BUSINESS_NAME, known.business_name.clone()) }
                        { for row(i18n::INDUSTRY_LABEL, industry) }
                        { for row(i18n::RECEIVED_ON, known.received_at.map(|t| china_date(t, lang))) }
                        { for row(i18n::ISSUED_ON, known.issued_at.map(|t| china_date(t, lang))) }
                        { for known.license_number.as_ref().map(|n| summary_row(i18n::LICENSE_NUMBER.get(lang), n.into())) }
                        { for known.revoked_at.map(|t| summary_row(i18n::STATUS_REVOKED.get(lang), china_date(t, lang).into())) }
                    </dl>
                    if props.detailed && !known.permits.is_empty() {
                        <h2>{ i18n::PERMITS_HEADING.get(lang) }</h2>
                        <ul class="plain">{ for known.permits.iter().map(|p| permit_view(lang, p, beyond.check(&p.id))) }</ul>
                    }
                    if props.detailed && !known.timeline.is_empty() {
                        <h2>{ i18n::TIMELINE.get(lang) }</h2>
                        <ol class="plain">{ for timeline }</ol>
                    }
                </>
            }
        }
        Some((None, Some(ApiError::Server { status: 404, .. }))) => {
            html! { <p>{ i18n::STATUS_NOT_FOUND.get(lang) }</p> }
        }
        Some((None, _)) => html! { <p class="notice">{ i18n::STATUS_UNAVAILABLE.get(lang) }</p> },
    };
    html! { <div role="status" aria-live="polite">{ body }</div> }
}

/// The page a tracking link (`/track/{id}`) opens, with a way back to the license when this
/// device holds it. (A function, like `start_page`.)
pub fn track_page(lang: Lang, id: AttrValue, on_open: &Callback<Draft>) -> Html {
    let held = storage::drafts()
        .into_iter()
        .find(|d| d.id == id.as_str() && d.license.is_some());
    let open = held.map(|draft| {
        let on_open = on_open.clone();
        html! {
            <button type="button" class="primary" onclick={Callback::from(move |_| on_open.emit(draft.clone()))}>
                { i18n::VIEW_LICENSE.get(lang) }
            </button>
        }
    });
    html! {
        <section key="track" aria-labelledby="track-heading">
            <h1 id="track-heading">{ i18n::TRACKING_HEADING.get(lang) }</h1>
            <p class="muted"><code>{ id.clone() }</code></p>
            <TrackingStatusView {lang} {id} detailed=true />
            { for open }
        </section>
    }
}
