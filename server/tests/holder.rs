//! The holder's side of a license's life (#18) through `POST /api/applications` with
//! `license`, on SQLite and on PostgreSQL: a change granted on commitment issues version 2 at
//! once (same number, version 1 superseded in the status list, the history naming the field
//! changed); a change that needs a department waits (202) and its approval issues version 2;
//! a renewal is open from 90 days before the end; a cancellation is recorded (202
//! `cancelled`); two changes from the same version give one; every refusal is typed; each
//! operation is in the audit log as the holder's.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{ADMIN_TOKEN, Backend, TestLedger, application, get, on_both, send};
use serde_json::{Value, json};
use server::{Clock, Config, app};
use signer::Status;

const DAY: i64 = 86_400;

async fn open_at(ledger: &TestLedger, clock: Clock) -> Router {
    app(ledger
        .open(Config {
            admin_token: Some(ADMIN_TOKEN.into()),
            clock,
            ..ledger.config()
        })
        .await)
}

fn post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn apply(app: &Router, body: &Value) -> (StatusCode, Value) {
    let (status, _, answer) = send(app, post("/api/applications", body)).await;
    (status, answer)
}

async fn issue(app: &Router, id: &str, seed: usize) -> Value {
    let (status, body) = apply(app, &application(id, seed)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["license"].clone()
}

/// A holder's request of `number`: the first application's form (seed 0) with `edit` applied.
fn holder(
    id: &str,
    number: &str,
    based_on: u16,
    purpose: &str,
    proof: &str,
    edit: impl FnOnce(&mut Value),
) -> Value {
    let mut body = application(id, 0);
    edit(&mut body);
    body["license"] = json!({
        "number": number, "based_on": based_on, "purpose": purpose, "holder_proof": proof,
    });
    body
}

fn new_representative(body: &mut Value) {
    body["values"]["legal_rep_name"] = json!("李四");
}

/// The authority's day of `at` as `YYYY-MM-DD` and as the status list's day.
fn day(at: i64) -> (String, i64) {
    let d = catalog::Date::authority_day(at).unwrap();
    (d.to_string(), d.to_unix_days() * DAY)
}

async fn tracked(app: &Router, id: &str) -> Value {
    let (status, _, body) = send(app, get(&format!("/api/applications/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The holder's entries of the audit log: (action, application id, detail).
async fn holder_audit(ledger: &TestLedger) -> Vec<(String, String, String)> {
    ledger
        .database
        .open(&[])
        .await
        .unwrap()
        .audit_entries(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor == "holder")
        .map(|e| (e.action, e.application_id.unwrap_or_default(), e.detail))
        .collect()
}

fn refused(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"], code, "{body}");
}

on_both!(
    a_change_on_commitment_issues_version_two_at_once,
    a_change_that_needs_review_issues_version_two_when_approved,
    a_change_under_review_is_not_approved_once_the_license_moved_on,
    refusals_are_typed,
    a_renewal_opens_ninety_days_before_the_end,
    a_cancellation_is_recorded_and_ends_the_changes,
    two_changes_from_one_version_give_one,
);

async fn a_change_on_commitment_issues_version_two_at_once(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-change", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "hold-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let change = holder("hold-2", number, 1, "change", "hold-1", new_representative);

    let (status, answer) = apply(&app, &change).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["status"], "issued");
    let v2 = &answer["license"];
    assert_eq!(v2["number"], number);
    assert_eq!(v2["claims"]["version"], 2);
    assert_eq!(v2["claims"]["legal_representative"], "李四");
    assert_eq!(
        v2["valid_until"], v1["valid_until"],
        "a change keeps the term"
    );
    assert!(v2["elicense_id"].as_str().unwrap().contains(".002."));

    // Version 1 superseded today in the signed list; version 2 valid.
    let (today, today_day) = day(signer::unix_now());
    let list = common::status_list(&app).await;
    assert_eq!(
        list.status(common::status_index(&v1)),
        Some(Status::Superseded { on: today_day })
    );
    assert_eq!(list.status(common::status_index(v2)), Some(Status::Valid));

    // The same id again: the same license.
    let (status, again) = apply(&app, &change).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["license"], *v2);

    // Tracking either application: the current standing and the whole history.
    for id in ["hold-1", "hold-2"] {
        let t = tracked(&app, id).await;
        assert_eq!(t["license_number"], number, "{t}");
        assert_eq!(t["license"]["version"], 2, "{t}");
        assert_eq!(t["license"]["state"], "valid");
        let history = t["license"]["history"].as_array().unwrap();
        assert_eq!(history.len(), 2, "{t}");
        assert_eq!(history[0]["version"], 1);
        assert_eq!(history[0]["state"], "superseded");
        assert_eq!(history[0]["since"], today.as_str());
        assert_eq!(history[0].get("purpose"), None);
        assert_eq!(history[1]["purpose"], "change");
        assert_eq!(history[1]["changed"], json!(["legal_rep_name"]));
        assert_eq!(history[1]["issued_on"], today.as_str());
        assert_eq!(history[1]["state"], "valid");
        assert!(history[1]["valid_until"].is_string(), "{t}");
    }
    assert_eq!(tracked(&app, "hold-2").await["status"], "issued");

    // Version 2 is a proof too; a change from version 2 issues version 3.
    let v3 = holder("hold-3", number, 2, "change", "hold-2", |b| {
        b["values"]["legal_rep_name"] = json!("王五");
    });
    let (status, answer) = apply(&app, &v3).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["license"]["claims"]["version"], 3);

    let audit = holder_audit(&ledger).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0].0, "license.holder_change");
    assert_eq!(audit[0].1, "hold-2");
    assert!(audit[0].2.contains("legal_rep_name"), "{audit:?}");
}

