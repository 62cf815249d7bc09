//! The `/api` handlers.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::db::{Inserted, NewLicense, Revoked, StoredApplication};
use crate::domain::{self, Revocations};
use crate::error::AppError;
use crate::web::check_admin;

/// `Json<T>` whose rejections (syntax, types, content type, size) are our JSON errors.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let Json(value) = Json::<T>::from_request(req, state)
            .await
            .map_err(|e: JsonRejection| AppError::from(e))?;
        Ok(Self(value))
    }
}

type ApiResult = Result<Response, AppError>;

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let view = &state.0.catalog;
    let etag = HeaderValue::from_str(view.etag()).unwrap_or(HeaderValue::from_static("\"0\""));
    let fresh = headers.get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.as_bytes()
            .split(|b| *b == b',')
            .any(|t| t.trim_ascii() == etag.as_bytes())
    });
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            view.json().clone(),
        )
            .into_response()
    };
    res.headers_mut().insert(header::ETAG, etag);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

pub async fn registry(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let Path(code) = code?;
    let code = code.trim().to_ascii_uppercase();
    if let Err(message) = domain::check_credit_code(&code) {
        let mut fields = Map::new();
        fields.insert(
            "credit_code".into(),
            json!({ "zh": message.0, "en": message.1 }),
        );
        return Err(AppError::bad_request("invalid_credit_code", message.1).with_fields(fields));
    }
    let record = state
        .0
        .db
        .registry(code.clone())
        .await
        .map_err(|e| AppError::internal("registry", e))?
        .ok_or_else(|| AppError::not_found("no registered enterprise with this credit code"))?;
    let record: Value =
        serde_json::from_str(&record).map_err(|e| AppError::internal("registry record", e))?;
    let values = domain::registry_values(&record);
    Ok(Json(json!({ "credit_code": code, "values": values, "record": record })).into_response())
}

/// An application as the browser's outbox sends it.
#[derive(Debug, Deserialize)]
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

const MAX_ID_LEN: usize = 64;

fn check_id(id: &str) -> Result<(), AppError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        return Ok(());
    }
    let mut fields = Map::new();
    fields.insert(
        "id".into(),
        json!({ "zh": "申请编号须为1至64位字母、数字、- 或 _", "en": "the id must be 1 to 64 letters, digits, - or _" }),
    );
    Err(AppError::bad_request(
        "invalid_id",
        "the application id must be 1 to 64 characters of A-Z, a-z, 0-9, - and _",
    )
    .with_fields(fields))
}

pub async fn submit(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ApplicationRequest>,
) -> ApiResult {
    submit_application(&state, req).await
}

/// One path for every way an application arrives (online, or handed over by QR): the same id
/// gives the same license.
async fn submit_application(state: &AppState, req: ApplicationRequest) -> ApiResult {
    check_id(&req.id)?;
    // Never trust the browser: merge and validate again with the catalog.
    let today = catalog::Date::authority_day(domain::now())
        .ok_or_else(|| AppError::internal("clock", "the system clock is outside years 1-9999"))?;
    let prepared = state.0.catalog.prepare(&req, today)?;
    let hash = hex::encode(Sha256::digest(prepared.canonical.as_bytes()));

    let lock = state.id_lock(&req.id);
    let result = {
        let _guard = lock.lock().await;
        issue_once(state, &req.id, prepared, hash).await
    };
    state.release_id_lock(&req.id, lock);
    result
}

async fn issue_once(
    state: &AppState,
    id: &str,
    prepared: domain::Prepared,
    hash: String,
) -> ApiResult {
    let db = &state.0.db;
    if let Some(existing) = db
        .application(id.to_owned())
        .await
        .map_err(|e| AppError::internal("ledger read", e))?
    {
        return repeat(existing, &hash);
    }
    let now = domain::now();
    let year = domain::license_year(now);
    let division = prepared.division;
    let seq = state.next_seq(division, year)?;
    let number = format!("{division:06}-{year:04}-{seq:06}");
    let keys = state.signing_keys().await;
    let issued = domain::issue(&prepared, &number, now, &keys)
        .map_err(|e| AppError::internal("signing", e))?;
    let license_text = issued.license.to_string();
    let row = NewLicense {
        application_id: id.to_owned(),
        content_hash: hash.clone(),
        industry: prepared.industry.clone(),
        body: prepared.record,
        received_at: now,
        number,
        division,
        year,
        seq,
        kid: issued.kid,
        issued_at: now,
        qr_text: issued.qr_text,
        license: license_text,
    };
    let answer = issued_body(id, "issued", &row.license);
    match db
        .issue(row)
        .await
        .map_err(|e| AppError::internal("ledger write", e))?
    {
        Inserted::New => Ok((
            StatusCode::CREATED,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            answer,
        )
            .into_response()),
        Inserted::Existing(existing) => repeat(*existing, &hash),
    }
}

/// The same id again: the same license if the content is the same, a conflict otherwise.
fn repeat(existing: StoredApplication, hash: &str) -> ApiResult {
    if existing.content_hash != hash {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "id_conflict",
            "an application with this id but different content was already received; \
             use a new id for a new application",
        ));
    }
    let status = if existing.revoked.is_some() {
        "revoked"
    } else {
        "issued"
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        issued_body(&existing.id, status, &existing.license),
    )
        .into_response())
}

