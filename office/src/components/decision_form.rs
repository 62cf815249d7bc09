use contract::{Decision, OfficeField, OfficePermit, Text};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::application_page::Recorded;
use super::{colon, error_summary, focus, summary_id};
use crate::forms::{Choice, Correction, DecisionForm, Problem, input_id};
use crate::i18n::{self, InLang, Lang};
use crate::services::api::{self, ApiError};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub application_id: String,
    pub permit: OfficePermit,
    /// The values the reviewer may ask to have corrected.
    pub fields: Vec<OfficeField>,
    pub on_recorded: Callback<Recorded>,
}

/// Approve (with optional conditions), request correction (per field, a message in both
/// languages) or reject (the legal reason, the appeal route pre-filled from the catalog).
#[function_component]
pub fn DecisionFormView(props: &Props) -> Html {
    let lang = props.lang;
    let permit = props.permit.id.clone();
    let form = {
        let (fields, appeal) = (props.fields.clone(), props.permit.appeal.clone());
        use_state(move || DecisionForm::new(fields.into_iter().map(|f| f.id), &appeal))
    };
    let problems = use_state(Vec::<Problem>::new);
    let refused = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let form_name = format!("{permit}-decision");
    {
        let shown = !problems.is_empty() || refused.is_some();
        let summary = summary_id(&form_name);
        use_effect_with((problems.clone(), refused.clone()), move |_| {
            if shown {
                focus(&summary);
            }
        });
    }
    let id = |name: &str| input_id(&permit, name);
    // Changes one part of the form from what an input holds now.
    let edit = |change: fn(&mut DecisionForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            let mut next = (*form).clone();
            change(&mut next, value);
            form.set(next);
        })
    };
    let choose = |choice: Choice| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            form.set(DecisionForm {
                choice: Some(choice),
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
        let (application_id, permit, fields) = (
            props.application_id.clone(),
            props.permit.clone(),
            props.fields.clone(),
        );
        let on_recorded = props.on_recorded.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let label = |field: &str| {
                fields
                    .iter()
                    .find(|f| f.id == field)
                    .map_or_else(|| Text::new(field, field), |f| f.label.clone())
            };
            refused.set(None);
            let decision = match form.decision(&permit.id, label) {
                Ok(decision) => decision,
                Err(found) => {
                    problems.set(found);
                    return;
                }
            };
            problems.set(Vec::new());
            busy.set(true);
            let (application_id, permit) = (application_id.clone(), permit.clone());
            let (refused, busy, on_recorded) = (refused.clone(), busy.clone(), on_recorded.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::decide(&application_id, &permit.id, &decision).await;
                busy.set(false);
                match answer {
                    Ok(updated) => {
                        let said = match decision {
                            Decision::Approve { .. } => i18n::DECIDED_APPROVED,
                            Decision::RequestCorrection { .. } => i18n::DECIDED_CORRECTION,
                            Decision::Reject { .. } => i18n::DECIDED_REJECTED,
                        };
                        let text = format!("{}{}", said.get(lang), permit.name.get(lang));
                        on_recorded.emit((updated, text));
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
            .map(|p| html! { <p class="error-message">{ p.text.get(lang) }{ p.detail.as_ref().map(|d| d.get(lang).to_owned()).unwrap_or_default() }</p> })
    };
    let text_input = |name: &str,
                      label: i18n::Text,
                      value: &str,
                      rows: u32,
                      oninput: Callback<InputEvent>| {
        let input = id(name);
        let error = error_for(&input);
        html! {
            <div class={classes!("field", error.as_ref().map(|_| "field-error"))}>
                <label for={input.clone()}>{ label.get(lang) }</label>
                { for error }
                <textarea id={input} rows={rows.to_string()} value={value.to_owned()} {oninput} />
            </div>
        }
    };
    let radio = |choice: Choice, name: &str, label: i18n::Text| {
        html! {
            <div class="choice-item">
                <input type="radio" id={id(name)} name={id("decision")} checked={form.choice == Some(choice)}
                    onchange={choose(choice)} />
                <label for={id(name)}>{ label.get(lang) }</label>
            </div>
        }
    };
    let details = match form.choice {
        Some(Choice::Approve) => html! {
            <div class="reveal">
                { text_input("conditions-zh", i18n::CONDITIONS_ZH, &form.conditions_zh, 2, edit(|f, v| f.conditions_zh = v)) }
                { text_input("conditions-en", i18n::CONDITIONS_EN, &form.conditions_en, 2, edit(|f, v| f.conditions_en = v)) }
            </div>
        },
        Some(Choice::RequestCorrection) => {
            corrections(lang, &permit, &props.fields, &form, &problems)
        }
        Some(Choice::Reject) => html! {
            <div class="reveal">
                { text_input("reason-zh", i18n::REASON_ZH, &form.reason_zh, 3, edit(|f, v| f.reason_zh = v)) }
                { text_input("reason-en", i18n::REASON_EN, &form.reason_en, 3, edit(|f, v| f.reason_en = v)) }
                { text_input("appeal-zh", i18n::APPEAL_ZH, &form.appeal_zh, 2, edit(|f, v| f.appeal_zh = v)) }
                { text_input("appeal-en", i18n::APPEAL_EN, &form.appeal_en, 2, edit(|f, v| f.appeal_en = v)) }
            </div>
        },
        None => html! {},
    };
    let heading = id("decide-heading");
    html! {
        <form class="decision" aria-labelledby={heading.clone()} {onsubmit} novalidate=true>
            <h4 id={heading}>{ i18n::DECIDE_HEADING.get(lang) }{ props.permit.name.get(lang) }</h4>
            { error_summary(lang, &form_name, &problems, refused.as_ref()) }
            <fieldset class={classes!("field", error_for(&id("approve")).map(|_| "field-error"))}>
                <legend>{ i18n::DECISION.get(lang) }</legend>
                { for error_for(&id("approve")) }
                { radio(Choice::Approve, "approve", i18n::APPROVE) }
                { radio(Choice::RequestCorrection, "correct", i18n::REQUEST_CORRECTION) }
                { radio(Choice::Reject, "reject", i18n::REJECT) }
            </fieldset>
            { details }
            <button type="submit" class="primary" disabled={*busy}>
                { if *busy { i18n::SENDING.get(lang) } else { i18n::RECORD_DECISION.get(lang) } }
            </button>
        </form>
    }
}

/// Per field a checkbox "ask to correct", which reveals the message in Chinese and in English.
fn corrections(
    lang: Lang,
    permit: &str,
    fields: &[OfficeField],
    form: &UseStateHandle<DecisionForm>,
    problems: &[Problem],
) -> Html {
    let edit = |index: usize, change: fn(&mut Correction, &Event)| {
        let form = form.clone();
        move |e: &Event| {
            let mut next = (*form).clone();
            if let Some((_, correction)) = next.corrections.get_mut(index) {
                change(correction, e);
            }
            form.set(next);
        }
    };
    let on_ask = |index| {
        let edit = edit(index, |c, e| {
            c.asked = e.target_unchecked_into::<HtmlInputElement>().checked();
        });
        Callback::from(move |e: Event| edit(&e))
    };
    let on_text = |index, change: fn(&mut Correction, &Event)| {
        let edit = edit(index, change);
        Callback::from(move |e: InputEvent| edit(&e))
    };
    let ask_error = problems
        .iter()
        .find(|p| p.text == i18n::NO_FIELD_CHOSEN)
        .map(|p| html! { <p class="error-message">{ p.text.get(lang) }</p> });
    html! {
        <fieldset class={classes!("field", "reveal", ask_error.as_ref().map(|_| "field-error"))}>
            <legend>{ i18n::REQUEST_CORRECTION.get(lang) }</legend>
            <p class="hint">{ i18n::CORRECTION_HINT.get(lang) }</p>
            { for ask_error }
            { for form.corrections.iter().enumerate().map(|(index, (field, correction))| {
                let label = fields.iter().find(|f| f.id == *field).map_or(field.as_str(), |f| f.label.get(lang));
                let ask = input_id(permit, &format!("{field}-ask"));
                let zh = input_id(permit, &format!("{field}-zh"));
                let en = input_id(permit, &format!("{field}-en"));
                let missing = problems.iter().find(|p| p.input == zh || p.input == en)
                    .map(|p| html! { <p class="error-message">{ p.text.get(lang) }{ label }</p> });
                html! {
                    <div class={classes!("correction", missing.as_ref().map(|_| "field-error"))}>
                        <div class="choice-item">
                            <input type="checkbox" id={ask.clone()} checked={correction.asked}
                                onchange={on_ask(index)} />
                            <label for={ask}>{ i18n::ASK_TO_CORRECT.get(lang) }{ colon(lang) }{ label }</label>
                        </div>
                        if correction.asked {
                            <div class="correction-messages">
                                { for missing }
                                <label for={zh.clone()}>{ i18n::MESSAGE_ZH.get(lang) }{ colon(lang) }{ label }</label>
                                <textarea id={zh} lang="zh-CN" rows="2" value={correction.zh.clone()}
                                    oninput={on_text(index, |c, e| c.zh = e.target_unchecked_into::<HtmlTextAreaElement>().value())} />
                                <label for={en.clone()}>{ i18n::MESSAGE_EN.get(lang) }{ colon(lang) }{ label }</label>
                                <textarea id={en} lang="en" rows="2" value={correction.en.clone()}
                                    oninput={on_text(index, |c, e| c.en = e.target_unchecked_into::<HtmlTextAreaElement>().value())} />
                            </div>
                        }
                    </div>
                }
            }) }
        </fieldset>
    }
}
