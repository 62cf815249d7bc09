//! Signing keys, public key sets and the on-disk key directory.

use core::fmt;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::Error;

/// Bytes of SHA-256(public key) used as the key id: a lookup hint only, since the
/// signature check decides, so 4 bytes keep the QR small without weakening anything.
const KID_LEN: usize = 4;

pub(crate) fn kid_of(public: &[u8; 32]) -> [u8; KID_LEN] {
    kid_of_digest(&Sha256::digest(public).into())
}

/// The key id from SHA-256(public key) hashed elsewhere (the browser's Web Crypto).
pub(crate) fn kid_of_digest(digest: &[u8; 32]) -> [u8; KID_LEN] {
    let mut kid = [0u8; KID_LEN];
    kid.copy_from_slice(digest.get(..KID_LEN).unwrap_or(&[0; KID_LEN]));
    kid
}

/// A private Ed25519 signing key with its key id and issuer.
///
/// The secret is zeroized on drop (ed25519-dalek's `zeroize` feature) and never printed:
/// `Debug` shows only the key id and issuer.
pub struct SigningKey {
    key: ed25519_dalek::SigningKey,
    kid: [u8; KID_LEN],
    kid_hex: String,
    issuer: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid_hex)
            .field("issuer", &self.issuer)
            .field("secret", &"<redacted>")
            .finish()
    }
}

#[cfg(unix)]
/// The private key file: the seed is all that is secret, the rest is for humans and checks.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    issuer: String,
    kid: String,
    secret_key: String,
}

impl SigningKey {
    /// A fresh key from the system's secure random generator (`crypto.getRandomValues` in
    /// the browser).
    pub fn generate(issuer: &str) -> Result<Self, Error> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|e| Error::Random(e.to_string()))?;
        Ok(Self::from_seed(&seed, issuer))
    }

    /// The key for a 32-byte RFC 8032 secret (seed). Deterministic: for tests and vectors.
    pub fn from_seed(seed: &[u8; 32], issuer: &str) -> Self {
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        let kid = kid_of(&key.verifying_key().to_bytes());
        SigningKey {
            key,
            kid,
            kid_hex: hex::encode(kid),
            issuer: issuer.to_owned(),
        }
    }

    /// Key id, lower-case hex of 4 bytes.
    pub fn kid(&self) -> &str {
        &self.kid_hex
    }

    pub(crate) fn kid_bytes(&self) -> &[u8] {
        &self.kid
    }

    pub(crate) fn inner(&self) -> &ed25519_dalek::SigningKey {
        &self.key
    }

    /// Issuer id this key signs for.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The key set entry for this key, valid for signing from `not_before` on.
    pub fn public_entry(&self, issuer_name: Option<String>, not_before: i64) -> PublicKeyEntry {
        PublicKeyEntry {
            kid: self.kid_hex.clone(),
            issuer: self.issuer.clone(),
            issuer_name,
            issuer_name_en: None,
            public_key: hex::encode(self.public_key()),
            not_before,
            not_after: None,
        }
    }

    /// Writes the key as JSON, readable by its owner only (mode 0600), atomically.
    #[cfg(unix)]
    pub fn save(&self, path: &std::path::Path) -> Result<(), Error> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;

        let seed = Zeroizing::new(hex::encode(self.key.to_bytes()));
        let file = KeyFile {
            issuer: self.issuer.clone(),
            kid: self.kid_hex.clone(),
            secret_key: String::new(),
        };
        // Build the JSON around the secret by hand so no unzeroized copy of it is left.
        let mut json =
            Zeroizing::new(
                serde_json::to_string_pretty(&file).map_err(|e| Error::Json {
                    what: "key file",
                    detail: e.to_string(),
                })?,
            );
        let at = json
            .find("\"secret_key\": \"")
            .map(|i| i + "\"secret_key\": \"".len())
            .ok_or_else(|| Error::InvalidKey("cannot serialise key file".into()))?;
        json.reserve(seed.len() + 1);
        json.insert_str(at, &seed);
        json.push('\n');

        let io = |e| Error::Io {
            path: path.display().to_string(),
            source: e,
        };
        let tmp = path.with_extension("tmp");
        // A stale temporary file from a crash would make create_new fail.
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io)?;
        f.write_all(json.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Reads a key written by [`SigningKey::save`]; refuses files that group or others can
    /// read, and files whose kid does not match the key.
    #[cfg(unix)]
    pub fn load(path: &std::path::Path) -> Result<Self, Error> {
        use std::os::unix::fs::PermissionsExt;

        let shown = path.display().to_string();
        let io = |e| Error::Io {
            path: shown.clone(),
            source: e,
        };
        let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Error::KeyFileExposed {
                path: shown.clone(),
                mode: mode & 0o777,
            });
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| Error::Json {
            what: "private key file",
            // serde_json's message names a position, never the content.
            detail: e.to_string(),
        })?;
        let secret = Zeroizing::new(file.secret_key);
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(secret.as_bytes(), seed.as_mut())
            .map_err(|_| Error::InvalidKey(format!("{shown}: secret_key must be 64 hex digits")))?;
        let key = Self::from_seed(&seed, &file.issuer);
        if key.kid_hex != file.kid {
            return Err(Error::InvalidKey(format!(
                "{shown}: kid {} does not match the key (expected {})",
                file.kid, key.kid_hex
            )));
        }
        Ok(key)
    }
}

