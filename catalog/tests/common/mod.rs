//! Verdict tables shared by the native tests and the wasm32 tests, so both targets are held
//! to exactly the same expectations.
#![allow(dead_code)] // each test binary uses a different part

use catalog::{Catalog, Context, Date, FormValues, MergedForm, ScopeAnswer, ScopeAnswers};

/// Credit codes that must pass (DOMAIN.md).
pub const VALID_CREDIT_CODES: [&str; 4] = [
    "91110108551385082Q",
    "91370000728611939A",
    "52410000663412719U",
    "91350100M000100Y43",
];
/// A real early code that fails its check character (its check character would be `1`): an
/// error, unless the registry knows it.
pub const EARLY_CREDIT_CODE: &str = "91350100M0001TGQXM";
/// Resident ID that must pass (DOMAIN.md).
pub const VALID_RESIDENT_ID: &str = "11010519491231002X";

/// The fixed "today" of the tables, so the verdicts do not drift with the clock.
pub fn today() -> Date {
    Date::new(2026, 6, 1).expect("real date")
}

/// The hotel with every permit on: it contains every field kind and every field of the verdict
/// tables. (The convenience store no longer has a time range since the fire-safety form was
/// checked against its published layout, which asks no opening hours.)
pub fn full_form() -> MergedForm {
    let catalog = Catalog::builtin();
    let industry = catalog.industry("hotel").expect("industry");
    catalog
        .merge(&industry.id, &industry.full_scope(catalog))
        .expect("merge")
}

/// A complete, valid set of values for [`full_form`].
pub fn valid_values(form: &MergedForm) -> FormValues {
    let mut values = form.preset_values();
    for field in form.fields() {
        if values.contains_key(&field.def.id) {
            continue;
        }
        use catalog::FieldKind::*;
        let value = match field.def.kind {
            Text => "示例内容".to_string(),
            CreditCode => VALID_CREDIT_CODES[0].to_string(),
            IdNumber => VALID_RESIDENT_ID.to_string(),
            Phone => "13812345678".to_string(),
            Email => "owner@example.com".to_string(),
            Date => match field.def.date_rule {
                Some(catalog::DateRule::NotInPast) => "2030-12-31".to_string(),
                _ => "2020-01-15".to_string(),
            },
            Number | Integer => field.def.min.unwrap_or(1.0).max(1.0).to_string(),
            Choice => field.def.options[0].value.clone(),
            MultiChoice => field.def.options[0].value.clone(),
            Division => "310115".to_string(),
            PostalCode => "200120".to_string(),
            YesNo => "no".to_string(),
            TimeRange => "07:00-23:00".to_string(),
        };
        values.insert(field.def.id.clone(), value);
    }
    values.insert("legal_rep_id_type".into(), "resident_id".into());
    values
}

/// (field, value, expected code or "" for no issue). Applied one at a time to valid values.
pub const VERDICTS: &[(&str, &str, &str)] = &[
    // credit code
    ("credit_code", "91110108551385082Q", ""),
    ("credit_code", "91370000728611939A", ""),
    ("credit_code", "52410000663412719U", ""),
    ("credit_code", "91350100M000100Y43", ""),
    ("credit_code", "91350100M0001TGQXM", "credit_code_check"),
    ("credit_code", "91110108551385082R", "credit_code_check"),
    ("credit_code", "91110108551385082", "credit_code_format"),
    ("credit_code", "91110108551385082QQ", "credit_code_format"),
    ("credit_code", "91110108551385O82Q", "credit_code_format"),
    ("credit_code", "91110108551385082q", "credit_code_format"),
    ("credit_code", "310115000123456", "credit_code_legacy"),
    ("credit_code", "", "required"),
    // resident ID
    ("legal_rep_id_number", "11010519491231002X", ""),
    (
        "legal_rep_id_number",
        "110105194912310021",
        "resident_id_check",
    ),
    (
        "legal_rep_id_number",
        "11010519491231002x",
        "resident_id_format",
    ),
    (
        "legal_rep_id_number",
        "1101051949123100",
        "resident_id_format",
    ),
    (
        "legal_rep_id_number",
        "110105194902300025",
        "resident_id_birth_date",
    ),
    (
        "legal_rep_id_number",
        "110105209901010015",
        "resident_id_birth_date",
    ),
    (
        "legal_rep_id_number",
        "110105189901010013",
        "resident_id_birth_date",
    ),
    // phones
    ("contact_phone", "13812345678", ""),
    ("contact_phone", "+86 138 1234 5678", ""),
    ("contact_phone", "021-12345678", ""),
    ("contact_phone", "02112345678", ""),
    ("contact_phone", "0755-1234567-123", ""),
    ("contact_phone", "12812345678", "phone_format"),
    ("contact_phone", "1381234567", "phone_format"),
    ("contact_phone", "21-12345678", "phone_format"),
    ("contact_phone", "021-123456", "phone_format"),
    ("contact_phone", "tel 13812345678", "phone_format"),
    // email
    ("contact_email", "a.b@example.com.cn", ""),
    ("contact_email", "", ""),
    ("contact_email", "ab@example", "email_format"),
    ("contact_email", "a b@example.com", "email_format"),
    ("contact_email", "@example.com", "email_format"),
    // dates
    ("lease_end_date", "2028-02-29", ""),
    ("lease_end_date", "2027-02-29", "date_format"),
    ("lease_end_date", "2030/01/01", "date_format"),
    ("lease_end_date", "2030-1-1", "date_format"),
    ("legal_rep_birth_date", "2027-01-01", "date_in_future"),
    ("lease_end_date", "2026-06-01", ""),
    ("lease_end_date", "2026-05-31", "date_in_past"),
    // numbers with units and ranges
    ("floor_area", "120", ""),
    ("floor_area", "120.5 m²", ""),
    ("floor_area", "120㎡", ""),
    ("floor_area", "0", "number_range"),
    ("floor_area", "100001", "number_range"),
    ("floor_area", "abc", "number_format"),
    ("floor_area", "1e3", "number_format"),
    ("employee_count", "12", ""),
    ("employee_count", "12人", ""),
    ("employee_count", "12.5", "integer_format"),
    ("employee_count", "0", "number_range"),
    // choices, division, postal code, time range
    ("premises_ownership", "owned", ""),
    ("premises_ownership", "rented", "choice_invalid"),
    ("liquor_retail.categories", "wine,beer", ""),
    ("liquor_retail.categories", "wine,wine", "choice_invalid"),
    ("liquor_retail.categories", "wine,sake", "choice_invalid"),
    ("tobacco_retail.chain", "maybe", "choice_invalid"),
    ("address_division", "320114", ""),
    ("address_division", "999999", "division_unknown"),
    ("postal_code", "20012", "postal_code_format"),
    ("opening_hours", "18:00-02:00", ""),
    ("opening_hours", "00:00-24:00", ""),
    ("opening_hours", "9:00-22:00", "time_range_format"),
    ("opening_hours", "09:00-09:00", "time_range_format"),
    ("opening_hours", "09:60-22:00", "time_range_format"),
    // text length
    ("food_business.safety_manager_name", "张三", ""),
];

