//! The Yiye catalog: industries → permits → form fields, a shared-field dictionary, merging
//! one industry's permit forms into one form, and validating what the applicant typed.
//!
//! Pure data and logic: no I/O, no clock on wasm32, no DOM. The same code runs on the server
//! and, compiled to `wasm32-unknown-unknown`, in the browser.

pub mod date;
pub mod ids;
mod merge;
mod report;
pub mod validate;

pub use date::Date;
pub use merge::{FormCounts, IndustryRef, MergedField, MergedForm, PermitRef, Section};
pub use report::{CatalogReport, IndustryReport, ReportAverages};
pub use validate::{Issue, IssueCode, Severity, ValidationReport, validate, validate_at};

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// A text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Builds a text from both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// What kind of value a field holds; decides its validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text up to `max_len` characters.
    Text,
    /// Unified social credit code (GB 32100-2015).
    CreditCode,
    /// Identity document number; a resident ID unless `id_type_field` says otherwise.
    IdNumber,
    /// Mobile (1[3-9] + 9 digits) or landline (0 + 2–3 digit area code, 7–8 digits, extension).
    Phone,
    /// E-mail address.
    Email,
    /// Calendar date `YYYY-MM-DD`.
    Date,
    /// Decimal number, optionally followed by the field's unit.
    Number,
    /// Whole number, optionally followed by the field's unit.
    Integer,
    /// One of `options`.
    Choice,
    /// Comma-separated values from `options`.
    MultiChoice,
    /// A 6-digit GB/T 2260 code from the shipped division table.
    Division,
    /// 6-digit postal code.
    PostalCode,
    /// `yes` or `no`.
    YesNo,
    /// Opening hours `HH:MM-HH:MM` (overnight allowed).
    TimeRange,
}

/// Where a field's value comes from before the applicant types anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    /// The enterprise registry, looked up by credit code (server).
    Registry,
    /// The applicant's saved profile (browser).
    Profile,
    /// A business-scope answer (`from` names the question).
    Scope,
    /// Fixed by the chosen industry (`Industry::presets`).
    Industry,
    /// Computed from another field (`from` names it), e.g. birth date from the ID number.
    Derived,
    /// Set by the application itself, e.g. the application date.
    System,
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// Stored value.
    #[serde(rename = "v")]
    pub value: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
}

/// Time rule for date fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRule {
    /// Today or later (e.g. a lease end date).
    NotInPast,
    /// Today or earlier (e.g. a date of establishment).
    NotInFuture,
}

/// "This field is required when another field has a value (or a given value)."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredIf {
    /// The field whose value decides.
    pub field: String,
    /// Required when `field` equals this; when absent, whenever `field` is not empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

/// A form field: a shared dictionary entry or a permit-specific field (id `permit.field`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable id; permit-specific ids are namespaced `permit_id.name`.
    pub id: String,
    /// Value kind and validation rule.
    pub kind: FieldKind,
    /// Label.
    pub label: Text,
    /// Help text shown under the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Pre-fill source, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// For `Scope` and `Derived` pre-fill: the question or field the value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Fields are required unless marked optional.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Conditional requirement (makes an optional-looking field required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_if: Option<RequiredIf>,
    /// Unit shown after numbers (m², 万元, 人 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Smallest allowed number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest allowed number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Maximum text length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    /// Options of choice fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// Time rule of date fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_rule: Option<DateRule>,
    /// For ID numbers: the choice field holding the document type (resident ID if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type_field: Option<String>,
    /// Where the value comes from when it is pre-filled (registry entries cite the registration
    /// record that holds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One entry of a permit's own form: a dictionary id or a permit-specific field.
/// (JSON: a string, or a field object. Deserialized by hand: serde's `untagged` buffers every
/// entry and compiles a second copy of the field parser, ~10 KB of the browser's wasm.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FormField {
    /// Reference to a shared dictionary entry by id.
    Shared(String),
    /// A field that only this permit's form asks (boxed: most entries are references).
    Own(Box<FieldDef>),
}

impl FormField {
    /// The field id (dictionary id or namespaced permit field id).
    pub fn id(&self) -> &str {
        match self {
            FormField::Shared(id) => id,
            FormField::Own(def) => &def.id,
        }
    }
}

impl<'de> Deserialize<'de> for FormField {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = FormField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a dictionary field id or a field object")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<FormField, E> {
                Ok(FormField::Shared(id.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<FormField, A::Error> {
                let def = FieldDef::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(FormField::Own(Box::new(def)))
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

/// A permit (or filing) and the fields of its own application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Permit {
    /// Stable slug.
    pub id: String,
    /// Stable numeric code carried in the license QR.
    pub code: u16,
    /// Permit name.
    pub name: Text,
    /// Issuing department.
    pub department: Text,
    /// Validity in years; `None` when one-off, a filing, or unknown (see `source`).
    pub validity_years: Option<u8>,
    /// Where the form model comes from: what was verified, what is estimated. Empty in the
    /// browser apps, which embed the data without the notes (the `sources` feature).
    #[serde(default)]
    pub source: String,
    /// The fields of the permit's own form, in form order.
    pub fields: Vec<FormField>,
}

/// Kind of a business-scope question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Yes or no.
    YesNo,
    /// A number with a unit.
    Number,
}

/// A business-scope question that decides which permits an application combines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeQuestion {
    /// Stable id, e.g. `sells_liquor`.
    pub id: String,
    /// Yes/no or number.
    pub kind: QuestionKind,
    /// Question text.
    pub label: Text,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Unit of numeric answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Smallest numeric answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest numeric answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// A typical numeric answer, used by the report when no threshold applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical: Option<f64>,
}

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
            Some(ScopeAnswer::Number(_)) => Some(match (self.min, self.max) {
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
            }),
            _ => {
                let example = self.typical.or(self.min).unwrap_or(1.0);
                Some(Text::new(
                    format!("{zh}：请填写数字，例如{example}"),
                    format!("{en}: enter a number, for example {example}"),
                ))
            }
        }
    }
}

