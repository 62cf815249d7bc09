//! Trust lists: the issuers a deployment recognises, with their keys, areas and permit kinds,
//! signed by a root key that verifiers pin at build time. A verifier checks a license against
//! the list and the issuers' own status lists ([`verify_trusted`]), so a key set served by
//! whoever runs the server is never trusted by itself.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::cbor::{MapKeys, Reader, Writer};
use crate::claims::LicenseClaims;
use crate::credential::{Listed, Reason, Verdict, listed, verdict_with};
use crate::keys::{KeySet, PublicKeyEntry, SigningKey, kid_of};
use crate::status::StatusList;
use crate::{Error, Malformed, cose};

// Payload map keys: the CWT claims 1 (iss), 4 (exp), 6 (iat), then the issuers.
const KEY_ROOT: i64 = 1;
const KEY_EXP: i64 = 4;
const KEY_IAT: i64 = 6;
const KEY_ISSUERS: i64 = -1;
// Issuer map keys.
const ISSUER_ID: i64 = 1;
const ISSUER_NAME: i64 = 2;
const ISSUER_NAME_EN: i64 = 3;
const ISSUER_DIVISIONS: i64 = 4;
const ISSUER_PERMITS: i64 = 5;
const ISSUER_STATUS_URL: i64 = 6;
const ISSUER_KEYS: i64 = 7;
const ISSUER_WITHDRAWN: i64 = 8;
// Key map keys.
const KEY_PUBLIC: i64 = 1;
const KEY_NOT_BEFORE: i64 = 2;
const KEY_NOT_AFTER: i64 = 3;
/// Largest signed list accepted: 1 MiB of COSE bytes, twice that in hex.
const MAX_SIGNED_LEN: usize = 2 << 20;

/// The issuers a deployment recognises, signed by a root key pinned in verifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustList {
    /// Who signed it, e.g. "310000" (a province): for display only, the pinned key decides.
    pub root: String,
    /// When the list was signed (CWT `iat`), Unix seconds. Set by the signer.
    #[serde(default)]
    pub issued_at: i64,
    /// CWT `exp`: a verifier must get a newer list before this instant. Set by the signer.
    #[serde(default)]
    pub expires_at: i64,
    /// The recognised issuers.
    pub issuers: Vec<TrustedIssuer>,
}

/// One issuing authority of a [`TrustList`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedIssuer {
    /// Issuer id as in licenses (`iss`), e.g. "310115".
    pub id: String,
    /// Display name in Chinese.
    pub name: String,
    /// Display name in English.
    pub name_en: String,
    /// GB/T 2260 codes it may issue for; a code ending in 00 covers its city, one ending in
    /// 0000 its province (310000 covers 310115).
    pub divisions: Vec<u32>,
    /// Permit kinds it may issue; `None`: any.
    #[serde(default)]
    pub permits: Option<Vec<u16>>,
    /// Where its signed status list is served: an absolute URL, or a path starting with
    /// `/` on the verifier's own server.
    pub status_url: String,
    /// Its public keys, current and retired.
    pub keys: Vec<TrustedKey>,
    /// Key ids (8 lower-case hex digits) of its keys withdrawn as compromised: nothing they
    /// signed is accepted, whenever it claims to have been signed.
    #[serde(default)]
    pub withdrawn: Vec<String>,
}

/// A public key of a [`TrustedIssuer`] and when it may sign.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    /// Ed25519 public key, 64 lower-case hex digits.
    pub public_key: String,
    /// First instant (Unix seconds) at which the key may sign.
    pub not_before: i64,
    /// Last instant at which the key may sign; `None` while it is current.
    #[serde(default)]
    pub not_after: Option<i64>,
}

/// The JSON of `GET /api/trust-list`: `{"cose": "<hex of a tagged COSE_Sign1>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTrustList {
    /// Lower-case hex of the COSE_Sign1 bytes.
    pub cose: String,
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidTrustList(why.into())
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The key id (hex) of a listed key, `None` when its public key is not hex.
fn kid_hex(key: &TrustedKey) -> Option<String> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(&key.public_key, &mut bytes).ok()?;
    Some(hex::encode(kid_of(&bytes)))
}

