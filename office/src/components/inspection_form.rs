use contract::{InspectionResult, OfficePermit};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::application_page::Recorded;
use super::{error_summary, focus, summary_id, today};
use crate::forms::{InspectionForm, Problem, input_id};
use crate::i18n::{self, InLang, Lang};
use crate::services::api::{self, ApiError};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub application_id: String,
    pub permit: OfficePermit,
    /// Pre-filled as the inspector: the signed-in member's name.
    pub inspector: String,
    pub on_recorded: Callback<Recorded>,
}

/// "Record on-site inspection": the date, who inspected, passed or failed, a note.
#[function_component]
pub fn InspectionFormView(props: &Props) -> Html {
    let lang = props.lang;
    let permit = props.permit.id.clone();
    let form = {
        let inspector = props.inspector.clone();
        use_state(move || InspectionForm {
            date: today(),
            inspector,
            ..InspectionForm::default()
        })
    };
    let problems = use_state(Vec::<Problem>::new);
    let refused = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let form_name = format!("{permit}-inspection");
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
    let edit = |change: fn(&mut InspectionForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            change(
                &mut next,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            form.set(next);
        })
    };
    let choose = |result: InspectionResult| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            form.set(InspectionForm {
                result: Some(result),
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
        let (application_id, permit) = (props.application_id.clone(), props.permit.clone());
        let on_recorded = props.on_recorded.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            refused.set(None);
            let inspection = match form.inspection(&permit.id) {
                Ok(inspection) => inspection,
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
                let answer = api::record_inspection(&application_id, &permit.id, &inspection).await;
                busy.set(false);
                match answer {
                    Ok(updated) => {
                        let text = format!(
                            "{}{}",
                            i18n::INSPECTION_RECORDED.get(lang),
                            permit.name.get(lang)
                        );
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
            .map(|p| html! { <p class="error-message">{ p.text.get(lang) }</p> })
    };
    let field = |name: &str,
                 label: i18n::Text,
                 kind: &'static str,
                 value: &str,
                 oninput: Callback<InputEvent>| {
        let input = id(name);
        let error = error_for(&input);
        html! {
            <div class={classes!("field", error.as_ref().map(|_| "field-error"))}>
                <label for={input.clone()}>{ label.get(lang) }</label>
                { for error }
                <input id={input} type={kind} value={value.to_owned()} {oninput} />
            </div>
        }
    };
    let radio = |result: InspectionResult, name: &str| {
        html! {
            <div class="choice-item">
                <input type="radio" id={id(name)} name={id("result")} checked={form.result == Some(result)}
                    onchange={choose(result)} />
                <label for={id(name)}>{ i18n::inspection_result(result).get(lang) }</label>
            </div>
        }
    };
    let note_id = id("note");
    let on_note = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            form.set(InspectionForm {
                note: e.target_unchecked_into::<HtmlTextAreaElement>().value(),
                ..(*form).clone()
            })
        })
    };
    let heading = id("inspection-heading");
    html! {
        <form class="inspection" aria-labelledby={heading.clone()} {onsubmit} novalidate=true>
            <h4 id={heading}>{ i18n::INSPECTION_HEADING.get(lang) }{ props.permit.name.get(lang) }</h4>
            { error_summary(lang, &form_name, &problems, refused.as_ref()) }
            { field("inspection-date", i18n::INSPECTION_DATE, "date", &form.date, edit(|f, v| f.date = v)) }
            { field("inspector", i18n::INSPECTOR, "text", &form.inspector, edit(|f, v| f.inspector = v)) }
            <fieldset class={classes!("field", error_for(&id("passed")).map(|_| "field-error"))}>
                <legend>{ i18n::RESULT.get(lang) }</legend>
                { for error_for(&id("passed")) }
                { radio(InspectionResult::Passed, "passed") }
                { radio(InspectionResult::Failed, "failed") }
            </fieldset>
            <div class="field">
                <label for={note_id.clone()}>{ i18n::NOTE.get(lang) }</label>
                <textarea id={note_id} rows="2" value={form.note.clone()} oninput={on_note} />
            </div>
            <button type="submit" disabled={*busy}>
                { if *busy { i18n::SENDING.get(lang) } else { i18n::RECORD_INSPECTION.get(lang) } }
            </button>
        </form>
    }
}
