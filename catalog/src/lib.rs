//! The Yiye catalog: industries → permits → form fields, a shared-field dictionary, merging
//! one industry's permit forms into one form, and validating what the applicant typed.
//!
//! Pure data and logic: no I/O, no clock (time is passed in), no DOM. The same code runs on the server
//! and, compiled to `wasm32-unknown-unknown`, in the browser.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod calendar;
mod compact;
mod complete;
pub mod date;
pub mod elicense;
pub mod ids;
pub mod json_enum;
#[cfg(feature = "materials")]
pub mod materials;
mod merge;
mod model;
mod normalise;
pub mod number;
mod report;
pub mod validate;

pub use calendar::Calendar;
pub use complete::{complete_values, is_automatic};
pub use date::{AUTHORITY_UTC_OFFSET, Date};
#[cfg(feature = "materials")]
pub use materials::{
    Material, MaterialCounts, MaterialSource, Materials, MergedMaterial, MergedMaterials,
};
pub use merge::{FormCounts, IndustryRef, MergedField, MergedForm, PermitRef, Section};
pub use model::*;
pub use normalise::normalise;
pub use report::{CatalogReport, IndustryReport, ReportAverages};
pub use validate::{Context, Issue, IssueCode, Severity, ValidationReport, validate};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

impl ScopeQuestion {
    /// What is wrong with the answer to a numeric question — unanswered, not a number, out
    /// of range — in words that say how to fix it; `None` when it is fine. A number decides
    /// permits (from 300 m² a fire safety inspection), so it is never guessed. Yes/no
    /// questions left open count as "no".
    pub fn problem(&self, answer: Option<&ScopeAnswer>) -> Option<Text> {
        if self.kind != QuestionKind::Number {
            return None;
        }
        let (zh, en) = (&self.label.zh, &self.label.en);
        let in_range = |n: f64| {
            n.is_finite() && self.min.is_none_or(|m| n >= m) && self.max.is_none_or(|m| n <= m)
        };
        match answer {
            Some(ScopeAnswer::Number(n)) if in_range(*n) => None,
            Some(ScopeAnswer::Number(_)) => Some(
                match (self.min.map(number::format), self.max.map(number::format)) {
                    (Some(min), Some(max)) => Text::new(
                        format!("{zh}：请填写{min}到{max}之间的数字"),
                        format!("{en}: enter a number from {min} to {max}"),
                    ),
                    (Some(min), None) => Text::new(
                        format!("{zh}：请填写不小于{min}的数字"),
                        format!("{en}: enter a number of at least {min}"),
                    ),
                    (None, Some(max)) => Text::new(
                        format!("{zh}：请填写不大于{max}的数字"),
                        format!("{en}: enter a number of at most {max}"),
                    ),
                    (None, None) => Text::new(
                        format!("{zh}：请填写有效的数字"),
                        format!("{en}: enter an ordinary number"),
                    ),
                },
            ),
            _ => {
                let example = number::format(self.typical.or(self.min).unwrap_or(1.0));
                Some(Text::new(
                    format!("{zh}：请填写数字，例如{example}"),
                    format!("{en}: enter a number, for example {example}"),
                ))
            }
        }
    }
}

impl Condition {
    /// Evaluates against the answers; a missing answer counts as "no" / not reached.
    pub fn holds(&self, answers: &ScopeAnswers) -> bool {
        match self {
            Condition::Always => true,
            Condition::Yes(q) => matches!(answers.get(q), Some(ScopeAnswer::YesNo(true))),
            Condition::AtLeast(q, threshold) => {
                matches!(answers.get(q), Some(ScopeAnswer::Number(n)) if n >= threshold)
            }
            Condition::All(all) => all.iter().all(|c| c.holds(answers)),
            Condition::Any(any) => any.iter().any(|c| c.holds(answers)),
        }
    }

    /// Calls `visit` for every question this condition reads, with the threshold if numeric.
    fn visit_questions<'a>(&'a self, visit: &mut impl FnMut(&'a str, Option<f64>)) {
        match self {
            Condition::Always => {}
            Condition::Yes(q) => visit(q, None),
            Condition::AtLeast(q, t) => visit(q, Some(*t)),
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.visit_questions(visit))
            }
        }
    }
}

