//! The review workflow through the office's own routes, with signed-in staff (session
//! cookies): each reviewer's queue and view of their department, refusals of another
//! department's work (403, audited), decisions and inspections, and the supervisor's audit
//! log naming who did what. On SQLite and on PostgreSQL (`on_both!`).

mod common;

use axum::http::StatusCode;
use common::office::{add, audit_actions, request, sign_in};
use common::{Backend, TestLedger, on_both, send};
use serde_json::{Value, json};
use server::{Role, app};

on_both!(reviewers_decide_their_own_departments_permits_and_the_log_names_them);

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
    let (status, _, answer) = send(
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
    let (status, _, _) = send(&app, request("GET", "/api/office/tasks", None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let ann = sign_in(&app, "ann").await;
    let dan = sign_in(&app, "dan").await;
    let sue = sign_in(&app, "sue").await;
    let (status, _, tasks) =
        send(&app, request("GET", "/api/office/tasks", Some(&ann), None)).await;
    assert_eq!(status, StatusCode::OK, "{tasks}");
    let permits: Vec<&str> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["permit"].as_str().unwrap())
        .collect();
    assert_eq!(permits, ["food_business"]);
    assert_eq!(tasks["tasks"][0]["urgency"], "new");
    let (status, _, _) = send(
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

    let (status, _, view) = send(
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
    let (status, _, err) = send(
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
    let (status, _, view) = send(
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
    let (status, _, view) = send(
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
    let (status, _, view) = send(
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
    let (status, _, err) = send(
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
    let (status, _, _) = send(&app, request("GET", "/api/office/audit", Some(&ann), None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let actions = audit_actions(&app, &sue, "office-1").await;
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
