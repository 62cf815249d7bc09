//! The server's use of the `catalog` and `signer` crates: everything HTTP- and SQL-free that
//! the handlers need, in one place.

use std::path::Path;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use catalog::{Catalog, CatalogError, Date, MergedForm, ScopeAnswers, Text};
use sha2::{Digest, Sha256};
use signer::{KeySet, KeyStore, LicenseClaims, RevocationList, SignedRevocationList, Verdict};

use crate::api::ApplicationRequest;
use crate::error::{AppError, truncate};

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

/// A credit code the registry can be asked about: 18 characters of the GB 32100-2015
/// alphabet. A wrong check character does not refuse the look-up — some early, real codes
/// fail it, and those enterprises deserve their pre-fill too (the form warns instead).
pub fn check_credit_code(code: &str) -> Result<(), (&'static str, &'static str)> {
    match catalog::ids::check_credit_code(code) {
        catalog::ids::CreditCodeCheck::BadFormat => Err((
            "统一社会信用代码应为18位数字或大写字母(不使用I、O、S、V、Z)",
            "a unified social credit code has 18 digits or capital letters (never I, O, S, V or Z)",
        )),
        _ => Ok(()),
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The license year: the calendar year in China (UTC+8) at `unix`.
pub fn license_year(unix: i64) -> i32 {
    year_of(unix + 8 * 3600)
}

/// The UTC calendar year of a Unix time (Howard Hinnant's civil-from-days).
fn year_of(unix: i64) -> i32 {
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
        let signed = list
            .sign(keys.store.signing_key())
            .map_err(|e| e.to_string())?;
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
    let verdict: Verdict = signer::verify(&text, keys.key_set(), Some(&revocations.list), now);
    let code = verdict.code();
    if code.starts_with("malformed") {
        let mut fields = Map::new();
        fields.insert("qr_text".into(), json!(code));
        let message = verdict
            .reason
            .as_ref()
            .map_or_else(String::new, |r| r.message());
        return AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "malformed_qr", message)
            .with_fields(fields)
            .into_response();
    }
    let message = verdict
        .reason
        .as_ref()
        .map_or_else(|| "genuine and in force".to_owned(), |r| r.message());
    // Serialised straight from the verdict: inspectors' phones call this a lot.
    Json(VerifyBody {
        valid: verdict.is_valid(),
        reason: code,
        message,
        kid: verdict.kid.as_deref(),
        issuer_name: verdict.issuer_name.as_deref(),
        claims: verdict.claims.as_ref(),
    })
    .into_response()
}

#[derive(serde::Serialize)]
struct VerifyBody<'a> {
    valid: bool,
    reason: &'a str,
    message: String,
    kid: Option<&'a str>,
    issuer_name: Option<&'a str>,
    claims: Option<&'a LicenseClaims>,
}

pub fn sign_claims(claims: &LicenseClaims, keys: &Keys) -> Result<(String, String), String> {
    let key = keys.store.signing_key();
    let qr = signer::issue(claims, key).map_err(|e| e.to_string())?;
    Ok((key.kid().to_owned(), qr))
}

// ---- catalog ----

pub struct PermitInfo {
    pub kind: u16,
    pub id: String,
    pub name: Text,
    pub department: Text,
    pub validity_years: Option<u8>,
}

/// An application merged and validated against the catalog.
pub struct Prepared {
    pub industry: String,
    pub industry_code: u16,
    pub division: u32,
    /// Canonical JSON of what the client sent (industry, scope, values): the idempotency key's
    /// content. Equal content serialises equally whatever the key order on the wire.
    pub canonical: String,
    /// What the ledger stores: the values after presets and derived fields were filled in.
    pub record: String,
    pub business_name: String,
    pub credit_code: String,
    pub address_detail: String,
    pub legal_representative: String,
    pub permits: Vec<PermitInfo>,
    pub warnings: Value,
}

/// A merged form with its field ids, for quick membership tests.
struct Form {
    merged: MergedForm,
    ids: HashSet<String>,
}

/// The built-in catalog and its JSON, serialised once.
pub struct CatalogView {
    catalog: &'static Catalog,
    forms: Mutex<HashMap<String, Arc<Form>>>,
    json: axum::body::Bytes,
    etag: String,
}

fn unprocessable(code: &'static str, message: &str, field: &str, text: Value) -> AppError {
    let mut fields = Map::new();
    fields.insert(field.to_owned(), text);
    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_fields(fields)
}

fn issue_json(issue: &catalog::Issue) -> Value {
    json!({ "code": issue.code, "zh": issue.message.zh, "en": issue.message.en })
}

