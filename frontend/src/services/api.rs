//! Calls to the Yiye HTTP API. Every call returns `Result<T, ApiError>`; the error is a plain
//! value so a component can keep it in its state and show it.

use std::fmt;

use catalog::{FormValues, Text};
use contract::{ApplicantDecision, FieldIssues, FieldMap};
use gloo::net::http::{Request, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::draft::Tracking;
use crate::json::{field_issues, form_values, optional, str_of};
use crate::license::IssuedLicense;
use crate::outbox::OutboxEntry;

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

impl ApiError {
    /// Worth trying again later: no answer, or the server failed rather than refused.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Server { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            ApiError::Unreadable(_) => true,
        }
    }
}

impl ApiError {
    /// Why a try failed, as a stable key the outbox keeps with the entry (never raw browser
    /// text: that reaches no page). See [`crate::i18n::why_not_sent`].
    pub fn failure_key(&self) -> &'static str {
        match self {
            ApiError::Network(_) => "offline",
            ApiError::Server { .. } => "server_unavailable",
            ApiError::Unreadable(_) => "unreadable",
        }
    }

    /// What a refusal means for the applicant, in plain words.
    pub fn refusal(&self) -> crate::i18n::Text {
        match self {
            // A holder's application about a license that changed or cannot change now (#18).
            ApiError::Server { code, .. }
                if matches!(
                    code.as_str(),
                    "version_changed" | "license_not_valid" | "renewal_not_open" | "not_holder"
                ) =>
            {
                crate::i18n::HOLDER_REFUSED
            }
            ApiError::Server { status: 409, .. } => crate::i18n::REFUSED_CONFLICT,
            ApiError::Server { status: 413, .. } => crate::i18n::REFUSED_TOO_LARGE,
            _ => crate::i18n::REFUSED_OTHER,
        }
    }
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

/// A fetch's failure in words, read from the error rather than printed with its `Display`:
/// gloo's and serde_json's printers (every JSON message, `io::Error`'s kinds) are 0.7 KB gzip
/// of the first load, for text no page shows.
fn net_error(error: gloo::net::Error) -> String {
    match error {
        gloo::net::Error::JsError(error) => error.message,
        gloo::net::Error::GlooError(why) => why,
        gloo::net::Error::SerdeError(error) => json_error(&error),
    }
}

/// Where a JSON text stops being what this app reads (see [`net_error`]).
pub fn json_error(error: &serde_json::Error) -> String {
    format!(
        "not the JSON expected (line {}, column {})",
        error.line(),
        error.column()
    )
}

/// A `contract::ErrorBody`: `error` and `message` required, `fields` when there are some.
fn error_body(v: &Value) -> Option<(String, String, FieldIssues)> {
    Some((
        str_of(v, "error")?,
        str_of(v, "message")?,
        optional(v, "fields", field_issues)?.unwrap_or_default(),
    ))
}

/// The server's error answer, and the per-field findings it carries (422).
async fn error_from(response: Response) -> (ApiError, FieldIssues) {
    let (status, status_text) = (response.status(), response.status_text());
    // Through the one text-and-parse path every answer takes (no second JSON reader).
    let body = match read_text(response).await {
        Ok(text) => picked(&text, error_body),
        Err(error) => Err(error),
    };
    match body {
        Ok((code, message, fields)) => (
            ApiError::Server {
                status,
                code,
                message,
            },
            fields,
        ),
        Err(_) => (
            ApiError::Server {
                status,
                code: "http_error".into(),
                message: status_text,
            },
            FieldIssues::new(),
        ),
    }
}

// The fetching is not generic: one copy of it serves every kind of answer, and only the
// parsing is instantiated per answer type.

/// The body of a successful answer, as text.
async fn read_text(response: Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|e| ApiError::Unreadable(net_error(e)))
}

/// An answer's members, picked from its parsed text (`crate::json`: one reader for every
/// answer instead of a derived one per answer type); `read` answers `None` when one is
/// missing or of another type.
fn picked<T>(json: &str, read: impl FnOnce(&Value) -> Option<T>) -> Result<T, ApiError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| ApiError::Unreadable(json_error(&e)))?;
    read(&value).ok_or_else(|| ApiError::Unreadable("not the answer expected".into()))
}

async fn get_text(path: &str) -> Result<String, ApiError> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|e| ApiError::Network(net_error(e)))?;
    if !response.ok() {
        return Err(error_from(response).await.0);
    }
    read_text(response).await
}

async fn get_json<T>(path: &str, read: impl FnOnce(&Value) -> Option<T>) -> Result<T, ApiError> {
    picked(&get_text(path).await?, read)
}

/// What the footer shows of a `signer::PublicKeyEntry` of `GET /api/keys` (`signer::KeySet`'s
/// JSON, read as its entries only): the other members (the key itself, its validity) are
/// skipped unread. The applicant app shows the keys and never verifies with them: a `KeySet`
/// parses every key as a curve point when it is read, which put Ed25519 field arithmetic into
/// this wasm.
pub struct IssuerKey {
    pub kid: String,
    pub issuer: String,
    pub issuer_name: Option<String>,
    pub issuer_name_en: Option<String>,
}

/// The issuing authority's public keys, current and retired (`GET /api/keys`).
pub async fn fetch_issuer_keys() -> Result<Vec<IssuerKey>, ApiError> {
    get_json("/api/keys", issuer_keys).await
}

fn issuer_keys(v: &Value) -> Option<Vec<IssuerKey>> {
    let name = |key: &Value, member| optional(key, member, |n| n.as_str().map(str::to_owned));
    v.get("keys")?
        .as_array()?
        .iter()
        .map(|key| {
            Some(IssuerKey {
                kid: str_of(key, "kid")?,
                issuer: str_of(key, "issuer")?,
                issuer_name: name(key, "issuer_name")?,
                issuer_name_en: name(key, "issuer_name_en")?,
            })
        })
        .collect()
}

