//! Inspector state: one `Reducible` struct changed only through `Action`s.

use std::rc::Rc;

use signer::{Reason, TrustList, Verdict};
use yew::Reducible;

use crate::services::history::Entry;
use crate::services::trust::Trust;

/// Which screen is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Scan,
    Result(Rc<Check>),
    /// A license from the URL form, on a device with no trust list yet: checked once the sync
    /// that is under way ends.
    Waiting,
    History,
}

/// Why nothing could be verified, whatever the code says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The build pins no usable root key.
    Root,
    /// This device has no verified trust list yet.
    List,
}

/// How a license opened from the URL form was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// With the lists this device had: the trust list issued then.
    OnDevice { list_of: Option<i64> },
    /// Right after a sync that took the server's lists.
    Online,
}

/// One verification and its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub verdict: Verdict,
    /// Set when there was nothing to verify with (and the text was a license).
    pub missing: Option<Missing>,
    /// Signed issue time (Unix s) of the issuer's status list the verdict used.
    pub status_as_of: Option<i64>,
    /// When that list stops confirming anything (Unix s): a list not yet expired that still
    /// leaves the status unknown predates the license.
    pub status_expires_at: Option<i64>,
    /// For the URL form only: with what it was checked.
    pub basis: Option<Basis>,
    /// The same license checked again after a sync: it replaces the last history entry.
    pub recheck: bool,
    /// When, ms since the epoch.
    pub at: f64,
}

/// How far what a scanned code says can be relied on: the one rule for the verdict's
/// styling and for what the history keeps and shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Genuine and in force.
    Valid,
    /// Signed by a known issuer and checked, but not in force (expired, not yet valid,
    /// superseded by a newer version, suspended, cancelled, revoked): what it says is true,
    /// and it permits nothing.
    NotInForce,
    /// Genuine, but whether it is still in force cannot be confirmed: its issuer's status list
    /// or the trust list is out of date (or missing). Never shown as valid.
    Unconfirmed,
    /// Forged, altered, from an issuer not on the trust list or outside what it allows,
    /// unreadable, or nothing to verify with: nothing in it may be relied on.
    Unverified,
}

impl Standing {
    /// From a verdict's stable code (`"valid"` or a reason's code), as the history stores it;
    /// an unknown code (from a newer version) is unverified.
    pub fn of_code(code: &str) -> Standing {
        match code {
            "valid" => Standing::Valid,
            "expired" | "not_yet_valid" | "superseded" | "suspended" | "cancelled" | "revoked" => {
                Standing::NotInForce
            }
            "status_unknown" | "trust_list_expired" => Standing::Unconfirmed,
            _ => Standing::Unverified,
        }
    }
}

impl Missing {
    pub fn code(self) -> &'static str {
        match self {
            Missing::Root => "trust_list_invalid",
            Missing::List => "no_trust_list",
        }
    }
}

impl Check {
    /// The verdict's code, or why there was nothing to verify with.
    pub fn code(&self) -> &'static str {
        self.missing
            .map_or_else(|| self.verdict.code(), Missing::code)
    }

    pub fn standing(&self) -> Standing {
        Standing::of_code(self.code())
    }

    /// What the history keeps: the verdict's code always, what the license says only when
    /// its signature was checked (a forged code's business name is not worth keeping).
    pub fn history_entry(&self) -> Entry {
        let claims = self
            .verdict
            .claims
            .as_ref()
            .filter(|_| self.standing() != Standing::Unverified);
        Entry {
            at: self.at,
            verdict: self.code().to_owned(),
            license_number: claims.map(|c| c.license_number.clone()),
            business_name: claims.map(|c| c.business_name.clone()),
            version: claims.map(|c| c.version).filter(|&v| v > 1),
        }
    }
}