impl CatalogView {
    pub fn builtin() -> Self {
        let catalog = Catalog::builtin();
        let json = catalog.to_json();
        let digest = hex::encode(Sha256::digest(json.as_bytes()));
        let etag = format!("\"{}-{}\"", catalog.version, &digest[..16]);
        Self {
            catalog,
            forms: Mutex::default(),
            json: json.into(),
            etag,
        }
    }

    pub fn json(&self) -> &axum::body::Bytes {
        &self.json
    }

    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Merges the industry's forms for the scope answers and validates the values, exactly as
    /// the browser did; every problem comes back as a 422 with per-field messages.
    pub fn prepare(&self, req: &ApplicationRequest, today: Date) -> Result<Prepared, AppError> {
        // The scope page's own rule (a given number must be in range); the server does not
        // insist on an answer older clients may not have sent.
        for (qid, answer) in &req.scope {
            if let Some(problem) = self
                .catalog
                .question(qid)
                .and_then(|q| q.problem(Some(answer)))
            {
                return Err(unprocessable(
                    "invalid_scope",
                    &problem.en,
                    &format!("scope.{qid}"),
                    json!({ "zh": problem.zh, "en": problem.en }),
                ));
            }
        }
        let form = self.merged(&req.industry, &req.scope)?;
        self.check(req, &form, today)
    }

    /// The merged form for an industry and scope, from a small cache: merging clones every
    /// field definition, and most applications of an industry share a handful of scopes.
    fn merged(&self, industry: &str, scope: &ScopeAnswers) -> Result<Arc<Form>, AppError> {
        let key = format!(
            "{industry}\u{0}{}",
            serde_json::to_string(scope).unwrap_or_default()
        );
        if let Some(form) = self
            .forms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(form.clone());
        }
        let merged = self.catalog.merge(industry, scope).map_err(|e| match e {
            CatalogError::UnknownIndustry(_) => unprocessable(
                "unknown_industry",
                "no such industry in the catalog",
                "industry",
                json!({ "zh": "行业不存在,请从目录中选择", "en": "unknown industry: pick one from the catalog" }),
            ),
            CatalogError::UnknownQuestion(q) | CatalogError::AnswerKind(q) => unprocessable(
                "invalid_scope",
                "a business-scope answer does not fit this industry",
                &format!("scope.{}", truncate(&q, 64)),
                json!({ "zh": "该经营范围问题不属于此行业或答案类型不对", "en": "this question is not asked for the industry, or the answer has the wrong type" }),
            ),
            CatalogError::Data(d) => AppError::internal("catalog", d),
        })?;
        let ids = merged.fields().map(|f| f.def.id.clone()).collect();
        let form = Arc::new(Form { merged, ids });
        let mut forms = self.forms.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: numeric scope answers could otherwise grow it without end.
        if forms.len() < FORM_CACHE_SIZE {
            forms.insert(key, form.clone());
        }
        Ok(form)
    }

    fn check(
        &self,
        req: &ApplicationRequest,
        cached: &Form,
        today: Date,
    ) -> Result<Prepared, AppError> {
        let form = &cached.merged;
        // Dictionary entries this form does not ask (pre-fill sends the whole registry record)
        // are dropped; anything else unknown is refused.
        let mut unknown = Map::new();
        for id in req.values.keys() {
            if !cached.ids.contains(id) && self.catalog.shared_field(id).is_none() {
                unknown.insert(
                    truncate(id, 64),
                    json!({ "code": "unknown_field", "zh": "此表单没有该字段", "en": "this form has no such field" }),
                );
            }
        }
        if !unknown.is_empty() {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_field",
                "the application has fields this industry's form does not ask",
            )
            .with_fields(unknown));
        }
        // What the form fills itself (presets, values derived from the ID number, the
        // application date) replaces whatever was sent for it: the ledger never holds a
        // value that contradicts the one the form derives.
        let values = catalog::complete_values(form, &req.values, today);
        let report = catalog::validate(form, &values, today);
        let text = |id: &str| values.get(id).map_or("", |v| v.trim()).to_owned();
        let mut errors = Map::new();
        for issue in &report.errors {
            errors
                .entry(issue.field.clone())
                .or_insert_with(|| issue_json(issue));
        }
        // The license needs these whatever the industry's forms ask.
        for id in [
            BUSINESS_NAME,
            CREDIT_CODE,
            ADDRESS_DIVISION,
            ADDRESS_DETAIL,
            LEGAL_REP,
        ] {
            if text(id).is_empty() {
                errors.entry(id.to_owned()).or_insert_with(|| {
                    json!({ "code": "required", "zh": "颁发许可证需要此项", "en": "the license needs this field" })
                });
            }
        }
        let division = text(ADDRESS_DIVISION)
            .parse::<u32>()
            .ok()
            .filter(|d| self.catalog.division(*d).is_some());
        if division.is_none() && !errors.contains_key(ADDRESS_DIVISION) {
            errors.insert(
                ADDRESS_DIVISION.into(),
                json!({ "code": "division_unknown", "zh": "请从列表中选择区县", "en": "pick the district from the list" }),
            );
        }
        let (Some(division), true) = (division, errors.is_empty()) else {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_fields",
                "some fields need fixing before the license can be issued",
            )
            .with_fields(errors));
        };
        let warnings: Map<String, Value> = report
            .warnings
            .iter()
            .map(|i| (i.field.clone(), issue_json(i)))
            .collect();
        // Scope and values are sorted maps, so this serialisation is canonical.
        let canonical = serde_json::to_string(&(&req.industry, &req.scope, &req.values))
            .map_err(|e| AppError::internal("canonical form", e))?;
        let record = serde_json::to_string(&StoredRecord {
            catalog_version: &form.catalog_version,
            industry: &req.industry,
            scope: &req.scope,
            values: &values,
        })
        .map_err(|e| AppError::internal("record", e))?;
        Ok(Prepared {
            industry: form.industry.id.clone(),
            industry_code: form.industry.code,
            division,
            canonical,
            record,
            business_name: text(BUSINESS_NAME),
            credit_code: text(CREDIT_CODE),
            address_detail: text(ADDRESS_DETAIL),
            legal_representative: text(LEGAL_REP),
            permits: form
                .permits
                .iter()
                .map(|p| PermitInfo {
                    kind: p.code,
                    id: p.id.clone(),
                    name: p.name.clone(),
                    department: p.department.clone(),
                    validity_years: p.validity_years,
                })
                .collect(),
            warnings: Value::Object(warnings),
        })
    }

    /// One department's view of an issued license: its permit and the fields of that permit's
    /// own form, in that form's order, with the values from the application.
    pub fn permit_record(&self, record: &str, license: &str, kind: u16) -> Result<Value, AppError> {
        let record: Value =
            serde_json::from_str(record).map_err(|e| AppError::internal("stored record", e))?;
        let license: Value =
            serde_json::from_str(license).map_err(|e| AppError::internal("stored license", e))?;
        let issued = license["permits"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["kind"] == json!(kind)))
            .ok_or_else(|| AppError::not_found("this license has no permit of that kind"))?;
        let permit = self
            .catalog
            .permit_by_code(kind)
            .ok_or_else(|| AppError::not_found("no permit of that kind in the catalog"))?;
        let fields: Vec<Value> = permit
            .fields
            .iter()
            .filter_map(|f| self.catalog.field_def(f))
            .map(|def| {
                json!({
                    "id": def.id,
                    "label": def.label,
                    "value": record["values"].get(&def.id),
                })
            })
            .collect();
        Ok(json!({
            "license_number": license["number"],
            "permit": issued,
            "department": permit.department,
            "form": permit.name,
            "fields": fields,
        }))
    }
}