impl TrustedIssuer {
    /// Whether the issuer may issue for premises in `division`: listed exactly, or in the
    /// city (code ending 00) or province (code ending 0000) of a listed code.
    pub fn covers_division(&self, division: u32) -> bool {
        self.divisions.iter().any(|&d| {
            d == division
                || (d % 100 == 0 && d / 100 == division / 100)
                || (d % 10_000 == 0 && d / 10_000 == division / 10_000)
        })
    }

    /// Whether the issuer may issue permits of `kind`.
    pub fn allows_permit(&self, kind: u16) -> bool {
        self.permits
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }

    /// The key set entry of one of its keys, `None` when the key is not hex. Not yet checked
    /// as a point: [`KeySet::push`] parses it once.
    fn entry(&self, key: &TrustedKey) -> Option<PublicKeyEntry> {
        Some(PublicKeyEntry {
            kid: kid_hex(key)?,
            issuer: self.id.clone(),
            issuer_name: Some(self.name.clone()),
            issuer_name_en: Some(self.name_en.clone()),
            public_key: key.public_key.clone(),
            not_before: key.not_before,
            not_after: key.not_after,
        })
    }

    /// The entry of a key, refused when the key is unusable.
    fn usable_entry(&self, key: &TrustedKey) -> Result<PublicKeyEntry, Error> {
        let entry = self.entry(key).ok_or_else(|| {
            invalid(format!(
                "issuer {}: public_key {:?} must be 64 hex digits",
                self.id, key.public_key
            ))
        })?;
        entry
            .verifying_key()
            .map_err(|e| invalid(format!("issuer {}: {e}", self.id)))?;
        Ok(entry)
    }
}

impl TrustList {
    /// Signs the list with a root key (whose issuer id plays no part).
    pub fn sign(&self, root: &SigningKey) -> Result<SignedTrustList, Error> {
        self.check()?;
        let cose = cose::sign1(&self.to_cbor(), root);
        if cose.len() * 2 > MAX_SIGNED_LEN {
            return Err(invalid(
                "the signed list would exceed 1 MiB, more than verifiers accept",
            ));
        }
        Ok(SignedTrustList {
            cose: hex::encode(cose),
        })
    }

    /// Strict: the COSE kid must be one of `roots`' kids, signature strict, payload exactly as
    /// `sign` writes it (deterministic CBOR, no unknown keys), size bounded (1 MiB).
    pub fn verify(signed: &SignedTrustList, roots: &[[u8; 32]]) -> Result<TrustList, Error> {
        let bytes = cose_bytes(signed)?;
        let sign1 = cose::parse(&bytes)?;
        let roots = roots
            .iter()
            .map(|root| PublicKeyEntry::for_public_key(&hex::encode(root), "root", i64::MIN))
            .collect::<Result<Vec<_>, _>>()
            .and_then(KeySet::from_entries)?;
        sign1.verify(&roots).map_err(|e| match e {
            Error::UnknownKey { kid } => Error::UnknownRoot { kid },
            e => e,
        })?;
        let list = Self::from_cbor(sign1.payload)?;
        list.check()?;
        Ok(list)
    }

    /// The same decoding without the signature check: for the server's CSP only.
    pub fn decode_unverified(signed: &SignedTrustList) -> Result<TrustList, Error> {
        let bytes = cose_bytes(signed)?;
        let list = Self::from_cbor(cose::parse(&bytes)?.payload)?;
        list.check()?;
        Ok(list)
    }

    /// Every listed key that no issuer has withdrawn, as a key set entry (issuer = issuer id,
    /// names from the issuer): what an issuer's status list is verified against.
    pub fn key_set(&self) -> Result<KeySet, Error> {
        let withdrawn = self.withdrawn();
        let mut set = KeySet::default();
        for issuer in &self.issuers {
            for key in &issuer.keys {
                let entry = issuer.usable_entry(key)?;
                if !withdrawn.contains(entry.kid.as_str()) {
                    set.push(entry)?;
                }
            }
        }
        Ok(set)
    }

