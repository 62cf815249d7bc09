//! Embeds the catalog data, compacted. Without the `sources` feature (the browser apps) the
//! `source` notes are left out: they record which real form each field list comes from, for
//! the report, the API and reviewers — the apps never show them, and they are a third of the
//! data's download.

use std::{env, fs, path::Path};

#[path = "build/sources.rs"]
mod sources;

const PARTS: [&str; 5] = [
    "dictionary",
    "permits",
    "industries",
    "questions",
    "divisions",
];

fn main() {
    let out = env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let keep_sources = env::var_os("CARGO_FEATURE_SOURCES").is_some();
    println!("cargo:rerun-if-changed=build/sources.rs");
    for part in PARTS {
        let path = format!("data/{part}.json");
        println!("cargo:rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        if !keep_sources {
            sources::drop_sources(&mut value);
        }
        let target = Path::new(&out).join(format!("{part}.json"));
        fs::write(&target, value.to_string()).unwrap_or_else(|e| panic!("{target:?}: {e}"));
    }
}
