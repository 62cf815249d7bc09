//! The domain: everything the handlers ask for, free of HTTP and SQL. Each service returns a
//! [`ServiceError`] the HTTP edge (`crate::error`) maps to a status and the JSON error body.

pub mod catalog;
pub mod holder;
pub mod issuance;
pub mod keys;
pub mod lifecycle;
pub mod notify;
pub mod review;
pub mod staff;
pub mod supervision;
pub mod trust;

use std::sync::Arc;

use contract::{FieldIssue, FieldIssues};

use crate::clock::Clock;
use crate::ledger::{Ledger, LedgerError};

/// What went wrong, as the domain sees it. The HTTP edge picks the status from the variant.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request is well-formed but its content cannot be accepted (422).
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        fields: FieldIssues,
    },
    /// The request itself is malformed (400).
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        fields: FieldIssues,
    },
    #[error("{0}")]
    NotFound(&'static str),
    /// The same application id arrived with different content (409).
    #[error("an application with this id but different content was already received")]
    IdConflict,
    /// The state of the application does not allow it now (409), e.g. a decision on a permit
    /// already decided (`not_pending`), an approval before the inspection it needs.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A hand-over signed by a device nobody enrolled (403).
    #[error("the hand-over was signed by a device that is not enrolled")]
    DeviceNotEnrolled,
    /// No license numbers left for a division this year (503).
    #[error("no license numbers left for this division this year")]
    NumbersExhausted,
    /// Not signed in, or wrong credentials (401).
    #[error("{message}")]
    Unauthorized {
        code: &'static str,
        message: &'static str,
    },
    /// Signed in, but not allowed (403); the service that refuses writes `access_denied` to
    /// the audit log.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// A holder's request refused for what the license is (403 `not_holder`, 409
    /// `version_changed`, `license_not_valid`, `renewal_not_open`): the message, and on the
    /// `license` field the same in both languages for the holder's app.
    #[error("{message}")]
    Refused {
        forbidden: bool,
        code: &'static str,
        message: String,
        fields: FieldIssues,
    },
    /// Too many failed logins: the next attempt is taken after this many seconds (429).
    #[error("too many failed logins; try again in {retry_after} s")]
    TooManyAttempts { retry_after: i64 },
    /// Ours, not the client's: logged, never shown.
    #[error("{context}: {detail}")]
    Internal {
        context: &'static str,
        detail: String,
    },
}

impl ServiceError {
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Unprocessable {
            code,
            message: message.into(),
            fields: FieldIssues::new(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::BadRequest {
            code,
            message: message.into(),
            fields: FieldIssues::new(),
        }
    }

    /// A holder's request refused (409, or 403 when `forbidden`), said in both languages on
    /// the `license` field.
    pub fn refused(
        forbidden: bool,
        code: &'static str,
        message: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        let mut fields = FieldIssues::new();
        fields.insert("license".to_owned(), FieldIssue::new(code, zh, en));
        ServiceError::Refused {
            forbidden,
            code,
            message: message.into(),
            fields,
        }
    }

    /// The same error with one field's finding.
    pub fn on_field(mut self, field: impl Into<String>, issue: FieldIssue) -> Self {
        if let ServiceError::Unprocessable { fields, .. }
        | ServiceError::BadRequest { fields, .. }
        | ServiceError::Refused { fields, .. } = &mut self
        {
            fields.insert(field.into(), issue);
        }
        self
    }

    /// A login refused: the same for an unknown user and a wrong password.
    pub fn invalid_credentials() -> Self {
        ServiceError::Unauthorized {
            code: "invalid_credentials",
            message: "the username or the password is wrong",
        }
    }

    pub fn internal(context: &'static str, detail: impl std::fmt::Display) -> Self {
        ServiceError::Internal {
            context,
            detail: detail.to_string(),
        }
    }
}

impl From<LedgerError> for ServiceError {
    fn from(e: LedgerError) -> Self {
        ServiceError::internal("ledger", e)
    }
}

/// Everything the services share: cheap to clone.
#[derive(Clone)]
pub struct Services(Arc<Inner>);

struct Inner {
    ledger: Arc<dyn Ledger>,
    catalog: catalog::CatalogView,
    keys: keys::KeyRing,
    trust: trust::TrustLists,
    clock: Clock,
    notifier: Arc<dyn notify::Notifier>,
    validity: issuance::ValidityPolicy,
    calendar: ::catalog::Calendar,
}

impl Services {
    pub fn new(
        ledger: Arc<dyn Ledger>,
        keys: keys::KeyRing,
        trust: trust::TrustLists,
        clock: Clock,
        validity: issuance::ValidityPolicy,
        calendar: ::catalog::Calendar,
    ) -> Self {
        Services(Arc::new(Inner {
            ledger,
            catalog: catalog::CatalogView::builtin(),
            keys,
            trust,
            clock,
            notifier: Arc::new(notify::LogNotifier),
            validity,
            calendar,
        }))
    }

    pub fn ledger(&self) -> &dyn Ledger {
        self.0.ledger.as_ref()
    }

    /// The ledger itself, for what outlives a call (the staff account commands).
    pub fn shared_ledger(&self) -> Arc<dyn Ledger> {
        self.0.ledger.clone()
    }

    pub fn catalog(&self) -> &catalog::CatalogView {
        &self.0.catalog
    }

    pub fn keys(&self) -> &keys::KeyRing {
        &self.0.keys
    }

    pub fn trust(&self) -> &trust::TrustLists {
        &self.0.trust
    }

    /// Whether this instance can serve: its ledger answers. A proxy polls this (`/api/ready`)
    /// to stop sending requests to an instance that lost its database.
    pub async fn ready(&self) -> Result<(), ServiceError> {
        self.ledger().status_mark().await?;
        Ok(())
    }

    pub fn notifier(&self) -> &dyn notify::Notifier {
        self.0.notifier.as_ref()
    }

    /// Unix seconds now, from the configured clock.
    pub fn now(&self) -> i64 {
        self.0.clock.now()
    }

    /// The authority's working days: time limits count them.
    pub(crate) fn calendar(&self) -> &::catalog::Calendar {
        &self.0.calendar
    }

    /// How long the licenses this deployment issues run.
    pub(crate) fn validity(&self) -> issuance::ValidityPolicy {
        self.0.validity
    }
}
