//! The server's use of the `catalog` and `signer` crates: everything HTTP- and SQL-free that
//! the handlers need, in one place.

use std::path::Path;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use signer::{KeySet, KeyStore, LicenseClaims, RevocationList, SignedRevocationList, Verdict};

use crate::error::AppError;

/// Seed data for the registry look-up, shipped with the repository.
const REGISTRY_SEED: &str = include_str!("../data/registry.json");

/// `(credit code, record JSON)` pairs from the seed file.
pub fn registry_seed() -> Result<Vec<(String, String)>, serde_json::Error> {
    let records: Vec<Value> = serde_json::from_str(REGISTRY_SEED)?;
    Ok(records
        .into_iter()
        .filter_map(|r| {
            let code = r.get("credit_code")?.as_str()?.to_owned();
            Some((code, r.to_string()))
        })
        .collect())
}

/// The pre-fill values of a registry record, keyed by the catalog's dictionary field ids.
pub fn registry_values(record: &Value) -> Value {
    record.get("values").cloned().unwrap_or_else(|| json!({}))
}

/// GB 32100-2015: 18 characters of 0-9/A-Z without I, O, S, V, Z, the last one a check character.
pub fn check_credit_code(code: &str) -> Result<(), (&'static str, &'static str)> {
    if code.len() != 18 || !code.is_ascii() {
        return Err((
            "统一社会信用代码应为18位字母或数字",
            "a unified social credit code has 18 letters or digits",
        ));
    }
    let (body, check) = code.as_bytes().split_at(17);
    match signer::credit_code_check(body) {
        Some(c) if check == [c] => Ok(()),
        Some(_) => Err((
            "统一社会信用代码校验位不正确,请核对",
            "the check character is wrong: compare the code with the business licence",
        )),
        None => Err((
            "统一社会信用代码含有无效字符(不使用I、O、S、V、Z)",
            "the code contains characters that are not allowed (I, O, S, V and Z are never used)",
        )),
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The UTC calendar year of a Unix time (Howard Hinnant's civil-from-days).
pub fn year_of(unix: i64) -> i32 {
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(i32::MAX)
}

/// The signing keys: the current private key and every public key.
pub struct Keys {
    store: KeyStore,
}

impl Keys {
    /// Opens the key directory, creating a development key on first start (mode 0600).
    pub fn load_or_create(dir: &Path, issuer: &str) -> Result<Self, String> {
        KeyStore::create_or_open_dev(dir, issuer)
            .map(|store| Self { store })
            .map_err(|e| e.to_string())
    }

    pub fn issuer(&self) -> &str {
        self.store.signing_key().issuer()
    }

    pub fn key_set(&self) -> &KeySet {
        self.store.key_set()
    }

    pub fn public_json(&self) -> Value {
        serde_json::to_value(self.store.key_set()).unwrap_or_else(|_| json!({ "keys": [] }))
    }
}

/// The current revocation list, both as checked by `verify` and as signed for clients.
pub struct Revocations {
    list: RevocationList,
    signed: SignedRevocationList,
}

impl Revocations {
    pub fn sign(revoked: Vec<String>, keys: &Keys) -> Result<Self, String> {
        let list = RevocationList {
            issuer: keys.issuer().to_owned(),
            issued_at: now(),
            revoked,
        };
        let signed = list.sign(keys.store.signing_key()).map_err(|e| e.to_string())?;
        Ok(Self { list, signed })
    }

    pub fn json(&self) -> Value {
        json!({
            "issuer": self.list.issuer,
            "issued_at": self.list.issued_at,
            "revoked": self.list.revoked,
            "cose": self.signed.cose,
        })
    }
}

/// A signed license ready for the ledger.
pub struct Issued {
    pub kid: String,
    pub qr_text: String,
    /// What the applicant gets back (and gets again on a repeated send).
    pub license: Value,
}

/// Verifies a QR text. Well-formed credentials get 200 with the verdict, valid or not;
/// text that is not a credential at all gets 422.
pub fn verify(qr_text: &str, keys: &Keys, revocations: &Revocations, now: i64) -> Response {
    let text = signer::parse_url_form(qr_text.trim());
    let verdict: Verdict = signer::verify(text, keys.key_set(), Some(&revocations.list), now);
    let code = verdict.code();
    let body = json!({
        "valid": verdict.is_valid(),
        "reason": code,
        "message": verdict.reason.as_ref().map_or_else(|| "genuine and in force".to_owned(), |r| r.message()),
        "kid": verdict.kid,
        "issuer_name": verdict.issuer_name,
        "claims": verdict.claims,
    });
    if code.starts_with("malformed") {
        let mut fields = Map::new();
        fields.insert("qr_text".into(), json!(code));
        let message = verdict.reason.as_ref().map_or_else(String::new, |r| r.message());
        return AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "malformed_qr", message)
            .with_fields(fields)
            .into_response();
    }
    Json(body).into_response()
}

pub fn sign_claims(claims: &LicenseClaims, keys: &Keys) -> Result<(String, String), String> {
    let key = keys.store.signing_key();
    let qr = signer::issue(claims, key).map_err(|e| e.to_string())?;
    Ok((key.kid().to_owned(), qr))
}

// ---- catalog (temporary stand-in until the catalog crate's merge/validate land) ----

pub struct PermitInfo {
    pub kind: u16,
    pub id: String,
    pub name: Value,
    pub department: Value,
    pub validity_years: i64,
    pub scope: Option<String>,
}

/// An application merged and validated against the catalog.
pub struct Prepared {
    pub industry: String,
    pub industry_code: u16,
    pub division: u32,
    /// Canonical JSON of what was applied for: the idempotency content and the stored record.
    pub canonical: String,
    pub business_name: String,
    pub credit_code: String,
    pub address_detail: String,
    pub legal_representative: String,
    pub permits: Vec<PermitInfo>,
}

pub struct CatalogView {
    json: axum::body::Bytes,
    etag: String,
}

impl CatalogView {
    pub fn builtin() -> Self {
        let json = json!({ "version": "stub" }).to_string();
        let etag = format!("\"{}\"", &hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json.as_bytes()))[..16]);
        Self { json: json.into(), etag }
    }

    pub fn json(&self) -> &axum::body::Bytes {
        &self.json
    }

    pub fn etag(&self) -> &str {
        &self.etag
    }

    pub fn prepare(&self, req: &crate::api::ApplicationRequest) -> Result<Prepared, AppError> {
        if req.industry != "convenience_store" {
            return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_industry", "no such industry"));
        }
        let text = |id: &str| req.values.get(id).and_then(Value::as_str).unwrap_or("").trim().to_owned();
        let mut fields = Map::new();
        for id in ["business_name", "credit_code", "address_division", "address_detail", "legal_rep_name"] {
            if text(id).is_empty() {
                fields.insert(id.into(), json!({ "zh": "必填", "en": "required" }));
            }
        }
        if check_credit_code(&text("credit_code")).is_err() {
            fields.insert("credit_code".into(), json!({ "zh": "校验位不正确", "en": "bad check character" }));
        }
        let division: u32 = text("address_division").parse().unwrap_or(0);
        if !(110_000..=820_000).contains(&division) {
            fields.insert("address_division".into(), json!({ "zh": "无效区划", "en": "unknown division" }));
        }
        if !fields.is_empty() {
            return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", "some fields need fixing").with_fields(fields));
        }
        let canonical = canonical_json(&json!({ "industry": req.industry, "scope": req.scope, "values": req.values }));
        Ok(Prepared {
            industry: req.industry.clone(),
            industry_code: 1,
            division,
            canonical,
            business_name: text("business_name"),
            credit_code: text("credit_code"),
            address_detail: text("address_detail"),
            legal_representative: text("legal_rep_name"),
            permits: vec![PermitInfo {
                kind: 101,
                id: "food_business".into(),
                name: json!({ "zh": "食品经营许可证", "en": "Food business permit" }),
                department: json!({ "zh": "区市场监督管理局", "en": "District Administration for Market Regulation" }),
                validity_years: 5,
                scope: None,
            }],
        })
    }

    pub fn permit_record(&self, body: &str, license: &str, kind: u16) -> Result<Value, AppError> {
        let body: Value = serde_json::from_str(body).map_err(|e| AppError::internal("stored body", e))?;
        let license: Value = serde_json::from_str(license).map_err(|e| AppError::internal("stored license", e))?;
        let permit = license["permits"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["kind"] == json!(kind)))
            .ok_or_else(|| AppError::not_found("this license has no permit of that kind"))?;
        Ok(json!({ "license_number": license["number"], "permit": permit, "fields": body["values"] }))
    }
}

