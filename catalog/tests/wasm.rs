//! The validation verdicts and identifier checks, compiled for wasm32 and run in a browser.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn verdict_tables_hold_in_wasm() {
    let mismatches = common::verdict_mismatches();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[wasm_bindgen_test]
fn identifier_examples_hold_in_wasm() {
    use catalog::ids::{self, CreditCodeCheck, ResidentIdCheck};
    for code in common::VALID_CREDIT_CODES {
        assert_eq!(ids::check_credit_code(code), CreditCodeCheck::Ok);
    }
    assert!(matches!(
        ids::check_credit_code(common::EARLY_CREDIT_CODE),
        CreditCodeCheck::BadCheckChar { .. }
    ));
    assert_eq!(
        ids::check_resident_id(common::VALID_RESIDENT_ID, Some(common::today())),
        ResidentIdCheck::Ok
    );
}

#[wasm_bindgen_test]
fn builtin_catalog_merges_every_industry_in_wasm() {
    let catalog = catalog::Catalog::builtin();
    assert!(catalog.problems().is_empty());
    for industry in &catalog.industries {
        let form = catalog.merge(&industry.id, &industry.full_scope(catalog));
        assert!(form.is_ok(), "{}", industry.id);
    }
    // Today is passed in: the same verdicts in the browser as on the server.
    let form = common::full_form();
    let values = catalog::complete_values(&form, &common::valid_values(&form), common::today());
    assert!(catalog::validate(&form, &values, catalog::Context::on(common::today())).is_valid());
}

#[wasm_bindgen_test]
fn today_is_the_authoritys_day_in_wasm_too() {
    // The browser's verdict at 2026-11-26T20:30Z, whatever the device's time zone.
    let now = common::LATE_EVENING_UTC;
    assert_eq!(common::lease_end_finding(now, "2026-11-27"), None);
    let (code, _) = common::lease_end_finding(now, "2026-11-26").expect("refused");
    assert_eq!(code, catalog::IssueCode::DateInPast);
}
