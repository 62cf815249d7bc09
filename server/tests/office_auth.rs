//! Staff accounts and sessions: login, `me`, logout, the cookie's attributes, refusals (and
//! their audit entries), the growing delay after failed logins, CSRF, sessions shared by
//! instances on one database, and `server staff add` as a process. Every test that touches the
//! ledger runs on SQLite and on PostgreSQL (`on_both!`).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use axum::Router;
use axum::http::{StatusCode, header};
use common::office::{HOST, PASSWORD, add_named, login, request, session_cookie};
use common::{Backend, TempDir, TestLedger, on_both, send};
use serde_json::json;
use server::{AppState, Clock, Config, Role, app};

impl TestLedger {
    /// A server instance on this ledger, with its own clock and cookie setting.
    async fn state_on(&self, clock: Clock, secure_cookies: bool) -> AppState {
        self.open(Config {
            clock,
            secure_cookies,
            ..self.config()
        })
        .await
    }

    /// The audit log as the ledger holds it.
    async fn audit(&self) -> Vec<contract::AuditEntry> {
        self.database
            .open(&[])
            .await
            .unwrap()
            .audit_entries(None)
            .await
            .unwrap()
    }
}

on_both!(
    login_me_logout_with_a_strict_http_only_cookie,
    wrong_passwords_and_unknown_users_get_the_same_401_and_are_audited,
    failed_logins_lock_the_account_for_a_growing_time,
    no_session_and_cross_site_requests_are_refused_and_audited,
    a_session_from_one_instance_is_valid_on_another,
    expired_sessions_are_not_loaded_and_are_removed,
);

async fn add_reviewer(state: &AppState, username: &str) {
    add_named(state, username, "安 Ann", Role::Reviewer, Some("amr")).await;
}

async fn login_me_logout_with_a_strict_http_only_cookie(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-login", backend).await else {
        return;
    };
    let state = ledger.state_on(Clock::System, false).await;
    add_reviewer(&state, "ann").await;
    let app = app(state);

    let (status, headers, body) = send(&app, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"username": "ann", "display_name": "安 Ann", "role": "reviewer", "department": "amr"})
    );
    let (cookie, line) = session_cookie(&headers);
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/office",
        "Max-Age=28800",
    ] {
        assert!(line.contains(attribute), "{attribute} missing: {line}");
    }
    assert!(!line.contains("Secure"), "plain HTTP: {line}");

    let (status, _, me) = send(&app, request("GET", "/api/office/me", Some(&cookie), None)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me, body);

    let (status, headers, _) = send(
        &app,
        request("POST", "/api/office/logout", Some(&cookie), None),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, cleared) = session_cookie(&headers);
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie signs nobody in any more: the session is gone from the ledger.
    let (status, _, refused) =
        send(&app, request("GET", "/api/office/me", Some(&cookie), None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused["error"], "not_signed_in");

    let actions: Vec<(String, String)> = ledger
        .audit()
        .await
        .into_iter()
        .map(|e| (e.actor, e.action))
        .collect();
    for expected in [("ann", "login"), ("ann", "logout")] {
        assert!(
            actions.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} not in {actions:?}"
        );
    }

    // Behind HTTPS (`--secure-cookies`) the cookie is Secure too.
    let secure = app_on(&ledger, Clock::System, true).await;
    let (status, headers, _) = send(&secure, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, line) = session_cookie(&headers);
    assert!(line.contains("; Secure"), "{line}");
}

async fn app_on(ledger: &TestLedger, clock: Clock, secure: bool) -> Router {
    app(ledger.state_on(clock, secure).await)
}

