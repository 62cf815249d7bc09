//! A license's life through the admin routes (#18), on SQLite and on PostgreSQL: version 2
//! supersedes version 1 in the signed status list, suspension / reinstatement / revocation /
//! cancellation follow their state machine, the list answers 304 to its ETag, two versions at
//! once give one, and every refusal is typed.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{ADMIN_TOKEN, Backend, TestLedger, application, get, on_both, send};
use serde_json::{Value, json};
use server::{Config, app};
use signer::Status;

const DAY: i64 = 86_400;

/// An instance with the admin routes on a ledger of its own; the ledger lives as long as the test
/// keeps it.
async fn open(tag: &str, backend: Backend) -> Option<(TestLedger, Router)> {
    let ledger = TestLedger::new(tag, backend).await?;
    let state = ledger
        .open(Config {
            admin_token: Some(ADMIN_TOKEN.into()),
            ..ledger.config()
        })
        .await;
    Some((ledger, app(state)))
}

fn admin(number: &str, what: &str, body: &Value) -> Request<Body> {
    Request::post(format!("/api/admin/licenses/{number}/{what}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// The authority's date `days` from now, `YYYY-MM-DD`, and its status-list day.
fn date(days: i64) -> (String, i64) {
    let now = signer::unix_now();
    let d = catalog::Date::authority_day(now + days * DAY).unwrap();
    (d.to_string(), d.to_unix_days() * DAY)
}

async fn issue(app: &Router, id: &str, seed: usize) -> Value {
    let req = Request::post("/api/applications")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(application(id, seed).to_string()))
        .unwrap();
    let (status, _, body) = send(app, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["license"].clone()
}

async fn verdict(app: &Router, qr: &Value) -> Value {
    let req = Request::post("/api/verify")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "qr_text": qr }).to_string()))
        .unwrap();
    send(app, req).await.2
}

fn index(license: &Value) -> u32 {
    license["claims"]["status_index"].as_u64().unwrap() as u32
}

on_both!(
    version_two_supersedes_version_one,
    suspension_reinstatement_revocation_cancellation,
    two_versions_at_once_give_one,
    refusals_are_typed,
);

