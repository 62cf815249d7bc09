//! The review workflow through the office's own routes, with signed-in staff (session
//! cookies): each reviewer's queue and view of their department, refusals of another
//! department's work (403, audited), decisions and inspections, and the supervisor's audit
//! log naming who did what. On SQLite and on PostgreSQL (`on_both!`).

mod common;

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Backend, TempDir};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, Clock, Config, Database, NewStaff, Role, app};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";
const HOST: &str = "office.test";

struct TestLedger {
    root: PathBuf,
    database: Database,
    _temp: TempDir,
}

impl TestLedger {
    async fn new(tag: &str, backend: Backend) -> Option<Self> {
        let temp = TempDir::new(tag);
        let database = match backend {
            Backend::Sqlite => Database::Sqlite(temp.0.join("data/yiye.sqlite3")),
            Backend::Postgres => Database::Postgres(common::postgres_database(tag).await?),
        };
        Some(Self {
            root: temp.0.clone(),
            database,
            _temp: temp,
        })
    }

    async fn state(&self) -> AppState {
        let dist = self.root.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        AppState::open(Config {
            data_dir: self.root.join("data"),
            dist_dir: dist,
            admin_token: None,
            issuer: "yiye-test".into(),
            authority_name: contract::Text::new("测试审批局", "Test Approval Bureau"),
            key_dir: None,
            database: Some(self.database.clone()),
            clock: Clock::System,
            secure_cookies: false,
            trust: None,
            status_max_age_days: server::DEFAULT_STATUS_MAX_AGE_DAYS,
            elicense: server::ElicenseConfig::default(),
        })
        .await
        .unwrap()
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Backend::Postgres).await
                }
            }
        )*
    };
}

on_both!(reviewers_decide_their_own_departments_permits_and_the_log_names_them);

async fn add(state: &AppState, username: &str, role: Role, department: Option<&str>) {
    state
        .staff()
        .add(NewStaff {
            username: username.into(),
            display_name: username.into(),
            role,
            department: department.map(str::to_owned),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("yiye_session="))
        .map(|v| v.split(';').next().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let mut body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if let (Some(cookie), Value::Object(map)) = (cookie, &mut body) {
        map.insert("__cookie".into(), cookie.into());
    }
    (status, body)
}

fn request(method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> Request<Body> {
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

/// Signs in; the session cookie to send.
async fn sign_in(app: &Router, username: &str) -> String {
    let (status, body) = send(
        app,
        request(
            "POST",
            "/api/office/login",
            None,
            Some(&json!({"username": username, "password": PASSWORD})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["__cookie"].as_str().unwrap().to_owned()
}

fn permit<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["permits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

async fn reviewers_decide_their_own_departments_permits_and_the_log_names_them(backend: Backend) {
    let Some(ledger) = TestLedger::new("office-review", backend).await else {
        return;
    };
    let state = ledger.state().await;
    add(&state, "ann", Role::Reviewer, Some("amr")).await;
    add(&state, "dan", Role::Reviewer, Some("amr-drugs")).await;
    add(&state, "sue", Role::Supervisor, None).await;
    let app = app(state);
    let (status, answer) = send(
        &app,
        request(
            "POST",
            "/api/applications",
            None,
            Some(&common::review_application("office-1", 4)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");

    // Nobody signed in: nothing.
    let (status, _) = send(&app, request("GET", "/api/office/tasks", None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let ann = sign_in(&app, "ann").await;
    let dan = sign_in(&app, "dan").await;
    let sue = sign_in(&app, "sue").await;
    let (status, tasks) = send(&app, request("GET", "/api/office/tasks", Some(&ann), None)).await;
    assert_eq!(status, StatusCode::OK, "{tasks}");
    let permits: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["permit"].as_str().unwrap())
        .collect();
    assert_eq!(permits, ["food_business"]);
    assert_eq!(tasks["tasks"][0]["urgency"], "new");
    let (status, _) = send(
        &app,
        request(
            "GET",
            "/api/office/tasks?department=amr-drugs",
            Some(&ann),
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, view) = send(
        &app,
        request("GET", "/api/office/applications/office-1", Some(&ann), None),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(permit(&view, "food_business")["may_decide"], true);
    assert_eq!(permit(&view, "drug_retail")["may_decide"], false);
    assert!(
        view["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "business_name" && f["registry_confirmed"] == true)
    );

    // Another department's permit: refused.
    let approve = json!({"decision": "approve"});
    let (status, err) = send(
        &app,
        request(
            "POST",
            "/api/office/applications/office-1/permits/drug_retail/decision",
            Some(&ann),
            Some(&approve),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");

    // Ann asks for a correction (held); Dan inspects and approves: the correction goes out.
    let (status, view) = send(
        &app,
        request(
            "POST",
            "/api/office/applications/office-1/permits/food_business/decision",
            Some(&ann),
            Some(&json!({"decision": "request_correction", "messages": {"contact_phone": {"zh": "电话无法接通", "en": "The phone does not answer"}}})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "under_review");
    let inspection = json!({"date": common::INSPECTED_ON, "inspector": "丁 Dan", "result": "passed", "note": ""});
    let (status, view) = send(
        &app,
        request(
            "POST",
            "/api/office/applications/office-1/permits/drug_retail/inspections",
            Some(&dan),
            Some(&inspection),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    let (status, view) = send(
        &app,
        request(
            "POST",
            "/api/office/applications/office-1/permits/drug_retail/decision",
            Some(&dan),
            Some(&approve),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "correction_requested");
    let (status, err) = send(
        &app,
        request(
            "POST",
            "/api/office/applications/office-1/permits/drug_retail/decision",
            Some(&dan),
            Some(&approve),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "not_pending");

    // The audit log: the supervisor's, not a reviewer's; every action with its actor.
    let (status, _) = send(&app, request("GET", "/api/office/audit", Some(&ann), None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, log) = send(
        &app,
        request(
            "GET",
            "/api/office/audit?application=office-1",
            Some(&sue),
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let actions: Vec<String> = log
        .as_array()
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
        .collect();
    assert_eq!(
        actions,
        [
            "ann application.view -",
            "ann access_denied drug_retail",
            "ann decision.request_correction food_business",
            "dan inspection drug_retail",
            "dan decision.approve drug_retail",
        ]
    );
}