/// (field set to a value, dependent field left empty, expected code on the dependent).
pub const REQUIRED_IF: &[(&str, &str, &str, &str)] = &[
    (
        "premises_ownership",
        "leased",
        "lease_end_date",
        "required_if",
    ),
    ("premises_ownership", "owned", "lease_end_date", ""),
    (
        "tobacco_retail.chain",
        "yes",
        "tobacco_retail.chain_name",
        "required_if",
    ),
    (
        "tobacco_retail.chain",
        "no",
        "tobacco_retail.chain_name",
        "",
    ),
    ("agent_name", "李四", "agent_phone", "required_if"),
    ("agent_name", "", "agent_phone", ""),
];

/// The code reported for `field` (errors first), or "" when none. `values` are validated as
/// given: the tables hold for automatic fields too, whatever filled them.
pub fn code_for(form: &MergedForm, values: &FormValues, field: &str) -> String {
    let report = catalog::validate(form, values, Context::on(today()));
    report
        .for_field(field)
        .next()
        .map(|issue| {
            serde_json::to_value(issue.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

/// Runs [`VERDICTS`] and [`REQUIRED_IF`]; returns the mismatches.
pub fn verdict_mismatches() -> Vec<String> {
    let form = full_form();
    let base = catalog::complete_values(&form, &valid_values(&form), today());
    let mut mismatches = Vec::new();
    let baseline = catalog::validate(&form, &base, Context::on(today()));
    if !baseline.is_valid() || !baseline.warnings.is_empty() {
        mismatches.push(format!("baseline not clean: {baseline:?}"));
    }
    for (field, value, expected) in VERDICTS {
        let mut values = base.clone();
        values.insert(field.to_string(), value.to_string());
        let got = code_for(&form, &values, field);
        if got != *expected {
            mismatches.push(format!(
                "{field}={value:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    for (trigger, value, dependent, expected) in REQUIRED_IF {
        let mut values = base.clone();
        values.insert(trigger.to_string(), value.to_string());
        values.remove(*dependent);
        let got = code_for(&form, &values, dependent);
        if got != *expected {
            mismatches.push(format!(
                "{trigger}={value:?} → {dependent}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    mismatches
}

/// Yes to everything for an industry, as scope answers.
pub fn answers(pairs: &[(&str, ScopeAnswer)]) -> ScopeAnswers {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// 2026-11-26T20:30Z: still the 26th in UTC, already 04:30 on the 27th in Shanghai.
pub const LATE_EVENING_UTC: i64 = 20_783 * 86_400 + 20 * 3600 + 1800;

/// The lease end date's finding (code, English words) for an application completed and
/// validated at Unix time `now`, as browser and server both do it. (The establishment date is
/// on no form, so the lease end date — not before today — stands in for a rule about today.)
pub fn lease_end_finding(now: i64, lease_end: &str) -> Option<(catalog::IssueCode, String)> {
    let form = full_form();
    let today = Date::authority_day(now).expect("a real day");
    let mut sent = valid_values(&form);
    sent.insert("premises_ownership".into(), "leased".into());
    sent.insert("lease_end_date".into(), lease_end.into());
    let values = catalog::complete_values(&form, &sent, today);
    let report = catalog::validate(&form, &values, Context::on(today));
    report
        .for_field("lease_end_date")
        .next()
        .map(|i| (i.code, i.message.en.clone()))
}