    /// The issuer with this id.
    pub fn issuer(&self, id: &str) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|i| i.id == id)
    }

    /// Key ids withdrawn by any issuer.
    fn withdrawn(&self) -> HashSet<&str> {
        self.issuers
            .iter()
            .flat_map(|i| i.withdrawn.iter().map(String::as_str))
            .collect()
    }

    /// What `sign` refuses and `verify` rejects after decoding: anything a verifier could
    /// misread or that could not round-trip through the CBOR form.
    fn check(&self) -> Result<(), Error> {
        if self.expires_at <= self.issued_at {
            return Err(invalid("expires_at must be after issued_at"));
        }
        let mut ids = HashSet::new();
        for issuer in &self.issuers {
            let id = &issuer.id;
            if id.is_empty() || !ids.insert(id.as_str()) {
                return Err(invalid(format!(
                    "issuer id {id:?} is empty or listed twice"
                )));
            }
            if let Some(d) = issuer
                .divisions
                .iter()
                .find(|d| !(100_000..=999_999).contains(*d))
            {
                return Err(invalid(format!(
                    "issuer {id}: division {d} is not a six-digit GB/T 2260 code"
                )));
            }
            let url = &issuer.status_url;
            if !(url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://"))
            {
                return Err(invalid(format!(
                    "issuer {id}: status_url {url:?} must be an http(s) URL or a path starting with /"
                )));
            }
            for key in &issuer.keys {
                if !is_lower_hex(&key.public_key, 64) {
                    return Err(invalid(format!(
                        "issuer {id}: public_key {:?} must be 64 lower-case hex digits",
                        key.public_key
                    )));
                }
                issuer.usable_entry(key)?;
                if key.not_after.is_some_and(|end| end < key.not_before) {
                    return Err(invalid(format!(
                        "issuer {id}: a key's not_after is before its not_before"
                    )));
                }
            }
            if let Some(kid) = issuer.withdrawn.iter().find(|k| !is_lower_hex(k, 8)) {
                return Err(invalid(format!(
                    "issuer {id}: withdrawn key id {kid:?} must be 8 lower-case hex digits"
                )));
            }
        }
        Ok(())
    }

    fn to_cbor(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.map(4);
        w.int(KEY_ROOT);
        w.text(&self.root);
        w.int(KEY_EXP);
        w.int(self.expires_at);
        w.int(KEY_IAT);
        w.int(self.issued_at);
        w.int(KEY_ISSUERS);
        w.array(self.issuers.len());
        for issuer in &self.issuers {
            write_issuer(&mut w, issuer);
        }
        w.buf
    }

    fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let shape = Malformed::Structure("trust list must be {1: root, 4: exp, 6: iat, -1: [...]}");
        if r.key(&mut keys)? != Some(KEY_ROOT) {
            return Err(shape);
        }
        let root = r.text()?.to_owned();
        if r.key(&mut keys)? != Some(KEY_EXP) {
            return Err(shape);
        }
        let expires_at = r.int()?;
        if r.key(&mut keys)? != Some(KEY_IAT) {
            return Err(shape);
        }
        let issued_at = r.int()?;
        if r.key(&mut keys)? != Some(KEY_ISSUERS) {
            return Err(shape);
        }
        let count = r.array()?;
        let mut issuers = Vec::new();
        for _ in 0..count {
            issuers.push(read_issuer(&mut r)?);
        }
        if r.key(&mut keys)?.is_some() {
            return Err(shape);
        }
        r.finish()?;
        Ok(TrustList {
            root,
            issued_at,
            expires_at,
            issuers,
        })
    }
}

