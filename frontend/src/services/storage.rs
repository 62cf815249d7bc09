//! What the app keeps on this device, in IndexedDB (`services/idb.rs`): drafts, the outbox,
//! the applicant's profile for pre-filling the next application, clerk mode, the device key,
//! registry answers and the last known tracking status.
//!
//! [`open`] runs once before the first render: it opens the database, moves over what the
//! previous version kept in localStorage (and what a closing page journalled), and loads what
//! the pages read synchronously (drafts, the outbox, profile, clerk mode, device key) into
//! memory. Every change goes to memory at once and to the database record by record: drafts
//! after a short pause in typing (and at once, journalled synchronously too, when the tab is
//! hidden or closing), outbox entries awaited, because an entry must leave the outbox only
//! once the server has answered. Storage can be full, disabled or missing (some private
//! modes): the app then still works, and [`watch_health`] lets the page say so.
//!
//! Drafts and outbox entries are stored as versioned records (`services/records.rs`). One this
//! version cannot read stays on the device untouched, and the page says how many there are.

use std::cell::{Cell, RefCell};
use std::future::Future;

use catalog::FormValues;
use gloo::storage::{SessionStorage, Storage};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use yew::Callback;

use crate::draft::{Draft, Tracking};
use crate::outbox::OutboxEntry;
use crate::services::idb::{self, Db, Error, Store};
use crate::services::records::{self, DraftRecord, OutboxRecord, Unreadable};

const DATABASE: &str = "yiye";
const PROFILE: &str = "profile";
const CLERK_MODE: &str = "clerk_mode";
/// The device key's seed as an earlier version kept it; read once to move it to Web Crypto.
const DEVICE_KEY: &str = "key";
/// The device key held by Web Crypto: `{id, publicKey, privateKey}` with a CryptoKey.
const SIGNING_KEY: &str = "signing_key";
/// The application open in this tab, so a reload (a new version, a crash) returns to it. Per
/// tab, so sessionStorage: it is a pointer into the drafts, not data.
const CURRENT: &str = "yiye.current";
/// How long typing may pause before a draft is written: well under a second.
const DRAFT_DEBOUNCE_MS: u32 = 300;

/// The device key as an earlier version stored it: its id and its 32-byte seed as hex.
#[derive(Clone, Serialize, Deserialize)]
pub struct DeviceSeed {
    pub id: String,
    pub seed: String,
}

/// What the page should tell the user about storage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Health {
    pub problem: Option<Problem>,
    /// Saved drafts and outbox entries this version of the app could not read: left on the
    /// device as they were, not deleted.
    pub unreadable: u32,
}

/// Why the device is not keeping what it should, or not as well as it should.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Problem {
    /// The last write failed (storage full or refused): recent changes are not kept.
    WriteFailed,
    /// No IndexedDB: records are kept in localStorage, which holds much less.
    Fallback,
}

// Plain vectors for the drafts, the outbox and the id lists: they hold a handful of entries,
// and every new map or set type adds its own copy of the B-tree code to the wasm.
#[derive(Default)]
struct Device {
    db: Option<Db>,
    /// Sorted by id, as the database lists them.
    drafts: Vec<Draft>,
    outbox: Vec<OutboxEntry>,
    profile: FormValues,
    clerk_mode: bool,
    key: Option<DeviceSeed>,
    /// Ids of drafts changed in memory whose write waits for a pause in typing.
    unsaved_drafts: Vec<String>,
    /// Ids of outbox entries the database refused: kept (and sent) from memory.
    unsaved_outbox: Vec<String>,
    draft_timer: Option<gloo::timers::callback::Timeout>,
}

fn mark(ids: &mut Vec<String>, id: &str) {
    if !ids.iter().any(|i| i == id) {
        ids.push(id.to_owned());
    }
}

fn unmark(ids: &mut Vec<String>, id: &str) {
    ids.retain(|i| i != id);
}

/// Adds or replaces the entry for one application id.
fn put_entry(outbox: &mut Vec<OutboxEntry>, entry: OutboxEntry) {
    outbox.retain(|e| e.id != entry.id);
    outbox.push(entry);
}

/// Adds or replaces the draft with this id, keeping the drafts sorted by id.
fn put_draft(drafts: &mut Vec<Draft>, draft: Draft) {
    match drafts.binary_search_by(|d| d.id.cmp(&draft.id)) {
        Ok(i) => drafts[i] = draft,
        Err(i) => drafts.insert(i, draft),
    }
}

