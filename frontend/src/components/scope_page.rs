use catalog::{Catalog, QuestionKind, ScopeAnswer, ScopeAnswers};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::field_input::text;
use crate::i18n::{self, Lang};

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
    let questions = industry.questions.iter().filter_map(|q| catalog.question(q)).map(|question| {
        let id = format!("scope-{}", question.id);
        let label = text(lang, &question.label.zh, &question.label.en);
        let hint = question.hint.as_ref().map(|h| html! { <div class="hint">{ text(lang, &h.zh, &h.en) }</div> });
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
                    Some(ScopeAnswer::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                let (on_answer, qid) = (props.on_answer.clone(), question.id.clone());
                let oninput = Callback::from(move |e: InputEvent| {
                    let raw = e.target_unchecked_into::<HtmlInputElement>().value();
                    on_answer.emit((qid.clone(), raw.trim().parse::<f64>().ok().map(ScopeAnswer::Number)));
                });
                html! {
                    <div class="field">
                        <label for={id.clone()}>{ label }</label>
                        { for hint }
                        <div class="input-with-unit">
                            <input id={id} type="text" inputmode="decimal" {value} {oninput} />
                            { for question.unit.clone().map(|u| html! { <span class="unit">{ u }</span> }) }
                        </div>
                    </div>
                }
            }
        }
    });
    let on_continue = props.on_continue.clone();
    html! {
        <section aria-labelledby="scope-heading">
            <h1 id="scope-heading">{ i18n::SCOPE_HEADING.get(lang) }</h1>
            <p class="lead">{ text(lang, &industry.name.zh, &industry.name.en) }</p>
            <p>{ i18n::SCOPE_INTRO.get(lang) }</p>
            { for questions }
            <section aria-labelledby="permits-heading" aria-live="polite" class="panel">
                <h2 id="permits-heading">{ i18n::PERMITS_HEADING.get(lang) }{ format!(" ({})", permits.len()) }</h2>
                <ul class="permit-list">
                    { for permits.iter().map(|p| html! {
                        <li>
                            <strong>{ text(lang, &p.name.zh, &p.name.en) }</strong>
                            <span class="muted">{ format!(" — {} ", i18n::DEPARTMENT.get(lang)) }{ text(lang, &p.department.zh, &p.department.en) }</span>
                        </li>
                    }) }
                </ul>
            </section>
            if permits.is_empty() {
                <p class="notice" role="status">{ i18n::NO_PERMITS.get(lang) }</p>
            } else {
                <button type="button" class="primary" onclick={Callback::from(move |_| on_continue.emit(()))}>
                    { i18n::CONTINUE.get(lang) }
                </button>
            }
        </section>
    }
}
