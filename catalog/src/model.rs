//! The catalog's data model: plain types and their JSON form. Kept apart from the logic so
//! that `build.rs` can include this file (and `compact.rs`) to turn `data/*.json` into the
//! compact binary form the crate embeds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text in Chinese and English, in JSON `{"zh": …, "en": …}`: the one bilingual type of the
/// workspace. Owned (`Text`) for catalog data and messages; the web apps' interface tables
/// are `Text<&'static str>` (`bilingual::Text`), and [`Text::borrowed`] lends either as
/// `Text<&str>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text<S = String> {
    /// Simplified Chinese.
    pub zh: S,
    /// English.
    pub en: S,
}

impl<S: AsRef<str>> Text<S> {
    /// Both languages borrowed.
    pub fn borrowed(&self) -> Text<&str> {
        Text {
            zh: self.zh.as_ref(),
            en: self.en.as_ref(),
        }
    }
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

impl ChoiceOption {
    /// The label as a [`Text`] (kept as two plain fields in JSON, next to the value).
    pub fn label(&self) -> Text<&str> {
        Text {
            zh: &self.zh,
            en: &self.en,
        }
    }
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

impl RequiredIf {
    /// Whether the rule applies to these values: then the field is required (and the
    /// applicant's form shows it; before, it is not asked at all).
    pub fn applies(&self, values: &FormValues) -> bool {
        let other = values.get(&self.field).map_or("", |v| v.trim());
        match &self.equals {
            Some(wanted) => other == wanted,
            None => !other.is_empty(),
        }
    }
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
    /// Unit shown after numbers, in the interface language (平方米 / m², 万元 / ×10,000 yuan …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
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
    /// How the permit is granted: on commitment or after a department's review.
    pub grant: Grant,
}

/// How a permit is granted under the 一业一证 rules (Pudong, 2021, arts. 6, 9): on the
/// applicant's signed commitment (告知承诺) at once, or by the issuing department's review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    /// The reviewing department's stable slug (a reviewer account belongs to one).
    pub department: String,
    pub mode: GrantMode,
    /// On commitment: whether the applicant may ask for a review instead.
    #[serde(default)]
    pub review_allowed: bool,
    /// Whether an on-site inspection is part of the decision (review) or of the check
    /// after a commitment.
    #[serde(default)]
    pub inspection: bool,
    /// The statutory time limit for a decision, in working days from acceptance.
    pub time_limit_days: u16,
    /// On commitment: the conditions the applicant commits to meet.
    #[serde(default)]
    pub commitment: Option<Text>,
    /// Where a refusal may be appealed (行政复议 / 行政诉讼). Empty in the browser apps, like
    /// `source`: the server sends it with a refusal.
    #[serde(default)]
    pub appeal: Text,
    /// On commitment: the supervising department checks the business within this many days
    /// of the grant (审管联动); 0 for a reviewed permit. Only with the `sources` feature: the
    /// server makes the check tasks, and the browser apps' data and code leave the check out.
    #[cfg(feature = "sources")]
    #[serde(default)]
    pub check_within_days: u16,
    /// Whether `check_within_days` counts working days (else calendar days).
    #[cfg(feature = "sources")]
    #[serde(default)]
    pub check_working_days: bool,
    /// Where the check period comes from.
    #[cfg(feature = "sources")]
    #[serde(default)]
    pub check_source: String,
    /// Where the mode and time limit come from (see `Permit::source`).
    #[serde(default)]
    pub source: String,
}

/// Whether a permit is granted on commitment or after review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantMode {
    /// 告知承诺: granted on submission once the applicant accepts the commitment.
    Commitment,
    /// 一般审批: the department's reviewer decides.
    Review,
}
// The applicant app reads it in tracking answers.
crate::json_str_enum!(GrantMode {
    Commitment = "commitment",
    Review = "review",
});

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
    /// Unit of numeric answers, in both languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
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

impl Division {
    /// The name as a [`Text`] (kept as two plain fields in JSON, next to the code).
    pub fn name(&self) -> Text<&str> {
        Text {
            zh: &self.zh,
            en: &self.en,
        }
    }
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
pub const BUILTIN_VERSION: &str = "2026.11.6";
