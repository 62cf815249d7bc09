//! The license as the app keeps and shows it, and dates on the license and tracking pages.

use catalog::Text;
use serde::Deserialize;

use crate::i18n::{InLang, Lang};

/// An issued license: the members of the API's `contract::License` that the license page
/// shows, and the JSON text it came in, which the device keeps as received
/// (`services/records.rs`). Parsing the members nobody reads (the key id, the claims' permits,
/// findings …) and writing a license back would be wasm for nothing.
#[derive(Clone, Debug)]
pub struct IssuedLicense {
    shown: Shown,
    json: String,
}

impl IssuedLicense {
    pub fn parse(json: String) -> serde_json::Result<IssuedLicense> {
        Ok(IssuedLicense {
            shown: serde_json::from_str(&json)?,
            json,
        })
    }

    /// The license as the server sent it.
    pub fn json(&self) -> &str {
        &self.json
    }
}

impl std::ops::Deref for IssuedLicense {
    type Target = Shown;

    fn deref(&self) -> &Shown {
        &self.shown
    }
}

/// The same license, whatever its spacing.
impl PartialEq for IssuedLicense {
    fn eq(&self, other: &IssuedLicense) -> bool {
        self.shown == other.shown
    }
}

/// What the license page shows of a `contract::License` (the same member names).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Shown {
    pub number: String,
    /// Catalog industry id.
    pub industry: String,
    pub valid_from: i64,
    pub valid_until: i64,
    pub permits: Vec<ShownPermit>,
    pub claims: ShownClaims,
    /// Exactly what the QR code carries, signed.
    pub qr_text: String,
    #[serde(default)]
    pub issued_by: Option<Text>,
}

/// Of a `contract::IssuedPermit`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ShownPermit {
    pub number: String,
    pub name: Text,
    pub department: Text,
    pub valid_from: i64,
    /// `None`: no fixed term.
    pub valid_until: Option<i64>,
}

/// Of the signed `signer::LicenseClaims`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ShownClaims {
    pub issuer: String,
    pub business_name: String,
    pub credit_code: String,
    pub address: ShownAddress,
    pub legal_representative: String,
    /// The license's version (absent, read as 0, on version 1: [`ShownClaims::version`]).
    #[serde(default, rename = "version")]
    signed_version: u16,
}

impl ShownClaims {
    /// 1 when first issued, one more with each change or renewal (#18).
    pub fn version(&self) -> u16 {
        self.signed_version.max(1)
    }
}

/// A `signer::Address`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ShownAddress {
    pub division: u32,
    pub detail: String,
}

/// A Unix time as the issuing authority's civil date (`catalog::Date::authority_day`), written
/// as the language writes dates ("2026年11月27日", "27 Nov 2026"): the date printed on a
/// license is the authority's, whatever the device's zone.
pub fn china_date(unix: i64, lang: Lang) -> String {
    catalog::Date::authority_day(unix).map_or_else(String::new, |d| d.words().get(lang).to_owned())
}