/// When an industry includes a permit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Always part of the industry's license.
    Always,
    /// When the yes/no question is answered yes.
    Yes(String),
    /// When the numeric answer is at least the threshold.
    AtLeast(String, f64),
    /// When all sub-conditions hold.
    All(Vec<Condition>),
    /// When any sub-condition holds.
    Any(Vec<Condition>),
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

/// A permit of an industry and the condition under which it is needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryPermit {
    /// Permit id.
    pub permit: String,
    /// When it is needed.
    pub when: Condition,
}

/// An industry: one merged application and one combined license.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Industry {
    /// Stable slug.
    pub id: String,
    /// Stable numeric code carried in the license QR.
    pub code: u16,
    /// Name.
    pub name: Text,
    /// Scope questions asked for this industry, in order.
    pub questions: Vec<String>,
    /// Permits, in license order, with their conditions.
    pub permits: Vec<IndustryPermit>,
    /// Values of industry-fixed fields (`prefill: industry`), by field id.
    #[serde(default)]
    pub presets: BTreeMap<String, String>,
    /// Where the bundle comes from (empty without the `sources` feature, as for `Permit`).
    #[serde(default)]
    pub source: String,
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

/// A GB/T 2260 administrative division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    /// 6-digit code, e.g. 310115.
    pub code: u32,
    /// Chinese name, e.g. 上海市浦东新区.
    pub zh: String,
    /// English name.
    pub en: String,
}

/// One answer to a scope question: JSON `true`/`false` or a number. (Deserialized by hand:
/// serde's `untagged` would buffer each answer through its generic content type.)
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ScopeAnswer {
    /// Answer to a yes/no question.
    YesNo(bool),
    /// Answer to a numeric question.
    Number(f64),
}

impl<'de> Deserialize<'de> for ScopeAnswer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Answer;
        impl serde::de::Visitor<'_> for Answer {
            type Value = ScopeAnswer;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false or a number")
            }
            fn visit_bool<E: serde::de::Error>(self, yes: bool) -> Result<ScopeAnswer, E> {
                Ok(ScopeAnswer::YesNo(yes))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<ScopeAnswer, E> {
                Ok(ScopeAnswer::Number(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ScopeAnswer, E> {
                Ok(ScopeAnswer::Number(n as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ScopeAnswer, E> {
                Ok(ScopeAnswer::Number(n as f64))
            }
        }
        deserializer.deserialize_any(Answer)
    }
}

/// Scope answers by question id.
pub type ScopeAnswers = BTreeMap<String, ScopeAnswer>;

/// Raw field values as typed, by field id.
pub type FormValues = BTreeMap<String, String>;

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

/// The whole catalog. Field order everywhere is the data order, hence stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Data version, e.g. `2026.11.1`.
    pub version: String,
    /// Shared field dictionary.
    pub dictionary: Vec<FieldDef>,
    /// Permits with their own forms.
    pub permits: Vec<Permit>,
    /// Industries.
    pub industries: Vec<Industry>,
    /// Business-scope questions.
    pub questions: Vec<ScopeQuestion>,
    /// Division table for `address_division`.
    pub divisions: Vec<Division>,
}

/// Version of the built-in data; bump on any change to `data/`.
pub const BUILTIN_VERSION: &str = "2026.11.3";

impl Catalog {
    /// The catalog shipped in `data/`, parsed once (without `source` notes when the
    /// `sources` feature is off, as in the browser apps).
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Catalog::from_parts(
                BUILTIN_VERSION,
                include_str!(concat!(env!("OUT_DIR"), "/dictionary.json")),
                include_str!(concat!(env!("OUT_DIR"), "/permits.json")),
                include_str!(concat!(env!("OUT_DIR"), "/industries.json")),
                include_str!(concat!(env!("OUT_DIR"), "/questions.json")),
                include_str!(concat!(env!("OUT_DIR"), "/divisions.json")),
            )
            // The data is compiled in and checked by the tests, so this cannot fail at run time.
            .expect("built-in catalog data is valid JSON")
        })
    }

    /// Builds a catalog from the JSON of its parts (the layout of `data/`).
    pub fn from_parts(
        version: &str,
        dictionary: &str,
        permits: &str,
        industries: &str,
        questions: &str,
        divisions: &str,
    ) -> Result<Catalog, CatalogError> {
        fn parse<T: serde::de::DeserializeOwned>(
            what: &str,
            json: &str,
        ) -> Result<T, CatalogError> {
            serde_json::from_str(json).map_err(|e| CatalogError::Data(format!("{what}: {e}")))
        }
        Ok(Catalog {
            version: version.to_string(),
            dictionary: parse("dictionary", dictionary)?,
            permits: parse("permits", permits)?,
            industries: parse("industries", industries)?,
            questions: parse("questions", questions)?,
            divisions: parse("divisions", divisions)?,
        })
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
