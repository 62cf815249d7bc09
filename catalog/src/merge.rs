//! Merging an industry's permit forms into one form: every shared entry once, permit-specific
//! fields grouped under their permit.

use crate::{
    Catalog, CatalogError, ChoiceOption, FieldDef, FieldKind, FormField, FormValues, Prefill,
    ScopeAnswer, ScopeAnswers, Text,
};
use serde::{Deserialize, Serialize};

/// The industry a merged form belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryRef {
    /// Industry slug.
    pub id: String,
    /// Industry QR code number.
    pub code: u16,
    /// Industry name.
    pub name: Text,
}

/// A permit combined into the merged form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermitRef {
    /// Permit slug.
    pub id: String,
    /// Permit QR code number.
    pub code: u16,
    /// Permit name.
    pub name: Text,
    /// Issuing department.
    pub department: Text,
    /// Validity in years when known.
    pub validity_years: Option<u8>,
}

/// A field of the merged form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedField {
    /// The definition (for `division` fields, `options` lists the shipped divisions).
    #[serde(flatten)]
    pub def: FieldDef,
    /// Required unconditionally (`required_if` is checked against the values on validation).
    pub required: bool,
    /// Ids of the combined permits whose forms ask this field.
    pub used_by: Vec<String>,
    /// Value known before typing: the industry preset or the scope answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
}

/// A section of the merged form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// `shared` or the permit id.
    pub id: String,
    /// Section heading.
    pub title: Text,
    /// The permit whose own fields this section holds (`None` for the shared section).
    pub permit: Option<String>,
    /// Fields in stable order.
    pub fields: Vec<MergedField>,
}

/// Field counts of one merged form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormCounts {
    /// Sum over the combined permits of the fields on each permit's own form.
    pub separate_form_fields: usize,
    /// Distinct fields on the merged form.
    pub merged_fields: usize,
    /// Merged fields the enterprise registry pre-fills.
    pub registry_prefilled: usize,
    /// Merged fields the applicant's saved profile pre-fills.
    pub profile_prefilled: usize,
    /// Merged fields never typed: set by the industry, a scope answer, derived from another
    /// field (birth date from the ID number) or by the system (application date).
    pub auto_filled: usize,
    /// Scope questions the applicant answers for this industry (typed once, counted as typed).
    pub scope_questions: usize,
    /// Typed by a registered enterprise without a saved profile:
    /// merged − registry − auto + scope questions.
    pub typed_after_registry_prefill: usize,
    /// Typed when the saved profile is also applied.
    pub typed_after_registry_and_profile_prefill: usize,
}

/// One industry's merged application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedForm {
    /// Catalog version the form was built from.
    pub catalog_version: String,
    /// The industry.
    pub industry: IndustryRef,
    /// The scope answers it was built for.
    pub answers: ScopeAnswers,
    /// Combined permits in license order.
    pub permits: Vec<PermitRef>,
    /// The shared section first, then one section per permit.
    pub sections: Vec<Section>,
    /// Field counts.
    pub counts: FormCounts,
}

impl MergedForm {
    /// All fields in form order.
    pub fn fields(&self) -> impl Iterator<Item = &MergedField> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// A field by id.
    pub fn field(&self, id: &str) -> Option<&MergedField> {
        self.fields().find(|f| f.def.id == id)
    }

    /// Values known before typing: industry presets and scope answers.
    pub fn preset_values(&self) -> FormValues {
        // Inserting one by one: `collect` into a map would compile in a sort (wasm size).
        let mut values = FormValues::new();
        for field in self.fields() {
            if let Some(preset) = &field.preset {
                values.insert(field.def.id.clone(), preset.clone());
            }
        }
        values
    }
}

fn format_answer(answer: &ScopeAnswer) -> String {
    match answer {
        ScopeAnswer::YesNo(true) => "yes".into(),
        ScopeAnswer::YesNo(false) => "no".into(),
        ScopeAnswer::Number(n) => crate::number::format(*n),
    }
}

