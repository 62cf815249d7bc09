//! Load benchmark: `cargo bench -p server --bench load`.
//!
//! Starts the release `server` binary on 127.0.0.1 with a fresh SQLite file, then drives it
//! with keep-alive connections: first unique applications (each answered only after its
//! license is committed with synchronous=FULL), then QR verifications. Prints throughput and
//! p50/p99 latency, checks that every answered license is in the ledger, and compares the
//! verify rate with raw ed25519-dalek verifications per second measured in the same run.
//!
//! Then, when a PostgreSQL cluster is there (`YIYE_TEST_POSTGRES_URL`, which `bench/run` sets
//! up as `scripts/test` does), the same issuance phase on PostgreSQL with one instance and with
//! two instances sharing the database and the key directory.
//!
//! Environment: `LOAD_SECONDS` (default 5) per phase, `LOAD_CONNECTIONS` (default 64).

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey, Verifier};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(s),
        })
    }

    /// POST a JSON body on the kept-alive connection; returns status and body.
    async fn post(&mut self, path: &str, body: &str) -> std::io::Result<(u16, Vec<u8>)> {
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        let mut status = 0;
        let mut len = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().unwrap_or(0);
            } else if let Some((n, v)) = l.split_once(':')
                && n.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).await?;
        Ok((status, body))
    }
}

struct Phase {
    ok: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    bodies: Vec<Vec<u8>>,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn pct(&mut self, p: f64) -> Duration {
        self.latencies.sort();
        let i = ((self.latencies.len() as f64 * p) as usize)
            .min(self.latencies.len().saturating_sub(1));
        self.latencies.get(i).copied().unwrap_or_default()
    }
}

/// Runs `connections` loops for `seconds`, connection `c` on `addrs[c % addrs.len()]`;
/// `make(conn, i)` gives path and body of request i.
async fn drive(
    addrs: &[SocketAddr],
    connections: usize,
    seconds: u64,
    keep_bodies: bool,
    make: impl Fn(usize, usize) -> (&'static str, String) + Send + Sync + Clone + 'static,
) -> Phase {
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let make = make.clone();
            let addr = addrs[c % addrs.len()];
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await.expect("connect");
                let (mut ok, mut errors, mut lat, mut bodies) = (0, 0, Vec::new(), Vec::new());
                let mut i = 0;
                while Instant::now() < end {
                    let (path, body) = make(c, i);
                    i += 1;
                    let t = Instant::now();
                    match conn.post(path, &body).await {
                        Ok((200 | 201, b)) => {
                            ok += 1;
                            lat.push(t.elapsed());
                            if keep_bodies {
                                bodies.push(b);
                            }
                        }
                        Ok((s, b)) => {
                            errors += 1;
                            if errors == 1 {
                                eprintln!("unexpected {s}: {}", String::from_utf8_lossy(&b));
                            }
                        }
                        Err(_) => {
                            errors += 1;
                            conn = Conn::open(addr).await.expect("reconnect");
                        }
                    }
                }
                (ok, errors, lat, bodies)
            })
        })
        .collect();
    let mut phase = Phase {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        bodies: Vec::new(),
    };
    for t in tasks {
        let (ok, errors, lat, bodies) = t.await.expect("client task");
        phase.ok += ok;
        phase.errors += errors;
        phase.latencies.extend(lat);
        phase.bodies.extend(bodies);
    }
    phase.elapsed = start.elapsed();
    phase
}