async fn wrong_passwords_and_unknown_users_get_the_same_401_and_are_audited(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-wrong", backend).await else {
        return;
    };
    let state = ledger.state_on(Clock::System, false).await;
    add_reviewer(&state, "ann").await;
    let app = app(state);

    let wrong = "wrong password 123";
    let (status, headers, wrong_answer) = send(&app, login("ann", wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_answer["error"], "invalid_credentials");
    assert!(headers.get(header::SET_COOKIE).is_none());
    let (status, _, unknown_answer) = send(&app, login("nobody", wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_answer, wrong_answer, "nothing tells the two apart");

    let failed: Vec<(String, String)> = ledger
        .audit()
        .await
        .into_iter()
        .inspect(|e| {
            assert!(
                !e.detail.contains(wrong) && !e.actor.contains(wrong),
                "{e:?}"
            );
        })
        .filter(|e| e.action == "login_failed")
        .map(|e| (e.actor, e.detail))
        .collect();
    assert_eq!(
        failed,
        [
            ("ann".to_owned(), "wrong password".to_owned()),
            ("nobody".to_owned(), "unknown user".to_owned())
        ]
    );
}

async fn failed_logins_lock_the_account_for_a_growing_time(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-delay", backend).await else {
        return;
    };
    let t: i64 = 1_800_000_000;
    // Instances on one ledger whose fixed clocks stand at t, t+4 and t+12: time passing.
    let at = |seconds: i64| Clock::Fixed(t + seconds);
    let state = ledger.state_on(at(0), false).await;
    add_reviewer(&state, "ann").await;
    let now = app(state);

    for attempt in 1..=3 {
        let (status, _, body) = send(&now, login("ann", "not the password")).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {body}"
        );
    }
    // The third failure locked the account for 2^2 = 4 s: even the right password waits.
    let (status, headers, body) = send(&now, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_attempts");
    assert_eq!(headers[header::RETRY_AFTER], "4");

    // 4 s later: tried again; a fourth failure locks for 8 s.
    let later = app_on(&ledger, at(4), false).await;
    let (status, _, _) = send(&later, login("ann", "still not it")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, _) = send(&later, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "8");

    // Once that has passed, the right password signs in and the count starts again.
    let after = app_on(&ledger, at(12), false).await;
    let (status, _, body) = send(&after, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = send(&after, login("ann", "a slip")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = send(&after, login("ann", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "one failure does not lock: {body}");

    let refused = ledger
        .audit()
        .await
        .into_iter()
        .filter(|e| e.detail == "locked after failed logins")
        .count();
    assert_eq!(refused, 2, "both refusals while locked are audited");
}

async fn no_session_and_cross_site_requests_are_refused_and_audited(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-refuse", backend).await else {
        return;
    };
    let state = ledger.state_on(Clock::System, false).await;
    add_reviewer(&state, "ann").await;
    let app = app(state);

    // No cookie, a made-up one, a malformed one.
    for cookie in [
        None,
        Some("yiye_session=AAAAAAAAAAAAAAAAAAAAAA"),
        Some("yiye_session=%%"),
    ] {
        let (status, _, body) = send(&app, request("GET", "/api/office/me", cookie, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{cookie:?}");
        assert_eq!(body["error"], "not_signed_in");
    }
    let (status, _, _) = send(&app, request("POST", "/api/office/logout", None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A login from another site's page, and one sent as a form: refused before any check.
    let mut cross = login("ann", PASSWORD);
    cross
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let (status, headers, body) = send(&app, cross).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "cross_site_request");
    assert!(headers.get(header::SET_COOKIE).is_none());
    let mut form = login("ann", PASSWORD);
    form.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let (status, _, _) = send(&app, form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Signed in, a cross-site logout is refused too, and recorded under the member's name;
    // from the same origin it goes through.
    let (_, headers, _) = send(&app, login("ann", PASSWORD)).await;
    let (cookie, _) = session_cookie(&headers);
    let mut cross = request("POST", "/api/office/logout", Some(&cookie), None);
    cross
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    let (status, _, _) = send(&app, cross).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut same = request("POST", "/api/office/logout", Some(&cookie), None);
    same.headers_mut()
        .insert(header::ORIGIN, format!("http://{HOST}").parse().unwrap());
    let (status, _, _) = send(&app, same).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let denied: Vec<(String, String)> = ledger
        .audit()
        .await
        .into_iter()
        .filter(|e| e.action == "access_denied")
        .map(|e| (e.actor, e.detail))
        .collect();
    let expected = [
        ("anonymous", "not signed in: GET /api/office/me"),
        ("anonymous", "not signed in: GET /api/office/me"),
        ("anonymous", "not signed in: GET /api/office/me"),
        ("anonymous", "not signed in: POST /api/office/logout"),
        ("anonymous", "cross-site request: POST /api/office/login"),
        ("anonymous", "not JSON: POST /api/office/login"),
        ("ann", "cross-site request: POST /api/office/logout"),
    ]
    .map(|(a, d)| (a.to_owned(), d.to_owned()));
    assert_eq!(denied, expected);
}

async fn a_session_from_one_instance_is_valid_on_another(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-shared", backend).await else {
        return;
    };
    let one = ledger.state_on(Clock::System, false).await;
    add_reviewer(&one, "ann").await;
    let one = app(one);
    let other = app_on(&ledger, Clock::System, false).await;

    let (_, headers, _) = send(&one, login("ann", PASSWORD)).await;
    let (cookie, _) = session_cookie(&headers);
    let (status, _, me) = send(
        &other,
        request("GET", "/api/office/me", Some(&cookie), None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["username"], "ann");
    // Signed out on the other instance: signed out on the first as well.
    let (status, _, _) = send(
        &other,
        request("POST", "/api/office/logout", Some(&cookie), None),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = send(&one, request("GET", "/api/office/me", Some(&cookie), None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn expired_sessions_are_not_loaded_and_are_removed(backend: Backend) {
    let Some(ledger) = TestLedger::new("auth-expiry", backend).await else {
        return;
    };
    std::fs::create_dir_all(ledger.root.join("data")).unwrap();
    let db = ledger.database.open(&[]).await.unwrap();
    let session = |expires_at| server::ledger::StoredSession {
        data: "{}".into(),
        expires_at,
    };
    assert!(db.create_session("old".into(), session(100)).await.unwrap());
    assert!(db.create_session("new".into(), session(500)).await.unwrap());
    assert!(
        !db.create_session("new".into(), session(900)).await.unwrap(),
        "an id is never given twice"
    );
    assert_eq!(
        db.session("old".into(), 99).await.unwrap(),
        Some(session(100))
    );
    assert_eq!(
        db.session("old".into(), 100).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(db.delete_expired_sessions(100).await.unwrap(), 1);
    assert_eq!(db.session("old".into(), 0).await.unwrap(), None, "removed");
    assert_eq!(
        db.session("new".into(), 100).await.unwrap(),
        Some(session(500))
    );
}

/// `server staff add` as an operator runs it: the password on stdin.
fn staff_command(data: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("staff")
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("YIYE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_staff_add_command_creates_an_argon2id_account_that_signs_in() {
    let temp = TempDir::new("auth-cli");
    let data = temp.0.join("data");
    let add = [
        "add",
        "--username",
        "ann",
        "--role",
        "reviewer",
        "--department",
        "amr",
        "--name",
        "Ann Li",
    ];

    let short = staff_command(&data, &add, "too short\n");
    assert!(!short.status.success());
    let said = String::from_utf8_lossy(&short.stderr);
    assert!(said.contains("at least 12 characters"), "{said}");
    let mut no_department = add.to_vec();
    no_department.drain(5..7);
    let refused = staff_command(&data, &no_department, &format!("{PASSWORD}\n"));
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--department one of amr"), "{said}");

    let added = staff_command(&data, &add, &format!("{PASSWORD}\n"));
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let hash: String = rusqlite::Connection::open(data.join("yiye.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT password_hash FROM staff WHERE username = 'ann'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    let listed = staff_command(&data, &["list"], "");
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(listed, "ann\treviewer\tamr\tAnn Li\n");
    assert!(!listed.contains("argon2"));

    // The server on that data directory signs the account in (the line ending was not part
    // of the password).
    let server = common::Server::start(&data);
    let res = common::request(
        server.addr,
        "POST",
        "/api/office/login",
        &[("Content-Type", "application/json")],
        Some(
            json!({ "username": "ann", "password": PASSWORD })
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert!(
        res.header("set-cookie")
            .is_some_and(|c| c.contains("HttpOnly"))
    );

    // A new password, again from stdin.
    let new_password = "another long password";
    let passwd = staff_command(
        &data,
        &["passwd", "--username", "ann"],
        &format!("{new_password}\r\n"),
    );
    assert!(
        passwd.status.success(),
        "{}",
        String::from_utf8_lossy(&passwd.stderr)
    );
    let res = common::request(
        server.addr,
        "POST",
        "/api/office/login",
        &[("Content-Type", "application/json")],
        Some(
            json!({ "username": "ann", "password": new_password })
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(res.status, 200);
}
