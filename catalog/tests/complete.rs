//! `complete_values`: what the form fills itself always wins over what was sent, and "today"
//! is the authority's civil date.

mod common;

use catalog::{Context, Date, IssueCode, complete_values, validate};

#[test]
fn derived_values_replace_contradicting_ones() {
    let form = common::full_form();
    let mut sent = common::valid_values(&form);
    // The ID number says born 1949-12-31, female; the sender claims otherwise.
    assert_eq!(sent["legal_rep_id_number"], common::VALID_RESIDENT_ID);
    sent.insert("legal_rep_birth_date".into(), "1990-01-01".into());
    sent.insert("legal_rep_gender".into(), "male".into());
    let values = complete_values(&form, &sent, common::today());
    assert_eq!(values["legal_rep_birth_date"], "1949-12-31");
    assert_eq!(values["legal_rep_gender"], "female");
    assert!(validate(&form, &values, Context::on(common::today())).is_valid());
}

#[test]
fn presets_replace_what_was_sent_and_unknown_fields_go() {
    let form = common::full_form();
    let preset = form
        .fields()
        .find_map(|f| Some((f.def.id.clone(), f.preset.clone()?)))
        .expect("the hotel's form has a preset field");
    let mut sent = common::valid_values(&form);
    sent.insert(preset.0.clone(), "something else".into());
    sent.insert("not_a_field".into(), "x".into());
    let values = complete_values(&form, &sent, common::today());
    assert_eq!(values[&preset.0], preset.1);
    assert!(!values.contains_key("not_a_field"));
}

#[test]
fn today_is_the_day_in_china_whatever_the_utc_day() {
    let now = common::LATE_EVENING_UTC;
    assert_eq!(Date::at(now, 0), Date::new(2026, 11, 26));
    let today = Date::authority_day(now).unwrap();
    assert_eq!(today, Date::new(2026, 11, 27).unwrap());
    let form = common::full_form();
    let values = complete_values(&form, &common::valid_values(&form), today);
    assert_eq!(values["application_date"], "2026-11-27");

    assert_eq!(common::lease_end_finding(now, "2026-11-27"), None);
    let (code, message) =
        common::lease_end_finding(now, "2026-11-26").expect("a date before today is refused");
    assert_eq!(code, IssueCode::DateInPast);
    assert!(message.contains("cannot be before today"), "{message}");
}

#[test]
fn typed_values_are_normalised_before_the_rules() {
    let form = common::full_form();
    let mut sent = common::valid_values(&form);
    sent.insert("credit_code".into(), " 9111 0108 5513 8508 2q ".into());
    sent.insert("contact_phone".into(), "１３８ １２３４ ５６７８".into());
    sent.insert("legal_rep_id_number".into(), "110105 19491231 002x".into());
    sent.insert("business_name".into(), " 上海（浦东）便利店 ".into());
    let values = complete_values(&form, &sent, common::today());
    assert_eq!(values["credit_code"], common::VALID_CREDIT_CODES[0]);
    assert_eq!(values["contact_phone"], "13812345678");
    assert_eq!(values["legal_rep_id_number"], common::VALID_RESIDENT_ID);
    assert_eq!(values["business_name"], "上海（浦东）便利店");
    let report = validate(&form, &values, Context::on(common::today()));
    assert!(report.is_valid(), "{:?}", report.errors);
}
