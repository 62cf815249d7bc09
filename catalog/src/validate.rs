//! Validation of typed values against a merged form. The same code runs in the browser and
//! on the server; no regex engine, to keep the wasm small.

use crate::ids::{self, CreditCodeCheck, ResidentIdCheck};
use crate::{Date, DateRule, FieldKind, FormValues, MergedField, MergedForm, Text};
use serde::{Deserialize, Serialize};

/// Whether an issue blocks submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Shown, asks for confirmation, does not block.
    Warning,
}

/// Stable issue codes (serialised in snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// A required field is empty.
    Required,
    /// A field required because of another field's value is empty.
    RequiredIf,
    /// Text longer than allowed.
    TooLong,
    /// Credit code not 18 characters of the credit-code alphabet.
    CreditCodeFormat,
    /// Credit code check character does not match, and the registry does not know the code.
    CreditCodeCheck,
    /// Credit code check character does not match, but the registry knows the code: an
    /// early, real code (warning).
    CreditCodeEarly,
    /// A 15-digit registration number instead of a credit code (warning).
    CreditCodeLegacy,
    /// Resident ID not 17 digits plus digit or X.
    ResidentIdFormat,
    /// Resident ID check character does not match.
    ResidentIdCheck,
    /// Resident ID birth date not a real, plausible date.
    ResidentIdBirthDate,
    /// Other identity document number malformed.
    IdNumberFormat,
    /// Not a mobile or landline number.
    PhoneFormat,
    /// Not an e-mail address.
    EmailFormat,
    /// Not a real `YYYY-MM-DD` date.
    DateFormat,
    /// Date lies in the past where it must not.
    DateInPast,
    /// Date lies in the future where it must not.
    DateInFuture,
    /// Not a number.
    NumberFormat,
    /// Not a whole number.
    IntegerFormat,
    /// Number outside the allowed range.
    NumberRange,
    /// Value not among the options.
    ChoiceInvalid,
    /// Division code not in the shipped table.
    DivisionUnknown,
    /// Postal code not 6 digits.
    PostalCodeFormat,
    /// Opening hours not `HH:MM-HH:MM`.
    TimeRangeFormat,
}

