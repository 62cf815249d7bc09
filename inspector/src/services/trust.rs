//! What verification trusts: the trust list (the issuers this deployment recognises, signed by
//! a root key pinned into this build) and each listed issuer's signed status list, kept on
//! this device as the signed texts so that checking works with no network, and synced whenever
//! there is one. Nothing is stored before it verifies, everything is verified again when read
//! back, and a list that is refused never replaces the one in use.

use std::collections::BTreeMap;

use gloo::net::http::Request;
use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use signer::{
    Error, KeySet, SignedStatusList, SignedTrustList, StatusList, TrustList, TrustedIssuer,
};

const STORED: &str = "yiye.inspector.trust";
/// Keys of earlier versions (a key set served by the server itself, one revocation list, a
/// per-device age limit): removed, since nothing reads them any more.
const OLD_KEYS: [&str; 3] = [
    "yiye.inspector.keys",
    "yiye.inspector.revocations",
    "yiye.inspector.max_age_hours",
];

/// The root keys this build trusts, hex, comma-separated: set by `build_web`.
const PINNED_ROOTS: Option<&str> = option_env!("YIYE_TRUST_ROOTS");

/// The pinned root keys; `None` when the build has none or they do not parse (then nothing
/// can be verified).
pub fn pinned_roots() -> Option<Vec<[u8; 32]>> {
    PINNED_ROOTS.and_then(|text| signer::parse_roots(text).ok())
}

/// The signed texts this device keeps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub trust_list: Option<SignedTrustList>,
    /// Each issuer's status list, by issuer id.
    pub statuses: BTreeMap<String, SignedStatusList>,
}

/// Why a list from the network was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// No answer, or not a list (HTTP status, unreadable body).
    Unreachable,
    /// Not signed by a root of trust of this build.
    UnknownRoot,
    /// Its signature or content does not check out.
    Invalid,
    /// Older than the one this device has: never go back.
    Older,
    /// A status list of another issuer than the one whose address served it.
    WrongIssuer,
}

/// A list of the last sync that was not taken; the previous one stays in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    TrustList(Why),
    /// The status list of the issuer with this id.
    Status {
        issuer: String,
        why: Why,
    },
}

/// What this device verifies with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trust {
    /// The build pins a usable root key.
    pub roots_pinned: bool,
    /// The verified trust list in use.
    pub list: Option<TrustList>,
    /// The verified status lists in use, at most one per listed issuer.
    pub statuses: Vec<StatusList>,
    /// What the last sync refused.
    pub refusals: Vec<Refusal>,
}

impl Trust {
    /// The status list in use of the issuer with this id.
    pub fn status_of(&self, issuer: &str) -> Option<&StatusList> {
        self.statuses.iter().find(|s| s.issuer == issuer)
    }
}

/// Verifies stored texts as if they had just arrived: the trust list against `roots`, each
/// status list against the trust list's keys and as its issuer's. What fails is left out.
pub fn load(stored: &Stored, roots: &[[u8; 32]]) -> Trust {
    let list = stored
        .trust_list
        .as_ref()
        .and_then(|signed| TrustList::verify(signed, roots).ok());
    let statuses = list
        .as_ref()
        .and_then(|list| Some((list, list.key_set().ok()?)))
        .map(|(list, keys)| {
            stored
                .statuses
                .iter()
                .filter_map(|(id, signed)| {
                    let issuer = list.issuer(id)?;
                    accept_status(issuer, &keys, signed, None).ok()
                })
                .collect()
        })
        .unwrap_or_default();
    Trust {
        roots_pinned: true,
        list,
        statuses,
        refusals: Vec::new(),
    }
}

/// A trust list from the network, if it verifies and is not older than `current`.
pub fn accept_trust_list(
    signed: &SignedTrustList,
    roots: &[[u8; 32]],
    current: Option<&TrustList>,
) -> Result<TrustList, Why> {
    let list = TrustList::verify(signed, roots).map_err(|e| {
        console_warn("trust list refused", &e.to_string());
        match e {
            Error::UnknownRoot { .. } => Why::UnknownRoot,
            _ => Why::Invalid,
        }
    })?;
    if current.is_some_and(|c| list.issued_at < c.issued_at) {
        return Err(Why::Older);
    }
    Ok(list)
}

