//! The licenses this device holds (#18): one per license number among its drafts, the draft
//! holding the newest version of it, where it stands as the authority last said, and what a
//! holder's change alters. Pure, so it is tested without a browser page.

use catalog::{Date, MergedField, MergedForm, is_automatic};
use contract::{ApplicationStatus, HolderRequest, LicenseState};

use crate::draft::{Draft, Standing};
use crate::license::IssuedLicense;

/// Renewal opens this many days before the current version's end (the server's rule).
const RENEWAL_OPENS_DAYS: i64 = 90;
/// The holder is reminded to renew from this many days before the end.
const REMINDER_DAYS: i64 = 60;

/// One license this device holds.
pub struct Held<'d> {
    /// The draft holding the newest version this device has.
    pub draft: &'d Draft,
    pub license: &'d IssuedLicense,
    /// A cancellation of it, sent from this device, is recorded.
    pub cancelled: bool,
    /// Its current version and state as the authority last said (the tracking answer of the
    /// draft holding the newest version).
    standing: Option<Box<Standing>>,
}

/// The licenses among `drafts`, in the order their first version appears.
pub fn held(drafts: &[Draft]) -> Vec<Held<'_>> {
    let mut held: Vec<Held> = Vec::new();
    for draft in drafts {
        let Some(license) = &draft.license else {
            continue;
        };
        match held.iter_mut().find(|h| h.license.number == license.number) {
            Some(h) => {
                if h.license.claims.version() < license.claims.version() {
                    (h.draft, h.license) = (draft, license);
                }
            }
            None => held.push(Held {
                draft,
                license,
                cancelled: false,
                standing: None,
            }),
        }
    }
    for h in &mut held {
        h.standing = h.draft.tracking.as_ref().and_then(|t| t.beyond().license);
        h.cancelled = drafts.iter().any(|d| {
            d.status() == Some(ApplicationStatus::Cancelled)
                && d.holder.as_ref().is_some_and(|r| {
                    r.number == h.license.number && r.purpose == HolderRequest::Cancellation
                })
        });
    }
    held
}

impl Held<'_> {
    pub fn standing(&self) -> Option<&Standing> {
        self.standing.as_deref()
    }

    /// Its state, if known: a cancellation this device sent counts once recorded.
    pub fn state(&self) -> Option<LicenseState> {
        match self.cancelled {
            true => Some(LicenseState::Cancelled),
            false => self.standing().and_then(|s| s.state),
        }
    }

    /// The current version: the authority's word, or the newest this device holds.
    pub fn version(&self) -> u16 {
        let held = self.license.claims.version();
        self.standing().map_or(held, |s| s.version.max(held))
    }

    /// Whether the holder may change, renew or cancel it from this device: valid (or not
    /// known otherwise), and its current version is the one this device holds.
    pub fn open(&self) -> bool {
        matches!(self.state(), None | Some(LicenseState::Valid))
            && self.version() == self.license.claims.version()
    }

    /// Days from `today` to the last day of its term.
    fn days_left(&self, today: Date) -> Option<i64> {
        let until = Date::authority_day(self.license.valid_until)?;
        Some(until.to_unix_days() - today.to_unix_days())
    }

    /// Renewal is open (from 90 days before the end).
    pub fn renewable(&self, today: Date) -> bool {
        self.open()
            && self
                .days_left(today)
                .is_some_and(|d| d <= RENEWAL_OPENS_DAYS)
    }

    /// "Expires on DATE — renew now", from 60 days before the end until then.
    pub fn reminder(&self, today: Date) -> Option<Date> {
        let days = self.days_left(today)?;
        (self.open() && (0..=REMINDER_DAYS).contains(&days))
            .then(|| Date::authority_day(self.license.valid_until))
            .flatten()
    }
}

