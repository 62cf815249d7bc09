//! The office's side through `app()`: staff accounts, requests with the session cookie,
//! signing in.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};
use server::{AppState, NewStaff, Role};

use super::send;

/// Every staff account's password in the tests.
pub const PASSWORD: &str = "correct horse battery staple";
/// The Host every request names (the CSRF check compares Origin with it).
pub const HOST: &str = "office.test";

/// Adds a staff account (password [`PASSWORD`]) named `username`, shown as `display_name`.
pub async fn add_named(
    state: &AppState,
    username: &str,
    display_name: &str,
    role: Role,
    department: Option<&str>,
) {
    state
        .staff()
        .add(NewStaff {
            username: username.into(),
            display_name: display_name.into(),
            role,
            department: department.map(str::to_owned),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
}

/// Adds a staff account shown by its username.
pub async fn add(state: &AppState, username: &str, role: Role, department: Option<&str>) {
    add_named(state, username, username, role, department).await;
}

/// A request to `path` on [`HOST`], with the session cookie when given; JSON when not a GET.
pub fn request(
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    if method != "GET" {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap()
}

pub fn login(username: &str, password: &str) -> Request<Body> {
    request(
        "POST",
        "/api/office/login",
        None,
        Some(&json!({ "username": username, "password": password })),
    )
}

/// The `yiye_session=…` pair a response sets, and the whole Set-Cookie line.
pub fn session_cookie(headers: &HeaderMap) -> (String, String) {
    let line = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("yiye_session="))
        .expect("a yiye_session cookie");
    let pair = line.split(';').next().unwrap().to_owned();
    (pair, line)
}

/// Signs in; the session cookie to send.
pub async fn sign_in(app: &Router, username: &str) -> String {
    let (status, headers, body) = send(app, login(username, PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    session_cookie(&headers).0
}

/// The office's audit log of one application as `actor action permit` lines (`-` for none),
/// read by the supervisor signed in with `cookie`.
pub async fn audit_actions(app: &Router, cookie: &str, application: &str) -> Vec<String> {
    let (status, _, log) = send(
        app,
        request(
            "GET",
            &format!("/api/office/audit?application={application}"),
            Some(cookie),
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["actor"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["permit"].as_str().unwrap_or("-")
            )
        })
        .collect()
}