fn find_draft<'a>(drafts: &'a [Draft], id: &str) -> Option<&'a Draft> {
    drafts.iter().find(|d| d.id == id)
}

/// The records of a store read with `read`, and how many could not be read.
fn read_all<T>(records: &[String], read: fn(&str) -> Result<T, Unreadable>) -> (Vec<T>, u32) {
    let mut unreadable = 0;
    let read = records
        .iter()
        .filter_map(|json| read(json).map_err(|Unreadable| unreadable += 1).ok())
        .collect();
    (read, unreadable)
}

/// The drafts sorted by id, one per id (the last of any with the same id).
fn by_id(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut sorted = Vec::with_capacity(drafts.len());
    for draft in drafts {
        put_draft(&mut sorted, draft);
    }
    sorted
}

thread_local! {
    static DEVICE: RefCell<Device> = RefCell::default();
    static FALLBACK: Cell<bool> = const { Cell::new(false) };
    static WRITE_FAILED: Cell<bool> = const { Cell::new(false) };
    /// Drafts and outbox entries the last full read could not parse.
    static UNREADABLE: Cell<u32> = const { Cell::new(0) };
    static WATCHER: RefCell<Option<Callback<Health>>> = const { RefCell::new(None) };
}

/// Opens the device's storage and loads what the pages need; run once before rendering.
pub async fn open() {
    let db = match Db::open(DATABASE).await {
        Ok(db) => db,
        Err(_) => {
            // Neither IndexedDB nor localStorage: the app works, but remembers nothing.
            report(false);
            return;
        }
    };
    FALLBACK.set(db.is_fallback());
    report(db.migrate_legacy().await.is_ok());
    let profile = db.get(Store::Device, PROFILE).await.ok().flatten();
    let clerk_mode = db.get(Store::Device, CLERK_MODE).await.ok().flatten();
    let key = db.get(Store::Device, DEVICE_KEY).await.ok().flatten();
    let (drafts, unreadable_drafts) = read_all(
        &db.all_json(Store::Drafts).await.unwrap_or_default(),
        records::read_draft,
    );
    let (outbox, unreadable_entries) = read_all(
        &db.all_json(Store::Outbox).await.unwrap_or_default(),
        records::read_outbox_entry,
    );
    set_unreadable(unreadable_drafts + unreadable_entries);
    DEVICE.with_borrow_mut(|device| {
        *device = Device {
            db: Some(db),
            drafts: by_id(drafts),
            outbox,
            profile: profile.unwrap_or_default(),
            clerk_mode: clerk_mode.unwrap_or(false),
            key,
            ..Device::default()
        }
    });
    // Closing the tab, reloading, switching apps on a phone: write the draft now, not after
    // the pause. (Not every browser fires `visibilitychange` on unload; all fire `pagehide`.)
    gloo::events::EventListener::new(&gloo::utils::document(), "visibilitychange", |_| {
        if gloo::utils::document().hidden() {
            write_drafts(true);
        }
    })
    .forget();
    gloo::events::EventListener::new(&gloo::utils::window(), "pagehide", |_| write_drafts(true))
        .forget();
}

/// Calls `watcher` whenever what should be said about storage changes; returns what holds now.
pub fn watch_health(watcher: Callback<Health>) -> Health {
    WATCHER.set(Some(watcher));
    health()
}

fn health() -> Health {
    Health {
        problem: problem(),
        unreadable: UNREADABLE.get(),
    }
}

fn tell_watcher() {
    if let Some(watcher) = WATCHER.with_borrow(Clone::clone) {
        watcher.emit(health());
    }
}

fn set_unreadable(count: u32) {
    if UNREADABLE.replace(count) != count {
        tell_watcher();
    }
}

fn problem() -> Option<Problem> {
    if WRITE_FAILED.get() {
        Some(Problem::WriteFailed)
    } else if FALLBACK.get() {
        Some(Problem::Fallback)
    } else {
        None
    }
}

/// Records whether the latest write succeeded and tells the page if that changes anything.
fn report(written: bool) {
    let failed = !written;
    if WRITE_FAILED.replace(failed) != failed {
        tell_watcher();
    }
}

fn db() -> Option<Db> {
    DEVICE.with_borrow(|device| device.db.clone())
}

/// Issues a write with `issue` now, if the device's storage is open, and reports its outcome
/// when it is done.
fn write<W: Future<Output = Result<(), Error>> + 'static>(issue: impl FnOnce(&Db) -> W) {
    match db() {
        Some(db) => {
            let write = issue(&db);
            wasm_bindgen_futures::spawn_local(async move { report(write.await.is_ok()) });
        }
        None => report(false),
    }
}

