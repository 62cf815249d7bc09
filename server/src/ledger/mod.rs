//! The ledger: what the authority has received and issued. Services talk to the [`Ledger`]
//! trait only; SQLite ([`sqlite::SqliteLedger`], one machine) and PostgreSQL
//! ([`postgres::PostgresLedger`], several instances on one database) implement it.
//!
//! The ledger owns what must hold across processes sharing one database: one license per
//! application id (a unique key, checked in the issuing transaction) and license numbers from
//! a counter per division and year advanced in that same transaction, so a number is never
//! reused and never skipped by a rolled-back issuance.

pub mod postgres;
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;

/// What a ledger call returns, boxed so the trait can be used as `dyn Ledger`.
pub type LedgerFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, LedgerError>> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("database: {0}")]
    Database(String),
    #[error("the ledger writer has stopped")]
    WriterGone,
    #[error("could not start the ledger: {0}")]
    Start(String),
    #[error(transparent)]
    Signing(#[from] SigningFailed),
}

/// Why a numbered license could not be signed; the issuance is rolled back with its number.
#[derive(Debug, thiserror::Error)]
pub enum SigningFailed {
    #[error("signing the license failed: {0}")]
    Signer(#[from] signer::Error),
    #[error("encoding the license failed: {0}")]
    Encoding(#[from] serde_json::Error),
}

/// An application as stored, with the license issued for it.
#[derive(Debug, Clone)]
pub struct StoredApplication {
    pub id: String,
    pub content_hash: String,
    pub industry: String,
    pub received_at: i64,
    pub license_number: String,
    pub license: String,
    pub revoked: Option<Revocation>,
}

#[derive(Debug, Clone)]
pub struct Revocation {
    pub reason: String,
    pub revoked_at: i64,
}

/// An application about to be issued: everything but its license, which needs the number
/// the ledger assigns.
#[derive(Debug)]
pub struct NewApplication {
    pub id: String,
    pub content_hash: String,
    pub industry: String,
    /// What the ledger keeps of the application (JSON).
    pub body: String,
    pub received_at: i64,
    /// When the license is issued: on receipt for an application granted at once, when the
    /// last permit is granted for one that was reviewed.
    pub issued_at: i64,
    pub division: u32,
    pub year: i32,
    /// Whose status list the license's version 1 gets its index in.
    pub issuer: String,
    /// The checks after a commitment its license brings (one per permit granted on
    /// commitment): recorded in the issuing transaction, so no license lacks its checks.
    pub checks: Vec<NewCheck>,
}

/// A supervision check to make: the department checks a permit granted on commitment by the
/// due day (审管联动).
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub permit: String,
    pub department: String,
    /// `YYYY-MM-DD`, the authority's calendar.
    pub due_on: String,
    /// Shown in the department's queue without reading the application.
    pub business_name: String,
}

/// A supervision check as stored: open until its result is recorded.
#[derive(Debug, Clone)]
pub struct StoredCheck {
    pub application_id: String,
    pub permit: String,
    pub license_number: String,
    pub department: String,
    pub industry: String,
    pub business_name: String,
    pub due_on: String,
    pub created_at: i64,
    /// The services' JSON of the result, once recorded.
    pub outcome: Option<String>,
    pub checked_at: Option<i64>,
}

/// What recording a check's result did.
#[derive(Debug)]
pub enum CheckRecorded {
    /// Recorded (and the license revoked or suspended, when asked, in the same transaction).
    New,
    /// A result was recorded before: nothing written.
    Already,
    Unknown,
    /// The suspension asked for cannot be made (the license's answer); nothing written.
    NotSuspended(Changed),
}

/// What a false commitment does to the license, with the legal reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckConsequence {
    Revoke {
        reason: String,
    },
    /// Suspended until the day (00:00 UTC, Unix seconds).
    Suspend {
        until: i64,
        reason: String,
    },
}