pub(crate) fn merge(
    catalog: &Catalog,
    industry_id: &str,
    answers: &ScopeAnswers,
) -> Result<MergedForm, CatalogError> {
    let industry = catalog
        .industry(industry_id)
        .ok_or_else(|| CatalogError::UnknownIndustry(industry_id.to_string()))?;
    let permits = catalog.permits_for(industry_id, answers)?;

    let make_field = |def: &FieldDef, used_by: Vec<String>| {
        let mut def = def.clone();
        if def.kind == FieldKind::Division {
            def.options = catalog
                .divisions
                .iter()
                .map(|d| ChoiceOption {
                    value: d.code.to_string(),
                    zh: d.zh.clone(),
                    en: d.en.clone(),
                })
                .collect();
        }
        let preset = match def.prefill {
            Some(Prefill::Industry) => industry.presets.get(&def.id).cloned(),
            Some(Prefill::Scope) => def
                .from
                .as_ref()
                .and_then(|q| answers.get(q))
                .map(format_answer),
            _ => None,
        };
        MergedField {
            required: !def.optional && def.required_if.is_none(),
            def,
            used_by,
            preset,
        }
    };

    // Shared section in dictionary order: stable whatever order the permits list them in.
    let shared_fields: Vec<MergedField> = catalog
        .dictionary
        .iter()
        .filter_map(|entry| {
            let used_by: Vec<String> = permits
                .iter()
                .filter(|p| {
                    p.fields
                        .iter()
                        .any(|f| matches!(f, FormField::Shared(id) if *id == entry.id))
                })
                .map(|p| p.id.clone())
                .collect();
            (!used_by.is_empty()).then(|| make_field(entry, used_by))
        })
        .collect();

    let mut sections = vec![Section {
        id: "shared".into(),
        title: Text::new(
            "基本信息(各许可共用)",
            "Basic information (shared by all permits)",
        ),
        permit: None,
        fields: shared_fields,
    }];
    for permit in &permits {
        sections.push(Section {
            id: permit.id.clone(),
            title: permit.name.clone(),
            permit: Some(permit.id.clone()),
            fields: permit
                .fields
                .iter()
                .filter_map(|f| match f {
                    FormField::Own(def) => Some(make_field(def, vec![permit.id.clone()])),
                    FormField::Shared(_) => None,
                })
                .collect(),
        });
    }

    let count = |wanted: &dyn Fn(Option<Prefill>) -> bool| {
        sections
            .iter()
            .flat_map(|s| &s.fields)
            .filter(|f| wanted(f.def.prefill))
            .count()
    };
    let merged_fields = count(&|_| true);
    let registry_prefilled = count(&|p| p == Some(Prefill::Registry));
    let profile_prefilled = count(&|p| p == Some(Prefill::Profile));
    let auto_filled = count(&|p| {
        matches!(
            p,
            Some(Prefill::Scope | Prefill::Industry | Prefill::Derived | Prefill::System)
        )
    });
    let scope_questions = industry.questions.len();
    let typed_after_registry_prefill =
        merged_fields - registry_prefilled - auto_filled + scope_questions;
    let counts = FormCounts {
        separate_form_fields: permits.iter().map(|p| p.fields.len()).sum(),
        merged_fields,
        registry_prefilled,
        profile_prefilled,
        auto_filled,
        scope_questions,
        typed_after_registry_prefill,
        typed_after_registry_and_profile_prefill: typed_after_registry_prefill - profile_prefilled,
    };

    Ok(MergedForm {
        catalog_version: catalog.version.clone(),
        industry: IndustryRef {
            id: industry.id.clone(),
            code: industry.code,
            name: industry.name.clone(),
        },
        answers: answers.clone(),
        permits: permits
            .iter()
            .map(|p| PermitRef {
                id: p.id.clone(),
                code: p.code,
                name: p.name.clone(),
                department: p.department.clone(),
                validity_years: p.validity_years,
            })
            .collect(),
        sections,
        counts,
    })
}
