//! Drafts (with the licenses kept in them) and outbox entries as the device stores them: record
//! types of their own, used only by `storage.rs`, so that changing a domain type never changes
//! what is on a device by accident. Each record carries its version in `v`; reading one runs
//! the migrations from its version to the current one. A record that does not parse, or was
//! written by a newer version of the app, is [`Unreadable`]: storage leaves it where it is and
//! the page says so.
//!
//! Version 0 is what the app stored before records had versions: the domain types' own JSON,
//! with no `v`. Its fields are exactly version 1's, so `v` defaults to 0 and the migration
//! from 0 is the identity. A version 2 that changes a field keeps the version 1 type here,
//! frozen, and adds a migration from it.
//!
//! Catalog values (`FormValues`, `ScopeAnswers`, `Text`) are kept in their own JSON: plain
//! maps and `{"zh","en"}`, the same everywhere in the workspace.

use catalog::{FormValues, ScopeAnswers, Text};
use contract::{FieldIssues, FieldMap, IssuedPermit, License};
use serde::{Deserialize, Serialize};

use crate::draft::{Draft, Origin};
use crate::outbox::OutboxEntry;

/// The version this app writes.
const CURRENT: u32 = 1;

/// A stored record this app cannot read: not JSON of the expected shape, or from a newer
/// version of the app. It is left on the device, never deleted.
#[derive(Debug, PartialEq)]
pub struct Unreadable;

impl From<serde_json::Error> for Unreadable {
    fn from(_: serde_json::Error) -> Unreadable {
        Unreadable
    }
}

/// Whether this app knows how to read a record of version `v`.
fn readable(v: u32) -> Result<(), Unreadable> {
    match v {
        // 0 → 1: the same fields (see the module's comment).
        0 | CURRENT => Ok(()),
        _ => Err(Unreadable),
    }
}

