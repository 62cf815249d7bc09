//! The `/api` handlers: HTTP in, a service call, HTTP out. No domain rules here.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use contract::{
    ApplicantDecision, ApplicationRequest, EnrolRequest, HandOverRequest, LoginRequest,
    NewVersionRequest, ReasonRequest, RevokeRequest, StaffMember, SuspensionRequest, VerifyRequest,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::services::ServiceError;
use crate::services::issuance::{IssuedAnswer, Submitted};
use crate::services::lifecycle::Outcome;
use crate::services::staff::Actor;
use crate::sessions::STAFF_KEY;
use tower_sessions::Session;

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

fn json_body(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Lists everyone may re-read at any time, but must revalidate.
fn no_cache(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness, for a proxy or an orchestrator: 200 while the ledger answers, 503 otherwise.
/// (`/api/health` only says the process is up.)
pub async fn ready(State(state): State<AppState>) -> Response {
    match state.services().ready().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the ledger does not answer",
            )
            .into_response()
        }
    }
}

/// Whether the client's `If-None-Match` names `etag` (or any version: `*`).
fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers.get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.as_bytes()
            .split(|b| *b == b',')
            .any(|t| t.trim_ascii() == etag.as_bytes() || t.trim_ascii() == b"*")
    })
}

/// A JSON document under an ETag: 304 when the client has it, else the body; revalidated on
/// every use.
fn revalidated(headers: &HeaderMap, etag: HeaderValue, body: impl FnOnce() -> String) -> Response {
    let mut res = if not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        json_body(StatusCode::OK, body())
    };
    res.headers_mut().insert(header::ETAG, etag);
    no_cache(res)
}