/// Every saved draft, sorted by id.
pub fn drafts() -> Vec<Draft> {
    DEVICE.with_borrow(|device| device.drafts.clone())
}

/// Keeps one draft: in memory at once, on the device after a short pause in typing.
pub fn save_draft(draft: &Draft) {
    DEVICE.with_borrow_mut(|device| {
        put_draft(&mut device.drafts, draft.clone());
        mark(&mut device.unsaved_drafts, &draft.id);
        device.draft_timer = Some(gloo::timers::callback::Timeout::new(
            DRAFT_DEBOUNCE_MS,
            || write_drafts(false),
        ));
    });
}

/// Writes every draft still waiting for a pause in typing. When the page is `closing`, it may
/// not live to finish the write: the drafts are journalled synchronously as well.
fn write_drafts(closing: bool) {
    let waiting: Vec<Draft> = DEVICE.with_borrow_mut(|device| {
        device.draft_timer = None;
        std::mem::take(&mut device.unsaved_drafts)
            .into_iter()
            .filter_map(|id| find_draft(&device.drafts, &id).cloned())
            .collect()
    });
    for draft in waiting {
        let record = DraftRecord::from(&draft);
        if closing {
            idb::journal(Store::Drafts, &draft.id, &record);
        }
        write(|db| db.put(Store::Drafts, &draft.id, &record));
    }
}

/// Keeps one draft and waits until it is on the device ("Send", the server's answer).
pub async fn save_draft_now(draft: &Draft) {
    let db = DEVICE.with_borrow_mut(|device| {
        put_draft(&mut device.drafts, draft.clone());
        unmark(&mut device.unsaved_drafts, &draft.id);
        device.db.clone()
    });
    match db {
        Some(db) => report(
            db.put(Store::Drafts, &draft.id, &DraftRecord::from(draft))
                .await
                .is_ok(),
        ),
        None => report(false),
    }
}

/// The latest copy of one draft: this tab's if it has unsaved changes, else the device's
/// (another tab may have changed or made it). None when the device's copy cannot be read: it
/// is left as it is, never written over.
async fn draft(id: &str) -> Option<Draft> {
    let (db, unsaved) = DEVICE.with_borrow(|device| {
        (
            device.db.clone(),
            device.unsaved_drafts.iter().any(|i| i == id),
        )
    });
    if let (Some(db), false) = (db, unsaved)
        && let Ok(stored) = db.get_json(Store::Drafts, id).await
    {
        return stored.and_then(|json| records::read_draft(&json).ok());
    }
    DEVICE.with_borrow(|device| find_draft(&device.drafts, id).cloned())
}

/// Puts the server's answer into an application's draft and waits until it is kept.
pub async fn update_draft(id: &str, change: impl FnOnce(&mut Draft)) {
    if let Some(mut draft) = draft(id).await {
        change(&mut draft);
        save_draft_now(&draft).await;
    }
}

pub fn remember_current(id: &str) {
    let _ = SessionStorage::set(CURRENT, id);
}

/// The application this tab had open before a reload, if it is still saved.
pub fn current_draft() -> Option<Draft> {
    let id: String = SessionStorage::get(CURRENT).ok()?;
    DEVICE.with_borrow(|device| find_draft(&device.drafts, &id).cloned())
}

pub fn delete_draft(id: &str) {
    DEVICE.with_borrow_mut(|device| {
        device.drafts.retain(|d| d.id != id);
        unmark(&mut device.unsaved_drafts, id);
    });
    let id = id.to_owned();
    write(move |db| db.delete(Store::Drafts, &id));
}

/// The applicant's saved profile; empty in clerk mode, where one device serves many people
/// and one applicant's data must never pre-fill another's.
pub fn profile() -> FormValues {
    DEVICE.with_borrow(|device| {
        if device.clerk_mode {
            FormValues::new()
        } else {
            device.profile.clone()
        }
    })
}

/// Remembers the applicant's profile, except in clerk mode.
pub fn save_profile(values: &FormValues) {
    if clerk_mode() {
        return;
    }
    DEVICE.with_borrow_mut(|device| device.profile = values.clone());
    let values = values.clone();
    write(move |db| db.put(Store::Device, PROFILE, &values));
}

pub fn clerk_mode() -> bool {
    DEVICE.with_borrow(|device| device.clerk_mode)
}

