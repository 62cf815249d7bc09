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

impl Check {
    pub fn history_entry(&self) -> Entry {
        let claims = self.verdict.claims.as_ref();
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