async fn a_change_that_needs_review_issues_version_two_when_approved(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-review", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "rev-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    // Adding food to the business scope adds a permit a department reviews.
    let change = holder("rev-2", number, 1, "change", "rev-1", |b| {
        *b = common::application_scoped("convenience_store", "rev-2", 0, &["sells_drugs"]);
    });
    let (status, answer) = apply(&app, &change).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["status"], "under_review");
    let waiting = tracked(&app, "rev-2").await;
    assert_eq!(waiting["status"], "under_review", "{waiting}");

    for permit in waiting["permits"].as_array().unwrap() {
        if permit["status"] != "under_review" {
            continue;
        }
        let pid = permit["id"].as_str().unwrap();
        for (what, step) in common::approvals(pid) {
            let (status, _, body) = send(
                &app,
                Request::post(format!(
                    "/api/admin/applications/rev-2/permits/{pid}/{what}"
                ))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
                .body(Body::from(step.to_string()))
                .unwrap(),
            )
            .await;
            assert!(status.is_success(), "{pid} {what}: {status} {body}");
        }
    }
    // Sent again, it answers the version the approval issued: no new license.
    let (status, answer) = apply(&app, &change).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let v2 = &answer["license"];
    assert_eq!(v2["number"], number);
    assert_eq!(v2["claims"]["version"], 2);
    let list = common::status_list(&app).await;
    assert!(matches!(
        list.status(common::status_index(&v1)),
        Some(Status::Superseded { .. })
    ));
    assert_eq!(list.status(common::status_index(v2)), Some(Status::Valid));
    let t = tracked(&app, "rev-2").await;
    assert_eq!(t["status"], "issued", "{t}");
    assert_eq!(t["license"]["version"], 2);
    let history = t["license"]["history"].as_array().unwrap();
    assert!(
        history[1]["changed"]
            .as_array()
            .unwrap()
            .contains(&json!("scope.sells_food")),
        "{t}"
    );
    assert_eq!(
        holder_audit(&ledger).await.len(),
        1,
        "one entry for the version issued"
    );
}