async fn version_two_supersedes_version_one(backend: Backend) {
    let Some((_ledger, app)) = open("life-versions", backend).await else {
        return;
    };
    let v1 = issue(&app, "life-v", 0).await;
    let number = v1["number"].as_str().unwrap().to_owned();
    assert_eq!(v1["claims"]["version"], Value::Null, "version 1 is implied");
    let id1 = v1["elicense_id"].as_str().unwrap();
    assert!(id1.starts_with("1.2.156.3005.2."), "{id1}");
    assert!(catalog::elicense::ELicenseId::parse(id1).is_ok(), "{id1}");

    let (_, etag_headers, _) = send(&app, get("/api/status-list")).await;
    let etag = etag_headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, _, _) = send(
        &app,
        Request::get("/api/status-list")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    let (status, _, answer) = send(
        &app,
        admin(
            &number,
            "versions",
            &json!({ "legal_representative": "李四", "reason": "change of legal representative" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let v2 = &answer["license"];
    assert_eq!(v2["number"], number.as_str());
    assert_eq!(v2["claims"]["version"], 2);
    assert_eq!(v2["claims"]["legal_representative"], "李四");
    assert_eq!(v2["claims"]["business_name"], v1["claims"]["business_name"]);
    assert_ne!(index(v2), index(&v1));
    assert_eq!(answer["standing"]["version"], 2);
    assert_eq!(answer["standing"]["state"], "valid");
    let id2 = v2["elicense_id"].as_str().unwrap();
    assert!(id2.contains(".002."), "{id2}");

    // The list changed: the old ETag gets the new list.
    let (status, _, _) = send(
        &app,
        Request::get("/api/status-list")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = common::status_list(&app).await;
    let (_, today) = date(0);
    assert_eq!(
        list.status(index(&v1)),
        Some(Status::Superseded { on: today })
    );
    assert_eq!(list.status(index(v2)), Some(Status::Valid));
    assert_eq!(verdict(&app, &v1["qr_text"]).await["reason"], "superseded");
    assert_eq!(verdict(&app, &v2["qr_text"]).await["valid"], true);

    // Tracking tells the current version.
    let (_, _, tracked) = send(&app, get("/api/applications/life-v")).await;
    assert_eq!(tracked["license"]["version"], 2, "{tracked}");
    assert_eq!(tracked["license"]["state"], "valid");

    let (status, _, meta) = send(
        &app,
        Request::get(format!("/api/admin/licenses/{number}/metadata"))
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{meta}");
    assert_eq!(meta["elicense_id"], id2);
    assert_eq!(meta["version"], 2);
    assert_eq!(meta["status"], "valid");
    assert_eq!(meta["issuer_code"], server::DEV_AUTHORITY_CREDIT_CODE);
    assert_eq!(meta["holder_code"], v1["claims"]["credit_code"]);
    assert_eq!(meta["region_code"], "310115");
}

async fn suspension_reinstatement_revocation_cancellation(backend: Backend) {
    let Some((_ledger, app)) = open("life-states", backend).await else {
        return;
    };
    let (today_text, today) = date(0);
    let (until_text, until) = date(30);
    let a = issue(&app, "life-a", 0).await;
    let number = a["number"].as_str().unwrap().to_owned();
    let reason = json!({ "reason": "hygiene inspection" });

    let (status, _, body) = send(&app, admin(&number, "reinstatement", &reason)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "not_suspended", "{body}");

    let suspend = json!({ "until": until_text, "reason": "hygiene inspection" });
    let (status, _, body) = send(&app, admin(&number, "suspension", &suspend)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["standing"]["state"], "suspended");
    assert_eq!(body["standing"]["since"], today_text.as_str());
    assert_eq!(body["standing"]["until"], until_text.as_str());
    let list = common::status_list(&app).await;
    assert_eq!(
        list.status(index(&a)),
        Some(Status::Suspended {
            since: today,
            until
        })
    );
    assert_eq!(verdict(&app, &a["qr_text"]).await["reason"], "suspended");
    let (status, _, _) = send(&app, admin(&number, "suspension", &suspend)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, _, body) = send(&app, admin(&number, "reinstatement", &reason)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["standing"]["state"], "valid");
    assert_eq!(
        common::status_list(&app).await.status(index(&a)),
        Some(Status::Valid)
    );
    assert_eq!(verdict(&app, &a["qr_text"]).await["valid"], true);

    let (status, _, body) = send(&app, admin(&number, "revocation", &reason)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["standing"]["state"], "revoked");
    assert_eq!(
        common::status_list(&app).await.status(index(&a)),
        Some(Status::Revoked { on: today })
    );
    let (status, _, body) = send(&app, admin(&number, "revocation", &reason)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "revoked", "{body}");
    let (status, _, _) = send(&app, admin(&number, "cancellation", &reason)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, _, tracked) = send(&app, get("/api/applications/life-a")).await;
    assert_eq!(tracked["status"], "revoked");
    assert_eq!(tracked["license"]["state"], "revoked");

    // The holder's cancellation of another license; then nothing more applies to it.
    let b = issue(&app, "life-b", 1).await;
    let number_b = b["number"].as_str().unwrap().to_owned();
    let (status, _, body) = send(
        &app,
        admin(
            &number_b,
            "cancellation",
            &json!({ "reason": "business closed" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        common::status_list(&app).await.status(index(&b)),
        Some(Status::Cancelled { on: today })
    );
    assert_eq!(verdict(&app, &b["qr_text"]).await["reason"], "cancelled");
    // The old revocation route on a cancelled license: a conflict, not a revocation.
    let req = Request::post("/api/admin/revocations")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::from(
            json!({ "license_number": number_b, "reason": "x" }).to_string(),
        ))
        .unwrap();
    assert_eq!(send(&app, req).await.0, StatusCode::CONFLICT);
    let (status, _, _) = send(
        &app,
        admin(
            &number_b,
            "versions",
            &json!({ "business_name": "新名", "reason": "r" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn two_versions_at_once_give_one(backend: Backend) {
    let Some((_ledger, app)) = open("life-race", backend).await else {
        return;
    };
    let a = issue(&app, "life-race", 0).await;
    let number = a["number"].as_str().unwrap().to_owned();
    let change = |name: &str| {
        admin(
            &number,
            "versions",
            &json!({ "business_name": name, "reason": "renamed", "based_on": 1 }),
        )
    };
    let (first, second) = tokio::join!(send(&app, change("甲店")), send(&app, change("乙店")));
    let mut codes = [first.0, second.0];
    codes.sort();
    assert_eq!(
        codes,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{first:?} {second:?}"
    );
    let lost = if first.0 == StatusCode::CONFLICT {
        &first.2
    } else {
        &second.2
    };
    assert_eq!(lost["error"], "version_changed", "{lost}");
    let list = common::status_list(&app).await;
    let valid = list.entries.iter().filter(|s| **s == Status::Valid).count();
    assert_eq!(valid, 1, "{list:?}");
    assert_eq!(
        list.entries.len(),
        2,
        "the loser's index was rolled back: {list:?}"
    );
}

async fn refusals_are_typed(backend: Backend) {
    let Some((_ledger, app)) = open("life-errors", backend).await else {
        return;
    };
    let a = issue(&app, "life-e", 0).await;
    let number = a["number"].as_str().unwrap().to_owned();
    let (yesterday, _) = date(-1);
    let cases = [
        (
            "999999-2026-000001",
            "revocation",
            json!({ "reason": "x" }),
            StatusCode::NOT_FOUND,
        ),
        (
            number.as_str(),
            "revocation",
            json!({ "reason": "  " }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            number.as_str(),
            "suspension",
            json!({ "until": yesterday, "reason": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            number.as_str(),
            "suspension",
            json!({ "until": "2026-02-30", "reason": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            number.as_str(),
            "versions",
            json!({ "reason": "nothing" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            number.as_str(),
            "versions",
            json!({ "business_name": a["claims"]["business_name"], "reason": "same" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (number, what, body, expected) in cases {
        let (status, _, answer) = send(&app, admin(number, what, &body)).await;
        assert_eq!(status, expected, "{what} {body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    // Without the token: refused before anything else.
    let req = Request::post(format!("/api/admin/licenses/{number}/revocation"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "reason": "x" }).to_string()))
        .unwrap();
    assert_eq!(send(&app, req).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        common::status_list(&app).await.status(index(&a)),
        Some(Status::Valid)
    );
}
