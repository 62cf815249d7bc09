use contract::{ApplicationStatus, TrackingStatus};
use yew::prelude::*;

use crate::components::summary_row::summary_row;
use crate::i18n::{self, InLang, Lang};
use crate::license::china_date;
use crate::services::api::{self, ApiError};
use crate::services::storage;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: AttrValue,
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
            let label = match known.status {
                ApplicationStatus::Received => i18n::STATUS_RECEIVED,
                ApplicationStatus::UnderReview => i18n::STATUS_UNDER_REVIEW,
                ApplicationStatus::CorrectionRequested => i18n::STATUS_CORRECTION_REQUESTED,
                ApplicationStatus::Issued => i18n::STATUS_ISSUED,
                ApplicationStatus::Revoked => i18n::STATUS_REVOKED,
                ApplicationStatus::Rejected => i18n::STATUS_REJECTED,
                ApplicationStatus::Withdrawn => i18n::STATUS_WITHDRAWN,
            };
            html! {
                <>
                    if error.is_some() { <p class="notice">{ i18n::STATUS_OFFLINE.get(lang) }</p> }
                    <dl class="summary-list">
                        { summary_row(i18n::STATUS.get(lang), label.get(lang).into()) }
                        { for known.license_number.as_ref().map(|n| summary_row(i18n::LICENSE_NUMBER.get(lang), n.into())) }
                        { for known.revoked_at.map(|t| summary_row(i18n::STATUS_REVOKED.get(lang), china_date(t, lang).into())) }
                    </dl>
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

/// The page a tracking link (`/track/{id}`) opens. (A function, like `start_page`.)
pub fn track_page(lang: Lang, id: AttrValue) -> Html {
    html! {
        <section key="track" aria-labelledby="track-heading">
            <h1 id="track-heading">{ i18n::TRACKING_HEADING.get(lang) }</h1>
            <p class="muted"><code>{ id.clone() }</code></p>
            <TrackingStatusView {lang} {id} />
        </section>
    }
}
