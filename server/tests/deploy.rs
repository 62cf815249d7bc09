//! The deployment `server/README.md` describes, tried: Debian's nginx, with the very
//! configuration in `server/deploy/nginx.conf`, in front of two server instances that share
//! one PostgreSQL ledger and one key directory. Requests keep succeeding while an instance
//! drains (SIGTERM), while the signing key rotates, and after an instance is killed.

mod common;

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ADMIN_TOKEN, Server, TempDir, application, request, try_request};
use serde_json::{Value, json};

/// nginx on a free loopback port in front of `upstreams`; stopped on drop.
struct Nginx {
    child: Child,
    addr: SocketAddr,
}

impl Nginx {
    /// `None` when nginx is not installed (outside scripts/test, which installs it).
    fn start(dir: &Path, upstreams: &[SocketAddr]) -> Option<Self> {
        let Some(binary) = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
        else {
            assert!(
                std::env::var_os("YIYE_REQUIRE_NGINX").is_none(),
                "nginx is not installed: scripts/test installs Debian's nginx for this test"
            );
            eprintln!("no nginx: deployment test skipped");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let servers: String = upstreams
            .iter()
            .map(|a| format!("server {a} max_fails=1 fail_timeout=5s;\n        "))
            .collect();
        let conf = include_str!("../deploy/nginx.conf")
            .replace("@LISTEN@", &addr.to_string())
            .replace("@UPSTREAMS@", servers.trim_end());
        let prefix = dir.join("nginx");
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&conf_path)
            .args(["-e", "stderr", "-g"])
            .arg(format!(
                "daemon off; pid {}/nginx.pid; user root;",
                prefix.display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx");
        let nginx = Self { child, addr };
        for _ in 0..200 {
            if try_request(addr, "GET", "/api/health", &[], None).is_ok_and(|r| r.status == 200) {
                return Some(nginx);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("nginx did not answer on {addr}");
    }
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers before it exits (SIGKILL would orphan them).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Sends applications through the proxy until told to stop; every answer must be a license.
fn burst(
    proxy: SocketAddr,
    tag: String,
    stop: Arc<AtomicBool>,
    failures: Arc<Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<Vec<Value>> {
    std::thread::spawn(move || {
        let mut licenses = Vec::new();
        let mut i = 0;
        while !stop.load(Ordering::SeqCst) {
            let body = application(&format!("deploy-{tag}-{i}"), i).to_string();
            match try_request(
                proxy,
                "POST",
                "/api/applications",
                &[("Content-Type", "application/json")],
                Some(body.as_bytes()),
            ) {
                Ok(r) if r.status == 201 => licenses.push(r.json()["license"].clone()),
                Ok(r) => failures.lock().unwrap().push(format!(
                    "{tag}-{i}: {} {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                )),
                Err(e) => failures.lock().unwrap().push(format!("{tag}-{i}: {e}")),
            }
            i += 1;
        }
        licenses
    })
}

/// Runs a burst through the proxy while `during` happens; no request may fail.
fn without_a_failed_request(
    proxy: SocketAddr,
    tag: &'static str,
    during: impl FnOnce(),
) -> Vec<Value> {
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..4)
        .map(|s| burst(proxy, format!("{tag}-{s}"), stop.clone(), failures.clone()))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    during();
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::SeqCst);
    let licenses: Vec<Value> = senders
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{tag}: failed requests:\n{}",
        failures.join("\n")
    );
    assert!(
        licenses.len() > 20,
        "{tag}: only {} licenses",
        licenses.len()
    );
    licenses
}

#[test]
fn two_instances_behind_nginx_on_one_postgres() {
    let Some(database) = common::postgres_database_blocking("deploy") else {
        return;
    };
    let dir = TempDir::new("deploy");
    let keys = dir.0.join("keys");
    let start = |name: &str| {
        Server::start_args(
            &dir.0.join(name),
            Some(ADMIN_TOKEN),
            &[
                "--database".into(),
                database.clone(),
                "--keys".into(),
                keys.display().to_string(),
            ],
        )
    };
    let first = start("first");
    let mut second = start("second");
    let Some(proxy) = Nginx::start(&dir.0, &[first.addr, second.addr]) else {
        return;
    };
    let proxy = proxy.addr;
    for instance in [first.addr, second.addr] {
        let ready = request(instance, "GET", "/api/ready", &[], None);
        assert_eq!(ready.status, 200);
    }

    // A key rotation (the signer's, as an operator runs it): both instances pick it up by
    // themselves, and nothing fails in between.
    let rotated = without_a_failed_request(proxy, "rotation", || {
        let mut store = signer::KeyStore::open(&keys).unwrap();
        store.rotate(signer::unix_now(), 60).unwrap();
    });
    // An instance drains (SIGTERM): what it has in flight finishes, nginx sends the rest on.
    let drained = without_a_failed_request(proxy, "drain", || {
        let status = second.terminate();
        assert!(
            status.success(),
            "a drained instance exits cleanly: {status}"
        );
    });

    // Every license verifies against the shared key set, from the proxy, under one numbering.
    let mut numbers = HashSet::new();
    for license in rotated.iter().chain(&drained) {
        let number = license["number"].as_str().unwrap().to_owned();
        assert!(numbers.insert(number.clone()), "{number} issued twice");
        let verdict = request(
            proxy,
            "POST",
            "/api/verify",
            &[("Content-Type", "application/json")],
            Some(
                json!({ "qr_text": license["qr_text"] })
                    .to_string()
                    .as_bytes(),
            ),
        )
        .json();
        assert_eq!(verdict["valid"], true, "{number}: {verdict}");
    }
    let key_ids: HashSet<&str> = rotated.iter().map(|l| l["kid"].as_str().unwrap()).collect();
    assert_eq!(key_ids.len(), 2, "the burst spans the rotation");
    drop(first);
}
