//! The signing keys, the signed status list, and verification.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use contract::{FieldIssue, Text};
use serde::Serialize;
use sha2::{Digest, Sha256};
use signer::{KeySet, KeyStore, LicenseClaims, PublicKeyEntry, Status, StatusList, Verdict};

use super::{ServiceError, Services};
use crate::ElicenseConfig;
use crate::ledger::{StatusMark, StatusesAsOf, VersionState};

/// The signing keys: the current private key and every public key.
pub struct Keys {
    store: KeyStore,
    /// The store's key set with the configured authority's names on this issuer's keys: what
    /// `/api/keys` publishes and what verdicts name the issuer by.
    named: KeySet,
    authority: Text,
    elicense: ElicenseConfig,
}

impl Keys {
    /// Opens the key directory, creating a development key on first start (mode 0600). The
    /// configured authority names every key of `issuer`, whatever the key files say: the names
    /// are configuration, not key material.
    pub fn load_or_create(
        dir: &Path,
        issuer: &str,
        authority: &Text,
        elicense: &ElicenseConfig,
    ) -> Result<Self, signer::Error> {
        let store = KeyStore::create_or_open_dev(dir, issuer)?;
        let entries = store
            .key_set()
            .entries()
            .iter()
            .cloned()
            .map(|entry| match entry.issuer == issuer {
                true => PublicKeyEntry {
                    issuer_name: Some(authority.zh.clone()),
                    issuer_name_en: Some(authority.en.clone()),
                    ..entry
                },
                false => entry,
            })
            .collect();
        Ok(Self {
            named: KeySet::from_entries(entries)?,
            store,
            authority: authority.clone(),
            elicense: elicense.clone(),
        })
    }

    pub fn issuer(&self) -> &str {
        self.store.signing_key().issuer()
    }

    pub fn key_set(&self) -> &KeySet {
        &self.named
    }

    /// The issuing authority's display name, from configuration.
    pub fn authority(&self) -> &Text {
        &self.authority
    }

    /// The deployment's parts of the GB/T 36904 identifier.
    pub fn elicense(&self) -> &ElicenseConfig {
        &self.elicense
    }

    /// When the current signing key became valid.
    fn signing_since(&self) -> i64 {
        let kid = self.store.signing_key().kid();
        self.named
            .entries()
            .iter()
            .find(|e| e.kid == kid)
            .map_or(i64::MIN, |e| e.not_before)
    }

    /// Signs claims; gives the key id and the QR text.
    pub fn sign(&self, claims: &LicenseClaims) -> Result<(String, String), signer::Error> {
        let key = self.store.signing_key();
        let qr = signer::issue(claims, key)?;
        Ok((key.kid().to_owned(), qr))
    }
}

/// The current status list, both as checked by `verify` and as signed for clients, with
/// what it was made from: the ledger's mark and the signing key.
pub struct Statuses {
    list: StatusList,
    mark: StatusMark,
    kid: String,
    /// The body of `GET /api/status-list`, and its SHA-256 (lower-case hex, the ETag).
    pub json: String,
    pub digest: String,
}

/// `GET /api/status-list`: when it was issued and until when it is current, in plain fields
/// for a reader's convenience, and the list itself signed (`cose`): only that counts.
#[derive(Clone, Serialize)]
struct StatusListBody<'a> {
    issuer: &'a str,
    issued_at: i64,
    expires_at: i64,
    entries: usize,
    cose: &'a str,
}

const HOUR: i64 = 3600;

/// When a status list signed at `now` says it was issued: the hour `now` is in, so every
/// instance signs the very same bytes within the hour (Ed25519 is deterministic) — but never
/// before the latest change it states (a list with more changes always says it is newer)
/// nor before its key became valid (verifiers check the key at the list's issue time).
fn issue_time(as_of: i64, now: i64, key_since: i64) -> i64 {
    (now - now.rem_euclid(HOUR)).max(as_of).max(key_since)
}

/// A version's state as the status list states it.
fn list_status(state: VersionState, since: Option<i64>, until: Option<i64>) -> Status {
    let on = since.unwrap_or(0);
    match state {
        VersionState::Valid => Status::Valid,
        VersionState::Superseded => Status::Superseded { on },
        VersionState::Suspended => Status::Suspended {
            since: on,
            until: until.unwrap_or(on).max(on),
        },
        VersionState::Revoked => Status::Revoked { on },
        VersionState::Cancelled => Status::Cancelled { on },
    }
}