impl Industry {
    /// Answers that switch every conditional permit on: yes to every yes/no question, and for
    /// numbers the highest threshold used (or the question's typical value). The report uses it.
    pub fn full_scope(&self, catalog: &Catalog) -> ScopeAnswers {
        let mut thresholds: BTreeMap<&str, f64> = BTreeMap::new();
        for p in &self.permits {
            p.when.visit_questions(&mut |q, t| {
                if let Some(t) = t {
                    let e = thresholds.entry(q).or_insert(t);
                    *e = e.max(t);
                }
            });
        }
        self.questions
            .iter()
            .filter_map(|qid| catalog.question(qid))
            .map(|q| {
                let answer = match q.kind {
                    QuestionKind::YesNo => ScopeAnswer::YesNo(true),
                    QuestionKind::Number => ScopeAnswer::Number(
                        thresholds
                            .get(q.id.as_str())
                            .copied()
                            .or(q.typical)
                            .unwrap_or(1.0),
                    ),
                };
                (q.id.clone(), answer)
            })
            .collect()
    }
}

/// Errors of catalog operations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    /// No industry with this id.
    #[error("unknown industry `{0}`")]
    UnknownIndustry(String),
    /// The answers name a question the industry does not ask.
    #[error("question `{0}` is not asked for this industry")]
    UnknownQuestion(String),
    /// A yes/no question got a number or the other way round.
    #[error("question `{0}` got the wrong kind of answer")]
    AnswerKind(String),
    /// The catalog JSON could not be parsed.
    #[error("catalog data: {0}")]
    Data(String),
}