impl IssueCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [IssueCode; 23] = [
        IssueCode::Required,
        IssueCode::RequiredIf,
        IssueCode::TooLong,
        IssueCode::CreditCodeFormat,
        IssueCode::CreditCodeCheck,
        IssueCode::CreditCodeEarly,
        IssueCode::CreditCodeLegacy,
        IssueCode::ResidentIdFormat,
        IssueCode::ResidentIdCheck,
        IssueCode::ResidentIdBirthDate,
        IssueCode::IdNumberFormat,
        IssueCode::PhoneFormat,
        IssueCode::EmailFormat,
        IssueCode::DateFormat,
        IssueCode::DateInPast,
        IssueCode::DateInFuture,
        IssueCode::NumberFormat,
        IssueCode::IntegerFormat,
        IssueCode::NumberRange,
        IssueCode::ChoiceInvalid,
        IssueCode::DivisionUnknown,
        IssueCode::PostalCodeFormat,
        IssueCode::TimeRangeFormat,
    ];

    /// Whether the code blocks submission.
    pub fn severity(self) -> Severity {
        match self {
            IssueCode::CreditCodeEarly | IssueCode::CreditCodeLegacy => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The message for a field labelled `label`: what is wrong and how to fix it.
    pub fn message(self, label: &Text, detail: &Detail) -> Text {
        let (l_zh, l_en) = (&label.zh, &label.en);
        let range_zh = detail.range_zh();
        let range_en = detail.range_en();
        let (zh, en) = match self {
            IssueCode::Required => (
                format!("请填写{l_zh},此项为必填。"),
                format!("Enter {l_en}: this field is required."),
            ),
            IssueCode::RequiredIf => {
                let (o_zh, o_en) = detail
                    .other
                    .as_ref()
                    .map_or(("", ""), |o| (o.zh.as_str(), o.en.as_str()));
                (
                    format!("已填写“{o_zh}”,因此还需填写{l_zh}。"),
                    format!("Enter {l_en}: it is needed because of your answer to “{o_en}”."),
                )
            }
            IssueCode::TooLong => (
                format!("{l_zh}太长,请缩短到{}个字以内。", detail.max_len),
                format!(
                    "{l_en} is too long: shorten it to {} characters or fewer.",
                    detail.max_len
                ),
            ),
            IssueCode::CreditCodeFormat => (
                format!(
                    "{l_zh}应为18位,由数字和大写字母组成(不含I、O、S、V、Z),请对照营业执照重新输入。"
                ),
                format!(
                    "{l_en} must be 18 digits and capital letters (no I, O, S, V or Z): copy it again from the business licence."
                ),
            ),
            IssueCode::CreditCodeCheck => (
                format!(
                    "{l_zh}的最后一位应为{},企业登记信息中也没有这个代码:可能有字符输错,请对照营业执照核对。",
                    detail.expected
                ),
                format!(
                    "{l_en}: the last character should be {}, and the enterprise registry does not know this code: a character is probably mistyped. Check it against the business licence.",
                    detail.expected
                ),
            ),
            IssueCode::CreditCodeEarly => (
                format!(
                    "{l_zh}的最后一位不是计算所得的{},但企业登记信息中有这个早期代码,可以继续。",
                    detail.expected
                ),
                format!(
                    "{l_en}: the last character is not the computed {}, but the enterprise registry knows this early code, so you can go on.",
                    detail.expected
                ),
            ),
            IssueCode::CreditCodeLegacy => (
                format!("{l_zh}是15位旧注册号,请尽量填写18位统一社会信用代码;尚未换照的可以继续。"),
                format!(
                    "{l_en} is an old 15-digit registration number: enter the 18-character credit code if you have one; if the licence has not been renewed yet, you can go on."
                ),
            ),
            IssueCode::ResidentIdFormat => (
                format!("{l_zh}应为18位:前17位是数字,最后一位是数字或大写X,请核对身份证。"),
                format!(
                    "{l_en} must have 18 characters: 17 digits then a digit or capital X. Check the identity card."
                ),
            ),
            IssueCode::ResidentIdCheck => (
                format!(
                    "{l_zh}的最后一位应为{},可能有数字输错,请逐位核对身份证。",
                    detail.expected
                ),
                format!(
                    "{l_en}: the last character should be {}, so a digit is probably mistyped. Compare it digit by digit with the identity card.",
                    detail.expected
                ),
            ),
            IssueCode::ResidentIdBirthDate => (
                format!("{l_zh}第7至14位的出生日期不是有效日期,请核对身份证。"),
                format!(
                    "{l_en}: characters 7–14 are not a real date of birth. Check the identity card."
                ),
            ),
            IssueCode::IdNumberFormat => (
                format!("{l_zh}应为5至20位字母或数字,请按证件原样输入。"),
                format!(
                    "{l_en} must be 5 to 20 letters or digits: type it exactly as on the document."
                ),
            ),
            IssueCode::PhoneFormat => (
                format!(
                    "{l_zh}应为11位手机号(如13812345678)或带区号的座机号(如021-12345678),请重新输入。"
                ),
                format!(
                    "{l_en} must be an 11-digit mobile number (e.g. 13812345678) or a landline with area code (e.g. 021-12345678)."
                ),
            ),
            IssueCode::EmailFormat => (
                format!("{l_zh}格式不对,应类似 name@example.com。"),
                format!("{l_en} is not an e-mail address: it should look like name@example.com."),
            ),
            IssueCode::DateFormat => (
                format!("{l_zh}应为真实日期,格式为 年-月-日,如 2026-03-01。"),
                format!("{l_en} must be a real date written as YYYY-MM-DD, e.g. 2026-03-01."),
            ),
            IssueCode::DateInPast => (
                format!("{l_zh}不能早于今天,请核对日期。"),
                format!("{l_en} cannot be before today: check the date."),
            ),
            IssueCode::DateInFuture => (
                format!("{l_zh}不能晚于今天,请核对日期。"),
                format!("{l_en} cannot be after today: check the date."),
            ),
            IssueCode::NumberFormat => (
                format!("{l_zh}应为数字{},如 120 或 85.5。", detail.unit_zh()),
                format!(
                    "{l_en} must be a number{}, e.g. 120 or 85.5.",
                    detail.unit_en()
                ),
            ),
            IssueCode::IntegerFormat => (
                format!("{l_zh}应为整数{},如 12。", detail.unit_zh()),
                format!(
                    "{l_en} must be a whole number{}, e.g. 12.",
                    detail.unit_en()
                ),
            ),
            IssueCode::NumberRange => (
                format!("{l_zh}应在{range_zh}之间,请核对。"),
                format!("{l_en} must be between {range_en}: check the number."),
            ),
            IssueCode::ChoiceInvalid => (
                format!("{l_zh}的取值无效,请从列表中选择。"),
                format!("{l_en} has an invalid value: pick one from the list."),
            ),
            IssueCode::DivisionUnknown => (
                format!("{l_zh}不在区县列表中,请从列表中选择。"),
                format!("{l_en} is not in the list of districts: pick one from the list."),
            ),
            IssueCode::PostalCodeFormat => (
                format!("{l_zh}应为6位数字,如 200120。"),
                format!("{l_en} must be 6 digits, e.g. 200120."),
            ),
            IssueCode::TimeRangeFormat => (
                format!("{l_zh}应写成 开始-结束,如 09:00-22:00(跨夜如 18:00-02:00)。"),
                format!(
                    "{l_en} must be written start-end, e.g. 09:00-22:00 (overnight: 18:00-02:00)."
                ),
            ),
        };
        Text { zh, en }
    }
}

/// Details that messages quote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detail {
    /// The expected check character.
    pub expected: char,
    /// Allowed range and unit.
    pub min: Option<f64>,
    /// Allowed maximum.
    pub max: Option<f64>,
    /// Unit, in both languages.
    pub unit: Option<Text>,
    /// Maximum text length.
    pub max_len: usize,
    /// Label of the field that makes this one required.
    pub other: Option<Text>,
}

