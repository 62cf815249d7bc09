//! The trust list this server publishes (`GET /api/trust-list`): a signed file made offline,
//! served verbatim, or — in development — one the server signs itself with a root key, naming
//! only its own issuer. Verifiers check it against the root they pin; the server never does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};
use signer::{KeySet, KeyStore, SignedTrustList, TrustList, TrustedIssuer, TrustedKey};

use super::Services;
use super::keys::Keys;

/// Where the published trust list comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustSource {
    /// A `SignedTrustList` JSON file (`signer trust-list sign`), served byte for byte and
    /// re-read when it changes.
    File(PathBuf),
    /// Development: a root key directory (a `KeyStore`); the server signs a list of its own
    /// issuer with it.
    RootKey(PathBuf),
}

/// Why the server cannot start with the trust list it was given.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("trust list {}: {detail}", path.display())]
    File { path: PathBuf, detail: String },
    #[error("trust root key {}: {source}", dir.display())]
    RootKey { dir: PathBuf, source: signer::Error },
}

/// The trust list as served.
pub struct PublishedTrustList {
    /// The response body, exactly.
    pub json: String,
    /// SHA-256 of `json`, lower-case hex (the ETag).
    pub digest: String,
    /// Origins (`scheme://host[:port]`) of the issuers' absolute status URLs: the inspector
    /// page fetches their revocation lists, so the CSP must let it.
    pub status_origins: Vec<String>,
    /// What a development list was signed from, to sign it anew when that changes.
    issued_at: i64,
    key_set: KeySet,
}

impl PublishedTrustList {
    fn new(json: String, list: &TrustList, key_set: KeySet) -> Self {
        let digest = hex::encode(Sha256::digest(json.as_bytes()));
        let mut origins = BTreeSet::new();
        for issuer in &list.issuers {
            if issuer.status_url.starts_with('/') {
                continue; // this server itself: 'self'
            }
            match origin(&issuer.status_url) {
                Some(o) => {
                    origins.insert(o);
                }
                None => tracing::warn!(
                    issuer = %issuer.id,
                    "the trust list's status URL of this issuer has no origin a CSP can name: \
                     its revocation list cannot be fetched from this server's pages"
                ),
            }
        }
        Self {
            json,
            digest,
            status_origins: origins.into_iter().collect(),
            issued_at: list.issued_at,
            key_set,
        }
    }
}

/// The origin of an absolute http(s) URL, lower-cased: `scheme://host[:port]`. `None` for
/// anything else, or an authority with characters a CSP source cannot carry (user info, spaces,
/// quotes, semicolons).
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let plain = |b: u8| b.is_ascii_alphanumeric() || b".-:[]".contains(&b);
    if authority.is_empty() || !authority.bytes().all(plain) {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// How often the trust list file is looked at for a change.
const FILE_CHECK_INTERVAL: Duration = Duration::from_secs(1);
const DAY: i64 = 86_400;
/// How long a development list is valid; it is signed anew every day.
const DEV_VALIDITY: i64 = 30 * DAY;

enum Source {
    None,
    File {
        path: PathBuf,
        /// When the file was last looked at, and its (modification time, length) then.
        checked: Mutex<(Instant, Option<(SystemTime, u64)>)>,
    },
    Root(Box<KeyStore>),
}

/// The trust list in use, swapped whole when its source changes.
pub struct TrustLists {
    source: Source,
    current: RwLock<Option<Arc<PublishedTrustList>>>,
}

impl TrustLists {
    /// Reads (or, with a root key, signs) the list; a file that cannot be read or decoded, or
    /// a root key directory that cannot be opened, stops the start.
    pub fn open(source: Option<&TrustSource>, keys: &Keys, now: i64) -> Result<Self, TrustError> {
        let (source, current) = match source {
            None => (Source::None, None),
            Some(TrustSource::File(path)) => {
                let stamp = file_stamp(path);
                let published = read_file(path).map_err(|detail| TrustError::File {
                    path: path.clone(),
                    detail,
                })?;
                let checked = Mutex::new((Instant::now(), stamp));
                let source = Source::File {
                    path: path.clone(),
                    checked,
                };
                (source, Some(published))
            }
            Some(TrustSource::RootKey(dir)) => {
                let error = |source| TrustError::RootKey {
                    dir: dir.clone(),
                    source,
                };
                let root = KeyStore::open(dir).map_err(error)?;
                let published = dev_list(&root, keys, now).map_err(error)?;
                (Source::Root(Box::new(root)), Some(published))
            }
        };
        Ok(Self {
            source,
            current: RwLock::new(current.map(Arc::new)),
        })
    }

    fn current(&self) -> Option<Arc<PublishedTrustList>> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn install(&self, published: PublishedTrustList) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(published));
    }

    /// Re-reads the file when it changed (looking at most once a second). A file that does not
    /// decode (e.g. caught half-written) keeps the list in use, with a warning; it is read
    /// again when it changes again.
    fn refresh_file(&self, path: &Path, checked: &Mutex<(Instant, Option<(SystemTime, u64)>)>) {
        {
            let mut seen = checked.lock().unwrap_or_else(|p| p.into_inner());
            if seen.0.elapsed() < FILE_CHECK_INTERVAL {
                return;
            }
            seen.0 = Instant::now();
            let stamp = file_stamp(path);
            if stamp == seen.1 {
                return;
            }
            seen.1 = stamp;
        }
        match read_file(path) {
            Ok(published) => {
                self.install(published);
                tracing::info!(path = %path.display(), "trust list reloaded");
            }
            Err(detail) => tracing::warn!(
                path = %path.display(),
                %detail,
                "the changed trust list file is refused: the previous list stays in use"
            ),
        }
    }
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The file's bytes, once they decode as a signed trust list (the signature is the
/// verifiers' to check: they pin the root).
fn read_file(path: &Path) -> Result<PublishedTrustList, String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    let signed: SignedTrustList = serde_json::from_str(&json)
        .map_err(|e| format!("is not a signed trust list (JSON {{\"cose\": \"…\"}}): {e}"))?;
    let list = TrustList::decode_unverified(&signed)
        .map_err(|e| format!("does not decode as a trust list: {e}"))?;
    Ok(PublishedTrustList::new(json, &list, KeySet::default()))
}

