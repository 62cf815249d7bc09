//! Writes the catalog data in its compact binary form (`src/compact.rs`), which the crate
//! embeds: the browser apps then decode bytes instead of carrying a JSON parser for every
//! catalog type. Without the `sources` feature (the browser apps) the `source` notes are left
//! out: they record which real form each field list comes from, for the report, the API and
//! reviewers — the apps never show them, and they are a third of the data.

use std::{env, fs, path::Path};

#[path = "build/sources.rs"]
mod sources;

// The crate's own data model and compact writer; the build uses a part of each.
#[allow(dead_code)]
#[path = "src/compact.rs"]
mod compact;
// The model's string enums.
#[allow(dead_code)]
#[path = "src/json_enum.rs"]
mod json_enum;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;

fn part<T: serde::de::DeserializeOwned>(name: &str, keep_sources: bool) -> T {
    let path = format!("data/{name}.json");
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    if !keep_sources {
        sources::drop_sources(&mut value);
    }
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let out = env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let keep_sources = env::var_os("CARGO_FEATURE_SOURCES").is_some();
    for file in [
        "build/sources.rs",
        "src/compact.rs",
        "src/json_enum.rs",
        "src/model.rs",
    ] {
        println!("cargo:rerun-if-changed={file}");
    }
    let catalog = model::Catalog {
        version: model::BUILTIN_VERSION.to_string(),
        dictionary: part("dictionary", keep_sources),
        permits: part("permits", keep_sources),
        industries: part("industries", keep_sources),
        questions: part("questions", keep_sources),
        divisions: part("divisions", keep_sources),
    };
    let target = Path::new(&out).join("catalog.bin");
    fs::write(&target, compact::encode(&catalog)).unwrap_or_else(|e| panic!("{target:?}: {e}"));
}