/// An application waiting for at least one department (or for the applicant), as stored.
/// The ledger keeps its workflow state as a JSON document the services own; `version`
/// guards every change (compare-and-swap), so instances sharing one database never lose a
/// decision to a concurrent one.
#[derive(Debug, Clone)]
pub struct StoredCase {
    pub id: String,
    /// The current revision's content hash (the idempotency key's content).
    pub content_hash: String,
    pub industry: String,
    /// The prepared record (JSON), as `applications.body` holds it once issued.
    pub body: String,
    /// The request as received (JSON): completed and signed again at issuance.
    pub request: String,
    pub received_at: i64,
    pub revision: i64,
    /// The application's status word (`under_review`, `correction_requested`, …).
    pub status: String,
    /// Per-permit state and timeline (JSON).
    pub state: String,
    pub version: i64,
}

/// The license signed for a number.
#[derive(Debug, Clone)]
pub struct SignedLicense {
    pub kid: String,
    pub qr_text: String,
    /// The license as answered (JSON).
    pub license: String,
    /// The end of the combined license (Unix seconds), kept with its version.
    pub valid_until: i64,
}

/// Builds and signs the license once the ledger has numbered it and given the version its
/// status index (license number, status index), inside the issuing transaction: a failure
/// rolls the number and the index back with everything else.
pub type SignNumbered =
    Box<dyn FnOnce(&str, u32) -> Result<SignedLicense, SigningFailed> + Send + Sync>;

/// Signs version N+1 once the ledger has given it its status index.
pub type SignVersion = Box<dyn FnOnce(u32) -> Result<SignedLicense, SigningFailed> + Send + Sync>;

/// A license version's state, as `license_versions.state` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionState {
    Valid,
    Superseded,
    Suspended,
    Revoked,
    Cancelled,
}

impl VersionState {
    pub fn name(self) -> &'static str {
        match self {
            VersionState::Valid => "valid",
            VersionState::Superseded => "superseded",
            VersionState::Suspended => "suspended",
            VersionState::Revoked => "revoked",
            VersionState::Cancelled => "cancelled",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, LedgerError> {
        Ok(match name {
            "valid" => VersionState::Valid,
            "superseded" => VersionState::Superseded,
            "suspended" => VersionState::Suspended,
            "revoked" => VersionState::Revoked,
            "cancelled" => VersionState::Cancelled,
            other => {
                return Err(LedgerError::Database(format!(
                    "unknown license state {other:?}"
                )));
            }
        })
    }
}

/// One version of a license as stored.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub license_number: String,
    pub version: u16,
    pub issuer: String,
    pub status_index: u32,
    pub issued_at: i64,
    pub valid_until: i64,
    pub qr_text: String,
    /// The license as answered (JSON).
    pub license: String,
    pub state: VersionState,
    /// The day the state began (00:00 UTC of the authority's date, Unix seconds).
    pub state_since: Option<i64>,
    /// A suspension's announced last day (00:00 UTC, Unix seconds).
    pub state_until: Option<i64>,
    pub reason: Option<String>,
    pub superseded_by: Option<u16>,
}

/// An authority's (or, recorded by it, the holder's) change of a license's current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// Valid → suspended until the day (00:00 UTC, Unix seconds).
    Suspend { until: i64 },
    /// Suspended → valid.
    Reinstate,
    /// Valid or suspended → revoked.
    Revoke,
    /// Valid or suspended → cancelled (注销, the holder's request).
    Cancel,
}

/// What a status change (or a new version) did.
#[derive(Debug)]
pub enum Changed {
    /// Done: the current version as it now stands.
    Done(Box<StoredVersion>),
    UnknownLicense,
    /// Issued before versions: it has no status index, only revocation applies.
    NoVersions,
    /// The current version's state does not allow it (its state now).
    WrongState(VersionState),
    /// Another version was issued since the caller looked (the current version now).
    VersionChanged(u16),
}

/// A change with the audit entry recorded in its transaction.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    pub license_number: String,
    pub reason: String,
    pub at: i64,
    pub audit: contract::AuditEntry,
    /// The holder's application that asks for it (#18), recorded in the same transaction;
    /// `None` for the authority's own acts.
    pub holder: Option<HolderRecord>,
}

