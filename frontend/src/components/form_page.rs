use std::collections::BTreeMap;

use catalog::{Catalog, GrantMode, MergedField};
use yew::prelude::*;

use crate::components::error_summary::{ERROR_SUMMARY_ID, SummaryItem, error_summary};
use crate::components::field_input::{self, field_input, input_id};
use crate::components::focus::focus_element;
use crate::draft::Draft;
use crate::i18n::{self, InLang, Lang};
use crate::state::Lookup;
pub use crate::steps::CREDIT_CODE;
use crate::steps::{self, position, problems, step_problems};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub draft: Draft,
    /// The id of the step shown (`steps.rs`).
    pub step: AttrValue,
    pub show_errors: bool,
    /// Fields the applicant has left: their format errors show.
    pub touched: Vec<String>,
    pub lookup: Lookup,
    pub focus: Option<AttrValue>,
    pub on_value: Callback<(String, String)>,
    /// The applicant left this field.
    pub on_left: Callback<String>,
    /// "Ask for the department's review instead" for a permit on commitment: (permit, on).
    pub on_review: Callback<(String, bool)>,
    /// A reviewer's request in the summary: to the field it is about.
    pub on_request: Callback<String>,
    pub on_continue: Callback<()>,
    pub on_focus_done: Callback<()>,
}

