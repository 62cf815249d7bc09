//! The field-count report: separate forms vs merged form vs typed fields, per industry; with
//! the `materials` feature also the materials: separate lists vs merged vs still to provide.

use crate::{Catalog, FormCounts, Text};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// One industry's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryReport {
    /// Industry slug.
    pub id: String,
    /// Industry QR code number.
    pub code: u16,
    /// Industry name.
    pub name: Text,
    /// Number of permits combined at full scope.
    pub permits: usize,
    /// Counts of the merged form at full scope.
    pub counts: FormCounts,
    /// Merged form: % fewer fields than the separate forms.
    pub merged_reduction_pct: f64,
    /// Typed after registry pre-fill, as % of the separate forms.
    pub typed_registry_pct: f64,
    /// Typed after registry and profile pre-fill, as % of the separate forms.
    pub typed_registry_profile_pct: f64,
    /// Materials of the merged list at full scope.
    #[cfg(feature = "materials")]
    pub materials: crate::MaterialCounts,
}

/// Catalog-wide averages (means of the per-industry percentages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReportAverages {
    /// Mean number of permits.
    pub permits: f64,
    /// Mean separate-form fields.
    pub separate_form_fields: f64,
    /// Mean merged-form fields.
    pub merged_fields: f64,
    /// Mean reduction merged vs separate, %.
    pub merged_reduction_pct: f64,
    /// Mean typed (registry pre-fill) as % of separate.
    pub typed_registry_pct: f64,
    /// Mean typed (registry + profile pre-fill) as % of separate.
    pub typed_registry_profile_pct: f64,
    /// Mean materials over the separate permits' lists.
    #[cfg(feature = "materials")]
    pub materials_separate: f64,
    /// Mean materials of the merged list.
    #[cfg(feature = "materials")]
    pub materials_merged: f64,
    /// Mean materials still to provide after shared data and the form.
    #[cfg(feature = "materials")]
    pub materials_to_provide: f64,
    /// Mean of the per-industry "to provide as % of the separate lists".
    #[cfg(feature = "materials")]
    pub materials_to_provide_pct: f64,
}

/// The report over all industries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogReport {
    /// Catalog version.
    pub version: String,
    /// Which scope answers the counts use.
    pub scope: String,
    /// One line per industry.
    pub industries: Vec<IndustryReport>,
    /// Averages.
    pub average: ReportAverages,
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

pub(crate) fn report(catalog: &Catalog) -> CatalogReport {
    let industries: Vec<IndustryReport> = catalog
        .industries
        .iter()
        .filter_map(|industry| {
            let form = catalog
                .merge(&industry.id, &industry.full_scope(catalog))
                .ok()?;
            let c = form.counts;
            #[cfg(feature = "materials")]
            let materials = catalog
                .merge_materials(&industry.id, &industry.full_scope(catalog))
                .ok()?
                .counts;
            Some(IndustryReport {
                id: industry.id.clone(),
                code: industry.code,
                name: industry.name.clone(),
                permits: form.permits.len(),
                counts: c,
                merged_reduction_pct: 100.0 - pct(c.merged_fields, c.separate_form_fields),
                typed_registry_pct: pct(c.typed_after_registry_prefill, c.separate_form_fields),
                typed_registry_profile_pct: pct(
                    c.typed_after_registry_and_profile_prefill,
                    c.separate_form_fields,
                ),
                #[cfg(feature = "materials")]
                materials,
            })
        })
        .collect();
    let n = industries.len().max(1) as f64;
    let mean = |f: &dyn Fn(&IndustryReport) -> f64| industries.iter().map(f).sum::<f64>() / n;
    let average = ReportAverages {
        permits: mean(&|r| r.permits as f64),
        separate_form_fields: mean(&|r| r.counts.separate_form_fields as f64),
        merged_fields: mean(&|r| r.counts.merged_fields as f64),
        merged_reduction_pct: mean(&|r| r.merged_reduction_pct),
        typed_registry_pct: mean(&|r| r.typed_registry_pct),
        typed_registry_profile_pct: mean(&|r| r.typed_registry_profile_pct),
        #[cfg(feature = "materials")]
        materials_separate: mean(&|r| r.materials.separate as f64),
        #[cfg(feature = "materials")]
        materials_merged: mean(&|r| r.materials.merged as f64),
        #[cfg(feature = "materials")]
        materials_to_provide: mean(&|r| r.materials.to_provide as f64),
        #[cfg(feature = "materials")]
        materials_to_provide_pct: mean(&|r| pct(r.materials.to_provide, r.materials.separate)),
    };
    CatalogReport {
        version: catalog.version.clone(),
        scope: "full scope: every yes/no scope question answered yes, numeric answers at the \
                highest threshold the industry uses (so every conditional permit is on)"
            .into(),
        industries,
        average,
    }
}