/// A holder's change, renewal or cancellation as the ledger records it: the application
/// (kept like every application, so its id answers the same again and proves the holder),
/// the license and version it is about, and the checks a change's commitments bring.
#[derive(Debug, Clone)]
pub struct HolderRecord {
    pub application_id: String,
    pub content_hash: String,
    pub industry: String,
    /// What the ledger keeps of the application (JSON): the values of the version it issues.
    pub body: String,
    pub received_at: i64,
    pub purpose: contract::HolderRequest,
    /// The version the holder's form was filled from: another current version refuses it
    /// (`Changed::VersionChanged`), so one of two concurrent requests wins.
    pub based_on: u16,
    /// The catalog field ids whose value differs from the version before.
    pub changed: Vec<String>,
    pub checks: Vec<NewCheck>,
}

/// A holder's application as stored: which license and version it is about (the version a
/// change or renewal issued, the version a cancellation cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHolder {
    pub application_id: String,
    pub content_hash: String,
    pub industry: String,
    pub received_at: i64,
    pub license_number: String,
    pub purpose: contract::HolderRequest,
    pub version: u16,
    pub changed: Vec<String>,
}

/// How `holder_applications.purpose` spells it.
pub fn purpose_name(purpose: contract::HolderRequest) -> &'static str {
    match purpose {
        contract::HolderRequest::Change => "change",
        contract::HolderRequest::Renewal => "renewal",
        contract::HolderRequest::Cancellation => "cancellation",
    }
}

pub fn purpose_from_name(name: &str) -> Result<contract::HolderRequest, LedgerError> {
    Ok(match name {
        "change" => contract::HolderRequest::Change,
        "renewal" => contract::HolderRequest::Renewal,
        "cancellation" => contract::HolderRequest::Cancellation,
        other => {
            return Err(LedgerError::Database(format!(
                "unknown holder purpose {other:?}"
            )));
        }
    })
}

/// `holder_applications.changed`: field ids joined by commas (ids have none).
pub fn changed_from_text(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the status list is made of: every version of one issuer by status index, and the
/// revoked licenses issued before versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusesAsOf {
    /// Entry i: the state of status index i.
    pub entries: Vec<StatusEntry>,
    pub by_number: Vec<String>,
    pub mark: StatusMark,
}

/// Changes whenever a version is issued or changes state: a counter and the latest time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMark {
    pub changes: i64,
    pub as_of: i64,
}

/// The highest sequence number of one division in one year: numbers are
/// `DDDDDD-YYYY-NNNNNN`.
pub const MAX_SEQUENCE: i64 = 999_999;

/// A license number: division, year, sequence.
pub fn license_number(division: u32, year: i32, seq: i64) -> String {
    format!("{division:06}-{year:04}-{seq:06}")
}

/// What the ledger holds under an application id.
#[derive(Debug)]
pub enum Found {
    Nothing,
    /// Issued (directly or after review).
    Issued(Box<StoredApplication>),
    /// Waiting for a department or the applicant (or ended without a license).
    Case(Box<StoredCase>),
    /// A holder's cancellation, recorded.
    Cancellation(Box<StoredHolder>),
}

#[derive(Debug)]
pub enum Inserted {
    /// Numbered, signed and committed to disk.
    New(SignedLicense),
    /// The application id was already in the ledger: nothing written.
    Existing(Box<StoredApplication>),
    /// No numbers left for this division this year: nothing written.
    NumbersExhausted,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    New,
    Already,
    UnknownLicense,
    /// The current version was cancelled by its holder: nothing to revoke.
    Cancelled,
}

/// A back-office account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub username: String,
    pub display_name: String,
    pub role: contract::Role,
    pub department: Option<String>,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub created_at: i64,
    /// Failed logins since the last successful one.
    pub failed_logins: i64,
    /// No login is tried before this time (Unix seconds).
    pub locked_until: Option<i64>,
}

