//! The `server` binary on a real socket with a real SQLite file (and, for the crash test, a real
//! PostgreSQL database too): intake, idempotency under concurrency, revocation, rotation, a
//! kill -9 in the middle of a burst, and hostile input.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{
    ADMIN_TOKEN, Backend, Server, TempDir, application, raw_request, request, try_request,
};
use serde_json::{Value, json};

#[test]
fn live_intake_concurrency_revocation_rotation_sqlite() {
    live_intake_concurrency_revocation_rotation(Backend::Sqlite);
}

#[test]
fn live_intake_concurrency_revocation_rotation_postgres() {
    live_intake_concurrency_revocation_rotation(Backend::Postgres);
}

/// A fresh ledger of `backend` for a test binary's server: `None` is the SQLite file in its
/// data directory; `Err(())` means PostgreSQL was asked for and there is no test cluster.
fn fresh_database(backend: Backend, tag: &str) -> Result<Option<String>, ()> {
    match backend {
        Backend::Sqlite => Ok(None),
        Backend::Postgres => common::postgres_database_blocking(tag).map(Some).ok_or(()),
    }
}

fn live_intake_concurrency_revocation_rotation(backend: Backend) {
    let Ok(database) = fresh_database(backend, "live") else {
        return;
    };
    let dir = TempDir::new("live");
    let data = dir.0.join("data");
    let server = Server::start_on(&data, Some(ADMIN_TOKEN), database.as_deref());

    // Development key created on first start, owner-only.
    let key = server::key_dir(&data).join(signer::KeyStore::KEY_FILE);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let keys = server.get("/api/keys").json();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);

    let first = server.post("/api/applications", &application("live-1", 0));
    assert_eq!(first.status, 201);
    let license = first.json()["license"].clone();
    let again = server.post("/api/applications", &application("live-1", 0));
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["license"], license);
    let conflict = server.post("/api/applications", &application("live-1", 5));
    assert_eq!(conflict.status, 409);

    let bad = {
        let mut b = application("live-bad", 0);
        b["values"]["postal_code"] = json!("2001");
        server.post("/api/applications", &b)
    };
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.json()["fields"]["postal_code"]["code"],
        "postal_code_format"
    );

    // N parallel sends of one id: exactly one license, the same for everyone.
    let addr = server.addr;
    let body = application("live-dup", 7).to_string();
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let body = body.clone();
            std::thread::spawn(move || {
                let r = request(
                    addr,
                    "POST",
                    "/api/applications",
                    &[("Content-Type", "application/json")],
                    Some(body.as_bytes()),
                );
                assert!(r.status == 201 || r.status == 200, "{}", r.status);
                r.json()["license"]["number"].as_str().unwrap().to_owned()
            })
        })
        .collect();
    let numbers: HashSet<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(numbers.len(), 1, "{numbers:?}");

    // Revoke, then verify says revoked.
    let number = license["number"].as_str().unwrap();
    let r = server.admin_post(
        "/api/admin/revocations",
        &json!({ "license_number": number, "reason": "test" }),
    );
    assert_eq!(r.status, 201);
    let v = server
        .post("/api/verify", &json!({ "qr_text": license["qr_text"] }))
        .json();
    assert_eq!(v["reason"], "revoked");

    // Rotate the key on disk: old licenses verify, new ones use the new key.
    let dup_license = server
        .post("/api/applications", &application("live-dup", 7))
        .json()["license"]
        .clone();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut store = signer::KeyStore::open(&server::key_dir(&data)).unwrap();
    let old_kid = store.signing_key().kid().to_owned();
    // Rotated "5 s ago": until the server re-reads the directory it still signs with the
    // old key, after that key's end without the grace period.
    store.rotate(now() - 5, 60).unwrap();
    let new_kid = store.signing_key().kid().to_owned();
    let in_window = server
        .post("/api/applications", &application("live-window", 3))
        .json()["license"]
        .clone();
    // No reload call: the server notices the changed key set within a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let fresh = server
        .post("/api/applications", &application("live-2", 2))
        .json()["license"]
        .clone();
    assert_eq!(fresh["kid"], new_kid);
    assert_eq!(dup_license["kid"], old_kid);
    for lic in [&dup_license, &in_window, &fresh] {
        let v = server
            .post("/api/verify", &json!({ "qr_text": lic["qr_text"] }))
            .json();
        assert_eq!(v["valid"], true, "{v}");
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn crash_during_burst_loses_no_answered_license_sqlite() {
    crash_during_burst_loses_no_answered_license(Backend::Sqlite);
}

#[test]
fn crash_during_burst_loses_no_answered_license_postgres() {
    crash_during_burst_loses_no_answered_license(Backend::Postgres);
}

/// kill -9 of a server during a burst; another server on the same ledger (a restart on the
/// SQLite file, the other instance on PostgreSQL) is sent everything again: every answered
/// license is there unchanged, no number is used twice.
fn crash_during_burst_loses_no_answered_license(backend: Backend) {
    const CLIENTS: usize = 6;
    const PER_CLIENT: usize = 150;
    let dir = TempDir::new("crash");
    let data = dir.0.join("data");
    let Ok(database) = fresh_database(backend, "crash") else {
        return;
    };
    let mut server = Server::start_on(&data, Some(ADMIN_TOKEN), database.as_deref());
    let addr = server.addr;

    let answered: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let answered = answered.clone();
            let count = count.clone();
            std::thread::spawn(move || {
                for i in 0..PER_CLIENT {
                    let id = format!("crash-{c}-{i}");
                    let body = application(&id, c * PER_CLIENT + i).to_string();
                    let Ok(r) = try_request(
                        addr,
                        "POST",
                        "/api/applications",
                        &[("Content-Type", "application/json")],
                        Some(body.as_bytes()),
                    ) else {
                        continue; // the server is gone: this one got no answer
                    };
                    if r.status == 201 || r.status == 200 {
                        let number = r.json()["license"]["number"].as_str().unwrap().to_owned();
                        answered.lock().unwrap().insert(id, number);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    // Kill mid-burst, once a good share has been answered.
    while count.load(Ordering::SeqCst) < CLIENTS * PER_CLIENT / 3 {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    server.kill9();
    for c in clients {
        c.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() < CLIENTS * PER_CLIENT,
        "the kill came too late to test anything"
    );

    let server = Server::start_on(&data, Some(ADMIN_TOKEN), database.as_deref());
    let mut numbers = HashSet::new();
    for c in 0..CLIENTS {
        for i in 0..PER_CLIENT {
            let id = format!("crash-{c}-{i}");
            // Resend the unanswered ones; ask the ledger about the answered ones.
            let r = if answered.contains_key(&id) {
                server.get(&format!("/api/applications/{id}"))
            } else {
                server.post("/api/applications", &application(&id, c * PER_CLIENT + i))
            };
            assert!(matches!(r.status, 200 | 201), "{id}: {}", r.status);
            let body = r.json();
            let number = body["license_number"]
                .as_str()
                .or(body["license"]["number"].as_str())
                .unwrap()
                .to_owned();
            if let Some(before) = answered.get(&id) {
                assert_eq!(
                    &number, before,
                    "{id}: answered license changed after the crash"
                );
            }
            assert!(
                numbers.insert(number.clone()),
                "license number {number} issued twice"
            );
        }
    }
    drop(server);
    // The ledger itself: one license per application, nothing else.
    const COUNTS: &str = "SELECT COUNT(*), COUNT(DISTINCT application_id) FROM licenses";
    let (licenses, distinct_apps): (i64, i64) = match &database {
        None => rusqlite::Connection::open(data.join("yiye.sqlite3"))
            .unwrap()
            .query_row(COUNTS, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap(),
        Some(url) => {
            let mut client = postgres_client(url);
            let row = client.query_one(COUNTS, &[]).unwrap();
            (row.get(0), row.get(1))
        }
    };
    assert_eq!(licenses as usize, CLIENTS * PER_CLIENT);
    assert_eq!(distinct_apps, licenses);
    eprintln!(
        "crash test: {} answered before kill -9, {} resent",
        answered.len(),
        CLIENTS * PER_CLIENT - answered.len()
    );
}

/// A blocking PostgreSQL client for the test's final look at the ledger.
fn postgres_client(url: &str) -> BlockingClient {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    });
    BlockingClient { runtime, client }
}

struct BlockingClient {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
}

impl BlockingClient {
    fn query_one(
        &mut self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<tokio_postgres::Row, tokio_postgres::Error> {
        self.runtime.block_on(self.client.query_one(sql, params))
    }
}

fn raw(method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json_post(path: &str, body: &str) -> Vec<u8> {
    raw("POST", path, Some("application/json"), body.as_bytes())
}

fn with_auth(req: Vec<u8>, auth: &str) -> Vec<u8> {
    let text = String::from_utf8(req).unwrap();
    text.replacen("\r\n", &format!("\r\nAuthorization: {auth}\r\n"), 1)
        .into_bytes()
}

fn app_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut a = application("hostile-1", 0);
    edit(&mut a);
    a.to_string()
}

#[test]
fn hostile_requests_get_4xx_json_and_the_server_keeps_serving() {
    let dir = TempDir::new("hostile");
    let server = Server::start(&dir.0.join("data"));
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let huge = format!(
        "{{\"id\":\"big\",\"industry\":\"convenience_store\",\"values\":{{\"x\":\"{}\"}}}}",
        "a".repeat(200_000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "malformed JSON",
            json_post("/api/applications", "{\"id\": "),
        ),
        ("not JSON at all", json_post("/api/applications", "hello")),
        ("empty body", json_post("/api/applications", "")),
        ("JSON array", json_post("/api/applications", "[1,2,3]")),
        ("JSON null", json_post("/api/applications", "null")),
        ("deeply nested", json_post("/api/applications", &deep)),
        ("huge body", json_post("/api/applications", &huge)),
        (
            "wrong content type",
            raw(
                "POST",
                "/api/applications",
                Some("text/plain"),
                application("ct", 0).to_string().as_bytes(),
            ),
        ),
        (
            "no content type",
            raw(
                "POST",
                "/api/applications",
                None,
                application("ct", 0).to_string().as_bytes(),
            ),
        ),
        (
            "form content type",
            raw(
                "POST",
                "/api/verify",
                Some("application/x-www-form-urlencoded"),
                b"qr_text=YY1",
            ),
        ),
        (
            "missing id",
            json_post(
                "/api/applications",
                &app_with(|a| {
                    a.as_object_mut().unwrap().remove("id");
                }),
            ),
        ),
        (
            "missing industry",
            json_post(
                "/api/applications",
                &app_with(|a| {
                    a.as_object_mut().unwrap().remove("industry");
                }),
            ),
        ),
        (
            "id wrong type",
            json_post("/api/applications", &app_with(|a| a["id"] = json!(12345))),
        ),
        (
            "values wrong type",
            json_post(
                "/api/applications",
                &app_with(|a| a["values"]["business_name"] = json!(7)),
            ),
        ),
        (
            "scope wrong type",
            json_post(
                "/api/applications",
                &app_with(|a| a["scope"]["sells_food"] = json!("yes")),
            ),
        ),
        (
            "negative floor area",
            json_post(
                "/api/applications",
                &app_with(|a| a["scope"]["floor_area_m2"] = json!(-50)),
            ),
        ),
        (
            "huge number",
            json_post(
                "/api/applications",
                &app_with(|a| a["scope"]["floor_area_m2"] = json!(1e300)),
            ),
        ),
        (
            "overlong id",
            json_post(
                "/api/applications",
                &app_with(|a| a["id"] = json!("x".repeat(65))),
            ),
        ),
        (
            "empty id",
            json_post("/api/applications", &app_with(|a| a["id"] = json!(""))),
        ),
        (
            "SQL injection id",
            json_post(
                "/api/applications",
                &app_with(|a| a["id"] = json!("x'); DROP TABLE licenses;--")),
            ),
        ),
        (
            "emoji id",
            json_post(
                "/api/applications",
                &app_with(|a| a["id"] = json!("申请-😀")),
            ),
        ),
        (
            "lone surrogate",
            json_post(
                "/api/applications",
                &app_with(|a| a["id"] = json!("SURR")).replace("SURR", "\\ud800"),
            ),
        ),
        (
            "unknown industry",
            json_post(
                "/api/applications",
                &app_with(|a| a["industry"] = json!("../../etc/passwd")),
            ),
        ),
        (
            "unknown scope question",
            json_post(
                "/api/applications",
                &app_with(|a| a["scope"]["sells_weapons"] = json!(true)),
            ),
        ),
        (
            "unknown field",
            json_post(
                "/api/applications",
                &app_with(|a| a["values"]["casino.tables"] = json!("9")),
            ),
        ),
        (
            "SQL injection value",
            json_post(
                "/api/applications",
                &app_with(|a| a["values"]["credit_code"] = json!("1' OR '1'='1")),
            ),
        ),
        (
            "NUL and RTL in values",
            json_post(
                "/api/applications",
                &app_with(|a| a["values"]["postal_code"] = json!("20\u{0}\u{202e}01")),
            ),
        ),
        (
            "SQL injection in registry path",
            raw("GET", "/api/registry/1'%20OR%20'1'='1", None, b""),
        ),
        (
            "registry code too long",
            raw(
                "GET",
                &format!("/api/registry/{}", "9".repeat(300)),
                None,
                b"",
            ),
        ),
        (
            "status id traversal",
            raw("GET", "/api/applications/..%2F..%2Fetc%2Fpasswd", None, b""),
        ),
        (
            "static traversal",
            raw("GET", "/../data/yiye.sqlite3", None, b""),
        ),
        (
            "static encoded traversal",
            raw("GET", "/%2e%2e/%2e%2e/etc/passwd", None, b""),
        ),
        (
            "static encoded key",
            raw("GET", "/..%2fdata%2fkeys%2fsigning-key.json", None, b""),
        ),
        (
            "unknown API route",
            raw("GET", "/api/does-not-exist", None, b""),
        ),
        (
            "wrong method",
            raw("DELETE", "/api/applications", None, b""),
        ),
        (
            "POST to static",
            raw("POST", "/index.html", Some("application/json"), b"{}"),
        ),
        (
            "malformed QR",
            json_post("/api/verify", "{\"qr_text\":\"YY1:not base45!!\"}"),
        ),
        (
            "QR wrong prefix",
            json_post("/api/verify", "{\"qr_text\":\"HC1:ABC\"}"),
        ),
        (
            "QR too long",
            json_post(
                "/api/verify",
                &format!("{{\"qr_text\":\"YY1:{}\"}}", "A".repeat(5000)),
            ),
        ),
        ("verify missing field", json_post("/api/verify", "{}")),
        (
            "revoke without token",
            json_post(
                "/api/admin/revocations",
                "{\"license_number\":\"x\",\"reason\":\"y\"}",
            ),
        ),
        (
            "revoke with wrong token",
            with_auth(
                json_post(
                    "/api/admin/revocations",
                    "{\"license_number\":\"x\",\"reason\":\"y\"}",
                ),
                "Bearer wrong",
            ),
        ),
        (
            "revoke with basic auth",
            with_auth(
                json_post(
                    "/api/admin/revocations",
                    "{\"license_number\":\"x\",\"reason\":\"y\"}",
                ),
                "Basic YWRtaW46YWRtaW4=",
            ),
        ),
        (
            "revoke unknown license",
            with_auth(
                json_post(
                    "/api/admin/revocations",
                    "{\"license_number\":\"310115-2026-999999\",\"reason\":\"y\"}",
                ),
                &format!("Bearer {ADMIN_TOKEN}"),
            ),
        ),
        (
            "revoke empty reason",
            with_auth(
                json_post(
                    "/api/admin/revocations",
                    "{\"license_number\":\"x\",\"reason\":\"\"}",
                ),
                &format!("Bearer {ADMIN_TOKEN}"),
            ),
        ),
        (
            "unknown permit",
            with_auth(
                raw(
                    "GET",
                    "/api/licenses/310115-2026-000001/permits/999",
                    None,
                    b"",
                ),
                &format!("Bearer {ADMIN_TOKEN}"),
            ),
        ),
        (
            "non-numeric permit",
            with_auth(
                raw(
                    "GET",
                    "/api/licenses/310115-2026-000001/permits/food",
                    None,
                    b"",
                ),
                &format!("Bearer {ADMIN_TOKEN}"),
            ),
        ),
        (
            "permit record without token",
            raw(
                "GET",
                "/api/licenses/310115-2026-000001/permits/101",
                None,
                b"",
            ),
        ),
    ];
    assert!(cases.len() >= 30);
    for (name, req) in &cases {
        let r = raw_request(server.addr, req).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            (400..500).contains(&r.status),
            "{name}: status {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        let body: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|_| panic!("{name}: not JSON: {}", String::from_utf8_lossy(&r.body)));
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{name}: {body}"
        );
        assert!(
            !String::from_utf8_lossy(&r.body).contains("secret_key"),
            "{name}"
        );
    }
    // Still serving, and nothing hostile reached the ledger.
    assert_eq!(server.get("/api/health").status, 200);
    assert_eq!(
        server
            .post("/api/applications", &application("after-hostile", 0))
            .status,
        201
    );
}
