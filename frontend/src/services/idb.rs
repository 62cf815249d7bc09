//! A small key-value layer over IndexedDB (`idb.js`): one object store per kind of record,
//! records as JSON. Falls back to localStorage when IndexedDB cannot be opened.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/services/idb.js")]
extern "C" {
    #[derive(Clone)]
    type Backend;
    #[wasm_bindgen(js_name = open)]
    fn open_backend(name: &str) -> js_sys::Promise;
    fn migrate(backend: &Backend) -> js_sys::Promise;
    #[wasm_bindgen(js_name = journal)]
    fn journal_item(store: &str, key: &str, json: &str);
    #[wasm_bindgen(method, getter)]
    fn kind(this: &Backend) -> String;
    #[wasm_bindgen(method)]
    fn all(this: &Backend, store: &str) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn get(this: &Backend, store: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn put(
        this: &Backend,
        store: &str,
        key: &str,
        json: &str,
        only_if_present: bool,
    ) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = delete)]
    fn remove(this: &Backend, store: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = getObject)]
    fn get_object(this: &Backend, store: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = addObject)]
    fn add_object(this: &Backend, store: &str, key: &str, value: &JsValue) -> js_sys::Promise;
}

/// The kinds of record, one object store each.
#[derive(Clone, Copy, Debug)]
pub enum Store {
    Drafts,
    Outbox,
    Tracking,
    Registry,
    /// One-of-a-kind records: the profile, clerk mode, the device key.
    Device,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Store::Drafts => "drafts",
            Store::Outbox => "outbox",
            Store::Tracking => "tracking",
            Store::Registry => "registry",
            Store::Device => "device",
        }
    }
}

/// Why the device did not read or write: the browser's reason (`QuotaExceededError` …).
#[derive(Clone, Debug, PartialEq)]
pub struct Error(pub String);

impl From<JsValue> for Error {
    fn from(value: JsValue) -> Error {
        let name = js_sys::Reflect::get(&value, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string());
        Error(
            name.or_else(|| value.as_string())
                .unwrap_or_else(|| "unknown".to_owned()),
        )
    }
}

/// Keeps a record synchronously in localStorage for a page that is closing and may not live to
/// finish its database write: the next start moves it into the database
/// ([`Db::migrate_legacy`]); a completed write of the same record drops it.
pub fn journal<T: Serialize>(store: Store, key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        journal_item(store.name(), key, &json);
    }
}

#[derive(Clone)]
pub struct Db(Backend);

impl Db {
    /// Opens (creating on first use) the database `name`, or its localStorage fallback.
    pub async fn open(name: &str) -> Result<Db, Error> {
        let backend = JsFuture::from(open_backend(name)).await?;
        Ok(Db(backend.unchecked_into()))
    }

    /// Whether IndexedDB was unavailable and records go to localStorage instead.
    pub fn is_fallback(&self) -> bool {
        self.0.kind() != "indexeddb"
    }

    /// Moves what the previous version kept in localStorage, and the journal of closed pages
    /// ([`journal`]), into this database (all or nothing), then removes it there. Returns how
    /// many localStorage items moved.
    pub async fn migrate_legacy(&self) -> Result<u32, Error> {
        let moved = JsFuture::from(migrate(&self.0)).await?;
        Ok(moved.as_f64().unwrap_or(0.0) as u32)
    }

    // The generic methods only turn records into JSON and back; the I/O around it is not
    // generic, so the wasm holds one copy of it rather than one per record type.

