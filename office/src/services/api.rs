//! Calls to the office API (`/api/office/*`). The session is the server's `yiye_session`
//! cookie (HttpOnly: no script reads it), sent with every same-origin request; every change
//! is a JSON request, which the server requires against cross-site forgery.

use contract::{
    AuditEntry, CheckFinding, CheckList, Decision, ErrorBody, FieldIssues, Inspection,
    LoginRequest, OfficeApplication, OfficeCheck, StaffMember, TaskList,
};
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

/// Why a call gave no answer the office can use. Browser and server texts are not kept: the
/// page says what an error means in its own words (`i18n::error`).
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is unreachable.
    Network,
    /// The server refused: its status, its error code, how long to wait (429) and its
    /// findings per field.
    Server {
        status: u16,
        code: String,
        retry_after: Option<u32>,
        fields: FieldIssues,
    },
    /// An answer this app does not understand.
    Unreadable,
}

impl ApiError {
    /// The session is gone (expired, signed out in another tab): sign in again.
    pub fn is_signed_out(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}

fn with_credentials(request: RequestBuilder) -> RequestBuilder {
    request.credentials(RequestCredentials::SameOrigin)
}

async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let body = response
        .text()
        .await
        .ok()
        .and_then(|text| serde_json::from_str::<ErrorBody>(&text).ok());
    let (code, fields) = body.map_or_else(
        || (String::new(), FieldIssues::new()),
        |body| (body.error, body.fields),
    );
    ApiError::Server {
        status,
        code,
        retry_after,
        fields,
    }
}

// One copy of the fetching serves every call; only the parsing is per answer type.
async fn send(request: Result<Request, gloo::net::Error>) -> Result<String, ApiError> {
    let response = request
        .map_err(|_| ApiError::Unreadable)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !response.ok() {
        return Err(error_from(response).await);
    }
    response.text().await.map_err(|_| ApiError::Unreadable)
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Unreadable)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(&send(with_credentials(Request::get(path)).build()).await?)
}

async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Unreadable)?;
    let request = with_credentials(Request::post(path))
        .header("Content-Type", "application/json")
        .body(json);
    parse(&send(request).await?)
}

/// A path segment or query value, percent-encoded.
fn encode(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}

/// Who is signed in on this browser (`GET /api/office/me`); 401 when no one.
pub async fn me() -> Result<StaffMember, ApiError> {
    get("/api/office/me").await
}

pub async fn login(request: &LoginRequest) -> Result<StaffMember, ApiError> {
    post("/api/office/login", request).await
}

pub async fn logout() -> Result<(), ApiError> {
    let request = with_credentials(Request::post("/api/office/logout"))
        .header("Content-Type", "application/json")
        .body("{}");
    send(request).await.map(|_| ())
}

/// The queues: the reviewer's own department, or the one asked (`None`: all, for those who
/// oversee every department).
pub async fn tasks(department: Option<&str>) -> Result<TaskList, ApiError> {
    match department {
        Some(slug) => get(&format!("/api/office/tasks?department={}", encode(slug))).await,
        None => get("/api/office/tasks").await,
    }
}

pub async fn application(id: &str) -> Result<OfficeApplication, ApiError> {
    get(&format!("/api/office/applications/{}", encode(id))).await
}

pub async fn decide(
    id: &str,
    permit: &str,
    decision: &Decision,
) -> Result<OfficeApplication, ApiError> {
    let path = format!(
        "/api/office/applications/{}/permits/{}/decision",
        encode(id),
        encode(permit)
    );
    post(&path, decision).await
}

pub async fn record_inspection(
    id: &str,
    permit: &str,
    inspection: &Inspection,
) -> Result<OfficeApplication, ApiError> {
    let path = format!(
        "/api/office/applications/{}/permits/{}/inspections",
        encode(id),
        encode(permit)
    );
    post(&path, inspection).await
}

pub async fn audit(application: Option<&str>) -> Result<Vec<AuditEntry>, ApiError> {
    match application {
        Some(id) => get(&format!("/api/office/audit?application={}", encode(id))).await,
        None => get("/api/office/audit").await,
    }
}

/// The checks after a commitment: the reviewer's own department's, or the one asked
/// (`None`: all, for supervisors and administrators).
pub async fn checks(department: Option<&str>) -> Result<CheckList, ApiError> {
    match department {
        Some(slug) => get(&format!("/api/office/checks?department={}", encode(slug))).await,
        None => get("/api/office/checks").await,
    }
}

fn check_path(id: &str, permit: &str) -> String {
    format!(
        "/api/office/checks/{}/permits/{}",
        encode(id),
        encode(permit)
    )
}

pub async fn check(id: &str, permit: &str) -> Result<OfficeCheck, ApiError> {
    get(&check_path(id, permit)).await
}

pub async fn record_check(
    id: &str,
    permit: &str,
    finding: &CheckFinding,
) -> Result<OfficeCheck, ApiError> {
    post(&format!("{}/result", check_path(id, permit)), finding).await
}
