//! Identifier checks against the DOMAIN.md examples and every single-character corruption.

mod common;

use catalog::ids::{self, CreditCodeCheck, ResidentIdCheck};
use common::{EARLY_CREDIT_CODE, VALID_CREDIT_CODES, VALID_RESIDENT_ID, today};

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Characters people mistype into codes: excluded letters, lower case, punctuation.
const STRAY: &str = "IOSVZaoq -";

#[test]
fn domain_examples_pass_or_warn_as_documented() {
    for code in VALID_CREDIT_CODES {
        assert_eq!(ids::check_credit_code(code), CreditCodeCheck::Ok, "{code}");
    }
    assert!(matches!(
        ids::check_credit_code(EARLY_CREDIT_CODE),
        CreditCodeCheck::BadCheckChar { .. }
    ));
    assert_eq!(
        ids::check_resident_id(VALID_RESIDENT_ID, Some(today())),
        ResidentIdCheck::Ok
    );
    assert_eq!(ids::credit_code_check_char("91110108551385082"), Some('Q'));
    assert_eq!(ids::resident_id_check_char("11010519491231002"), Some('X'));
}

#[test]
fn credit_code_values_follow_the_alphabet() {
    for (value, c) in (0u32..).zip(CREDIT_ALPHABET.chars()) {
        assert_eq!(ids::credit_code_char(value), Some(c));
        assert_eq!(ids::credit_code_value(c as u8), Some(value));
    }
    assert_eq!(ids::credit_code_char(31), None);
    for c in STRAY.bytes() {
        assert_eq!(ids::credit_code_value(c), None, "{}", c as char);
    }
}

#[test]
fn every_single_substitution_of_a_valid_credit_code_is_detected() {
    for code in VALID_CREDIT_CODES {
        for (pos, original) in code.char_indices() {
            for replacement in CREDIT_ALPHABET.chars().chain(STRAY.chars()) {
                if replacement == original {
                    continue;
                }
                let mut corrupted: Vec<char> = code.chars().collect();
                corrupted[pos] = replacement;
                let corrupted: String = corrupted.into_iter().collect();
                assert_ne!(
                    ids::check_credit_code(&corrupted),
                    CreditCodeCheck::Ok,
                    "{corrupted} (from {code}) passed"
                );
            }
        }
    }
}

#[test]
fn every_single_substitution_of_the_valid_resident_id_is_detected() {
    for (pos, original) in VALID_RESIDENT_ID.char_indices() {
        for replacement in "0123456789X".chars().chain(STRAY.chars()) {
            if replacement == original {
                continue;
            }
            let mut corrupted: Vec<char> = VALID_RESIDENT_ID.chars().collect();
            corrupted[pos] = replacement;
            let corrupted: String = corrupted.into_iter().collect();
            assert_ne!(
                ids::check_resident_id(&corrupted, Some(today())),
                ResidentIdCheck::Ok,
                "{corrupted} passed"
            );
        }
    }
}

#[test]
fn resident_id_reports_the_expected_check_char_and_birth_date() {
    assert_eq!(
        ids::check_resident_id("110105194912310021", None),
        ResidentIdCheck::BadCheckChar { expected: 'X' }
    );
    assert_eq!(
        ids::resident_id_birth_date(VALID_RESIDENT_ID).map(|d| d.to_string()),
        Some("1949-12-31".to_string())
    );
    assert_eq!(ids::resident_id_is_male(VALID_RESIDENT_ID), Some(false));
    // Born after "today": implausible.
    assert_eq!(
        ids::check_resident_id("110105202701010017", Some(today())),
        ResidentIdCheck::BadBirthDate
    );
}
