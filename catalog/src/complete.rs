//! What the form fills itself. The browser and the server both complete an application with
//! [`complete_values`] before validating it, so what the ledger keeps never contradicts what
//! the form derives, and a value the browser showed is the value the server stores.

use crate::{Date, FieldKind, FormValues, MergedForm, Prefill};
use crate::{ids, normalise};

/// Whether the form fills a field with this pre-fill itself (industry presets, scope answers,
/// values derived from another field, the application date): the applicant never types it.
pub fn is_automatic(prefill: Option<Prefill>) -> bool {
    matches!(
        prefill,
        Some(Prefill::Scope | Prefill::Industry | Prefill::Derived | Prefill::System)
    )
}

/// `sent` (field id → text as typed) [`normalise`]d and completed with what the form fills
/// itself: industry presets and scope answers, the sex and birth date derived from a valid
/// resident ID number, and `today` (the authority's civil date) as the application date. A
/// value sent for a field the form fills itself is replaced, never kept; values for fields
/// the form does not have are dropped.
pub fn complete_values(form: &MergedForm, sent: &FormValues, today: Date) -> FormValues {
    let mut values = form.preset_values();
    for field in form.fields() {
        if is_automatic(field.def.prefill) {
            continue;
        }
        if let Some(value) = sent.get(&field.def.id) {
            values.insert(field.def.id.clone(), normalise(field.def.kind, value));
        }
    }
    for field in form.fields() {
        let value = match (field.def.prefill, field.def.kind) {
            (Some(Prefill::Derived), _) => {
                derived(field.def.from.as_deref(), field.def.kind, &values)
            }
            (Some(Prefill::System), FieldKind::Date) => Some(today.to_string()),
            _ => continue,
        };
        if let Some(value) = value {
            values.insert(field.def.id.clone(), value);
        }
    }
    values
}

/// A value computed from the field `source` names: birth date or sex from a resident ID
/// number, when that number is valid.
fn derived(source: Option<&str>, kind: FieldKind, values: &FormValues) -> Option<String> {
    let id = values.get(source?)?.trim();
    if !matches!(ids::check_resident_id(id, None), ids::ResidentIdCheck::Ok) {
        return None;
    }
    match kind {
        FieldKind::Date => ids::resident_id_birth_date(id).map(|d| d.to_string()),
        FieldKind::Choice => {
            ids::resident_id_is_male(id).map(|male| if male { "male" } else { "female" }.into())
        }
        _ => None,
    }
}
