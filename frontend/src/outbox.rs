//! The outbox: applications the applicant has sent, kept on the device until the server has
//! answered. An entry is retried when the app starts, when the network comes back and on a
//! backoff timer; it leaves the outbox only with the server's answer (a license, "received,
//! under review", or field errors that send the application back to its draft). The server
//! issues exactly one license per application id, so sending again is always safe; a corrected
//! application is the same id's next revision, accepted only while corrections are requested.

use catalog::{FormValues, ScopeAnswers};
use contract::{ApplicationRequest, LicenseRequest};

/// The longest wait between two tries: a clerk offline for hours still sends within minutes of
/// the network coming back (and at once on the `online` event).
pub const MAX_BACKOFF_MS: f64 = 5.0 * 60.0 * 1000.0;
const FIRST_BACKOFF_MS: f64 = 2_000.0;

#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    /// The application id (the draft's id).
    pub id: String,
    pub industry: String,
    pub scope: ScopeAnswers,
    /// Complete values, as validated when the applicant pressed "Send".
    pub values: FormValues,
    /// Permits on commitment sent to their department's review instead, at the applicant's
    /// request.
    pub review_requested: Vec<String>,
    /// A holder's change, renewal or cancellation: the license it is about (#18).
    pub license: Option<LicenseRequest>,
    pub queued_at: f64,
    pub attempts: u32,
    /// Not before this instant (ms since the epoch).
    pub next_try_at: f64,
    /// Why the last try failed, for the status line.
    pub last_error: Option<String>,
}

impl OutboxEntry {
    pub fn new(
        id: String,
        industry: String,
        scope: ScopeAnswers,
        values: FormValues,
        review_requested: Vec<String>,
        now: f64,
    ) -> OutboxEntry {
        OutboxEntry {
            id,
            industry,
            scope,
            values,
            review_requested,
            license: None,
            queued_at: now,
            attempts: 0,
            next_try_at: now,
            last_error: None,
        }
    }

    /// The application as the server takes it: the body of `POST /api/applications`, and what
    /// a hand-over signs. One serializer for both keeps one copy of its code in the wasm.
    pub fn application_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(&self.request())
    }

    /// The application as the server takes it.
    pub fn request(&self) -> ApplicationRequest {
        ApplicationRequest {
            id: self.id.clone(),
            industry: self.industry.clone(),
            scope: self.scope.clone(),
            values: self.values.clone(),
            review_requested: self.review_requested.clone(),
            license: self.license.clone(),
        }
    }

    /// The same application, to be sent again now (the license of an application issued
    /// after review is fetched by sending it again: same id, same content).
    pub fn again(&self, now: f64) -> OutboxEntry {
        OutboxEntry {
            queued_at: now,
            attempts: 0,
            next_try_at: now,
            last_error: None,
            ..self.clone()
        }
    }

    pub fn is_due(&self, now: f64) -> bool {
        self.next_try_at <= now
    }

    /// A try failed without an answer from the server (offline, timeout, 5xx): wait longer.
    pub fn failed(&mut self, now: f64, why: String) {
        self.attempts = self.attempts.saturating_add(1);
        self.next_try_at = now + backoff(self.attempts);
        self.last_error = Some(why);
    }
}

/// Exponential backoff: 2 s, 4 s, 8 s … capped at five minutes.
pub fn backoff(attempts: u32) -> f64 {
    let exponent = attempts.saturating_sub(1).min(16);
    (FIRST_BACKOFF_MS * f64::from(1u32 << exponent)).min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[test]
    fn backoff_doubles_and_is_capped_at_five_minutes() {
        assert_eq!(backoff(1), 2_000.0);
        assert_eq!(backoff(2), 4_000.0);
        assert_eq!(backoff(8), 256_000.0);
        assert_eq!(backoff(9), MAX_BACKOFF_MS);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn the_application_json_keeps_its_fields_in_order() {
        // Hand-overs sign these bytes: the field order is part of what was signed.
        let entry = OutboxEntry::new(
            "a".into(),
            "bookstore".into(),
            [("sells_food".to_owned(), catalog::ScopeAnswer::YesNo(true))].into(),
            [("phone".to_owned(), "13812345678".to_owned())].into(),
            Vec::new(),
            0.0,
        );
        assert_eq!(
            entry.application_json().unwrap(),
            r#"{"id":"a","industry":"bookstore","scope":{"sells_food":true},"values":{"phone":"13812345678"}}"#
        );
        // A review asked for instead of a commitment comes last, only when there is one.
        let entry = OutboxEntry {
            review_requested: vec!["liquor_retail".into()],
            ..entry
        };
        assert_eq!(
            entry.application_json().unwrap(),
            r#"{"id":"a","industry":"bookstore","scope":{"sells_food":true},"values":{"phone":"13812345678"},"review_requested":["liquor_retail"]}"#
        );
    }

    #[test]
    fn a_failed_try_waits_before_the_next() {
        let mut entry = OutboxEntry::new(
            "a".into(),
            "bookstore".into(),
            ScopeAnswers::new(),
            FormValues::new(),
            Vec::new(),
            1_000.0,
        );
        assert!(entry.is_due(1_000.0));
        entry.failed(1_000.0, "offline".into());
        assert!(!entry.is_due(2_999.0));
        assert!(entry.is_due(3_000.0));
        assert_eq!(entry.last_error.as_deref(), Some("offline"));
    }
}
