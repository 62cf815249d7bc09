//! A third-party COSE implementation verifies our credentials with only the public key.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use ed25519_dalek::{Signature, VerifyingKey};

fn texts() -> Vec<String> {
    let mut all = common::samples();
    all.push(("worst", common::worst_case()));
    all.into_iter()
        .map(|(_, c)| signer::issue(&c, &common::key_for(&c.issuer)).unwrap_or_default())
        .collect()
}

/// coset (generic COSE API) + ed25519-dalek: no signer code on the verifying side.
#[test]
fn coset_verifies_with_public_key_only() {
    let public = VerifyingKey::from_bytes(&common::key().public_key());
    let Ok(public) = public else {
        panic!("bad key")
    };
    for text in texts() {
        let cose = signer::to_cose(&text).unwrap_or_default();
        let Ok(sign1) = CoseSign1::from_tagged_slice(&cose) else {
            panic!("coset cannot parse {text}");
        };
        assert_eq!(
            sign1.protected.header.alg,
            Some(coset::iana::Algorithm::EdDSA.into())
        );
        let ok = sign1.verify_signature(b"", |sig, data| {
            let sig = Signature::from_slice(sig).map_err(|_| ())?;
            public.verify_strict(data, &sig).map_err(|_| ())
        });
        assert!(ok.is_ok(), "coset rejects {text}");
        assert!(sign1.to_vec().is_ok());
    }
}

/// pycose, from the venv the README's test command sets up and names in `YIYE_PYTHON` (there
/// the test is required). A plain `cargo test` without that venv skips it with a note.
#[test]
fn pycose_verifies_with_public_key_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = match std::env::var_os("YIYE_PYTHON") {
        Some(python) => PathBuf::from(python),
        None => {
            let venv = root.join("../.tools/venv/bin/python");
            if !venv.exists() {
                eprintln!("skipped: {} missing; run scripts/test", venv.display());
                return;
            }
            venv
        }
    };
    let keyset = std::env::temp_dir().join(format!("signer-keyset-{}.json", std::process::id()));
    let set = signer::KeySet::from_entries(vec![common::key().public_entry(None, 0)])
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&keyset, set.to_json()).unwrap_or_default();
    let out = Command::new(python)
        .arg(root.join("tests/third_party_verify.py"))
        .arg(&keyset)
        .args(texts())
        .output();
    let _ = std::fs::remove_file(&keyset);
    let Ok(out) = out else {
        panic!("cannot run python")
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches("verified").count(), texts().len());
}
