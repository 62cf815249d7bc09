use catalog::{Catalog, GrantMode};
use contract::{ApplicantChoice, ApplicationStatus, PermitStatus, TrackingStatus};
use yew::prelude::*;

use crate::components::license_page::tracking_panel;
use crate::components::track_page::{permit_name, permit_view};
use crate::draft::Draft;
use crate::i18n::{self, InLang, Lang};

/// An application the authority received and has not settled: under review (by which
/// departments), refused (the reason, the appeal route, and the applicant's two ways on),
/// issued while its license is being fetched, or withdrawn; with its tracking link and QR code.
/// (A function, like `start_page`.)
pub fn received_page(
    lang: Lang,
    draft: &Draft,
    decision_failed: bool,
    on_decide: &Callback<ApplicantChoice>,
) -> Html {
    let Some(tracking) = &draft.tracking else {
        return html! {};
    };
    let status = match tracking.status {
        ApplicationStatus::Received | ApplicationStatus::UnderReview => {
            html! { <p>{ i18n::UNDER_REVIEW_BY.get(lang) }<strong>{ reviewers(lang, draft, tracking) }</strong></p> }
        }
        ApplicationStatus::Issued => html! { <p>{ i18n::ISSUED_FETCHING.get(lang) }</p> },
        ApplicationStatus::Rejected => {
            let refused = tracking
                .permits
                .iter()
                .filter(|p| p.status == PermitStatus::Rejected)
                .map(|permit| {
                    let on_drop = on_decide.reform({
                        let permit = permit.id.clone();
                        move |_| ApplicantChoice::Drop {
                            permit: permit.clone(),
                        }
                    });
                    html! {
                        <>
                            { permit_view(lang, permit, None) }
                            <button type="button" class="primary" onclick={on_drop}
                                aria-label={format!("{} ({})", i18n::DROP_PERMIT.get(lang), permit_name(lang, &permit.id))}>
                                { i18n::DROP_PERMIT.get(lang) }
                            </button>
                        </>
                    }
                });
            html! {
                <>
                    <p>{ i18n::REJECTED_INTRO.get(lang) }</p>
                    if decision_failed { <p class="notice" role="alert">{ i18n::DECISION_FAILED.get(lang) }</p> }
                    <ul class="plain">{ for refused }</ul>
                    <button type="button" class="warning" onclick={on_decide.reform(|_| ApplicantChoice::Withdraw)}>
                        { i18n::WITHDRAW_APPLICATION.get(lang) }
                    </button>
                </>
            }
        }
        other => html! { <p>{ i18n::status_text(other).get(lang) }</p> },
    };
    html! {
        <section key="received" aria-labelledby="received-heading">
            <h1 id="received-heading">{ i18n::RECEIVED_HEADING.get(lang) }</h1>
            <div role="status" aria-live="polite">{ status }</div>
            { tracking_panel(lang, &draft.id, html! {}) }
        </section>
    }
}

/// The departments reviewing the application, each named once: as the authority last said
/// (those still deciding), or before it said more than "received", those of the permits
/// granted after review and of those the applicant sent to review instead of a commitment.
fn reviewers(lang: Lang, draft: &Draft, tracking: &TrackingStatus) -> String {
    let catalog = Catalog::builtin();
    let mut names = String::new();
    let mut add = |name: &str| {
        if !names
            .split(i18n::LIST_SEPARATOR.get(lang))
            .any(|n| n == name)
        {
            if !names.is_empty() {
                names.push_str(i18n::LIST_SEPARATOR.get(lang));
            }
            names.push_str(name);
        }
    };
    if tracking.permits.is_empty() {
        for permit in draft.form(catalog).iter().flat_map(|form| &form.permits) {
            if let Some(entry) = catalog.permit(&permit.id).filter(|entry| {
                entry.grant.mode == GrantMode::Review || draft.review_requested.contains(&permit.id)
            }) {
                add(entry.department.get(lang));
            }
        }
    }
    for permit in tracking.permits.iter().filter(|p| !p.status.is_decided()) {
        add(permit.department.get(lang));
    }
    names
}