impl Detail {
    fn unit_zh(&self) -> String {
        self.unit
            .as_ref()
            .map_or(String::new(), |u| format!("(单位:{})", u.zh))
    }
    fn unit_en(&self) -> String {
        self.unit
            .as_ref()
            .map_or(String::new(), |u| format!(" (in {})", u.en))
    }
    fn bounds(&self) -> (String, String) {
        let show = |v: Option<f64>| v.map_or("…".to_string(), crate::number::format);
        (show(self.min), show(self.max))
    }
    fn range_zh(&self) -> String {
        let (lo, hi) = self.bounds();
        let unit = self.unit.as_ref().map_or("", |u| u.zh.as_str());
        format!("{lo}至{hi}{unit}")
    }
    fn range_en(&self) -> String {
        let (lo, hi) = self.bounds();
        let unit = self.unit.as_ref().map_or("", |u| u.en.as_str());
        format!("{lo} and {hi} {unit}").trim_end().to_string()
    }
}

/// One validation finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Field id.
    pub field: String,
    /// Stable code.
    pub code: IssueCode,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and how to fix it.
    pub message: Text,
}

/// The outcome of validating a form's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Blocking issues, in form order.
    pub errors: Vec<Issue>,
    /// Non-blocking issues, in form order.
    pub warnings: Vec<Issue>,
}

impl ValidationReport {
    /// No blocking issues.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// All issues for a field.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Issue> {
        self.errors
            .iter()
            .chain(&self.warnings)
            .filter(move |i| i.field == field)
    }
}

/// What validation needs to know from outside the form, found by the caller (the catalog reads
/// no clock and asks no registry): the same facts give the same verdict in browser and server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The authority's civil date, for rules relative to today.
    pub today: Date,
    /// Whether the enterprise registry holds the credit code in the values. A code failing
    /// its GB 32100 check character is accepted only then: some early, real codes fail it.
    pub credit_code_registered: bool,
}

impl Context {
    /// `today`, with a credit code the registry does not know (or was not asked about).
    pub fn on(today: Date) -> Context {
        Context {
            today,
            credit_code_registered: false,
        }
    }
}

/// Validates `values` (field id → text as typed, already [`crate::complete_values`]d) against
/// the merged form, in `context` (today's date, what the registry knows).
pub fn validate(form: &MergedForm, values: &FormValues, context: Context) -> ValidationReport {
    let mut report = ValidationReport::default();
    for field in form.fields() {
        let value = values.get(&field.def.id).map_or("", |v| v.trim());
        let (code, detail) = if value.is_empty() {
            match missing(form, field, values) {
                Some(found) => found,
                None => continue,
            }
        } else {
            match check_value(field, value, values, context) {
                Some(found) => found,
                None => continue,
            }
        };
        let issue = Issue {
            field: field.def.id.clone(),
            code,
            severity: code.severity(),
            message: code.message(&field.def.label, &detail),
        };
        match issue.severity {
            Severity::Error => report.errors.push(issue),
            Severity::Warning => report.warnings.push(issue),
        }
    }
    report
}

