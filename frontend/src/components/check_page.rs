use catalog::{Catalog, FieldKind, MergedField, ScopeAnswer};
use yew::prelude::*;

use crate::components::summary_row::summary_row;
use crate::draft::Draft;
use crate::i18n::{self, InLang, Lang};
use crate::services::storage;
use crate::{holder, steps};

/// Check your answers: everything once more, each with a "Change" link, then send. (A
/// function, like `start_page`.)
pub fn check_page(
    lang: Lang,
    draft: &Draft,
    on_change: &Callback<String>,
    on_submit: &Callback<()>,
) -> Html {
    let catalog = Catalog::builtin();
    let Some(form) = draft.form(catalog) else {
        return html! {};
    };
    let scope: Vec<String> = form
        .answers
        .iter()
        .filter_map(|(q, a)| {
            let question = catalog.question(q)?;
            let answer = match a {
                ScopeAnswer::YesNo(true) => i18n::YES.get(lang).to_owned(),
                ScopeAnswer::YesNo(false) => i18n::NO.get(lang).to_owned(),
                ScopeAnswer::Number(n) => {
                    let n = catalog::number::format(*n);
                    let unit = question.unit.as_ref().map_or("", |u| u.get(lang));
                    format!("{n} {unit}")
                }
            };
            Some(format!("{}: {answer}", question.label.get(lang)))
        })
        .collect();
    let row = |field: &MergedField| {
        let id = field.def.id.clone();
        let value = draft.values.get(&id).cloned().unwrap_or_default();
        if value.trim().is_empty() && !field.required {
            return html! {};
        }
        let label = field.def.label.get(lang).to_owned();
        let on_change = on_change.clone();
        html! {
            <div class="summary-row">
                <dt>{ label.clone() }</dt>
                <dd>{ display_value(lang, field, &value) }</dd>
                <dd class="summary-action">
                    <button type="button" class="link" aria-label={format!("{} {label}", i18n::CHANGE.get(lang))}
                        onclick={Callback::from(move |_| on_change.emit(id.clone()))}>
                        { i18n::CHANGE.get(lang) }
                    </button>
                </dd>
            </div>
        }
    };
    // The answers grouped as the steps asked them; "Change" opens the step with the field.
    let values = draft.complete_values(&form, crate::today());
    let steps = steps::steps(&form, &values);
    let sections = steps.iter().map(|step| {
        let rows: Vec<Html> = step.fields.iter().map(row).collect();
        html! {
            <section aria-label={step.title.get(lang).to_owned()}>
                <h2>{ step.title.get(lang) }</h2>
                <dl class="summary-list">{ for rows }</dl>
            </section>
        }
    });
    // A holder's change or renewal: what it alters, against the application holding the
    // license's current version. A change that alters nothing is not sent.
    let was = draft.holder.as_ref().and_then(|h| {
        storage::drafts()
            .into_iter()
            .find(|d| d.id == h.holder_proof)
    });
    let changes = was.map(|was| holder::changes(&form, draft, &was));
    let unchanged = changes.as_ref().is_some_and(Vec::is_empty)
        && draft
            .holder
            .as_ref()
            .is_some_and(|h| h.purpose == contract::HolderRequest::Change);
    let dash = |v: &str, f| match v {
        "" => "—".to_owned(),
        v => display_value(lang, f, v),
    };
    // A renewal that alters nothing has nothing to list.
    let changes = changes.filter(|c| unchanged || !c.is_empty()).map(|changes| {
        html! {
            <section aria-labelledby="changes-heading">
                <h2 id="changes-heading">{ i18n::CHANGES_HEADING.get(lang) }</h2>
                if unchanged { <p class="notice" role="status">{ i18n::NOTHING_CHANGES.get(lang) }</p> }
                <dl class="summary-list">
                    { for changes.iter().map(|(f, old, new)| html! {
                        <div class="summary-row"><dt>{ f.def.label.get(lang) }</dt>
                            <dd>{ dash(old, f) }{ " → " }{ dash(new, f) }</dd></div>
                    }) }
                </dl>
            </section>
        }
    });
    let on_submit = on_submit.clone();
    html! {
        <section key="check" aria-labelledby="check-heading">
            <h1 id="check-heading">{ i18n::CHECK_HEADING.get(lang) }</h1>
            <dl class="summary-list">
                { summary_row(i18n::INDUSTRY_LABEL.get(lang), form.industry.name.get(lang).into()) }
                { summary_row(i18n::SCOPE_LABEL.get(lang), scope.iter().map(|s| html! { <div>{ s }</div> }).collect()) }
                { summary_row(i18n::PERMITS_HEADING.get(lang), form.permits.iter().map(|p| html! { <div>{ p.name.get(lang) }</div> }).collect()) }
            </dl>
            { for changes }
            { for sections }
            if !unchanged {
                <button type="button" class="primary" onclick={Callback::from(move |_| on_submit.emit(()))}>
                    { i18n::SUBMIT.get(lang) }
                </button>
            }
        </section>
    }
}

/// A value as a reader expects it: option labels instead of codes.
fn display_value(lang: Lang, field: &MergedField, value: &str) -> String {
    match field.def.kind {
        FieldKind::Choice | FieldKind::Division | FieldKind::MultiChoice => value
            .split(',')
            .map(|v| {
                field
                    .def
                    .options
                    .iter()
                    .find(|o| o.value == v.trim())
                    .map_or(v.trim(), |o| o.label().get(lang))
            })
            .collect::<Vec<_>>()
            .join("、"),
        FieldKind::YesNo => match value {
            "yes" => i18n::YES.get(lang).to_owned(),
            "no" => i18n::NO.get(lang).to_owned(),
            other => other.to_owned(),
        },
        FieldKind::Date => catalog::Date::parse(value)
            .map_or_else(|| value.to_owned(), |d| d.words().get(lang).to_owned()),
        _ => match &field.def.unit {
            Some(unit) => format!("{value} {}", unit.get(lang)),
            None => value.to_owned(),
        },
    }
}