/// JSON with object keys sorted at every level, so equal content hashes equally whatever
/// order the client sent it in.
pub fn canonical_json(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// `unix` moved `years` calendar years on (29 February becomes 28 February).
pub fn add_years(unix: i64, years: i64) -> i64 {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let d = if m == 2 && d == 29 { 28 } else { d };
    days_from_civil(y + years, m, d) * 86_400 + secs
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Builds and signs the license for a prepared application.
///
/// Each permit runs for its catalog validity from the issue time; the combined license runs
/// until its last permit ends (each permit carries its own end date in the claims).
pub fn issue(p: &Prepared, number: &str, now: i64, keys: &Keys) -> Result<Issued, String> {
    let permits: Vec<signer::PermitClaim> = p
        .permits
        .iter()
        .map(|permit| signer::PermitClaim {
            kind: permit.kind,
            number: signer::derived_permit_number(number, permit.kind),
            valid_until: add_years(now, permit.validity_years),
            scope: permit.scope.clone(),
        })
        .collect();
    let valid_until = permits.iter().map(|c| c.valid_until).max().unwrap_or(now);
    let claims = LicenseClaims {
        issuer: keys.issuer().to_owned(),
        license_number: number.to_owned(),
        issued_at: now,
        valid_from: now,
        valid_until,
        industry: p.industry_code,
        permits,
        business_name: p.business_name.clone(),
        credit_code: p.credit_code.clone(),
        address: signer::Address { division: p.division, detail: p.address_detail.clone() },
        legal_representative: p.legal_representative.clone(),
    };
    let (kid, qr_text) = sign_claims(&claims, keys)?;
    let permits: Vec<Value> = p
        .permits
        .iter()
        .zip(&claims.permits)
        .map(|(info, c)| {
            json!({
                "kind": c.kind,
                "id": info.id,
                "number": c.number,
                "name": info.name,
                "department": info.department,
                "valid_from": now,
                "valid_until": c.valid_until,
                "scope": c.scope,
            })
        })
        .collect();
    let license = json!({
        "number": number,
        "kid": kid,
        "industry": p.industry,
        "issued_at": now,
        "valid_from": now,
        "valid_until": valid_until,
        "permits": permits,
        "claims": claims,
        "qr_text": qr_text,
    });
    Ok(Issued { kid, qr_text, license })
}
