//! The merged form in steps a phone can carry: the shared data in basic information,
//! contact, premises, building, people and staff, then each permit's own questions, then the declaration. Each
//! datum is still asked once. Only what the applicant answers shows: never a field the form
//! fills itself, and a field another answer makes necessary only once that answer is given
//! (and then as required: never "optional" first and required later). Steps with nothing to
//! ask are left out.

use catalog::{Context, FormValues, IssueCode, MergedField, MergedForm, Text, is_automatic};
use contract::FieldMap;

use crate::draft::Draft;
use crate::i18n;

/// The field asked first: the registry look-up pre-fills most of the rest.
pub const CREDIT_CODE: &str = "credit_code";

/// Ids of the steps holding the shared data, in the order they are asked.
const BASIC: &str = "basic";
const PREMISES: &str = "premises";
const CONTACT: &str = "contact";
const BUILDING: &str = "building";
const PEOPLE: &str = "people";
const STAFF: &str = "staff";
pub const DECLARATION: &str = "declaration";

pub struct Step<'f> {
    /// `basic`, `contact`, `premises`, `building`, `people`, `staff`, a permit id, or
    /// `declaration`: the step's
    /// address (`/apply/{draft}/form/{id}`).
    pub id: &'f str,
    pub title: Text<&'f str>,
    pub fields: Vec<MergedField>,
}

/// Which shared step a dictionary entry belongs to, by its id.
fn shared_step(id: &str) -> &'static str {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| id.starts_with(p));
    if id == DECLARATION {
        DECLARATION
    } else if starts(&["building_", "floors_used", "fire_facilities"]) {
        BUILDING
    } else if starts(&["premises_", "floor", "lease_", "warehouse_", "cold_storage"]) {
        PREMISES
    } else if starts(&["legal_rep_", "principal_"]) {
        PEOPLE
    } else if starts(&["contact_", "business_phone", "agent_", "online_"]) {
        CONTACT
    } else if starts(&[
        "employee_",
        "health_",
        "quality_manager_",
        "fire_safety_manager_",
        "security_manager_",
    ]) {
        STAFF
    } else {
        BASIC
    }
}

/// The steps of `form` for these (completed) values.
#[inline(never)]
pub fn steps<'f>(form: &'f MergedForm, values: &FormValues) -> Vec<Step<'f>> {
    let asked = |field: &MergedField| -> Option<MergedField> {
        if is_automatic(field.def.prefill) {
            return None;
        }
        match &field.def.required_if {
            None => Some(field.clone()),
            Some(rule) => rule.applies(values).then(|| MergedField {
                required: true,
                ..field.clone()
            }),
        }
    };
    let step = |id, title| Step {
        id,
        title,
        fields: Vec::new(),
    };
    let mut steps = vec![
        step(BASIC, i18n::STEP_BASIC),
        step(CONTACT, i18n::STEP_CONTACT),
        step(PREMISES, i18n::STEP_PREMISES),
        step(BUILDING, i18n::STEP_BUILDING),
        step(PEOPLE, i18n::STEP_PEOPLE),
        step(STAFF, i18n::STEP_STAFF),
    ];
    let mut declaration = step(DECLARATION, i18n::STEP_DECLARATION);
    for section in &form.sections {
        let fields = section.fields.iter().filter_map(asked);
        if section.permit.is_some() {
            steps.push(Step {
                id: &section.id,
                title: section.title.borrowed(),
                fields: fields.collect(),
            });
            continue;
        }
        for field in fields {
            let target = match shared_step(&field.def.id) {
                DECLARATION => Some(&mut declaration),
                id => steps.iter_mut().find(|s| s.id == id),
            };
            if let Some(target) = target {
                // The credit code first: its look-up fills in most of what follows.
                if field.def.id == CREDIT_CODE {
                    target.fields.insert(0, field);
                } else {
                    target.fields.push(field);
                }
            }
        }
    }
    steps.push(declaration);
    steps.retain(|s| !s.fields.is_empty());
    steps
}

/// The index of the step with this id; an unknown id (an old address, a step that no longer
/// has questions) opens the first.
pub fn position(steps: &[Step], id: &str) -> usize {
    steps.iter().position(|s| s.id == id).unwrap_or(0)
}

/// The index of the step that asks this field.
pub fn step_of(steps: &[Step], field: &str) -> Option<usize> {
    steps
        .iter()
        .position(|s| s.fields.iter().any(|f| f.def.id == field))
}

/// A problem with one field's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub message: catalog::Text,
    /// Nothing entered where something is needed: shown only after "Continue" (a format
    /// error shows as soon as the applicant leaves the field).
    pub missing: bool,
}

/// Every error of the application by field id: the catalog's rules (the server's own code),
/// with the server's answer for the last application sent over them.
#[inline(never)]
pub fn problems(draft: &Draft, form: &MergedForm, context: Context) -> FieldMap<Problem> {
    let values = draft.complete_values(form, context.today);
    // The sorted vector map the draft uses already: another map type would add its own code
    // to the wasm.
    let mut problems = FieldMap::new();
    for issue in catalog::validate(form, &values, context).errors {
        problems.insert_if_absent(issue.field, || Problem {
            message: issue.message,
            missing: matches!(issue.code, IssueCode::Required | IssueCode::RequiredIf),
        });
    }
    for (field, message) in draft.server_errors.iter() {
        problems.insert(
            field.clone(),
            Problem {
                message: message.clone(),
                missing: false,
            },
        );
    }
    problems
}

/// The problems step `index` of `steps` answers for: those of its own fields, and on the
/// last step those no step can show (a field the form fills itself, or one the server names
/// that the form lacks), so that no error is ever out of sight.
#[inline(never)]
pub fn step_problems<'p>(
    steps: &'p [Step],
    index: usize,
    problems: &'p FieldMap<Problem>,
) -> Vec<(&'p str, &'p Problem)> {
    let Some(step) = steps.get(index) else {
        return Vec::new();
    };
    let mut found: Vec<(&str, &Problem)> = step
        .fields
        .iter()
        .filter_map(|f| Some((f.def.id.as_str(), problems.get(&f.def.id)?)))
        .collect();
    if index + 1 == steps.len() {
        found.extend(
            problems
                .iter()
                .filter(|(field, _)| step_of(steps, field).is_none())
                .map(|(field, problem)| (field.as_str(), problem)),
        );
    }
    found
}