impl CatalogReport {
    /// The report as a fixed-width text table.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "Yiye catalog {} — {}", self.version, self.scope);
        let _ = writeln!(
            out,
            "typed = merged − registry pre-fill − auto-filled (industry/scope/derived/system) + scope questions; \
             +profile also subtracts the saved profile"
        );
        let _ = writeln!(
            out,
            "{:<4} {:<20} {:>7} {:>8} {:>6} {:>6} {:>6} {:>6} {:>8} {:>6}",
            "code",
            "industry",
            "permits",
            "separate",
            "merged",
            "-%",
            "typed",
            "%sep",
            "+profile",
            "%sep"
        );
        for r in &self.industries {
            let c = &r.counts;
            let _ = writeln!(
                out,
                "{:<4} {:<20} {:>7} {:>8} {:>6} {:>5.1}% {:>6} {:>5.1}% {:>8} {:>5.1}%",
                r.code,
                r.id,
                r.permits,
                c.separate_form_fields,
                c.merged_fields,
                r.merged_reduction_pct,
                c.typed_after_registry_prefill,
                r.typed_registry_pct,
                c.typed_after_registry_and_profile_prefill,
                r.typed_registry_profile_pct,
            );
        }
        let a = &self.average;
        let _ = writeln!(
            out,
            "{:<4} {:<20} {:>7.1} {:>8.1} {:>6.1} {:>5.1}% {:>6} {:>5.1}% {:>8} {:>5.1}%",
            "",
            "AVERAGE",
            a.permits,
            a.separate_form_fields,
            a.merged_fields,
            a.merged_reduction_pct,
            "",
            a.typed_registry_pct,
            "",
            a.typed_registry_profile_pct,
        );
        #[cfg(feature = "materials")]
        self.materials_table(&mut out);
        out
    }

    /// The materials per industry: each permit's list summed, merged (each once), and what
    /// is left to provide once the form and shared data cover theirs.
    #[cfg(feature = "materials")]
    fn materials_table(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\nmaterials: separate = sum of the permits' lists; merged = each once; form = made by \
             the application; shared = registry licence, signed-in legal representative, \
             e-licenses, property registry; provide = still uploaded (of them conditional, e.g. a \
             lease when rented)"
        );
        let _ = writeln!(
            out,
            "{:<4} {:<20} {:>8} {:>6} {:>4} {:>6} {:>7} {:>5} {:>6}",
            "code", "industry", "separate", "merged", "form", "shared", "provide", "cond", "%sep"
        );
        for r in &self.industries {
            let m = &r.materials;
            let _ = writeln!(
                out,
                "{:<4} {:<20} {:>8} {:>6} {:>4} {:>6} {:>7} {:>5} {:>5.1}%",
                r.code,
                r.id,
                m.separate,
                m.merged,
                m.by_form,
                m.shared,
                m.to_provide,
                m.to_provide_conditional,
                pct(m.to_provide, m.separate),
            );
        }
        let a = &self.average;
        let _ = writeln!(
            out,
            "{:<4} {:<20} {:>8.1} {:>6.1} {:>4} {:>6} {:>7.1} {:>5} {:>5.1}%",
            "",
            "AVERAGE",
            a.materials_separate,
            a.materials_merged,
            "",
            "",
            a.materials_to_provide,
            "",
            a.materials_to_provide_pct,
        );
    }
}