fn missing(
    form: &MergedForm,
    field: &MergedField,
    values: &FormValues,
) -> Option<(IssueCode, Detail)> {
    if field.required && field.def.prefill != Some(crate::Prefill::Derived) {
        return Some((IssueCode::Required, Detail::default()));
    }
    let rule = field.def.required_if.as_ref()?;
    rule.applies(values).then(|| {
        let other_label = form.field(&rule.field).map(|f| f.def.label.clone());
        (
            IssueCode::RequiredIf,
            Detail {
                other: other_label,
                ..Detail::default()
            },
        )
    })
}

fn check_value(
    field: &MergedField,
    value: &str,
    values: &FormValues,
    context: Context,
) -> Option<(IssueCode, Detail)> {
    let def = &field.def;
    let today = context.today;
    let plain = |code| Some((code, Detail::default()));
    match def.kind {
        FieldKind::Text => {
            let max_len = def.max_len.map_or(200, |m| m as usize);
            (value.chars().count() > max_len).then(|| {
                (
                    IssueCode::TooLong,
                    Detail {
                        max_len,
                        ..Detail::default()
                    },
                )
            })
        }
        FieldKind::CreditCode => match ids::check_credit_code(value) {
            CreditCodeCheck::Ok => None,
            CreditCodeCheck::BadCheckChar { expected } => Some((
                if context.credit_code_registered {
                    IssueCode::CreditCodeEarly
                } else {
                    IssueCode::CreditCodeCheck
                },
                Detail {
                    expected,
                    ..Detail::default()
                },
            )),
            CreditCodeCheck::BadFormat if ids::is_legacy_registration_number(value) => {
                plain(IssueCode::CreditCodeLegacy)
            }
            CreditCodeCheck::BadFormat => plain(IssueCode::CreditCodeFormat),
        },
        FieldKind::IdNumber => {
            let id_type = def
                .id_type_field
                .as_ref()
                .and_then(|f| values.get(f))
                .map_or("", |v| v.trim());
            if id_type.is_empty() || id_type == "resident_id" {
                match ids::check_resident_id(value, Some(today)) {
                    ResidentIdCheck::Ok => None,
                    ResidentIdCheck::BadFormat => plain(IssueCode::ResidentIdFormat),
                    ResidentIdCheck::BadBirthDate => plain(IssueCode::ResidentIdBirthDate),
                    ResidentIdCheck::BadCheckChar { expected } => Some((
                        IssueCode::ResidentIdCheck,
                        Detail {
                            expected,
                            ..Detail::default()
                        },
                    )),
                }
            } else {
                let ok = (5..=20).contains(&value.len())
                    && value.bytes().all(|b| b.is_ascii_alphanumeric());
                (!ok).then_some((IssueCode::IdNumberFormat, Detail::default()))
            }
        }
        FieldKind::Phone => {
            (!is_phone(value)).then_some((IssueCode::PhoneFormat, Detail::default()))
        }
        FieldKind::Email => {
            (!is_email(value)).then_some((IssueCode::EmailFormat, Detail::default()))
        }
        FieldKind::Date => {
            let Some(date) = Date::parse(value) else {
                return plain(IssueCode::DateFormat);
            };
            match def.date_rule {
                Some(DateRule::NotInPast) if date < today => plain(IssueCode::DateInPast),
                Some(DateRule::NotInFuture) if date > today => plain(IssueCode::DateInFuture),
                _ => None,
            }
        }
        FieldKind::Number | FieldKind::Integer => {
            let integer = def.kind == FieldKind::Integer;
            let detail = Detail {
                min: def.min,
                max: def.max,
                unit: def.unit.clone(),
                ..Detail::default()
            };
            let Some(number) = parse_number(value, def.unit.as_ref(), integer) else {
                let code = if integer {
                    IssueCode::IntegerFormat
                } else {
                    IssueCode::NumberFormat
                };
                return Some((code, detail));
            };
            let in_range =
                def.min.is_none_or(|m| number >= m) && def.max.is_none_or(|m| number <= m);
            (!in_range).then_some((IssueCode::NumberRange, detail))
        }
        FieldKind::Choice | FieldKind::YesNo => {
            let ok = if def.kind == FieldKind::YesNo {
                value == "yes" || value == "no"
            } else {
                def.options.iter().any(|o| o.value == value)
            };
            (!ok).then_some((IssueCode::ChoiceInvalid, Detail::default()))
        }
        FieldKind::MultiChoice => {
            let chosen: Vec<&str> = value.split(',').map(str::trim).collect();
            let all_known = chosen
                .iter()
                .all(|v| def.options.iter().any(|o| o.value == *v));
            // A handful of options: a quadratic look-back costs less wasm than a sort.
            let repeated = (0..chosen.len()).any(|i| chosen[..i].contains(&chosen[i]));
            (!all_known || repeated).then_some((IssueCode::ChoiceInvalid, Detail::default()))
        }
        FieldKind::Division => {
            let known = value.len() == 6 && field.def.options.iter().any(|o| o.value == value);
            (!known).then_some((IssueCode::DivisionUnknown, Detail::default()))
        }
        FieldKind::PostalCode => {
            let ok = value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit());
            (!ok).then_some((IssueCode::PostalCodeFormat, Detail::default()))
        }
        FieldKind::TimeRange => {
            (!is_time_range(value)).then_some((IssueCode::TimeRangeFormat, Detail::default()))
        }
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Mobile `1[3-9]\d{9}` (optionally `+86`/`86` prefixed, spaces allowed) or landline
/// `0\d{2,3}-?\d{7,8}(-\d{1,6})?`.
pub fn is_phone(raw: &str) -> bool {
    let compact: String = raw.chars().filter(|c| *c != ' ').collect();
    let mobile = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("86").filter(|rest| rest.len() == 11))
        .unwrap_or(&compact);
    let b = mobile.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && all_digits(mobile) {
        return true;
    }
    is_landline(&compact)
}