/// One step of the merged form (the credit code first, in the first step), with where it
/// stands among the steps and its own "Continue"; validation with the catalog's rules (the
/// server's own code). A format error shows once the applicant leaves the field, a missing
/// answer after "Continue"; the error summary lists this step's errors only.
#[function_component]
pub fn FormPage(props: &Props) -> Html {
    let lang = props.lang;
    let catalog = Catalog::builtin();
    {
        let (focus, done) = (props.focus.clone(), props.on_focus_done.clone());
        use_effect_with(focus, move |focus| {
            if let Some(field) = focus {
                focus_element(&input_id(field));
                done.emit(());
            }
        });
    }
    // Each "Continue" that stays on the step (and arriving with errors, e.g. after the server
    // refused) moves the focus to the error summary, if there is one.
    let attempts = use_state(|| 0u32);
    use_effect_with(*attempts, |_| focus_element(ERROR_SUMMARY_ID));
    let Some(form) = props.draft.form(catalog) else {
        return html! {};
    };
    let today = crate::today();
    let values = props.draft.complete_values(&form, today);
    let steps = steps::steps(&form, &values);
    let index = position(&steps, &props.step);
    let Some(step) = steps.get(index) else {
        return html! {};
    };
    // The look-up follows the credit code as typed: "found" is about the code in the form.
    let context = catalog::Context {
        today,
        credit_code_registered: props.lookup == Lookup::Found,
    };
    let problems = problems(&props.draft, &form, context);
    let mut warnings: BTreeMap<String, String> = BTreeMap::new();
    for issue in catalog::validate(&form, &values, context).warnings {
        warnings
            .entry(issue.field)
            .or_insert_with(|| issue.message.get(lang).to_owned());
    }
    // The reviewers' requests show on their fields as errors do, always, each on its own
    // line (several departments may ask about one field), above the field's own error.
    let error_of = |id: &str| {
        let problem = problems.get(id).filter(|problem| {
            props.show_errors || (!problem.missing && props.touched.iter().any(|t| t == id))
        });
        let requests = props.draft.corrections.get(id).into_iter().flatten();
        let mut lines = String::new();
        for line in requests
            .map(|r| r.get(lang))
            .chain(problem.map(|p| p.message.get(lang)))
        {
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(line);
        }
        (!lines.is_empty()).then(|| AttrValue::from(lines))
    };
    // This step's errors in the order it asks them; one on a field no step shows (the form
    // fills it itself, or the server named it) has no link, but is never invisible.
    let summary: Vec<SummaryItem> = step_problems(&steps, index, &problems)
        .into_iter()
        .map(|(field, problem)| SummaryItem {
            target: step
                .fields
                .iter()
                .any(|f| f.def.id == field)
                .then(|| input_id(field)),
            message: problem.message.get(lang).to_owned(),
        })
        .collect();
    let render_field = |field: &MergedField| {
        let id = &field.def.id;
        field_input(&field_input::Props {
            lang,
            field: field.clone(),
            value: AttrValue::from(props.draft.values.get(id).cloned().unwrap_or_default()),
            origin: props.draft.origins.get(id).copied(),
            error: error_of(id),
            warning: warnings.get(id).cloned().map(AttrValue::from),
            on_change: props.on_value.clone(),
        })
    };
    let fields = step.fields.iter().map(|field| {
        if field.def.id != CREDIT_CODE {
            return render_field(field);
        }
        let status = match &props.lookup {
            Lookup::Idle => None,
            Lookup::Looking => Some(i18n::LOOKUP_LOOKING),
            Lookup::Found => Some(i18n::LOOKUP_FOUND),
            Lookup::NotFound => Some(i18n::LOOKUP_NOT_FOUND),
            Lookup::Failed(_) => Some(i18n::LOOKUP_FAILED),
        };
        html! {
            <div key={CREDIT_CODE} class="panel">
                <p>{ i18n::CREDIT_CODE_FIRST.get(lang) }</p>
                { render_field(field) }
                <p role="status">{ status.map(|s| s.get(lang)).unwrap_or_default() }</p>
            </div>
        }
    });
    // Leaving a field (focus moving on) shows its format error: `focusout` bubbles, and
    // every control carries its field id as its name. Not when the focus goes to a button
    // ("Continue" shows every message anyway), and a moment later: a message appearing
    // between the press and the release of a button would move it from under the pointer.
    let onfocusout = {
        let on_left = props.on_left.clone();
        Callback::from(move |e: FocusEvent| {
            use wasm_bindgen::JsCast;
            let element = |t: Option<web_sys::EventTarget>| t?.dyn_into::<web_sys::Element>().ok();
            let to_button = element(e.related_target())
                .and_then(|to| to.closest("button").ok().flatten())
                .is_some();
            let name = element(e.target()).and_then(|t| t.get_attribute("name"));
            if let Some(name) = name.filter(|n| !n.is_empty() && !to_button) {
                let on_left = on_left.clone();
                gloo::timers::callback::Timeout::new(200, move || on_left.emit(name)).forget();
            }
        })
    };
    let (number, total) = (index + 1, steps.len());
    let progress = format!(
        "{}{number}{}{total}{}",
        i18n::STEP_BEFORE.get(lang),
        i18n::STEP_MIDDLE.get(lang),
        i18n::STEP_AFTER.get(lang)
    );
    let heading_id = format!("step-{}", step.id);
    let grants = (step.id == steps::DECLARATION)
        .then(|| grant_notes(lang, &form, &props.draft, &props.on_review));
    let requests = (!props.draft.corrections.is_empty())
        .then(|| requests_summary(lang, &form, &props.draft, &props.on_request));
    let on_continue = props.on_continue.clone();
    let attempts = attempts.clone();
    html! {
        <section key={step.id.to_owned()} aria-labelledby={heading_id.clone()}>
            if props.show_errors && !summary.is_empty() {
                { error_summary(lang, &summary) }
            }
            { for requests }
            <h1 id="form-heading">{ i18n::FORM_HEADING.get(lang) }</h1>
            <p class="lead">{ form.industry.name.get(lang) }</p>
            if index == 0 {
                <p class="counter" aria-live="polite">
                    { i18n::COUNTER_BEFORE.get(lang) }<strong>{ props.draft.fields_to_type(&form) }</strong>
                    { i18n::COUNTER_MIDDLE.get(lang) }<strong>{ form.counts.separate_form_fields }</strong>{ i18n::COUNTER_AFTER.get(lang) }
                </p>
            }
            <p class="step-progress" id="step-progress">{ progress }</p>
            <progress max={total.to_string()} value={number.to_string()} aria-labelledby="step-progress"></progress>
            <h2 id={heading_id}>{ step.title.get(lang) }</h2>
            { for grants }
            <div class="form-section" {onfocusout}>
                { for fields }
            </div>
            <button type="button" class="primary" onclick={Callback::from(move |_| {
                on_continue.emit(());
                attempts.set(*attempts + 1);
            })}>
                { i18n::CONTINUE.get(lang) }
            </button>
        </section>
    }
}

