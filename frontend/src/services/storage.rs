//! What the app keeps on this device: drafts (saved after every change), the applicant's
//! profile for pre-filling the next application, and the last known tracking status.
//! Storage can be full or disabled (private mode): the app then still works, it just
//! cannot remember, and callers get to know.

use std::collections::BTreeMap;

use catalog::FormValues;
use gloo::storage::{LocalStorage, SessionStorage, Storage};

use crate::draft::Draft;
use crate::license::TrackingStatus;
use crate::outbox::OutboxEntry;

const DRAFTS: &str = "yiye.drafts";
const PROFILE: &str = "yiye.profile";
const TRACKING: &str = "yiye.tracking";
const OUTBOX: &str = "yiye.outbox";
const CLERK_MODE: &str = "yiye.clerk_mode";
const REGISTRY: &str = "yiye.registry";
/// The application open in this tab, so a reload (a new version, a crash) returns to it.
const CURRENT: &str = "yiye.current";

pub fn drafts() -> BTreeMap<String, Draft> {
    LocalStorage::get(DRAFTS).unwrap_or_default()
}

/// Saves one draft; `false` when the device refused (full or disabled storage).
pub fn save_draft(draft: &Draft) -> bool {
    let mut all = drafts();
    all.insert(draft.id.clone(), draft.clone());
    LocalStorage::set(DRAFTS, all).is_ok()
}

pub fn remember_current(id: &str) {
    let _ = SessionStorage::set(CURRENT, id);
}

/// The application this tab had open before a reload, if it is still saved.
pub fn current_draft() -> Option<Draft> {
    let id: String = SessionStorage::get(CURRENT).ok()?;
    drafts().remove(&id)
}

pub fn delete_draft(id: &str) {
    let mut all = drafts();
    if all.remove(id).is_some() {
        let _ = LocalStorage::set(DRAFTS, all);
    }
}

/// The applicant's saved profile; empty in clerk mode, where one device serves many people
/// and one applicant's data must never pre-fill another's.
pub fn profile() -> FormValues {
    if clerk_mode() {
        return FormValues::new();
    }
    LocalStorage::get(PROFILE).unwrap_or_default()
}

/// Remembers the applicant's profile, except in clerk mode.
pub fn save_profile(values: &FormValues) {
    if !clerk_mode() {
        let _ = LocalStorage::set(PROFILE, values);
    }
}

pub fn clerk_mode() -> bool {
    LocalStorage::get(CLERK_MODE).unwrap_or(false)
}

/// Switching clerk mode on also forgets any saved profile on the device.
pub fn set_clerk_mode(on: bool) {
    let _ = LocalStorage::set(CLERK_MODE, on);
    if on {
        LocalStorage::delete(PROFILE);
    }
}

pub fn last_tracking(id: &str) -> Option<TrackingStatus> {
    let all: BTreeMap<String, TrackingStatus> = LocalStorage::get(TRACKING).unwrap_or_default();
    all.get(id).cloned()
}

pub fn remember_tracking(status: &TrackingStatus) {
    let mut all: BTreeMap<String, TrackingStatus> = LocalStorage::get(TRACKING).unwrap_or_default();
    all.insert(status.application_id.clone(), status.clone());
    let _ = LocalStorage::set(TRACKING, all);
}

pub fn outbox() -> Vec<OutboxEntry> {
    LocalStorage::get(OUTBOX).unwrap_or_default()
}

/// Saves the outbox; `false` when the device refused (the entry then stays in memory only and
/// the applicant is told).
pub fn save_outbox(entries: &[OutboxEntry]) -> bool {
    LocalStorage::set(OUTBOX, entries).is_ok()
}

/// Adds or replaces the entry for one application id.
pub fn enqueue(entry: OutboxEntry) -> bool {
    let mut entries = outbox();
    entries.retain(|e| e.id != entry.id);
    entries.push(entry);
    save_outbox(&entries)
}

pub fn dequeue(id: &str) {
    let mut entries = outbox();
    entries.retain(|e| e.id != id);
    save_outbox(&entries);
}

/// Registry answers seen on this device, so a look-up made once still pre-fills offline.
pub fn cached_registry(credit_code: &str) -> Option<FormValues> {
    let all: BTreeMap<String, FormValues> = LocalStorage::get(REGISTRY).unwrap_or_default();
    all.get(credit_code).cloned()
}

pub fn cache_registry(credit_code: &str, values: &FormValues) {
    let mut all: BTreeMap<String, FormValues> = LocalStorage::get(REGISTRY).unwrap_or_default();
    all.insert(credit_code.to_owned(), values.clone());
    let _ = LocalStorage::set(REGISTRY, all);
}