/// Switching clerk mode on also forgets any saved profile on the device.
pub fn set_clerk_mode(on: bool) {
    DEVICE.with_borrow_mut(|device| {
        device.clerk_mode = on;
        if on {
            device.profile = FormValues::new();
        }
    });
    write(|db| db.put(Store::Device, CLERK_MODE, &on));
    if on {
        write(|db| db.delete(Store::Device, PROFILE));
    }
}

/// The seed of a device key an earlier version kept, until it moves into Web Crypto.
pub fn device_seed() -> Option<DeviceSeed> {
    DEVICE.with_borrow(|device| device.key.clone())
}

/// Deletes that seed once its key is held by Web Crypto.
pub fn forget_device_seed() {
    DEVICE.with_borrow_mut(|device| device.key = None);
    write(|db| db.delete(Store::Device, DEVICE_KEY));
}

/// The device's Web Crypto key record (`services/device.rs`), if it has one.
pub async fn device_signing_key() -> Result<Option<JsValue>, Error> {
    let db = db().ok_or_else(|| Error("storage is not open".to_owned()))?;
    db.get_object(Store::Device, SIGNING_KEY).await
}

/// Keeps the device's key record unless one exists; `Ok(false)` when another tab was first.
pub async fn keep_device_signing_key(record: &JsValue) -> Result<bool, Error> {
    let db = db().ok_or_else(|| Error("storage is not open".to_owned()))?;
    db.add_object(Store::Device, SIGNING_KEY, record).await
}

pub async fn last_tracking(id: &str) -> Option<Tracking> {
    let json = db()?.get_json(Store::Tracking, id).await.ok().flatten()?;
    Tracking::parse(json).ok()
}

/// Kept as the text the server sent (see [`Tracking`]).
pub async fn remember_tracking(status: &Tracking) {
    if let Some(db) = db() {
        report(
            db.put_text(Store::Tracking, &status.application_id, status.json())
                .await
                .is_ok(),
        );
    }
}

/// The outbox as this tab last saw it.
pub fn outbox() -> Vec<OutboxEntry> {
    DEVICE.with_borrow(|device| device.outbox.clone())
}

/// Whether the application `id` waits in the outbox (without copying the outbox).
pub fn is_queued(id: &str) -> bool {
    DEVICE.with_borrow(|device| device.outbox.iter().any(|e| e.id == id))
}

/// The outbox as the device holds it now (other tabs may have added or sent entries), plus
/// this tab's entries the device refused; the drafts are refreshed too.
pub async fn load_outbox() -> Vec<OutboxEntry> {
    let Some(db) = db() else {
        return outbox();
    };
    let (Ok(entries), drafts) = (
        db.all_json(Store::Outbox).await,
        db.all_json(Store::Drafts).await,
    ) else {
        return outbox();
    };
    let (mut entries, unreadable_entries) = read_all(&entries, records::read_outbox_entry);
    let drafts = drafts.map(|drafts| read_all(&drafts, records::read_draft));
    if let Ok((_, unreadable_drafts)) = &drafts {
        set_unreadable(unreadable_entries + unreadable_drafts);
    }
    DEVICE.with_borrow_mut(|device| {
        for entry in &device.outbox {
            if device.unsaved_outbox.contains(&entry.id) {
                put_entry(&mut entries, entry.clone());
            }
        }
        device.outbox = entries;
        if let Ok((drafts, _)) = drafts {
            let mut drafts = by_id(drafts);
            for id in &device.unsaved_drafts {
                if let Some(draft) = find_draft(&device.drafts, id) {
                    put_draft(&mut drafts, draft.clone());
                }
            }
            device.drafts = drafts;
        }
        device.outbox.clone()
    })
}

/// Puts an application into the outbox and waits until the device has it. If the device
/// refuses, the entry stays in this tab's memory (and is still sent) and the page says so.
pub async fn enqueue(entry: OutboxEntry) {
    let db = DEVICE.with_borrow_mut(|device| {
        put_entry(&mut device.outbox, entry.clone());
        device.db.clone()
    });
    let written = match db {
        Some(db) => db
            .put(Store::Outbox, &entry.id, &OutboxRecord::from(&entry))
            .await
            .is_ok(),
        None => false,
    };
    DEVICE.with_borrow_mut(|device| {
        if written {
            unmark(&mut device.unsaved_outbox, &entry.id);
        } else {
            mark(&mut device.unsaved_outbox, &entry.id);
        }
    });
    report(written);
}

