//! What verification trusts: the issuers' key set and their signed revocation list, kept on
//! this device so that checking works with no network, and refreshed whenever there is one.
//! A revocation list is stored only after its signature verified against the key set, and is
//! verified again each time it is read back.

use gloo::net::http::Request;
use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use signer::{KeySet, RevocationList, SignedRevocationList};

const KEYS: &str = "yiye.inspector.keys";
const REVOCATIONS: &str = "yiye.inspector.revocations";
const MAX_AGE: &str = "yiye.inspector.max_age_hours";
/// A day: long enough for a shift without signal, short enough that a revocation reaches
/// inspectors the next day.
pub const DEFAULT_MAX_AGE_HOURS: u32 = 24;

/// A cached item and when this device last got it from the server (ms since the epoch).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Cached<T> {
    value: T,
    fetched_at: f64,
}

/// The key set and revocation list this device verifies with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trust {
    pub keys: Option<KeySet>,
    pub keys_fetched_at: Option<f64>,
    pub revocations: Option<RevocationList>,
    pub revocations_fetched_at: Option<f64>,
}

impl Trust {
    /// Whether the revocation list was last confirmed by the server longer ago than
    /// `max_age_hours` (or never).
    pub fn revocations_stale(&self, now_ms: f64, max_age_hours: u32) -> bool {
        self.revocations_fetched_at
            .is_none_or(|at| now_ms - at > f64::from(max_age_hours) * 3_600_000.0)
    }
}

/// What this device has cached; a revocation list that no longer verifies is ignored.
pub fn cached() -> Trust {
    let keys: Option<Cached<KeySet>> = LocalStorage::get(KEYS).ok();
    let signed: Option<Cached<SignedRevocationList>> = LocalStorage::get(REVOCATIONS).ok();
    let revocations = keys.as_ref().zip(signed).and_then(|(keys, signed)| {
        let list = RevocationList::verify(&signed.value, &keys.value).ok()?;
        Some((list, signed.fetched_at))
    });
    Trust {
        keys_fetched_at: keys.as_ref().map(|k| k.fetched_at),
        keys: keys.map(|k| k.value),
        revocations_fetched_at: revocations.as_ref().map(|r| r.1),
        revocations: revocations.map(|r| r.0),
    }
}

/// Fetches both from the server, verifies the list with the fetched keys, stores both and
/// returns what is now trusted. On any failure the cache is left as it was.
pub async fn refresh(now_ms: f64) -> Result<Trust, String> {
    let keys: KeySet = get_json("/api/keys").await?;
    let signed: SignedRevocationList = get_json("/api/revocations").await?;
    RevocationList::verify(&signed, &keys)
        .map_err(|e| format!("the revocation list does not verify: {e}"))?;
    // Storage may be full or disabled; verification then still works for this visit.
    let _ = LocalStorage::set(
        KEYS,
        Cached {
            value: keys,
            fetched_at: now_ms,
        },
    );
    let _ = LocalStorage::set(
        REVOCATIONS,
        Cached {
            value: signed,
            fetched_at: now_ms,
        },
    );
    Ok(cached())
}

async fn get_json<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, String> {
    let response = Request::get(path).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    response.json().await.map_err(|e| e.to_string())
}

pub fn max_age_hours() -> u32 {
    LocalStorage::get(MAX_AGE).unwrap_or(DEFAULT_MAX_AGE_HOURS)
}

pub fn set_max_age_hours(hours: u32) {
    let _ = LocalStorage::set(MAX_AGE, hours);
}
