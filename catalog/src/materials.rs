//! The materials (申请材料) each permit's public list asks for, and an industry's merged list:
//! each material once, split into what the application form itself produces, what shared
//! data covers (the registry's business licence, the signed-in legal representative's
//! identity, an existing permit or e-license, the real-estate registry's certificate) and
//! what the applicant still provides. Only with the `materials` feature: the browser apps do
//! not carry the data yet (their first load is at its budget), the server and the report do.

use crate::{Catalog, CatalogError, FormField, FormValues, RequiredIf, ScopeAnswers, Text};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// How a material is satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialSource {
    /// The application itself: its form, signed declaration and commitment.
    Form,
    /// Shared data: the enterprise registry (the business licence).
    Registry,
    /// Shared data: the signed-in legal representative's identity.
    Identity,
    /// Shared data: an existing permit or e-license (`Material::permit` names it).
    License,
    /// Shared data: the real-estate registry (the premises' property certificate).
    Property,
    /// The applicant uploads it.
    Provide,
}

impl MaterialSource {
    /// Whether shared data covers it (not the form, not the applicant).
    pub fn is_shared(self) -> bool {
        matches!(
            self,
            MaterialSource::Registry
                | MaterialSource::Identity
                | MaterialSource::License
                | MaterialSource::Property
        )
    }
}

/// An entry of the materials dictionary: one document, whichever permits ask for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    /// Stable id, shared by every permit that asks for the document.
    pub id: String,
    /// Name.
    pub name: Text,
    /// How it is satisfied.
    pub by: MaterialSource,
    /// For `License`: the catalog permit whose license it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
}

/// One material on a permit's list, with the answer it depends on, if any (as a field's
/// `required_if`: asked only when that field of the form holds the value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermitMaterial {
    /// Material id in the dictionary.
    pub id: String,
    /// Needed only when this holds; always when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<RequiredIf>,
}

/// A permit's list of materials and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermitMaterials {
    /// Catalog permit id.
    pub permit: String,
    /// The public list it follows (address and what it says), or "estimated".
    pub source: String,
    /// The materials, in the list's order.
    pub materials: Vec<PermitMaterial>,
}

/// The materials data: a dictionary and each permit's list (`data/materials.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Materials {
    /// Every material once.
    pub materials: Vec<Material>,
    /// Each permit's list.
    pub permits: Vec<PermitMaterials>,
}

/// A material of an industry's merged list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedMaterial {
    /// The dictionary entry.
    #[serde(flatten)]
    pub material: Material,
    /// The combined permits whose lists ask for it, in license order.
    pub needed_by: Vec<String>,
    /// Needed when any of these holds; always when empty (some permit needs it always).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<RequiredIf>,
}

impl MergedMaterial {
    /// Whether the applicant's values make it needed.
    pub fn needed(&self, values: &FormValues) -> bool {
        self.when.is_empty() || self.when.iter().any(|c| c.applies(values))
    }
}

/// Material counts of one industry's merged list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialCounts {
    /// Sum over the combined permits of the materials on each permit's list.
    pub separate: usize,
    /// Distinct materials of the merged list.
    pub merged: usize,
    /// Of those, produced by the application itself.
    pub by_form: usize,
    /// Of those, covered by shared data.
    pub shared: usize,
    /// Of those, still provided by the applicant (conditional ones included).
    pub to_provide: usize,
    /// Of `to_provide`, those needed only when an answer holds.
    pub to_provide_conditional: usize,
}

/// An industry's merged list of materials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedMaterials {
    /// Produced by the application itself (its form and commitment).
    pub by_form: Vec<MergedMaterial>,
    /// Covered by shared data.
    pub shared: Vec<MergedMaterial>,
    /// Provided by the applicant.
    pub provide: Vec<MergedMaterial>,
    /// Counts.
    pub counts: MaterialCounts,
}

