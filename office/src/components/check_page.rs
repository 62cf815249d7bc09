use catalog::Catalog;
use contract::{
    ApplicationStatus, CheckFinding, Consequence, LicenseStanding, LicenseState, OfficeCheck,
};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::checks_page::finding_words;
use super::{date_words, error_summary, focus, moment, summary_id, summary_row};
use crate::forms::{CheckForm, Problem, check_input as id};
use crate::i18n::{self, InLang, Lang};
use crate::services::api::{self, ApiError};
use crate::state::Page;

/// A check's result recorded: the server's updated view, and what to say about it.
pub type CheckRecorded = (OfficeCheck, String);

/// One check after a commitment: the license, the permit, what was committed, the business;
/// the result once recorded, else the form to record it.
pub fn check_page(
    lang: Lang,
    check: &OfficeCheck,
    confirmation: Option<&str>,
    on_recorded: &Callback<CheckRecorded>,
) -> Html {
    let catalog = Catalog::builtin();
    let industry = catalog
        .industry(&check.industry)
        .map_or(check.industry.as_str(), |i| i.name.get(lang));
    let confirmation = confirmation.map(|text| {
        html! { <div id="confirmation" class="confirmation" role="status" tabindex="-1"><p>{ text }</p></div> }
    });
    let status = match &check.standing {
        _ if check.license_status == ApplicationStatus::Revoked => {
            i18n::LICENSE_REVOKED.get(lang).to_owned()
        }
        Some(LicenseStanding {
            state: LicenseState::Suspended,
            until,
            ..
        }) => format!(
            "{} {}",
            i18n::LICENSE_SUSPENDED_UNTIL.get(lang),
            date_words(until.as_deref().unwrap_or_default(), lang)
        ),
        Some(LicenseStanding {
            state: LicenseState::Cancelled,
            ..
        }) => i18n::LICENSE_CANCELLED.get(lang).to_owned(),
        _ => i18n::LICENSE_VALID.get(lang).to_owned(),
    };
    let reason = check
        .revocation_reason
        .as_ref()
        .map(|reason| summary_row(i18n::REVOCATION_REASON.get(lang), html! { reason }));
    let result = check.finding.as_ref().map(|finding| {
        let details = match finding {
            CheckFinding::Honoured => html! {},
            CheckFinding::FalseCommitment {
                findings,
                consequence,
                ..
            } => {
                let followed = match consequence {
                    Consequence::Revocation => i18n::REVOKE_LICENSE.get(lang).to_owned(),
                    Consequence::Suspension { until } => format!(
                        "{} {}",
                        i18n::LICENSE_SUSPENDED_UNTIL.get(lang),
                        date_words(until, lang)
                    ),
                };
                html! {
                    <>
                        { summary_row(i18n::FINDINGS.get(lang), html! { findings.get(lang) }) }
                        { summary_row(i18n::FOLLOWED.get(lang), html! { followed }) }
                    </>
                }
            }
        };
        html! {
            <>
                <h2>{ i18n::CHECK_RESULT.get(lang) }</h2>
                <dl class="summary-list">
                    { summary_row(i18n::CHECK_RESULT.get(lang), html! { <strong>{ finding_words(finding).get(lang) }</strong> }) }
                    { summary_row(i18n::CHECKED_ON.get(lang), html! { date_words(check.checked_on.as_deref().unwrap_or_default(), lang) }) }
                    { summary_row(i18n::CHECKED_BY.get(lang), html! { check.checked_by.clone().unwrap_or_default() }) }
                    { details }
                </dl>
            </>
        }
    });
    let form = check.may_record.then(|| {
        html! {
            <CheckFormView {lang} key={format!("{}/{}", check.application_id, check.permit)}
                application_id={check.application_id.clone()} permit={check.permit.clone()}
                permit_name={check.permit_name.get(lang).to_owned()} on_recorded={on_recorded.clone()} />
        }
    });
    html! {
        <>
            <p><a class="back" href={Page::Checks.path()}>{ "‹ " }{ i18n::BACK_TO_CHECKS.get(lang) }</a></p>
            { for confirmation }
            <h1>{ &check.business_name }{ " — " }{ check.permit_name.get(lang) }</h1>
            <dl class="summary-list">
                { summary_row(i18n::CHECK_BY.get(lang), html! { <strong>{ date_words(&check.due, lang) }</strong> }) }
                { summary_row(i18n::DEPARTMENT.get(lang), html! { check.department.get(lang) }) }
                { summary_row(i18n::COMMITMENT.get(lang), html! { check.commitment.get(lang) }) }
                { summary_row(i18n::ON_SITE.get(lang), html! { (if check.on_site { i18n::YES } else { i18n::NO }).get(lang) }) }
                { summary_row(i18n::LICENSE_NUMBER.get(lang), html! { <code>{ &check.license_number }</code> }) }
                { summary_row(i18n::LICENSE_STATUS.get(lang), html! { <strong>{ status }</strong> }) }
                { for reason }
                { summary_row(i18n::ISSUED_ON.get(lang), html! { moment(check.issued_at, lang) }) }
                { summary_row(i18n::INDUSTRY.get(lang), html! { industry }) }
                { summary_row(i18n::CREDIT_CODE.get(lang), html! { <code>{ &check.credit_code }</code> }) }
                { summary_row(i18n::PREMISES.get(lang), html! { &check.premises }) }
                { summary_row(i18n::APPLICATION_ID.get(lang), html! { <code>{ &check.application_id }</code> }) }
            </dl>
            { for result }
            { for form }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub application_id: String,
    pub permit: String,
    pub permit_name: String,
    pub on_recorded: Callback<CheckRecorded>,
}

/// Honoured, or a false commitment: the findings and the legal reason for revoking in both
/// languages, and a confirmation that the license is to be revoked.
#[function_component]
pub fn CheckFormView(props: &Props) -> Html {
    let lang = props.lang;
    let form = use_state(CheckForm::default);
    let problems = use_state(Vec::<Problem>::new);
    let refused = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    const FORM: &str = "check";
    {
        let shown = !problems.is_empty() || refused.is_some();
        use_effect_with((problems.clone(), refused.clone()), move |_| {
            if shown {
                focus(&summary_id(FORM));
            }
        });
    }
    let edit = |change: fn(&mut CheckForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            let mut next = (*form).clone();
            change(&mut next, value);
            form.set(next);
        })
    };
    let choose = |honoured: bool| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            form.set(CheckForm {
                honoured: Some(honoured),
                ..(*form).clone()
            })
        })
    };
    let on_confirm = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            form.set(CheckForm {
                confirmed: e.target_unchecked_into::<HtmlInputElement>().checked(),
                ..(*form).clone()
            })
        })
    };
    let onsubmit = {
        let (form, problems, refused, busy) = (
            form.clone(),
            problems.clone(),
            refused.clone(),
            busy.clone(),
        );
        let (application_id, permit, name) = (
            props.application_id.clone(),
            props.permit.clone(),
            props.permit_name.clone(),
        );
        let on_recorded = props.on_recorded.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            refused.set(None);
            let finding = match form.finding() {
                Ok(finding) => finding,
                Err(found) => {
                    problems.set(found);
                    return;
                }
            };
            problems.set(Vec::new());
            busy.set(true);
            let (application_id, permit, name) =
                (application_id.clone(), permit.clone(), name.clone());
            let (refused, busy, on_recorded) = (refused.clone(), busy.clone(), on_recorded.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::record_check(&application_id, &permit, &finding).await;
                busy.set(false);
                match answer {
                    Ok(updated) => {
                        let said = match finding {
                            CheckFinding::Honoured => i18n::CHECKED_HONOURED,
                            CheckFinding::FalseCommitment {
                                consequence: Consequence::Suspension { .. },
                                ..
                            } => i18n::CHECKED_SUSPENDED,
                            CheckFinding::FalseCommitment { .. } => i18n::CHECKED_REVOKED,
                        };
                        on_recorded.emit((updated, format!("{}{name}", said.get(lang))));
                    }
                    Err(error) => refused.set(Some(error)),
                }
            });
        })
    };
    let error_for = |input: &str| {
        problems
            .iter()
            .find(|p| p.input == input)
            .map(|p| html! { <p class="error-message">{ p.text.get(lang) }</p> })
    };
    let text_input = |input: &'static str,
                      label: i18n::Text,
                      language: &'static str,
                      value: &str,
                      oninput: Callback<InputEvent>| {
        let error = error_for(input);
        html! {
            <div class={classes!("field", error.as_ref().map(|_| "field-error"))}>
                <label for={input}>{ label.get(lang) }</label>
                { for error }
                <textarea id={input} lang={language} rows="3" value={value.to_owned()} {oninput} />
            </div>
        }
    };
    let radio = |honoured: bool, input: &'static str, label: i18n::Text| {
        html! {
            <div class="choice-item">
                <input type="radio" id={input} name="check-result" checked={form.honoured == Some(honoured)}
                    onchange={choose(honoured)} />
                <label for={input}>{ label.get(lang) }</label>
            </div>
        }
    };
    let consequence = |suspend: bool, input: &'static str, label: i18n::Text| {
        let state = form.clone();
        let onchange = Callback::from(move |_: Event| {
            state.set(CheckForm {
                suspend,
                ..(*state).clone()
            })
        });
        html! {
            <div class="choice-item">
                <input type="radio" id={input} name="check-consequence" checked={form.suspend == suspend} {onchange} />
                <label for={input}>{ label.get(lang) }</label>
            </div>
        }
    };
    let details = (form.honoured == Some(false)).then(|| {
        let confirm_error = error_for(id::CONFIRM);
        let until_error = error_for(id::UNTIL);
        let (reason_zh, reason_en, warning, confirm) = if form.suspend {
            let (zh, en) = (i18n::SUSPEND_REASON_ZH, i18n::SUSPEND_REASON_EN);
            (zh, en, i18n::SUSPEND_WARNING, i18n::CONFIRM_SUSPENSION)
        } else {
            let (zh, en) = (i18n::REVOKE_REASON_ZH, i18n::REVOKE_REASON_EN);
            (zh, en, i18n::REVOKE_WARNING, i18n::CONFIRM_REVOCATION)
        };
        let until = form.suspend.then(|| {
            let state = form.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                state.set(CheckForm {
                    until: e.target_unchecked_into::<HtmlInputElement>().value(),
                    ..(*state).clone()
                })
            });
            html! {
                <div class={classes!("field", until_error.as_ref().map(|_| "field-error"))}>
                    <label for={id::UNTIL}>{ i18n::SUSPEND_UNTIL.get(lang) }</label>
                    { for until_error }
                    <input type="date" id={id::UNTIL} value={form.until.clone()} {oninput} />
                </div>
            }
        });
        html! {
            <div class="reveal">
                { text_input(id::FINDINGS_ZH, i18n::FINDINGS_ZH, "zh-CN", &form.findings_zh, edit(|f, v| f.findings_zh = v)) }
                { text_input(id::FINDINGS_EN, i18n::FINDINGS_EN, "en", &form.findings_en, edit(|f, v| f.findings_en = v)) }
                <fieldset class="field">
                    <legend>{ i18n::CONSEQUENCE.get(lang) }</legend>
                    { consequence(false, id::REVOKE, i18n::REVOKE_LICENSE) }
                    { consequence(true, id::SUSPEND, i18n::SUSPEND_LICENSE) }
                </fieldset>
                { for until }
                { text_input(id::REASON_ZH, reason_zh, "zh-CN", &form.reason_zh, edit(|f, v| f.reason_zh = v)) }
                { text_input(id::REASON_EN, reason_en, "en", &form.reason_en, edit(|f, v| f.reason_en = v)) }
                <div class="notice warning"><p>{ warning.get(lang) }</p></div>
                <div class={classes!("field", confirm_error.as_ref().map(|_| "field-error"))}>
                    { for confirm_error }
                    <div class="choice-item">
                        <input type="checkbox" id={id::CONFIRM} checked={form.confirmed} onchange={on_confirm.clone()} />
                        <label for={id::CONFIRM}>{ confirm.get(lang) }</label>
                    </div>
                </div>
            </div>
        }
    });
    let result_error = error_for(id::HONOURED);
    html! {
        <form class="decision" aria-labelledby="check-heading" {onsubmit} novalidate=true>
            <h2 id="check-heading">{ i18n::RECORD_CHECK_HEADING.get(lang) }{ &props.permit_name }</h2>
            { error_summary(lang, FORM, &problems, refused.as_ref()) }
            <fieldset class={classes!("field", result_error.as_ref().map(|_| "field-error"))}>
                <legend>{ i18n::CHECK_RESULT.get(lang) }</legend>
                { for result_error }
                { radio(true, id::HONOURED, i18n::HONOURED) }
                { radio(false, id::FALSE, i18n::FALSE_COMMITMENT) }
            </fieldset>
            { for details }
            <button type="submit" class="primary" disabled={*busy}>
                { if *busy { i18n::SENDING.get(lang) } else { i18n::RECORD_CHECK.get(lang) } }
            </button>
        </form>
    }
}