impl Catalog {
    /// The catalog shipped in `data/`, decoded once from the compact form `build.rs` writes
    /// (without `source` notes when the `sources` feature is off, as in the browser apps).
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // build.rs wrote these bytes from checked data and the tests decode them: a failure
            // is a broken build, not bad input. Said with `Display`, not `expect`: the error's
            // `Debug` (and `str`'s escaping) would be 0.3 KB gzip of the applicant's wasm.
            Catalog::from_compact(include_bytes!(concat!(env!("OUT_DIR"), "/catalog.bin")))
                .unwrap_or_else(|e| panic!("built-in catalog data decodes: {e}"))
        })
    }

    /// The catalog in the compact binary form the crate embeds (see `compact.rs`).
    pub fn to_compact(&self) -> Vec<u8> {
        compact::encode(self)
    }

    /// Reads the compact binary form written by [`Catalog::to_compact`]; strict: the bytes
    /// must hold exactly one well-formed catalog.
    pub fn from_compact(bytes: &[u8]) -> Result<Catalog, CatalogError> {
        compact::decode(bytes)
            .map_err(|e| CatalogError::Data(format!("compact catalog, byte {}: {}", e.at, e.what)))
    }

    /// Parses a catalog as produced by [`Catalog::to_json`] (e.g. from `GET /api/catalog`).
    pub fn from_json(json: &str) -> Result<Catalog, CatalogError> {
        serde_json::from_str(json).map_err(|e| CatalogError::Data(e.to_string()))
    }

    /// The whole catalog as compact JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data structures with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Industry by slug.
    pub fn industry(&self, id: &str) -> Option<&Industry> {
        self.industries.iter().find(|i| i.id == id)
    }

    /// Industry by QR code number.
    pub fn industry_by_code(&self, code: u16) -> Option<&Industry> {
        self.industries.iter().find(|i| i.code == code)
    }

    /// Permit by slug.
    pub fn permit(&self, id: &str) -> Option<&Permit> {
        self.permits.iter().find(|p| p.id == id)
    }

    /// Permit by QR code number.
    pub fn permit_by_code(&self, code: u16) -> Option<&Permit> {
        self.permits.iter().find(|p| p.code == code)
    }

    /// Division by GB/T 2260 code.
    pub fn division(&self, code: u32) -> Option<&Division> {
        self.divisions.iter().find(|d| d.code == code)
    }

    /// Scope question by id.
    pub fn question(&self, id: &str) -> Option<&ScopeQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Shared dictionary entry by id.
    pub fn shared_field(&self, id: &str) -> Option<&FieldDef> {
        self.dictionary.iter().find(|f| f.id == id)
    }

    /// Resolves a permit form entry to its definition (dictionary or own).
    pub fn field_def<'a>(&'a self, field: &'a FormField) -> Option<&'a FieldDef> {
        match field {
            FormField::Shared(id) => self.shared_field(id),
            FormField::Own(def) => Some(def),
        }
    }

    /// The permits an industry combines for these answers, in license order.
    pub fn permits_for(
        &self,
        industry_id: &str,
        answers: &ScopeAnswers,
    ) -> Result<Vec<&Permit>, CatalogError> {
        let industry = self
            .industry(industry_id)
            .ok_or_else(|| CatalogError::UnknownIndustry(industry_id.to_string()))?;
        self.check_answers(industry, answers)?;
        Ok(industry
            .permits
            .iter()
            .filter(|p| p.when.holds(answers))
            .filter_map(|p| self.permit(&p.permit))
            .collect())
    }

    fn check_answers(
        &self,
        industry: &Industry,
        answers: &ScopeAnswers,
    ) -> Result<(), CatalogError> {
        for (qid, answer) in answers {
            if !industry.questions.contains(qid) {
                return Err(CatalogError::UnknownQuestion(qid.clone()));
            }
            let kind_matches = match (self.question(qid).map(|q| q.kind), answer) {
                (Some(QuestionKind::YesNo), ScopeAnswer::YesNo(_)) => true,
                (Some(QuestionKind::Number), ScopeAnswer::Number(n)) => n.is_finite(),
                _ => false,
            };
            if !kind_matches {
                return Err(CatalogError::AnswerKind(qid.clone()));
            }
        }
        Ok(())
    }

    /// Merges an industry's permit forms for these answers into one form.
    pub fn merge(
        &self,
        industry_id: &str,
        answers: &ScopeAnswers,
    ) -> Result<MergedForm, CatalogError> {
        merge::merge(self, industry_id, answers)
    }

    /// An industry's merged materials for these answers (the built-in materials data):
    /// each material once, with the permits that need it, split into what the form
    /// produces, what shared data covers and what the applicant provides.
    #[cfg(feature = "materials")]
    pub fn merge_materials(
        &self,
        industry_id: &str,
        answers: &ScopeAnswers,
    ) -> Result<MergedMaterials, CatalogError> {
        Materials::builtin().merge(self, industry_id, answers)
    }

    /// Field-count report over all industries at their full scope.
    pub fn report(&self) -> CatalogReport {
        report::report(self)
    }

    /// Integrity problems of the data (empty when sound): duplicate ids or codes, dangling
    /// references, namespacing, missing sources or presets, choice fields without options.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for f in &self.dictionary {
            if !seen.insert(f.id.as_str()) {
                problems.push(format!("duplicate dictionary id {}", f.id));
            }
            check_def(self, f, &mut problems);
        }
        let mut codes = BTreeSet::new();
        for p in &self.permits {
            if !seen.insert(p.id.as_str()) || !codes.insert(p.code) {
                problems.push(format!("duplicate permit id or code {} {}", p.id, p.code));
            }
            if p.source.trim().is_empty() {
                problems.push(format!("permit {} has no source note", p.id));
            }
            check_grant(p, &mut problems);
            let mut in_form = BTreeSet::new();
            for field in &p.fields {
                if !in_form.insert(field.id()) {
                    problems.push(format!("{} lists {} twice", p.id, field.id()));
                }
                match field {
                    FormField::Shared(id) if self.shared_field(id).is_none() => {
                        problems.push(format!("{} refers to unknown dictionary entry {id}", p.id))
                    }
                    FormField::Shared(_) => {}
                    FormField::Own(def) => {
                        if !def.id.starts_with(&format!("{}.", p.id)) {
                            problems.push(format!("{} is not namespaced by {}", def.id, p.id));
                        }
                        check_def(self, def, &mut problems);
                    }
                }
            }
        }
        let mut industry_codes = BTreeSet::new();
        let mut industry_ids = BTreeSet::new();
        for i in &self.industries {
            if !industry_ids.insert(i.id.as_str()) || !industry_codes.insert(i.code) {
                problems.push(format!("duplicate industry id or code {} {}", i.id, i.code));
            }
            for q in &i.questions {
                if self.question(q).is_none() {
                    problems.push(format!("{} asks unknown question {q}", i.id));
                }
            }
            for ip in &i.permits {
                ip.when.visit_questions(&mut |q, threshold| {
                    let kind = self.question(q).map(|q| q.kind);
                    let fits = match threshold {
                        None => kind == Some(QuestionKind::YesNo),
                        Some(_) => kind == Some(QuestionKind::Number),
                    };
                    if !fits || !i.questions.iter().any(|asked| asked == q) {
                        problems.push(format!(
                            "{}: condition reads {q}, not asked or wrong kind",
                            i.id
                        ));
                    }
                });
                let Some(permit) = self.permit(&ip.permit) else {
                    problems.push(format!("{} refers to unknown permit {}", i.id, ip.permit));
                    continue;
                };
                for def in permit.fields.iter().filter_map(|f| self.field_def(f)) {
                    // A field the scope page fills must have its question asked, or the
                    // applicant can never give it (the form does not show it).
                    if def.prefill == Some(Prefill::Scope)
                        && let Some(q) = &def.from
                        && !i.questions.iter().any(|asked| asked == q)
                    {
                        problems.push(format!(
                            "{}: {} ({}) is answered by the question {q}, which {} does not ask",
                            i.id, def.id, permit.id, i.id
                        ));
                    }
                    if def.prefill == Some(Prefill::Industry) {
                        let preset_ok = i.presets.get(&def.id).is_some_and(|v| {
                            v.split(',')
                                .all(|v| def.options.iter().any(|o| o.value == v))
                        });
                        if !preset_ok {
                            problems.push(format!(
                                "{}: missing or invalid preset for {}",
                                i.id, def.id
                            ));
                        }
                    }
                }
            }
        }
        // Two questions the applicant sees with the same label cannot be told apart (nor by a
        // screen reader, which reads the label alone).
        for i in &self.industries {
            let Ok(form) = self.merge(&i.id, &i.full_scope(self)) else {
                continue;
            };
            let mut labels = BTreeSet::new();
            for f in form.fields().filter(|f| !is_automatic(f.def.prefill)) {
                for label in [&f.def.label.zh, &f.def.label.en] {
                    if !labels.insert(label.as_str()) {
                        problems.push(format!(
                            "{}: two questions are labelled \"{label}\" (one is {})",
                            i.id, f.def.id
                        ));
                    }
                }
            }
        }
        let mut division_codes = BTreeSet::new();
        for d in &self.divisions {
            if !(100_000..=999_999).contains(&d.code) || !division_codes.insert(d.code) {
                problems.push(format!("bad or duplicate division {}", d.code));
            }
        }
        problems
    }
}

