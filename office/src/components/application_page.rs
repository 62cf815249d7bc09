use catalog::Catalog;
use contract::{
    GrantMode, OfficeApplication, OfficeField, OfficePermit, PermitStatus, StaffMember,
};
use yew::prelude::*;

use super::decision_form::DecisionFormView;
use super::inspection_form::InspectionFormView;
use super::{colon, date_words, moment, summary_row};
use crate::i18n::{self, InLang, Lang};
use crate::state::Page;

/// A decision or inspection recorded: the server's updated view, and what to say about it.
pub type Recorded = (OfficeApplication, String);

/// One application as the reviewer sees it: its permits (with a decision form for each the
/// reviewer may decide while it waits), the values that concern them, and what happened.
pub fn application_page(
    lang: Lang,
    application: &OfficeApplication,
    member: &StaffMember,
    confirmation: Option<&str>,
    on_recorded: &Callback<Recorded>,
) -> Html {
    let catalog = Catalog::builtin();
    let industry = catalog
        .industry(&application.industry)
        .map_or(application.industry.as_str(), |i| i.name.get(lang));
    let confirmation = confirmation.map(|text| {
        html! { <div id="confirmation" class="confirmation" role="status" tabindex="-1"><p>{ text }</p></div> }
    });
    html! {
        <>
            <p><a class="back" href={Page::Tasks.path()}>{ "‹ " }{ i18n::BACK_TO_TASKS.get(lang) }</a></p>
            { for confirmation }
            <h1>{ &application.business_name }</h1>
            <dl class="summary-list">
                { summary_row(i18n::STATUS.get(lang), html! { <strong>{ i18n::application_status(application.status).get(lang) }</strong> }) }
                { summary_row(i18n::INDUSTRY.get(lang), html! { industry }) }
                { summary_row(i18n::APPLICATION_ID.get(lang), html! { <code>{ &application.application_id }</code> }) }
                { summary_row(i18n::RECEIVED.get(lang), html! { moment(application.received_at, lang) }) }
                { summary_row(i18n::REVISION.get(lang), html! { application.revision }) }
            </dl>
            <h2>{ i18n::PERMITS.get(lang) }</h2>
            { for application.permits.iter().map(|permit| permit_view(lang, application, permit, member, on_recorded)) }
            { fields_table(lang, &application.fields) }
            <h2>{ i18n::TIMELINE.get(lang) }</h2>
            <ol class="timeline">
                { for application.timeline.iter().map(|entry| {
                    let permit = entry.permit.as_deref().map(|id| {
                        format!(" — {}", catalog.permit(id).map_or(id, |p| p.name.get(lang)))
                    });
                    html! {
                        <li>
                            <span class="when">{ moment(entry.at, lang) }</span>{ " " }
                            <strong>{ i18n::event(entry.event).get(lang) }</strong>{ permit.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}

fn permit_view(
    lang: Lang,
    application: &OfficeApplication,
    permit: &OfficePermit,
    member: &StaffMember,
    on_recorded: &Callback<Recorded>,
) -> Html {
    let yes_no = |b: bool| if b { i18n::YES } else { i18n::NO }.get(lang);
    let heading = format!("permit-{}", permit.id);
    let decidable = permit.may_decide && permit.status == PermitStatus::UnderReview;
    let corrections = (!permit.corrections.is_empty()).then(|| {
        let label = |id: &str| {
            application
                .fields
                .iter()
                .find(|f| f.id == id)
                .map_or(id.to_owned(), |f| f.label.get(lang).to_owned())
        };
        summary_row(i18n::CORRECTIONS_ASKED.get(lang), html! {
            <ul>
                { for permit.corrections.iter().map(|(field, issue)| html! {
                    <li><strong>{ label(field) }</strong>{ colon(lang) }{ issue.text().get(lang) }</li>
                }) }
            </ul>
        })
    });
    let inspections = (!permit.inspections.is_empty()).then(|| {
        summary_row(
            i18n::INSPECTIONS.get(lang),
            html! {
                <ul>
                    { for permit.inspections.iter().map(|i| html! {
                        <li>
                            { date_words(&i.date, lang) }{ " · " }{ &i.inspector }{ " · " }
                            <strong>{ i18n::inspection_result(i.result).get(lang) }</strong>
                            if !i.note.is_empty() { { " · " }{ &i.note } }
                        </li>
                    }) }
                </ul>
            },
        )
    });
    html! {
        <section class="permit" aria-labelledby={heading.clone()}>
            <h3 id={heading}>{ permit.name.get(lang) }</h3>
            <dl class="summary-list">
                { summary_row(i18n::DEPARTMENT.get(lang), html! { permit.department.get(lang) }) }
                { summary_row(i18n::MODE.get(lang), html! { i18n::mode(permit.mode).get(lang) }) }
                { summary_row(i18n::STATUS.get(lang), html! { <strong>{ i18n::permit_status(permit.status).get(lang) }</strong> }) }
                { for permit.due.as_deref().map(|due| summary_row(i18n::DUE.get(lang), html! { date_words(due, lang) })) }
                if permit.mode == GrantMode::Review || permit.inspection_required {
                    { summary_row(i18n::INSPECTION_REQUIRED.get(lang), html! { yes_no(permit.inspection_required) }) }
                }
                { for inspections }
                { for corrections }
                { for permit.conditions.as_ref().map(|c| summary_row(i18n::CONDITIONS.get(lang), html! { c.get(lang) })) }
                { for permit.rejection.as_ref().map(|r| html! {
                    <>
                        { summary_row(i18n::REJECTION_REASON.get(lang), html! { r.reason.get(lang) }) }
                        { summary_row(i18n::APPEAL.get(lang), html! { r.appeal.get(lang) }) }
                    </>
                }) }
            </dl>
            if decidable {
                <DecisionFormView {lang} application_id={application.application_id.clone()}
                    permit={permit.clone()} fields={application.fields.clone()}
                    on_recorded={on_recorded.clone()} />
                <InspectionFormView {lang} application_id={application.application_id.clone()}
                    permit={permit.clone()} inspector={member.display_name.clone()}
                    on_recorded={on_recorded.clone()} />
            }
        </section>
    }
}

fn fields_table(lang: Lang, fields: &[OfficeField]) -> Html {
    html! {
        <table class="fields-table">
            <caption><h2>{ i18n::FIELDS_HEADING.get(lang) }</h2></caption>
            <thead>
                <tr>
                    <th scope="col">{ i18n::FIELD.get(lang) }</th>
                    <th scope="col">{ i18n::VALUE.get(lang) }</th>
                    <th scope="col">{ i18n::SOURCE.get(lang) }</th>
                </tr>
            </thead>
            <tbody>
                { for fields.iter().map(|field| html! {
                    <tr>
                        <th scope="row">{ field.label.get(lang) }</th>
                        <td class="value">
                            if field.value.is_empty() { <span class="muted">{ i18n::EMPTY_VALUE.get(lang) }</span> }
                            else { { &field.value } }
                        </td>
                        <td>
                            if field.registry_confirmed {
                                <span class="confirmed">{ i18n::REGISTRY_CONFIRMED.get(lang) }</span>
                            } else {
                                <span class="muted">{ i18n::AS_TYPED.get(lang) }</span>
                            }
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