fn is_landline(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let ext_ok = |e: &str| all_digits(e) && e.len() <= 6;
    let (head, ext) = match parts.as_slice() {
        [whole] => (vec![*whole], None),
        [a, b] if a.len() <= 4 && a.starts_with('0') => (vec![*a, *b], None),
        [whole, e] => (vec![*whole], Some(*e)),
        [a, b, e] => (vec![*a, *b], Some(*e)),
        _ => return false,
    };
    if ext.is_some_and(|e| !ext_ok(e)) {
        return false;
    }
    match head.as_slice() {
        [whole] => all_digits(whole) && whole.starts_with('0') && (10..=12).contains(&whole.len()),
        [area, number] => {
            all_digits(area)
                && area.starts_with('0')
                && (3..=4).contains(&area.len())
                && all_digits(number)
                && (7..=8).contains(&number.len())
        }
        _ => false,
    }
}

/// A plain `local@domain.tld` address check.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2);
    local_ok && domain_ok
}

/// Parses `123`, `85.5`, optionally followed by the unit in either language (`120 m²`,
/// `120平方米`, `12 people`; areas also `120㎡`, `120m2`).
fn parse_number(raw: &str, unit: Option<&Text>, integer: bool) -> Option<f64> {
    let mut s = raw.trim();
    let (zh, en) = unit.map_or(("", ""), |u| (u.zh.as_str(), u.en.as_str()));
    let (m2, m2_ascii) = if en == "m²" { ("㎡", "m2") } else { ("", "") };
    for suffix in [zh, en, m2, m2_ascii] {
        if let Some(rest) = s.strip_suffix(suffix).filter(|_| !suffix.is_empty()) {
            s = rest.trim_end();
            break;
        }
    }
    if integer && s.contains('.') {
        return None;
    }
    crate::number::parse(s)
}

fn is_time_range(s: &str) -> bool {
    let parse = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 || !all_digits(h) || !all_digits(m) {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && (h < 24 || m == 0)).then_some(h * 60 + m)
    };
    let Some((start, end)) = s.split_once('-') else {
        return false;
    };
    match (parse(start), parse(end)) {
        (Some(a), Some(b)) => a != b && a < 24 * 60,
        _ => false,
    }
}