impl Materials {
    /// The materials shipped in `data/materials.json`, parsed once.
    pub fn builtin() -> &'static Materials {
        static BUILTIN: OnceLock<Materials> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // Shipped data the tests parse: a failure is a broken build, not bad input.
            serde_json::from_str(include_str!("../data/materials.json"))
                .unwrap_or_else(|e| panic!("built-in materials data parses: {e}"))
        })
    }

    /// A dictionary entry by id.
    pub fn material(&self, id: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// A permit's list.
    pub fn for_permit(&self, permit: &str) -> Option<&PermitMaterials> {
        self.permits.iter().find(|p| p.permit == permit)
    }

    /// The industry's merged list for these scope answers: each material once with the
    /// permits that need it; a condition is kept unless some permit needs it always.
    pub fn merge(
        &self,
        catalog: &Catalog,
        industry_id: &str,
        answers: &ScopeAnswers,
    ) -> Result<MergedMaterials, CatalogError> {
        let permits = catalog.permits_for(industry_id, answers)?;
        let mut merged: Vec<(MergedMaterial, bool)> = Vec::new();
        let mut separate = 0;
        for permit in &permits {
            let list = self
                .for_permit(&permit.id)
                .map_or(&[][..], |l| &l.materials);
            for entry in list {
                separate += 1;
                let material = self.material(&entry.id).ok_or_else(|| {
                    CatalogError::Data(format!(
                        "permit {} lists unknown material {}",
                        permit.id, entry.id
                    ))
                })?;
                let at = match merged.iter().position(|(m, _)| m.material.id == entry.id) {
                    Some(at) => at,
                    None => {
                        merged.push((
                            MergedMaterial {
                                material: material.clone(),
                                needed_by: Vec::new(),
                                when: Vec::new(),
                            },
                            false,
                        ));
                        merged.len() - 1
                    }
                };
                let (m, always) = &mut merged[at];
                if !m.needed_by.contains(&permit.id) {
                    m.needed_by.push(permit.id.clone());
                }
                match &entry.when {
                    None => *always = true,
                    Some(c) if !m.when.contains(c) => m.when.push(c.clone()),
                    Some(_) => {}
                }
            }
        }
        let mut out = MergedMaterials {
            by_form: Vec::new(),
            shared: Vec::new(),
            provide: Vec::new(),
            counts: MaterialCounts {
                separate,
                merged: merged.len(),
                by_form: 0,
                shared: 0,
                to_provide: 0,
                to_provide_conditional: 0,
            },
        };
        for (mut m, always) in merged {
            if always {
                m.when.clear();
            }
            match m.material.by {
                MaterialSource::Form => out.by_form.push(m),
                by if by.is_shared() => out.shared.push(m),
                _ => out.provide.push(m),
            }
        }
        out.counts.by_form = out.by_form.len();
        out.counts.shared = out.shared.len();
        out.counts.to_provide = out.provide.len();
        out.counts.to_provide_conditional =
            out.provide.iter().filter(|m| !m.when.is_empty()).count();
        Ok(out)
    }

    /// Integrity problems against the catalog (empty when sound): duplicate or unknown ids,
    /// a permit without a list or with an empty one, a condition on a field the permit's
    /// form does not ask, a license material naming no catalog permit, an empty source.
    pub fn problems(&self, catalog: &Catalog) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, m) in self.materials.iter().enumerate() {
            if self.materials[..i].iter().any(|o| o.id == m.id) {
                problems.push(format!("duplicate material id {}", m.id));
            }
            let names_permit = m
                .permit
                .as_deref()
                .is_some_and(|p| catalog.permit(p).is_some());
            if (m.by == MaterialSource::License) != names_permit {
                problems.push(format!(
                    "material {}: a license names its catalog permit, nothing else does",
                    m.id
                ));
            }
        }
        for permit in &catalog.permits {
            let Some(list) = self.for_permit(&permit.id) else {
                problems.push(format!("permit {} has no list of materials", permit.id));
                continue;
            };
            if list.materials.is_empty() {
                problems.push(format!("permit {} lists no material", permit.id));
            }
            if list.source.trim().is_empty() {
                problems.push(format!("permit {}: materials without a source", permit.id));
            }
            for (i, entry) in list.materials.iter().enumerate() {
                if self.material(&entry.id).is_none() {
                    problems.push(format!(
                        "permit {} lists unknown material {}",
                        permit.id, entry.id
                    ));
                }
                if list.materials[..i].iter().any(|o| o.id == entry.id) {
                    problems.push(format!("permit {} lists {} twice", permit.id, entry.id));
                }
                if let Some(c) = &entry.when {
                    let asked = permit.fields.iter().any(|f| match f {
                        FormField::Shared(id) => *id == c.field,
                        FormField::Own(def) => def.id == c.field,
                    });
                    if !asked {
                        problems.push(format!(
                            "permit {}: material {} depends on {}, which its form does not ask",
                            permit.id, entry.id, c.field
                        ));
                    }
                }
            }
        }
        for (i, list) in self.permits.iter().enumerate() {
            if catalog.permit(&list.permit).is_none() {
                problems.push(format!("materials for unknown permit {}", list.permit));
            }
            if self.permits[..i].iter().any(|p| p.permit == list.permit) {
                problems.push(format!("permit {} has two lists", list.permit));
            }
        }
        problems
    }
}
