use catalog::{Catalog, QuestionKind, ScopeAnswer, ScopeAnswers};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::error_summary::{ERROR_SUMMARY_ID, SummaryItem, error_summary};
use crate::components::focus::focus_element;
use crate::i18n::{self, InLang, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub industry: AttrValue,
    pub answers: ScopeAnswers,
    pub on_answer: Callback<(String, Option<ScopeAnswer>)>,
    pub on_continue: Callback<()>,
}

/// The business-scope questions, and — before anything is typed — the permits they combine
/// and which department issues each.
#[function_component]
pub fn ScopePage(props: &Props) -> Html {
    let catalog = Catalog::builtin();
    let lang = props.lang;
    let Some(industry) = catalog.industry(&props.industry) else {
        return html! {};
    };
    let permits = catalog
        .permits_for(&industry.id, &props.answers)
        .unwrap_or_default();
    // Messages show once "Continue" was pressed with a numeric answer missing or out of
    // range (it decides permits); each press moves the focus to the summary.
    let attempts = use_state(|| 0u32);
    use_effect_with(*attempts, |_| focus_element(ERROR_SUMMARY_ID));
    let problems: Vec<(String, String)> = industry
        .questions
        .iter()
        .filter_map(|q| catalog.question(q))
        .filter_map(|q| {
            let problem = q.problem(props.answers.get(&q.id))?;
            Some((q.id.clone(), problem.get(lang).to_owned()))
        })
        .collect();
    let show_problems = *attempts > 0;
    let problem_of = |qid: &str| {
        show_problems
            .then(|| {
                problems
                    .iter()
                    .find(|(id, _)| id == qid)
                    .map(|(_, m)| m.clone())
            })
            .flatten()
    };
    let questions = industry.questions.iter().filter_map(|q| catalog.question(q)).map(|question| {
        let id = format!("scope-{}", question.id);
        let label = question.label.get(lang);
        let hint = question.hint.as_ref().map(|h| html! { <div class="hint">{ h.get(lang) }</div> });
        match question.kind {
            QuestionKind::YesNo => {
                let current = match props.answers.get(&question.id) {
                    Some(ScopeAnswer::YesNo(b)) => Some(*b),
                    _ => None,
                };
                let radio = |value: bool, label: &'static str| {
                    let (on_answer, qid) = (props.on_answer.clone(), question.id.clone());
                    let onchange = Callback::from(move |_| on_answer.emit((qid.clone(), Some(ScopeAnswer::YesNo(value)))));
                    let rid = format!("{id}-{value}");
                    html! {
                        <div class="choice-item">
                            <input type="radio" id={rid.clone()} name={id.clone()} checked={current == Some(value)} {onchange} />
                            <label for={rid}>{ label }</label>
                        </div>
                    }
                };
                html! {
                    <fieldset class="field inline-choices">
                        <legend>{ label }</legend>
                        { for hint }
                        { radio(true, i18n::YES.get(lang)) }
                        { radio(false, i18n::NO.get(lang)) }
                    </fieldset>
                }
            }
            QuestionKind::Number => {
                let value = match props.answers.get(&question.id) {
                    Some(ScopeAnswer::Number(n)) => catalog::number::format(*n),
                    _ => String::new(),
                };
                let (on_answer, qid) = (props.on_answer.clone(), question.id.clone());
                let oninput = Callback::from(move |e: InputEvent| {
                    let raw = e.target_unchecked_into::<HtmlInputElement>().value();
                    let typed = catalog::normalise(catalog::FieldKind::Number, &raw);
                    on_answer.emit((qid.clone(), catalog::number::parse(&typed).map(ScopeAnswer::Number)));
                });
                let error_id = format!("{id}-error");
                let error = problem_of(&question.id);
                let invalid = error.is_some().then_some("true");
                let describedby = error.is_some().then(|| error_id.clone());
                html! {
                    <div class={classes!("field", error.is_some().then_some("field-error"))}>
                        <label for={id.clone()}>{ label }</label>
                        { for hint }
                        { for error.map(|message| html! { <p id={error_id} class="error-message">{ message }</p> }) }
                        <div class="input-with-unit">
                            <input id={id} type="text" inputmode="decimal" {value} {oninput}
                                aria-invalid={invalid} aria-describedby={describedby} />
                            { for question.unit.as_ref().map(|u| html! { <span class="unit">{ u.get(lang) }</span> }) }
                        </div>
                    </div>
                }
            }
        }
    });
    let on_continue = {
        let on_continue = props.on_continue.clone();
        let attempts = attempts.clone();
        let ready = problems.is_empty();
        Callback::from(move |_| {
            if ready {
                on_continue.emit(());
            } else {
                attempts.set(*attempts + 1);
            }
        })
    };
    let summary = show_problems && !problems.is_empty();
    let items: Vec<SummaryItem> = problems
        .iter()
        .map(|(qid, message)| SummaryItem {
            target: Some(format!("scope-{qid}")),
            message: message.clone(),
        })
        .collect();
    html! {
        <section aria-labelledby="scope-heading">
            if summary {
                { error_summary(lang, &items) }
            }
            <h1 id="scope-heading">{ i18n::SCOPE_HEADING.get(lang) }</h1>
            <p class="lead">{ industry.name.get(lang) }</p>
            <p>{ i18n::SCOPE_INTRO.get(lang) }</p>
            { for questions }
            <section aria-labelledby="permits-heading" aria-live="polite" class="panel">
                <h2 id="permits-heading">{ i18n::PERMITS_HEADING.get(lang) }{ format!(" ({})", permits.len()) }</h2>
                <ul class="permit-list">
                    { for permits.iter().map(|p| html! {
                        <li>
                            <strong>{ p.name.get(lang) }</strong>
                            <span class="muted">{ format!(" — {} ", i18n::DEPARTMENT.get(lang)) }{ p.department.get(lang) }</span>
                        </li>
                    }) }
                </ul>
            </section>
            if permits.is_empty() {
                <p class="notice" role="status">{ i18n::NO_PERMITS.get(lang) }</p>
            } else {
                <button type="button" class="primary" onclick={on_continue}>
                    { i18n::CONTINUE.get(lang) }
                </button>
            }
        </section>
    }
}