/// A signed list any verifier may fetch, from any origin: its signature is what counts, and
/// an inspector page of one issuer reads the lists of the others.
fn any_origin(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// `"<sha-256 hex>"`: a strong ETag of a body.
fn etag_of(digest: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{digest}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

pub async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let view = state.services().catalog();
    let etag = HeaderValue::from_str(view.etag()).unwrap_or(HeaderValue::from_static("\"0\""));
    revalidated(&headers, etag, || view.json().to_string())
}

pub async fn registry(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let Path(code) = code?;
    Ok(Json(state.services().registry(&code).await?).into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ApplicationRequest>,
) -> ApiResult {
    Ok(submitted(state.services().submit(req).await?))
}

/// 201/200 with the license, or 202 while the application waits for review.
fn submitted(answer: Submitted) -> Response {
    match answer {
        Submitted::Issued(answer) => issued(answer),
        Submitted::Received(received) => (StatusCode::ACCEPTED, Json(received)).into_response(),
    }
}

/// `{"application_id", "status", "license"}` around the license JSON exactly as stored, so a
/// repeated send gets the very same bytes: 201 when new, 200 when issued before.
fn issued(answer: IssuedAnswer) -> Response {
    let status = if answer.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    // Both are JSON strings of their own (the id passed the id check: nothing to escape).
    let head = serde_json::to_string(&answer.application_id).unwrap_or_default();
    let word = serde_json::to_string(&answer.status).unwrap_or_default();
    json_body(
        status,
        format!(
            r#"{{"application_id":{head},"status":{word},"license":{}}}"#,
            answer.license_json
        ),
    )
}

pub async fn application(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let Path(id) = id?;
    // Status only: the license itself is returned to whoever submitted the application.
    Ok(Json(state.services().tracking_with_standing(id).await?).into_response())
}

pub async fn permit_record(
    State(state): State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult {
    let Path((number, kind)) = params?;
    Ok(Json(state.services().permit_record(number, &kind).await?).into_response())
}

pub async fn keys(State(state): State<AppState>) -> Response {
    let keys = state.services().current_keys().await;
    no_cache(Json(keys.key_set()).into_response())
}

/// The signed status list, readable from any origin (also at `/api/revocations`, the
/// revocation list's address before #18, for verifiers configured with it: the same body).
pub async fn status_list(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    let list = state.services().status_list().await?;
    let etag = etag_of(&list.digest);
    Ok(any_origin(revalidated(&headers, etag, || {
        list.json.clone()
    })))
}

/// The trust list exactly as configured (or as signed here in development), readable from any
/// origin; 404 `no_trust_list` when the server has none.
pub async fn trust_list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(list) = state.services().trust_list().await else {
        return any_origin(
            AppError::new(
                StatusCode::NOT_FOUND,
                "no_trust_list",
                "this server publishes no trust list: start it with --trust-list FILE \
                 (YIYE_TRUST_LIST, a list signed with `signer trust-list sign`) or, for \
                 development, --trust-root-key DIR (YIYE_TRUST_ROOT_KEY)",
            )
            .into_response(),
        );
    };
    let etag = etag_of(&list.digest);
    any_origin(revalidated(&headers, etag, || list.json.clone()))
}

pub async fn verify(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> ApiResult {
    Ok(Json(state.services().verify(&req.qr_text).await?).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RevokeRequest>,
) -> ApiResult {
    let number = req.license_number.clone();
    let status = if state.services().revoke(req).await? {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let list = state.services().status_list().await?;
    let status_list: Value = serde_json::from_str(&list.json)
        .map_err(|e| ServiceError::internal("status list JSON", e))?;
    Ok((
        status,
        Json(json!({ "license_number": number, "revoked": true, "status_list": status_list })),
    )
        .into_response())
}

/// A lifecycle route's answer: the standing, and for a new version its license (201).
fn lifecycle_answer(outcome: Outcome) -> ApiResult {
    let standing = serde_json::to_value(&outcome.standing)
        .map_err(|e| ServiceError::internal("standing", e))?;
    Ok(match outcome.license_json {
        Some(license) => {
            let license: Value = serde_json::from_str(&license)
                .map_err(|e| ServiceError::internal("stored license", e))?;
            (
                StatusCode::CREATED,
                Json(json!({ "standing": standing, "license": license })),
            )
                .into_response()
        }
        None => Json(json!({ "standing": standing })).into_response(),
    })
}

type NumberPath = Result<Path<String>, PathRejection>;

pub async fn suspend_license(
    State(state): State<AppState>,
    number: NumberPath,
    ApiJson(req): ApiJson<SuspensionRequest>,
) -> ApiResult {
    let Path(number) = number?;
    lifecycle_answer(
        state
            .services()
            .suspend(number, &req.until, &req.reason)
            .await?,
    )
}

pub async fn reinstate_license(
    State(state): State<AppState>,
    number: NumberPath,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult {
    let Path(number) = number?;
    lifecycle_answer(state.services().reinstate(number, &req.reason).await?)
}

pub async fn revoke_license(
    State(state): State<AppState>,
    number: NumberPath,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult {
    let Path(number) = number?;
    lifecycle_answer(state.services().revoke_version(number, &req.reason).await?)
}

pub async fn cancel_license(
    State(state): State<AppState>,
    number: NumberPath,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult {
    let Path(number) = number?;
    lifecycle_answer(state.services().cancel(number, &req.reason).await?)
}

pub async fn license_version(
    State(state): State<AppState>,
    number: NumberPath,
    ApiJson(req): ApiJson<NewVersionRequest>,
) -> ApiResult {
    let Path(number) = number?;
    lifecycle_answer(state.services().new_version(number, req).await?)
}

pub async fn license_metadata(State(state): State<AppState>, number: NumberPath) -> ApiResult {
    let Path(number) = number?;
    Ok(Json(state.services().license_metadata(number).await?).into_response())
}

pub async fn reload_keys(State(state): State<AppState>) -> ApiResult {
    state.services().reload_keys().await?;
    let keys = state.services().keys().current();
    Ok(Json(keys.key_set()).into_response())
}

/// Enrols a device whose hand-over QR codes the authority will accept (admin).
pub async fn enrol_device(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> ApiResult {
    let entry = state.services().enrol_device(req).await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

pub async fn hand_over(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<HandOverRequest>,
) -> ApiResult {
    Ok(submitted(state.services().hand_over(req).await?))
}

/// The applicant drops a refused permit or withdraws.
pub async fn applicant_decision(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    ApiJson(decision): ApiJson<ApplicantDecision>,
) -> ApiResult {
    let Path(id) = id?;
    Ok(Json(state.services().applicant_decision(id, decision).await?).into_response())
}

// The back office: signing in and out. The office router puts the session layer and the CSRF
// check in front of these; `me` and `logout` sit behind `web::require_staff` too.

/// `POST /api/office/login`: on the right password, a new session (a new id: nothing an
/// attacker planted before survives) names the member of staff.
pub async fn office_login(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<StaffMember>, AppError> {
    let member = state.services().login(&req.username, req.password).await?;
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session", e))?;
    session
        .insert(STAFF_KEY, &member.username)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    Ok(Json(member))
}

/// `POST /api/office/logout`: the session is deleted and its cookie cleared.
pub async fn office_logout(
    State(state): State<AppState>,
    session: Session,
    Extension(actor): Extension<Actor>,
) -> Result<StatusCode, AppError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::internal("session", e))?;
    state.services().logout(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/office/me`: who is signed in.
pub async fn office_me(Extension(member): Extension<StaffMember>) -> Json<StaffMember> {
    Json(member)
}
