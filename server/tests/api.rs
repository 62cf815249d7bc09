//! The API through `app()` without a socket (tower's `oneshot`), on a real SQLite file and on
//! a real PostgreSQL database: every test that touches the ledger runs on both (`on_both!`).

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{
    ADMIN_TOKEN, Backend, TempDir, TestLedger, application, on_both, seed_enterprise, send,
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, Config, app, key_dir};
use tower::ServiceExt;

/// An instance on `ledger` with the authority's name of these tests and static files to
/// serve, the admin routes when `token` is given.
async fn state(ledger: &TestLedger, token: Option<&str>) -> AppState {
    state_at(ledger, token, server::Clock::System).await
}

async fn state_at(ledger: &TestLedger, token: Option<&str>, clock: server::Clock) -> AppState {
    let config = Config {
        admin_token: token.map(str::to_owned),
        authority_name: server_authority(),
        clock,
        ..ledger.config()
    };
    let dist = &config.dist_dir;
    std::fs::write(dist.join("frontend-0123456789abcdef.js"), "export {}").unwrap();
    // What the build's post-build hook writes beside each asset (here: marker contents).
    std::fs::write(dist.join("frontend-0123456789abcdef.js.br"), "brotli bytes").unwrap();
    std::fs::write(dist.join("frontend-0123456789abcdef.js.gz"), "gzip bytes").unwrap();
    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {})",
    )
    .unwrap();
    ledger.open(config).await
}

impl TestLedger {
    /// What the ledger keeps of an application: its values, read straight from the database.
    async fn stored_values(&self, id: &str) -> Value {
        let body: String = match &self.database {
            server::Database::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .query_row("SELECT body FROM applications WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap(),
            server::Database::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client
                    .query_one("SELECT body FROM applications WHERE id = $1", &[&id])
                    .await
                    .unwrap()
                    .get(0)
            }
        };
        serde_json::from_str::<Value>(&body).unwrap()["values"].clone()
    }
}

impl TestLedger {
    /// The audit log's (actor, action, permit) rows about one application, straight from
    /// the database.
    async fn audit_rows(&self, id: &str) -> Vec<(String, String, Option<String>)> {
        match &self.database {
            server::Database::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).unwrap();
                let mut stmt = c
                    .prepare(
                        "SELECT actor, action, permit FROM audit_log WHERE application_id = ?1 ORDER BY seq",
                    )
                    .unwrap();
                stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            server::Database::Postgres(url) => {
                let client = pg(url).await;
                client
                    .query(
                        "SELECT actor, action, permit FROM audit_log WHERE application_id = $1 ORDER BY seq",
                        &[&id],
                    )
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect()
            }
        }
    }

    /// Tries to rewrite and to erase the audit log behind the server's back: what each
    /// attempt answered (`Err` when the database refused).
    async fn tamper_with_audit_log(&self) -> Vec<Result<u64, String>> {
        let statements = [
            "UPDATE audit_log SET actor = 'nobody'",
            "DELETE FROM audit_log",
        ];
        match &self.database {
            server::Database::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).unwrap();
                statements
                    .iter()
                    .map(|s| {
                        c.execute(s, [])
                            .map(|n| n as u64)
                            .map_err(|e| e.to_string())
                    })
                    .collect()
            }
            server::Database::Postgres(url) => {
                let client = pg(url).await;
                let mut out = Vec::new();
                for s in statements {
                    out.push(client.execute(s, &[]).await.map_err(|e| {
                        e.as_db_error()
                            .map_or_else(|| e.to_string(), |d| d.message().to_owned())
                    }));
                }
                out
            }
        }
    }
}

