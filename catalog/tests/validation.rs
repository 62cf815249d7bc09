//! Validation verdict tables (shared with the wasm32 tests) and message quality.

mod common;

use catalog::{IssueCode, Severity, Text, validate::Detail};

#[test]
fn verdict_tables_hold() {
    let mismatches = common::verdict_mismatches();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn credit_check_failure_warns_and_does_not_block() {
    let form = common::full_form();
    let mut values = common::valid_values(&form);
    values.insert("credit_code".into(), common::WARN_CREDIT_CODE.into());
    let report = catalog::validate(
        &form,
        &catalog::complete_values(&form, &values, common::today()),
        common::today(),
    );
    assert!(report.is_valid());
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].severity, Severity::Warning);
}

#[test]
fn derived_fields_are_filled_from_the_resident_id() {
    let form = common::full_form();
    let mut values = common::valid_values(&form);
    values.remove("legal_rep_birth_date");
    values.remove("legal_rep_gender");
    let values = catalog::complete_values(&form, &values, common::today());
    assert_eq!(values["legal_rep_birth_date"], "1949-12-31");
    assert_eq!(values["legal_rep_gender"], "female");
}

#[test]
fn empty_form_reports_required_fields_in_form_order() {
    let form = common::full_form();
    let report = catalog::validate(
        &form,
        &catalog::complete_values(&form, &Default::default(), common::today()),
        common::today(),
    );
    let required = form
        .fields()
        .filter(|f| f.required && !catalog::is_automatic(f.def.prefill))
        .count();
    assert_eq!(report.errors.len(), required);
    assert!(report.errors.iter().all(|e| e.code == IssueCode::Required));
}

#[test]
fn every_code_has_a_message_in_both_languages_naming_the_field() {
    let label = Text::new("测试字段", "Test field");
    let detail = Detail {
        expected: 'Q',
        min: Some(1.0),
        max: Some(10.0),
        unit: Some("m²".into()),
        max_len: 5,
        other: Some(Text::new("其他", "Other")),
    };
    let mut seen = std::collections::BTreeSet::new();
    for code in IssueCode::ALL {
        let message = code.message(&label, &detail);
        assert!(message.zh.contains("测试字段"), "{code:?}: {}", message.zh);
        assert!(
            message.en.contains("Test field"),
            "{code:?}: {}",
            message.en
        );
        assert!(
            message.zh.chars().count() > 8 && message.en.len() > 20,
            "{code:?}"
        );
        assert!(
            seen.insert(message.en.clone()),
            "{code:?} message not distinct"
        );
    }
}
