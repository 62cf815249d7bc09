//! The SQLite ledger: one file in WAL mode.
//!
//! Writes go through a single writer thread that commits in groups: it takes every job waiting
//! in its channel (up to `MAX_BATCH`), runs them in one transaction and answers each job only
//! after that transaction's COMMIT returned. With `synchronous=FULL` in WAL mode the commit
//! fsyncs the WAL, so an answered license survives a process kill *and* a power loss; one fsync
//! is shared by the whole batch, which is what makes thousands of durable issuances per second
//! possible. Reads use their own connections and never wait for the writer.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::{mpsc, oneshot};

use super::{
    ChangeRequest, Changed, CheckConsequence, CheckRecorded, Found, HolderRecord, Inserted, Ledger,
    LedgerError, LedgerFuture, LoginLock, MAX_SEQUENCE, NewApplication, Revocation, Revoked,
    STATUS_MARK, SignNumbered, SignVersion, StaffAccount, StatusChange, StatusMark, StatusesAsOf,
    StoredApplication, StoredCase, StoredCheck, StoredHolder, StoredSession, StoredVersion,
    VersionState, changed_from_text, license_number, purpose_from_name, purpose_name,
    role_from_name, role_name, status_day, status_entries,
};

const MAX_BATCH: usize = 2048;
const READERS: usize = 4;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE registry (
    credit_code TEXT PRIMARY KEY,
    record      TEXT NOT NULL
);
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    industry     TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE TABLE licenses (
    number         TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
    division       INTEGER NOT NULL,
    year           INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    kid            TEXT NOT NULL,
    issued_at      INTEGER NOT NULL,
    qr_text        TEXT NOT NULL,
    license        TEXT NOT NULL,
    UNIQUE (division, year, seq)
);
CREATE TABLE revocations (
    license_number TEXT PRIMARY KEY REFERENCES licenses(number),
    reason         TEXT NOT NULL,
    revoked_at     INTEGER NOT NULL
);
"#,
    r#"
-- Devices (clerks' tablets, service-point phones) whose signed hand-over QR codes are accepted.
CREATE TABLE devices (
    kid         TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    entry       TEXT NOT NULL,
    enrolled_at INTEGER NOT NULL
);
"#,
    r#"
-- License numbers come from the database, advanced in the issuing transaction: every process
-- on this file numbers from the same counter, and a rolled-back issuance gives its number back.
CREATE TABLE license_counters (
    division INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (division, year)
);
INSERT INTO license_counters (division, year, last_seq)
    SELECT division, year, MAX(seq) FROM licenses GROUP BY division, year;
"#,
    r#"
-- When the ledger began: the "as of" time of a revocation list with nothing revoked yet, the
-- same for every process.
CREATE TABLE ledger_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    created_at INTEGER NOT NULL
);
INSERT INTO ledger_meta (id, created_at) VALUES (1, CAST(strftime('%s', 'now') AS INTEGER));
"#,
    r#"
-- Every staff action: who, when, what, on which application. Append-only.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    application_id TEXT,
    permit         TEXT,
    detail         TEXT NOT NULL
);
CREATE INDEX audit_log_application ON audit_log (application_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    r#"
-- Back-office accounts. The password is an argon2id PHC string; failed logins since the last
-- success and the time before which the next attempt is refused make the growing delay.
CREATE TABLE staff (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'supervisor', 'admin')),
    department    TEXT,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER
);
-- Login sessions, keyed by the SHA-256 of the cookie's id (the table alone signs nobody in).
CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
"#,
    r#"
-- Applications waiting for a department or the applicant. `state` is the services' JSON
-- document (permits, timeline); `version` is compared and advanced by every change.
CREATE TABLE review_cases (
    id           TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    industry     TEXT NOT NULL,
    body         TEXT NOT NULL,
    request      TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    status       TEXT NOT NULL,
    state        TEXT NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX review_cases_status ON review_cases (status, received_at);
"#,
    r#"
-- Checks after a commitment: the supervising department checks each permit granted on
-- commitment by `due_on`; `outcome` is the services' JSON of the result, NULL while open.
CREATE TABLE supervision_checks (
    application_id TEXT NOT NULL REFERENCES applications(id),
    permit         TEXT NOT NULL,
    license_number TEXT NOT NULL REFERENCES licenses(number),
    department     TEXT NOT NULL,
    industry       TEXT NOT NULL,
    business_name  TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    outcome        TEXT,
    checked_at     INTEGER,
    PRIMARY KEY (application_id, permit)
);
CREATE INDEX supervision_checks_department ON supervision_checks (department, due_on);
"#,
    r#"
-- License versions (#18): the number stays, each change issues version N+1 with its own QR
-- and its own index in the issuer's status list, allocated from a counter per issuer in the
-- issuing transaction. `licenses.current_version` is NULL for licenses issued before versions
-- (no status index: the status list lists them by number when revoked); `licenses.qr_text`
-- and `license` follow the current version.
ALTER TABLE licenses ADD COLUMN current_version INTEGER;
CREATE TABLE status_counters (
    issuer     TEXT PRIMARY KEY,
    last_index INTEGER NOT NULL
);
CREATE TABLE license_versions (
    license_number TEXT NOT NULL REFERENCES licenses(number),
    version        INTEGER NOT NULL CHECK (version >= 1),
    issuer         TEXT NOT NULL,
    status_index   INTEGER NOT NULL,
    kid            TEXT NOT NULL,
    issued_at      INTEGER NOT NULL,
    valid_until    INTEGER NOT NULL,
    qr_text        TEXT NOT NULL,
    license        TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('valid', 'superseded', 'suspended', 'revoked', 'cancelled')),
    -- The day the state began and a suspension's announced last day: 00:00 UTC of the
    -- authority's date, Unix seconds (the status list's days).
    state_since    INTEGER,
    state_until    INTEGER,
    reason         TEXT,
    superseded_by  INTEGER,
    PRIMARY KEY (license_number, version),
    UNIQUE (issuer, status_index)
);
-- Advanced with every issued version and state change: the status list's cache mark.
CREATE TABLE status_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    changes    INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
);
INSERT INTO status_meta (id, changes, changed_at)
    SELECT 1, (SELECT COUNT(*) FROM revocations),
           COALESCE((SELECT MAX(revoked_at) FROM revocations), created_at)
    FROM ledger_meta;