/// A role as the `staff` table spells it (as the API does).
pub fn role_name(role: contract::Role) -> &'static str {
    match role {
        contract::Role::Clerk => "clerk",
        contract::Role::Reviewer => "reviewer",
        contract::Role::Supervisor => "supervisor",
        contract::Role::Admin => "admin",
    }
}

/// The role a `staff` row names.
pub fn role_from_name(name: &str) -> Result<contract::Role, LedgerError> {
    Ok(match name {
        "clerk" => contract::Role::Clerk,
        "reviewer" => contract::Role::Reviewer,
        "supervisor" => contract::Role::Supervisor,
        "admin" => contract::Role::Admin,
        other => {
            return Err(LedgerError::Database(format!(
                "unknown staff role {other:?}"
            )));
        }
    })
}

/// A login session as stored: its data (JSON) and when it expires (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    pub expires_at: i64,
}

/// The status list's day of an instant: the authority's date of `at`, as 00:00 UTC of that
/// date in Unix seconds (the list keeps whole days).
pub fn status_day(at: i64) -> i64 {
    catalog::Date::authority_day(at)
        .map_or(at - at.rem_euclid(86_400), |d| d.to_unix_days() * 86_400)
}

/// A version's state with the day it began and a suspension's announced last day.
pub type StatusEntry = (VersionState, Option<i64>, Option<i64>);

/// A status row as both backends read it: index, state, since, until.
pub type StatusRow = (i64, String, Option<i64>, Option<i64>);

/// The list's entries from the rows in index order. Indices come from a counter advanced in
/// the issuing transaction, so there are no gaps; one would read as valid (no license
/// carries it).
pub fn status_entries(rows: Vec<StatusRow>) -> Result<Vec<StatusEntry>, LedgerError> {
    let mut entries = Vec::with_capacity(rows.len());
    for (index, state, since, until) in rows {
        let index = usize::try_from(index)
            .map_err(|_| LedgerError::Database(format!("status index {index}")))?;
        entries.resize(index, (VersionState::Valid, None, None));
        entries.push((VersionState::from_name(&state)?, since, until));
    }
    Ok(entries)
}

/// The state a change leads to from `state` (with its since/until days), or `None` when
/// the state does not allow it: suspend and cancel from valid (cancel also from suspended),
/// reinstate from suspended only, revoke from valid or suspended.
pub fn next_state(
    change: StatusChange,
    state: VersionState,
    at: i64,
) -> Option<(VersionState, Option<i64>, Option<i64>)> {
    use VersionState::{Suspended, Valid};
    let today = Some(status_day(at));
    match (change, state) {
        (StatusChange::Suspend { until }, Valid) => Some((Suspended, today, Some(until))),
        (StatusChange::Reinstate, Suspended) => Some((Valid, None, None)),
        (StatusChange::Revoke, Valid | Suspended) => Some((VersionState::Revoked, today, None)),
        (StatusChange::Cancel, Valid | Suspended) => Some((VersionState::Cancelled, today, None)),
        _ => None,
    }
}

/// Both backends' query for the mark (plain SQL both understand).
const STATUS_MARK: &str = "SELECT changes, changed_at FROM status_meta WHERE id = 1";