fn check_def(catalog: &Catalog, def: &FieldDef, problems: &mut Vec<String>) {
    let is_choice = matches!(def.kind, FieldKind::Choice | FieldKind::MultiChoice);
    if is_choice == def.options.is_empty() {
        problems.push(format!("{}: options present iff choice kind", def.id));
    }
    if def.label.zh.is_empty() || def.label.en.is_empty() {
        problems.push(format!("{}: label missing a language", def.id));
    }
    match (def.prefill, &def.from) {
        (Some(Prefill::Scope), Some(q)) if catalog.question(q).is_some() => {}
        (Some(Prefill::Derived), Some(f)) if catalog.shared_field(f).is_some() => {}
        (Some(Prefill::Scope | Prefill::Derived), _) => problems.push(format!(
            "{}: scope/derived prefill needs a valid `from`",
            def.id
        )),
        _ => {}
    }
}

/// A permit's grant rules: a department, a commitment text exactly where the mode is
/// commitment, a review option only there, a source note.
fn check_grant(p: &Permit, problems: &mut Vec<String>) {
    let g = &p.grant;
    let department_ok = !g.department.is_empty()
        && g.department
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-');
    if !department_ok {
        problems.push(format!(
            "{}: grant.department must be a lower-case slug",
            p.id
        ));
    }
    let commitment = g.mode == GrantMode::Commitment;
    if commitment != g.commitment.is_some() {
        problems.push(format!(
            "{}: a commitment text belongs exactly to the commitment mode",
            p.id
        ));
    }
    if g.review_allowed && !commitment {
        problems.push(format!(
            "{}: review_allowed only applies on commitment",
            p.id
        ));
    }
    if g.mode == GrantMode::Review && g.time_limit_days == 0 {
        problems.push(format!("{}: a review needs a time limit", p.id));
    }
    if g.source.trim().is_empty() {
        problems.push(format!("permit {} has no source note for its grant", p.id));
    }
    if g.appeal.zh.trim().is_empty() || g.appeal.en.trim().is_empty() {
        problems.push(format!("{}: grant.appeal needs both languages", p.id));
    }
    // Every commitment is checked afterwards, within a period its rules set (审管联动); a
    // reviewed permit was checked before it was granted.
    #[cfg(feature = "sources")]
    check_period(p, commitment, problems);
}

#[cfg(feature = "sources")]
fn check_period(p: &Permit, commitment: bool, problems: &mut Vec<String>) {
    let g = &p.grant;
    if commitment != (g.check_within_days > 0) {
        problems.push(format!(
            "{}: check_within_days belongs exactly to the commitment mode",
            p.id
        ));
    }
    if !commitment && g.check_working_days {
        problems.push(format!("{}: check_working_days without a check", p.id));
    }
    if commitment && g.check_source.trim().is_empty() {
        problems.push(format!("{}: the check period needs a source note", p.id));
    }
}