"#,
    r#"
-- The holder's applications (#18): a change or renewal (the version it issued; its values
-- are the application's body) or a cancellation (the version it cancelled). The application
-- itself is an `applications` row like every other, so its id answers the same again and
-- proves, as `holder_proof`, that the device holds the license.
CREATE TABLE holder_applications (
    application_id TEXT PRIMARY KEY REFERENCES applications(id),
    license_number TEXT NOT NULL REFERENCES licenses(number),
    purpose        TEXT NOT NULL CHECK (purpose IN ('change', 'renewal', 'cancellation')),
    version        INTEGER NOT NULL,
    -- The field ids whose value changed from the version before, joined by commas.
    changed        TEXT NOT NULL
);
CREATE INDEX holder_applications_license ON holder_applications (license_number, version);
"#,
];

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Database(e.to_string())
    }
}

enum Job {
    Issue(
        Box<NewApplication>,
        SignNumbered,
        oneshot::Sender<Result<Inserted, LedgerError>>,
    ),
    Revoke {
        number: String,
        reason: String,
        at: i64,
        reply: oneshot::Sender<Result<Revoked, LedgerError>>,
    },
}

/// The ledger in one SQLite file: cheap to share (`Arc` inside).
pub struct SqliteLedger {
    readers: Arc<Vec<Mutex<Connection>>>,
    writer: mpsc::Sender<Job>,
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // FULL: in WAL mode NORMAL may lose the last commits on power loss; we answer a license
    // only once it is on disk, so every commit fsyncs the WAL.
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
    )?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in (1i64..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(done).unwrap_or(0))
    {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i)?;
        tx.commit()?;
        tracing::info!(version = i, "applied ledger migration");
    }
    Ok(())
}

impl SqliteLedger {
    /// Opens (creating if needed) the ledger, runs migrations, seeds the registry when empty
    /// and starts the writer thread. Must be called inside a Tokio runtime.
    pub fn open(path: &Path, registry_seed: &[(String, String)]) -> Result<Self, LedgerError> {
        let mut conn = open(path)?;
        migrate(&mut conn)?;
        let seeded: i64 = conn.query_row("SELECT COUNT(*) FROM registry", [], |r| r.get(0))?;
        if seeded == 0 {
            let tx = conn.transaction()?;
            for (code, record) in registry_seed {
                tx.execute(
                    "INSERT INTO registry (credit_code, record) VALUES (?1, ?2)",
                    params![code, record],
                )?;
            }
            tx.commit()?;
            tracing::info!(enterprises = registry_seed.len(), "seeded the registry");
        }
        let readers = (0..READERS)
            .map(|_| open(path).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        let (writer, rx) = mpsc::channel(MAX_BATCH * 4);
        std::thread::Builder::new()
            .name("ledger-writer".into())
            .spawn(move || write_loop(conn, rx))
            .map_err(|e| LedgerError::Start(e.to_string()))?;
        Ok(Self {
            readers: Arc::new(readers),
            writer,
        })
    }

    /// Runs `f` on a free read connection on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, LedgerError> {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = readers
                .iter()
                .find_map(|m| m.try_lock().ok())
                .unwrap_or_else(|| {
                    // All busy: wait for the first one. A poisoned lock only means another
                    // reader panicked; the connection itself is still usable.
                    readers[0].lock().unwrap_or_else(|p| p.into_inner())
                });
            f(&conn).map_err(LedgerError::from)
        })
        .await
        .map_err(|e| LedgerError::Database(format!("reader task: {e}")))?
    }
}

