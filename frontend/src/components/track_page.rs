use catalog::Catalog;
use contract::{ApplicationStatus, PermitStatus, TrackingStatus};
use yew::prelude::*;

use crate::components::summary_row::summary_row;
use crate::draft::Draft;
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

fn status_text(status: ApplicationStatus) -> i18n::Text {
    match status {
        ApplicationStatus::Received => i18n::STATUS_RECEIVED,
        ApplicationStatus::UnderReview => i18n::STATUS_UNDER_REVIEW,
        ApplicationStatus::CorrectionRequested => i18n::STATUS_CORRECTION_REQUESTED,
        ApplicationStatus::Issued => i18n::STATUS_ISSUED,
        ApplicationStatus::Revoked => i18n::STATUS_REVOKED,
        ApplicationStatus::Rejected => i18n::STATUS_REJECTED,
        ApplicationStatus::Withdrawn => i18n::STATUS_WITHDRAWN,
    }
}

fn permit_status_text(status: PermitStatus) -> i18n::Text {
    match status {
        PermitStatus::UnderReview => i18n::STATUS_UNDER_REVIEW,
        PermitStatus::CorrectionRequested => i18n::STATUS_CORRECTION_REQUESTED,
        PermitStatus::Approved | PermitStatus::GrantedOnCommitment => i18n::STATUS_ISSUED,
        PermitStatus::Rejected | PermitStatus::Dropped => i18n::STATUS_REJECTED,
        PermitStatus::Withdrawn => i18n::STATUS_WITHDRAWN,
    }
}

/// Where an application stands: asked from the server, or the last known answer offline.
#[function_component]
pub fn TrackingStatusView(props: &Props) -> Html {
    let lang = props.lang;
    let status = use_state(|| None::<(Option<TrackingStatus>, Option<ApiError>)>);
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
            // Each permit: its name, the department that grants it (from the catalog), its state.
            let permits = known.permits.iter().map(|p| {
                let (name, department) = catalog
                    .permit(&p.id)
                    .map_or((p.id.as_str(), ""), |c| (c.name.get(lang), c.department.get(lang)));
                html! { <li>{ format!("{name} — {department} · {}", permit_status_text(p.status).get(lang)) }</li> }
            });
            html! {
                <>
                    if error.is_some() { <p class="notice">{ i18n::STATUS_OFFLINE.get(lang) }</p> }
                    <dl class="summary-list">
                        { summary_row(i18n::STATUS.get(lang), status_text(known.status).get(lang).into()) }
                        { for row(i18n::BUSINESS_NAME, known.business_name.clone()) }
                        { for row(i18n::INDUSTRY_LABEL, industry) }
                        { for row(i18n::RECEIVED_ON, known.received_at.map(|t| china_date(t, lang))) }
                        { for row(i18n::ISSUED_ON, known.issued_at.map(|t| china_date(t, lang))) }
                        { for known.license_number.as_ref().map(|n| summary_row(i18n::LICENSE_NUMBER.get(lang), n.into())) }
                        { for known.revoked_at.map(|t| summary_row(i18n::STATUS_REVOKED.get(lang), china_date(t, lang).into())) }
                    </dl>
                    if props.detailed {
                        <ul aria-label={i18n::PERMITS_HEADING.get(lang)}>{ for permits }</ul>
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
