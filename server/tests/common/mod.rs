//! Test helpers: the real server binary on a free port, and a minimal HTTP/1.1 client; one
//! test's ledger on SQLite or PostgreSQL (`TestLedger`, `on_both!`) and `app()` without a socket.
#![allow(dead_code)] // each test file uses a different subset

pub mod office;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use server::{AppState, Clock, Config, Database};
use tower::ServiceExt;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("yiye-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `server` binary listening on 127.0.0.1 with a real SQLite file; killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn start(data: &Path) -> Self {
        Self::start_with(data, Some(ADMIN_TOKEN))
    }

    pub fn start_with(data: &Path, token: Option<&str>) -> Self {
        Self::start_on(data, token, None)
    }

    /// With the ledger at `database` (`--database`), else the SQLite file in `data`.
    pub fn start_on(data: &Path, token: Option<&str>, database: Option<&str>) -> Self {
        let extra: Vec<String> = database
            .map(|url| vec!["--database".to_owned(), url.to_owned()])
            .unwrap_or_default();
        Self::start_args(data, token, &extra)
    }

    /// With further command-line arguments (`--database URL`, `--keys DIR`, …).
    pub fn start_args(data: &Path, token: Option<&str>, extra: &[String]) -> Self {
        let dist = data.join("..").join("dist-for-tests");
        let _ = std::fs::create_dir_all(&dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>Yiye</title>",
        );
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .arg("--dist")
            .arg(&dist)
            .env("RUST_LOG", "warn")
            .env_remove("YIYE_ADMIN_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(t) = token {
            cmd.env("YIYE_ADMIN_TOKEN", t);
        }
        cmd.env_remove("YIYE_DATABASE_URL").args(extra);
        let mut child = cmd.spawn().expect("spawn server");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .unwrap();
            if let Some(rest) = line.strip_prefix("Yiye is running at http://") {
                break rest.trim_end_matches('/').parse().unwrap();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// SIGTERM: stop accepting, finish what is in flight, exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().expect("the server exits")
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }

    pub fn get(&self, path: &str) -> Resp {
        request(self.addr, "GET", path, &[], None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        let body = body.to_string();
        request(
            self.addr,
            "POST",
            path,
            &[("Content-Type", "application/json")],
            Some(body.as_bytes()),
        )
    }

    pub fn admin_post(&self, path: &str, body: &Value) -> Resp {
        let body = body.to_string();
        let auth = format!("Bearer {ADMIN_TOKEN}");
        request(
            self.addr,
            "POST",
            path,
            &[
                ("Content-Type", "application/json"),
                ("Authorization", &auth),
            ],
            Some(body.as_bytes()),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Resp {
    try_request(addr, method, path, headers, body).expect("HTTP request failed")
}

pub fn try_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<Resp> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body.unwrap_or_default());
    raw_request(addr, &raw)
}

/// Sends raw bytes, reads the whole answer.
pub fn raw_request(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    // The server may answer (413) before reading a huge body; a failed write is not an error.
    let _ = s.write_all(raw);
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> std::io::Result<Resp> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no header end"))?;
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| bad("head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body).ok_or_else(|| bad("bad chunked body"))?;
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&b[..nl]).ok()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// Registered enterprises from the seed file: (credit code, name, division, address, legal rep).
pub fn seed_enterprise(i: usize) -> Value {
    let all: Vec<Value> = serde_json::from_str(include_str!("../../data/registry.json")).unwrap();
    all[i % all.len()]["values"].clone()
}

/// A complete, valid convenience-store application granted entirely on commitment: every
/// permit switched on but food and drugs (those wait for a department's review), so it is
/// issued at once (201) — the hot path of intake.
pub fn application(id: &str, seed: usize) -> Value {
    application_scoped(
        "convenience_store",
        id,
        seed,
        &["sells_food", "sells_drugs"],
    )
}

/// The convenience store with every permit switched on: food (`amr`, with an on-site
/// inspection) and drugs (`amr-drugs`) wait for review (202), the rest on commitment.
pub fn review_application(id: &str, seed: usize) -> Value {
    application_for("convenience_store", id, seed)
}

/// Shop addresses as applicants type them, down to floor and room (the form's hint): none is
/// a registered address of the seed.
pub const PREMISES: [&str; 6] = [
    "科苑路88号1层102室",
    "陆家嘴环路1000号B1层B108室",
    "东方路1217号1层105-106室",
    "杨高南路729号陆家嘴世纪金融广场1号楼1层",
    "长清路1155号2层201室",
    "蓝村路228号底层东侧商铺",
];

/// A complete, valid application for `industry` with every permit switched on.
pub fn application_for(industry: &str, id: &str, seed: usize) -> Value {
    application_scoped(industry, id, seed, &[])
}

/// A complete, valid application for `industry` with every permit switched on but those the
/// yes/no questions `off` ask about.
pub fn application_scoped(industry: &str, id: &str, seed: usize, off: &[&str]) -> Value {
    let catalog = catalog::Catalog::builtin();
    let industry = catalog.industry(industry).unwrap();
    let mut scope = industry.full_scope(catalog);
    for q in off {
        scope.insert((*q).to_owned(), catalog::ScopeAnswer::YesNo(false));
    }
    let form = catalog.merge(&industry.id, &scope).unwrap();
    let mut values = serde_json::Map::new();
    for field in form.fields() {
        use catalog::FieldKind::*;
        if let Some(p) = &field.preset {
            values.insert(field.def.id.clone(), p.clone().into());
            continue;
        }
        let v = match field.def.kind {
            Text => "示例内容".to_string(),
            CreditCode => "91110108551385082Q".to_string(),
            IdNumber => "11010519491231002X".to_string(),
            Phone => "13812345678".to_string(),
            Email => "owner@example.com".to_string(),
            Date => match field.def.date_rule {
                Some(catalog::DateRule::NotInPast) => "2030-12-31".to_string(),
                _ => "2020-01-15".to_string(),
            },
            Number | Integer => field.def.min.unwrap_or(1.0).max(1.0).to_string(),
            Choice | MultiChoice => field.def.options[0].value.clone(),
            Division => "310115".to_string(),
            PostalCode => "200120".to_string(),
            YesNo => "no".to_string(),
            TimeRange => "07:00-23:00".to_string(),
        };
        values.insert(field.def.id.clone(), v.into());
    }
    values.insert("legal_rep_id_type".into(), "resident_id".into());
    // The shop, somewhere else than the registered office (as for most branches and chains).
    values.insert(
        "premises_address".into(),
        PREMISES[seed % PREMISES.len()].into(),
    );
    // The registry's data for the enterprise, as pre-fill would put it.
    let seed = seed_enterprise(seed);
    for key in [
        "business_name",
        "credit_code",
        "address_division",
        "address_detail",
        "legal_rep_name",
        "enterprise_type",
    ] {
        if let Some(v) = seed.get(key) {
            values.insert(key.into(), v.clone());
        }
    }
    serde_json::json!({
        "id": id,
        "industry": industry.id,
        "scope": scope,
        "values": values,
    })
}

/// Which ledger a test runs against: the same test runs on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own on the test PostgreSQL cluster (`scripts/test` starts one and sets
/// `YIYE_TEST_POSTGRES_URL`), as a URL. Without a cluster: a panic under `scripts/test`
/// (`YIYE_REQUIRE_POSTGRES`), else `None` and the PostgreSQL variant says it was skipped.
pub async fn postgres_database(tag: &str) -> Option<String> {
    let Ok(base) = std::env::var("YIYE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("YIYE_REQUIRE_POSTGRES").is_none(),
            "YIYE_TEST_POSTGRES_URL is not set: scripts/test starts a PostgreSQL cluster for these tests"
        );
        eprintln!("{tag}: no PostgreSQL test cluster (YIYE_TEST_POSTGRES_URL); skipped");
        return None;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("t_{}_{}_{nanos}", tag.replace('-', "_"), std::process::id());
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .expect("connect to the test cluster");
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
    drop(client);
    let _ = driver.await;
    let (prefix, _) = base.rsplit_once('/').expect("a URL with a database");
    Some(format!("{prefix}/{name}"))
}

/// One test's ledger: a SQLite file in its temporary directory, or a database of its own on
/// the test PostgreSQL cluster; the data directory (keys) is the temporary one either way.
pub struct TestLedger {
    pub root: PathBuf,
    pub database: Database,
    _temp: Option<TempDir>,
}

impl TestLedger {
    /// `None` when PostgreSQL is asked for and there is no test cluster (outside scripts/test).
    pub async fn new(tag: &str, backend: Backend) -> Option<Self> {
        let temp = TempDir::new(tag);
        let database = match backend {
            Backend::Sqlite => Database::Sqlite(temp.0.join("data/yiye.sqlite3")),
            Backend::Postgres => Database::Postgres(postgres_database(tag).await?),
        };
        Some(Self {
            root: temp.0.clone(),
            database,
            _temp: Some(temp),
        })
    }

    /// The SQLite ledger in `dir`, which the caller keeps (and removes).
    pub fn sqlite_in(dir: &Path) -> Self {
        Self {
            root: dir.to_path_buf(),
            database: Database::Sqlite(dir.join("data/yiye.sqlite3")),
            _temp: None,
        }
    }

    /// What a test instance on this ledger starts with: no admin token, the system clock,
    /// issuer `yiye-test`, plain cookies, no trust list, a `dist` with an `index.html`. A test
    /// says what differs: `Config { clock, ..ledger.config() }`.
    pub fn config(&self) -> Config {
        let dist = self.root.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>Yiye</title>",
        )
        .unwrap();
        Config {
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
            validity: server::ValidityPolicy::PerPermit,
            elicense: server::ElicenseConfig::default(),
            calendar: catalog::Calendar::china(),
        }
    }

    /// An instance with `config` (one of [`Self::config`]'s).
    pub async fn open(&self, config: Config) -> AppState {
        AppState::open(config).await.unwrap()
    }

    /// An instance with [`Self::config`] as it is.
    pub async fn state(&self) -> AppState {
        self.open(self.config()).await
    }
}

/// `on_both!(name, …)`: each `async fn name(backend: Backend)` becomes the tests
/// `name::sqlite` and `name::postgres` — the same test on both ledgers, not a copy.
#[allow(unused_macros)] // not every test file runs on both ledgers
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        )*
    };
}
#[allow(unused_imports)] // as for the macro
pub(crate) use on_both;