impl Ledger for SqliteLedger {
    fn issue(&self, application: NewApplication, sign: SignNumbered) -> LedgerFuture<'_, Inserted> {
        Box::pin(async move {
            let (reply, rx) = oneshot::channel();
            self.writer
                .send(Job::Issue(Box::new(application), sign, reply))
                .await
                .map_err(|_| LedgerError::WriterGone)?;
            rx.await.map_err(|_| LedgerError::WriterGone)?
        })
    }

    fn revoke(&self, number: String, reason: String, at: i64) -> LedgerFuture<'_, Revoked> {
        Box::pin(async move {
            let (reply, rx) = oneshot::channel();
            self.writer
                .send(Job::Revoke {
                    number,
                    reason,
                    at,
                    reply,
                })
                .await
                .map_err(|_| LedgerError::WriterGone)?;
            rx.await.map_err(|_| LedgerError::WriterGone)?
        })
    }

    fn application(&self, id: String) -> LedgerFuture<'_, Option<StoredApplication>> {
        Box::pin(self.read(move |c| application_by_id(c, &id)))
    }

    fn application_body(
        &self,
        license_number: String,
    ) -> LedgerFuture<'_, Option<(String, String)>> {
        Box::pin(self.read(move |c| {
            c.query_row(
                "SELECT COALESCE(
                        (SELECT b.body FROM holder_applications h
                         JOIN applications b ON b.id = h.application_id
                         WHERE h.license_number = l.number AND h.purpose <> 'cancellation'
                         ORDER BY h.version DESC LIMIT 1),
                        a.body),
                        l.license
                 FROM licenses l JOIN applications a ON a.id = l.application_id
                 WHERE l.number = ?1",
                [license_number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        }))
    }

    fn registry(&self, credit_code: String) -> LedgerFuture<'_, Option<String>> {
        Box::pin(self.read(move |c| {
            c.query_row(
                "SELECT record FROM registry WHERE credit_code = ?1",
                [credit_code],
                |r| r.get(0),
            )
            .optional()
        }))
    }

    /// Enrolments are rare admin acts, so they use a pooled connection; SQLite's lock orders
    /// them with the writer.
    fn enrol_device(
        &self,
        kid: String,
        device_id: String,
        entry: String,
        at: i64,
    ) -> LedgerFuture<'_, ()> {
        Box::pin(self.read(move |c| {
            c.execute(
                "INSERT INTO devices (kid, device_id, entry, enrolled_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kid) DO UPDATE SET device_id = ?2, entry = ?3",
                params![kid, device_id, entry, at],
            )
            .map(|_| ())
        }))
    }

    // Review cases change a few times each, by people: through a read connection (WAL, busy
    // timeout) like the audit log, not the batching issuance writer.
    fn open_case(&self, case: StoredCase) -> LedgerFuture<'_, bool> {
        Box::pin(self.read(move |c| {
            c.execute(
                "INSERT INTO review_cases (id, content_hash, industry, body, request, received_at,
                                           revision, status, state, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING",
                params![
                    case.id,
                    case.content_hash,
                    case.industry,
                    case.body,
                    case.request,
                    case.received_at,
                    case.revision,
                    case.status,
                    case.state,
                    case.version
                ],
            )
            .map(|n| n == 1)
        }))
    }

    fn find(&self, id: String) -> LedgerFuture<'_, Found> {
        Box::pin(self.read(move |c| {
            if let Some(found) = application_by_id(c, &id)? {
                return Ok(Found::Issued(Box::new(found)));
            }
            let cancelled = c
                .query_row(
                    &format!("{HOLDER_COLUMNS} WHERE h.application_id = ?1 AND h.purpose = 'cancellation'"),
                    [&id],
                    holder_row,
                )
                .optional()?;
            if let Some(cancelled) = cancelled {
                return Ok(Found::Cancellation(Box::new(cancelled)));
            }
            let case = c
                .query_row(&format!("{CASE_COLUMNS} WHERE id = ?1"), [id], case_row)
                .optional()?;
            Ok(case.map_or(Found::Nothing, |c| Found::Case(Box::new(c))))
        }))
    }

    fn case(&self, id: String) -> LedgerFuture<'_, Option<StoredCase>> {
        Box::pin(self.read(move |c| {
            c.query_row(&format!("{CASE_COLUMNS} WHERE id = ?1"), [id], case_row)
                .optional()
        }))
    }

    fn update_case(&self, case: StoredCase, expected: i64) -> LedgerFuture<'_, bool> {
        Box::pin(self.read(move |c| {
            c.execute(
                "UPDATE review_cases SET content_hash = ?2, body = ?3, request = ?4, revision = ?5,
                        status = ?6, state = ?7, version = ?8
                 WHERE id = ?1 AND version = ?9",
                params![
                    case.id,
                    case.content_hash,
                    case.body,
                    case.request,
                    case.revision,
                    case.status,
                    case.state,
                    case.version,
                    expected
                ],
            )
            .map(|n| n == 1)
        }))
    }

    fn cases(&self, status: String) -> LedgerFuture<'_, Vec<StoredCase>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "{CASE_COLUMNS} WHERE status = ?1 ORDER BY received_at, id"
            ))?;
            stmt.query_map([status], case_row)?.collect()
        }))
    }

    // Checks are recorded by people, a few a day: through a read connection (WAL, busy
    // timeout) in a transaction of their own, like the review cases.
    fn checks(&self, department: Option<String>) -> LedgerFuture<'_, Vec<StoredCheck>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "{CHECK_COLUMNS} WHERE ?1 IS NULL OR department = ?1
                 ORDER BY due_on, application_id, permit"
            ))?;
            stmt.query_map([department], check_row)?.collect()
        }))
    }

    fn application_checks(&self, application: String) -> LedgerFuture<'_, Vec<StoredCheck>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "{CHECK_COLUMNS} WHERE application_id = ?1 ORDER BY permit"
            ))?;
            stmt.query_map([application], check_row)?.collect()
        }))
    }

    fn record_check(
        &self,
        application: String,
        permit: String,
        outcome: String,
        at: i64,
        consequence: Option<CheckConsequence>,
    ) -> LedgerFuture<'_, CheckRecorded> {
        Box::pin(self.read(move |c| {
            let tx = rusqlite::Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
            let found: Option<(String, bool)> = tx
                .query_row(
                    "SELECT license_number, outcome IS NOT NULL FROM supervision_checks
                     WHERE application_id = ?1 AND permit = ?2",
                    params![application, permit],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((number, recorded)) = found else {
                return Ok(CheckRecorded::Unknown);
            };
            if recorded {
                return Ok(CheckRecorded::Already);
            }
            tx.execute(
                "UPDATE supervision_checks SET outcome = ?3, checked_at = ?4
                 WHERE application_id = ?1 AND permit = ?2",
                params![application, permit, outcome, at],
            )?;
            match consequence {
                Some(CheckConsequence::Revoke { reason }) => {
                    insert_revocation(&tx, &number, &reason, at)?;
                }
                Some(CheckConsequence::Suspend { until, reason }) => {
                    let change = StatusChange::Suspend { until };
                    match change_by_number(&tx, change, &number, &reason, at, None)? {
                        Changed::Done(_) => {}
                        refused => return Ok(CheckRecorded::NotSuspended(refused)),
                    }
                }
                None => {}
            }
            tx.commit()?;
            Ok(CheckRecorded::New)
        }))
    }

    fn append_audit(&self, entry: contract::AuditEntry) -> LedgerFuture<'_, ()> {
        // Rare and small: through a read connection (WAL, busy timeout), not the batching
        // issuance writer.
        Box::pin(self.read(move |c| append_audit_in(c, &entry)))
    }

    fn audit_entries(
        &self,
        application: Option<String>,
    ) -> LedgerFuture<'_, Vec<contract::AuditEntry>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT at, actor, action, application_id, permit, detail FROM audit_log
                 WHERE ?1 IS NULL OR application_id = ?1 ORDER BY seq",
            )?;
            stmt.query_map([application], |r| {
                Ok(contract::AuditEntry {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    application_id: r.get(3)?,
                    permit: r.get(4)?,
                    detail: r.get(5)?,
                })
            })?
            .collect()
        }))
    }

    // Accounts and sessions are small, rare writes next to issuance: through a read
    // connection (WAL, busy timeout), not the batching issuance writer.
    fn add_staff(&self, a: StaffAccount) -> LedgerFuture<'_, bool> {
        Box::pin(self.read(move |c| {
            c.execute(
                "INSERT INTO staff (username, display_name, role, department, password_hash,
                                    created_at, failed_logins, locked_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (username) DO NOTHING",
                params![
                    a.username,
                    a.display_name,
                    role_name(a.role),
                    a.department,
                    a.password_hash,
                    a.created_at,
                    a.failed_logins,
                    a.locked_until
                ],
            )
            .map(|added| added == 1)
        }))
    }

    fn staff(&self, username: String) -> LedgerFuture<'_, Option<StaffAccount>> {
        Box::pin(self.read(move |c| {
            c.query_row(
                &format!("{STAFF_COLUMNS} WHERE username = ?1"),
                [username],
                staff_row,
            )
            .optional()
        }))
    }

    fn staff_list(&self) -> LedgerFuture<'_, Vec<StaffAccount>> {
        Box::pin(self.read(|c| {
            let mut stmt = c.prepare(&format!("{STAFF_COLUMNS} ORDER BY username"))?;
            stmt.query_map([], staff_row)?.collect()
        }))
    }

    fn set_staff_password(
        &self,
        username: String,
        password_hash: String,
    ) -> LedgerFuture<'_, bool> {
        Box::pin(self.read(move |c| {
            c.execute(
                "UPDATE staff SET password_hash = ?2, failed_logins = 0, locked_until = NULL
                 WHERE username = ?1",
                params![username, password_hash],
            )
            .map(|changed| changed == 1)
        }))
    }

    fn staff_login_failed(
        &self,
        username: String,
        lock: LoginLock,
    ) -> LedgerFuture<'_, Option<i64>> {
        Box::pin(self.read(move |c| {
            let tx = rusqlite::Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
            let count: Option<i64> = tx
                .query_row(
                    "UPDATE staff SET failed_logins = failed_logins + 1 WHERE username = ?1
                     RETURNING failed_logins",
                    [&username],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(count) = count {
                tx.execute(
                    "UPDATE staff SET locked_until = ?2 WHERE username = ?1",
                    params![username, lock.until(count)],
                )?;
            }
            tx.commit()?;
            Ok(count)
        }))
    }

    fn staff_login_succeeded(&self, username: String) -> LedgerFuture<'_, ()> {
        Box::pin(self.read(move |c| {
            c.execute(
                "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE username = ?1",
                [username],
            )
            .map(|_| ())
        }))
    }

    fn create_session(&self, id_hash: String, s: StoredSession) -> LedgerFuture<'_, bool> {
        Box::pin(self.read(move |c| {
            c.execute(
                "INSERT INTO staff_sessions (id_hash, data, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id_hash) DO NOTHING",
                params![id_hash, s.data, s.expires_at],
            )
            .map(|added| added == 1)
        }))
    }

    fn save_session(&self, id_hash: String, s: StoredSession) -> LedgerFuture<'_, ()> {
        Box::pin(self.read(move |c| {
            c.execute(
                "INSERT INTO staff_sessions (id_hash, data, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id_hash) DO UPDATE SET data = ?2, expires_at = ?3",
                params![id_hash, s.data, s.expires_at],
            )
            .map(|_| ())
        }))
    }

    fn session(&self, id_hash: String, now: i64) -> LedgerFuture<'_, Option<StoredSession>> {
        Box::pin(self.read(move |c| {
            c.query_row(
                "SELECT data, expires_at FROM staff_sessions WHERE id_hash = ?1 AND expires_at > ?2",
                params![id_hash, now],
                |r| {
                    Ok(StoredSession {
                        data: r.get(0)?,
                        expires_at: r.get(1)?,
                    })
                },
            )
            .optional()
        }))
    }

    fn delete_session(&self, id_hash: String) -> LedgerFuture<'_, ()> {
        Box::pin(self.read(move |c| {
            c.execute("DELETE FROM staff_sessions WHERE id_hash = ?1", [id_hash])
                .map(|_| ())
        }))
    }

    fn delete_expired_sessions(&self, now: i64) -> LedgerFuture<'_, u64> {
        Box::pin(self.read(move |c| {
            c.execute("DELETE FROM staff_sessions WHERE expires_at <= ?1", [now])
                .map(|n| n as u64)
        }))
    }

    fn device_entries(&self) -> LedgerFuture<'_, Vec<String>> {
        Box::pin(self.read(|c| {
            let mut stmt = c.prepare("SELECT entry FROM devices ORDER BY enrolled_at, kid")?;
            stmt.query_map([], |r| r.get(0))?.collect()
        }))
    }

    fn status_mark(&self) -> LedgerFuture<'_, StatusMark> {
        Box::pin(self.read(|c| c.query_row(STATUS_MARK, [], status_mark_row)))
    }

    fn statuses(&self, issuer: String) -> LedgerFuture<'_, StatusesAsOf> {
        Box::pin(async move {
            let (rows, by_number, mark) = self
                .read(move |c| {
                    let tx = c.unchecked_transaction()?;
                    let mark = tx.query_row(STATUS_MARK, [], status_mark_row)?;
                    let mut stmt = tx.prepare(
                        "SELECT status_index, state, state_since, state_until
                         FROM license_versions WHERE issuer = ?1 ORDER BY status_index",
                    )?;
                    let rows = stmt
                        .query_map([issuer], |r| {
                            Ok((r.get(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?))
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    let mut stmt = tx.prepare(
                        "SELECT r.license_number FROM revocations r
                         JOIN licenses l ON l.number = r.license_number
                         WHERE l.current_version IS NULL
                         ORDER BY r.revoked_at, r.license_number",
                    )?;
                    let by_number = stmt
                        .query_map([], |r| r.get(0))?
                        .collect::<Result<Vec<String>, _>>()?;
                    Ok((rows, by_number, mark))
                })
                .await?;
            Ok(StatusesAsOf {
                entries: status_entries(rows)?,
                by_number,
                mark,
            })
        })
    }

    fn versions(&self, number: String) -> LedgerFuture<'_, Vec<StoredVersion>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "{VERSION_COLUMNS} WHERE license_number = ?1 ORDER BY version"
            ))?;
            stmt.query_map([number], version_row)?.collect()
        }))
    }

    fn holder_applications(&self, number: String) -> LedgerFuture<'_, Vec<StoredHolder>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "{HOLDER_COLUMNS} WHERE h.license_number = ?1 ORDER BY h.version, a.received_at"
            ))?;
            stmt.query_map([number], holder_row)?.collect()
        }))
    }

    // Status changes are people's acts, a few a day: through a read connection (WAL, busy
    // timeout) in a transaction of their own, like the supervision checks.
    fn change_status(&self, change: StatusChange, req: ChangeRequest) -> LedgerFuture<'_, Changed> {
        Box::pin(self.read(move |c| {
            let tx = rusqlite::Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
            let outcome = change_in(&tx, change, &req)?;
            if matches!(outcome, Changed::Done(_)) {
                append_audit_in(&tx, &req.audit)?;
                tx.commit()?;
            }
            Ok(outcome)
        }))
    }

    fn issue_version(
        &self,
        req: ChangeRequest,
        expected: u16,
        issuer: String,
        sign: SignVersion,
    ) -> LedgerFuture<'_, Changed> {
        Box::pin(async move {
            self.read(move |c| {
                let tx = rusqlite::Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
                let outcome = new_version_in(&tx, &req, expected, &issuer, sign)?;
                if let Ok(Changed::Done(_)) = &outcome {
                    append_audit_in(&tx, &req.audit)?;
                    tx.commit()?;
                }
                Ok(outcome)
            })
            .await?
        })
    }

    fn licenses(&self) -> LedgerFuture<'_, Vec<(String, String)>> {
        Box::pin(self.read(|c| {
            let mut stmt = c.prepare("SELECT application_id, number FROM licenses")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        }))
    }
}