/// One public key of a key set, as served by `GET /api/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyEntry {
    /// Key id: lower-case hex of the first 4 bytes of SHA-256(public key).
    pub kid: String,
    /// Issuer id the key signs for (the `iss` claim).
    pub issuer: String,
    /// Display name of the issuing authority (in Chinese, the name it signs documents with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// The authority's name in English, for verifiers showing an English interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name_en: Option<String>,
    /// Ed25519 public key, 64 lower-case hex digits.
    pub public_key: String,
    /// First instant (Unix seconds) at which the key may sign.
    pub not_before: i64,
    /// Last instant at which the key may sign; `None` while it is the current key.
    /// Credentials issued in the window keep verifying until their own expiry.
    #[serde(default)]
    pub not_after: Option<i64>,
}

impl PublicKeyEntry {
    /// The entry for a public key received from elsewhere (a device enrolling its key): the
    /// key id is derived from the key, and invalid or weak keys are refused.
    pub fn for_public_key(
        public_key_hex: &str,
        issuer: &str,
        not_before: i64,
    ) -> Result<Self, Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(public_key_hex, &mut bytes)
            .map_err(|_| Error::InvalidKey("public_key must be 64 hex digits (32 bytes)".into()))?;
        let entry = PublicKeyEntry {
            kid: hex::encode(kid_of(&bytes)),
            issuer: issuer.to_owned(),
            issuer_name: None,
            issuer_name_en: None,
            public_key: hex::encode(bytes),
            not_before,
            not_after: None,
        };
        entry.verifying_key()?;
        Ok(entry)
    }

    /// The parsed key; weak (small-order) keys and a kid not derived from the key are
    /// refused.
    pub fn verifying_key(&self) -> Result<VerifyingKey, Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&self.public_key, &mut bytes).map_err(|_| {
            Error::InvalidKey(format!(
                "key {}: public_key must be 64 hex digits",
                self.kid
            ))
        })?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| {
            Error::InvalidKey(format!("key {}: not a valid Ed25519 point", self.kid))
        })?;
        if key.is_weak() {
            return Err(Error::InvalidKey(format!("key {}: weak key", self.kid)));
        }
        if hex::encode(kid_of(&bytes)) != self.kid {
            return Err(Error::InvalidKey(format!(
                "key {}: kid does not match the public key",
                self.kid
            )));
        }
        Ok(key)
    }

    /// Whether the key was allowed to sign at `t`.
    pub fn valid_at(&self, t: i64) -> bool {
        self.not_before <= t && self.not_after.is_none_or(|end| t <= end)
    }
}