/// What a holder's change alters: each field the form asks whose value differs from the
/// application `was` (the one holding the current version), with the old and new value.
pub fn changes<'f>(
    form: &'f MergedForm,
    draft: &Draft,
    was: &Draft,
) -> Vec<(&'f MergedField, String, String)> {
    let value = |d: &Draft, id: &str| d.values.get(id).map_or("", |v| v.trim()).to_owned();
    form.fields()
        .filter(|f| !is_automatic(f.def.prefill))
        .filter_map(|f| {
            let (old, new) = (value(was, &f.def.id), value(draft, &f.def.id));
            (old != new && f.def.id != crate::steps::DECLARATION).then_some((f, old, new))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;
    use crate::draft::Tracking;

    wasm_bindgen_test_configure!(run_in_browser);

    /// 2026-12-09, 20:00 in Shanghai.
    const NOW: f64 = 1_796_817_600_000.0;

    /// A draft holding version `version` of license N1, valid until `until` (Unix seconds).
    fn holding(id: &str, version: u16, until: i64) -> Draft {
        let mut draft = Draft::new(id.into(), NOW);
        draft.choose_industry("bookstore");
        draft.values.insert("business_name".into(), "书店".into());
        draft.values.insert("legal_rep_name".into(), "张三".into());
        draft.values.insert("declaration".into(), "yes".into());
        let license = format!(
            r#"{{"number":"N1","industry":"bookstore","valid_from":0,"valid_until":{until},
            "permits":[],"qr_text":"","claims":{{"issuer":"310115","business_name":"书店",
            "credit_code":"91310115MA1K000000","address":{{"division":310115,"detail":"1号"}},
            "legal_representative":"张三","version":{version}}}}}"#
        );
        draft.license = Some(IssuedLicense::parse(license).unwrap());
        draft
    }

    fn standing(draft: &mut Draft, version: u16, state: &str) {
        let json = format!(
            r#"{{"application_id":"{}","status":"issued","license_number":"N1",
            "license":{{"license_number":"N1","version":{version},"status_index":7,"state":"{state}",
            "history":[{{"version":1,"issued_on":"2026-01-05","state":"superseded"}}]}}}}"#,
            draft.id
        );
        draft.apply_tracking(Tracking::parse(json).unwrap());
    }

    fn today() -> Date {
        crate::authority_day_at(NOW)
    }

    /// Unix seconds of the authority's midnight `days` after today.
    fn in_days(days: i64) -> i64 {
        (today().to_unix_days() + days) * 86_400 - catalog::AUTHORITY_UTC_OFFSET
    }

    #[test]
    fn one_card_per_license_with_the_newest_version_the_device_holds() {
        let first = holding("a", 1, in_days(400));
        let second = holding("b", 2, in_days(400));
        let drafts = [first, second, Draft::new("c".into(), NOW)];
        let held = held(&drafts);
        assert_eq!(held.len(), 1);
        assert_eq!((held[0].draft.id.as_str(), held[0].version()), ("b", 2));
        assert_eq!(held[0].state(), None);
        assert!(held[0].open());
    }

    #[test]
    fn the_authoritys_standing_and_a_recorded_cancellation_decide_the_state() {
        let mut current = holding("a", 1, in_days(400));
        standing(&mut current, 1, "suspended");
        let drafts = [current.clone()];
        let card = &held(&drafts)[0];
        assert_eq!(card.state(), Some(LicenseState::Suspended));
        assert!(!card.open(), "no change while suspended");
        // Changed on another device: version 2 is current, this one holds version 1.
        standing(&mut current, 2, "valid");
        let drafts = [current.clone()];
        assert_eq!(held(&drafts)[0].version(), 2);
        assert!(!held(&drafts)[0].open());
        // A cancellation sent from here, recorded.
        let mut cancel = Draft::held(
            "x".into(),
            &holding("a", 1, 0),
            HolderRequest::Cancellation,
            NOW,
        )
        .unwrap();
        let drafts = [holding("a", 1, in_days(400)), cancel.clone()];
        assert_eq!(held(&drafts)[0].state(), None, "not recorded yet");
        cancel.apply_tracking(
            Tracking::parse(r#"{"application_id":"x","status":"cancelled","revision":1}"#.into())
                .unwrap(),
        );
        let drafts = [holding("a", 1, in_days(400)), cancel];
        assert_eq!(held(&drafts)[0].state(), Some(LicenseState::Cancelled));
        assert!(!held(&drafts)[0].open());
    }

    #[test]
    fn renewal_opens_at_90_days_and_the_reminder_shows_from_60() {
        let check = |days: i64| {
            let drafts = [holding("a", 1, in_days(days))];
            let card = &held(&drafts)[0];
            (card.renewable(today()), card.reminder(today()).is_some())
        };
        assert_eq!(check(91), (false, false));
        assert_eq!(check(90), (true, false));
        assert_eq!(check(61), (true, false));
        assert_eq!(check(60), (true, true));
        assert_eq!(check(0), (true, true));
        assert_eq!(check(-1), (true, false), "expired: no reminder");
        let drafts = [holding("a", 1, in_days(30))];
        assert_eq!(
            held(&drafts)[0].reminder(today()),
            Some(Date::from_unix_days(today().to_unix_days() + 30).unwrap())
        );
    }

    #[test]
    fn a_change_starts_from_the_current_version_and_lists_only_what_differs() {
        let was = holding("a", 2, in_days(400));
        let mut change = Draft::held("d".into(), &was, HolderRequest::Change, NOW).unwrap();
        let request = change.holder.clone().unwrap();
        assert_eq!(
            (
                request.number.as_str(),
                request.based_on,
                request.holder_proof.as_str()
            ),
            ("N1", 2, "a")
        );
        assert_eq!(change.industry.as_deref(), Some("bookstore"));
        assert_eq!(
            change.values.get("declaration").map(String::as_str),
            Some(""),
            "declared again"
        );
        let form = change.form(catalog::Catalog::builtin()).unwrap();
        assert!(changes(&form, &change, &was).is_empty());
        change.set_value("legal_rep_name", " 李四".into());
        change.set_value("declaration", "yes".into());
        let found = changes(&form, &change, &was);
        let listed: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(f, old, new)| (f.def.id.as_str(), old.as_str(), new.as_str()))
            .collect();
        assert_eq!(listed, [("legal_rep_name", "张三", "李四")]);
        // A cancellation carries no values.
        let cancel = Draft::held("e".into(), &was, HolderRequest::Cancellation, NOW).unwrap();
        assert!(cancel.values.is_empty() && cancel.scope.is_empty());
    }
}
