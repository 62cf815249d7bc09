use catalog::{FieldKind, MergedField};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::draft::Origin;
use crate::i18n::{self, InLang, Lang};

pub struct Props {
    pub lang: Lang,
    pub field: MergedField,
    pub value: AttrValue,
    pub origin: Option<Origin>,
    /// The error to show (already in the interface language), if any.
    pub error: Option<AttrValue>,
    pub warning: Option<AttrValue>,
    /// (field id, new value)
    pub on_change: Callback<(String, String)>,
}

/// The DOM id of a field's input, used by labels, error summary links and "Change" links.
pub fn input_id(field: &str) -> String {
    format!("field-{}", field.replace('.', "-"))
}

/// One form field with its label, hint, pre-fill mark and error, wired for screen readers.
/// A function, not a component (a component's own view machinery costs wasm for nothing
/// here); its root element is keyed by the field, so a question appearing above another
/// never hands that one's input over to it.
pub fn field_input(props: &Props) -> Html {
    let def = &props.field.def;
    let lang = props.lang;
    let id = input_id(&def.id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let mut described_by = Vec::new();
    let hint = def.hint.as_ref().map(|h| {
        described_by.push(hint_id.clone());
        html! { <div id={hint_id.clone()} class="hint">{ h.get(lang) }</div> }
    });
    let origin = props.origin.map(|origin| {
        let label = match origin {
            Origin::Registry => i18n::FROM_REGISTRY,
            Origin::Profile => i18n::FROM_PROFILE,
        };
        // Part of the field's description, so a screen reader says where the value came from.
        let origin_id = format!("{id}-origin");
        described_by.push(origin_id.clone());
        html! { <div id={origin_id} class="prefilled-tag">{ label.get(lang) }</div> }
    });
    let message = match (&props.error, &props.warning) {
        (Some(error), _) => Some((error, "error-message")),
        (None, Some(warning)) => Some((warning, "warning-message")),
        (None, None) => None,
    };
    let message = message.map(|(text, class)| {
        described_by.push(error_id.clone());
        html! { <p id={error_id.clone()} class={class}>{ text.clone() }</p> }
    });
    let describedby = (!described_by.is_empty()).then(|| described_by.join(" "));
    let invalid = props.error.is_some().then_some("true");
    let label_text = def.label.get(lang);
    let optional = (!props.field.required).then(|| i18n::OPTIONAL.get(lang));
    let unit = def.unit.as_ref().map(|u| u.get(lang).to_owned());

    let field_id = def.id.clone();
    let on_change = props.on_change.clone();
    let emit = move |value: String| on_change.emit((field_id.clone(), value));

    let control = match def.kind {
        FieldKind::Choice | FieldKind::Division => {
            let emit = emit.clone();
            let onchange = Callback::from(move |e: Event| {
                emit(e.target_unchecked_into::<HtmlSelectElement>().value());
            });
            html! {
                <select id={id.clone()} name={def.id.clone()} aria-describedby={describedby.clone()}
                    aria-invalid={invalid} {onchange}>
                    <option value="" selected={props.value.is_empty()}>{ i18n::SELECT_PLACEHOLDER.get(lang) }</option>
                    { for def.options.iter().map(|o| html! {
                        <option value={o.value.clone()} selected={*props.value == *o.value}>
                            { o.label().get(lang) }
                        </option>
                    }) }
                </select>
            }
        }
        FieldKind::YesNo => {
            return choice_group(
                props,
                label_text,
                optional,
                describedby,
                invalid,
                origin,
                hint,
                message,
                &[("yes", i18n::YES.get(lang)), ("no", i18n::NO.get(lang))],
                false,
            );
        }
        FieldKind::MultiChoice => {
            let options: Vec<(&str, &str)> = def
                .options
                .iter()
                .map(|o| (o.value.as_str(), o.label().get(lang)))
                .collect();
            return choice_group(
                props,
                label_text,
                optional,
                describedby,
                invalid,
                origin,
                hint,
                message,
                &options,
                true,
            );
        }
        kind => {
            let (input_type, input_mode, autocomplete) = input_attributes(kind, &def.id);
            let oninput = {
                let emit = emit.clone();
                Callback::from(move |e: InputEvent| {
                    emit(e.target_unchecked_into::<HtmlInputElement>().value());
                })
            };
            // Leaving the field: what was typed becomes what the rules check (upper case,
            // half-width, no spaces in codes), shown as such. Unchanged values are not sent
            // again (a credit code would be looked up twice).
            let onchange = Callback::from(move |e: Event| {
                let typed = e.target_unchecked_into::<HtmlInputElement>().value();
                let normal = catalog::normalise(kind, &typed);
                if normal != typed {
                    emit(normal);
                }
            });
            html! {
                <div class="input-with-unit">
                    <input id={id.clone()} name={def.id.clone()} type={input_type} inputmode={input_mode}
                        autocomplete={autocomplete} value={props.value.clone()}
                        maxlength={def.max_len.map(|n| n.to_string())}
                        aria-describedby={describedby.clone()} aria-invalid={invalid} {oninput} {onchange} />
                    { for unit.map(|u| html! { <span class="unit">{ u }</span> }) }
                </div>
            }
        }
    };
    html! {
        <div key={def.id.clone()} class={classes!("field", props.error.is_some().then_some("field-error"))}>
            <label for={id}>{ label_text }{ optional }</label>
            { for hint }
            { for origin }
            { for message }
            { control }
        </div>
    }
}

/// Radios (one answer) or checkboxes (several; stored comma-separated) in a fieldset.
#[allow(clippy::too_many_arguments)]
fn choice_group(
    props: &Props,
    label: &str,
    optional: Option<&'static str>,
    describedby: Option<String>,
    invalid: Option<&'static str>,
    origin: Option<Html>,
    hint: Option<Html>,
    message: Option<Html>,
    options: &[(&str, &str)],
    multiple: bool,
) -> Html {
    let def = &props.field.def;
    let chosen: Vec<&str> = props
        .value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    let items = options.iter().enumerate().map(|(i, (value, text))| {
        let id = format!("{}-{i}", input_id(&def.id));
        let checked = chosen.contains(value);
        let (field, value_owned, on_change) = (def.id.clone(), value.to_string(), props.on_change.clone());
        let current: Vec<String> = chosen.iter().map(|s| s.to_string()).collect();
        let onchange = Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let next = if multiple {
                let mut set: Vec<String> = current.iter().filter(|v| **v != value_owned).cloned().collect();
                if on {
                    set.push(value_owned.clone());
                }
                set.join(",")
            } else {
                value_owned.clone()
            };
            on_change.emit((field.clone(), next));
        });
        html! {
            <div class="choice-item">
                <input type={if multiple { "checkbox" } else { "radio" }} id={id.clone()} name={def.id.clone()}
                    value={value.to_string()} {checked} {onchange} />
                <label for={id}>{ *text }</label>
            </div>
        }
    });
    html! {
        <fieldset key={def.id.clone()} class={classes!("field", props.error.is_some().then_some("field-error"))}
            id={input_id(&def.id)} aria-describedby={describedby} aria-invalid={invalid} tabindex="-1">
            <legend>{ label.to_string() }{ optional }</legend>
            { for hint }
            { for origin }
            { for message }
            { for items }
        </fieldset>
    }
}

fn input_attributes(
    kind: FieldKind,
    id: &str,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match kind {
        FieldKind::Phone => ("tel", None, Some("tel")),
        FieldKind::Email => ("email", None, Some("email")),
        FieldKind::Date => ("date", None, None),
        FieldKind::Number => ("text", Some("decimal"), None),
        FieldKind::Integer | FieldKind::PostalCode => ("text", Some("numeric"), None),
        _ if id == "business_name" => ("text", None, Some("organization")),
        _ => ("text", None, Some("off")),
    }
}
