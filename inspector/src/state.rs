//! Inspector state: one `Reducible` struct changed only through `Action`s.

use std::rc::Rc;

use signer::Verdict;
use yew::Reducible;

use crate::services::history::Entry;
use crate::services::trust::Trust;

/// Which screen is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Scan,
    Result(Rc<Check>),
    History,
}

/// One verification and its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub verdict: Verdict,
    /// This device had no key set at all, so nothing could be verified.
    pub without_keys: bool,
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
    /// revoked): what it says is true, and it permits nothing.
    NotInForce,
    /// Forged, altered, from an unknown issuer or unreadable: nothing in it may be relied on.
    Unverified,
}

impl Standing {
    /// From a verdict's stable code (`"valid"` or a reason's code), as the history stores it;
    /// an unknown code (from a newer version) is unverified.
    pub fn of_code(code: &str) -> Standing {
        match code {
            "valid" => Standing::Valid,
            "expired" | "not_yet_valid" | "revoked" => Standing::NotInForce,
            _ => Standing::Unverified,
        }
    }
}

impl Check {
    pub fn standing(&self) -> Standing {
        Standing::of_code(self.verdict.code())
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
            verdict: self.verdict.code().to_owned(),
            license_number: claims.map(|c| c.license_number.clone()),
            business_name: claims.map(|c| c.business_name.clone()),
        }
    }
}

/// Verifies scanned or pasted text (a QR text or its URL form) against what the device trusts.
pub fn check(text: &str, trust: &Trust, now_ms: f64) -> Check {
    let keys = trust.keys.clone().unwrap_or_default();
    let now = (now_ms / 1000.0).floor() as i64;
    let qr = signer::parse_url_form(text.trim());
    let verdict = signer::verify(&qr, &keys, trust.revocations.as_ref(), now);
    Check {
        verdict,
        without_keys: trust.keys.is_none(),
        at: now_ms,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InspectorState {
    pub screen: Screen,
    pub trust: Trust,
    pub refreshing: bool,
    /// The last refresh failed (offline, server down): the cache is in use.
    pub refresh_failed: bool,
    pub max_age_hours: u32,
    pub history: Vec<Entry>,
}

pub enum Action {
    /// Text from the camera, a photo, the paste box or the URL fragment, at `at` (ms since the
    /// epoch). Verified here, with whatever the device trusts at that moment.
    Scanned {
        text: String,
        at: f64,
    },
    ScanAgain,
    ShowHistory,
    HistoryCleared,
    RefreshStarted,
    Refreshed(Result<Trust, String>),
    SetMaxAge(u32),
    HistoryChanged(Vec<Entry>),
}

impl Reducible for InspectorState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Scanned { text, at } => {
                next.screen = Screen::Result(Rc::new(check(&text, &self.trust, at)));
            }
            Action::ScanAgain => next.screen = Screen::Scan,
            Action::ShowHistory => next.screen = Screen::History,
            Action::HistoryCleared => next.history.clear(),
            Action::HistoryChanged(history) => next.history = history,
            Action::RefreshStarted => next.refreshing = true,
            Action::Refreshed(Ok(trust)) => {
                next.trust = trust;
                next.refreshing = false;
                next.refresh_failed = false;
            }
            Action::Refreshed(Err(_)) => {
                next.refreshing = false;
                next.refresh_failed = true;
            }
            Action::SetMaxAge(hours) => next.max_age_hours = hours,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use signer::{Malformed, Reason};

    use super::Standing;

    #[test]
    fn only_signature_checked_verdicts_are_relied_on() {
        let not_in_force = [Reason::Expired, Reason::NotYetValid, Reason::Revoked];
        for reason in &not_in_force {
            assert_eq!(Standing::of_code(reason.code()), Standing::NotInForce);
        }
        let unverified = [
            Reason::SignatureInvalid,
            Reason::UnknownKey,
            Reason::IssuerMismatch,
            Reason::KeyNotValidAtIssue,
            Reason::Malformed(Malformed::Cbor("x")),
            Reason::Malformed(Malformed::Prefix("YY1:")),
        ];
        for reason in &unverified {
            assert_eq!(Standing::of_code(reason.code()), Standing::Unverified);
        }
        assert_eq!(Standing::of_code("valid"), Standing::Valid);
        assert_eq!(
            Standing::of_code("a_code_of_a_newer_app"),
            Standing::Unverified
        );
    }
}
