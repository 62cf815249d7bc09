//! The issued license as the server returns it (`POST /api/applications` → `license`).

use catalog::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IssuedPermit {
    pub kind: u16,
    pub id: String,
    pub number: String,
    pub name: Text,
    pub department: Text,
    pub valid_from: i64,
    pub valid_until: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IssuedLicense {
    pub number: String,
    pub kid: String,
    /// Catalog industry id.
    pub industry: String,
    pub issued_at: i64,
    pub valid_from: i64,
    pub valid_until: i64,
    pub permits: Vec<IssuedPermit>,
    pub claims: signer::LicenseClaims,
    pub qr_text: String,
}

/// `{"application_id", "status", "license"}`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IssuedAnswer {
    pub application_id: String,
    pub status: String,
    pub license: IssuedLicense,
}

/// `GET /api/applications/{id}`: status only, no personal data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackingStatus {
    pub application_id: String,
    pub status: String,
    #[serde(default)]
    pub license_number: Option<String>,
    #[serde(default)]
    pub received_at: Option<i64>,
    #[serde(default)]
    pub revoked_at: Option<i64>,
}

/// A Unix time as the calendar date in China (UTC+8), `YYYY-MM-DD`.
pub fn china_date(unix: i64) -> String {
    let days = (unix + 8 * 3600).div_euclid(86_400);
    match catalog::Date::from_unix_days(days) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        None => String::new(),
    }
}
