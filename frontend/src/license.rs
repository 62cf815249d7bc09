//! The license as the app keeps and shows it, and dates on the license and tracking pages.

use catalog::Text;
use serde_json::Value;

use crate::i18n::{InLang, Lang};
use crate::json::{i64_of, object_of, optional, str_of, text, text_of, u64_of};

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
    /// Every member shown must be there, of its type (as the server writes them).
    pub fn parse(json: String) -> serde_json::Result<IssuedLicense> {
        let value: Value = serde_json::from_str(&json)?;
        let shown = Shown::read(&value).ok_or_else(|| serde::de::Error::custom("not a license"))?;
        Ok(IssuedLicense { shown, json })
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

/// What the license page shows of a `contract::License` (the same member names), picked from
/// the parsed text (`crate::json`: no derived reader of its own).
#[derive(Clone, Debug, PartialEq)]
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
    pub issued_by: Option<Text>,
}

impl Shown {
    fn read(v: &Value) -> Option<Shown> {
        let permits = v
            .get("permits")?
            .as_array()?
            .iter()
            .map(|p| {
                Some(ShownPermit {
                    number: str_of(p, "number")?,
                    name: text_of(p, "name")?,
                    department: text_of(p, "department")?,
                    valid_from: i64_of(p, "valid_from")?,
                    valid_until: optional(p, "valid_until", Value::as_i64)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let claims = object_of(v, "claims")?;
        let address = object_of(claims, "address")?;
        Some(Shown {
            number: str_of(v, "number")?,
            industry: str_of(v, "industry")?,
            valid_from: i64_of(v, "valid_from")?,
            valid_until: i64_of(v, "valid_until")?,
            permits,
            claims: ShownClaims {
                issuer: str_of(claims, "issuer")?,
                business_name: str_of(claims, "business_name")?,
                credit_code: str_of(claims, "credit_code")?,
                address: ShownAddress {
                    division: u32::try_from(u64_of(address, "division")?).ok()?,
                    detail: str_of(address, "detail")?,
                },
                legal_representative: str_of(claims, "legal_representative")?,
                signed_version: match claims.get("version") {
                    None => 0,
                    Some(version) => u16::try_from(version.as_u64()?).ok()?,
                },
            },
            qr_text: str_of(v, "qr_text")?,
            issued_by: optional(v, "issued_by", text)?,
        })
    }
}

/// Of a `contract::IssuedPermit`.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownPermit {
    pub number: String,
    pub name: Text,
    pub department: Text,
    pub valid_from: i64,
    /// `None`: no fixed term.
    pub valid_until: Option<i64>,
}

/// Of the signed `signer::LicenseClaims`.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownClaims {
    pub issuer: String,
    pub business_name: String,
    pub credit_code: String,
    pub address: ShownAddress,
    pub legal_representative: String,
    /// The license's `version` (absent, read as 0, on version 1: [`ShownClaims::version`]).
    signed_version: u16,
}

impl ShownClaims {
    /// 1 when first issued, one more with each change or renewal (#18).
    pub fn version(&self) -> u16 {
        self.signed_version.max(1)
    }
}

/// A `signer::Address`.
#[derive(Clone, Debug, PartialEq)]
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

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const LICENSE: &str = r#"{"number":"N1","kid":"k1","industry":"bookstore","issued_at":1,
        "valid_from":1,"valid_until":9,"permits":[{"kind":3,"id":"publication","number":"N1-03",
        "name":{"zh":"出版物","en":"Publication"},"department":{"zh":"局","en":"Bureau"},
        "valid_from":1,"valid_until":null}],"claims":{"issuer":"310115","license_number":"N1",
        "issued_at":1,"valid_from":1,"valid_until":9,"industry":14,"permits":[],
        "business_name":"书店","credit_code":"91310115MA1K000000",
        "address":{"division":310115,"detail":"1号"},"legal_representative":"张三","version":2},
        "qr_text":"HC1:...","issued_by":{"zh":"区政府","en":"District"}}"#;

    #[test]
    fn a_license_reads_what_its_page_shows_and_a_damaged_one_is_refused() {
        let license = IssuedLicense::parse(LICENSE.into()).unwrap();
        assert_eq!(
            (
                license.number.as_str(),
                license.valid_until,
                license.claims.version()
            ),
            ("N1", 9, 2)
        );
        assert_eq!(license.permits[0].valid_until, None);
        assert_eq!(license.issued_by, Some(Text::new("区政府", "District")));
        assert_eq!(license.claims.address.detail, "1号");
        let first = LICENSE.replace(r#","version":2"#, "");
        assert_eq!(IssuedLicense::parse(first).unwrap().claims.version(), 1);
        for damaged in [
            LICENSE.replace(r#""qr_text":"HC1:...","#, ""),
            LICENSE.replace(
                r#""valid_from":1,"valid_until":null"#,
                r#""valid_until":null"#,
            ),
            LICENSE.replace(r#""division":310115"#, r#""division":"310115""#),
            LICENSE.replace(
                r#""issued_by":{"zh":"区政府","en":"District"}"#,
                r#""issued_by":"x""#,
            ),
            LICENSE.replace(r#""version":2"#, r#""version":70000"#),
        ] {
            assert!(IssuedLicense::parse(damaged.clone()).is_err(), "{damaged}");
        }
    }
}