impl Statuses {
    /// Signs the list as of the ledger's state at `now`; it expires `max_age` seconds after
    /// its issue time. The same ledger and key give the same bytes on every instance within
    /// the hour.
    pub fn sign(
        content: StatusesAsOf,
        keys: &Keys,
        now: i64,
        max_age: i64,
    ) -> Result<Self, signer::Error> {
        let issued_at = issue_time(content.mark.as_of, now, keys.signing_since());
        let list = StatusList {
            issuer: keys.issuer().to_owned(),
            issued_at,
            expires_at: issued_at.saturating_add(max_age),
            entries: content
                .entries
                .into_iter()
                .map(|(state, since, until)| list_status(state, since, until))
                .collect(),
            by_number: content.by_number,
        };
        let key = keys.store.signing_key();
        let signed = list.sign(key)?;
        let json = serde_json::to_string(&StatusListBody {
            issuer: &list.issuer,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            entries: list.entries.len(),
            cose: &signed.cose,
        })
        .map_err(|e| signer::Error::InvalidClaims(format!("status list JSON: {e}")))?;
        Ok(Self {
            digest: hex::encode(Sha256::digest(json.as_bytes())),
            json,
            list,
            mark: content.mark,
            kid: key.kid().to_owned(),
        })
    }

    /// Whether this list is the one to serve at `now`: same ledger state, same key, same hour.
    fn current_for(&self, mark: StatusMark, keys: &Keys, now: i64) -> bool {
        self.mark == mark
            && self.kid == keys.store.signing_key().kid()
            && self.list.issued_at == issue_time(mark.as_of, now, keys.signing_since())
    }
}

/// The keys in use and the list signed with them, swapped together when the key directory
/// changes.
pub struct KeyRing {
    dir: PathBuf,
    issuer: String,
    authority: Text,
    elicense: ElicenseConfig,
    /// Seconds a signed status list stays current (`--status-max-age-days`).
    status_max_age: i64,
    keys: RwLock<Arc<Keys>>,
    statuses: RwLock<Arc<Statuses>>,
    /// When the key set file was last looked at, and its modification time then.
    checked: Mutex<(Instant, Option<SystemTime>)>,
}

/// How often the key directory is looked at for a rotation by `signer keygen`.
const KEY_CHECK_INTERVAL: Duration = Duration::from_secs(1);

impl KeyRing {
    pub fn open(
        dir: PathBuf,
        issuer: String,
        authority: Text,
        elicense: ElicenseConfig,
        statuses: StatusesAsOf,
        now: i64,
        status_max_age: i64,
    ) -> Result<Self, signer::Error> {
        let keys = Keys::load_or_create(&dir, &issuer, &authority, &elicense)?;
        let statuses = Statuses::sign(statuses, &keys, now, status_max_age)?;
        let modified = keyset_modified(&dir);
        Ok(Self {
            dir,
            issuer,
            authority,
            elicense,
            status_max_age,
            keys: RwLock::new(Arc::new(keys)),
            statuses: RwLock::new(Arc::new(statuses)),
            checked: Mutex::new((Instant::now(), modified)),
        })
    }

    pub fn current(&self) -> Arc<Keys> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn cached_statuses(&self) -> Arc<Statuses> {
        self.statuses
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether the key set file changed since the last look, looking at most once a second.
    fn rotated(&self) -> bool {
        let mut seen = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        if seen.0.elapsed() < KEY_CHECK_INTERVAL {
            return false;
        }
        seen.0 = Instant::now();
        let modified = keyset_modified(&self.dir);
        let changed = modified != seen.1;
        seen.1 = modified;
        changed
    }

    /// Forget the last look, so the next one reloads.
    fn recheck(&self) {
        self.checked.lock().unwrap_or_else(|p| p.into_inner()).1 = None;
    }

    fn install(&self, keys: Keys, statuses: Statuses) {
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(keys);
        *self.statuses.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(statuses);
    }
}

fn keyset_modified(dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(dir.join(KeyStore::KEYSET_FILE))
        .and_then(|m| m.modified())
        .ok()
}

/// `POST /api/verify`: the verdict on a QR text that is a credential, valid or not.
#[derive(Serialize)]
pub struct VerifyOutcome {
    pub valid: bool,
    pub reason: &'static str,
    pub message: String,
    pub kid: Option<String>,
    pub issuer_name: Option<String>,
    pub claims: Option<LicenseClaims>,
}

/// Longest QR text accepted; a version-40 QR holds 4,296 alphanumeric characters.
const MAX_QR_LEN: usize = 4296;

impl Services {
    /// Re-reads the key directory and re-signs the status list with the current key.
    pub async fn reload_keys(&self) -> Result<(), ServiceError> {
        let ring = self.keys();
        let keys = Keys::load_or_create(&ring.dir, &ring.issuer, &ring.authority, &ring.elicense)
            .map_err(|e| ServiceError::internal("key reload", e))?;
        let content = self.ledger().statuses(ring.issuer.clone()).await?;
        let statuses = Statuses::sign(content, &keys, self.now(), ring.status_max_age)
            .map_err(|e| ServiceError::internal("status list signing", e))?;
        ring.install(keys, statuses);
        tracing::info!("signing keys reloaded");
        Ok(())
    }

