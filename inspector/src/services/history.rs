//! The checks made on this device: what was checked, when, and the verdict. Kept on the
//! device only, newest first, and clearable.

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

const HISTORY: &str = "yiye.inspector.history";
/// Enough for weeks of inspections; the oldest are dropped beyond it.
const MAX_ENTRIES: usize = 500;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When, ms since the epoch.
    pub at: f64,
    /// `"valid"` or the verdict's reason code.
    pub verdict: String,
    pub license_number: Option<String>,
    pub business_name: Option<String>,
    /// The license's version when it is 2 or later: versions share the number, and an old
    /// one reads "superseded". Absent in entries of earlier versions of the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u16>,
}

pub fn entries() -> Vec<Entry> {
    LocalStorage::get(HISTORY).unwrap_or_default()
}

pub fn add(entry: Entry) -> Vec<Entry> {
    let mut all = entries();
    all.insert(0, entry);
    all.truncate(MAX_ENTRIES);
    let _ = LocalStorage::set(HISTORY, &all);
    all
}

/// Replaces the newest entry (the same license checked again), or adds it to an empty history.
pub fn replace_latest(entry: Entry) -> Vec<Entry> {
    let mut all = entries();
    match all.first_mut() {
        Some(latest) => *latest = entry,
        None => all.push(entry),
    }
    let _ = LocalStorage::set(HISTORY, &all);
    all
}

pub fn clear() {
    LocalStorage::delete(HISTORY);
}
