//! Validation verdict tables (shared with the wasm32 tests) and message quality.

mod common;

use catalog::{Context, IssueCode, Severity, Text, validate::Detail};

#[test]
fn verdict_tables_hold() {
    let mismatches = common::verdict_mismatches();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The report for the full form with `code` as the credit code, the registry knowing it or not.
fn with_credit_code(code: &str, registered: bool) -> catalog::ValidationReport {
    let form = common::full_form();
    let mut values = common::valid_values(&form);
    values.insert("credit_code".into(), code.into());
    let context = Context {
        today: common::today(),
        credit_code_registered: registered,
    };
    catalog::validate(
        &form,
        &catalog::complete_values(&form, &values, common::today()),
        context,
    )
}

#[test]
fn a_wrong_check_character_blocks_and_names_the_expected_one() {
    let report = with_credit_code(common::EARLY_CREDIT_CODE, false);
    assert!(report.warnings.is_empty());
    let [error] = report.errors.as_slice() else {
        panic!("one error: {report:?}");
    };
    assert_eq!(
        (error.code, error.severity),
        (IssueCode::CreditCodeCheck, Severity::Error)
    );
    assert!(error.message.zh.contains("应为1"), "{}", error.message.zh);
    assert!(
        error.message.en.contains("should be 1"),
        "{}",
        error.message.en
    );
}

#[test]
fn a_wrong_check_character_the_registry_knows_only_warns() {
    let report = with_credit_code(common::EARLY_CREDIT_CODE, true);
    assert!(report.is_valid(), "{:?}", report.errors);
    let [warning] = report.warnings.as_slice() else {
        panic!("one warning: {report:?}");
    };
    assert_eq!(
        (warning.code, warning.severity),
        (IssueCode::CreditCodeEarly, Severity::Warning)
    );
    // What the registry knows changes nothing for a code that passes its check.
    let valid = common::VALID_CREDIT_CODES[0];
    assert_eq!(
        with_credit_code(valid, true),
        with_credit_code(valid, false)
    );
}

#[test]
fn no_message_asks_to_confirm_with_a_control_the_form_does_not_have() {
    let label = Text::new("测试字段", "Test field");
    for code in IssueCode::ALL {
        let message = code.message(&label, &Detail::default());
        assert!(!message.zh.contains("确认"), "{code:?}: {}", message.zh);
        assert!(!message.en.contains("confirm"), "{code:?}: {}", message.en);
    }
}

#[test]
fn number_messages_give_the_unit_in_the_message_language() {
    let detail = Detail {
        min: Some(1.0),
        max: Some(1000.0),
        unit: Some(Text::new("万元", "×10,000 CNY")),
        ..Detail::default()
    };
    let label = Text::new("注册资本", "Registered capital");
    let range = IssueCode::NumberRange.message(&label, &detail);
    assert!(range.zh.contains("1至1000万元"), "{}", range.zh);
    assert!(range.en.contains("1 and 1000 ×10,000 CNY"), "{}", range.en);
    assert!(!range.en.contains("万元"), "{}", range.en);
}

#[test]
fn numbers_may_carry_their_unit_in_either_language() {
    let form = common::full_form();
    let base = catalog::complete_values(&form, &common::valid_values(&form), common::today());
    for (field, typed, ok) in [
        ("employee_count", "12 people", true),
        ("employee_count", "12人", true),
        ("floor_area", "120 m²", true),
        ("floor_area", "120平方米", true),
        ("floor_area", "120 people", false),
        ("registered_capital", "100 ×10,000 CNY", true),
        ("registered_capital", "100万元", true),
    ] {
        let mut values = base.clone();
        values.insert(field.into(), typed.into());
        let report = catalog::validate(&form, &values, Context::on(common::today()));
        assert_eq!(
            report.for_field(field).next().is_none(),
            ok,
            "{field} = {typed:?}"
        );
    }
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
        Context::on(common::today()),
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
        unit: Some(Text::new("平方米", "m²")),
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