const STAFF_COLUMNS: &str = "SELECT username, display_name, role, department, password_hash,
    created_at, failed_logins, locked_until FROM staff";

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffAccount> {
    let role: String = r.get(2)?;
    Ok(StaffAccount {
        username: r.get(0)?,
        display_name: r.get(1)?,
        role: role_from_name(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        department: r.get(3)?,
        password_hash: r.get(4)?,
        created_at: r.get(5)?,
        failed_logins: r.get(6)?,
        locked_until: r.get(7)?,
    })
}

const CHECK_COLUMNS: &str = "SELECT application_id, permit, license_number, department, industry,
    business_name, due_on, created_at, outcome, checked_at FROM supervision_checks";

fn check_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCheck> {
    Ok(StoredCheck {
        application_id: r.get(0)?,
        permit: r.get(1)?,
        license_number: r.get(2)?,
        department: r.get(3)?,
        industry: r.get(4)?,
        business_name: r.get(5)?,
        due_on: r.get(6)?,
        created_at: r.get(7)?,
        outcome: r.get(8)?,
        checked_at: r.get(9)?,
    })
}

const CASE_COLUMNS: &str =
    "SELECT id, content_hash, industry, body, request, received_at, revision,
                                   status, state, version FROM review_cases";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCase> {
    Ok(StoredCase {
        id: r.get(0)?,
        content_hash: r.get(1)?,
        industry: r.get(2)?,
        body: r.get(3)?,
        request: r.get(4)?,
        received_at: r.get(5)?,
        revision: r.get(6)?,
        status: r.get(7)?,
        state: r.get(8)?,
        version: r.get(9)?,
    })
}