/// `issuer`'s status list from the network, if it verifies against the trust list's keys,
/// is that issuer's and is not older than `current`.
pub fn accept_status(
    issuer: &TrustedIssuer,
    keys: &KeySet,
    signed: &SignedStatusList,
    current: Option<&StatusList>,
) -> Result<StatusList, Why> {
    let list = StatusList::verify(signed, keys).map_err(|e| {
        console_warn("status list refused", &e.to_string());
        Why::Invalid
    })?;
    if list.issuer != issuer.id {
        return Err(Why::WrongIssuer);
    }
    if current.is_some_and(|c| list.issued_at < c.issued_at) {
        return Err(Why::Older);
    }
    Ok(list)
}

/// What this device has, verified now with the pinned roots.
pub fn cached() -> Trust {
    for key in OLD_KEYS {
        LocalStorage::delete(key);
    }
    match pinned_roots() {
        Some(roots) => load(&LocalStorage::get(STORED).unwrap_or_default(), &roots),
        None => Trust::default(),
    }
}

/// Fetches the trust list, then every listed issuer's status list, takes what verifies,
/// stores it and returns what is now trusted with what was refused. `Err` when the server did
/// not answer at all (offline): the device's lists stay as they were.
pub async fn sync() -> Result<Trust, String> {
    let Some(roots) = pinned_roots() else {
        return Ok(Trust::default());
    };
    let mut stored: Stored = LocalStorage::get(STORED).unwrap_or_default();
    let mut trust = load(&stored, &roots);
    match get_json::<SignedTrustList>("/api/trust-list").await {
        Err(Fetch::NoAnswer(why)) => return Err(why),
        Err(Fetch::NotAList) => trust.refusals.push(Refusal::TrustList(Why::Unreachable)),
        Ok(signed) => match accept_trust_list(&signed, &roots, trust.list.as_ref()) {
            Ok(list) => {
                stored.trust_list = Some(signed);
                // An issuer no longer listed is no longer trusted, nor is its list kept; the
                // others' lists are verified again with the new list's keys (one may have
                // been withdrawn).
                stored.statuses.retain(|id, _| list.issuer(id).is_some());
                trust = Trust {
                    refusals: trust.refusals,
                    ..load(&stored, &roots)
                };
            }
            Err(why) => trust.refusals.push(Refusal::TrustList(why)),
        },
    }
    if let Some(list) = trust.list.clone()
        && let Ok(keys) = list.key_set()
    {
        for issuer in &list.issuers {
            let refuse = |why| Refusal::Status {
                issuer: issuer.id.clone(),
                why,
            };
            let signed = match get_json::<SignedStatusList>(&issuer.status_url).await {
                Ok(signed) => signed,
                Err(_) => {
                    trust.refusals.push(refuse(Why::Unreachable));
                    continue;
                }
            };
            match accept_status(issuer, &keys, &signed, trust.status_of(&issuer.id)) {
                Ok(status) => {
                    trust.statuses.retain(|s| s.issuer != issuer.id);
                    trust.statuses.push(status);
                    stored.statuses.insert(issuer.id.clone(), signed);
                }
                Err(why) => trust.refusals.push(refuse(why)),
            }
        }
    }
    // Storage may be full or disabled; verification then still works for this visit.
    let _ = LocalStorage::set(STORED, &stored);
    Ok(trust)
}

enum Fetch {
    /// No HTTP answer: offline, refused by the browser.
    NoAnswer(String),
    /// An answer that is not a list: an HTTP error, another body.
    NotAList,
}

/// GET `url`: a path on this server, or another issuer's absolute URL (fetched with CORS,
/// which the service worker leaves to the network).
async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, Fetch> {
    let response = Request::get(url).send().await.map_err(|e| {
        console_warn(url, &e.to_string());
        Fetch::NoAnswer(e.to_string())
    })?;
    if !response.ok() {
        console_warn(url, &format!("HTTP {}", response.status()));
        return Err(Fetch::NotAList);
    }
    response.json().await.map_err(|e| {
        console_warn(url, &e.to_string());
        Fetch::NotAList
    })
}

/// Details for whoever looks at the console; the page says what happened in plain words.
fn console_warn(what: &str, why: &str) {
    if cfg!(target_arch = "wasm32") {
        web_sys::console::warn_2(&what.into(), &why.into());
    }
}

/// Trust lists and status lists signed with fixed keys, for the tests here and in
/// `state.rs`.
#[cfg(test)]
pub mod fixtures {
    use signer::{
        SignedStatusList, SigningKey, Status, StatusList, TrustList, TrustedIssuer, TrustedKey,
    };

    pub const NOW: i64 = 1_790_000_000;