/// `{"application_id", "status", "license"}` around the license JSON exactly as stored, so a
/// repeated send gets the very same bytes.
fn issued_body(id: &str, status: &str, license: &str) -> String {
    // `id` passed `check_id` (ASCII letters, digits, - and _): nothing to escape.
    format!(r#"{{"application_id":"{id}","status":"{status}","license":{license}}}"#)
}

pub async fn application(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let Path(id) = id?;
    check_id(&id)?;
    let found = state
        .0
        .db
        .application(id)
        .await
        .map_err(|e| AppError::internal("ledger read", e))?
        .ok_or_else(|| AppError::not_found("no application with this id"))?;
    // Status only: the license itself is returned to whoever submitted the application.
    let mut body = json!({
        "application_id": found.id,
        "status": if found.revoked.is_some() { "revoked" } else { "issued" },
        "industry": found.industry,
        "received_at": found.received_at,
        "license_number": found.license_number,
    });
    if let Some(r) = found.revoked {
        body["revoked_at"] = json!(r.revoked_at);
        body["revocation_reason"] = json!(r.reason);
    }
    Ok(Json(body).into_response())
}

pub async fn permit_record(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult {
    // Permit records carry personal data: departments fetch them with the admin token.
    check_admin(&state, &headers)?;
    let Path((number, kind)) = params?;
    let kind: u16 = kind
        .parse()
        .map_err(|_| AppError::bad_request("invalid_permit", "the permit kind must be a number"))?;
    if number.len() > 32 {
        return Err(AppError::not_found("no license with this number"));
    }
    let (body, license) = state
        .0
        .db
        .application_body(number)
        .await
        .map_err(|e| AppError::internal("ledger read", e))?
        .ok_or_else(|| AppError::not_found("no license with this number"))?;
    let record = state.0.catalog.permit_record(&body, &license, kind)?;
    Ok(Json(record).into_response())
}

pub async fn keys(State(state): State<AppState>) -> Response {
    let mut res = Json(state.keys().public_json()).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

pub async fn revocations(State(state): State<AppState>) -> Response {
    let mut res = Json(state.revocations().json()).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    pub qr_text: String,
}

/// Longest QR text accepted; a version-40 QR holds 4,296 alphanumeric characters.
const MAX_QR_LEN: usize = 4296;

pub async fn verify(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> ApiResult {
    if req.qr_text.len() > MAX_QR_LEN {
        return Err(AppError::bad_request(
            "malformed_qr",
            "the QR text is longer than any QR code can hold",
        ));
    }
    let verdict = domain::verify(
        &req.qr_text,
        &state.keys(),
        &state.revocations(),
        domain::now(),
    );
    Ok(verdict.into_response())
}

#[derive(Debug, Deserialize)]
pub struct RevokeRequest {
    pub license_number: String,
    pub reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RevokeRequest>,
) -> ApiResult {
    check_admin(&state, &headers)?;
    if req.reason.trim().is_empty() || req.reason.chars().count() > 500 {
        let mut fields = Map::new();
        fields.insert("reason".into(), json!({ "zh": "请填写撤销原因（不超过500字）", "en": "give a reason (up to 500 characters)" }));
        return Err(AppError::bad_request(
            "invalid_reason",
            "a revocation needs a reason of 1 to 500 characters",
        )
        .with_fields(fields));
    }
    if req.license_number.len() > 32 {
        return Err(AppError::not_found("no license with this number"));
    }
    let outcome = state
        .0
        .db
        .revoke(req.license_number.clone(), req.reason, domain::now())
        .await
        .map_err(|e| AppError::internal("ledger write", e))?;
    let status = match outcome {
        Revoked::UnknownLicense => return Err(AppError::not_found("no license with this number")),
        Revoked::Already => StatusCode::OK,
        Revoked::New => {
            state.resign_revocations().await?;
            StatusCode::CREATED
        }
    };
    tracing::info!(license = %req.license_number, "license revoked");
    Ok((status, Json(json!({ "license_number": req.license_number, "revoked": true, "revocations": state.revocations().json() }))).into_response())
}

pub async fn reload_keys(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    check_admin(&state, &headers)?;
    state.reload_keys().await?;
    Ok(Json(state.keys().public_json()).into_response())
}

impl AppState {
    /// Re-reads the key directory and re-signs the revocation list with the current key.
    async fn reload_keys(&self) -> Result<(), AppError> {
        let keys = domain::Keys::load_or_create(
            &crate::key_dir(&self.0.config.data_dir),
            &self.0.config.issuer,
        )
        .map_err(|e| AppError::internal("key reload", e))?;
        *self.0.keys.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(keys);
        self.resign_revocations().await?;
        tracing::info!("signing keys reloaded");
        Ok(())
    }

    /// The keys to sign with. `signer keygen` rotation retires the old key at once, so at most
    /// once a second this checks whether the key set file changed and reloads it: a rotation
    /// by the CLI takes effect within a second even without the admin route.
    async fn signing_keys(&self) -> Arc<domain::Keys> {
        let changed = {
            let mut seen = self.0.key_check.lock().unwrap_or_else(|p| p.into_inner());
            if seen.0.elapsed() < std::time::Duration::from_secs(1) {
                false
            } else {
                seen.0 = std::time::Instant::now();
                let path =
                    crate::key_dir(&self.0.config.data_dir).join(signer::KeyStore::KEYSET_FILE);
                let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
                let changed = modified != seen.1;
                seen.1 = modified;
                changed
            }
        };
        // A failed reload (e.g. caught between the CLI's two writes) keeps the old keys and
        // is retried on the next check.
        if changed && self.reload_keys().await.is_err() {
            self.0.key_check.lock().unwrap_or_else(|p| p.into_inner()).1 = None;
        }
        self.keys()
    }

    fn id_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(id.to_owned()).or_default().clone()
    }

    fn release_id_lock(&self, id: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut map = self.0.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        // Two owners left (the map and us): nobody else waits, so the entry can go.
        if Arc::strong_count(&lock) == 2 {
            map.remove(id);
        }
    }

    fn next_seq(&self, division: u32, year: i32) -> Result<u32, AppError> {
        let mut seqs = self.0.sequences.lock().unwrap_or_else(|p| p.into_inner());
        let seq = seqs.entry((division, year)).or_insert(0);
        if *seq >= 999_999 {
            return Err(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "numbers_exhausted",
                "no license numbers left for this division this year",
            ));
        }
        *seq += 1;
        Ok(*seq)
    }

    async fn resign_revocations(&self) -> Result<(), AppError> {
        let revoked = self
            .0
            .db
            .revoked()
            .await
            .map_err(|e| AppError::internal("ledger read", e))?;
        let list = Revocations::sign(revoked, &self.keys())
            .map_err(|e| AppError::internal("revocation signing", e))?;
        *self
            .0
            .revocations
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(list);
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
pub struct EnrolRequest {
    /// The device's own name for itself, e.g. "icbc-pudong-03".
    pub device_id: String,
    /// Ed25519 public key, 64 hex digits, as the device shows it.
    pub public_key: String,
}

/// Enrols a device whose hand-over QR codes the authority will accept (admin).
pub async fn enrol_device(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> ApiResult {
    check_admin(&state, &headers)?;
    let device_ok = (1..=32).contains(&req.device_id.len())
        && req
            .device_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !device_ok {
        return Err(AppError::bad_request(
            "invalid_device_id",
            "device_id must be 1 to 32 characters of A-Z, a-z, 0-9, - and _",
        ));
    }
    let entry =
        signer::PublicKeyEntry::for_public_key(&req.public_key, &req.device_id, domain::now())
            .map_err(|e| AppError::bad_request("invalid_public_key", e.to_string()))?;
    let json = serde_json::to_string(&entry).map_err(|e| AppError::internal("device entry", e))?;
    state
        .0
        .db
        .enrol_device(
            entry.kid.clone(),
            req.device_id.clone(),
            json,
            domain::now(),
        )
        .await
        .map_err(|e| AppError::internal("ledger write", e))?;
    tracing::info!(kid = %entry.kid, "device enrolled");
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct HandOverRequest {
    /// The QR texts as scanned: one `YYH1:` text, or every `YYHP:i/n:` part in any order.
    pub qr_texts: Vec<String>,
}

/// An application handed over with no network: QR codes signed by an enrolled device's key,
/// scanned at a connected desk. Verified with the signer, then treated exactly like an online
/// submission (same id → same license).
pub async fn hand_over(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<HandOverRequest>,
) -> ApiResult {
    let refused = |code: &'static str, message: String| {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    };
    let text = signer::join_message(&req.qr_texts)
        .map_err(|e| refused("handover_incomplete", e.to_string()))?;
    let mut devices = signer::KeySet::default();
    for entry in state
        .0
        .db
        .device_entries()
        .await
        .map_err(|e| AppError::internal("ledger read", e))?
    {
        devices
            .push(serde_json::from_str(&entry).map_err(|e| AppError::internal("device entry", e))?)
            .map_err(|e| AppError::internal("device entry", e))?;
    }
    let message = signer::verify_message(&text, &devices).map_err(|e| match e {
        signer::Error::UnknownKey { .. } => AppError::new(
            StatusCode::FORBIDDEN,
            "device_not_enrolled",
            "this hand-over was signed by a device that is not enrolled; an administrator enrols it with POST /api/admin/devices",
        ),
        signer::Error::SignatureInvalid => refused(
            "handover_signature_invalid",
            "the hand-over's signature does not verify: it was altered or misread; scan it again".into(),
        ),
        other => refused("handover_malformed", format!("not a readable hand-over: {other}")),
    })?;
    let application: ApplicationRequest =
        serde_json::from_slice(&message.payload).map_err(|e| {
            refused(
                "handover_malformed",
                format!("the signed content is not an application: {e}"),
            )
        })?;
    tracing::info!(device = %message.kid, "application handed over by QR");
    submit_application(&state, application).await
}