fn application_by_id(c: &Connection, id: &str) -> rusqlite::Result<Option<StoredApplication>> {
    // The license an application was issued on, or the version a holder's change or renewal
    // issued (answered again as it was).
    c.query_row(
        "SELECT a.id, a.content_hash, a.industry, a.received_at,
                COALESCE(l.number, h.license_number), COALESCE(l.license, v.license),
                r.reason, r.revoked_at
         FROM applications a
         LEFT JOIN licenses l ON l.application_id = a.id
         LEFT JOIN holder_applications h ON h.application_id = a.id AND h.purpose <> 'cancellation'
         LEFT JOIN license_versions v ON v.license_number = h.license_number AND v.version = h.version
         LEFT JOIN revocations r ON r.license_number = COALESCE(l.number, h.license_number)
         WHERE a.id = ?1 AND (l.number IS NOT NULL OR v.license IS NOT NULL)",
        [id],
        |r| {
            let reason: Option<String> = r.get(6)?;
            Ok(StoredApplication {
                id: r.get(0)?,
                content_hash: r.get(1)?,
                industry: r.get(2)?,
                received_at: r.get(3)?,
                license_number: r.get(4)?,
                license: r.get(5)?,
                revoked: match reason {
                    Some(reason) => Some(Revocation {
                        reason,
                        revoked_at: r.get(7)?,
                    }),
                    None => None,
                },
            })
        },
    )
    .optional()
}