    /// The signed status list as the ledger stands now. Another instance may have changed a
    /// license since this one last looked: a cheap mark says whether to sign it anew (as does
    /// a new hour).
    pub async fn status_list(&self) -> Result<Arc<Statuses>, ServiceError> {
        let mark = self.ledger().status_mark().await?;
        let ring = self.keys();
        let cached = ring.cached_statuses();
        let keys = ring.current();
        let now = self.now();
        if cached.current_for(mark, &keys, now) {
            return Ok(cached);
        }
        let content = self.ledger().statuses(ring.issuer.clone()).await?;
        let fresh = Arc::new(
            Statuses::sign(content, &keys, now, ring.status_max_age)
                .map_err(|e| ServiceError::internal("status list signing", e))?,
        );
        *ring.statuses.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// The keys in use, to sign, verify or publish with. A rotation by `signer keygen` in the
    /// key directory (shared by every instance) takes effect within a second of the next use,
    /// without the admin route. A failed reload (e.g. caught between the CLI's two writes)
    /// keeps the old keys and is retried.
    pub async fn current_keys(&self) -> Arc<Keys> {
        if self.keys().rotated() && self.reload_keys().await.is_err() {
            self.keys().recheck();
        }
        self.keys().current()
    }

    /// Verifies a QR text against the keys and the ledger's status list now. Text that is not
    /// a credential at all is refused (422).
    pub async fn verify(&self, qr_text: &str) -> Result<VerifyOutcome, ServiceError> {
        if qr_text.len() > MAX_QR_LEN {
            return Err(ServiceError::bad_request(
                "malformed_qr",
                "the QR text is longer than any QR code can hold",
            ));
        }
        let text = signer::parse_url_form(qr_text.trim());
        let keys = self.current_keys().await;
        let statuses = self.status_list().await?;
        let verdict: Verdict =
            signer::verify(&text, keys.key_set(), Some(&statuses.list), self.now());
        let code = verdict.code();
        let message = verdict
            .reason
            .as_ref()
            .map_or_else(|| "genuine and in force".to_owned(), |r| r.message());
        if code.starts_with("malformed") {
            return Err(
                ServiceError::unprocessable("malformed_qr", message.clone()).on_field(
                    "qr_text",
                    FieldIssue::new(
                        code,
                        "这不是可读的许可证二维码,请重新扫描",
                        format!("not a readable license QR code ({message}): scan it again"),
                    ),
                ),
            );
        }
        Ok(VerifyOutcome {
            valid: verdict.is_valid(),
            reason: code,
            message,
            kid: verdict.kid,
            issuer_name: verdict.issuer_name,
            claims: verdict.claims,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::issue_time;

    #[test]
    fn status_lists_are_issued_on_the_hour_unless_something_is_newer() {
        let hour = 1_796_608_800; // 2026-12-07 02:00 UTC
        assert_eq!(issue_time(hour - 86_400, hour + 1_799, hour - 86_400), hour);
        assert_eq!(issue_time(hour - 86_400, hour, hour - 86_400), hour);
        // A revocation this hour, or a key made this hour, moves the issue time to it.
        assert_eq!(
            issue_time(hour + 60, hour + 1_799, hour - 86_400),
            hour + 60
        );
        assert_eq!(
            issue_time(hour - 86_400, hour + 1_799, hour + 90),
            hour + 90
        );
    }
}