/// `GET path`, no body.
#[allow(dead_code)] // not every test binary uses each helper
pub fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

/// The server's signed status list (`GET /api/status-list`, answered for any origin and never
/// cached stale), verified with the server's own keys.
#[allow(dead_code)]
pub async fn status_list(app: &Router) -> signer::StatusList {
    use axum::http::header;
    let (status, headers, body) = send(app, get("/api/status-list")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (_, _, keys) = send(app, get("/api/keys")).await;
    let keys: signer::KeySet = serde_json::from_value(keys).unwrap();
    let signed: signer::SignedStatusList = serde_json::from_value(body).unwrap();
    signer::StatusList::verify(&signed, &keys).unwrap()
}

/// What `POST /api/verify` says of a license's QR text.
#[allow(dead_code)]
pub async fn verdict(app: &Router, license: &Value) -> Value {
    let body = serde_json::json!({ "qr_text": license["qr_text"] });
    let req = Request::post("/api/verify")
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await.2
}

/// A license's entry in the status list (its `status_index` claim).
#[allow(dead_code)]
pub fn status_index(license: &Value) -> u32 {
    license["claims"]["status_index"].as_u64().unwrap() as u32
}

/// One request through `app()` (tower's `oneshot`): status, headers, the body as JSON
/// (`Null` when it is not).
pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

/// [`postgres_database`] for tests without a runtime of their own.
pub fn postgres_database_blocking(tag: &str) -> Option<String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(postgres_database(tag))
}