const HOLDER_COLUMNS: &str = "SELECT h.application_id, a.content_hash, a.industry, a.received_at,
    h.license_number, h.purpose, h.version, h.changed
    FROM holder_applications h JOIN applications a ON a.id = h.application_id";

fn holder_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredHolder> {
    let purpose: String = r.get(5)?;
    let version: i64 = r.get(6)?;
    let changed: String = r.get(7)?;
    Ok(StoredHolder {
        application_id: r.get(0)?,
        content_hash: r.get(1)?,
        industry: r.get(2)?,
        received_at: r.get(3)?,
        license_number: r.get(4)?,
        purpose: purpose_from_name(&purpose).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?,
        version: u16::try_from(version)
            .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(6, version))?,
        changed: changed_from_text(&changed),
    })
}

/// Records a holder's application about `version` of `number` (and a change's checks).
fn record_holder_in(
    c: &Connection,
    h: &HolderRecord,
    number: &str,
    version: u16,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO applications (id, content_hash, industry, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            h.application_id,
            h.content_hash,
            h.industry,
            h.body,
            h.received_at
        ],
    )?;
    c.execute(
        "INSERT INTO holder_applications (application_id, license_number, purpose, version, changed)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            h.application_id,
            number,
            purpose_name(h.purpose),
            version,
            h.changed.join(",")
        ],
    )?;
    for check in &h.checks {
        c.execute(
            "INSERT INTO supervision_checks (application_id, permit, license_number, department,
                                             industry, business_name, due_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                h.application_id,
                check.permit,
                number,
                check.department,
                h.industry,
                check.business_name,
                check.due_on,
                h.received_at
            ],
        )?;
    }
    Ok(())
}

enum Reply {
    Issue(
        oneshot::Sender<Result<Inserted, LedgerError>>,
        Result<Inserted, LedgerError>,
    ),
    Revoke(
        oneshot::Sender<Result<Revoked, LedgerError>>,
        Result<Revoked, LedgerError>,
    ),
}

fn write_loop(mut conn: Connection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let size = batch.len();
        let replies = match run_batch(&mut conn, batch) {
            Ok(replies) => replies,
            Err((e, replies)) => {
                tracing::error!(error = %e, size, "ledger batch failed; nothing from it was answered as issued");
                replies
            }
        };
        // Only now, after COMMIT returned, does anyone hear back.
        for reply in replies {
            match reply {
                Reply::Issue(tx, r) => drop(tx.send(r)),
                Reply::Revoke(tx, r) => drop(tx.send(r)),
            }
        }
    }
    tracing::info!("ledger writer stopped");
}

type BatchResult = Result<Vec<Reply>, (rusqlite::Error, Vec<Reply>)>;

fn run_batch(conn: &mut Connection, batch: Vec<Job>) -> BatchResult {
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return Err(fail_all(e, batch)),
    };
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        match job {
            Job::Issue(application, sign, reply) => {
                let r = insert_license(&mut tx, &application, sign);
                replies.push(Reply::Issue(reply, r));
            }
            Job::Revoke {
                number,
                reason,
                at,
                reply,
            } => {
                let r = insert_revocation(&tx, &number, &reason, at).map_err(LedgerError::from);
                replies.push(Reply::Revoke(reply, r));
            }
        }
    }
    match tx.commit() {
        Ok(()) => Ok(replies),
        Err(e) => {
            let msg = e.to_string();
            let failed = replies
                .into_iter()
                .map(|r| match r {
                    Reply::Issue(tx, _) => {
                        Reply::Issue(tx, Err(LedgerError::Database(msg.clone())))
                    }
                    Reply::Revoke(tx, _) => {
                        Reply::Revoke(tx, Err(LedgerError::Database(msg.clone())))
                    }
                })
                .collect();
            Err((e, failed))
        }
    }
}

fn fail_all(e: rusqlite::Error, batch: Vec<Job>) -> (rusqlite::Error, Vec<Reply>) {
    let msg = e.to_string();
    let replies = batch
        .into_iter()
        .map(|job| match job {
            Job::Issue(_, _, tx) => Reply::Issue(tx, Err(LedgerError::Database(msg.clone()))),
            Job::Revoke { reply, .. } => {
                Reply::Revoke(reply, Err(LedgerError::Database(msg.clone())))
            }
        })
        .collect();
    (e, replies)
}

