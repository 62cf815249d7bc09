//! Calls to the Yiye HTTP API. Every call returns `Result<T, ApiError>`; the error is a plain
//! value so a component can keep it in its state and show it.

use std::fmt;

use gloo::net::http::Request;
use serde::de::DeserializeOwned;

/// Why an API call did not give an answer the app can use.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer at all: the device is offline or the server is unreachable.
    Network(String),
    /// The server answered with an error (`{"error": code, "message": text}`).
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered, but not with what this app understands.
    Unreadable(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(why) => write!(f, "network: {why}"),
            ApiError::Server {
                status,
                code,
                message,
            } => write!(f, "{status} {code}: {message}"),
            ApiError::Unreadable(why) => write!(f, "unreadable answer: {why}"),
        }
    }
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error: String,
    message: String,
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        let status = response.status();
        return Err(match response.json::<ErrorBody>().await {
            Ok(body) => ApiError::Server {
                status,
                code: body.error,
                message: body.message,
            },
            Err(_) => ApiError::Server {
                status,
                code: "http_error".into(),
                message: response.status_text(),
            },
        });
    }
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// The issuing authority's public key set (`GET /api/keys`).
pub async fn fetch_key_set() -> Result<signer::KeySet, ApiError> {
    get_json("/api/keys").await
}
