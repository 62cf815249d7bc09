use std::collections::BTreeMap;

use catalog::{Catalog, MergedField};
use yew::prelude::*;

use crate::components::error_summary::{ERROR_SUMMARY_ID, SummaryItem, error_summary};
use crate::components::field_input::{FieldInput, input_id};
use crate::components::focus::focus_element;
use crate::draft::Draft;
use crate::i18n::{self, InLang, Lang};
use crate::state::Lookup;
use catalog::is_automatic;

/// The field asked first: it pre-fills most of the rest.
pub const CREDIT_CODE: &str = "credit_code";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub draft: Draft,
    pub show_errors: bool,
    pub lookup: Lookup,
    pub focus: Option<AttrValue>,
    pub on_value: Callback<(String, String)>,
    pub on_continue: Callback<bool>,
    pub on_focus_done: Callback<()>,
}

/// The merged form: the credit code first, the shared data once, then each permit's own
/// fields under its name; validation with the catalog's rules (the server's own code).
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
    // Each "Continue" (and arriving with errors, e.g. after the server refused) moves the
    // focus to the error summary, if there is one.
    let attempts = use_state(|| 0u32);
    use_effect_with(*attempts, |_| focus_element(ERROR_SUMMARY_ID));
    let Some(form) = props.draft.form(catalog) else {
        return html! {};
    };
    let today = crate::today();
    let values = props.draft.complete_values(&form, today);
    // The look-up follows the credit code as typed: "found" is about the code in the form.
    let context = catalog::Context {
        today,
        credit_code_registered: props.lookup == Lookup::Found,
    };
    let report = catalog::validate(&form, &values, context);
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for issue in &report.errors {
        errors
            .entry(issue.field.clone())
            .or_insert_with(|| issue.message.get(lang).to_owned());
    }
    for (field, message) in props.draft.server_errors.iter() {
        errors.insert(field.clone(), message.get(lang).to_owned());
    }
    let mut warnings: BTreeMap<String, String> = BTreeMap::new();
    for issue in &report.warnings {
        warnings
            .entry(issue.field.clone())
            .or_insert_with(|| issue.message.get(lang).to_owned());
    }
    let shown = |field: &MergedField| !is_automatic(field.def.prefill);
    // Errors in form order, so the summary reads like the page. Errors on fields the form
    // fills itself (scope answers, the application date …) or that the server names but the
    // form does not show are listed too, without a link: an error is never invisible.
    let in_form_order = form.fields().filter_map(|f| {
        errors.get(&f.def.id).map(|m| SummaryItem {
            target: shown(f).then(|| input_id(&f.def.id)),
            message: m.clone(),
        })
    });
    // The credit code is asked first, above everything else: its error comes first too. (A
    // partition keeps the rest in order, without a sort routine in the wasm.)
    let credit_code_input = input_id(CREDIT_CODE);
    let (mut summary, rest): (Vec<SummaryItem>, Vec<SummaryItem>) =
        in_form_order.partition(|item| item.target.as_ref() == Some(&credit_code_input));
    summary.extend(rest);
    summary.extend(
        errors
            .iter()
            .filter(|(id, _)| form.field(id).is_none())
            .map(|(_, m)| SummaryItem {
                target: None,
                message: m.clone(),
            }),
    );
    let valid = summary.is_empty();
    let render_field = |field: &MergedField| {
        let id = &field.def.id;
        html! {
            <FieldInput key={id.clone()} {lang} field={field.clone()}
                value={AttrValue::from(props.draft.values.get(id).cloned().unwrap_or_default())}
                origin={props.draft.origins.get(id).copied()}
                error={props.show_errors.then(|| errors.get(id).cloned().map(AttrValue::from)).flatten()}
                warning={warnings.get(id).cloned().map(AttrValue::from)}
                on_change={props.on_value.clone()} />
        }
    };
    let credit_code = form.field(CREDIT_CODE).map(|f| {
        let status = match &props.lookup {
            Lookup::Idle => None,
            Lookup::Looking => Some(i18n::LOOKUP_LOOKING),
            Lookup::Found => Some(i18n::LOOKUP_FOUND),
            Lookup::NotFound => Some(i18n::LOOKUP_NOT_FOUND),
            Lookup::Failed(_) => Some(i18n::LOOKUP_FAILED),
        };
        html! {
            <div class="panel">
                <p>{ i18n::CREDIT_CODE_FIRST.get(lang) }</p>
                { render_field(f) }
                <p role="status">{ status.map(|s| s.get(lang)).unwrap_or_default() }</p>
            </div>
        }
    });
    let sections = form.sections.iter().map(|section| {
        let fields: Vec<Html> = section
            .fields
            .iter()
            .filter(|f| shown(f) && f.def.id != CREDIT_CODE)
            .map(render_field)
            .collect();
        if fields.is_empty() {
            return html! {};
        }
        let heading_id = format!("section-{}", section.id.replace('.', "-"));
        html! {
            <section class="form-section" aria-labelledby={heading_id.clone()}>
                <h2 id={heading_id}>{ section.title.get(lang) }</h2>
                { for fields }
            </section>
        }
    });
    let to_type = props.draft.fields_to_type(&form);
    let separate = form.counts.separate_form_fields;
    let on_continue = props.on_continue.clone();
    let attempts = attempts.clone();
    html! {
        <section aria-labelledby="form-heading">
            if props.show_errors && !valid {
                { error_summary(lang, &summary) }
            }
            <h1 id="form-heading">{ i18n::FORM_HEADING.get(lang) }</h1>
            <p class="lead">{ form.industry.name.get(lang) }</p>
            <p class="counter" aria-live="polite">
                { i18n::COUNTER_BEFORE.get(lang) }<strong>{ to_type }</strong>
                { i18n::COUNTER_MIDDLE.get(lang) }<strong>{ separate }</strong>{ i18n::COUNTER_AFTER.get(lang) }
            </p>
            { for credit_code }
            { for sections }
            <button type="button" class="primary" onclick={Callback::from(move |_| {
                on_continue.emit(valid);
                attempts.set(*attempts + 1);
            })}>
                { i18n::CONTINUE.get(lang) }
            </button>
        </section>
    }
}