/// Keeps a failed try's count and backoff, unless another tab has had the server's answer
/// meanwhile and taken the entry out: then it stays out.
pub async fn requeue(entry: OutboxEntry) {
    let (db, unsaved) =
        DEVICE.with_borrow(|device| (device.db.clone(), device.unsaved_outbox.contains(&entry.id)));
    match db {
        Some(db) if !unsaved => match db
            .replace(Store::Outbox, &entry.id, &OutboxRecord::from(&entry))
            .await
        {
            Ok(true) => {
                DEVICE.with_borrow_mut(|device| put_entry(&mut device.outbox, entry));
                report(true);
            }
            Ok(false) => {
                DEVICE.with_borrow_mut(|device| device.outbox.retain(|e| e.id != entry.id));
                report(true);
            }
            Err(_) => report(false),
        },
        _ => enqueue(entry).await,
    }
}

/// Takes an answered entry out of the outbox and waits until the device has forgotten it.
pub async fn dequeue(id: &str) {
    let db = DEVICE.with_borrow_mut(|device| {
        device.outbox.retain(|e| e.id != id);
        unmark(&mut device.unsaved_outbox, id);
        device.db.clone()
    });
    if let Some(db) = db {
        report(db.delete(Store::Outbox, id).await.is_ok());
    }
}

/// Registry answers seen on this device, so a look-up made once still pre-fills offline.
pub async fn cached_registry(credit_code: &str) -> Option<FormValues> {
    db()?.get(Store::Registry, credit_code).await.ok().flatten()
}

pub async fn cache_registry(credit_code: &str, values: &FormValues) {
    if let Some(db) = db() {
        report(db.put(Store::Registry, credit_code, values).await.is_ok());
    }
}

#[cfg(test)]
mod tests {
    use catalog::ScopeAnswers;
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn sleep(ms: i32) {
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
    }

    #[test]
    async fn drafts_are_written_after_a_pause_and_answered_entries_stay_out() {
        open().await;
        let db = db().unwrap();
        let mut draft = Draft::new("storage-test".into(), 0.0);
        draft.values.insert("business_name".into(), "书店".into());
        save_draft(&draft);
        // In memory at once, on the device within the pause.
        assert_eq!(find_draft(&drafts(), "storage-test"), Some(&draft));
        assert_eq!(db.get_json(Store::Drafts, "storage-test").await, Ok(None));
        sleep(DRAFT_DEBOUNCE_MS as i32 + 200).await;
        let stored = db.get_json(Store::Drafts, "storage-test").await.unwrap();
        assert_eq!(records::read_draft(&stored.unwrap()), Ok(draft));

        let entry = OutboxEntry::new(
            "storage-test".into(),
            "bookstore".into(),
            ScopeAnswers::new(),
            FormValues::new(),
            Vec::new(),
            0.0,
        );
        enqueue(entry.clone()).await;
        let stored = db.get_json(Store::Outbox, "storage-test").await.unwrap();
        assert_eq!(
            records::read_outbox_entry(&stored.unwrap()),
            Ok(entry.clone())
        );
        // Another tab had the server's answer and took the entry out; this tab's failed try
        // must not bring it back.
        db.delete(Store::Outbox, "storage-test").await.unwrap();
        requeue(entry).await;
        assert_eq!(db.get_json(Store::Outbox, "storage-test").await, Ok(None));
        assert!(outbox().is_empty());
        assert_eq!(problem(), None);
    }

    #[test]
    async fn records_this_version_cannot_read_are_kept_and_counted() {
        open().await;
        let db = db().unwrap();
        let damaged = r#"{"id":"storage-damaged","values":["not","a","map"]}"#;
        let newer = r#"{"v":99,"id":"storage-newer","industry":"bookstore"}"#;
        let raw = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap();
        db.put(Store::Drafts, "storage-damaged", &raw(damaged))
            .await
            .unwrap();
        db.put(Store::Outbox, "storage-newer", &raw(newer))
            .await
            .unwrap();
        let before = health().unreadable;
        load_outbox().await;
        assert_eq!(health().unreadable, before + 2);
        assert!(find_draft(&drafts(), "storage-damaged").is_none());
        assert!(outbox().iter().all(|e| e.id != "storage-newer"));
        // Still on the device, as they were.
        let kept = db.get_json(Store::Drafts, "storage-damaged").await.unwrap();
        assert_eq!(kept.map(|json| raw(&json)), Some(raw(damaged)));
        assert!(
            db.get_json(Store::Outbox, "storage-newer")
                .await
                .unwrap()
                .is_some()
        );
        db.delete(Store::Drafts, "storage-damaged").await.unwrap();
        db.delete(Store::Outbox, "storage-newer").await.unwrap();
        load_outbox().await;
        assert_eq!(health().unreadable, before);
    }
}