fn cose_bytes(signed: &SignedTrustList) -> Result<Vec<u8>, Error> {
    if signed.cose.len() > MAX_SIGNED_LEN {
        return Err(Malformed::Oversize("trust list larger than 1 MiB").into());
    }
    Ok(hex::decode(&signed.cose)
        .map_err(|_| Malformed::Structure("trust list cose must be hex"))?)
}

fn write_issuer(w: &mut Writer, issuer: &TrustedIssuer) {
    let withdrawn: Vec<[u8; 4]> = issuer
        .withdrawn
        .iter()
        .filter_map(|kid| {
            let mut bytes = [0u8; 4];
            hex::decode_to_slice(kid, &mut bytes).ok().map(|()| bytes)
        })
        .collect();
    w.map(6 + usize::from(issuer.permits.is_some()) + usize::from(!withdrawn.is_empty()));
    w.int(ISSUER_ID);
    w.text(&issuer.id);
    w.int(ISSUER_NAME);
    w.text(&issuer.name);
    w.int(ISSUER_NAME_EN);
    w.text(&issuer.name_en);
    w.int(ISSUER_DIVISIONS);
    w.array(issuer.divisions.len());
    for &d in &issuer.divisions {
        w.uint(u64::from(d));
    }
    if let Some(kinds) = &issuer.permits {
        w.int(ISSUER_PERMITS);
        w.array(kinds.len());
        for &k in kinds {
            w.uint(u64::from(k));
        }
    }
    w.int(ISSUER_STATUS_URL);
    w.text(&issuer.status_url);
    w.int(ISSUER_KEYS);
    w.array(issuer.keys.len());
    for key in &issuer.keys {
        let mut public = [0u8; 32];
        // `check` ran before: the key is 64 hex digits.
        let _ = hex::decode_to_slice(&key.public_key, &mut public);
        w.map(2 + usize::from(key.not_after.is_some()));
        w.int(KEY_PUBLIC);
        w.bytes(&public);
        w.int(KEY_NOT_BEFORE);
        w.int(key.not_before);
        if let Some(end) = key.not_after {
            w.int(KEY_NOT_AFTER);
            w.int(end);
        }
    }
    if !withdrawn.is_empty() {
        w.int(ISSUER_WITHDRAWN);
        w.array(withdrawn.len());
        for kid in &withdrawn {
            w.bytes(kid);
        }
    }
}

/// A map being read field by field: `next` is the key whose value comes next.
struct Fields<'r, 'a> {
    r: &'r mut Reader<'a>,
    keys: MapKeys,
    next: Option<i64>,
}

impl<'r, 'a> Fields<'r, 'a> {
    fn new(r: &'r mut Reader<'a>) -> Result<Self, Malformed> {
        let mut keys = r.map()?;
        let next = r.key(&mut keys)?;
        Ok(Fields { r, keys, next })
    }

    /// Whether the next key is `key` (its value comes next).
    fn has(&self, key: i64) -> bool {
        self.next == Some(key)
    }

    /// Moves to the following key after a value was read.
    fn advance(&mut self) -> Result<(), Malformed> {
        self.next = self.r.key(&mut self.keys)?;
        Ok(())
    }

    /// Requires the next key to be `key`.
    fn require(&mut self, key: i64, shape: &'static str) -> Result<(), Malformed> {
        if self.has(key) {
            Ok(())
        } else {
            Err(Malformed::Structure(shape))
        }
    }

    /// Requires the map to end here.
    fn end(self, shape: &'static str) -> Result<(), Malformed> {
        if self.next.is_none() {
            Ok(())
        } else {
            Err(Malformed::Structure(shape))
        }
    }
}

const ISSUER_SHAPE: &str = "trust list issuer must be {1: id, 2: name, 3: name_en, 4: [divisions], \
     5?: [permits], 6: status_url, 7: [keys], 8?: [withdrawn kids]}";
const KEY_SHAPE: &str = "trust list key must be {1: public key, 2: not_before, 3?: not_after}";