pub trait Ledger: Send + Sync {
    /// A registered enterprise's record (JSON), by credit code.
    fn registry(&self, credit_code: String) -> LedgerFuture<'_, Option<String>>;
    fn application(&self, id: String) -> LedgerFuture<'_, Option<StoredApplication>>;
    /// The application (JSON) the current values of a license come from (its latest change
    /// or renewal, else the one it was issued on) and its license (JSON), by license number.
    fn application_body(
        &self,
        license_number: String,
    ) -> LedgerFuture<'_, Option<(String, String)>>;
    /// Records the application and its license, numbered and signed in one transaction, or
    /// finds the application already there.
    fn issue(&self, application: NewApplication, sign: SignNumbered) -> LedgerFuture<'_, Inserted>;
    /// Revokes a license: its current version, and by number for a license without versions.
    fn revoke(&self, number: String, reason: String, at: i64) -> LedgerFuture<'_, Revoked>;
    /// A cheap mark that changes whenever a version is issued or changes state.
    fn status_mark(&self) -> LedgerFuture<'_, StatusMark>;
    /// What one issuer's status list is made of.
    fn statuses(&self, issuer: String) -> LedgerFuture<'_, StatusesAsOf>;
    /// A license's versions, first to current; empty for an unknown license or one issued
    /// before versions.
    fn versions(&self, number: String) -> LedgerFuture<'_, Vec<StoredVersion>>;
    /// The holder's applications of a license (changes, renewals, cancellations), by version.
    fn holder_applications(&self, number: String) -> LedgerFuture<'_, Vec<StoredHolder>>;
    /// Changes the current version's state and appends the audit entry (and records the
    /// holder's application, if any, after checking its `based_on`), in one transaction.
    fn change_status(&self, change: StatusChange, req: ChangeRequest) -> LedgerFuture<'_, Changed>;
    /// Issues version `expected + 1` if `expected` is still the current version and it is
    /// valid: allocates its status index, signs it, supersedes `expected` on the day of `req.at`,
    /// appends the audit entry and records the holder's application (with its checks), if any,
    /// in one transaction.
    fn issue_version(
        &self,
        req: ChangeRequest,
        expected: u16,
        issuer: String,
        sign: SignVersion,
    ) -> LedgerFuture<'_, Changed>;
    /// Enrols (or re-enrols) a device key: a `signer::PublicKeyEntry` as JSON.
    fn enrol_device(
        &self,
        kid: String,
        device_id: String,
        entry: String,
        at: i64,
    ) -> LedgerFuture<'_, ()>;
    /// Every enrolled device key, as `signer::PublicKeyEntry` JSON.
    fn device_entries(&self) -> LedgerFuture<'_, Vec<String>>;
    /// Every (application id, license number) pair: for tests and audits.
    fn licenses(&self) -> LedgerFuture<'_, Vec<(String, String)>>;
    /// The license issued for an id, else its review case: one call on intake's hot path.
    fn find(&self, id: String) -> LedgerFuture<'_, Found>;
    /// Stores a new review case; `false` when a case with its id exists already.
    fn open_case(&self, case: StoredCase) -> LedgerFuture<'_, bool>;
    fn case(&self, id: String) -> LedgerFuture<'_, Option<StoredCase>>;
    /// Replaces a case's content if its version is still `expected` (the stored version
    /// becomes `case.version`); `false` when another change came first.
    fn update_case(&self, case: StoredCase, expected: i64) -> LedgerFuture<'_, bool>;
    /// Every case with this status word, oldest first.
    fn cases(&self, status: String) -> LedgerFuture<'_, Vec<StoredCase>>;
    /// The supervision checks of one department (every department's: `None`), open and
    /// recorded, earliest due first.
    fn checks(&self, department: Option<String>) -> LedgerFuture<'_, Vec<StoredCheck>>;
    /// The supervision checks of one application.
    fn application_checks(&self, application: String) -> LedgerFuture<'_, Vec<StoredCheck>>;
    /// Records an open check's result (JSON) and, with a reason, revokes its license, in one
    /// transaction: a false commitment never stays recorded without its revocation.
    fn record_check(
        &self,
        application: String,
        permit: String,
        outcome: String,
        at: i64,
        consequence: Option<CheckConsequence>,
    ) -> LedgerFuture<'_, CheckRecorded>;
    /// Appends one staff action to the audit log. The log is append-only: nothing in the
    /// code updates or deletes its rows.
    fn append_audit(&self, entry: contract::AuditEntry) -> LedgerFuture<'_, ()>;
    /// The audit log, oldest first: every entry, or those about one application.
    fn audit_entries(
        &self,
        application: Option<String>,
    ) -> LedgerFuture<'_, Vec<contract::AuditEntry>>;

