//! The trust list (`--trust-list FILE`, `--trust-root-key DIR`), the signed revocation list's
//! expiry and the CSP's status origins, through `app()` without a socket (tower's `oneshot`).
//! What involves the ledger runs on SQLite and on PostgreSQL (`on_both!`).

mod common;

use std::path::Path;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::{ADMIN_TOKEN, Backend, TempDir, TestLedger, application, on_both};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, Clock, Config, TrustSource, app, key_dir};
use signer::{
    KeySet, KeyStore, SignedStatusList, SignedTrustList, SigningKey, StatusList, TrustList,
    TrustedIssuer, TrustedKey,
};
use tower::ServiceExt;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// An instance on `ledger` with the admin routes, at `clock`, with `trust`.
fn config(ledger: &TestLedger, clock: Clock, trust: Option<TrustSource>) -> Config {
    Config {
        admin_token: Some(ADMIN_TOKEN.to_owned()),
        clock,
        trust,
        ..ledger.config()
    }
}

async fn open(config: Config) -> Router {
    app(AppState::open(config).await.unwrap())
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn get_if_none_match(path: &str, etag: &str) -> Request<Body> {
    Request::get(path)
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A trust list of two issuers: one at `peer` (an absolute status URL), one served here.
fn two_issuers(peer: &str, issued_at: i64) -> TrustList {
    let key = |seed: u8| TrustedKey {
        public_key: hex::encode(SigningKey::from_seed(&[seed; 32], "x").public_key()),
        not_before: 0,
        not_after: None,
    };
    TrustList {
        root: "310000".into(),
        issued_at,
        expires_at: issued_at + 30 * DAY,
        issuers: vec![
            TrustedIssuer {
                id: "310115".into(),
                name: "浦东新区行政审批局".into(),
                name_en: "Pudong".into(),
                divisions: vec![310115],
                permits: None,
                status_url: "/api/revocations".into(),
                keys: vec![key(1)],
                withdrawn: Vec::new(),
            },
            TrustedIssuer {
                id: "310104".into(),
                name: "徐汇区行政审批局".into(),
                name_en: "Xuhui".into(),
                divisions: vec![310104],
                permits: Some(vec![1, 2]),
                status_url: format!("{peer}/api/revocations"),
                keys: vec![key(2)],
                withdrawn: Vec::new(),
            },
        ],
    }
}

/// The signed list as `signer trust-list sign` writes it, in a file; gives the file's text.
fn write_list(path: &Path, list: &TrustList) -> String {
    let root = SigningKey::from_seed(&[9; 32], "310000");
    let signed = list.sign(&root).unwrap();
    // Pretty, with a final newline: what is served must be these very bytes.
    let text = serde_json::to_string_pretty(&signed).unwrap() + "\n";
    std::fs::write(path, &text).unwrap();
    text
}

/// Longer than the server's once-a-second look at the file.
fn after_the_next_look() {
    std::thread::sleep(Duration::from_millis(1_100));
}

#[tokio::test]
async fn a_trust_list_file_is_served_verbatim_and_followed_when_it_changes() {
    let temp = TempDir::new("trust-file");
    let file = temp.0.join("trust-list.json");
    let first = write_list(&file, &two_issuers("https://Xuhui.Example.cn:8443", now()));
    let app = open(config(
        &TestLedger::sqlite_in(&temp.0),
        Clock::System,
        Some(TrustSource::File(file.clone())),
    ))
    .await;

    let served = send(&app, get("/api/trust-list")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(String::from_utf8(served.body.clone()).unwrap(), first);
    assert_eq!(served.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(served.header(header::CACHE_CONTROL), "no-cache");
    assert_eq!(served.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let etag = served.header(header::ETAG).to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", hex::encode(sha2_256(first.as_bytes())))
    );
    let again = send(&app, get_if_none_match("/api/trust-list", &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header(header::ETAG), etag);
    assert_eq!(again.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let stale = send(&app, get_if_none_match("/api/trust-list", "\"0\"")).await;
    assert_eq!(stale.status, StatusCode::OK);

    // Pages may fetch the other issuer's revocation list; only its origin is named.
    let page = send(&app, get("/")).await;
    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("connect-src 'self' https://xuhui.example.cn:8443;"),
        "{csp}"
    );

    // A new list in the file is served from the next look on, with its own ETag and CSP.
    after_the_next_look();
    let second = write_list(&file, &two_issuers("http://127.0.0.1:9104", now() + 1));
    after_the_next_look();
    let served = send(&app, get("/api/trust-list")).await;
    assert_eq!(String::from_utf8(served.body.clone()).unwrap(), second);
    assert_ne!(served.header(header::ETAG), etag);
    let csp = send(&app, get("/")).await;
    let csp = csp.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("connect-src 'self' http://127.0.0.1:9104;"),
        "{csp}"
    );
    assert!(!csp.contains("xuhui"), "{csp}");

    // A file that no longer decodes keeps the list in use.
    std::fs::write(&file, r#"{"cose": "d28443"}"#).unwrap();
    after_the_next_look();
    let served = send(&app, get("/api/trust-list")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(String::from_utf8(served.body).unwrap(), second);
}

fn sha2_256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

#[tokio::test]
async fn without_a_trust_list_the_route_says_which_flag_to_set() {
    let temp = TempDir::new("trust-none");
    let app = open(config(&TestLedger::sqlite_in(&temp.0), Clock::System, None)).await;
    let answer = send(&app, get("/api/trust-list")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let body = answer.json();
    assert_eq!(body["error"], "no_trust_list");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("--trust-list"), "{message}");
    let page = send(&app, get("/")).await;
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .contains("connect-src 'self';")
    );
}

#[tokio::test]
async fn a_trust_list_file_that_cannot_be_used_stops_the_start_naming_it() {
    let temp = TempDir::new("trust-bad");
    let missing = temp.0.join("no-such-list.json");
    let undecodable = temp.0.join("not-a-list.json");
    std::fs::write(&undecodable, r#"{"cose": "00"}"#).unwrap();
    let not_json = temp.0.join("not-json.json");
    std::fs::write(&not_json, "cose").unwrap();
    for file in [&missing, &undecodable, &not_json] {
        let error = AppState::open(config(
            &TestLedger::sqlite_in(&temp.0),
            Clock::System,
            Some(TrustSource::File(file.clone())),
        ))
        .await
        .err()
        .expect("the start is refused");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("trust list {}: ", file.display())),
            "{message}"
        );
    }
    let no_root = temp.0.join("no-root");
    let error = AppState::open(config(
        &TestLedger::sqlite_in(&temp.0),
        Clock::System,
        Some(TrustSource::RootKey(no_root.clone())),
    ))
    .await
    .err()
    .expect("the start is refused");
    assert!(
        error
            .to_string()
            .starts_with(&format!("trust root key {}: ", no_root.display())),
        "{error}"
    );
}

#[test]
fn both_trust_flags_refuse_to_start() {
    let temp = TempDir::new("trust-both");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(temp.0.join("data"))
        .arg("--trust-list")
        .arg(temp.0.join("list.json"))
        .env("YIYE_TRUST_ROOT_KEY", temp.0.join("root"))
        .env_remove("YIYE_TRUST_LIST")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--trust-list") && stderr.contains("--trust-root-key"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
}

/// A root key directory as `signer keygen` makes it; gives its public key.
fn root_key(dir: &Path) -> [u8; 32] {
    let store = KeyStore::create(dir, "310000", None, now() - DAY).unwrap();
    store.signing_key().public_key()
}

#[tokio::test]
async fn the_development_list_names_this_server_signed_by_the_root() {
    let temp = TempDir::new("trust-dev");
    let root_dir = temp.0.join("trust-root");
    let root = root_key(&root_dir);
    let app = open(config(
        &TestLedger::sqlite_in(&temp.0),
        Clock::System,
        Some(TrustSource::RootKey(root_dir)),
    ))
    .await;
    let served = send(&app, get("/api/trust-list")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let signed: SignedTrustList = serde_json::from_slice(&served.body).unwrap();
    let list = TrustList::verify(&signed, &[root]).unwrap();
    // Another root does not do.
    let other = SigningKey::from_seed(&[3; 32], "x").public_key();
    assert!(TrustList::verify(&signed, &[other]).is_err());
    assert_eq!(list.root, "310000");
    assert!(list.issued_at <= now() && list.issued_at > now() - 60);
    assert_eq!(list.expires_at, list.issued_at + 30 * DAY);
    let [issuer] = &list.issuers[..] else {
        panic!("one issuer: {list:?}")
    };
    assert_eq!(issuer.id, "yiye-test");
    assert_eq!(issuer.name, "测试审批局");
    assert_eq!(issuer.name_en, "Test Approval Bureau");
    assert_eq!(issuer.status_url, "/api/status-list");
    assert_eq!(issuer.permits, None);
    assert!(issuer.divisions.contains(&310000), "{:?}", issuer.divisions);
    let keys: KeySet = serde_json::from_slice(&send(&app, get("/api/keys")).await.body).unwrap();
    let published: Vec<&str> = keys
        .entries()
        .iter()
        .map(|e| e.public_key.as_str())
        .collect();
    let listed: Vec<&str> = issuer.keys.iter().map(|k| k.public_key.as_str()).collect();
    assert_eq!(listed, published);
    // The status of this server's licenses verifies against the list's keys.
    let statuses: SignedStatusList =
        serde_json::from_slice(&send(&app, get("/api/status-list")).await.body).unwrap();
    let status = StatusList::verify(&statuses, &list.key_set().unwrap()).unwrap();
    assert_eq!(status.issuer, "yiye-test");

    // A rotation of the server's keys is in the next list.
    let mut store = KeyStore::open(&key_dir(&temp.0.join("data"))).unwrap();
    after_the_next_look();
    store.rotate(now(), 60).unwrap();
    after_the_next_look();
    let signed: SignedTrustList =
        serde_json::from_slice(&send(&app, get("/api/trust-list")).await.body).unwrap();
    let list = TrustList::verify(&signed, &[root]).unwrap();
    assert_eq!(list.issuers[0].keys.len(), 2);
    let new_key = hex::encode(store.signing_key().public_key());
    assert!(list.issuers[0].keys.iter().any(|k| k.public_key == new_key));
}

#[tokio::test]
async fn a_six_digit_issuer_lists_its_own_division() {
    let temp = TempDir::new("trust-dev-division");
    let root_dir = temp.0.join("trust-root");
    let root = root_key(&root_dir);
    let mut config = config(
        &TestLedger::sqlite_in(&temp.0),
        Clock::System,
        Some(TrustSource::RootKey(root_dir)),
    );
    config.issuer = "310104".into();
    let app = open(config).await;
    let signed: SignedTrustList =
        serde_json::from_slice(&send(&app, get("/api/trust-list")).await.body).unwrap();
    let list = TrustList::verify(&signed, &[root]).unwrap();
    assert_eq!(list.issuers[0].id, "310104");
    assert_eq!(list.issuers[0].divisions, vec![310104]);
}

on_both!(revocation_lists_expire_after_the_max_age_and_are_issued_on_the_hour);

/// What `/api/status-list` answers, verified with the server's own keys.
async fn revocations(app: &Router) -> (Answer, StatusList) {
    let answer = send(app, get("/api/status-list")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let keys: KeySet = serde_json::from_slice(&send(app, get("/api/keys")).await.body).unwrap();
    let signed: SignedStatusList = serde_json::from_slice(&answer.body).unwrap();
    let list = StatusList::verify(&signed, &keys).unwrap();
    (answer, list)
}

/// The status list's day of an instant: 00:00 UTC of the authority's (UTC+8) date.
fn server_day(t: i64) -> i64 {
    (t + 8 * HOUR).div_euclid(DAY) * DAY
}

async fn revocation_lists_expire_after_the_max_age_and_are_issued_on_the_hour(backend: Backend) {
    let Some(ledger) = TestLedger::new("trust-status", backend).await else {
        return;
    };
    // Ten days on (the keys and the ledger are made now), 20 min 34 s into an hour.
    let hour = (now() + 10 * DAY) / HOUR * HOUR;
    let at = |t: i64| {
        let mut config = config(&ledger, Clock::Fixed(t), None);
        config.status_max_age_days = 3;
        config
    };
    let app = open(at(hour + 1_234)).await;
    let (answer, list) = revocations(&app).await;
    assert_eq!(list.issued_at, hour);
    assert_eq!(list.expires_at, hour + 3 * DAY);
    let body = answer.json();
    assert_eq!(body["issued_at"], hour);
    assert_eq!(body["expires_at"], hour + 3 * DAY);
    assert_eq!(body["issuer"], "yiye-test");
    assert_eq!(answer.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-cache");
    let etag = answer.header(header::ETAG).to_owned();
    let again = send(&app, get_if_none_match("/api/status-list", &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");

    // Another instance on the same ledger, later in the same hour: the very same bytes.
    let other = open(at(hour + 3_599)).await;
    let (same, _) = revocations(&other).await;
    assert_eq!(same.body, answer.body);
    assert_eq!(same.header(header::ETAG), etag);

    // The next hour: issued anew.
    let later = open(at(hour + HOUR + 5)).await;
    let (next, list) = revocations(&later).await;
    assert_eq!(list.issued_at, hour + HOUR);
    assert_eq!(list.expires_at, hour + HOUR + 3 * DAY);
    let next_etag = next.header(header::ETAG);
    assert_ne!(next_etag, etag);
    let stale = send(&later, get_if_none_match("/api/status-list", &etag)).await;
    assert_eq!(stale.status, StatusCode::OK);

    // A revocation within the hour: the list says it is newer than the one before it.
    let issued = send(
        &later,
        Request::post("/api/applications")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(application("trust-rev", 0).to_string()))
            .unwrap(),
    )
    .await
    .json();
    let number = issued["license"]["number"].as_str().unwrap().to_owned();
    let revoked_at = hour + HOUR + 5;
    let res = send(
        &later,
        Request::post("/api/admin/revocations")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::from(
                json!({ "license_number": number, "reason": "closed" }).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let (_, list) = revocations(&later).await;
    let index = issued["license"]["claims"]["status_index"]
        .as_u64()
        .unwrap() as u32;
    assert_eq!(
        list.status(index),
        Some(signer::Status::Revoked {
            on: server_day(revoked_at)
        })
    );
    assert_eq!(list.issued_at, revoked_at);
    assert_eq!(list.expires_at, revoked_at + 3 * DAY);
}