fn read_issuer(r: &mut Reader) -> Result<TrustedIssuer, Malformed> {
    let mut f = Fields::new(r)?;
    f.require(ISSUER_ID, ISSUER_SHAPE)?;
    let id = f.r.text()?.to_owned();
    f.advance()?;
    f.require(ISSUER_NAME, ISSUER_SHAPE)?;
    let name = f.r.text()?.to_owned();
    f.advance()?;
    f.require(ISSUER_NAME_EN, ISSUER_SHAPE)?;
    let name_en = f.r.text()?.to_owned();
    f.advance()?;
    f.require(ISSUER_DIVISIONS, ISSUER_SHAPE)?;
    let mut divisions = Vec::new();
    for _ in 0..f.r.array()? {
        let d = u32::try_from(f.r.uint()?)
            .map_err(|_| Malformed::Structure("division code out of range"))?;
        divisions.push(d);
    }
    f.advance()?;
    let permits = if f.has(ISSUER_PERMITS) {
        let mut kinds = Vec::new();
        for _ in 0..f.r.array()? {
            let k = u16::try_from(f.r.uint()?)
                .map_err(|_| Malformed::Structure("permit kind out of range"))?;
            kinds.push(k);
        }
        f.advance()?;
        Some(kinds)
    } else {
        None
    };
    f.require(ISSUER_STATUS_URL, ISSUER_SHAPE)?;
    let status_url = f.r.text()?.to_owned();
    f.advance()?;
    f.require(ISSUER_KEYS, ISSUER_SHAPE)?;
    let mut keys = Vec::new();
    for _ in 0..f.r.array()? {
        keys.push(read_key(f.r)?);
    }
    f.advance()?;
    let mut withdrawn = Vec::new();
    if f.has(ISSUER_WITHDRAWN) {
        let count = f.r.array()?;
        if count == 0 {
            return Err(Malformed::Structure(
                "an empty withdrawn list must be left out",
            ));
        }
        for _ in 0..count {
            let kid = f.r.bytes()?;
            if kid.len() != 4 {
                return Err(Malformed::Structure("a withdrawn key id must be 4 bytes"));
            }
            withdrawn.push(hex::encode(kid));
        }
        f.advance()?;
    }
    f.end(ISSUER_SHAPE)?;
    Ok(TrustedIssuer {
        id,
        name,
        name_en,
        divisions,
        permits,
        status_url,
        keys,
        withdrawn,
    })
}

fn read_key(r: &mut Reader) -> Result<TrustedKey, Malformed> {
    let mut f = Fields::new(r)?;
    f.require(KEY_PUBLIC, KEY_SHAPE)?;
    let public = f.r.bytes()?;
    if public.len() != 32 {
        return Err(Malformed::Structure("a public key must be 32 bytes"));
    }
    let public_key = hex::encode(public);
    f.advance()?;
    f.require(KEY_NOT_BEFORE, KEY_SHAPE)?;
    let not_before = f.r.int()?;
    f.advance()?;
    let not_after = if f.has(KEY_NOT_AFTER) {
        let end = f.r.int()?;
        f.advance()?;
        Some(end)
    } else {
        None
    };
    f.end(KEY_SHAPE)?;
    Ok(TrustedKey {
        public_key,
        not_before,
        not_after,
    })
}

/// Parses "hex,hex" (the build-time pin) into root public keys; errors name the bad one.
pub fn parse_roots(text: &str) -> Result<Vec<[u8; 32]>, Error> {
    if text.trim().is_empty() {
        return Err(Error::InvalidKey(
            "no root key given: expected 64 hex digits, several separated by commas".into(),
        ));
    }
    text.split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, part)| {
            let mut root = [0u8; 32];
            hex::decode_to_slice(part, &mut root).map_err(|_| {
                Error::InvalidKey(format!(
                    "root key {} ({part:?}) must be 64 hex digits",
                    i + 1
                ))
            })?;
            PublicKeyEntry::for_public_key(part, "root", 0).map_err(|_| {
                Error::InvalidKey(format!(
                    "root key {} ({part}) is not a usable Ed25519 public key",
                    i + 1
                ))
            })?;
            Ok(root)
        })
        .collect()
}