/// Every request of the reviewers not acted on yet, at the top of each step: the field and
/// the department's words, each leading to its field.
fn requests_summary(
    lang: Lang,
    form: &catalog::MergedForm,
    draft: &Draft,
    on_request: &Callback<String>,
) -> Html {
    let items = draft.corrections.iter().flat_map(|(field, requests)| {
        let label = form
            .field(field)
            .map_or(field.as_str(), |f| f.def.label.get(lang));
        requests.iter().map(move |request| {
            let go = on_request.reform({
                let field = field.clone();
                move |_| field.clone()
            });
            html! {
                <li><button type="button" class="link" onclick={go}>{ label }</button>{ " — " }{ request.get(lang) }</li>
            }
        })
    });
    html! {
        <div class="error-summary" role="region" aria-labelledby="requests-title">
            <h2 id="requests-title">{ i18n::CORRECTIONS_HEADING.get(lang) }</h2>
            <ul>{ for items }</ul>
        </div>
    }
}

/// Above the declaration: how each permit is granted. On commitment, the commitment the
/// declaration accepts and, where the rules allow, the choice of a review instead; after
/// review, who reviews it and within how many working days.
fn grant_notes(
    lang: Lang,
    form: &catalog::MergedForm,
    draft: &Draft,
    on_review: &Callback<(String, bool)>,
) -> Html {
    let catalog = Catalog::builtin();
    let mut items = Vec::new();
    for permit in &form.permits {
        let Some(entry) = catalog.permit(&permit.id) else {
            continue;
        };
        let grant = &entry.grant;
        let asked = draft.review_requested.contains(&permit.id);
        let committed = grant.mode == GrantMode::Commitment;
        let mut note = i18n::mode_text(if committed && !asked {
            GrantMode::Commitment
        } else {
            GrantMode::Review
        })
        .get(lang)
        .to_owned();
        note.push_str(i18n::COLON.get(lang));
        match &grant.commitment {
            Some(commitment) if committed && !asked => note.push_str(commitment.get(lang)),
            _ => {
                note.push_str(entry.department.get(lang));
                note.push_str(i18n::REVIEW_WITHIN.get(lang));
                note.push_str(&grant.time_limit_days.to_string());
                note.push_str(i18n::WORKING_DAYS.get(lang));
                if grant.inspection {
                    note.push_str(i18n::WITH_INSPECTION.get(lang));
                }
                note.push_str(i18n::FULL_STOP.get(lang));
            }
        }
        let choice = (committed && grant.review_allowed).then(|| {
            let id = format!("review-{}", permit.id);
            let (on_review, permit) = (on_review.clone(), permit.id.clone());
            let onchange = Callback::from(move |e: Event| {
                use web_sys::HtmlInputElement;
                on_review.emit((
                    permit.clone(),
                    e.target_unchecked_into::<HtmlInputElement>().checked(),
                ));
            });
            html! {
                <div class="choice-item">
                    <input type="checkbox" id={id.clone()} checked={asked} {onchange} />
                    <label for={id}>{ i18n::ASK_REVIEW.get(lang) }</label>
                </div>
            }
        });
        items.push(html! {
            <fieldset class="field">
                <legend>{ permit.name.get(lang) }</legend>
                <p>{ note }</p>
                { for choice }
            </fieldset>
        });
    }
    html! {
        <section class="panel grants" aria-labelledby="grants-heading">
            <h3 id="grants-heading">{ i18n::GRANTS_HEADING.get(lang) }</h3>
            { for items }
        </section>
    }
}