async fn pg(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

on_both!(
    intake_issues_a_verifiable_license_once,
    invalid_fields_get_per_field_422s,
    concurrent_sends_of_one_id_issue_one_license,
    revocation_and_rotation,
    registry_catalog_keys,
    handed_over_applications_from_enrolled_devices_only,
    values_the_form_derives_replace_contradicting_ones,
    today_is_the_authoritys_day_not_the_utc_day,
    two_servers_on_one_ledger_number_once_and_issue_once,
    a_wrong_check_character_passes_only_for_a_registered_code,
    the_license_says_what_is_true,
    corrections_go_back_all_at_once_and_the_license_follows_the_last_approval,
    a_refused_permit_is_dropped_or_the_application_withdrawn,
    decisions_on_two_instances_at_once_are_both_kept,
    a_review_asked_for_instead_of_the_commitment_waits_for_its_department,
);

fn post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn admin_post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

/// A department's system acting on a permit through the admin routes (`decision` or
/// `inspections`).
fn on_permit(id: &str, permit: &str, what: &str, body: &Value) -> Request<Body> {
    admin_post(
        &format!("/api/admin/applications/{id}/permits/{permit}/{what}"),
        body,
    )
}

/// Sends an application; when it waits for review, has every permit under review inspected
/// where needed and approved, then sends it again: the answer with the license.
async fn issue(app: &Router, body: &Value) -> (StatusCode, Value) {
    let (status, _, answer) = send(app, post("/api/applications", body)).await;
    if status != StatusCode::ACCEPTED {
        return (status, answer);
    }
    let id = body["id"].as_str().unwrap();
    let (_, _, tracked) = send(app, get(&format!("/api/applications/{id}"))).await;
    for permit in tracked["permits"].as_array().unwrap() {
        if permit["status"] != "under_review" {
            continue;
        }
        let pid = permit["id"].as_str().unwrap();
        for (what, step) in common::approvals(pid) {
            let (status, _, answer) = send(app, on_permit(id, pid, &what, &step)).await;
            assert!(status.is_success(), "{pid} {what}: {answer}");
        }
    }
    let (status, _, answer) = send(app, post("/api/applications", body)).await;
    (status, answer)
}

async fn intake_issues_a_verifiable_license_once(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-happy", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);

    let (status, _, first) = send(&app, post("/api/applications", &application("app-1", 0))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let license = &first["license"];
    let number = license["number"].as_str().unwrap();
    assert!(number.starts_with("310115-20"), "{number}");
    assert!(number.ends_with("-000001"), "{number}");
    assert!(license["permits"].as_array().unwrap().len() >= 5);
    assert_eq!(license["permits"][0]["number"], format!("{number}-102"));
    assert!(license["permits"][0]["department"]["zh"].is_string());

    // Same id, same content: the same license, not a new one.
    let (status, _, again) = send(&app, post("/api/applications", &application("app-1", 0))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["license"], first["license"]);

    // Same id, different content: refused.
    let (status, _, conflict) =
        send(&app, post("/api/applications", &application("app-1", 1))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"], "id_conflict");

    // Tracking: the business, its industry, each permit with its department, the dates, and
    // nothing about people.
    let (status, _, tracked) = send(&app, get("/api/applications/app-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tracked["status"], "issued");
    assert_eq!(tracked["license_number"], number);
    assert_eq!(tracked["industry"], "convenience_store");
    assert_eq!(tracked["business_name"], license["claims"]["business_name"]);
    assert_eq!(tracked["issued_at"], license["issued_at"]);
    assert!(tracked["received_at"].is_i64());
    let tracked_permits = tracked["permits"].as_array().unwrap();
    assert_eq!(
        tracked_permits.len(),
        license["permits"].as_array().unwrap().len()
    );
    for (t, p) in tracked_permits
        .iter()
        .zip(license["permits"].as_array().unwrap())
    {
        assert_eq!(t["id"], p["id"]);
        assert_eq!(t["status"], "granted_on_commitment");
    }
    let sent = application("app-1", 0);
    let tracked_text = tracked.to_string();
    for personal in [
        "legal_rep_name",
        "legal_rep_id_number",
        "legal_rep_phone",
        "contact_phone",
    ] {
        let value = sent["values"][personal].as_str().unwrap();
        assert!(
            !tracked_text.contains(value),
            "{personal} in {tracked_text}"
        );
    }
    let (status, _, _) = send(&app, get("/api/applications/nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The QR verifies.
    let qr = license["qr_text"].as_str().unwrap();
    let (status, _, verdict) = send(&app, post("/api/verify", &json!({ "qr_text": qr }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["claims"]["license_number"], number);

    // A department fetches its own permit record in its own form's order.
    let (status, _, record) = send(
        &app,
        Request::get(format!("/api/licenses/{number}/permits/102"))
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["permit"]["number"], format!("{number}-102"));
    assert!(
        record["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "business_name")
    );
    let (status, _, _) = send(&app, get(&format!("/api/licenses/{number}/permits/102"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

fn server_authority() -> contract::Text {
    contract::Text::new("测试行政审批局", "Test Administrative Approval Bureau")
}

/// The license states where the business operates (the premises address typed), each
/// permit's own term or none, and the authority by its configured name.
async fn the_license_says_what_is_true(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-true", backend).await else {
        return;
    };
    let app = app(state(&ledger, None).await);
    let sent = application("truth-1", 0);
    let (premises, registered) = (
        sent["values"]["premises_address"].as_str().unwrap(),
        sent["values"]["address_detail"].as_str().unwrap(),
    );
    assert_ne!(premises, registered);
    let (status, _, answer) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let license = &answer["license"];
    let qr = license["qr_text"].as_str().unwrap();
    let (_, _, verdict) = send(&app, post("/api/verify", &json!({ "qr_text": qr }))).await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    for claims in [&license["claims"], &verdict["claims"]] {
        assert_eq!(claims["address"]["detail"], premises, "{claims}");
        assert_eq!(claims["address"]["division"], 310_115);
    }
    // A premises line that names another district is in that district.
    let mut elsewhere = application("truth-2", 1);
    elsewhere["values"]["premises_address"] = "上海市徐汇区漕溪北路88号1层".into();
    let (status, _, answer) = send(&app, post("/api/applications", &elsewhere)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let address = &answer["license"]["claims"]["address"];
    assert_eq!(address["division"], 310_104);
    assert_eq!(address["detail"], "漕溪北路88号1层");

    // Each permit: the catalog's validity, or no end at all.
    let catalog = catalog::Catalog::builtin();
    let mut open_ended = 0;
    for (permit, claim) in license["permits"]
        .as_array()
        .unwrap()
        .iter()
        .zip(license["claims"]["permits"].as_array().unwrap())
    {
        let years = catalog
            .permit(permit["id"].as_str().unwrap())
            .unwrap()
            .validity_years;
        let want =
            years.map(|y| signer::add_years(license["issued_at"].as_i64().unwrap(), i64::from(y)));
        assert_eq!(permit["valid_until"].as_i64(), want, "{permit}");
        assert_eq!(claim["valid_until"].as_i64(), want, "{claim}");
        open_ended += usize::from(years.is_none());
    }
    assert!(
        open_ended > 0,
        "the convenience store has a permit without a fixed term"
    );

    // "Issued by": the configured authority, on the license and with the keys.
    assert_eq!(license["issued_by"]["zh"], server_authority().zh);
    assert_eq!(license["issued_by"]["en"], server_authority().en);
    assert_eq!(verdict["issuer_name"], server_authority().zh);
    let (_, _, keys) = send(&app, get("/api/keys")).await;
    for key in keys["keys"].as_array().unwrap() {
        assert_eq!(key["issuer_name"], server_authority().zh, "{key}");
        assert_eq!(key["issuer_name_en"], server_authority().en, "{key}");
    }
}

/// With the premises address in it, a server-issued license of every industry stays a small
/// QR code: at ECC level Q, median version at most 13, none above 14 (`bench/run` prints the
/// same licenses' sizes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_industrys_license_fits_the_qr_budget() {
    let dir = TempDir::new("api-qr-budget");
    let app = app(state(&TestLedger::sqlite_in(&dir.0), Some(ADMIN_TOKEN)).await);
    let mut versions = Vec::new();
    for (i, industry) in catalog::Catalog::builtin().industries.iter().enumerate() {
        let sent = common::application_for(&industry.id, &format!("qr-{}", industry.id), i);
        let (status, answer) = issue(&app, &sent).await;
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{}: {answer}",
            industry.id
        );
        let text = answer["license"]["qr_text"].as_str().unwrap();
        versions.push((signer::qr_version(text).unwrap(), industry.id.clone()));
    }
    versions.sort();
    println!("QR versions at level Q: {versions:?}");
    let median = versions[versions.len() / 2].0;
    let max = versions.last().unwrap();
    assert!(median <= 13, "median version {median}: {versions:?}");
    assert!(max.0 <= 14, "largest: {max:?} of {versions:?}");
}

/// The deployment's validity policy, on a hotel (public hygiene runs 4 years, food 5, the
/// special-trade permit has no fixed term): per permit, the license runs until its longest
/// permit ends and each permit keeps its own term; unified (Pudong, art. 8), the license and
/// every permit with a term end together after the shortest; under both, a permit without a
/// fixed term stays open-ended, and the QR states what the license JSON says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_validity_policy_sets_the_license_and_permit_terms() {
    for (policy, license_years, food_years) in [
        (server::ValidityPolicy::PerPermit, 5, 5),
        (server::ValidityPolicy::Unified, 4, 4),
    ] {
        let dir = TempDir::new("api-validity");
        let ledger = TestLedger::sqlite_in(&dir.0);
        let state = ledger
            .open(Config {
                admin_token: Some(ADMIN_TOKEN.to_owned()),
                validity: policy,
                ..ledger.config()
            })
            .await;
        let app = app(state);
        let (status, answer) =
            issue(&app, &common::application_for("hotel", "validity-1", 0)).await;
        assert!(status.is_success(), "{policy:?}: {answer}");
        let license = &answer["license"];
        let issued = license["issued_at"].as_i64().unwrap();
        let years = |y: i64| signer::add_years(issued, y);
        assert_eq!(license["valid_until"], years(license_years), "{policy:?}");
        let permit = |id: &str| {
            license["permits"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == id)
                .unwrap_or_else(|| panic!("{id} on {license}"))
                .clone()
        };
        assert_eq!(
            permit("public_hygiene")["valid_until"],
            years(4),
            "{policy:?}"
        );
        assert_eq!(
            permit("food_business")["valid_until"],
            years(food_years),
            "{policy:?}"
        );
        assert_eq!(
            permit("special_trade_hotel")["valid_until"],
            Value::Null,
            "{policy:?}"
        );
        let claims = signer::decode_unverified(license["qr_text"].as_str().unwrap()).unwrap();
        assert_eq!(claims.valid_until, years(license_years), "{policy:?}");
        let food = claims.permits.iter().find(|p| p.kind == 101).unwrap();
        assert_eq!(food.valid_until, Some(years(food_years)), "{policy:?}");
    }
}

async fn invalid_fields_get_per_field_422s(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-422", backend).await else {
        return;
    };
    let app = app(state(&ledger, None).await);
    let mut body = application("bad-1", 0);
    body["values"]["credit_code"] = json!("91110108551385O82Q");
    body["values"]["legal_rep_id_number"] = json!("110105194912310021");
    body["values"]["contact_phone"] = json!("12812345678");
    body["values"]
        .as_object_mut()
        .unwrap()
        .remove("business_name");
    let (status, _, err) = send(&app, post("/api/applications", &body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"], "invalid_fields");
    let fields = err["fields"].as_object().unwrap();
    assert_eq!(fields["credit_code"]["code"], "credit_code_format");
    assert_eq!(fields["legal_rep_id_number"]["code"], "resident_id_check");
    assert_eq!(fields["contact_phone"]["code"], "phone_format");
    assert_eq!(fields["business_name"]["code"], "required");
    assert!(
        fields["business_name"]["zh"]
            .as_str()
            .unwrap()
            .contains("单位名称")
    );

    let mut body = application("bad-2", 0);
    body["industry"] = json!("casino");
    let (status, _, err) = send(&app, post("/api/applications", &body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"], "unknown_industry");

    // A floor area out of range: the scope page's message, on the scope answer.
    let mut body = application("bad-3", 0);
    body["scope"]["floor_area_m2"] = json!(0);
    let (status, _, err) = send(&app, post("/api/applications", &body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"], "invalid_scope");
    let en = err["fields"]["scope.floor_area_m2"]["en"]
        .as_str()
        .unwrap_or_default();
    assert!(en.contains("from 1 to 100000"), "{err}");

    // Nothing was issued for any of them.
    let (status, _, _) = send(&app, get("/api/applications/bad-1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn concurrent_sends_of_one_id_issue_one_license(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-concurrent", backend).await else {
        return;
    };
    let state = state(&ledger, None).await;
    let app = app(state.clone());
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                send(&app, post("/api/applications", &application("dup", 3))).await
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        let (status, _, body) = t.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status} {body}"
        );
        numbers.push(body["license"]["number"].as_str().unwrap().to_owned());
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    let ledger = state.ledger().await.unwrap();
    assert_eq!(ledger, vec![("dup".to_owned(), numbers[0].clone())]);
}

async fn revocation_and_rotation(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-revoke", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let (_, _, a) = send(&app, post("/api/applications", &application("rev-a", 0))).await;
    let (_, _, b) = send(&app, post("/api/applications", &application("rev-b", 1))).await;
    let number_a = a["license"]["number"].as_str().unwrap();
    let old_kid = a["license"]["kid"].as_str().unwrap().to_owned();

    // Admin routes need the token.
    let (status, _, _) = send(
        &app,
        post(
            "/api/admin/revocations",
            &json!({ "license_number": number_a, "reason": "x" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _, revoked) = send(
        &app,
        admin_post(
            "/api/admin/revocations",
            &json!({ "license_number": number_a, "reason": "closed down" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{revoked}");
    let (status, _, _) = send(
        &app,
        admin_post(
            "/api/admin/revocations",
            &json!({ "license_number": "310115-2026-999999", "reason": "x" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let verdict = common::verdict(&app, &a["license"]).await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["reason"], "revoked");
    let list = common::status_list(&app).await;
    assert!(
        matches!(
            list.status(common::status_index(&a["license"])),
            Some(signer::Status::Revoked { .. })
        ),
        "{list:?}"
    );
    let (_, _, tracked) = send(&app, get("/api/applications/rev-a")).await;
    assert_eq!(tracked["status"], "revoked");

    // Rotate with the signer's key store (what `signer keygen --out` on the key dir does),
    // then reload: old licenses still verify, new ones carry the new key id.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut store = signer::KeyStore::open(&key_dir(&ledger.root.join("data"))).unwrap();
    store.rotate(signer_now(), 60).unwrap();
    let (status, _, keys) = send(&app, admin_post("/api/admin/keys/reload", &json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{keys}");
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, _, c) = send(&app, post("/api/applications", &application("rev-c", 2))).await;
    assert_ne!(c["license"]["kid"], old_kid);
    for lic in [&b, &c] {
        let (_, _, v) = send(
            &app,
            post(
                "/api/verify",
                &json!({ "qr_text": lic["license"]["qr_text"] }),
            ),
        )
        .await;
        assert_eq!(v["valid"], true, "{v}");
    }
    // The revocation list was re-signed with the new key and still lists the revoked license.
    let (_, _, v) = send(
        &app,
        post(
            "/api/verify",
            &json!({ "qr_text": a["license"]["qr_text"] }),
        ),
    )
    .await;
    assert_eq!(v["reason"], "revoked");
}

fn signer_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn admin_is_disabled_without_a_token() {
    let dir = TempDir::new("api-noadmin");
    let app = app(state(&TestLedger::sqlite_in(&dir.0), None).await);
    let (status, _, err) = send(&app, admin_post("/api/admin/keys/reload", &json!({}))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(err["error"], "admin_disabled");
}

async fn registry_catalog_keys(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-registry", backend).await else {
        return;
    };
    let app = app(state(&ledger, None).await);
    let (status, _, found) = send(&app, get("/api/registry/91310115L12TH3BJ31")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        found["values"]["business_name"],
        "上海浦东新区陆家嘴便利店有限公司"
    );
    assert_eq!(found["values"]["address_division"], "310115");
    let (status, _, _) = send(&app, get("/api/registry/91110108551385082Q")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An early code that fails its check character is still looked up: its holder gets
    // the pre-fill; an unregistered one with a wrong check character is simply unknown.
    let (status, _, early) = send(&app, get("/api/registry/913101011322095278")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(early["values"]["establishment_date"], "1998-06-18");
    let (status, _, _) = send(&app, get("/api/registry/91310115L12TH3BJ3X")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Not a credit code at all (I is never used; 17 characters): refused with a reason.
    for malformed in ["91310115L12TH3BJ3I", "91310115L12TH3BJ3"] {
        let (status, _, err) = send(&app, get(&format!("/api/registry/{malformed}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{malformed}");
        assert_eq!(err["error"], "invalid_credit_code");
        assert!(err["message"].as_str().is_some_and(|m| m.contains("18")));
    }

    let (status, headers, catalog) = send(&app, get("/api/catalog")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(catalog["version"].is_string());
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let res = app
        .clone()
        .oneshot(
            Request::get("/api/catalog")
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    let (status, _, keys) = send(&app, get("/api/keys")).await;
    assert_eq!(status, StatusCode::OK);
    let key = &keys["keys"][0];
    assert_eq!(key["public_key"].as_str().unwrap().len(), 64);
    assert!(!keys.to_string().contains("secret"));
}

#[tokio::test]
async fn static_files_and_headers() {
    let dir = TempDir::new("api-static");
    let app = app(state(&TestLedger::sqlite_in(&dir.0), None).await);
    let res = app
        .clone()
        .oneshot(get("/frontend-0123456789abcdef.js"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    for path in ["/", "/sw.js", "/apply/convenience_store"] {
        let res = app.clone().oneshot(get(path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // Precompressed copies go to browsers that accept them; others get the plain file.
    for (accept, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, "export {}"),
    ] {
        let mut req = get("/frontend-0123456789abcdef.js");
        req.headers_mut()
            .insert(header::ACCEPT_ENCODING, accept.parse().unwrap());
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            res.headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(bytes, body.as_bytes(), "{accept}");
    }
    // Missing assets are 404 JSON, not the app shell.
    let (status, _, err) = send(&app, get("/missing-0123456789abcdef.js")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"], "not_found");
    // The key never comes out through the static files.
    for path in [
        "/../data/keys/signing-key.json",
        "/%2e%2e/data/keys/signing-key.json",
        "/..%2fdata%2fyiye.sqlite3",
    ] {
        let res = app.clone().oneshot(get(path)).await.unwrap();
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "{path}");
    }
}

/// Hand-over with no network: a device key signs the application into QR texts; once the
/// device is enrolled, the desk's scan is issued exactly like an online submission.
async fn handed_over_applications_from_enrolled_devices_only(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-handover", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let device = signer::SigningKey::from_seed(&[0x42; 32], "icbc-pudong-03");
    let body = application("handover-1", 7);
    let signed = signer::sign_message(body.to_string().as_bytes(), &device).unwrap();
    let parts = signer::split_message(&signed, 500);
    assert!(parts.len() > 1, "a real application needs several QR codes");
    let hand_over = |texts: &[String]| post("/api/handover", &json!({ "qr_texts": texts }));

    // Not enrolled yet: refused, and nothing issued.
    let (status, _, err) = send(&app, hand_over(&parts)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["error"], "device_not_enrolled");
    let (status, _, _) = send(&app, get("/api/applications/handover-1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Enrolment needs the admin token and a valid key.
    let enrol =
        json!({ "device_id": "icbc-pudong-03", "public_key": hex::encode(device.public_key()) });
    let (status, _, _) = send(&app, post("/api/admin/devices", &enrol)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let weak = json!({ "device_id": "x", "public_key": "00".repeat(32) });
    let (status, _, err) = send(&app, admin_post("/api/admin/devices", &weak)).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_public_key"))
    );
    let (status, _, entry) = send(&app, admin_post("/api/admin/devices", &enrol)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(entry["kid"], device.kid());

    // Parts in any order → the license; the same hand-over again → the same license.
    let mut shuffled = parts.clone();
    shuffled.rotate_left(1);
    let (status, _, first) = send(&app, hand_over(&shuffled)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, _, again) = send(&app, hand_over(std::slice::from_ref(&signed))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["license"]["number"], again["license"]["number"]);

    // One changed character anywhere: refused with a reason, never issued.
    let mut altered = signed.clone().into_bytes();
    let at = altered.len() / 2;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let (status, _, err) = send(&app, hand_over(&[String::from_utf8(altered).unwrap()])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["error"].as_str().unwrap().starts_with("handover_"),
        "{err}"
    );
    // A missing part.
    let (status, _, err) = send(&app, hand_over(&parts[1..])).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("handover_incomplete")
        )
    );
}

async fn a_wrong_check_character_passes_only_for_a_registered_code(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-check-char", backend).await else {
        return;
    };
    let app = app(state(&ledger, None).await);
    // Well formed, check character X where the first 17 characters call for 1; not registered.
    let mut unknown = application("check-unknown", 0);
    unknown["values"]["credit_code"] = json!("91310115L12TH3BJ3X");
    let (status, _, err) = send(&app, post("/api/applications", &unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let issue = &err["fields"]["credit_code"];
    assert_eq!(issue["code"], "credit_code_check", "{err}");
    assert!(
        issue["en"].as_str().unwrap().contains("should be 1"),
        "{issue}"
    );
    assert!(issue["zh"].as_str().unwrap().contains("应为1"), "{issue}");
    let (status, _, _) = send(&app, get("/api/applications/check-unknown")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The seed's early code (its check character would be P) is registered: issued, with
    // a warning that says why it passed.
    let early = seed_enterprise(30);
    assert_eq!(early["credit_code"], "913101011322095278");
    let registered = application("check-registered", 30);
    let (status, _, answer) = send(&app, post("/api/applications", &registered)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let warning = &answer["license"]["warnings"]["credit_code"];
    assert_eq!(warning["code"], "credit_code_early", "{answer}");
    assert!(
        warning["en"]
            .as_str()
            .unwrap()
            .contains("not the computed P"),
        "{warning}"
    );

    // Typed as people type it (lower case, spaces): the code, normalised, on the license.
    let mut typed = application("check-typed", 0);
    typed["values"]["credit_code"] = json!(" 91310115l12th 3bj31 ");
    let (status, _, answer) = send(&app, post("/api/applications", &typed)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(
        answer["license"]["claims"]["credit_code"],
        "91310115L12TH3BJ31"
    );
    assert_eq!(
        ledger.stored_values("check-typed").await["credit_code"],
        "91310115L12TH3BJ31"
    );
}

async fn values_the_form_derives_replace_contradicting_ones(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-derived", backend).await else {
        return;
    };
    let app = app(state(&ledger, None).await);
    let mut sent = application("derived-1", 0);
    // The ID number 11010519491231002X says born 1949-12-31, female.
    sent["values"]["legal_rep_birth_date"] = json!("1990-01-01");
    sent["values"]["legal_rep_gender"] = json!("male");
    let (status, _, answer) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let stored = ledger.stored_values("derived-1").await;
    assert_eq!(stored["legal_rep_birth_date"], "1949-12-31");
    assert_eq!(stored["legal_rep_gender"], "female");
    // The same send again is the same application, not a conflict.
    let (status, _, again) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["license"]["number"], answer["license"]["number"]);
}

async fn today_is_the_authoritys_day_not_the_utc_day(backend: Backend) {
    // 2026-11-26T20:30Z: 04:30 on the 27th in Shanghai.
    let now = catalog::Date::new(2026, 11, 26).unwrap().to_unix_days() * 86_400 + 20 * 3600 + 1800;
    let today = catalog::Date::authority_day(now).unwrap();
    let Some(ledger) = TestLedger::new("api-today", backend).await else {
        return;
    };
    let app = app(state_at(&ledger, None, server::Clock::Fixed(now)).await);
    let with_lease_end = |id: &str, date: &str| {
        let mut sent = application(id, 0);
        sent["values"]["premises_ownership"] = json!("leased");
        sent["values"]["lease_end_date"] = json!(date);
        sent
    };
    let (status, _, answer) = send(
        &app,
        post(
            "/api/applications",
            &with_lease_end("today-27", "2026-11-27"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(
        ledger.stored_values("today-27").await["application_date"],
        "2026-11-27"
    );

    let refused = with_lease_end("today-26", "2026-11-26");
    let (status, _, err) = send(&app, post("/api/applications", &refused)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    // The very words the browser shows: the catalog's, for the same day.
    let catalog = catalog::Catalog::builtin();
    let form = catalog
        .merge(
            "convenience_store",
            &serde_json::from_value(refused["scope"].clone()).unwrap(),
        )
        .unwrap();
    let values = catalog::complete_values(
        &form,
        &serde_json::from_value(refused["values"].clone()).unwrap(),
        today,
    );
    let report = catalog::validate(&form, &values, catalog::Context::on(today));
    let browser = report.for_field("lease_end_date").next().unwrap();
    assert_eq!(
        err["fields"]["lease_end_date"]["en"],
        browser.message.en.as_str()
    );
    assert_eq!(
        err["fields"]["lease_end_date"]["zh"],
        browser.message.zh.as_str()
    );
    assert!(browser.message.en.contains("cannot be before today"));
}

#[tokio::test]
async fn admin_routes_refuse_before_reading_the_body() {
    let bodies = ["", "{", "not json at all", r#"{"license_number": 7}"#, "[]"];
    let routes = [
        ("POST", "/api/admin/revocations"),
        ("POST", "/api/admin/keys/reload"),
        ("POST", "/api/admin/devices"),
        ("GET", "/api/licenses/310115-2026-000001/permits/101"),
    ];
    for (token, expected, code) in [
        (Some(ADMIN_TOKEN), StatusCode::UNAUTHORIZED, "unauthorized"),
        (None, StatusCode::SERVICE_UNAVAILABLE, "admin_disabled"),
    ] {
        let dir = TempDir::new("api-admin-gate");
        let app = app(state(&TestLedger::sqlite_in(&dir.0), token).await);
        for (method, path) in routes {
            for body in bodies {
                for auth in [None, Some("Bearer wrong-token"), Some("Basic abc")] {
                    let mut req = Request::builder()
                        .method(method)
                        .uri(path)
                        .header(header::CONTENT_TYPE, "application/json");
                    if let Some(auth) = auth {
                        req = req.header(header::AUTHORIZATION, auth);
                    }
                    let req = req.body(Body::from(body)).unwrap();
                    let (status, _, err) = send(&app, req).await;
                    assert_eq!(status, expected, "{method} {path} {body:?} {auth:?}: {err}");
                    assert_eq!(err["error"], code);
                }
            }
        }
    }
}

async fn two_servers_on_one_ledger_number_once_and_issue_once(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-two-servers", backend).await else {
        return;
    };
    let first = app(state(&ledger, None).await);
    let second = app(state(&ledger, None).await);
    let mut sends = Vec::new();
    for i in 0..24 {
        let (a, b) = (first.clone(), second.clone());
        sends.push(tokio::spawn(async move {
            // Every id goes to both servers at once.
            let body = application(&format!("two-{i}"), 0);
            let (x, y) = tokio::join!(
                send(&a, post("/api/applications", &body)),
                send(&b, post("/api/applications", &body))
            );
            assert!(x.0.is_success() && y.0.is_success(), "{} {}", x.2, y.2);
            assert_eq!(x.2["license"], y.2["license"]);
            x.2["license"]["number"].as_str().unwrap().to_owned()
        }));
    }
    let mut numbers = Vec::new();
    for send in sends {
        numbers.push(send.await.unwrap());
    }
    numbers.sort();
    let year = &numbers[0][7..11];
    let expected: Vec<String> = (1..=24)
        .map(|seq| format!("310115-{year}-{seq:06}"))
        .collect();
    // Never reused, never skipped.
    assert_eq!(numbers, expected);
}

/// 64 concurrent sends of 8 application ids, alternating between two servers on one ledger:
/// exactly 8 licenses, numbered consecutively.
async fn sixty_four_sends_of_eight_ids_on_two_servers(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-64-of-8", backend).await else {
        return;
    };
    let servers = [
        app(state(&ledger, None).await),
        app(state(&ledger, None).await),
    ];
    let sends: Vec<_> = (0..64)
        .map(|i| {
            let server = servers[i % 2].clone();
            let body = application(&format!("eight-{}", i % 8), 0);
            tokio::spawn(async move { send(&server, post("/api/applications", &body)).await })
        })
        .collect();
    let mut by_id = std::collections::BTreeMap::new();
    for (i, sent) in sends.into_iter().enumerate() {
        let (status, _, answer) = sent.await.unwrap();
        assert!(status.is_success(), "{answer}");
        let number = answer["license"]["number"].as_str().unwrap().to_owned();
        let first = by_id.entry(i % 8).or_insert_with(|| number.clone());
        assert_eq!(*first, number, "one id, one license");
    }
    let mut numbers: Vec<String> = by_id.into_values().collect();
    numbers.sort();
    let year = &numbers[0][7..11];
    let expected: Vec<String> = (1..=8)
        .map(|seq| format!("310115-{year}-{seq:06}"))
        .collect();
    assert_eq!(numbers, expected);
    assert_eq!(state(&ledger, None).await.ledger().await.unwrap().len(), 8);
}

on_both!(sixty_four_sends_of_eight_ids_on_two_servers);

/// A revocation through one server is known at once to another on the same ledger, and both
/// serve the very same signed list.
async fn revocations_are_the_ledgers_not_an_instances(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-shared-revocations", backend).await else {
        return;
    };
    let first = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let second = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let (_, _, before_first) = send(&first, get("/api/revocations")).await;
    let (_, _, before_second) = send(&second, get("/api/revocations")).await;
    assert_eq!(before_first, before_second);

    let (status, _, issued) = send(
        &first,
        post("/api/applications", &application("shared-rev", 0)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let number = issued["license"]["number"].as_str().unwrap();
    let qr = json!({ "qr_text": issued["license"]["qr_text"] });
    let (_, _, verdict) = send(&second, post("/api/verify", &qr)).await;
    assert_eq!(verdict["valid"], true, "{verdict}");

    let revoke = json!({ "license_number": number, "reason": "false commitment" });
    let (status, _, _) = send(&first, admin_post("/api/admin/revocations", &revoke)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, _, verdict) = send(&second, post("/api/verify", &qr)).await;
    assert_eq!(verdict["reason"], "revoked", "{verdict}");
    let (_, _, from_first) = send(&first, get("/api/status-list")).await;
    let (_, _, from_second) = send(&second, get("/api/revocations")).await;
    assert_eq!(
        from_first, from_second,
        "the same signed bytes from either instance"
    );
    assert_ne!(from_first["cose"], before_first["cose"]);
}

on_both!(revocations_are_the_ledgers_not_an_instances);

fn passed_inspection() -> Value {
    json!({"date": common::INSPECTED_ON, "inspector": "王检查", "result": "passed", "note": "现场与申报一致"})
}

fn permit<'a>(tracked: &'a Value, id: &str) -> &'a Value {
    tracked["permits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {tracked}"))
}

fn events(tracked: &Value) -> Vec<String> {
    tracked["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

/// The convenience store whose food (amr, with an inspection) and drug (amr-drugs) permits
/// need review: 202; one department's correction is held until the other has answered, then
/// both fields' messages go back together; a revision is accepted only then; the last
/// approval issues the license, numbered and signed; the audit log names every actor and
/// cannot be rewritten.
async fn corrections_go_back_all_at_once_and_the_license_follows_the_last_approval(
    backend: Backend,
) {
    let Some(ledger) = TestLedger::new("api-review", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let sent = common::review_application("shop-1", 0);
    let (status, _, answer) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        answer,
        json!({"application_id": "shop-1", "status": "under_review", "revision": 1})
    );
    let (status, _, tracked) = send(&app, get("/api/applications/shop-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tracked["status"], "under_review");
    assert!(tracked["license_number"].is_null());
    let food = permit(&tracked, "food_business");
    assert_eq!(food["status"], "under_review");
    assert_eq!(food["mode"], "review");
    let due = food["due"].as_str().unwrap().to_owned();
    assert!(catalog::Date::parse(&due).is_some(), "{due}");
    assert_eq!(permit(&tracked, "drug_retail")["status"], "under_review");
    assert_eq!(
        permit(&tracked, "liquor_retail")["status"],
        "granted_on_commitment"
    );
    assert!(permit(&tracked, "liquor_retail")["due"].is_null());
    assert_eq!(
        &events(&tracked)[..2],
        &["received".to_owned(), "accepted".to_owned()]
    );

    // The same again: where it stands. Other content: not while it is under review.
    let (status, _, again) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(again, answer);
    let mut changed = sent.clone();
    changed["values"]["contact_phone"] = json!("13900001111");
    let (status, _, conflict) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"], "id_conflict");

    // Corrections must name the application's fields, in both languages.
    for bad in [
        json!({"decision": "request_correction", "messages": {}}),
        json!({"decision": "request_correction", "messages": {"no_such_field": {"zh": "改", "en": "fix"}}}),
        json!({"decision": "request_correction", "messages": {"contact_phone": {"zh": "请核对", "en": " "}}}),
    ] {
        let (status, _, err) =
            send(&app, on_permit("shop-1", "food_business", "decision", &bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {err}");
    }
    let messages = json!({
        "contact_phone": {"zh": "电话无法接通，请核对", "en": "The number does not answer: check it"},
        "premises_address": {"zh": "请写明门牌号和楼层", "en": "Give the street number and floor"},
    });
    let (status, _, view) = send(
        &app,
        on_permit(
            "shop-1",
            "food_business",
            "decision",
            &json!({"decision": "request_correction", "messages": messages}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "under_review");

    // Held: the drug department has not answered, so the applicant sees nothing yet.
    let (_, _, tracked) = send(&app, get("/api/applications/shop-1")).await;
    assert_eq!(tracked["status"], "under_review");
    assert_eq!(
        permit(&tracked, "food_business")["status"],
        "correction_requested"
    );
    assert!(permit(&tracked, "food_business")["messages"].is_null());
    let (status, _, _) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The drug department inspects and approves: now every message goes back at once.
    let (status, _, _) = send(
        &app,
        on_permit("shop-1", "drug_retail", "inspections", &passed_inspection()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let approve = json!({"decision": "approve", "conditions": {"zh": "处方药凭处方销售", "en": "Prescription drugs on prescription only"}});
    let (status, _, view) = send(
        &app,
        on_permit("shop-1", "drug_retail", "decision", &approve),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let (_, _, tracked) = send(&app, get("/api/applications/shop-1")).await;
    assert_eq!(tracked["status"], "correction_requested");
    assert_eq!(permit(&tracked, "food_business")["messages"], messages);
    assert_eq!(permit(&tracked, "drug_retail")["status"], "approved");
    assert!(events(&tracked).contains(&"correction_requested".to_owned()));
    // Decided is decided; and nobody decides while the applicant corrects.
    let (status, _, err) = send(
        &app,
        on_permit("shop-1", "drug_retail", "decision", &approve),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "not_pending");
    let (status, _, _) = send(
        &app,
        on_permit(
            "shop-1",
            "food_business",
            "decision",
            &json!({"decision": "approve"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The corrected application: revision 2, the food permit back under review with its
    // original due date.
    changed["values"]["premises_address"] = json!("科苑路88号1层102室（南门）");
    let (status, _, answer) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["revision"], 2);
    assert_eq!(answer["status"], "under_review");
    let (status, _, again) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(again["revision"], 2);
    let (_, _, tracked) = send(&app, get("/api/applications/shop-1")).await;
    assert_eq!(tracked["revision"], 2);
    assert_eq!(permit(&tracked, "food_business")["status"], "under_review");
    assert_eq!(permit(&tracked, "food_business")["due"], due.as_str());
    assert!(permit(&tracked, "food_business")["messages"].is_null());
    assert!(events(&tracked).contains(&"revision_received".to_owned()));
    // The old revision is no longer the application.
    let (status, _, _) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Food needs its on-site inspection before approval.
    let (status, _, err) = send(
        &app,
        on_permit(
            "shop-1",
            "food_business",
            "decision",
            &json!({"decision": "approve"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "inspection_required");
    let (status, _, view) = send(
        &app,
        on_permit(
            "shop-1",
            "food_business",
            "inspections",
            &passed_inspection(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    let food = view["permits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "food_business")
        .unwrap();
    assert_eq!(food["inspections"][0]["result"], "passed");
    assert_eq!(food["inspection_required"], true);
    let (status, _, view) = send(
        &app,
        on_permit(
            "shop-1",
            "food_business",
            "decision",
            &json!({"decision": "approve"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "issued");

    // The license: numbered and signed like any other, for the corrected revision.
    let (status, _, issued) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(issued["status"], "issued");
    let license = &issued["license"];
    let number = license["number"].as_str().unwrap();
    assert!(number.ends_with("-000001"), "{number}");
    assert_eq!(license["permits"][0]["number"], format!("{number}-101"));
    assert_eq!(
        license["claims"]["address"]["detail"],
        "科苑路88号1层102室（南门）"
    );
    let (_, _, verdict) = send(
        &app,
        post("/api/verify", &json!({ "qr_text": license["qr_text"] })),
    )
    .await;
    assert_eq!(verdict["valid"], true, "{verdict}");
    let (_, _, repeat) = send(&app, post("/api/applications", &changed)).await;
    assert_eq!(repeat["license"], issued["license"]);
    let (_, _, tracked) = send(&app, get("/api/applications/shop-1")).await;
    assert_eq!(tracked["status"], "issued");
    assert_eq!(tracked["license_number"], number);
    assert_eq!(events(&tracked).last().unwrap(), "issued");
    assert_eq!(
        ledger.stored_values("shop-1").await["premises_address"],
        "科苑路88号1层102室（南门）"
    );
    // Still nothing about people in the tracking answer.
    let text = tracked.to_string();
    for personal in ["legal_rep_id_number", "legal_rep_phone"] {
        assert!(!text.contains(sent["values"][personal].as_str().unwrap()));
    }

    // Every department action, with its actor; and the log stays as written.
    let rows = ledger.audit_rows("shop-1").await;
    let actions: Vec<(&str, &str, Option<&str>)> = rows
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_deref()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                "admin-token",
                "decision.request_correction",
                Some("food_business")
            ),
            ("admin-token", "inspection", Some("drug_retail")),
            ("admin-token", "decision.approve", Some("drug_retail")),
            ("admin-token", "inspection", Some("food_business")),
            ("admin-token", "decision.approve", Some("food_business")),
        ]
    );
    for attempt in ledger.tamper_with_audit_log().await {
        let err = attempt.expect_err("the audit log refuses changes");
        assert!(err.contains("append-only"), "{err}");
    }
    assert_eq!(ledger.audit_rows("shop-1").await, rows);
}

/// A refusal waits for the applicant: dropping the refused permit gives a license for the
/// rest; withdrawing ends the application.
async fn a_refused_permit_is_dropped_or_the_application_withdrawn(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-refusal", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let reject = json!({"decision": "reject", "reason": {"zh": "经营场所距学校不足50米", "en": "The premises are less than 50 m from a school"}});
    for id in ["drop-1", "withdraw-1"] {
        let sent = common::review_application(id, 2);
        let (status, _, _) = send(&app, post("/api/applications", &sent)).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let (status, _, _) = send(&app, on_permit(id, "drug_retail", "decision", &reject)).await;
        assert_eq!(status, StatusCode::OK);
        // Not before every department has answered.
        let decision = json!({"application": sent, "decision": {"choice": "withdraw"}});
        let (status, _, err) = send(
            &app,
            post(&format!("/api/applications/{id}/decision"), &decision),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{err}");
        assert_eq!(err["error"], "not_rejected");
        for (what, step) in common::approvals("food_business") {
            let (status, _, _) = send(&app, on_permit(id, "food_business", &what, &step)).await;
            assert!(status.is_success());
        }
        let (_, _, tracked) = send(&app, get(&format!("/api/applications/{id}"))).await;
        assert_eq!(tracked["status"], "rejected");
        let drug = permit(&tracked, "drug_retail");
        assert_eq!(drug["status"], "rejected");
        assert_eq!(
            drug["rejection"]["reason"]["en"],
            "The premises are less than 50 m from a school"
        );
        // The catalog's appeal route when the reviewer gave none.
        let appeal = &catalog::Catalog::builtin()
            .permit("drug_retail")
            .unwrap()
            .grant
            .appeal;
        assert_eq!(drug["rejection"]["appeal"]["zh"], appeal.zh.as_str());
        // Only the holder of the current revision decides.
        let mut other = sent.clone();
        other["values"]["contact_phone"] = json!("13900002222");
        let forged = json!({"application": other, "decision": {"choice": "withdraw"}});
        let (status, _, err) = send(
            &app,
            post(&format!("/api/applications/{id}/decision"), &forged),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(err["error"], "not_current_revision");
    }

    let drop = json!({"application": common::review_application("drop-1", 2), "decision": {"choice": "drop", "permit": "food_business"}});
    let (status, _, err) = send(&app, post("/api/applications/drop-1/decision", &drop)).await;
    assert_eq!(status, StatusCode::CONFLICT, "only a refused permit: {err}");
    let drop = json!({"application": common::review_application("drop-1", 2), "decision": {"choice": "drop", "permit": "drug_retail"}});
    let (status, _, tracked) = send(&app, post("/api/applications/drop-1/decision", &drop)).await;
    assert_eq!(status, StatusCode::OK, "{tracked}");
    assert_eq!(tracked["status"], "issued");
    assert_eq!(permit(&tracked, "drug_retail")["status"], "dropped");
    assert!(tracked["license_number"].is_string());
    let (status, _, issued) = send(
        &app,
        post(
            "/api/applications",
            &common::review_application("drop-1", 2),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let kinds: Vec<&str> = issued["license"]["permits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"food_business"), "{kinds:?}");
    assert!(!kinds.contains(&"drug_retail"), "{kinds:?}");

    let withdraw = json!({"application": common::review_application("withdraw-1", 2), "decision": {"choice": "withdraw"}});
    let (status, _, tracked) = send(
        &app,
        post("/api/applications/withdraw-1/decision", &withdraw),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tracked}");
    assert_eq!(tracked["status"], "withdrawn");
    assert!(tracked["license_number"].is_null());
    assert_eq!(events(&tracked).last().unwrap(), "withdrawn");
    let (status, _, answer) = send(
        &app,
        post(
            "/api/applications",
            &common::review_application("withdraw-1", 2),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(answer["status"], "withdrawn");
    let ledger_rows = state_licenses(&ledger).await;
    assert_eq!(ledger_rows.len(), 1, "{ledger_rows:?}");
    let actions: Vec<String> = ledger
        .audit_rows("withdraw-1")
        .await
        .into_iter()
        .map(|(actor, action, _)| format!("{actor} {action}"))
        .collect();
    assert_eq!(actions.last().unwrap(), "applicant applicant.withdraw");
}

async fn state_licenses(ledger: &TestLedger) -> Vec<(String, String)> {
    state(ledger, None).await.ledger().await.unwrap()
}

/// Two instances on one ledger, two departments deciding the same application at the same
/// moment: both decisions are kept (compare-and-swap, tried again on the fresh state).
async fn decisions_on_two_instances_at_once_are_both_kept(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-cas", backend).await else {
        return;
    };
    let one = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    let two = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    for i in 0..6 {
        let id = format!("cas-{i}");
        let (status, _, _) = send(
            &one,
            post("/api/applications", &common::review_application(&id, i)),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let correct = json!({"decision": "request_correction", "messages": {"contact_phone": {"zh": "请核对电话", "en": "Check the phone number"}}});
        let (a, b) = tokio::join!(
            send(&one, on_permit(&id, "drug_retail", "decision", &correct)),
            send(
                &two,
                on_permit(&id, "food_business", "inspections", &passed_inspection())
            ),
        );
        assert_eq!(a.0, StatusCode::OK, "{}", a.2);
        assert_eq!(b.0, StatusCode::CREATED, "{}", b.2);
        let (_, _, tracked) = send(&two, get(&format!("/api/applications/{id}"))).await;
        assert_eq!(
            permit(&tracked, "drug_retail")["status"],
            "correction_requested"
        );
        let inspected = events(&tracked)
            .iter()
            .filter(|e| *e == "inspection_recorded")
            .count();
        assert_eq!(inspected, 1, "{tracked}");
    }
}

/// The applicant may ask for a department's review instead of a commitment where the catalog
/// allows it: the application then waits (202) like any reviewed one.
async fn a_review_asked_for_instead_of_the_commitment_waits_for_its_department(backend: Backend) {
    let Some(ledger) = TestLedger::new("api-asked", backend).await else {
        return;
    };
    let app = app(state(&ledger, Some(ADMIN_TOKEN)).await);
    // Not a permit of this application (no food sold), or one granted on commitment only.
    for (id, asked) in [
        ("ask-1", "food_business"),
        ("ask-2", "medical_device_class2"),
    ] {
        let mut sent = application(id, 1);
        sent["review_requested"] = json!([asked]);
        let (status, _, err) = send(&app, post("/api/applications", &sent)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{asked}: {err}");
        assert_eq!(err["error"], "review_not_allowed");
    }
    let mut sent = application("ask-3", 1);
    sent["review_requested"] = json!(["liquor_retail"]);
    let (status, _, answer) = send(&app, post("/api/applications", &sent)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let (_, _, tracked) = send(&app, get("/api/applications/ask-3")).await;
    let liquor = permit(&tracked, "liquor_retail");
    assert_eq!(liquor["mode"], "review");
    assert_eq!(liquor["status"], "under_review");
    assert_eq!(
        permit(&tracked, "tobacco_retail")["status"],
        "granted_on_commitment"
    );
    // The same values without the request are other content: not this application.
    let (status, _, _) = send(&app, post("/api/applications", &application("ask-3", 1))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, answer) = issue(&app, &sent).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer["license"]["number"].is_string());
}
