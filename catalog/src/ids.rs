//! Identifier checks: unified social credit code (GB 32100-2015), resident identity
//! number (GB 11643-1999, ISO 7064 MOD 11-2) and the ISO/IEC 7064 hybrid MOD 37,36 check
//! character that the national e-license identifier ends with (see [`crate::elicense`]).

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// The 31-character alphabet of the credit code, in value order (I, O, S, V, Z are excluded).
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// W_i = 3^(i-1) mod 31.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Σ mod 11 = 0…10 maps to these check characters.
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// The alphanumeric alphabet of ISO/IEC 7064 (GB/T 17710), in value order 0–35.
const ALPHANUMERIC: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The ISO/IEC 7064 hybrid MOD 37,36 check character of `chars` (upper-case 0-9A-Z), or
/// `None` when a character lies outside that alphabet.
///
/// The hybrid system with M = 36: start with P = M; for each character of value a,
/// S = (P + a) mod M with 0 read as M, then P = 2·S mod (M + 1); the check character is
/// the one whose value c makes (P + c) mod M = 1. It is from the same alphabet as the
/// input, and it detects every single substitution. Sources: ISO/IEC 7064:2003 clauses 9–10
/// (hybrid systems; GB/T 17710-2008 is identical, chinesestandard.net/PDF.aspx/GBT17710-2008),
/// the hybrid recurrence as @konfirm/iso7064 documents it (app.unpkg.com, HybridISO7064.ts),
/// test vectors from Lobster's "checksum ISO 7064 Mod. 37/36" reference page.
pub fn mod37_36_check_char(chars: &str) -> Option<char> {
    const M: u32 = 36;
    let mut p = M;
    for b in chars.bytes() {
        let a = ALPHANUMERIC.iter().position(|&c| c == b)? as u32;
        let s = match (p + a) % M {
            0 => M,
            s => s,
        };
        p = s * 2 % (M + 1);
    }
    ALPHANUMERIC
        .get(((M + 1 - p) % M) as usize)
        .map(|&c| char::from(c))
}

/// Verdict of a unified social credit code check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum CreditCodeCheck {
    /// 18 characters from the alphabet and a matching check character.
    Ok,
    /// Well formed, but the 18th character is not the computed one.
    BadCheckChar {
        /// The check character the first 17 characters call for.
        expected: char,
    },
    /// Wrong length or a character outside the 31-character alphabet.
    BadFormat,
}

/// The value (0–30) of a credit-code character, or `None` outside the alphabet.
pub fn credit_code_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
}

/// The credit-code character of a value 0–30: the inverse of [`credit_code_value`].
pub fn credit_code_char(value: u32) -> Option<char> {
    CREDIT_ALPHABET
        .get(usize::try_from(value).ok()?)
        .map(|&c| char::from(c))
}

/// The check character for the first 17 characters of a credit code, or `None` when they
/// are not 17 characters of the credit-code alphabet.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&b, w) in bytes.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_code_value(b)? * w;
    }
    credit_code_char((31 - sum % 31) % 31)
}

/// Checks a unified social credit code as typed (no case folding: the code is upper case).
pub fn check_credit_code(code: &str) -> CreditCodeCheck {
    let bytes = code.as_bytes();
    if bytes.len() != 18 || !bytes.iter().all(|&b| credit_code_value(b).is_some()) {
        return CreditCodeCheck::BadFormat;
    }
    match credit_code_check_char(&code[..17]) {
        Some(expected) if expected as u8 == bytes[17] => CreditCodeCheck::Ok,
        Some(expected) => CreditCodeCheck::BadCheckChar { expected },
        None => CreditCodeCheck::BadFormat,
    }
}

/// True for a 15-digit registration number (注册号) that predates credit codes.
pub fn is_legacy_registration_number(code: &str) -> bool {
    code.len() == 15 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Verdict of a resident identity number check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum ResidentIdCheck {
    /// Valid number with a real, plausible birth date.
    Ok,
    /// Not 17 digits followed by a digit or X.
    BadFormat,
    /// Birth date (characters 7–14) is not a real date, is in the future or before 1900.
    BadBirthDate,
    /// Check character does not match.
    BadCheckChar {
        /// The check character the first 17 digits call for.
        expected: char,
    },
}

/// The check character for the first 17 digits of a resident ID number.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(&b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(RESIDENT_CHECK[(sum % 11) as usize] as char)
}

/// The birth date encoded in an 18-character resident ID number, if it is a real date.
pub fn resident_id_birth_date(id: &str) -> Option<Date> {
    let digits = id.get(6..14)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = digits[..4].parse().ok()?;
    let month = digits[4..6].parse().ok()?;
    let day = digits[6..].parse().ok()?;
    Date::new(year, month, day)
}

/// `true` when the sequence digit (17th) is odd, i.e. the holder is registered male.
pub fn resident_id_is_male(id: &str) -> Option<bool> {
    let digit = id.as_bytes().get(16)?;
    digit.is_ascii_digit().then_some((digit - b'0') % 2 == 1)
}

/// Checks an 18-character resident ID number. `today`, when known, rules out future
/// birth dates; without it only the calendar and the 1900 lower bound are checked.
pub fn check_resident_id(id: &str, today: Option<Date>) -> ResidentIdCheck {
    let bytes = id.as_bytes();
    let well_formed = bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
    if !well_formed {
        return ResidentIdCheck::BadFormat;
    }
    let plausible_birth = resident_id_birth_date(id)
        .is_some_and(|birth| birth.year >= 1900 && today.is_none_or(|t| birth <= t));
    if !plausible_birth {
        return ResidentIdCheck::BadBirthDate;
    }
    match resident_id_check_char(&id[..17]) {
        Some(expected) if expected as u8 == bytes[17] => ResidentIdCheck::Ok,
        Some(expected) => ResidentIdCheck::BadCheckChar { expected },
        None => ResidentIdCheck::BadFormat,
    }
}