/// Verifies a license against a verified trust list and the verified status lists of its
/// issuers (any number, any issuers; each applies to its own issuer's licenses, the newest
/// of an issuer speaking for it).
///
/// Order: format → key withdrawn → issuer or key unknown → signature → issuer → key valid
/// at issue time → division → permit kinds → revoked, superseded, suspended or cancelled
/// (by status index, or by number for a license without one) → validity window → status
/// known and current (a list, not expired, long enough for the index) → trust list current.
pub fn verify_trusted(
    qr_text: &str,
    trust: &TrustList,
    statuses: &[StatusList],
    now: i64,
) -> Verdict {
    verdict_with(qr_text, |sign1, claims, verdict| {
        let kid = hex::encode(sign1.kid);
        if trust.withdrawn().contains(kid.as_str()) {
            return Some(Reason::KeyWithdrawn);
        }
        let candidates = trust.issuers.iter().flat_map(|issuer| {
            issuer
                .keys
                .iter()
                .filter_map(|key| issuer.entry(key))
                .filter(|entry| entry.kid == kid)
        });
        let keys = match KeySet::from_entries(candidates.collect()) {
            Ok(keys) if keys.entries().is_empty() => {
                return Some(match trust.issuer(&claims.issuer) {
                    None => Reason::UnknownIssuer,
                    Some(_) => Reason::UnknownKey,
                });
            }
            Ok(keys) => keys,
            // A list that passed `TrustList::verify` has only usable keys.
            Err(_) => return Some(Reason::SignatureInvalid),
        };
        let entry = match sign1.verify(&keys) {
            Ok(entry) => entry,
            Err(_) => return Some(Reason::SignatureInvalid),
        };
        if entry.issuer != claims.issuer {
            return Some(Reason::IssuerMismatch);
        }
        verdict.issuer_name.clone_from(&entry.issuer_name);
        verdict.issuer_name_en.clone_from(&entry.issuer_name_en);
        if !entry.valid_at(claims.issued_at) {
            return Some(Reason::KeyNotValidAtIssue);
        }
        let Some(issuer) = trust.issuer(&claims.issuer) else {
            // Unreachable for a checked list: the key came from this issuer's entry.
            return Some(Reason::UnknownIssuer);
        };
        status(issuer, claims, trust, statuses, now)
    })
}

/// The checks after the signature: what the issuer may issue, and its current status.
fn status(
    issuer: &TrustedIssuer,
    claims: &LicenseClaims,
    trust: &TrustList,
    statuses: &[StatusList],
    now: i64,
) -> Option<Reason> {
    if !issuer.covers_division(claims.address.division) {
        return Some(Reason::DivisionNotAllowed);
    }
    if !claims.permits.iter().all(|p| issuer.allows_permit(p.kind)) {
        return Some(Reason::PermitNotAllowed);
    }
    // The newest list of the issuer speaks for it: a later list may lift a suspension or a
    // mistaken revocation.
    let list = statuses
        .iter()
        .filter(|l| l.issuer == claims.issuer)
        .max_by_key(|l| l.issued_at);
    let listed = list.map(|l| listed(l, claims));
    if let Some(Listed::Not(reason)) = listed {
        return Some(reason);
    }
    if now < claims.valid_from {
        return Some(Reason::NotYetValid);
    }
    if now >= claims.valid_until {
        return Some(Reason::Expired);
    }
    match (list, listed) {
        (None, _) => return Some(Reason::StatusUnknown { since: None }),
        (Some(l), _) if now >= l.expires_at => {
            return Some(Reason::StatusUnknown {
                since: Some(l.issued_at),
            });
        }
        (Some(l), Some(Listed::Beyond)) => {
            return Some(Reason::StatusUnknown {
                since: Some(l.issued_at),
            });
        }
        _ => {}
    }
    if now >= trust.expires_at {
        return Some(Reason::TrustListExpired {
            since: trust.issued_at,
        });
    }
    None
}