/// Registered enterprise data for pre-fill (`GET /api/registry/{credit_code}`); `Ok(None)`
/// when the registry does not know the code (a new enterprise types its data).
pub async fn lookup_registry(credit_code: &str) -> Result<Option<FormValues>, ApiError> {
    let path = format!("/api/registry/{credit_code}");
    match get_json(&path, |v| form_values(v.get("values")?)).await {
        Ok(values) => Ok(Some(values)),
        Err(ApiError::Server { status: 404, .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// What the server said to an application.
pub enum SubmitOutcome {
    Issued(Box<IssuedLicense>),
    /// 202: received; at least one department reviews it (or the applicant's correction or
    /// decision is awaited). What happens next is learnt by syncing.
    Received(Box<Tracking>),
    /// 422: the fields to fix, with messages in both languages.
    NeedsChanges(FieldMap<Text>),
}

/// `contract::IssuedAnswer` with its license as text, kept as received.
#[derive(Deserialize)]
struct IssuedAnswer {
    license: Box<serde_json::value::RawValue>,
}

/// Sends an application (`POST /api/applications`). Sending the same id again is safe: the
/// server answers with the license it already issued for it.
pub async fn submit(entry: &OutboxEntry) -> Result<SubmitOutcome, ApiError> {
    let response = post("/api/applications", entry.application_json()).await?;
    match response.status() {
        200 | 201 => {
            let answer: IssuedAnswer = serde_json::from_str(&read_text(response).await?)
                .map_err(|e| ApiError::Unreadable(json_error(&e)))?;
            let license = IssuedLicense::parse(answer.license.get().to_owned())
                .map_err(|e| ApiError::Unreadable(json_error(&e)))?;
            Ok(SubmitOutcome::Issued(Box::new(license)))
        }
        202 => Ok(SubmitOutcome::Received(Box::new(parse_tracking(
            read_text(response).await?,
        )?))),
        422 => {
            // The draft shows and keeps each finding's words, not its code.
            let findings = error_from(response).await.1;
            Ok(SubmitOutcome::NeedsChanges(
                findings
                    .iter()
                    .map(|(field, issue)| (field.clone(), issue.text()))
                    .collect(),
            ))
        }
        _ => Err(error_from(response).await.0),
    }
}

/// POSTs a JSON body; the answer whatever its status.
async fn post(path: &str, json: serde_json::Result<String>) -> Result<Response, ApiError> {
    let json = json.map_err(|e| ApiError::Unreadable(json_error(&e)))?;
    Request::post(path)
        .header("Content-Type", "application/json")
        .body(json)
        .map_err(|e| ApiError::Unreadable(net_error(e)))?
        .send()
        .await
        .map_err(|e| ApiError::Network(net_error(e)))
}

/// The applicant's answer to a refusal (`POST /api/applications/{id}/decision`): where the
/// application stands then.
pub async fn decide(decision: &ApplicantDecision) -> Result<Tracking, ApiError> {
    let path = format!("/api/applications/{}/decision", decision.application.id);
    let response = post(&path, serde_json::to_string(decision)).await?;
    if !response.ok() {
        return Err(error_from(response).await.0);
    }
    parse_tracking(read_text(response).await?)
}

/// The status of an application (`GET /api/applications/{id}`).
pub async fn track(id: &str) -> Result<Tracking, ApiError> {
    parse_tracking(get_text(&format!("/api/applications/{id}")).await?)
}

/// Where an application stands, with the text it came in (kept as received).
fn parse_tracking(json: String) -> Result<Tracking, ApiError> {
    Tracking::parse(json).map_err(|e| ApiError::Unreadable(json_error(&e)))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[test]
    fn an_error_answer_reads_its_code_message_and_findings_and_a_stranger_is_unreadable() {
        let body = r#"{"error":"invalid","message":"fix","fields":{
            "phone":{"code":"format","zh":"手机号","en":"Phone"},"name":{"zh":"名称","en":"Name"}}}"#;
        let (code, message, fields) = picked(body, error_body).unwrap();
        assert_eq!((code.as_str(), message.as_str()), ("invalid", "fix"));
        assert_eq!(fields.get("phone").map(|i| i.code.as_str()), Some("format"));
        assert_eq!(fields.get("name").map(|i| i.en.as_str()), Some("Name"));
        let plain = picked(r#"{"error":"gone","message":"m"}"#, error_body).unwrap();
        assert!(plain.2.is_empty());
        for stranger in [
            r#"{"error":"x"}"#,
            r#"{"error":"x","message":"m","fields":{"a":{"zh":"z"}}}"#,
            "<html>",
        ] {
            assert!(matches!(
                picked(stranger, error_body),
                Err(ApiError::Unreadable(_))
            ));
        }
    }

    #[test]
    fn the_issuer_keys_are_read_as_their_entries_only() {
        let keys = r#"{"keys":[{"kid":"k1","issuer":"310115","public_key":"AAAA",
            "issuer_name":"浦东新区","issuer_name_en":"Pudong"},{"kid":"k0","issuer":"310115"}]}"#;
        let keys = picked(keys, issuer_keys).unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.kid.as_str(), k.issuer_name_en.as_deref()))
                .collect::<Vec<_>>(),
            [("k1", Some("Pudong")), ("k0", None)]
        );
        assert!(picked(r#"{"keys":[{"kid":"k1"}]}"#, issuer_keys).is_err());
    }
}