    pub fn issuer(id: &str, key: &SigningKey) -> TrustedIssuer {
        TrustedIssuer {
            id: id.into(),
            name: format!("{id} 市场监督管理局"),
            name_en: format!("{id} Administration for Market Regulation"),
            divisions: vec![310000],
            permits: None,
            status_url: "/api/status-list".into(),
            keys: vec![TrustedKey {
                public_key: hex(&key.public_key()),
                not_before: NOW - 86_400,
                not_after: None,
            }],
            withdrawn: Vec::new(),
        }
    }

    pub fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn trust_list(issued_at: i64, issuers: Vec<TrustedIssuer>) -> TrustList {
        TrustList {
            root: "310000".into(),
            issued_at,
            expires_at: issued_at + 30 * 86_400,
            issuers,
        }
    }

    /// 00:00 UTC of `NOW`'s day: status lists keep whole days.
    pub const TODAY: i64 = NOW - NOW % 86_400;
    pub const DAY: i64 = 86_400;

    /// Status index of each state in [`status`]'s lists.
    pub const VALID: u32 = 0;
    pub const SUPERSEDED: u32 = 1;
    pub const SUSPENDED: u32 = 2;
    pub const REVOKED: u32 = 3;
    pub const CANCELLED: u32 = 4;
    /// Suspended until yesterday and not reinstated.
    pub const SUSPENSION_PAST: u32 = 5;
    /// The license number revoked by number (a license from before status indexes).
    pub const REVOKED_NUMBER: &str = "310115-2026-000001";

    /// An issuer's status list with one entry of each state, and one old license revoked by
    /// number.
    pub fn status_list(issuer: &str, issued_at: i64) -> StatusList {
        StatusList {
            issuer: issuer.into(),
            issued_at,
            expires_at: issued_at + 7 * DAY,
            entries: vec![
                Status::Valid,
                Status::Superseded { on: TODAY - DAY },
                Status::Suspended {
                    since: TODAY - DAY,
                    until: TODAY + 30 * DAY,
                },
                Status::Revoked {
                    on: TODAY - 2 * DAY,
                },
                Status::Cancelled {
                    on: TODAY - 3 * DAY,
                },
                Status::Suspended {
                    since: TODAY - 10 * DAY,
                    until: TODAY - DAY,
                },
            ],
            by_number: vec![REVOKED_NUMBER.into()],
        }
    }

    pub fn status(key: &SigningKey, issuer: &str, issued_at: i64) -> SignedStatusList {
        status_list(issuer, issued_at).sign(key).unwrap()
    }

    pub struct World {
        pub root: SigningKey,
        pub a: SigningKey,
        pub b: SigningKey,
        pub list: TrustList,
    }

    pub fn world() -> World {
        let root = SigningKey::from_seed(&[1; 32], "root");
        let a = SigningKey::from_seed(&[2; 32], "310115");
        let b = SigningKey::from_seed(&[3; 32], "310104");
        let list = trust_list(NOW, vec![issuer("310115", &a), issuer("310104", &b)]);
        World { root, a, b, list }
    }
}

#[cfg(test)]
mod tests {
    use signer::SigningKey;

    use super::fixtures::*;
    use super::*;

    #[test]
    fn stored_lists_verify_again_on_load_and_each_status_is_its_issuers() {
        let w = world();
        let roots = [w.root.public_key()];
        let mut stored = Stored {
            trust_list: Some(w.list.sign(&w.root).unwrap()),
            ..Stored::default()
        };
        stored
            .statuses
            .insert("310115".into(), status(&w.a, "310115", NOW));
        // B's own list, stored under A's id: not A's list.
        stored
            .statuses
            .insert("310104".into(), status(&w.b, "310104", NOW));
        stored
            .statuses
            .insert("310999".into(), status(&w.b, "310104", NOW));
        let trust = load(&stored, &roots);
        assert_eq!(trust.list.as_ref(), Some(&w.list));
        let mut issuers: Vec<_> = trust.statuses.iter().map(|s| s.issuer.as_str()).collect();
        issuers.sort_unstable();
        assert_eq!(issuers, ["310104", "310115"]);

        // Another build's root: nothing stored is trusted.
        let other = SigningKey::from_seed(&[9; 32], "root").public_key();
        assert_eq!(load(&stored, &[other]).list, None);
        assert!(load(&stored, &[other]).statuses.is_empty());
    }