/// Raw Ed25519 verifications per second on `threads` threads, over a message the size of a
/// license's signed structure.
fn raw_verify_rate(threads: usize, seconds: f64) -> f64 {
    let key = SigningKey::from_bytes(&[7; 32]);
    let msg = vec![0x5a_u8; 300];
    let sig = key.sign(&msg);
    let public = key.verifying_key();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let msg = msg.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut n = 0u64;
                while start.elapsed().as_secs_f64() < seconds {
                    for _ in 0..64 {
                        assert!(public.verify(&msg, &sig).is_ok());
                    }
                    n += 64;
                }
                n as f64 / start.elapsed().as_secs_f64()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

fn main() {
    // `cargo test --benches` runs benches with `--test`-like flags; keep that a quick no-op.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let connections: usize = std::env::var("LOAD_CONNECTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let dir = common::TempDir::new("load");
    let data = dir.0.join("data");
    let server = common::Server::start(&data);
    let addr = server.addr;
    println!("server at {addr}, {connections} keep-alive connections, {seconds} s per phase");

    // With YIYE_BENCH_JSON=path (used by `bench/run`): one real license per catalog industry,
    // every permit switched on, and its QR sizes; the figures are written there at the end.
    let json_path = std::env::var("YIYE_BENCH_JSON").ok();
    let industries = if json_path.is_some() {
        industry_sizes(&server, &data)
    } else {
        serde_json::Value::Null
    };

    // One valid application granted entirely on commitment (issued at once: the hot path
    // this bench measures); each request swaps in a unique id.
    let template = common::application("IDPLACEHOLDER", 0).to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut issue = rt.block_on(drive(
        &[addr],
        connections,
        seconds,
        true,
        issuing(&template, "load"),
    ));
    let (p50, p99) = (issue.pct(0.50), issue.pct(0.99));
    println!(
        "issuance: {:.0} durable licenses/s ({} answered, {} errors) p50 {:.1} ms p99 {:.1} ms",
        issue.rate(),
        issue.ok,
        issue.errors,
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    let licenses: Vec<serde_json::Value> = issue
        .bodies
        .iter()
        .map(|b| serde_json::from_slice::<serde_json::Value>(b).unwrap()["license"].clone())
        .collect();
    let qrs: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        licenses
            .iter()
            .take(1000)
            .map(|l| l["qr_text"].as_str().unwrap().to_owned())
            .collect(),
    );
    let mut verify = rt.block_on(drive(&[addr], connections, seconds, false, move |c, i| {
        let qr = &qrs[(c * 7919 + i) % qrs.len()];
        ("/api/verify", format!("{{\"qr_text\":\"{qr}\"}}"))
    }));
    let (vp50, vp99) = (verify.pct(0.50), verify.pct(0.99));
    println!(
        "verify: {:.0} requests/s ({} ok, {} errors) p50 {:.2} ms p99 {:.2} ms",
        verify.rate(),
        verify.ok,
        verify.errors,
        vp50.as_secs_f64() * 1e3,
        vp99.as_secs_f64() * 1e3
    );
    drop(server); // kill -9: whatever was answered must already be on disk

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let raw1 = raw_verify_rate(1, 2.0);
    let raw_all = raw_verify_rate(cores, 2.0);
    println!("raw ed25519-dalek verify: {raw1:.0}/s on 1 core, {raw_all:.0}/s on {cores} cores");
    println!(
        "verify ratio: {:.2}x raw (1 core), {:.2}x raw ({cores} cores)",
        verify.rate() / raw1,
        verify.rate() / raw_all
    );

    // Durability check after the kill: every answered license is in the ledger.
    let conn = rusqlite::Connection::open(data.join("yiye.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare("SELECT 1 FROM licenses WHERE number = ?1")
        .unwrap();
    let missing = licenses
        .iter()
        .filter(|l| !stmt.exists([l["number"].as_str().unwrap()]).unwrap())
        .count();
    println!(
        "ledger after kill -9: {missing} of {} answered licenses missing",
        licenses.len()
    );
    assert_eq!(missing, 0);

    let postgres = postgres_issuance(&rt, &template, connections, seconds);

    if let Some(path) = json_path {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let json = serde_json::json!({
            "connections": connections,
            "seconds_per_phase": seconds,
            "issuance": {"per_s": issue.rate(), "answered": issue.ok, "errors": issue.errors,
                         "p50_ms": ms(p50), "p99_ms": ms(p99)},
            "verify": {"per_s": verify.rate(), "ok": verify.ok, "errors": verify.errors,
                       "p50_ms": ms(vp50), "p99_ms": ms(vp99)},
            "raw_verify_1_core_per_s": raw1,
            "raw_verify_all_cores_per_s": raw_all,
            "cores": cores,
            "verify_ratio_1_core": verify.rate() / raw1,
            "verify_ratio_all_cores": verify.rate() / raw_all,
            "ledger_missing_after_kill": missing,
            "postgres": postgres,
            "industries": industries,
            "url_base": URL_BASE,
        });
        if let Err(e) = std::fs::write(&path, json.to_string()) {
            eprintln!("cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}

/// Request `i` of connection `c`: the template application under a unique id.
fn issuing(
    template: &str,
    tag: &'static str,
) -> impl Fn(usize, usize) -> (&'static str, String) + Send + Sync + Clone + 'static {
    let template = template.to_owned();
    move |c, i| {
        (
            "/api/applications",
            template.replace("IDPLACEHOLDER", &format!("{tag}-{c}-{i}")),
        )
    }
}

/// Durable issuances on PostgreSQL, with one instance and with two on one database and one key
/// directory, the connections split between them. `null` without a cluster.
fn postgres_issuance(
    rt: &tokio::runtime::Runtime,
    template: &str,
    connections: usize,
    seconds: u64,
) -> serde_json::Value {
    if std::env::var_os("YIYE_TEST_POSTGRES_URL").is_none() {
        println!("PostgreSQL: no cluster (YIYE_TEST_POSTGRES_URL), not measured");
        return serde_json::Value::Null;
    }
    let mut figures = serde_json::Map::new();
    for (instances, tag) in [(1, "pg1"), (2, "pg2")] {
        let Some(url) = common::postgres_database_blocking(tag) else {
            return serde_json::Value::Null;
        };
        let dir = common::TempDir::new(tag);
        let keys = dir.0.join("keys").display().to_string();
        let servers: Vec<common::Server> = (0..instances)
            .map(|n| {
                common::Server::start_args(
                    &dir.0.join(format!("instance-{n}")),
                    None,
                    &[
                        "--database".into(),
                        url.clone(),
                        "--keys".into(),
                        keys.clone(),
                    ],
                )
            })
            .collect();
        let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
        let mut phase = rt.block_on(drive(
            &addrs,
            connections,
            seconds,
            false,
            issuing(template, tag),
        ));
        let (p50, p99) = (phase.pct(0.50), phase.pct(0.99));
        println!(
            "PostgreSQL, {instances} instance(s): {:.0} durable licenses/s ({} answered, {} errors) p50 {:.1} ms p99 {:.1} ms",
            phase.rate(),
            phase.ok,
            phase.errors,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
        figures.insert(
            format!("instances_{instances}"),
            serde_json::json!({"per_s": phase.rate(), "answered": phase.ok, "errors": phase.errors,
                               "p50_ms": p50.as_secs_f64() * 1e3, "p99_ms": p99.as_secs_f64() * 1e3}),
        );
    }
    serde_json::Value::Object(figures)
}

/// The verifier URL the URL form of a QR is measured with (as in the signer's bench): the
/// server sends `/i` to the inspector.
const URL_BASE: &str = "https://yiye.example/i";

/// Issues one license per catalog industry through the running server (full scope, the
/// data of a registered enterprise) and prints its QR sizes: COSE bytes, QR text length and
/// QR version at ECC level Q, for the QR text and its URL form. Returns those rows with the
/// QR texts, the key set and the signed revocation list (for timing verification in a browser).
///
/// Each license carries the lifecycle claim with a status index of 99,999 and up (the ledger's
/// counter is moved there first, through the database): the worst case of a list of 100,000
/// versions, not the 1-byte index of a fresh ledger.
fn industry_sizes(server: &common::Server, data: &std::path::Path) -> serde_json::Value {
    let warm_up = server.issue(&common::application("bench-status-index", 0));
    assert!(matches!(warm_up.status, 200 | 201), "the first license");
    rusqlite::Connection::open(data.join("yiye.sqlite3"))
        .and_then(|c| c.execute("UPDATE status_counters SET last_index = 99998", []))
        .expect("the status index counter");
    println!();
    println!(
        "| industry                 | COSE bytes | QR text len | QR version | URL len | URL version | status index |"
    );
    println!(
        "|--------------------------|-----------:|------------:|-----------:|--------:|------------:|-------------:|"
    );
    let mut rows = Vec::new();
    for (i, industry) in catalog::Catalog::builtin().industries.iter().enumerate() {
        let id = format!("bench-industry-{}", industry.id);
        // Permits that wait for review are approved through the admin routes first.
        let resp = server.issue(&common::application_for(&industry.id, &id, i));
        assert!(
            matches!(resp.status, 200 | 201),
            "{}: {}",
            industry.id,
            String::from_utf8_lossy(&resp.body)
        );
        let license = resp.json()["license"].clone();
        let text = license["qr_text"].as_str().unwrap_or_default().to_owned();
        let cose = signer::to_cose(&text).map_or(0, |c| c.len());
        let version = signer::qr_version(&text).unwrap_or(0);
        let url = signer::url_form(URL_BASE, &text).unwrap_or_default();
        let url_version = signer::qr_version(&url).unwrap_or(0);
        let index = &license["claims"]["status_index"];
        assert!(index.as_u64().is_some_and(|i| i >= 99_999), "{index}");
        println!(
            "| {:<24} | {cose:>10} | {:>11} | {version:>10} | {:>7} | {url_version:>11} | {index:>12} |",
            industry.id,
            text.len(),
            url.len()
        );
        rows.push(serde_json::json!({
            "industry": industry.id, "name_en": industry.name.en, "name_zh": industry.name.zh,
            "license_number": license["number"], "permits": license["claims"]["permits"].as_array().map_or(0, Vec::len),
            "cose_bytes": cose, "qr_text_len": text.len(), "qr_version_q": version,
            "url_len": url.len(), "url_version_q": url_version, "qr_text": text,
        }));
    }
    println!();
    serde_json::json!({
        "licenses": rows,
        "keys": server.get("/api/keys").json(),
        "revocations": server.get("/api/status-list").json(),
    })
}
