// What the applicant app keeps on the device, under IndexedDB: one object store per kind of
// record, every record under its own key, so two tabs never overwrite each other's records.
// Values cross from Rust as JSON text and are kept as plain objects (readable in dev tools);
// `all` answers every record's JSON text, so Rust parses (and skips a damaged one) per record.
// When IndexedDB cannot be opened (some private modes), the same interface falls back to
// localStorage, one item per record, rather than lose data. services/idb.rs is the Rust side.

const STORES = ['drafts', 'outbox', 'tracking', 'registry', 'device'];

// A page that is closing may not live to finish a database write; what it must keep is also
// journalled synchronously in localStorage, moved into the database at the next start, and
// dropped as soon as the database write is done.
const JOURNAL = 'yiye.journal/';

export function journal(store, key, json) {
  try {
    localStorage.setItem(`${JOURNAL}${store}/${key}`, json);
  } catch {
    // Full or disabled: the database write may still land.
  }
}

function written(store, key) {
  try {
    localStorage.removeItem(`${JOURNAL}${store}/${key}`);
  } catch {
    // No localStorage, so no journal either.
  }
}

const settled = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

class IndexedDb {
  constructor(db) {
    this.db = db;
    this.kind = 'indexeddb';
  }

  async all(store) {
    const values = await settled(this.db.transaction(store).objectStore(store).getAll());
    return values.map((value) => JSON.stringify(value));
  }

  async get(store, key) {
    const value = await settled(this.db.transaction(store).objectStore(store).get(key));
    return value === undefined ? undefined : JSON.stringify(value);
  }

  // Resolves once the write is on disk ('strict' durability): the outbox relies on it.
  // With `onlyIfPresent`, writes only over an existing record and resolves to whether it did.
  put(store, key, json, onlyIfPresent) {
    return this.putAll([[store, key, JSON.parse(json)]], onlyIfPresent);
  }

  // One transaction: every record is written, or none. (Async, so that even a synchronous
  // throw becomes a rejection; the transaction is still created before this returns.)
  async putAll(records, onlyIfPresent = false) {
    const stores = [...new Set(records.map(([store]) => store))];
    const tx = this.db.transaction(stores, 'readwrite', { durability: 'strict' });
    let stored = true;
    for (const [store, key, value] of records) {
      const objects = tx.objectStore(store);
      if (!onlyIfPresent) {
        objects.put(value, key);
        continue;
      }
      const found = objects.getKey(key);
      found.onsuccess = () => {
        if (found.result === undefined) stored = false;
        else objects.put(value, key);
      };
    }
    // Committing now rather than when the page goes idle: a write issued as the tab closes
    // still reaches the disk.
    if (!onlyIfPresent) tx.commit?.();
    await this.#committed(tx);
    for (const [store, key] of records) written(store, key);
    return stored;
  }

  // Browser objects JSON cannot hold (a non-extractable CryptoKey), by structured clone.
  async getObject(store, key) {
    return settled(this.db.transaction(store).objectStore(store).get(key));
  }

  // Adds a record that must not exist yet; resolves to false when one does (another tab
  // was first), so both tabs end up with the same record.
  async addObject(store, key, value) {
    const tx = this.db.transaction(store, 'readwrite', { durability: 'strict' });
    const request = tx.objectStore(store).add(value, key);
    request.onerror = (event) => {
      if (request.error?.name === 'ConstraintError') event.preventDefault();
    };
    try {
      await this.#committed(tx);
    } catch (error) {
      if (request.error?.name === 'ConstraintError') return false;
      throw error;
    }
    return request.error?.name !== 'ConstraintError';
  }

  async delete(store, key) {
    const tx = this.db.transaction(store, 'readwrite', { durability: 'strict' });
    tx.objectStore(store).delete(key);
    tx.commit?.();
    await this.#committed(tx);
  }

  #committed(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new DOMException('The write was aborted', 'AbortError'));
    });
  }
}

// The fallback: localStorage items named "<database>/<store>/<key>".
class LocalStorage {
  constructor(name) {
    this.storage = window.localStorage;
    this.prefix = `${name}/`;
    this.kind = 'localstorage';
  }

  async all(store) {
    const prefix = `${this.prefix}${store}/`;
    // In key order, as IndexedDB answers.
    return Object.keys(this.storage).filter((item) => item.startsWith(prefix)).sort()
      .map((item) => this.storage.getItem(item));
  }

  async get(store, key) {
    return this.storage.getItem(`${this.prefix}${store}/${key}`) ?? undefined;
  }

  async put(store, key, json, onlyIfPresent) {
    const item = `${this.prefix}${store}/${key}`;
    if (onlyIfPresent && this.storage.getItem(item) === null) return false;
    this.storage.setItem(item, json);
    written(store, key);
    return true;
  }

  async putAll(records) {
    for (const [store, key, value] of records) await this.put(store, key, JSON.stringify(value), false);
    return true;
  }

  async delete(store, key) {
    this.storage.removeItem(`${this.prefix}${store}/${key}`);
  }

  async getObject() {
    throw new DOMException('this browser keeps no IndexedDB here, where a device key must live', 'NotSupportedError');
  }

  async addObject() {
    return this.getObject();
  }
}

// IndexedDB if the browser lets us, else localStorage; rejects only when neither is usable.
export async function open(name) {
  try {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      for (const store of STORES) request.result.createObjectStore(store);
    };
    return new IndexedDb(await settled(request));
  } catch {
    return new LocalStorage(name);
  }
}

// Where the previous version kept everything: whole collections as localStorage items.
const LEGACY = [
  ['yiye.drafts', 'drafts', (all) => Object.entries(all)],
  ['yiye.outbox', 'outbox', (entries) => entries.map((entry) => [entry.id, entry])],
  ['yiye.tracking', 'tracking', (all) => Object.entries(all)],
  ['yiye.registry', 'registry', (all) => Object.entries(all)],
  ['yiye.profile', 'device', (profile) => [['profile', profile]]],
  ['yiye.clerk_mode', 'device', (on) => [['clerk_mode', on]]],
  ['yiye.device', 'device', (key) => [['key', key]]],
];

// Moves what localStorage holds for the database into `backend` in one go, then removes those
// items: the previous version's data (an upgrade never loses a draft or a queued application),
// then the journal of pages that closed (newer, so written last). An item that does not parse
// is left where it is (the previous version could not read it either). Resolves to the items
// moved.
export async function migrate(backend) {
  let localStorage;
  try {
    localStorage = window.localStorage;
  } catch {
    return 0; // Disabled: nothing was kept there either.
  }
  const records = [];
  const moved = [];
  for (const [item, store, split] of LEGACY) {
    let found;
    try {
      const value = JSON.parse(localStorage.getItem(item));
      if (value === null) continue;
      found = split(value);
    } catch {
      continue;
    }
    for (const [key, record] of found) records.push([store, key, record]);
    moved.push(item);
  }
  for (const item of Object.keys(localStorage).filter((name) => name.startsWith(JOURNAL))) {
    const [store, ...key] = item.slice(JOURNAL.length).split('/');
    try {
      records.push([store, key.join('/'), JSON.parse(localStorage.getItem(item))]);
      moved.push(item);
    } catch {
      // Left where it is, like a legacy item that does not parse.
    }
  }
  if (moved.length === 0) return 0;
  await backend.putAll(records);
  for (const item of moved) localStorage.removeItem(item);
  return moved.length;
}