    #[test]
    fn a_stored_status_list_reads_back_with_every_state_and_a_tampered_one_is_refused() {
        let w = world();
        let roots = [w.root.public_key()];
        let mut stored = Stored {
            trust_list: Some(w.list.sign(&w.root).unwrap()),
            ..Stored::default()
        };
        let signed = status(&w.a, "310115", NOW);
        stored.statuses.insert("310115".into(), signed.clone());
        // Through the JSON this device keeps, as after a reload.
        let kept: Stored = serde_json::from_str(&serde_json::to_string(&stored).unwrap()).unwrap();
        let trust = load(&kept, &roots);
        assert_eq!(trust.status_of("310115"), Some(&status_list("310115", NOW)));
        // One changed character anywhere in the signed text: refused, and not loaded.
        let keys = w.list.key_set().unwrap();
        let a = &w.list.issuers[0];
        for at in [0, signed.cose.len() / 2, signed.cose.len() - 1] {
            let mut tampered = signed.clone();
            let flipped = if tampered.cose.as_bytes()[at] == b'0' {
                "1"
            } else {
                "0"
            };
            tampered.cose.replace_range(at..=at, flipped);
            assert_eq!(
                accept_status(a, &keys, &tampered, None),
                Err(Why::Invalid),
                "{at}"
            );
            stored.statuses.insert("310115".into(), tampered);
            assert_eq!(load(&stored, &roots).status_of("310115"), None);
        }
        // Not a status list at all (the revocation list of an earlier version is another
        // shape): refused the same way.
        let not_a_list = SignedStatusList {
            cose: hex(b"not a cose"),
        };
        assert_eq!(
            accept_status(a, &keys, &not_a_list, None),
            Err(Why::Invalid)
        );
    }

    #[test]
    fn a_status_list_signed_by_a_key_the_trust_list_withdrew_is_dropped() {
        let w = world();
        let roots = [w.root.public_key()];
        let mut stored = Stored {
            trust_list: Some(w.list.sign(&w.root).unwrap()),
            ..Stored::default()
        };
        stored
            .statuses
            .insert("310115".into(), status(&w.a, "310115", NOW));
        assert_eq!(load(&stored, &roots).statuses.len(), 1);
        // A's key leaked: the next list withdraws it and lists a new one.
        let renewed = SigningKey::from_seed(&[4; 32], "310115");
        let mut a = issuer("310115", &renewed);
        a.keys.extend(issuer("310115", &w.a).keys);
        a.withdrawn = vec![w.a.kid().to_owned()];
        let next = trust_list(NOW + 60, vec![a, w.list.issuers[1].clone()]);
        stored.trust_list = Some(next.sign(&w.root).unwrap());
        let trust = load(&stored, &roots);
        assert_eq!(trust.list, Some(next));
        assert!(trust.statuses.is_empty());
    }

    #[test]
    fn a_refused_trust_list_says_why() {
        let w = world();
        let roots = [w.root.public_key()];
        let stranger = SigningKey::from_seed(&[7; 32], "root");
        let signed = w.list.sign(&stranger).unwrap();
        assert_eq!(
            accept_trust_list(&signed, &roots, None),
            Err(Why::UnknownRoot)
        );
        let mut tampered = w.list.sign(&w.root).unwrap();
        let last = tampered.cose.pop().unwrap();
        tampered.cose.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            accept_trust_list(&tampered, &roots, None),
            Err(Why::Invalid)
        );
        let newer = trust_list(NOW + 60, w.list.issuers.clone());
        assert_eq!(
            accept_trust_list(&w.list.sign(&w.root).unwrap(), &roots, Some(&newer)),
            Err(Why::Older)
        );
        assert_eq!(
            accept_trust_list(&newer.sign(&w.root).unwrap(), &roots, Some(&w.list)),
            Ok(newer)
        );
    }

    #[test]
    fn a_status_list_must_be_its_issuers_verified_and_not_older() {
        let w = world();
        let keys = w.list.key_set().unwrap();
        let (a, b) = (&w.list.issuers[0], &w.list.issuers[1]);
        assert_eq!(
            accept_status(a, &keys, &status(&w.b, "310104", NOW), None),
            Err(Why::WrongIssuer)
        );
        // Signed by a key the trust list does not know.
        let stranger = SigningKey::from_seed(&[8; 32], "310115");
        assert_eq!(
            accept_status(a, &keys, &status(&stranger, "310115", NOW), None),
            Err(Why::Invalid)
        );
        let current = accept_status(b, &keys, &status(&w.b, "310104", NOW), None).unwrap();
        assert_eq!(
            accept_status(
                b,
                &keys,
                &status(&w.b, "310104", NOW - 3600),
                Some(&current)
            ),
            Err(Why::Older)
        );
        assert!(
            accept_status(
                b,
                &keys,
                &status(&w.b, "310104", NOW + 3600),
                Some(&current)
            )
            .is_ok()
        );
    }
}
