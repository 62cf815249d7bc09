//! The national e-license identifier of GB/T 36904 (电子证照标识), which a provincial
//! e-license platform files each license version under:
//!
//! `1.2.156.3005.2.<license type>.<issuer>.<serial>.<version>.<check>`
//!
//! - license type (证照类型代码): the credit code of the body that defined the license
//!   type followed by that body's 3-digit number for it, e.g. `11100000000013338W011`;
//! - issuer (颁发机构代码): the issuing authority's unified social credit code;
//! - serial (证照编号): the license's own number, upper-case letters and digits;
//! - version (版本号): 3 digits, from `001`;
//! - check: ISO/IEC 7064 hybrid MOD 37,36 over every character after the prefix with the
//!   dots left out ([`crate::ids::mod37_36_check_char`]).
//!
//! Upper case only: the identifier is printed and compared as issued, never folded.

use crate::ids::{self, CreditCodeCheck};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The OID arc every GB/T 36904 identifier starts with (dot included).
pub const PREFIX: &str = "1.2.156.3005.2.";

/// A part of the identifier, to say which one is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// 18-character credit code of the defining body + 3 digits.
    LicenseType,
    /// The issuer's 18-character credit code.
    Issuer,
    /// One or more of 0-9A-Z.
    Serial,
    /// Three digits, not `000`.
    Version,
    /// One of 0-9A-Z.
    CheckChar,
}

/// Why a string is not a GB/T 36904 identifier, or why its parts cannot make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum ELicenseIdError {
    /// It does not start with `1.2.156.3005.2.`.
    #[error("does not start with {PREFIX}")]
    Prefix,
    /// After the prefix there are not exactly five dot-separated parts.
    #[error("{found} parts after the prefix, not 5")]
    PartCount {
        /// How many there are.
        found: usize,
    },
    /// A part does not have its form (see [`Part`]).
    #[error("malformed {part:?}")]
    BadPart {
        /// The malformed part.
        part: Part,
    },
    /// Every part is well formed, but the check character is not the computed one.
    #[error("check character should be {expected}")]
    BadCheckChar {
        /// The check character the other parts call for.
        expected: char,
    },
}

/// A well-formed e-license identifier: its parts, checked; [`fmt::Display`] writes it out
/// with its check character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ELicenseId {
    license_type: String,
    issuer: String,
    serial: String,
    version: u16,
}

impl ELicenseId {
    /// Makes an identifier from its parts; `version` counts from 1 and has 3 digits.
    pub fn new(
        license_type: &str,
        issuer: &str,
        serial: &str,
        version: u16,
    ) -> Result<Self, ELicenseIdError> {
        let bad = |part| ELicenseIdError::BadPart { part };
        if !is_license_type(license_type) {
            return Err(bad(Part::LicenseType));
        }
        if !is_credit_code(issuer) {
            return Err(bad(Part::Issuer));
        }
        if !is_serial(serial) {
            return Err(bad(Part::Serial));
        }
        if !(1..=999).contains(&version) {
            return Err(bad(Part::Version));
        }
        Ok(Self {
            license_type: license_type.to_owned(),
            issuer: issuer.to_owned(),
            serial: serial.to_owned(),
            version,
        })
    }

    /// Reads an identifier as printed, checking its prefix, each part's form and the
    /// check character, in that order; the error names the first thing wrong.
    pub fn parse(text: &str) -> Result<Self, ELicenseIdError> {
        let rest = text.strip_prefix(PREFIX).ok_or(ELicenseIdError::Prefix)?;
        let parts: Vec<&str> = rest.split('.').collect();
        let [license_type, issuer, serial, version, check] = parts[..] else {
            return Err(ELicenseIdError::PartCount { found: parts.len() });
        };
        // 0 is no version: `new` rejects it after checking the parts before it.
        let version = parse_version(version).unwrap_or(0);
        let id = Self::new(license_type, issuer, serial, version)?;
        let [check] = check.as_bytes() else {
            return Err(ELicenseIdError::BadPart {
                part: Part::CheckChar,
            });
        };
        if !check.is_ascii_digit() && !check.is_ascii_uppercase() {
            return Err(ELicenseIdError::BadPart {
                part: Part::CheckChar,
            });
        }
        let expected = id.check_char();
        if expected as u8 != *check {
            return Err(ELicenseIdError::BadCheckChar { expected });
        }
        Ok(id)
    }

    /// The license type code (defining body's credit code + 3 digits).
    pub fn license_type(&self) -> &str {
        &self.license_type
    }

    /// The issuer's credit code.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The license's serial number.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The version, from 1.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The MOD 37,36 check character over the parts with the dots left out.
    pub fn check_char(&self) -> char {
        let body = format!(
            "{}{}{}{:03}",
            self.license_type, self.issuer, self.serial, self.version
        );
        // The parts were checked to be 0-9A-Z, so the check character exists; '0' is
        // never reached and only keeps this free of a panic path.
        ids::mod37_36_check_char(&body).unwrap_or('0')
    }
}

impl fmt::Display for ELicenseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}.{}.{}.{:03}.{}",
            self.license_type,
            self.issuer,
            self.serial,
            self.version,
            self.check_char()
        )
    }
}

fn is_credit_code(code: &str) -> bool {
    ids::check_credit_code(code) == CreditCodeCheck::Ok
}

fn is_license_type(code: &str) -> bool {
    code.split_at_checked(18).is_some_and(|(body, number)| {
        is_credit_code(body) && number.len() == 3 && number.bytes().all(|b| b.is_ascii_digit())
    })
}

fn is_serial(serial: &str) -> bool {
    !serial.is_empty()
        && serial
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// The number written in exactly three digits.
fn parse_version(text: &str) -> Option<u16> {
    if text.len() != 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
