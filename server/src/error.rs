//! One error type for every handler: always answers `{"error", "message", "fields"}`
//! (`contract::ErrorBody`). The services' typed errors become HTTP statuses here, at the edge.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contract::{ErrorBody, FieldIssues};

use crate::services::ServiceError;
use crate::services::catalog::truncate;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: FieldIssues,
    /// Seconds for a `Retry-After` header (429).
    pub retry_after: Option<i64>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: FieldIssues::new(),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn with_fields(mut self, fields: FieldIssues) -> Self {
        self.fields = fields;
        self
    }

    pub fn with_retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// A failure that is ours, not the client's: the details go to the log
    /// (callers must not pass personal data), the client only learns that it failed.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> Self {
        tracing::error!(context, detail = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.to_owned(),
            message: self.message,
            fields: self.fields,
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        res
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected `Content-Type: application/json`",
            ),
            JsonRejection::JsonSyntaxError(e) => Self::bad_request(
                "malformed_json",
                format!("malformed JSON: {}", truncate(&e.body_text(), 200)),
            ),
            JsonRejection::JsonDataError(e) => Self::bad_request(
                "invalid_body",
                format!("invalid request body: {}", truncate(&e.body_text(), 200)),
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("request body larger than {} bytes", crate::BODY_LIMIT),
                )
            }
            other => Self::new(other.status(), "bad_request", other.body_text()),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        Self::bad_request("invalid_path", rejection.body_text())
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Unprocessable {
                code,
                message,
                fields,
            } => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_fields(fields),
            ServiceError::BadRequest {
                code,
                message,
                fields,
            } => Self::bad_request(code, message).with_fields(fields),
            ServiceError::NotFound(message) => Self::not_found(message),
            ServiceError::IdConflict => Self::new(
                StatusCode::CONFLICT,
                "id_conflict",
                "an application with this id but different content was already received; \
                 use a new id for a new application",
            ),
            ServiceError::Conflict { code, message } => {
                Self::new(StatusCode::CONFLICT, code, message)
            }
            ServiceError::DeviceNotEnrolled => Self::new(
                StatusCode::FORBIDDEN,
                "device_not_enrolled",
                "this hand-over was signed by a device that is not enrolled; an administrator \
                 enrols it with POST /api/admin/devices",
            ),
            ServiceError::NumbersExhausted => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "numbers_exhausted",
                "no license numbers left for this division this year",
            ),
            ServiceError::Unauthorized { code, message } => {
                Self::new(StatusCode::UNAUTHORIZED, code, message)
            }
            ServiceError::Forbidden { code, message } => {
                Self::new(StatusCode::FORBIDDEN, code, message)
            }
            ServiceError::Refused {
                forbidden,
                code,
                message,
                fields,
            } => Self::new(
                if forbidden {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::CONFLICT
                },
                code,
                message,
            )
            .with_fields(fields),
            ServiceError::TooManyAttempts { retry_after } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("too many failed logins; try again in {retry_after} seconds"),
            )
            .with_retry_after(retry_after),
            ServiceError::Internal { context, detail } => Self::internal(context, detail),
        }
    }
}
