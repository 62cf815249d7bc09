//! The contract between the server and the web apps: the JSON of `/api` as Rust types, used by
//! both sides so the compiler sees every change to it. Pure (no HTTP, no DOM, no clock); it
//! builds for wasm32 like `catalog` and `signer`.
//!
//! Field names are the README's documented JSON; keep them stable. Statuses are enums, never
//! string literals.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod field_map;

use serde::{Deserialize, Serialize};

pub use field_map::FieldMap;

/// The one bilingual text type (Chinese and English), the catalog's.
pub use catalog::Text;

/// `POST /api/applications`: an application as the browser's outbox sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRequest {
    /// Client-generated, unique per application; the idempotency key.
    pub id: String,
    pub industry: String,
    /// Business-scope answers: question id → `true`/`false` or a number.
    #[serde(default)]
    pub scope: catalog::ScopeAnswers,
    /// Field id → text as typed.
    #[serde(default)]
    pub values: catalog::FormValues,
}

/// Where an application stands. Today every accepted application is issued at once; the
/// review workflow adds the states before that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Received,
    UnderReview,
    CorrectionRequested,
    Issued,
    /// Issued, then revoked by the authority.
    Revoked,
    Rejected,
    Withdrawn,
}

/// One permit of an issued license, as the applicant's license page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedPermit {
    /// Catalog permit code (the credential's permit kind).
    pub kind: u16,
    /// Catalog permit id.
    pub id: String,
    pub number: String,
    pub name: Text,
    pub department: Text,
    pub valid_from: i64,
    /// `None`: no fixed term (the catalog gives the permit no validity: a filing, a one-off
    /// approval). Licenses issued before this was possible carry the license's end.
    pub valid_until: Option<i64>,
}

/// A validation finding on one field: what is wrong and how to fix it, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldIssue {
    /// Machine-readable reason, e.g. `required`, `credit_code_check`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    pub zh: String,
    pub en: String,
}

impl FieldIssue {
    pub fn new(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        FieldIssue {
            code: code.to_owned(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message as one bilingual text.
    pub fn text(&self) -> Text {
        Text::new(self.zh.clone(), self.en.clone())
    }
}

/// Findings by field id. A [`FieldMap`], not a `BTreeMap`: the browser's wasm stays small.
pub type FieldIssues = FieldMap<FieldIssue>;

/// The combined license as issued (`POST /api/applications` → `license`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct License {
    pub number: String,
    /// The signing key's id.
    pub kid: String,
    /// Catalog industry id.
    pub industry: String,
    pub issued_at: i64,
    pub valid_from: i64,
    pub valid_until: i64,
    pub permits: Vec<IssuedPermit>,
    /// Exactly what the QR code carries, signed.
    pub claims: signer::LicenseClaims,
    pub qr_text: String,
    /// Findings that did not stop issuance (e.g. a credit code the registry vouches for);
    /// absent when there are none.
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub warnings: FieldIssues,
    /// The issuing authority's name as configured when it issued (`--authority-name-zh/-en`),
    /// for "Issued by"; absent on licenses issued before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<Text>,
}

/// `POST /api/applications` → 201 (or 200 for the same id again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedAnswer {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub license: License,
}

/// `GET /api/applications/{id}`: where an application stands, without personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingStatus {
    pub application_id: String,
    pub status: ApplicationStatus,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub received_at: Option<i64>,
    #[serde(default)]
    pub license_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// The business the application is for (the license's name; never a person's data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    /// Each permit the application combines, with its department and where it stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permits: Vec<TrackedPermit>,
}

/// One permit of a tracked application: the catalog names it and its department (the apps
/// have the catalog; the answer stays small).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedPermit {
    /// Catalog permit id.
    pub id: String,
    pub status: ApplicationStatus,
}

/// Every error answer: `{"error": code, "message": text, "fields": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(default)]
    pub fields: FieldIssues,
}

/// `POST /api/admin/revocations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub license_number: String,
    pub reason: String,
}

/// `POST /api/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub qr_text: String,
}

/// `POST /api/admin/devices`: a device whose hand-over QR codes the authority will accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The device's own name for itself, e.g. "icbc-pudong-03".
    pub device_id: String,
    /// Ed25519 public key, 64 hex digits, as the device shows it.
    pub public_key: String,
}

/// `POST /api/handover`: an application handed over with no network, as scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOverRequest {
    /// The QR texts: one `YYH1:` text, or every `YYHP:i/n:` part in any order.
    pub qr_texts: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_snake_case_words() {
        let words: Vec<String> = [
            ApplicationStatus::Received,
            ApplicationStatus::UnderReview,
            ApplicationStatus::CorrectionRequested,
            ApplicationStatus::Issued,
            ApplicationStatus::Revoked,
            ApplicationStatus::Rejected,
            ApplicationStatus::Withdrawn,
        ]
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
        assert_eq!(
            words.join(" "),
            r#""received" "under_review" "correction_requested" "issued" "revoked" "rejected" "withdrawn""#
        );
    }

    #[test]
    fn a_tracking_status_reads_without_the_fields_added_later() {
        let status: TrackingStatus = serde_json::from_str(
            r#"{"application_id":"a","status":"revoked","license_number":"n","received_at":1,"revoked_at":2}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status.status, ApplicationStatus::Revoked);
        assert_eq!((status.industry, status.revocation_reason), (None, None));
    }

    #[test]
    fn an_error_body_reads_with_or_without_field_codes() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":"invalid_fields","message":"m","fields":{"a":{"zh":"甲","en":"A"},"b":{"code":"required","zh":"乙","en":"B"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let field = |id: &str| {
            body.fields
                .get(id)
                .cloned()
                .unwrap_or_else(|| panic!("{id}"))
        };
        assert_eq!(field("a").code, "");
        assert_eq!(field("b").code, "required");
        assert_eq!(field("b").text(), Text::new("乙", "B"));
    }
}