/// The public keys a verifier trusts; its JSON is exactly that of `GET /api/keys`.
///
/// Every key is parsed once, when the set is built or deserialized, and a set holding an
/// unusable key is refused there: point decompression costs about a tenth of a verification,
/// and a verifier checks many credentials against the same few keys.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "KeySetJson", try_from = "KeySetJson")]
pub struct KeySet {
    /// All keys, current and retired, as served.
    entries: Vec<PublicKeyEntry>,
    /// `parsed[i]` is `entries[i]`'s key.
    parsed: Vec<VerifyingKey>,
}

/// The JSON form of a key set: `{"keys": [...]}`.
#[derive(Serialize, Deserialize)]
struct KeySetJson {
    keys: Vec<PublicKeyEntry>,
}

impl From<KeySet> for KeySetJson {
    fn from(set: KeySet) -> Self {
        KeySetJson { keys: set.entries }
    }
}

impl TryFrom<KeySetJson> for KeySet {
    type Error = Error;

    fn try_from(json: KeySetJson) -> Result<Self, Error> {
        KeySet::from_entries(json.keys)
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("keys", &self.entries)
            .finish()
    }
}

impl KeySet {
    /// The set of these keys; refused if any key is unusable (not hex, not a valid or a
    /// weak Ed25519 key, or a kid not derived from it).
    pub fn from_entries(entries: Vec<PublicKeyEntry>) -> Result<Self, Error> {
        let mut set = KeySet::default();
        for entry in entries {
            set.push(entry)?;
        }
        Ok(set)
    }

    /// Adds a key; refused, leaving the set as it was, if the key is unusable.
    pub fn push(&mut self, entry: PublicKeyEntry) -> Result<(), Error> {
        let key = entry.verifying_key()?;
        self.entries.push(entry);
        self.parsed.push(key);
        Ok(())
    }

    /// Parses and validates key set JSON.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        serde_json::from_str(json).map_err(|e| Error::Json {
            what: "key set",
            detail: e.to_string(),
        })
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// All keys, current and retired.
    pub fn entries(&self) -> &[PublicKeyEntry] {
        &self.entries
    }

    /// Ends the validity of the key `kid` at `not_after`; returns its entry, if the set has it.
    #[cfg(unix)]
    fn retire(&mut self, kid: &str, not_after: i64) -> Option<&PublicKeyEntry> {
        let entry = self.entries.iter_mut().find(|e| e.kid == kid)?;
        entry.not_after = Some(not_after);
        Some(entry)
    }

    /// Entries with their parsed keys whose kid is `kid`.
    pub(crate) fn by_kid<'s>(
        &'s self,
        kid: &[u8],
    ) -> impl Iterator<Item = (&'s PublicKeyEntry, &'s VerifyingKey)> {
        let kid = hex::encode(kid);
        self.entries
            .iter()
            .zip(&self.parsed)
            .filter(move |(e, _)| e.kid == kid)
    }
}

#[cfg(unix)]
pub use store::KeyStore;

#[cfg(unix)]
mod store {
    use std::path::{Path, PathBuf};

    use super::{KeySet, SigningKey};
    use crate::Error;

    /// A key directory: `signing-key.json` (the current private key, mode 0600) and
    /// `keyset.json` (every public key, current and retired).
    ///
    /// Rotation adds a new key and sets the old key's `not_after` to the rotation instant:
    /// the old key stops signing, and licenses it signed keep verifying until their own
    /// expiry. The old private key file is replaced, so no retired secret stays on disk.
    #[derive(Debug)]
    pub struct KeyStore {
        dir: PathBuf,
        key: SigningKey,
        keys: KeySet,
    }

    impl KeyStore {
        /// File name of the current private key.
        pub const KEY_FILE: &'static str = "signing-key.json";
        /// File name of the public key set.
        pub const KEYSET_FILE: &'static str = "keyset.json";

