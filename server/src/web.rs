//! Cross-cutting HTTP: static files from `dist/`, security headers, JSON for every error, logs.

use std::path::Path;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;
use tower_sessions::Session;

use crate::AppState;
use crate::error::AppError;
use crate::services::catalog::truncate;
use crate::services::staff::Actor;
use crate::sessions::STAFF_KEY;

/// Scripts only from us, plus wasm compilation; Yew sets inline styles, so `style-src` allows
/// them. `connect-src` is ours plus the origins of other issuers' status URLs (see [`csp`]).
const CSP_BEFORE_CONNECT: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
    connect-src 'self'";
const CSP_AFTER_CONNECT: &str = "; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The policy letting pages fetch from this server and from `origins` (the trust list's
/// status URLs: the inspector reads every issuer's revocation list).
fn csp(origins: &[String]) -> String {
    let mut policy = CSP_BEFORE_CONNECT.to_owned();
    for origin in origins {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy.push_str(CSP_AFTER_CONNECT);
    policy
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let trust = state.services().trust_list().await;
    let origins = trust.as_ref().map_or(&[][..], |t| &t.status_origins[..]);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // The origins are checked to be plain `scheme://host:port` when the list is read.
    let policy = HeaderValue::from_str(&csp(origins))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    h.insert(header::CONTENT_SECURITY_POLICY, policy);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=()"),
    );
    res
}

/// Errors produced below the handlers (405, 408 timeouts, static 404s, …) come with empty or
/// plain-text bodies; give every one of them the API's JSON shape.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return res;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::RANGE_NOT_SATISFIABLE => "range_not_satisfiable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let (mut parts, _) = res.into_parts();
    let mut json = AppError::new(status, code, message).into_response();
    // Keep what the client needs (e.g. `Allow` on 405), drop the old body's framing.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CACHE_CONTROL);
    for (name, value) in parts.headers.iter() {
        json.headers_mut().insert(name.clone(), value.clone());
    }
    json
}

/// One line per request: method, route template (never the concrete path, which may carry
/// ids), status and latency. No bodies, no query strings.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let api = req.uri().path().starts_with("/api");
    let res = next.run(req).await;
    tracing::info!(
        %method,
        route = matched
            .as_ref()
            .map_or(if api { "/api/*" } else { "static" }, |p| p.as_str()),
        status = res.status().as_u16(),
        micros = start.elapsed().as_micros() as u64,
        "request"
    );
    res
}

/// Unknown `/api/...` paths.
pub async fn api_not_found() -> AppError {
    AppError::not_found("no such API route")
}

/// `dist/`: hashed assets forever, everything else revalidated; navigations fall back to
/// `index.html` so the single-page app can route.
pub async fn static_files(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/api" || path.starts_with("/api/") {
        return api_not_found().await.into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    // ServeDir would refuse to leave dist/ anyway; refusing outright keeps traversal attempts
    // from falling back to the app shell.
    let lower = path.to_ascii_lowercase();
    if ["..", "%2e", "%2f", "%5c", "%00", "\\"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return AppError::bad_request("invalid_path", "the path is not allowed").into_response();
    }
    let dist = state.dist_dir();
    let navigation = !path.rsplit('/').next().unwrap_or("").contains('.');
    let headers = req.headers().clone();
    let method = req.method().clone();
    let mut res = serve(dist, req).await;
    if res.status() == StatusCode::NOT_FOUND && navigation {
        let mut index = Request::new(Body::empty());
        *index.method_mut() = method;
        *index.headers_mut() = headers;
        *index.uri_mut() = axum::http::Uri::from_static(app_shell(&path));
        res = serve(dist, index).await;
        cache(&mut res, "index.html");
    } else {
        cache(&mut res, &path);
    }
    res
}

/// The page a navigation falls back to: the inspector's own bundle for `/inspect/…` and for
/// `/i`, the short address the QR's URL form carries (in any case: the URL form upper-cases
/// the address to stay alphanumeric), the back office's for `/office/…`, else the applicant
/// app.
fn app_shell(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    if lower == "/i" || lower == "/inspect" || lower.starts_with("/inspect/") {
        "/inspect/index.html"
    } else if lower == "/office" || lower.starts_with("/office/") {
        "/office/index.html"
    } else {
        "/index.html"
    }
}

async fn serve(dist: &Path, req: Request) -> Response {
    // ServeDir refuses `..` and percent-encoded traversal itself; errors are I/O only.
    // The build writes .br and .gz next to each asset: phones on weak links get those.
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    match files.oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(e) => AppError::internal("static", e).into_response(),
    }
}