async fn a_change_under_review_is_not_approved_once_the_license_moved_on(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-moved", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "mov-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let change = holder("mov-2", number, 1, "change", "mov-1", |b| {
        *b = common::application_scoped("convenience_store", "mov-2", 0, &["sells_drugs"]);
    });
    let (status, answer) = apply(&app, &change).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    // The authority suspends the license while the department reviews the change.
    let admin = |path: String, body: Value| {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let until = catalog::Date::authority_day(Clock::System.now() + 30 * 86_400).unwrap();
    let (status, _, body) = send(
        &app,
        admin(
            format!("/api/admin/licenses/{number}/suspension"),
            json!({"until": until.to_string(), "reason": "inspection found a fault"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Every approval is refused and says why; nothing is recorded, nothing left half-issued.
    let (status, _, body) = send(
        &app,
        admin(
            "/api/admin/applications/mov-2/permits/food_business/decision".into(),
            json!({"decision": "approve"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "license_not_valid");
    let waiting = tracked(&app, "mov-2").await;
    assert_eq!(waiting["status"], "under_review", "{waiting}");
    assert_eq!(waiting["license"]["state"], "suspended");
    // A refusal still goes through: the holder learns of it and may withdraw.
    let (status, _, body) = send(
        &app,
        admin(
            "/api/admin/applications/mov-2/permits/food_business/decision".into(),
            json!({"decision": "reject", "reason": {"zh": "许可证已暂扣", "en": "The license is suspended"}}),
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(tracked(&app, "mov-2").await["status"], "rejected");
}

async fn refusals_are_typed(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-refusals", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "ref-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let other = issue(&app, "ref-other", 1).await;
    assert_ne!(other["number"], number);

    // Another license's application, an unknown id, an unknown number: the same 403.
    for (num, proof) in [
        (number, "ref-other"),
        (number, "ref-nobody"),
        ("310115-2099-999999", "ref-1"),
    ] {
        let body = holder("ref-x", num, 1, "change", proof, new_representative);
        let (status, answer) = apply(&app, &body).await;
        refused(status, &answer, StatusCode::FORBIDDEN, "not_holder");
        assert!(answer["fields"]["license"]["zh"].is_string(), "{answer}");
    }

    let stale = holder("ref-x", number, 3, "change", "ref-1", new_representative);
    let (status, answer) = apply(&app, &stale).await;
    refused(status, &answer, StatusCode::CONFLICT, "version_changed");
    assert!(answer["message"].as_str().unwrap().contains("version 1"));

    let same = holder("ref-x", number, 1, "change", "ref-1", |_| {});
    let (status, answer) = apply(&app, &same).await;
    refused(
        status,
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_changed",
    );

    let mut other_industry = common::application_for("restaurant", "ref-x", 0);
    other_industry["license"] = json!({
        "number": number, "based_on": 1, "purpose": "change", "holder_proof": "ref-1",
    });
    let (status, answer) = apply(&app, &other_industry).await;
    refused(
        status,
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "industry_mismatch",
    );

    // A form that does not validate is refused as a new application's would be.
    let broken = holder("ref-x", number, 1, "change", "ref-1", |b| {
        b["values"]["legal_rep_name"] = json!("");
    });
    let (status, answer) = apply(&app, &broken).await;
    refused(
        status,
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_fields",
    );

    let early = holder("ref-x", number, 1, "renewal", "ref-1", |_| {});
    let (status, answer) = apply(&app, &early).await;
    refused(status, &answer, StatusCode::CONFLICT, "renewal_not_open");

    let mut long = holder("ref-x", number, 1, "cancellation", "ref-1", |_| {});
    long["license"]["reason"] = json!("长".repeat(501));
    let (status, answer) = apply(&app, &long).await;
    refused(
        status,
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_reason",
    );

    // Suspended by the authority: no change until reinstated, said with the day.
    let (status, _, body) = send(
        &app,
        Request::post(format!("/api/admin/licenses/{number}/suspension"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::from(
                json!({"until": day(signer::unix_now() + 30 * DAY).0, "reason": "hygiene"})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let change = holder("ref-x", number, 1, "change", "ref-1", new_representative);
    let (status, answer) = apply(&app, &change).await;
    refused(status, &answer, StatusCode::CONFLICT, "license_not_valid");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("suspended since"), "{message}");
    assert!(message.contains(&day(signer::unix_now()).0), "{message}");

    // Nothing refused was recorded.
    assert!(holder_audit(&ledger).await.is_empty());
    let (status, _, _) = send(&app, get("/api/applications/ref-x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_renewal_opens_ninety_days_before_the_end(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-renewal", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "ren-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let end = v1["valid_until"].as_i64().unwrap();
    // The lease typed at first has to run past the renewal's day: the form checks it.
    let lease_end = day(end + 3650 * DAY).0;
    let renewal = holder("ren-2", number, 1, "renewal", "ren-1", |b| {
        b["values"]["lease_end_date"] = json!(lease_end);
    });

    // 91 days before the last day: not yet, and the answer says from when.
    let early = open_at(&ledger, Clock::Fixed(end - 91 * DAY)).await;
    let (status, answer) = apply(&early, &renewal).await;
    refused(status, &answer, StatusCode::CONFLICT, "renewal_not_open");
    let last = catalog::Date::authority_day(end).unwrap();
    let opens = catalog::Date::from_unix_days(last.to_unix_days() - 90).unwrap();
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains(&opens.to_string()),
        "{answer}"
    );
    assert!(
        answer["fields"]["license"]["zh"]
            .as_str()
            .unwrap()
            .contains(&opens.words().zh),
        "{answer}"
    );

    // 80 days before: version 2, from the issue day until the old end plus the term.
    let now = end - 80 * DAY;
    let open = open_at(&ledger, Clock::Fixed(now)).await;
    let (status, answer) = apply(&open, &renewal).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let v2 = &answer["license"];
    assert_eq!(v2["number"], number);
    assert_eq!(v2["claims"]["version"], 2);
    assert_eq!(v2["valid_from"], now);
    let term = end - v1["valid_from"].as_i64().unwrap();
    let new_end = v2["valid_until"].as_i64().unwrap();
    assert!(
        (new_end - (end + term)).abs() <= 2 * DAY,
        "{new_end} is about {end} + {term}"
    );
    let t = tracked(&open, "ren-2").await;
    let history = t["license"]["history"].as_array().unwrap();
    assert_eq!(history[1]["purpose"], "renewal", "{t}");
    assert_eq!(history[1]["changed"], json!(["lease_end_date"]), "{t}");
    assert_eq!(history[0]["state"], "superseded");
    let audit = holder_audit(&ledger).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "license.holder_renewal");
}

async fn a_cancellation_is_recorded_and_ends_the_changes(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-cancel", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "can-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let mut cancel = holder("can-2", number, 1, "cancellation", "can-1", |b| {
        b["values"] = json!({});
    });
    cancel["license"]["reason"] = json!("歇业");

    let (status, answer) = apply(&app, &cancel).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        answer,
        json!({"application_id": "can-2", "status": "cancelled", "revision": 1})
    );
    // The same id again: the same answer.
    let (status, again) = apply(&app, &cancel).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(again, answer);
    // The same id with other content: a conflict.
    let mut other = cancel.clone();
    other["license"]["reason"] = json!("迁址");
    let (status, answer) = apply(&app, &other).await;
    refused(status, &answer, StatusCode::CONFLICT, "id_conflict");

    let (today, today_day) = day(signer::unix_now());
    let t = tracked(&app, "can-2").await;
    assert_eq!(t["status"], "cancelled", "{t}");
    assert_eq!(t["license_number"], number);
    assert_eq!(t["license"]["state"], "cancelled");
    assert_eq!(t["license"]["since"], today.as_str());
    assert_eq!(t["license"]["reason"], "歇业");
    assert_eq!(t["license"]["history"][0]["state"], "cancelled");
    assert_eq!(
        tracked(&app, "can-1").await["license"]["state"],
        "cancelled"
    );
    assert_eq!(
        common::status_list(&app)
            .await
            .status(common::status_index(&v1)),
        Some(Status::Cancelled { on: today_day })
    );

    let change = holder("can-3", number, 1, "change", "can-1", new_representative);
    let (status, answer) = apply(&app, &change).await;
    refused(status, &answer, StatusCode::CONFLICT, "license_not_valid");
    assert!(
        answer["message"].as_str().unwrap().contains("cancelled"),
        "{answer}"
    );

    let audit = holder_audit(&ledger).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].0, "license.holder_cancel");
    assert_eq!(audit[0].1, "can-2");
}

async fn two_changes_from_one_version_give_one(backend: Backend) {
    let Some(ledger) = TestLedger::new("holder-race", backend).await else {
        return;
    };
    let app = open_at(&ledger, Clock::System).await;
    let v1 = issue(&app, "race-1", 0).await;
    let number = v1["number"].as_str().unwrap();
    let a = holder("race-a", number, 1, "change", "race-1", new_representative);
    let b = holder("race-b", number, 1, "change", "race-1", |b| {
        b["values"]["legal_rep_name"] = json!("赵六");
    });
    let (one, two) = tokio::join!(apply(&app, &a), apply(&app, &b));
    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{one:?} {two:?}"
    );
    let loser = if one.0 == StatusCode::CONFLICT {
        &one.1
    } else {
        &two.1
    };
    assert_eq!(loser["error"], "version_changed", "{loser}");
    let t = tracked(&app, "race-1").await;
    assert_eq!(t["license"]["version"], 2);
    assert_eq!(t["license"]["history"].as_array().unwrap().len(), 2);
    assert_eq!(holder_audit(&ledger).await.len(), 1);
}
