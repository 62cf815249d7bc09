//! The back office's handlers (`/api/office/*`): HTTP in, a service call with the signed-in
//! [`Actor`] (put into the request by the office router's auth layer), HTTP out. The same
//! decisions and inspections for a department's own system under `/api/admin/*`, as
//! [`Actor::machine`]. No domain rules here.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use contract::{CheckFinding, Decision, Inspection};
use serde::Deserialize;

use crate::AppState;
use crate::api::ApiJson;
use crate::error::AppError;
use crate::services::staff::Actor;

type ApiResult = Result<Response, AppError>;

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(t)| t)
        .map_err(|e| AppError::bad_request("invalid_query", e.body_text()))
}

#[derive(Deserialize)]
pub struct TasksQuery {
    department: Option<String>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    application: Option<String>,
}

pub async fn tasks(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<TasksQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    Ok(Json(state.services().tasks(&actor, q.department).await?).into_response())
}

pub async fn application(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let Path(id) = id?;
    Ok(Json(state.services().office_application(&actor, id).await?).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Path<(String, String)>, PathRejection>,
    ApiJson(decision): ApiJson<Decision>,
) -> ApiResult {
    let Path((id, permit)) = params?;
    let view = state
        .services()
        .decide(&actor, id, permit, decision)
        .await?;
    Ok(Json(view).into_response())
}

pub async fn inspect(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Path<(String, String)>, PathRejection>,
    ApiJson(inspection): ApiJson<Inspection>,
) -> ApiResult {
    let Path((id, permit)) = params?;
    let view = state
        .services()
        .record_inspection(&actor, id, permit, inspection)
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    Ok(Json(state.services().audit_log(&actor, q.application).await?).into_response())
}

pub async fn checks(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    q: Result<Query<TasksQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    Ok(Json(state.services().checks(&actor, q.department).await?).into_response())
}

pub async fn check(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult {
    let Path((id, permit)) = params?;
    Ok(Json(state.services().office_check(&actor, id, permit).await?).into_response())
}

pub async fn record_check(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Path<(String, String)>, PathRejection>,
    ApiJson(finding): ApiJson<CheckFinding>,
) -> ApiResult {
    let Path((id, permit)) = params?;
    let view = state
        .services()
        .record_check(&actor, id, permit, finding)
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// A department's system recording a check's result with the admin bearer token.
pub async fn machine_record_check(
    state: State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
    body: ApiJson<CheckFinding>,
) -> ApiResult {
    record_check(state, Extension(Actor::machine()), params, body).await
}

/// A department's system deciding with the admin bearer token (audited as `admin-token`).
pub async fn machine_decide(
    state: State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
    body: ApiJson<Decision>,
) -> ApiResult {
    decide(state, Extension(Actor::machine()), params, body).await
}

/// A department's system recording an inspection with the admin bearer token.
pub async fn machine_inspect(
    state: State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
    body: ApiJson<Inspection>,
) -> ApiResult {
    inspect(state, Extension(Actor::machine()), params, body).await
}