    /// Every record of a store as its JSON text, in key order. The caller parses them and
    /// says how many it could not read: a damaged record is never skipped silently. (A value
    /// that is not text comes back as "", which no record parses as.)
    pub async fn all_json(&self, store: Store) -> Result<Vec<String>, Error> {
        let records: js_sys::Array = JsFuture::from(self.0.all(store.name()))
            .await?
            .unchecked_into();
        Ok(records
            .iter()
            .map(|json| json.as_string().unwrap_or_default())
            .collect())
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        store: Store,
        key: &str,
    ) -> Result<Option<T>, Error> {
        let json = self.get_json(store, key).await?;
        Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// One record's JSON text, for a caller that parses it itself.
    pub async fn get_json(&self, store: Store, key: &str) -> Result<Option<String>, Error> {
        Ok(JsFuture::from(self.0.get(store.name(), key))
            .await?
            .as_string())
    }

    /// Writes one record. The write is issued before this returns (so it is ordered before any
    /// later read or write); the future says when it is on disk, or why not.
    pub fn put<T: Serialize>(
        &self,
        store: Store,
        key: &str,
        value: &T,
    ) -> impl Future<Output = Result<(), Error>> + 'static + use<T> {
        self.put_json(store, key, serde_json::to_string(value))
    }

    /// Writes one record that is JSON text already, like [`Db::put`].
    pub fn put_text(
        &self,
        store: Store,
        key: &str,
        json: &str,
    ) -> impl Future<Output = Result<(), Error>> + 'static + use<> {
        self.put_json(store, key, Ok(json.to_owned()))
    }

    fn put_json(
        &self,
        store: Store,
        key: &str,
        json: serde_json::Result<String>,
    ) -> impl Future<Output = Result<(), Error>> + 'static + use<> {
        let written = self.write(store, key, json, false);
        async move { written.await.map(|_| ()) }
    }

    /// Writes over an existing record only; `Ok(false)` when there was none (another tab
    /// removed it). Issued at once, like [`Db::put`].
    pub fn replace<T: Serialize>(
        &self,
        store: Store,
        key: &str,
        value: &T,
    ) -> impl Future<Output = Result<bool, Error>> + 'static + use<T> {
        self.write(store, key, serde_json::to_string(value), true)
    }

    fn write(
        &self,
        store: Store,
        key: &str,
        json: serde_json::Result<String>,
        only_if_present: bool,
    ) -> impl Future<Output = Result<bool, Error>> + 'static + use<> {
        let issued = json
            .map_err(|e| Error(crate::services::api::json_error(&e)))
            .map(|json| JsFuture::from(self.0.put(store.name(), key, &json, only_if_present)));
        async move { Ok(issued?.await?.as_bool().unwrap_or(false)) }
    }

    /// A record JSON cannot hold (a CryptoKey), as the browser's own object.
    pub async fn get_object(&self, store: Store, key: &str) -> Result<Option<JsValue>, Error> {
        let value = JsFuture::from(self.0.get_object(store.name(), key)).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Adds such a record unless one exists; `Ok(false)` when one did (another tab was first).
    pub async fn add_object(
        &self,
        store: Store,
        key: &str,
        value: &JsValue,
    ) -> Result<bool, Error> {
        let added = JsFuture::from(self.0.add_object(store.name(), key, value)).await?;
        Ok(added.as_bool().unwrap_or(false))
    }

    /// Removes one record; issued at once, like [`Db::put`].
    pub fn delete(
        &self,
        store: Store,
        key: &str,
    ) -> impl Future<Output = Result<(), Error>> + 'static + use<> {
        let issued = JsFuture::from(self.0.remove(store.name(), key));
        async move { issued.await.map(|_| ()).map_err(Error::from) }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn local_storage() -> web_sys::Storage {
        gloo::utils::window().local_storage().unwrap().unwrap()
    }

    /// Every record of a store, parsed.
    async fn all<T: DeserializeOwned>(db: &Db, store: Store) -> Vec<T> {
        let records = db.all_json(store).await.unwrap();
        records
            .iter()
            .map(|json| serde_json::from_str(json).unwrap())
            .collect()
    }

    /// A database of its own per test (and per run), so tests do not see each other's records.
    async fn fresh(name: &str) -> (Db, String) {
        let name = format!("{name}-{}", js_sys::Math::random());
        (Db::open(&name).await.unwrap(), name)
    }

    #[test]
    async fn records_round_trip_per_store_and_key() {
        let (db, _) = fresh("test-round-trip").await;
        assert!(!db.is_fallback());
        db.put(Store::Drafts, "a", &vec![1, 2]).await.unwrap();
        db.put(Store::Drafts, "b", &vec![3]).await.unwrap();
        db.put(Store::Outbox, "a", &"queued").await.unwrap();
        let drafts: Vec<Vec<u8>> = all(&db, Store::Drafts).await;
        assert_eq!(drafts, [vec![1, 2], vec![3]]);
        assert_eq!(
            db.get::<String>(Store::Outbox, "a")
                .await
                .unwrap()
                .as_deref(),
            Some("queued")
        );
        db.delete(Store::Drafts, "a").await.unwrap();
        assert_eq!(db.get::<Vec<u8>>(Store::Drafts, "a").await.unwrap(), None);
        assert_eq!(
            db.get::<Vec<u8>>(Store::Drafts, "b").await.unwrap(),
            Some(vec![3])
        );
    }

    #[test]
    async fn records_outlive_the_connection() {
        let (db, name) = fresh("test-reopen").await;
        db.put(Store::Registry, "code", &"values").await.unwrap();
        let again = Db::open(&name).await.unwrap();
        assert_eq!(
            again
                .get::<String>(Store::Registry, "code")
                .await
                .unwrap()
                .as_deref(),
            Some("values")
        );
    }

    #[test]
    async fn replace_never_brings_back_a_removed_record() {
        let (db, _) = fresh("test-replace").await;
        assert_eq!(db.replace(Store::Outbox, "x", &1).await, Ok(false));
        assert_eq!(db.get::<u8>(Store::Outbox, "x").await.unwrap(), None);
        db.put(Store::Outbox, "x", &1).await.unwrap();
        assert_eq!(db.replace(Store::Outbox, "x", &2).await, Ok(true));
        assert_eq!(db.get::<u8>(Store::Outbox, "x").await.unwrap(), Some(2));
    }

    #[test]
    async fn writes_are_ordered_as_issued() {
        let (db, _) = fresh("test-order").await;
        // Neither write is awaited before the read is issued.
        let put = db.put(Store::Drafts, "d", &"first");
        let delete = db.delete(Store::Drafts, "d");
        let read = db.all_json(Store::Drafts);
        assert!(read.await.unwrap().is_empty());
        put.await.unwrap();
        delete.await.unwrap();
    }

    #[test]
    async fn every_record_comes_back_as_it_was_written() {
        let (db, _) = fresh("test-damaged").await;
        db.put(Store::Tracking, "bad", &"not a number")
            .await
            .unwrap();
        db.put(Store::Tracking, "good", &5u8).await.unwrap();
        assert_eq!(
            db.all_json(Store::Tracking).await,
            Ok(vec![r#""not a number""#.to_owned(), "5".to_owned()])
        );
    }

    #[test]
    async fn a_closing_pages_journal_moves_in_at_the_next_start() {
        let (db, _) = fresh("test-journal").await;
        journal(Store::Drafts, "j1", &"typed as the tab closed");
        journal(Store::Drafts, "j2", &"written after all");
        // The database write finished: its journal entry is dropped, never replayed over
        // newer writes.
        db.put(Store::Drafts, "j2", &"written after all")
            .await
            .unwrap();
        let storage = local_storage();
        assert_eq!(storage.get_item("yiye.journal/drafts/j2").unwrap(), None);
        assert_eq!(db.migrate_legacy().await, Ok(1));
        assert_eq!(
            db.get::<String>(Store::Drafts, "j1")
                .await
                .unwrap()
                .as_deref(),
            Some("typed as the tab closed")
        );
        assert_eq!(storage.get_item("yiye.journal/drafts/j1").unwrap(), None);
    }

    /// What the previous version wrote: whole collections as localStorage items.
    fn write_legacy_items() {
        let storage = local_storage();
        storage
            .set_item("yiye.drafts", r#"{"d1":{"id":"d1"},"d2":{"id":"d2"}}"#)
            .unwrap();
        storage
            .set_item("yiye.outbox", r#"[{"id":"d1","attempts":3}]"#)
            .unwrap();
        storage
            .set_item("yiye.profile", r#"{"phone":"13812345678"}"#)
            .unwrap();
        storage.set_item("yiye.clerk_mode", "true").unwrap();
        storage
            .set_item("yiye.device", r#"{"id":"device-1","seed":"00"}"#)
            .unwrap();
        storage.set_item("yiye.registry", "{not json").unwrap();
    }

    #[test]
    async fn the_previous_versions_data_moves_over_once() {
        let (db, _) = fresh("test-migrate").await;
        write_legacy_items();
        assert_eq!(db.migrate_legacy().await, Ok(5));
        let drafts: Vec<serde_json::Value> = all(&db, Store::Drafts).await;
        assert_eq!(
            drafts,
            [
                serde_json::json!({ "id": "d1" }),
                serde_json::json!({ "id": "d2" })
            ]
        );
        let queued: serde_json::Value = db.get(Store::Outbox, "d1").await.unwrap().unwrap();
        assert_eq!(queued["attempts"], 3);
        let profile: serde_json::Value = db.get(Store::Device, "profile").await.unwrap().unwrap();
        assert_eq!(profile["phone"], "13812345678");
        assert_eq!(
            db.get::<bool>(Store::Device, "clerk_mode").await,
            Ok(Some(true))
        );
        let key: serde_json::Value = db.get(Store::Device, "key").await.unwrap().unwrap();
        assert_eq!(key["id"], "device-1");
        let storage = local_storage();
        for moved in [
            "yiye.drafts",
            "yiye.outbox",
            "yiye.profile",
            "yiye.clerk_mode",
            "yiye.device",
        ] {
            assert_eq!(storage.get_item(moved).unwrap(), None, "{moved}");
        }
        // What did not parse stays where it was, unharmed.
        assert_eq!(
            storage.get_item("yiye.registry").unwrap().as_deref(),
            Some("{not json")
        );
        storage.remove_item("yiye.registry").unwrap();
        assert_eq!(db.migrate_legacy().await, Ok(0));
    }

    #[test]
    async fn without_indexeddb_records_go_to_local_storage() {
        // As in a private mode without IndexedDB: `indexedDB` is missing.
        let window = gloo::utils::window();
        let original = js_sys::Object::get_own_property_descriptor(&window, &"indexedDB".into());
        let hide = js_sys::Object::new();
        js_sys::Reflect::set(&hide, &"value".into(), &JsValue::UNDEFINED).unwrap();
        js_sys::Reflect::set(&hide, &"configurable".into(), &JsValue::TRUE).unwrap();
        js_sys::Object::define_property(&window, &"indexedDB".into(), &hide);
        let opened = Db::open("test-fallback").await;
        if original.is_undefined() {
            js_sys::Reflect::delete_property(&window, &"indexedDB".into()).unwrap();
        } else {
            js_sys::Object::define_property(&window, &"indexedDB".into(), &original.into());
        }
        let db = opened.unwrap();
        assert!(db.is_fallback());

        write_legacy_items();
        local_storage().remove_item("yiye.registry").unwrap();
        assert_eq!(db.migrate_legacy().await, Ok(5));
        db.put(Store::Drafts, "d3", &serde_json::json!({ "id": "d3" }))
            .await
            .unwrap();
        assert_eq!(db.replace(Store::Outbox, "nope", &1).await, Ok(false));
        let drafts: Vec<serde_json::Value> = all(&db, Store::Drafts).await;
        let ids: Vec<_> = drafts.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["d1", "d2", "d3"]);
        let storage = local_storage();
        assert!(
            storage
                .get_item("test-fallback/drafts/d3")
                .unwrap()
                .is_some()
        );
        db.delete(Store::Drafts, "d3").await.unwrap();
        assert_eq!(storage.get_item("test-fallback/drafts/d3").unwrap(), None);
        storage.clear().unwrap();
    }
}