/// A draft as stored, `v` 1.
#[derive(Serialize, Deserialize)]
pub struct DraftRecordV1 {
    #[serde(default)]
    v: u32,
    id: String,
    industry: Option<String>,
    #[serde(default)]
    scope: ScopeAnswers,
    #[serde(default)]
    values: FormValues,
    #[serde(default)]
    origins: FieldMap<OriginV1>,
    #[serde(default)]
    server_errors: FieldMap<Text>,
    #[serde(default)]
    license: Option<LicenseRecordV1>,
    #[serde(default)]
    updated_at: f64,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
enum OriginV1 {
    Registry,
    Profile,
}

#[derive(Serialize, Deserialize)]
struct LicenseRecordV1 {
    number: String,
    kid: String,
    industry: String,
    issued_at: i64,
    valid_from: i64,
    valid_until: i64,
    permits: Vec<PermitRecordV1>,
    claims: ClaimsRecordV1,
    qr_text: String,
    /// Added later (optional): the authority's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issued_by: Option<Text>,
}

#[derive(Serialize, Deserialize)]
struct PermitRecordV1 {
    kind: u16,
    id: String,
    number: String,
    name: Text,
    department: Text,
    valid_from: i64,
    /// `null` since permits may have no fixed term; records written before hold a number.
    valid_until: Option<i64>,
}

/// The signed claims as the license page shows them (the QR text holds them signed).
#[derive(Serialize, Deserialize)]
struct ClaimsRecordV1 {
    issuer: String,
    license_number: String,
    issued_at: i64,
    valid_from: i64,
    valid_until: i64,
    industry: u16,
    permits: Vec<PermitClaimRecordV1>,
    business_name: String,
    credit_code: String,
    address: AddressRecordV1,
    legal_representative: String,
}

#[derive(Serialize, Deserialize)]
struct PermitClaimRecordV1 {
    kind: u16,
    number: String,
    valid_until: Option<i64>,
    scope: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct AddressRecordV1 {
    division: u32,
    detail: String,
}

/// An outbox entry as stored, `v` 1.
#[derive(Serialize, Deserialize)]
pub struct OutboxRecordV1 {
    #[serde(default)]
    v: u32,
    id: String,
    industry: String,
    scope: ScopeAnswers,
    values: FormValues,
    queued_at: f64,
    attempts: u32,
    next_try_at: f64,
    #[serde(default)]
    last_error: Option<String>,
}

/// A stored draft, migrated to the current version.
pub fn read_draft(json: &str) -> Result<Draft, Unreadable> {
    let record: DraftRecordV1 = serde_json::from_str(json)?;
    readable(record.v)?;
    Ok(record.into())
}

/// A stored outbox entry, migrated to the current version.
pub fn read_outbox_entry(json: &str) -> Result<OutboxEntry, Unreadable> {
    let record: OutboxRecordV1 = serde_json::from_str(json)?;
    readable(record.v)?;
    Ok(record.into())
}

impl From<&Draft> for DraftRecordV1 {
    fn from(draft: &Draft) -> DraftRecordV1 {
        let mut origins = FieldMap::new();
        for (field, origin) in draft.origins.iter() {
            origins.insert(field.clone(), (*origin).into());
        }
        DraftRecordV1 {
            v: CURRENT,
            id: draft.id.clone(),
            industry: draft.industry.clone(),
            scope: draft.scope.clone(),
            values: draft.values.clone(),
            origins,
            server_errors: draft.server_errors.clone(),
            license: draft.license.as_ref().map(LicenseRecordV1::from),
            updated_at: draft.updated_at,
        }
    }
}

impl From<DraftRecordV1> for Draft {
    fn from(record: DraftRecordV1) -> Draft {
        let mut origins = FieldMap::new();
        for (field, origin) in record.origins.iter() {
            origins.insert(field.clone(), (*origin).into());
        }
        Draft {
            id: record.id,
            industry: record.industry,
            scope: record.scope,
            values: record.values,
            origins,
            server_errors: record.server_errors,
            license: record.license.map(License::from),
            updated_at: record.updated_at,
        }
    }
}

impl From<Origin> for OriginV1 {
    fn from(origin: Origin) -> OriginV1 {
        match origin {
            Origin::Registry => OriginV1::Registry,
            Origin::Profile => OriginV1::Profile,
        }
    }
}

impl From<OriginV1> for Origin {
    fn from(origin: OriginV1) -> Origin {
        match origin {
            OriginV1::Registry => Origin::Registry,
            OriginV1::Profile => Origin::Profile,
        }
    }
}

impl From<&License> for LicenseRecordV1 {
    fn from(license: &License) -> LicenseRecordV1 {
        let claims = &license.claims;
        LicenseRecordV1 {
            number: license.number.clone(),
            kid: license.kid.clone(),
            industry: license.industry.clone(),
            issued_at: license.issued_at,
            valid_from: license.valid_from,
            valid_until: license.valid_until,
            permits: license
                .permits
                .iter()
                .map(|p| PermitRecordV1 {
                    kind: p.kind,
                    id: p.id.clone(),
                    number: p.number.clone(),
                    name: p.name.clone(),
                    department: p.department.clone(),
                    valid_from: p.valid_from,
                    valid_until: p.valid_until,
                })
                .collect(),
            claims: ClaimsRecordV1 {
                issuer: claims.issuer.clone(),
                license_number: claims.license_number.clone(),
                issued_at: claims.issued_at,
                valid_from: claims.valid_from,
                valid_until: claims.valid_until,
                industry: claims.industry,
                permits: claims
                    .permits
                    .iter()
                    .map(|p| PermitClaimRecordV1 {
                        kind: p.kind,
                        number: p.number.clone(),
                        valid_until: p.valid_until,
                        scope: p.scope.clone(),
                    })
                    .collect(),
                business_name: claims.business_name.clone(),
                credit_code: claims.credit_code.clone(),
                address: AddressRecordV1 {
                    division: claims.address.division,
                    detail: claims.address.detail.clone(),
                },
                legal_representative: claims.legal_representative.clone(),
            },
            qr_text: license.qr_text.clone(),
            issued_by: license.issued_by.clone(),
        }
    }
}

impl From<LicenseRecordV1> for License {
    fn from(record: LicenseRecordV1) -> License {
        let claims = record.claims;
        License {
            number: record.number,
            kid: record.kid,
            industry: record.industry,
            issued_at: record.issued_at,
            valid_from: record.valid_from,
            valid_until: record.valid_until,
            permits: record
                .permits
                .into_iter()
                .map(|p| IssuedPermit {
                    kind: p.kind,
                    id: p.id,
                    number: p.number,
                    name: p.name,
                    department: p.department,
                    valid_from: p.valid_from,
                    valid_until: p.valid_until,
                })
                .collect(),
            claims: signer::LicenseClaims {
                issuer: claims.issuer,
                license_number: claims.license_number,
                issued_at: claims.issued_at,
                valid_from: claims.valid_from,
                valid_until: claims.valid_until,
                industry: claims.industry,
                permits: claims
                    .permits
                    .into_iter()
                    .map(|p| signer::PermitClaim {
                        kind: p.kind,
                        number: p.number,
                        valid_until: p.valid_until,
                        scope: p.scope,
                    })
                    .collect(),
                business_name: claims.business_name,
                credit_code: claims.credit_code,
                address: signer::Address {
                    division: claims.address.division,
                    detail: claims.address.detail,
                },
                legal_representative: claims.legal_representative,
            },
            qr_text: record.qr_text,
            // Not kept: the license page does not show them, and the server already accepted
            // the application despite them.
            warnings: FieldIssues::new(),
            issued_by: record.issued_by,
        }
    }
}

impl From<&OutboxEntry> for OutboxRecordV1 {
    fn from(entry: &OutboxEntry) -> OutboxRecordV1 {
        OutboxRecordV1 {
            v: CURRENT,
            id: entry.id.clone(),
            industry: entry.industry.clone(),
            scope: entry.scope.clone(),
            values: entry.values.clone(),
            queued_at: entry.queued_at,
            attempts: entry.attempts,
            next_try_at: entry.next_try_at,
            last_error: entry.last_error.clone(),
        }
    }
}

impl From<OutboxRecordV1> for OutboxEntry {
    fn from(record: OutboxRecordV1) -> OutboxEntry {
        OutboxEntry {
            id: record.id,
            industry: record.industry,
            scope: record.scope,
            values: record.values,
            queued_at: record.queued_at,
            attempts: record.attempts,
            next_try_at: record.next_try_at,
            last_error: record.last_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// A draft with a license as the app stored it before records had versions (version 0):
    /// the domain types' own JSON, no `v`, a repeated key in `origins`.
    const DRAFT_V0: &str = r#"{"id":"b","industry":"bookstore","scope":{},
        "values":{"business_name":"书店"},
        "origins":{"z":"Registry","a":"Profile","z":"Profile"},
        "server_errors":{"x":{"zh":"错","en":"wrong"}},
        "license":{"number":"310115-2026-000123","kid":"k1","industry":"bookstore",
            "issued_at":1795725000,"valid_from":1795725000,"valid_until":1953491400,
            "permits":[{"kind":3,"id":"publication","number":"310115-2026-000123-03",
                "name":{"zh":"出版物经营许可证","en":"Publication business permit"},
                "department":{"zh":"区新闻出版局","en":"District press bureau"},
                "valid_from":1795725000,"valid_until":1953491400}],
            "claims":{"issuer":"310115","license_number":"310115-2026-000123",
                "issued_at":1795725000,"valid_from":1795725000,"valid_until":1953491400,
                "industry":14,"permits":[{"kind":3,"number":"310115-2026-000123-03",
                "valid_until":1953491400,"scope":null}],"business_name":"书店",
                "credit_code":"91310115MA1K000000","address":{"division":310115,"detail":"1号"},
                "legal_representative":"张三"},
            "qr_text":"HC1:..."},
        "updated_at":1795725000000.0}"#;

    fn json(value: &impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn drafts_stored_before_records_had_versions_still_load() {
        let draft = read_draft(DRAFT_V0).unwrap();
        assert_eq!(
            draft.origins.iter().collect::<Vec<_>>(),
            [
                (&"a".to_owned(), &Origin::Profile),
                (&"z".to_owned(), &Origin::Profile)
            ]
        );
        assert_eq!(
            draft.server_errors.get("x"),
            Some(&Text::new("错", "wrong"))
        );
        let license = draft.license.as_ref().unwrap();
        assert_eq!(license.claims.address.division, 310115);
        assert_eq!(license.permits[0].name.en, "Publication business permit");
        // Written back as version 1: the same fields, plus `v`.
        let mut v0 = serde_json::from_str::<serde_json::Value>(DRAFT_V0).unwrap();
        v0["origins"] = serde_json::json!({ "a": "Profile", "z": "Profile" });
        v0["v"] = 1.into();
        assert_eq!(json(&DraftRecordV1::from(&draft)), v0);
        assert_eq!(
            read_draft(&json(&DraftRecordV1::from(&draft)).to_string()),
            Ok(draft)
        );
    }

    #[test]
    fn a_draft_with_only_an_id_loads() {
        let draft = read_draft(r#"{"id":"d1"}"#).unwrap();
        assert_eq!(draft, Draft::new("d1".into(), 0.0));
    }

    #[test]
    fn outbox_entries_stored_before_records_had_versions_still_load() {
        let stored = r#"{"id":"a","industry":"bookstore","scope":{"sells_food":true},
            "values":{"phone":"13812345678"},"queued_at":1.0,"attempts":3,"next_try_at":9.0}"#;
        let entry = read_outbox_entry(stored).unwrap();
        assert_eq!((entry.attempts, entry.last_error.as_deref()), (3, None));
        let again = json(&OutboxRecordV1::from(&entry)).to_string();
        assert_eq!(read_outbox_entry(&again), Ok(entry));
    }

    #[test]
    fn damaged_records_and_records_of_newer_versions_are_unreadable() {
        assert_eq!(read_draft("{not json"), Err(Unreadable));
        assert_eq!(read_draft(r#"{"id":"a","values":[1]}"#), Err(Unreadable));
        assert_eq!(read_draft(r#"{"v":2,"id":"a"}"#), Err(Unreadable));
        assert_eq!(read_outbox_entry(r#"{"id":"a"}"#), Err(Unreadable));
    }
}
