//! The `signer` command line: trust lists signed with a root, and verifying against them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use signer::{SigningKey, StatusList, TrustList};

const DAY: i64 = 86_400;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn signer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signer"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit code, stdout, stderr.
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = signer(args);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn write(p: &Path, contents: &str) {
    std::fs::write(p, contents).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
}

/// A status list revoking `revoked` by number (licenses without a status index).
fn signed_status(dir: &Path, key_dir: &Path, issuer: &str, revoked: &[&str]) -> PathBuf {
    let key = SigningKey::load(&key_dir.join("signing-key.json")).unwrap_or_else(|e| panic!("{e}"));
    let list = StatusList {
        issuer: issuer.into(),
        issued_at: common::ISSUED,
        expires_at: common::ISSUED + 60 * DAY,
        entries: vec![],
        by_number: revoked.iter().map(|&n| n.to_owned()).collect(),
    };
    let signed = list.sign(&key).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join(format!("status-{issuer}-{}.json", revoked.len()));
    write(&out, &serde_json::to_string(&signed).unwrap_or_default());
    out
}

#[test]
fn trust_list_sign_verify_and_verify_against_it() {
    let dir = Dir(std::env::temp_dir().join(format!("signer-cli-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let d = |name: &str| dir.0.join(name);
    for (name, issuer) in [
        ("root", "310000"),
        ("pudong", "310115"),
        ("yuhuatai", "320114"),
    ] {
        let (code, _, err) = run(&["keygen", "--out", path(&d(name)), "--issuer", issuer]);
        assert_eq!(code, Some(0), "{err}");
    }
    let public = |name: &str| {
        let (code, out, err) = run(&["public-key", "--keys", path(&d(name))]);
        assert_eq!(code, Some(0), "{err}");
        out.trim().to_owned()
    };
    let root = public("root");
    assert_eq!(root.len(), 64);
    assert_eq!(
        Some(root.clone()),
        SigningKey::load(&d("root").join("signing-key.json"))
            .ok()
            .map(|k| hex::encode(k.public_key()))
    );
    let list = format!(
        r#"{{"root": "310000", "issuers": [
        {{"id": "310115", "name": "浦东", "name_en": "Pudong", "divisions": [310115],
          "status_url": "/api/revocations",
          "keys": [{{"public_key": "{}", "not_before": 0}}]}},
        {{"id": "320114", "name": "雨花台", "name_en": "Yuhuatai", "divisions": [320000],
          "permits": [1, 2, 3, 6, 7, 9], "status_url": "https://yuhuatai.example/api/revocations",
          "keys": [{{"public_key": "{}", "not_before": 0}}]}}]}}"#,
        public("pudong"),
        public("yuhuatai")
    );
    write(&d("list.json"), &list);

    let signed = d("trust-list.json");
    let (code, out, err) = run(&[
        "trust-list",
        "sign",
        "--key",
        path(&d("root").join("signing-key.json")),
        "--list",
        path(&d("list.json")),
        "--at",
        "2026-05-01T00:00:00Z",
        "--valid-days",
        "30",
        "--out",
        path(&signed),
    ]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");

    let (code, out, err) = run(&["trust-list", "verify", "--root", &root, path(&signed)]);
    assert_eq!(code, Some(0), "{err}");
    let shown: TrustList = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(
        (shown.issued_at, shown.expires_at, shown.issuers.len()),
        (common::ISSUED, common::ISSUED + 30 * DAY, 2)
    );
    let stranger = public("pudong");
    let (code, _, err) = run(&["trust-list", "verify", "--root", &stranger, path(&signed)]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not a root of trust"), "{err}");
    let (code, _, err) = run(&["trust-list", "verify", "--root", "abc", path(&signed)]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("root key 1 (\"abc\") must be 64 hex digits"),
        "{err}"
    );

    // A Pudong license, verified as the inspector does.
    let claims = common::samples().remove(0).1;
    write(
        &d("claims.json"),
        &serde_json::to_string(&claims).unwrap_or_default(),
    );
    let (code, qr, err) = run(&[
        "issue",
        "--key",
        path(&d("pudong").join("signing-key.json")),
        "--claims",
        path(&d("claims.json")),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let qr = qr.trim().to_owned();
    let pudong = signed_status(&dir.0, &d("pudong"), "310115", &[]);
    let yuhuatai = signed_status(&dir.0, &d("yuhuatai"), "320114", &[]);
    let revoked = signed_status(&dir.0, &d("pudong"), "310115", &[&claims.license_number]);
    let verify = |at: &str, lists: &[&PathBuf]| {
        let mut args = vec!["verify", "--root", &root, "--trust-list", path(&signed)];
        for file in lists {
            args.extend(["--status", path(file)]);
        }
        args.extend(["--at", at, &qr]);
        run(&args)
    };
    let (code, out, err) = verify("2026-05-02T00:00:00Z", &[&yuhuatai, &pudong]);
    assert_eq!(code, Some(0), "{err}");
    let back: signer::LicenseClaims = serde_json::from_str(&out).unwrap_or(claims.clone());
    assert_eq!(back, claims);
    for (at, files, want) in [
        ("2026-05-02T00:00:00Z", &[&yuhuatai][..], "status_unknown"),
        ("2026-05-02T00:00:00Z", &[&revoked, &yuhuatai], "revoked"),
        ("2026-05-31T00:00:00Z", &[&pudong], "trust_list_expired"),
        ("2026-04-30T00:00:00Z", &[&pudong], "not_yet_valid"),
    ] {
        let (code, out, err) = verify(at, files);
        assert_eq!((code, out.trim()), (Some(1), want), "{err}");
        assert!(err.starts_with("invalid: "), "{err}");
    }

    // A status list no listed issuer signed, named in the error.
    let outsider = d("outsider");
    let (code, _, _) = run(&["keygen", "--out", path(&outsider), "--issuer", "310115"]);
    assert_eq!(code, Some(0));
    let forged = signed_status(&dir.0, &outsider, "310115", &["x"]);
    let (code, _, err) = verify("2026-05-02T00:00:00Z", &[&forged]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(path(&forged)) && err.contains("no key with id"),
        "{err}"
    );

    // --keys takes one status list and cannot be mixed with a trust list.
    let keyset = d("pudong").join("keyset.json");
    let (code, _, err) = run(&[
        "verify",
        "--keys",
        path(&keyset),
        "--status",
        path(&pudong),
        "--status",
        path(&pudong),
        &qr,
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("at most one --status"), "{err}");
    let (code, _, _) = run(&["verify", "--keys", path(&keyset), "--root", &root, &qr]);
    assert_eq!(code, Some(2));
    let (code, _, err) = run(&["verify", &qr]);
    assert_eq!(code, Some(2), "{err}");
}
