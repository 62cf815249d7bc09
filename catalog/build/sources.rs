//! Removing the `source` notes from the catalog data: shared by `build.rs` (what the browser
//! apps embed) and the test that checks such data still parses to the same forms. A permit's
//! appeal route and its check after a commitment go too: the server sends the route with a
//! refusal and makes the check tasks, and the applicant's first load is at its budget.

/// Drops every `source` member, at any depth.
pub fn drop_sources(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("source");
            for server_only in [
                "appeal",
                "check_within_days",
                "check_working_days",
                "check_source",
            ] {
                map.remove(server_only);
            }
            map.values_mut().for_each(drop_sources);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_sources),
        _ => {}
    }
}
