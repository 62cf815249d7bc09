//! Removing the `source` notes from the catalog data: shared by `build.rs` (what the browser
//! apps embed) and the test that checks such data still parses to the same forms. A permit's
//! appeal route goes too: the server sends it with a refusal, and the applicant's first load
//! is at its budget.

/// Drops every `source` member, at any depth.
pub fn drop_sources(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("source");
            map.remove("appeal");
            map.values_mut().for_each(drop_sources);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_sources),
        _ => {}
    }
}