const FORM_CACHE_SIZE: usize = 512;

/// What the ledger keeps of an application.
#[derive(serde::Serialize)]
struct StoredRecord<'a> {
    catalog_version: &'a str,
    industry: &'a str,
    scope: &'a ScopeAnswers,
    values: &'a catalog::FormValues,
}
const BUSINESS_NAME: &str = "business_name";
const CREDIT_CODE: &str = "credit_code";
const ADDRESS_DIVISION: &str = "address_division";
const ADDRESS_DETAIL: &str = "address_detail";
const LEGAL_REP: &str = "legal_rep_name";

/// How long a license runs when none of its permits has a fixed validity (filings only).
const DEFAULT_VALIDITY_YEARS: u8 = 5;

/// Builds and signs the license for a prepared application.
///
/// Each permit runs for its catalog validity from the issue time; the combined license runs
/// until its last permit ends, and permits without a fixed validity (filings, one-off
/// approvals) run with the license. Each permit carries its own end date in the claims.
pub fn issue(p: &Prepared, number: &str, now: i64, keys: &Keys) -> Result<Issued, String> {
    let longest = p
        .permits
        .iter()
        .filter_map(|x| x.validity_years)
        .max()
        .unwrap_or(DEFAULT_VALIDITY_YEARS);
    let valid_until = signer::add_years(now, i64::from(longest));
    let permits: Vec<signer::PermitClaim> = p
        .permits
        .iter()
        .map(|permit| signer::PermitClaim {
            kind: permit.kind,
            number: signer::derived_permit_number(number, permit.kind),
            valid_until: permit
                .validity_years
                .map_or(valid_until, |y| signer::add_years(now, i64::from(y))),
            scope: None,
        })
        .collect();
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
        address: signer::Address {
            division: p.division,
            detail: p.address_detail.clone(),
        },
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
        "warnings": p.warnings,
    });
    Ok(Issued {
        kid,
        qr_text,
        license,
    })
}