/// A date in the past on every clock a test uses: when an inspection took place.
pub const INSPECTED_ON: &str = "2020-01-06";

/// What a department's system sends to grant one of its permits: a passed inspection first
/// where the catalog asks for one, then the approval (the admin routes, as `admin-token`).
pub fn approvals(permit: &str) -> Vec<(String, Value)> {
    let catalog = catalog::Catalog::builtin();
    let mut steps = Vec::new();
    if catalog.permit(permit).is_some_and(|p| p.grant.inspection) {
        steps.push((
            "inspections".to_owned(),
            serde_json::json!({"date": INSPECTED_ON, "inspector": "测试检查员", "result": "passed", "note": ""}),
        ));
    }
    steps.push((
        "decision".to_owned(),
        serde_json::json!({"decision": "approve"}),
    ));
    steps
}

impl Server {
    /// Sends the application; when it waits for review, approves every permit under review
    /// through the admin routes and sends it again: the answer carries the license.
    pub fn issue(&self, body: &Value) -> Resp {
        let first = self.post("/api/applications", body);
        if first.status != 202 {
            return first;
        }
        let id = body["id"].as_str().unwrap();
        let tracked = self.get(&format!("/api/applications/{id}")).json();
        for permit in tracked["permits"].as_array().unwrap() {
            if permit["status"] != "under_review" {
                continue;
            }
            let pid = permit["id"].as_str().unwrap();
            for (what, step) in approvals(pid) {
                let r = self.admin_post(
                    &format!("/api/admin/applications/{id}/permits/{pid}/{what}"),
                    &step,
                );
                assert!(matches!(r.status, 200 | 201), "{pid} {what}: {}", r.status);
            }
        }
        self.post("/api/applications", body)
    }
}