/// One issuance inside the batch transaction, in its own savepoint so a failing job leaves
/// the rest of the batch intact: the application row (or the one already there), the next
/// number of its division and year, the license signed for that number.
fn insert_license(
    tx: &mut rusqlite::Transaction<'_>,
    a: &NewApplication,
    sign: SignNumbered,
) -> Result<Inserted, LedgerError> {
    let sp = tx.savepoint()?;
    let outcome = number_and_sign(&sp, a, sign)?;
    if matches!(outcome, Inserted::New(_)) {
        sp.commit()?;
    }
    // Anything else drops the savepoint, which rolls it back: no number is used up.
    Ok(outcome)
}

fn number_and_sign(
    sp: &rusqlite::Savepoint<'_>,
    a: &NewApplication,
    sign: SignNumbered,
) -> Result<Inserted, LedgerError> {
    let added = sp.execute(
        "INSERT INTO applications (id, content_hash, industry, body, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
        params![a.id, a.content_hash, a.industry, a.body, a.received_at],
    )?;
    if added == 0 {
        let existing = application_by_id(sp, &a.id)?
            .ok_or_else(|| LedgerError::Database(format!("application {} has no license", a.id)))?;
        return Ok(Inserted::Existing(Box::new(existing)));
    }
    let seq: i64 = sp.query_row(
        "INSERT INTO license_counters (division, year, last_seq) VALUES (?1, ?2, 1)
             ON CONFLICT (division, year) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        params![a.division, a.year],
        |r| r.get(0),
    )?;
    if seq > MAX_SEQUENCE {
        return Ok(Inserted::NumbersExhausted);
    }
    let number = license_number(a.division, a.year, seq);
    let index = next_status_index(sp, &a.issuer)?;
    let signed = sign(&number, index)?;
    sp.execute(
        "INSERT INTO licenses (number, application_id, division, year, seq, kid, issued_at, qr_text, license)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            number, a.id, a.division, a.year, seq, signed.kid, a.issued_at, signed.qr_text,
            signed.license
        ],
    )?;
    insert_version(sp, &number, 1, &a.issuer, index, a.issued_at, &signed)?;
    for check in &a.checks {
        sp.execute(
            "INSERT INTO supervision_checks (application_id, permit, license_number, department,
                                             industry, business_name, due_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.id,
                check.permit,
                number,
                check.department,
                a.industry,
                check.business_name,
                check.due_on,
                a.issued_at
            ],
        )?;
    }
    Ok(Inserted::New(signed))
}

fn append_audit_in(c: &Connection, entry: &contract::AuditEntry) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO audit_log (at, actor, action, application_id, permit, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            entry.at,
            entry.actor,
            entry.action,
            entry.application_id,
            entry.permit,
            entry.detail
        ],
    )
    .map(|_| ())
}

fn status_mark_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StatusMark> {
    Ok(StatusMark {
        changes: r.get(0)?,
        as_of: r.get(1)?,
    })
}

/// Every issued version and state change moves the status list's mark.
fn bump_status(c: &Connection, at: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE status_meta SET changes = changes + 1, changed_at = MAX(changed_at, ?1)
         WHERE id = 1",
        [at],
    )
    .map(|_| ())
}

const VERSION_COLUMNS: &str = "SELECT license_number, version, issuer, status_index, issued_at,
    valid_until, qr_text, license, state, state_since, state_until, reason, superseded_by
    FROM license_versions";

fn version_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredVersion> {
    let state: String = r.get(8)?;
    let int = |i: usize, v: i64| rusqlite::Error::IntegralValueOutOfRange(i, v);
    let version: i64 = r.get(1)?;
    let index: i64 = r.get(3)?;
    let superseded_by: Option<i64> = r.get(12)?;
    Ok(StoredVersion {
        license_number: r.get(0)?,
        version: u16::try_from(version).map_err(|_| int(1, version))?,
        issuer: r.get(2)?,
        status_index: u32::try_from(index).map_err(|_| int(3, index))?,
        issued_at: r.get(4)?,
        valid_until: r.get(5)?,
        qr_text: r.get(6)?,
        license: r.get(7)?,
        state: VersionState::from_name(&state).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, Box::new(e))
        })?,
        state_since: r.get(9)?,
        state_until: r.get(10)?,
        reason: r.get(11)?,
        superseded_by: superseded_by
            .map(|v| u16::try_from(v).map_err(|_| int(12, v)))
            .transpose()?,
    })
}

/// The current version of a license: `Err` with what to answer when there is none.
fn current_version(
    c: &Connection,
    number: &str,
) -> rusqlite::Result<Result<StoredVersion, Changed>> {
    let current: Option<Option<i64>> = c
        .query_row(
            "SELECT current_version FROM licenses WHERE number = ?1",
            [number],
            |r| r.get(0),
        )
        .optional()?;
    let version = match current {
        None => return Ok(Err(Changed::UnknownLicense)),
        Some(None) => return Ok(Err(Changed::NoVersions)),
        Some(Some(v)) => v,
    };
    c.query_row(
        &format!("{VERSION_COLUMNS} WHERE license_number = ?1 AND version = ?2"),
        params![number, version],
        version_row,
    )
    .map(Ok)
}

/// The state change on the current version; nothing written unless `Done`.
fn change_in(
    c: &Connection,
    change: StatusChange,
    req: &ChangeRequest,
) -> rusqlite::Result<Changed> {
    let number = &req.license_number;
    change_by_number(c, change, number, &req.reason, req.at, req.holder.as_ref())
}