/// Verifies scanned or pasted text (a QR text or its URL form) against the trust list and the
/// status lists this device has.
pub fn check(text: &str, trust: &Trust, now_ms: f64) -> Check {
    let now = (now_ms / 1000.0).floor() as i64;
    let qr = signer::parse_url_form(text.trim());
    let nothing = TrustList::default();
    let list = trust.list.as_ref();
    let verdict = signer::verify_trusted(&qr, list.unwrap_or(&nothing), &trust.statuses, now);
    // Text that is no license says so even without a trust list.
    let missing = if !trust.roots_pinned {
        Some(Missing::Root)
    } else {
        list.is_none().then_some(Missing::List)
    }
    .filter(|_| !matches!(verdict.reason, Some(Reason::Malformed(_))));
    let status = verdict
        .claims
        .as_ref()
        .filter(|_| missing.is_none())
        .and_then(|claims| trust.status_of(&claims.issuer));
    Check {
        status_as_of: status.map(|s| s.issued_at),
        status_expires_at: status.map(|s| s.expires_at),
        verdict,
        missing,
        basis: None,
        recheck: false,
        at: now_ms,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InspectorState {
    pub screen: Screen,
    pub trust: Trust,
    pub refreshing: bool,
    /// The last sync got no answer (offline, server down): the device's lists are in use.
    pub refresh_failed: bool,
    /// A license from the URL form, to check again when the sync under way ends.
    pub url_text: Option<String>,
    pub history: Vec<Entry>,
}

pub enum Action {
    /// Text from the camera, a photo or the paste box, at `at` (ms since the epoch). Verified
    /// here, with whatever the device trusts at that moment.
    Scanned {
        text: String,
        at: f64,
    },
    /// The URL form's fragment, on load: checked with the device's lists at once if it has
    /// any, and again when the sync started with it ends.
    UrlOpened {
        text: String,
        at: f64,
    },
    ScanAgain,
    ShowHistory,
    HistoryCleared,
    RefreshStarted,
    /// A sync ended at `at`: what is trusted now, or why the server did not answer.
    Refreshed {
        result: Result<Trust, String>,
        at: f64,
    },
    HistoryChanged(Vec<Entry>),
}

impl Reducible for InspectorState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Scanned { text, at } => {
                next.url_text = None;
                next.screen = Screen::Result(Rc::new(check(&text, &self.trust, at)));
            }
            Action::UrlOpened { text, at } => {
                next.screen = if self.trust.roots_pinned && self.trust.list.is_none() {
                    Screen::Waiting
                } else {
                    let list_of = self.trust.list.as_ref().map(|l| l.issued_at);
                    Screen::Result(Rc::new(Check {
                        basis: Some(Basis::OnDevice { list_of }),
                        ..check(&text, &self.trust, at)
                    }))
                };
                next.url_text = Some(text);
            }
            Action::ScanAgain => {
                next.url_text = None;
                next.screen = Screen::Scan;
            }
            Action::ShowHistory => {
                next.url_text = None;
                next.screen = Screen::History;
            }
            Action::HistoryCleared => next.history.clear(),
            Action::HistoryChanged(history) => next.history = history,
            Action::RefreshStarted => next.refreshing = true,
            Action::Refreshed { result, at } => {
                next.refreshing = false;
                next.refresh_failed = result.is_err();
                // Online only when every list of the sync was taken.
                let online = matches!(&result, Ok(trust) if trust.refusals.is_empty());
                if let Ok(trust) = result {
                    next.trust = trust;
                }
                if let Some(text) = next.url_text.take() {
                    let list_of = next.trust.list.as_ref().map(|l| l.issued_at);
                    next.screen = Screen::Result(Rc::new(Check {
                        basis: Some(if online {
                            Basis::Online
                        } else {
                            Basis::OnDevice { list_of }
                        }),
                        recheck: matches!(self.screen, Screen::Result(_)),
                        ..check(&text, &next.trust, at)
                    }));
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use signer::{Address, LicenseClaims, Malformed, PermitClaim, Reason};
    use yew::Reducible;

    use super::*;
    use crate::services::trust::fixtures::*;
    use crate::services::trust::{Stored, load};

    #[test]
    fn only_signature_checked_verdicts_are_relied_on() {
        let not_in_force = [
            Reason::Expired,
            Reason::NotYetValid,
            Reason::Revoked { on: None },
            Reason::Revoked { on: Some(TODAY) },
            Reason::Superseded {
                by_version: 2,
                on: TODAY,
            },
            Reason::Suspended { until: TODAY },
            Reason::Cancelled { on: TODAY },
        ];
        for reason in &not_in_force {
            assert_eq!(Standing::of_code(reason.code()), Standing::NotInForce);
        }
        let unconfirmed = [
            Reason::StatusUnknown { since: None },
            Reason::StatusUnknown { since: Some(NOW) },
            Reason::TrustListExpired { since: NOW },
        ];
        for reason in &unconfirmed {
            assert_eq!(Standing::of_code(reason.code()), Standing::Unconfirmed);
        }
        let unverified = [
            Reason::SignatureInvalid,
            Reason::UnknownKey,
            Reason::UnknownIssuer,
            Reason::KeyWithdrawn,
            Reason::DivisionNotAllowed,
            Reason::PermitNotAllowed,
            Reason::IssuerMismatch,
            Reason::KeyNotValidAtIssue,
            Reason::Malformed(Malformed::Cbor("x")),
            Reason::Malformed(Malformed::Prefix("YY1:")),
        ];
        for reason in &unverified {
            assert_eq!(Standing::of_code(reason.code()), Standing::Unverified);
        }
        for missing in [Missing::Root, Missing::List] {
            assert_eq!(Standing::of_code(missing.code()), Standing::Unverified);
        }
        assert_eq!(Standing::of_code("valid"), Standing::Valid);
        assert_eq!(
            Standing::of_code("a_code_of_a_newer_app"),
            Standing::Unverified
        );
    }

    fn license(issuer: &str, number: &str) -> LicenseClaims {
        LicenseClaims {
            issuer: issuer.into(),
            license_number: number.into(),
            issued_at: NOW - 3600,
            valid_from: NOW - 3600,
            valid_until: NOW + 365 * 86_400,
            industry: 1,
            permits: vec![PermitClaim {
                kind: 1,
                number: format!("{number}-01"),
                valid_until: None,
                scope: None,
            }],
            business_name: "上海浦东新区陆家嘴便利店有限公司".into(),
            credit_code: "91310115L12TH3BJ31".into(),
            address: Address {
                division: 310115,
                detail: "世纪大道100号".into(),
            },
            legal_representative: "王建国".into(),
            version: 1,
            status_index: None,
        }
    }

    /// Version `version` of a license with a status index.
    fn versioned(number: &str, version: u16, index: u32) -> LicenseClaims {
        LicenseClaims {
            version,
            status_index: Some(index),
            ..license("310115", number)
        }
    }

    /// What a device has after syncing `w`'s trust list and A's status list (not B's).
    fn synced(w: &World) -> Trust {
        let mut stored = Stored {
            trust_list: Some(w.list.sign(&w.root).unwrap()),
            ..Stored::default()
        };
        stored
            .statuses
            .insert("310115".into(), status(&w.a, "310115", NOW - 60));
        load(&stored, &[w.root.public_key()])
    }

    const AT: f64 = NOW as f64 * 1000.0;

    #[test]
    fn each_issuer_is_checked_against_its_own_list_and_status_unknown_is_not_valid() {
        let w = world();
        let trust = synced(&w);
        let a = signer::issue(&license("310115", "310115-2026-000002"), &w.a).unwrap();
        let checked = check(&a, &trust, AT);
        assert_eq!(checked.code(), "valid");
        assert_eq!(checked.status_as_of, Some(NOW - 60));
        let revoked = signer::issue(&license("310115", "310115-2026-000001"), &w.a).unwrap();
        assert_eq!(check(&revoked, &trust, AT).standing(), Standing::NotInForce);
        // B is listed, but this device has no list of B's: genuine, status unknown.
        let b = signer::issue(&license("310104", "310104-2026-000001"), &w.b).unwrap();
        let checked = check(&b, &trust, AT);
        assert_eq!(
            checked.verdict.reason,
            Some(Reason::StatusUnknown { since: None })
        );
        assert_eq!(checked.standing(), Standing::Unconfirmed);
        assert_eq!(checked.status_as_of, None);
        // Unconfirmed keeps what the license says in the history; a stranger's does not.
        assert!(checked.history_entry().business_name.is_some());
        let stranger = signer::SigningKey::from_seed(&[6; 32], "310999");
        let unknown = signer::issue(&license("310999", "310999-2026-000001"), &stranger).unwrap();
        let checked = check(&unknown, &trust, AT);
        assert_eq!(checked.code(), "unknown_issuer");
        assert_eq!(checked.history_entry().business_name, None);
        // A's list expired (seven days): the same license is no longer confirmed.
        let week = 8.0 * 86_400_000.0;
        assert_eq!(
            check(&a, &trust, AT + week).verdict.reason,
            Some(Reason::StatusUnknown {
                since: Some(NOW - 60)
            })
        );
    }

    #[test]
    fn each_state_of_the_status_list_is_its_reason_and_not_in_force() {
        let w = world();
        let trust = synced(&w);
        let number = "310115-2026-000009";
        let at = |version, index| {
            let qr = signer::issue(&versioned(number, version, index), &w.a).unwrap();
            check(&qr, &trust, AT)
        };
        let cases = [
            (
                at(1, SUPERSEDED),
                Reason::Superseded {
                    by_version: 2,
                    on: TODAY - DAY,
                },
            ),
            (
                at(3, SUPERSEDED),
                Reason::Superseded {
                    by_version: 4,
                    on: TODAY - DAY,
                },
            ),
            (
                at(1, SUSPENDED),
                Reason::Suspended {
                    until: TODAY + 30 * DAY,
                },
            ),
            (
                at(1, SUSPENSION_PAST),
                Reason::Suspended { until: TODAY - DAY },
            ),
            (
                at(2, REVOKED),
                Reason::Revoked {
                    on: Some(TODAY - 2 * DAY),
                },
            ),
            (
                at(2, CANCELLED),
                Reason::Cancelled {
                    on: TODAY - 3 * DAY,
                },
            ),
        ];
        for (checked, reason) in cases {
            assert_eq!(checked.verdict.reason.as_ref(), Some(&reason));
            assert_eq!(checked.standing(), Standing::NotInForce, "{reason:?}");
            // Genuine: the history keeps what it says.
            assert!(checked.history_entry().business_name.is_some());
        }
        let valid = at(2, VALID);
        assert_eq!(valid.code(), "valid");
        assert_eq!(valid.history_entry().version, Some(2));
        assert_eq!(at(1, VALID).history_entry().version, None);
        assert_eq!(valid.verdict.claims.map(|c| c.version), Some(2));
        // A version newer than the device's list: unknown, and the list had not expired.
        let beyond = at(2, 6);
        assert_eq!(
            beyond.verdict.reason,
            Some(Reason::StatusUnknown {
                since: Some(NOW - 60)
            })
        );
        assert_eq!(beyond.standing(), Standing::Unconfirmed);
        assert!(beyond.status_expires_at > Some(NOW));
    }

    #[test]
    fn without_a_root_or_a_trust_list_nothing_verifies_but_non_licenses_say_what_they_are() {
        let w = world();
        let a = signer::issue(&license("310115", "310115-2026-000002"), &w.a).unwrap();
        let no_root = Trust::default();
        assert_eq!(check(&a, &no_root, AT).code(), "trust_list_invalid");
        let no_list = Trust {
            roots_pinned: true,
            ..Trust::default()
        };
        let checked = check(&a, &no_list, AT);
        assert_eq!(checked.code(), "no_trust_list");
        assert_eq!(checked.standing(), Standing::Unverified);
        assert_eq!(check("hello", &no_list, AT).code(), "malformed_prefix");
    }

    fn state(trust: Trust) -> Rc<InspectorState> {
        Rc::new(InspectorState {
            screen: Screen::Scan,
            trust,
            refreshing: true,
            refresh_failed: false,
            url_text: None,
            history: Vec::new(),
        })
    }

    fn shown(state: &InspectorState) -> &Check {
        match &state.screen {
            Screen::Result(check) => check,
            other => panic!("no verdict shown: {other:?}"),
        }
    }

    #[test]
    fn the_url_form_waits_for_a_first_sync_then_says_it_checked_online() {
        let w = world();
        let text = signer::issue(&license("310115", "310115-2026-000002"), &w.a).unwrap();
        let empty = Trust {
            roots_pinned: true,
            ..Trust::default()
        };
        let opened = state(empty).reduce(Action::UrlOpened {
            text: text.clone(),
            at: AT,
        });
        assert_eq!(opened.screen, Screen::Waiting);
        let synced_state = opened.reduce(Action::Refreshed {
            result: Ok(synced(&w)),
            at: AT,
        });
        let checked = shown(&synced_state);
        assert_eq!(checked.code(), "valid");
        assert_eq!(checked.basis, Some(Basis::Online));
        assert!(!checked.recheck, "the first verdict of this license");
        assert_eq!(synced_state.url_text, None);
    }

    #[test]
    fn the_url_form_checks_with_the_device_at_once_and_again_after_the_sync() {
        let w = world();
        let text = signer::issue(&license("310115", "310115-2026-000001"), &w.a).unwrap();
        // The device's lists do not have the revocation yet: an older list of A's.
        let mut stored = Stored {
            trust_list: Some(w.list.sign(&w.root).unwrap()),
            ..Stored::default()
        };
        let older = signer::StatusList {
            by_number: Vec::new(),
            ..status_list("310115", NOW - 7200)
        };
        stored
            .statuses
            .insert("310115".into(), older.sign(&w.a).unwrap());
        let device = load(&stored, &[w.root.public_key()]);
        let opened = state(device).reduce(Action::UrlOpened { text, at: AT });
        let first = shown(&opened);
        assert_eq!(first.code(), "valid");
        assert_eq!(first.basis, Some(Basis::OnDevice { list_of: Some(NOW) }));
        let after = opened.reduce(Action::Refreshed {
            result: Ok(synced(&w)),
            at: AT,
        });
        let second = shown(&after);
        assert_eq!(second.code(), "revoked");
        assert_eq!(second.basis, Some(Basis::Online));
        assert!(second.recheck);
        // Offline: checked with the device's lists, said so.
        let opened = state(synced(&w)).reduce(Action::UrlOpened {
            text: signer::issue(&license("310115", "310115-2026-000003"), &w.a).unwrap(),
            at: AT,
        });
        let failed = opened.reduce(Action::Refreshed {
            result: Err("offline".into()),
            at: AT,
        });
        assert!(failed.refresh_failed);
        assert_eq!(
            shown(&failed).basis,
            Some(Basis::OnDevice { list_of: Some(NOW) })
        );
    }
}