    /// Adds an account; `false` (nothing written) when the username is taken.
    fn add_staff(&self, account: StaffAccount) -> LedgerFuture<'_, bool>;
    fn staff(&self, username: String) -> LedgerFuture<'_, Option<StaffAccount>>;
    /// Every account, by username.
    fn staff_list(&self) -> LedgerFuture<'_, Vec<StaffAccount>>;
    /// Replaces an account's password hash and clears its failed logins; `false` when there
    /// is no such account.
    fn set_staff_password(&self, username: String, password_hash: String)
    -> LedgerFuture<'_, bool>;
    /// Counts one more failed login and sets `locked_until` to what `lock` makes of the new
    /// count, in one transaction; the new count (`None`: no such account).
    fn staff_login_failed(
        &self,
        username: String,
        lock: LoginLock,
    ) -> LedgerFuture<'_, Option<i64>>;
    /// A successful login: clears the failed logins and the lock.
    fn staff_login_succeeded(&self, username: String) -> LedgerFuture<'_, ()>;

    /// Stores a new session; `false` (nothing written) when its id is taken.
    fn create_session(&self, id_hash: String, session: StoredSession) -> LedgerFuture<'_, bool>;
    /// Stores a session, replacing what was there.
    fn save_session(&self, id_hash: String, session: StoredSession) -> LedgerFuture<'_, ()>;
    /// A session that has not expired at `now`.
    fn session(&self, id_hash: String, now: i64) -> LedgerFuture<'_, Option<StoredSession>>;
    fn delete_session(&self, id_hash: String) -> LedgerFuture<'_, ()>;
    /// Removes every session expired at `now`; how many.
    fn delete_expired_sessions(&self, now: i64) -> LedgerFuture<'_, u64>;
}

/// The growing delay after failed logins, applied by the ledger in the transaction that counts
/// the failure (so concurrent failures each lock for their own count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLock {
    /// When the failure happened (Unix seconds).
    pub at: i64,
    /// The failure count from which on the account is locked.
    pub from: i64,
    /// The longest lock, in seconds.
    pub max_seconds: i64,
}

impl LoginLock {
    /// Until when the `count`-th failure locks the account: `at + min(2^(count-1), max)`
    /// seconds from the `from`-th failure on, else not at all.
    pub fn until(self, count: i64) -> Option<i64> {
        (count >= self.from).then(|| {
            let seconds = u32::try_from(count - 1)
                .ok()
                .and_then(|shift| 1i64.checked_shl(shift))
                .filter(|s| *s > 0)
                .map_or(self.max_seconds, |s| s.min(self.max_seconds));
            self.at.saturating_add(seconds)
        })
    }
}

/// Where the ledger lives: `sqlite:PATH` or `postgres://…` (`--database`, `YIYE_DATABASE_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl std::str::FromStr for Database {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("sqlite: needs a file path, e.g. sqlite:data/yiye.sqlite3".into());
            }
            Ok(Database::Sqlite(path.into()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Database::Postgres(url.to_owned()))
        } else {
            Err("the database URL must start with sqlite: or postgres://".into())
        }
    }
}

impl Database {
    /// Opens the ledger, migrating it and seeding the registry when empty.
    pub async fn open(
        &self,
        registry_seed: &[(String, String)],
    ) -> Result<std::sync::Arc<dyn Ledger>, LedgerError> {
        Ok(match self {
            Database::Sqlite(path) => {
                std::sync::Arc::new(sqlite::SqliteLedger::open(path, registry_seed)?)
            }
            Database::Postgres(url) => {
                std::sync::Arc::new(postgres::PostgresLedger::open(url, registry_seed).await?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LoginLock;

    #[test]
    fn the_login_lock_doubles_from_the_third_failure_up_to_fifteen_minutes() {
        let lock = LoginLock {
            at: 1000,
            from: 3,
            max_seconds: 900,
        };
        let seconds: Vec<Option<i64>> = [1, 2, 3, 4, 10, 11, 64, 65, i64::MAX]
            .map(|n| lock.until(n).map(|until| until - 1000))
            .to_vec();
        assert_eq!(
            seconds,
            [
                None,
                None,
                Some(4),
                Some(8),
                Some(512),
                Some(900),
                Some(900),
                Some(900),
                Some(900)
            ]
        );
    }
}