/// A status change of a license's current version, in the caller's transaction.
fn change_by_number(
    c: &Connection,
    change: StatusChange,
    number: &str,
    reason: &str,
    at: i64,
    holder: Option<&HolderRecord>,
) -> rusqlite::Result<Changed> {
    let current = match current_version(c, number)? {
        Ok(v) => v,
        Err(answer) => return Ok(answer),
    };
    if let Some(h) = holder
        && h.based_on != current.version
    {
        return Ok(Changed::VersionChanged(current.version));
    }
    let Some((state, since, until)) = super::next_state(change, current.state, at) else {
        return Ok(Changed::WrongState(current.state));
    };
    if let Some(h) = holder {
        record_holder_in(c, h, number, current.version)?;
    }
    c.execute(
        "UPDATE license_versions SET state = ?3, state_since = ?4, state_until = ?5, reason = ?6
         WHERE license_number = ?1 AND version = ?2",
        params![number, current.version, state.name(), since, until, reason],
    )?;
    if state == VersionState::Revoked {
        c.execute(
            "INSERT INTO revocations (license_number, reason, revoked_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (license_number) DO NOTHING",
            params![number, reason, at],
        )?;
    }
    bump_status(c, at)?;
    Ok(Changed::Done(Box::new(StoredVersion {
        state,
        state_since: since,
        state_until: until,
        reason: Some(reason.to_owned()),
        ..current
    })))
}

/// The next index in an issuer's status list, from 0.
fn next_status_index(c: &Connection, issuer: &str) -> Result<u32, LedgerError> {
    let index: i64 = c.query_row(
        "INSERT INTO status_counters (issuer, last_index) VALUES (?1, 0)
         ON CONFLICT (issuer) DO UPDATE SET last_index = last_index + 1
         RETURNING last_index",
        [issuer],
        |r| r.get(0),
    )?;
    u32::try_from(index).map_err(|_| LedgerError::Database("status indices exhausted".into()))
}

fn insert_version(
    c: &Connection,
    number: &str,
    version: u16,
    issuer: &str,
    index: u32,
    issued_at: i64,
    signed: &super::SignedLicense,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO license_versions (license_number, version, issuer, status_index, kid,
                                       issued_at, valid_until, qr_text, license, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'valid')",
        params![
            number,
            version,
            issuer,
            index,
            signed.kid,
            issued_at,
            signed.valid_until,
            signed.qr_text,
            signed.license
        ],
    )?;
    c.execute(
        "UPDATE licenses SET current_version = ?2, kid = ?3, qr_text = ?4, license = ?5
         WHERE number = ?1",
        params![number, version, signed.kid, signed.qr_text, signed.license],
    )?;
    bump_status(c, issued_at)
}

fn new_version_in(
    c: &Connection,
    req: &ChangeRequest,
    expected: u16,
    issuer: &str,
    sign: SignVersion,
) -> rusqlite::Result<Result<Changed, LedgerError>> {
    let current = match current_version(c, &req.license_number)? {
        Ok(v) => v,
        Err(answer) => return Ok(Ok(answer)),
    };
    if current.version != expected {
        return Ok(Ok(Changed::VersionChanged(current.version)));
    }
    if current.state != VersionState::Valid {
        return Ok(Ok(Changed::WrongState(current.state)));
    }
    let Some(next) = current.version.checked_add(1) else {
        return Ok(Ok(Changed::WrongState(current.state)));
    };
    let index = match next_status_index(c, issuer) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let signed = match sign(index) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.into())),
    };
    c.execute(
        "UPDATE license_versions SET state = 'superseded', state_since = ?3, superseded_by = ?4,
                reason = ?5
         WHERE license_number = ?1 AND version = ?2",
        params![
            req.license_number,
            current.version,
            status_day(req.at),
            next,
            req.reason
        ],
    )?;
    insert_version(c, &req.license_number, next, issuer, index, req.at, &signed)?;
    if let Some(h) = &req.holder {
        record_holder_in(c, h, &req.license_number, next)?;
    }
    Ok(Ok(Changed::Done(Box::new(StoredVersion {
        license_number: req.license_number.clone(),
        version: next,
        issuer: issuer.to_owned(),
        status_index: index,
        issued_at: req.at,
        valid_until: signed.valid_until,
        qr_text: signed.qr_text,
        license: signed.license,
        state: VersionState::Valid,
        state_since: None,
        state_until: None,
        reason: None,
        superseded_by: None,
    }))))
}

/// Revokes a license: its current version if it has versions (not when cancelled), and the
/// `revocations` row every license gets (the tracking page's reason; the status list's
/// by-number section for licenses without versions).
fn insert_revocation(
    tx: &Connection,
    number: &str,
    reason: &str,
    at: i64,
) -> rusqlite::Result<Revoked> {
    let known: Option<Option<i64>> = tx
        .query_row(
            "SELECT current_version FROM licenses WHERE number = ?1",
            [number],
            |r| r.get(0),
        )
        .optional()?;
    let Some(current) = known else {
        return Ok(Revoked::UnknownLicense);
    };
    if current.is_some() {
        let state: String = tx.query_row(
            "SELECT v.state FROM license_versions v JOIN licenses l
               ON l.number = v.license_number AND l.current_version = v.version
             WHERE l.number = ?1",
            [number],
            |r| r.get(0),
        )?;
        match state.as_str() {
            "revoked" => return Ok(Revoked::Already),
            "cancelled" => return Ok(Revoked::Cancelled),
            _ => {}
        }
        tx.execute(
            "UPDATE license_versions SET state = 'revoked', state_since = ?2, state_until = NULL,
                    reason = ?3
             WHERE license_number = ?1
               AND version = (SELECT current_version FROM licenses WHERE number = ?1)",
            params![number, status_day(at), reason],
        )?;
    }
    let added = tx.execute(
        "INSERT INTO revocations (license_number, reason, revoked_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (license_number) DO NOTHING",
        params![number, reason, at],
    )?;
    if added == 0 {
        return Ok(Revoked::Already);
    }
    bump_status(tx, at)?;
    Ok(Revoked::New)
}