fn cache(res: &mut Response, path: &str) {
    if !res.status().is_success() && res.status() != StatusCode::NOT_MODIFIED {
        return;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let value = if is_hashed(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
}

/// Trunk names built assets `name-<16 hex>.ext` (and `name-<hash>_bg.wasm`).
fn is_hashed(name: &str) -> bool {
    name.split(['-', '_', '.'])
        .any(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Constant-time comparison of a bearer token against the configured admin token.
/// The one gate of every admin route, run as a route layer before any extractor: a request
/// without the admin token is refused (503 while admin is off, 401 otherwise) before its body
/// is read, let alone parsed.
pub async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match check_admin(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

fn check_admin(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), AppError> {
    let Some(expected) = state.admin_token() else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "admin_disabled",
            "admin disabled: set YIYE_ADMIN_TOKEN",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Hashing first makes both sides the same length, so the loop leaks nothing about either.
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    if given.is_empty() || diff != 0 {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer <admin token>` header is required",
        ));
    }
    Ok(())
}

/// What a request asks for, as the audit log records a refusal: method and path (bounded).
fn asked(request: &Request) -> String {
    format!(
        "{} {}",
        request.method(),
        truncate(request.uri().path(), 200)
    )
}

/// Who a refusal is recorded under when nobody is signed in.
const ANONYMOUS: &str = "anonymous";

/// The username the request's session names, if any.
async fn session_username(session: &Session) -> Option<String> {
    session.get::<String>(STAFF_KEY).await.ok().flatten()
}

/// Records a refusal of the office's access layers in the audit log; a failure to record it is
/// logged, and the refusal stands.
async fn audit_refusal(state: &AppState, actor: &str, asked: String, why: &str) {
    let detail = format!("{why}: {asked}");
    if let Err(e) = state.services().audit_refusal(actor, &detail).await {
        tracing::error!(error = %e, "could not record a refusal in the audit log");
    }
}

/// CSRF defence of every office route: a request that changes anything must be JSON (a form
/// on another site cannot send that without CORS, which we never allow) and, when the browser
/// says where it comes from (`Origin`), come from this very host. Refused 403
/// `cross_site_request`, and audited.
pub async fn same_origin(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::GET || request.method() == Method::HEAD {
        return next.run(request).await;
    }
    let headers = request.headers();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    // HTTP/2 carries the host in the URI's authority, not in a Host header.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let same_origin = match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|o| {
                o.strip_prefix("https://")
                    .or_else(|| o.strip_prefix("http://"))
            })
            .zip(host)
            .is_some_and(|(origin, host)| origin.eq_ignore_ascii_case(host)),
    };
    if json && same_origin {
        return next.run(request).await;
    }
    let actor = session_username(&session)
        .await
        .unwrap_or_else(|| ANONYMOUS.to_owned());
    let why = if json {
        "cross-site request"
    } else {
        "not JSON"
    };
    audit_refusal(&state, &actor, asked(&request), why).await;
    AppError::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        "office requests that change something must be JSON from this site",
    )
    .into_response()
}

/// The gate of every signed-in office route: resolves the session to the member of staff (as
/// the ledger has them now) and puts their [`Actor`] and [`contract::StaffMember`] into the
/// request's extensions; without a valid session, 401 `not_signed_in`, audited.
pub async fn require_staff(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let username = session_username(&session).await;
    let resolved = match &username {
        Some(name) => match state.services().signed_in(name).await {
            Ok(found) => found,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let Some((actor, member)) = resolved else {
        if username.is_some() {
            // The account is gone: so is its session.
            if let Err(e) = session.flush().await {
                tracing::error!(error = %e, "could not end a session");
            }
        }
        let actor = username.unwrap_or_else(|| ANONYMOUS.to_owned());
        audit_refusal(&state, &actor, asked(&request), "not signed in").await;
        return AppError::new(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "sign in to the back office first",
        )
        .into_response();
    };
    request.extensions_mut().insert::<Actor>(actor);
    request.extensions_mut().insert(member);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::{app_shell, csp, is_hashed};

    #[test]
    fn connect_src_names_the_status_origins() {
        let plain = csp(&[]);
        assert!(
            plain.contains("connect-src 'self'; worker-src 'self'"),
            "{plain}"
        );
        assert!(
            plain.starts_with("default-src 'self'; script-src"),
            "{plain}"
        );
        assert!(plain.ends_with("form-action 'self'"), "{plain}");
        let peers = csp(&[
            "https://a.example.cn".into(),
            "http://127.0.0.1:9000".into(),
        ]);
        assert!(
            peers.contains(
                "connect-src 'self' https://a.example.cn http://127.0.0.1:9000; worker-src"
            ),
            "{peers}"
        );
    }

    #[test]
    fn inspector_navigations_get_the_inspector_shell() {
        assert_eq!(app_shell("/inspect/"), "/inspect/index.html");
        assert_eq!(app_shell("/INSPECT/"), "/inspect/index.html");
        assert_eq!(app_shell("/inspect/history"), "/inspect/index.html");
        assert_eq!(app_shell("/inspector"), "/index.html");
        assert_eq!(app_shell("/I"), "/inspect/index.html");
        assert_eq!(app_shell("/i"), "/inspect/index.html");
        assert_eq!(app_shell("/items"), "/index.html");
        assert_eq!(app_shell("/i/x"), "/index.html");
        assert_eq!(app_shell("/track/abc"), "/index.html");
    }

    #[test]
    fn office_navigations_get_the_office_shell() {
        assert_eq!(app_shell("/office"), "/office/index.html");
        assert_eq!(app_shell("/office/"), "/office/index.html");
        assert_eq!(
            app_shell("/office/applications/a1-b2"),
            "/office/index.html"
        );
        assert_eq!(app_shell("/office/audit"), "/office/index.html");
        assert_eq!(app_shell("/offices"), "/index.html");
        assert_eq!(app_shell("/track/office"), "/index.html");
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed("frontend-3f2a9c0d1e2b4a5c.js"));
        assert!(is_hashed("frontend-3f2a9c0d1e2b4a5c_bg.wasm"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("sw.js"));
        assert!(!is_hashed("manifest.webmanifest"));
    }
}