/// The development list: this server's issuer alone, with its keys and the authority's names,
/// valid for 30 days from `now`.
fn dev_list(root: &KeyStore, keys: &Keys, now: i64) -> Result<PublishedTrustList, signer::Error> {
    let issuer = keys.issuer();
    let list = TrustList {
        root: root.signing_key().issuer().to_owned(),
        issued_at: now,
        expires_at: now.saturating_add(DEV_VALIDITY),
        issuers: vec![TrustedIssuer {
            id: issuer.to_owned(),
            name: keys.authority().zh.clone(),
            name_en: keys.authority().en.clone(),
            divisions: dev_divisions(issuer),
            permits: None,
            status_url: "/api/status-list".to_owned(),
            keys: keys
                .key_set()
                .entries()
                .iter()
                .filter(|e| e.issuer == issuer)
                .map(|e| TrustedKey {
                    public_key: e.public_key.clone(),
                    not_before: e.not_before,
                    not_after: e.not_after,
                })
                .collect(),
            withdrawn: Vec::new(),
        }],
    };
    let signed = list.sign(root.signing_key())?;
    // The COSE text is hex: nothing to escape.
    let json = format!(r#"{{"cose":"{}"}}"#, signed.cose);
    Ok(PublishedTrustList::new(json, &list, keys.key_set().clone()))
}

/// A six-digit issuer id is a division: it issues there. Any other (the development
/// `yiye-dev`) covers every province the catalog knows a division of.
fn dev_divisions(issuer: &str) -> Vec<u32> {
    match issuer.parse::<u32>() {
        Ok(code) if issuer.len() == 6 && (100_000..=999_999).contains(&code) => vec![code],
        _ => catalog::Catalog::builtin()
            .divisions
            .iter()
            .map(|d| d.code / 10_000 * 10_000)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}

impl Services {
    /// The trust list to publish, if the server has one: a changed file is picked up within a
    /// second; a development list is signed anew when the keys change and once a day.
    pub async fn trust_list(&self) -> Option<Arc<PublishedTrustList>> {
        let trust = self.trust();
        match &trust.source {
            Source::None => {}
            Source::File { path, checked } => trust.refresh_file(path, checked),
            Source::Root(root) => {
                let keys = self.current_keys().await;
                let now = self.now();
                let stale = trust.current().is_none_or(|p| {
                    p.key_set != *keys.key_set() || now.saturating_sub(p.issued_at) >= DAY
                });
                if stale {
                    match dev_list(root, &keys, now) {
                        Ok(published) => trust.install(published),
                        Err(e) => tracing::warn!(
                            error = %e,
                            "the development trust list could not be signed anew: the previous one stays in use"
                        ),
                    }
                }
            }
        }
        trust.current()
    }
}

#[cfg(test)]
mod tests {
    use super::{dev_divisions, origin};

    #[test]
    fn origins_of_status_urls() {
        assert_eq!(
            origin("https://Status.Example.cn:8443/api/revocations?x=1").as_deref(),
            Some("https://status.example.cn:8443")
        );
        assert_eq!(
            origin("http://127.0.0.1:9000").as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(
            origin("http://[::1]:9000/x").as_deref(),
            Some("http://[::1]:9000")
        );
        assert_eq!(origin("/api/revocations"), None);
        assert_eq!(origin("ftp://example.cn/x"), None);
        assert_eq!(origin("https://user@example.cn/x"), None);
        assert_eq!(origin("https://example.cn; script-src *"), None);
        assert_eq!(origin("https:///x"), None);
    }

    #[test]
    fn development_divisions() {
        assert_eq!(dev_divisions("310115"), vec![310115]);
        let provinces = dev_divisions("yiye-dev");
        assert!(provinces.contains(&310000), "{provinces:?}");
        assert!(provinces.iter().all(|d| d % 10_000 == 0));
        assert_eq!(dev_divisions("31011"), dev_divisions("yiye-dev"));
    }
}