        /// Opens an existing key directory.
        pub fn open(dir: &Path) -> Result<Self, Error> {
            let key = SigningKey::load(&dir.join(Self::KEY_FILE))?;
            let path = dir.join(Self::KEYSET_FILE);
            let json = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            let keys = KeySet::from_json(&json)?;
            let current = keys.entries().iter().find(|e| e.kid == key.kid());
            if current.is_none_or(|e| e.not_after.is_some()) {
                return Err(Error::InvalidKey(format!(
                    "{}: the private key {} is not the current key of {}; \
                     restore the matching files or run `signer keygen --out {}` to rotate",
                    dir.display(),
                    key.kid(),
                    Self::KEYSET_FILE,
                    dir.display()
                )));
            }
            Ok(KeyStore {
                dir: dir.to_owned(),
                key,
                keys,
            })
        }

        /// Creates a key directory with a first key valid from `now`.
        pub fn create(
            dir: &Path,
            issuer: &str,
            issuer_name: Option<String>,
            now: i64,
        ) -> Result<Self, Error> {
            if dir.join(Self::KEY_FILE).exists() {
                return Err(Error::InvalidKey(format!(
                    "{} already holds a key; open it or rotate instead",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.display().to_string(),
                source: e,
            })?;
            let key = SigningKey::generate(issuer)?;
            let keys = KeySet::from_entries(vec![key.public_entry(issuer_name, now)])?;
            let store = KeyStore {
                dir: dir.to_owned(),
                key,
                keys,
            };
            store.write_key_set()?;
            store.key.save(&dir.join(Self::KEY_FILE))?;
            Ok(store)
        }

        /// Opens `dir`, or creates it with a development key for `issuer` (server start-up).
        pub fn create_or_open_dev(dir: &Path, issuer: &str) -> Result<Self, Error> {
            if dir.join(Self::KEY_FILE).exists() {
                Self::open(dir)
            } else {
                Self::create(dir, issuer, None, unix_now())
            }
        }

        /// Replaces the signing key with a new one valid from `now`; the old key's
        /// `not_after` becomes `now + grace_seconds`. The grace covers servers still
        /// signing with the old key until they re-read the directory (the server does
        /// every second): without it, their last licenses would fail as
        /// `key_not_valid_at_issue`. Use 0 when the old key is compromised.
        pub fn rotate(&mut self, now: i64, grace_seconds: i64) -> Result<(), Error> {
            if grace_seconds < 0 {
                return Err(Error::InvalidKey(
                    "the grace period cannot be negative".into(),
                ));
            }
            let new = SigningKey::generate(self.key.issuer())?;
            let names = self
                .keys
                .retire(self.key.kid(), now.saturating_add(grace_seconds))
                .map(|entry| (entry.issuer_name.clone(), entry.issuer_name_en.clone()));
            let (issuer_name, issuer_name_en) = names.unwrap_or_default();
            self.keys.push(super::PublicKeyEntry {
                issuer_name_en,
                ..new.public_entry(issuer_name, now)
            })?;
            // Key set first: if the key write fails, `open` reports the mismatch instead
            // of signing with a key the verifiers do not have.
            self.write_key_set()?;
            new.save(&self.dir.join(Self::KEY_FILE))?;
            self.key = new;
            Ok(())
        }

        /// The current signing key.
        pub fn signing_key(&self) -> &SigningKey {
            &self.key
        }

        /// Every public key, for `GET /api/keys`.
        pub fn key_set(&self) -> &KeySet {
            &self.keys
        }

        /// The directory.
        pub fn dir(&self) -> &Path {
            &self.dir
        }

        fn write_key_set(&self) -> Result<(), Error> {
            let path = self.dir.join(Self::KEYSET_FILE);
            let tmp = path.with_extension("tmp");
            let io = |e| Error::Io {
                path: path.display().to_string(),
                source: e,
            };
            std::fs::write(&tmp, self.keys.to_json() + "\n").map_err(io)?;
            std::fs::rename(&tmp, &path).map_err(io)
        }
    }

    /// The system clock in Unix seconds.
    pub fn unix_now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

#[cfg(unix)]
pub use store::unix_now;
