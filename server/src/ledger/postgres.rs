//! The PostgreSQL ledger, for several stateless server instances on one database.
//!
//! Durable before answering: PostgreSQL's `synchronous_commit` (on by default, and required
//! here) makes every COMMIT wait for its WAL flush. One license per application id is the
//! `applications` primary key (a second insert of the same id, from any instance, waits for
//! the first transaction, then finds its row); numbers come from `license_counters`, whose row
//! stays locked until COMMIT.
//!
//! That lock would let one division's issuances through one fsync at a time (measured: about
//! 500 licenses/s, p99 over 400 ms, one transaction per issuance). So issuances are grouped
//! as in the SQLite writer: each instance's writer takes every issuance waiting (up to
//! `MAX_BATCH`) into one transaction of a handful of set-wise statements — the applications,
//! one counter step per division and year, the licenses — and answers them all after COMMIT.
//! Rows are written in key order, so two instances' batches never deadlock. Every statement is
//! prepared (and cached per connection); reads and other writes use the pool.

use std::collections::BTreeMap;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::NoTls;

use super::{
    ChangeRequest, Changed, CheckConsequence, CheckRecorded, Found, HolderRecord, Inserted, Ledger,
    LedgerError, LedgerFuture, LoginLock, MAX_SEQUENCE, NewApplication, Revocation, Revoked,
    STATUS_MARK, SignNumbered, SignVersion, StaffAccount, StatusChange, StatusMark, StatusesAsOf,
    StoredApplication, StoredCase, StoredCheck, StoredHolder, StoredSession, StoredVersion,
    VersionState, changed_from_text, license_number, purpose_from_name, purpose_name,
    role_from_name, role_name, status_day, status_entries,
};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// Connections per instance, for reads and the writer.
const POOL_SIZE: usize = 16;
/// Most issuances in one transaction.
const MAX_BATCH: usize = 1024;

/// Taken while migrating, so instances starting together migrate one after the other.
const MIGRATION_LOCK: i64 = 0x5969_7965_4c65_6467; // "YiyeLedg"

impl From<tokio_postgres::Error> for LedgerError {
    fn from(e: tokio_postgres::Error) -> Self {
        LedgerError::Database(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for LedgerError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        LedgerError::Database(e.to_string())
    }
}

pub struct PostgresLedger {
    pool: Pool,
    writer: mpsc::Sender<IssueJob>,
}

/// One issuance waiting for the writer.
struct IssueJob {
    application: NewApplication,
    sign: SignNumbered,
    reply: oneshot::Sender<Result<Inserted, LedgerError>>,
}

/// Division codes are six digits: they fit PostgreSQL's INTEGER.
fn db_division(division: u32) -> Result<i32, LedgerError> {
    i32::try_from(division).map_err(|_| LedgerError::Database(format!("division {division}")))
}

impl PostgresLedger {
    /// Connects, migrates (with refinery, under an advisory lock) and seeds the registry when
    /// it is empty.
    pub async fn open(url: &str, registry_seed: &[(String, String)]) -> Result<Self, LedgerError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| LedgerError::Start(format!("database URL: {e}")))?;
        let (mut client, connection) = config.connect(NoTls).await?;
        let driver = tokio::spawn(connection);
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        let migrated = embedded::migrations::runner()
            .run_async(&mut client)
            .await
            .map_err(|e| LedgerError::Start(format!("migrations: {e}")));
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await?;
        for migration in migrated?.applied_migrations() {
            tracing::info!(migration = %migration, "applied ledger migration");
        }
        let synchronous: String = client
            .query_one("SHOW synchronous_commit", &[])
            .await?
            .get(0);
        if synchronous == "off" {
            return Err(LedgerError::Start(
                "synchronous_commit is off: an answered license could be lost; turn it on".into(),
            ));
        }
        let empty: bool = client
            .query_one("SELECT NOT EXISTS (SELECT 1 FROM registry)", &[])
            .await?
            .get(0);
        if empty {
            let tx = client.transaction().await?;
            let insert = tx
                .prepare(
                    "INSERT INTO registry (credit_code, record) VALUES ($1, $2)
                     ON CONFLICT (credit_code) DO NOTHING",
                )
                .await?;
            for (code, record) in registry_seed {
                tx.execute(&insert, &[code, record]).await?;
            }
            tx.commit().await?;
            tracing::info!(enterprises = registry_seed.len(), "seeded the registry");
        }
        drop(client);
        let _ = driver.await;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| LedgerError::Start(e.to_string()))?;
        let (writer, jobs) = mpsc::channel(MAX_BATCH * 4);
        tokio::spawn(write_loop(pool.clone(), jobs));
        Ok(Self { pool, writer })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, LedgerError> {
        Ok(self.pool.get().await?)
    }
}

/// An application with its license (the one it was issued on, or the version a holder's
/// change or renewal issued) and revocation; the caller adds the condition on `a.id`.
const APPLICATION_COLUMNS: &str = "SELECT a.id, a.content_hash, a.industry, a.received_at,
            COALESCE(l.number, v.license_number), COALESCE(l.license, v.license),
            r.reason, r.revoked_at
     FROM applications a
     LEFT JOIN licenses l ON l.application_id = a.id
     LEFT JOIN holder_applications h ON h.application_id = a.id AND h.purpose <> 'cancellation'
     LEFT JOIN license_versions v ON v.license_number = h.license_number AND v.version = h.version
     LEFT JOIN revocations r ON r.license_number = COALESCE(l.number, v.license_number)
     WHERE (l.number IS NOT NULL OR v.license IS NOT NULL) AND";

const STAFF_COLUMNS: &str = "SELECT username, display_name, role, department, password_hash,
    created_at, failed_logins, locked_until FROM staff";

fn staff_account(row: &tokio_postgres::Row) -> Result<StaffAccount, LedgerError> {
    Ok(StaffAccount {
        username: row.get(0),
        display_name: row.get(1),
        role: role_from_name(row.get(2))?,
        department: row.get(3),
        password_hash: row.get(4),
        created_at: row.get(5),
        failed_logins: row.get(6),
        locked_until: row.get(7),
    })
}

const CASE_COLUMNS: &str =
    "SELECT id, content_hash, industry, body, request, received_at, revision,
                                   status, state, version FROM review_cases";

fn case_row(r: &tokio_postgres::Row) -> StoredCase {
    case_at(r, 0)
}

/// A case from the row's columns `at..at + 10`, in [`CASE_COLUMNS`]' order.
fn case_at(r: &tokio_postgres::Row, at: usize) -> StoredCase {
    StoredCase {
        id: r.get(at),
        content_hash: r.get(at + 1),
        industry: r.get(at + 2),
        body: r.get(at + 3),
        request: r.get(at + 4),
        received_at: r.get(at + 5),
        revision: r.get(at + 6),
        status: r.get(at + 7),
        state: r.get(at + 8),
        version: r.get(at + 9),
    }
}

/// An id's license (columns 0–7, as [`APPLICATION_COLUMNS`]) or else its review case
/// (columns 8–17), and a holder's application (columns 18–21: a cancellation has no license),
/// in one row whatever the ledger holds.
const FIND: &str = "SELECT a.id, a.content_hash, a.industry, a.received_at,
            COALESCE(l.number, v.license_number), COALESCE(l.license, v.license),
            r.reason, r.revoked_at,
            c.id, c.content_hash, c.industry, c.body, c.request, c.received_at, c.revision,
            c.status, c.state, c.version,
            h.license_number, h.purpose, h.version, h.changed
     FROM (SELECT $1::TEXT AS id) k
     LEFT JOIN applications a ON a.id = k.id
     LEFT JOIN licenses l ON l.application_id = a.id
     LEFT JOIN holder_applications h ON h.application_id = a.id
     LEFT JOIN license_versions v ON h.purpose <> 'cancellation'
          AND v.license_number = h.license_number AND v.version = h.version
     LEFT JOIN revocations r ON r.license_number = COALESCE(l.number, v.license_number)
     LEFT JOIN review_cases c ON c.id = k.id AND l.number IS NULL AND v.license IS NULL";

const HOLDER_COLUMNS: &str = "SELECT h.application_id, a.content_hash, a.industry, a.received_at,
    h.license_number, h.purpose, h.version, h.changed
    FROM holder_applications h JOIN applications a ON a.id = h.application_id";

/// A holder's application from columns: id, content hash, industry, received, then `at..at+4`
/// license number, purpose, version, changed.
fn holder_at(r: &tokio_postgres::Row, at: usize) -> Result<StoredHolder, LedgerError> {
    let version: i32 = r.get(at + 2);
    Ok(StoredHolder {
        application_id: r.get(0),
        content_hash: r.get(1),
        industry: r.get(2),
        received_at: r.get(3),
        license_number: r.get(at),
        purpose: purpose_from_name(r.get(at + 1))?,
        version: u16::try_from(version)
            .map_err(|_| LedgerError::Database(format!("version {version}")))?,
        changed: changed_from_text(r.get(at + 3)),
    })
}

/// Records a holder's application about `version` of `number` (and a change's checks).
async fn record_holder_in(
    tx: &deadpool_postgres::Transaction<'_>,
    h: &HolderRecord,
    number: &str,
    version: u16,
) -> Result<(), LedgerError> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO applications (id, content_hash, industry, body, received_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    tx.execute(
        &insert,
        &[
            &h.application_id,
            &h.content_hash,
            &h.industry,
            &h.body,
            &h.received_at,
        ],
    )
    .await?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO holder_applications (application_id, license_number, purpose, version,
                                              changed)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    tx.execute(
        &insert,
        &[
            &h.application_id,
            &number,
            &purpose_name(h.purpose),
            &i32::from(version),
            &h.changed.join(","),
        ],
    )
    .await?;
    let insert = tx
        .prepare_cached(
            "INSERT INTO supervision_checks (application_id, permit, license_number, department,
                                             industry, business_name, due_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .await?;
    for check in &h.checks {
        tx.execute(
            &insert,
            &[
                &h.application_id,
                &check.permit,
                &number,
                &check.department,
                &h.industry,
                &check.business_name,
                &check.due_on,
                &h.received_at,
            ],
        )
        .await?;
    }
    Ok(())
}

fn stored(row: &tokio_postgres::Row) -> StoredApplication {
    let reason: Option<String> = row.get(6);
    StoredApplication {
        id: row.get(0),
        content_hash: row.get(1),
        industry: row.get(2),
        received_at: row.get(3),
        license_number: row.get(4),
        license: row.get(5),
        revoked: reason.map(|reason| Revocation {
            reason,
            revoked_at: row.get(7),
        }),
    }
}

/// Takes every issuance waiting, writes them in one transaction, answers them after COMMIT.
async fn write_loop(pool: Pool, mut jobs: mpsc::Receiver<IssueJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let size = batch.len();
        let (replies, outcome) = split(batch);
        match issue_batch(&pool, outcome).await {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, size, "ledger batch failed; nothing from it was answered as issued");
                let message = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(LedgerError::Database(message.clone())));
                }
            }
        }
    }
}

type Reply = oneshot::Sender<Result<Inserted, LedgerError>>;

fn split(batch: Vec<IssueJob>) -> (Vec<Reply>, Vec<(NewApplication, SignNumbered)>) {
    batch
        .into_iter()
        .map(|j| (j.reply, (j.application, j.sign)))
        .unzip()
}

/// What became of one job of a batch, before the answer is put together.
enum Outcome {
    /// Numbered, to be signed.
    Numbered(String, i64),
    /// The id was in the ledger before this batch.
    Existing,
    /// The same id as an earlier job of this batch (its index).
    SameAs(usize),
    NumbersExhausted,
}

/// The batch in one transaction: every application row (in id order), one counter step per
/// division and year (in that order), every license; then COMMIT.
async fn issue_batch(
    pool: &Pool,
    jobs: Vec<(NewApplication, SignNumbered)>,
) -> Result<Vec<Inserted>, LedgerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;

    // The first job of each id inserts it; later ones of the same id get its answer.
    let mut first_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(jobs.len());
    for (i, (a, _)) in jobs.iter().enumerate() {
        match first_of.get(a.id.as_str()) {
            Some(&first) => outcomes.push(Some(Outcome::SameAs(first))),
            None => {
                first_of.insert(&a.id, i);
                outcomes.push(None);
            }
        }
    }
    let firsts: Vec<usize> = first_of.values().copied().collect(); // in id order
    let column = |f: &dyn Fn(&NewApplication) -> String| -> Vec<String> {
        firsts.iter().map(|&i| f(&jobs[i].0)).collect()
    };
    let insert = tx
        .prepare_cached(
            "INSERT INTO applications (id, content_hash, industry, body, received_at)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
             ON CONFLICT (id) DO NOTHING RETURNING id",
        )
        .await?;
    let received: Vec<i64> = firsts.iter().map(|&i| jobs[i].0.received_at).collect();
    let added: std::collections::HashSet<String> = tx
        .query(
            &insert,
            &[
                &column(&|a| a.id.clone()),
                &column(&|a| a.content_hash.clone()),
                &column(&|a| a.industry.clone()),
                &column(&|a| a.body.clone()),
                &received,
            ],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();

    // Numbers: one counter step per division and year, in key order.
    let mut wanting: BTreeMap<(i32, i32), Vec<usize>> = BTreeMap::new();
    for &i in &firsts {
        let a = &jobs[i].0;
        if added.contains(&a.id) {
            wanting
                .entry((db_division(a.division)?, a.year))
                .or_default()
                .push(i);
        } else {
            outcomes[i] = Some(Outcome::Existing);
        }
    }
    let counter = tx
        .prepare_cached(
            "INSERT INTO license_counters (division, year, last_seq) VALUES ($1, $2, $3)
             ON CONFLICT (division, year) DO UPDATE SET last_seq = license_counters.last_seq + $3
             RETURNING last_seq",
        )
        .await?;
    for ((division, year), members) in &wanting {
        let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
        let last: i64 = tx
            .query_one(&counter, &[division, year, &count])
            .await?
            .get(0);
        for (seq, &i) in (last - count + 1..).zip(members) {
            let a = &jobs[i].0;
            outcomes[i] = Some(if seq > MAX_SEQUENCE {
                Outcome::NumbersExhausted
            } else {
                Outcome::Numbered(license_number(a.division, a.year, seq), seq)
            });
        }
    }

    // Status indices: one counter step per issuer (in key order), for every numbered job.
    let mut issuers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        if let Some(Outcome::Numbered(..)) = outcome {
            issuers
                .entry(jobs[i].0.issuer.as_str())
                .or_default()
                .push(i);
        }
    }
    let status_counter = tx
        .prepare_cached(
            "INSERT INTO status_counters (issuer, last_index) VALUES ($1, $2::bigint - 1)
             ON CONFLICT (issuer) DO UPDATE SET last_index = status_counters.last_index + $2::bigint
             RETURNING last_index",
        )
        .await?;
    let mut indices: Vec<u32> = vec![0; jobs.len()];
    for (issuer, members) in &issuers {
        let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
        let last: i64 = tx
            .query_one(&status_counter, &[issuer, &count])
            .await?
            .get(0);
        for (index, &i) in (last - count + 1..).zip(members) {
            indices[i] = u32::try_from(index)
                .map_err(|_| LedgerError::Database("status indices exhausted".into()))?;
        }
    }

    // Sign, then write every license in one statement.
    let mut pending = Vec::with_capacity(jobs.len());
    let mut rows = LicenseRows::default();
    let mut checks = CheckRows::default();
    // Each job's application as the ledger holds it once this batch commits, where known:
    // what a repeat of its id in the same batch is answered with.
    let mut held: Vec<Option<StoredApplication>> = (0..jobs.len()).map(|_| None).collect();
    for (i, (a, sign)) in jobs.into_iter().enumerate() {
        pending.push(match outcomes[i].take() {
            Some(Outcome::Numbered(number, seq)) => {
                let signed = sign(&number, indices[i])?;
                rows.push(&a, &number, seq, indices[i], &signed)?;
                checks.push(&a, &number);
                held[i] = Some(StoredApplication {
                    id: a.id,
                    content_hash: a.content_hash,
                    industry: a.industry,
                    received_at: a.received_at,
                    license_number: number,
                    license: signed.license.clone(),
                    revoked: None,
                });
                Pending::Done(Inserted::New(signed))
            }
            Some(Outcome::Existing) => Pending::InLedger(a.id),
            Some(Outcome::SameAs(first)) => Pending::SameAs(first),
            Some(Outcome::NumbersExhausted) | None => Pending::Done(Inserted::NumbersExhausted),
        });
    }
    if !rows.number.is_empty() {
        let insert = tx
            .prepare_cached(
                "INSERT INTO licenses (number, application_id, division, year, seq, kid, issued_at,
                                       qr_text, license, current_version)
                 SELECT *, 1 FROM UNNEST($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[],
                                         $6::text[], $7::bigint[], $8::text[], $9::text[])",
            )
            .await?;
        let versions = tx
            .prepare_cached(
                "INSERT INTO license_versions (license_number, version, issuer, status_index, kid,
                                               issued_at, valid_until, qr_text, license, state)
                 SELECT n, 1, i, x, k, a, u, q, l, 'valid'
                 FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[],
                             $6::bigint[], $7::text[], $8::text[]) AS t(n, i, x, k, a, u, q, l)",
            )
            .await?;
        tx.execute(
            &insert,
            &[
                &rows.number,
                &rows.application_id,
                &rows.division,
                &rows.year,
                &rows.seq,
                &rows.kid,
                &rows.issued_at,
                &rows.qr_text,
                &rows.license,
            ],
        )
        .await?;
        tx.execute(
            &versions,
            &[
                &rows.number,
                &rows.issuer,
                &rows.status_index,
                &rows.kid,
                &rows.issued_at,
                &rows.valid_until,
                &rows.qr_text,
                &rows.license,
            ],
        )
        .await?;
        let latest = rows.issued_at.iter().copied().max().unwrap_or(0);
        bump_status(&tx, latest).await?;
    }
    if !checks.permit.is_empty() {
        let insert = tx
            .prepare_cached(
                "INSERT INTO supervision_checks (application_id, permit, license_number, department,
                                                 industry, business_name, due_on, created_at)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                      $6::text[], $7::text[], $8::bigint[])",
            )
            .await?;
        tx.execute(
            &insert,
            &[
                &checks.application_id,
                &checks.permit,
                &checks.license_number,
                &checks.department,
                &checks.industry,
                &checks.business_name,
                &checks.due_on,
                &checks.created_at,
            ],
        )
        .await?;
    }
    let before: Vec<&str> = pending
        .iter()
        .filter_map(|p| match p {
            Pending::InLedger(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut found = BTreeMap::new();
    if !before.is_empty() {
        let select = tx
            .prepare_cached(&format!("{APPLICATION_COLUMNS} a.id = ANY($1)"))
            .await?;
        for row in tx.query(&select, &[&before]).await? {
            let stored = stored(&row);
            found.insert(stored.id.clone(), stored);
        }
    }
    // Returns once the commit's WAL record is flushed (synchronous_commit).
    tx.commit().await?;

    let mut answers = Vec::with_capacity(pending.len());
    for (i, p) in pending.into_iter().enumerate() {
        answers.push(match p {
            Pending::Done(done) => done,
            Pending::InLedger(id) => {
                let stored = found.remove(&id).ok_or_else(|| {
                    LedgerError::Database(format!("application {id} has no license"))
                })?;
                held[i] = Some(stored.clone());
                Inserted::Existing(Box::new(stored))
            }
            // The earlier job of the same id comes first, so its row is known by now (none if
            // it found no number).
            Pending::SameAs(first) => held
                .get(first)
                .cloned()
                .flatten()
                .map_or(Inserted::NumbersExhausted, |s| {
                    Inserted::Existing(Box::new(s))
                }),
        });
    }
    Ok(answers)
}

/// A job's answer once the batch commits.
enum Pending {
    Done(Inserted),
    /// Its id was in the ledger before this batch.
    InLedger(String),
    /// A repeat of an earlier job's id in this batch (that job's index).
    SameAs(usize),
}

/// The columns of the licenses of one batch, for one UNNEST insert.
#[derive(Default)]
struct LicenseRows {
    number: Vec<String>,
    application_id: Vec<String>,
    division: Vec<i32>,
    year: Vec<i32>,
    seq: Vec<i64>,
    kid: Vec<String>,
    issued_at: Vec<i64>,
    qr_text: Vec<String>,
    license: Vec<String>,
    issuer: Vec<String>,
    status_index: Vec<i64>,
    valid_until: Vec<i64>,
}

impl LicenseRows {
    fn push(
        &mut self,
        a: &NewApplication,
        number: &str,
        seq: i64,
        status_index: u32,
        signed: &super::SignedLicense,
    ) -> Result<(), LedgerError> {
        self.issuer.push(a.issuer.clone());
        self.status_index.push(i64::from(status_index));
        self.valid_until.push(signed.valid_until);
        self.number.push(number.to_owned());
        self.application_id.push(a.id.clone());
        self.division.push(db_division(a.division)?);
        self.year.push(a.year);
        self.seq.push(seq);
        self.kid.push(signed.kid.clone());
        self.issued_at.push(a.issued_at);
        self.qr_text.push(signed.qr_text.clone());
        self.license.push(signed.license.clone());
        Ok(())
    }
}

/// The supervision checks of one batch's new licenses, for one UNNEST insert.
#[derive(Default)]
struct CheckRows {
    application_id: Vec<String>,
    permit: Vec<String>,
    license_number: Vec<String>,
    department: Vec<String>,
    industry: Vec<String>,
    business_name: Vec<String>,
    due_on: Vec<String>,
    created_at: Vec<i64>,
}

impl CheckRows {
    fn push(&mut self, a: &NewApplication, number: &str) {
        for check in &a.checks {
            self.application_id.push(a.id.clone());
            self.permit.push(check.permit.clone());
            self.license_number.push(number.to_owned());
            self.department.push(check.department.clone());
            self.industry.push(a.industry.clone());
            self.business_name.push(check.business_name.clone());
            self.due_on.push(check.due_on.clone());
            self.created_at.push(a.issued_at);
        }
    }
}

const CHECK_COLUMNS: &str = "SELECT application_id, permit, license_number, department, industry,
    business_name, due_on, created_at, outcome, checked_at FROM supervision_checks";

fn check_row(r: &tokio_postgres::Row) -> StoredCheck {
    StoredCheck {
        application_id: r.get(0),
        permit: r.get(1),
        license_number: r.get(2),
        department: r.get(3),
        industry: r.get(4),
        business_name: r.get(5),
        due_on: r.get(6),
        created_at: r.get(7),
        outcome: r.get(8),
        checked_at: r.get(9),
    }
}

async fn append_audit_in(
    tx: &deadpool_postgres::Transaction<'_>,
    entry: &contract::AuditEntry,
) -> Result<(), LedgerError> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO audit_log (at, actor, action, application_id, permit, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?;
    tx.execute(
        &insert,
        &[
            &entry.at,
            &entry.actor,
            &entry.action,
            &entry.application_id,
            &entry.permit,
            &entry.detail,
        ],
    )
    .await?;
    Ok(())
}

/// Every issued version and state change moves the status list's mark.
async fn bump_status(tx: &deadpool_postgres::Transaction<'_>, at: i64) -> Result<(), LedgerError> {
    let update = tx
        .prepare_cached(
            "UPDATE status_meta SET changes = changes + 1, changed_at = GREATEST(changed_at, $1)
             WHERE id = 1",
        )
        .await?;
    tx.execute(&update, &[&at]).await?;
    Ok(())
}

/// Revokes inside `tx`: shared by the admin's revocation and a false commitment's. The
/// current version (not when cancelled) and the `revocations` row every license gets (the
/// tracking page's reason; the status list's by-number section for licenses without versions).
async fn insert_revocation(
    tx: &deadpool_postgres::Transaction<'_>,
    number: &str,
    reason: &str,
    at: i64,
) -> Result<Revoked, LedgerError> {
    let known = tx
        .prepare_cached("SELECT current_version FROM licenses WHERE number = $1 FOR UPDATE")
        .await?;
    let Some(row) = tx.query_opt(&known, &[&number]).await? else {
        return Ok(Revoked::UnknownLicense);
    };
    let current: Option<i32> = row.get(0);
    if let Some(version) = current {
        let state = tx
            .prepare_cached(
                "SELECT state FROM license_versions WHERE license_number = $1 AND version = $2",
            )
            .await?;
        let state: String = tx.query_one(&state, &[&number, &version]).await?.get(0);
        match state.as_str() {
            "revoked" => return Ok(Revoked::Already),
            "cancelled" => return Ok(Revoked::Cancelled),
            _ => {}
        }
        let update = tx
            .prepare_cached(
                "UPDATE license_versions SET state = 'revoked', state_since = $3,
                        state_until = NULL, reason = $4
                 WHERE license_number = $1 AND version = $2",
            )
            .await?;
        tx.execute(&update, &[&number, &version, &status_day(at), &reason])
            .await?;
    }
    let insert = tx
        .prepare_cached(
            "INSERT INTO revocations (license_number, reason, revoked_at) VALUES ($1, $2, $3)
             ON CONFLICT (license_number) DO NOTHING",
        )
        .await?;
    let added = tx.execute(&insert, &[&number, &reason, &at]).await?;
    if added == 0 {
        return Ok(Revoked::Already);
    }
    bump_status(tx, at).await?;
    Ok(Revoked::New)
}

const VERSION_COLUMNS: &str = "SELECT license_number, version, issuer, status_index, issued_at,
    valid_until, qr_text, license, state, state_since, state_until, reason, superseded_by
    FROM license_versions";

fn version_row(r: &tokio_postgres::Row) -> Result<StoredVersion, LedgerError> {
    let out_of_range = |what: &str, v: i64| LedgerError::Database(format!("{what} {v}"));
    let version: i32 = r.get(1);
    let index: i64 = r.get(3);
    let state: String = r.get(8);
    let superseded_by: Option<i32> = r.get(12);
    Ok(StoredVersion {
        license_number: r.get(0),
        version: u16::try_from(version).map_err(|_| out_of_range("version", version.into()))?,
        issuer: r.get(2),
        status_index: u32::try_from(index).map_err(|_| out_of_range("status index", index))?,
        issued_at: r.get(4),
        valid_until: r.get(5),
        qr_text: r.get(6),
        license: r.get(7),
        state: VersionState::from_name(&state)?,
        state_since: r.get(9),
        state_until: r.get(10),
        reason: r.get(11),
        superseded_by: superseded_by
            .map(|v| u16::try_from(v).map_err(|_| out_of_range("version", v.into())))
            .transpose()?,
    })
}

/// The current version of a license, its row locked until COMMIT: `Err` with what to answer
/// when there is none.
async fn current_version(
    tx: &deadpool_postgres::Transaction<'_>,
    number: &str,
) -> Result<Result<StoredVersion, Changed>, LedgerError> {
    let select = tx
        .prepare_cached("SELECT current_version FROM licenses WHERE number = $1 FOR UPDATE")
        .await?;
    let Some(row) = tx.query_opt(&select, &[&number]).await? else {
        return Ok(Err(Changed::UnknownLicense));
    };
    let Some(version) = row.get::<_, Option<i32>>(0) else {
        return Ok(Err(Changed::NoVersions));
    };
    let select = tx
        .prepare_cached(&format!(
            "{VERSION_COLUMNS} WHERE license_number = $1 AND version = $2"
        ))
        .await?;
    Ok(Ok(version_row(
        &tx.query_one(&select, &[&number, &version]).await?,
    )?))
}

/// A status change of a license's current version, in the caller's transaction.
async fn change_in(
    tx: &deadpool_postgres::Transaction<'_>,
    change: StatusChange,
    number: &str,
    reason: &str,
    at: i64,
    holder: Option<&HolderRecord>,
) -> Result<Changed, LedgerError> {
    let current = match current_version(tx, number).await? {
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
        record_holder_in(tx, h, number, current.version).await?;
    }
    let version = i32::from(current.version);
    let update = tx
        .prepare_cached(
            "UPDATE license_versions SET state = $3, state_since = $4, state_until = $5,
                    reason = $6
             WHERE license_number = $1 AND version = $2",
        )
        .await?;
    tx.execute(
        &update,
        &[&number, &version, &state.name(), &since, &until, &reason],
    )
    .await?;
    if state == VersionState::Revoked {
        let insert = tx
            .prepare_cached(
                "INSERT INTO revocations (license_number, reason, revoked_at)
                 VALUES ($1, $2, $3) ON CONFLICT (license_number) DO NOTHING",
            )
            .await?;
        tx.execute(&insert, &[&number, &reason, &at]).await?;
    }
    bump_status(tx, at).await?;
    Ok(Changed::Done(Box::new(StoredVersion {
        state,
        state_since: since,
        state_until: until,
        reason: Some(reason.to_owned()),
        ..current
    })))
}

impl Ledger for PostgresLedger {
    fn issue(&self, application: NewApplication, sign: SignNumbered) -> LedgerFuture<'_, Inserted> {
        Box::pin(async move {
            let (reply, answer) = oneshot::channel();
            self.writer
                .send(IssueJob {
                    application,
                    sign,
                    reply,
                })
                .await
                .map_err(|_| LedgerError::WriterGone)?;
            answer.await.map_err(|_| LedgerError::WriterGone)?
        })
    }

    fn revoke(&self, number: String, reason: String, at: i64) -> LedgerFuture<'_, Revoked> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let revoked = insert_revocation(&tx, &number, &reason, at).await?;
            tx.commit().await?;
            Ok(revoked)
        })
    }

    fn application(&self, id: String) -> LedgerFuture<'_, Option<StoredApplication>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!("{APPLICATION_COLUMNS} a.id = $1"))
                .await?;
            Ok(client
                .query_opt(&select, &[&id])
                .await?
                .as_ref()
                .map(stored))
        })
    }

    fn application_body(
        &self,
        license_number: String,
    ) -> LedgerFuture<'_, Option<(String, String)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(
                    "SELECT COALESCE(
                            (SELECT b.body FROM holder_applications h
                             JOIN applications b ON b.id = h.application_id
                             WHERE h.license_number = l.number AND h.purpose <> 'cancellation'
                             ORDER BY h.version DESC LIMIT 1),
                            a.body),
                            l.license
                     FROM licenses l JOIN applications a ON a.id = l.application_id
                     WHERE l.number = $1",
                )
                .await?;
            Ok(client
                .query_opt(&select, &[&license_number])
                .await?
                .map(|r| (r.get(0), r.get(1))))
        })
    }

    fn registry(&self, credit_code: String) -> LedgerFuture<'_, Option<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached("SELECT record FROM registry WHERE credit_code = $1")
                .await?;
            Ok(client
                .query_opt(&select, &[&credit_code])
                .await?
                .map(|r| r.get(0)))
        })
    }

    fn enrol_device(
        &self,
        kid: String,
        device_id: String,
        entry: String,
        at: i64,
    ) -> LedgerFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            let upsert = client
                .prepare_cached(
                    "INSERT INTO devices (kid, device_id, entry, enrolled_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (kid) DO UPDATE SET device_id = EXCLUDED.device_id, entry = EXCLUDED.entry",
                )
                .await?;
            client
                .execute(&upsert, &[&kid, &device_id, &entry, &at])
                .await?;
            Ok(())
        })
    }

    fn open_case(&self, case: StoredCase) -> LedgerFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let insert = client
                .prepare_cached(
                    "INSERT INTO review_cases (id, content_hash, industry, body, request, received_at,
                                               revision, status, state, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
                )
                .await?;
            let added = client
                .execute(
                    &insert,
                    &[
                        &case.id,
                        &case.content_hash,
                        &case.industry,
                        &case.body,
                        &case.request,
                        &case.received_at,
                        &case.revision,
                        &case.status,
                        &case.state,
                        &case.version,
                    ],
                )
                .await?;
            Ok(added == 1)
        })
    }

    /// One round trip: intake's hot path asks this for every new application.
    fn find(&self, id: String) -> LedgerFuture<'_, Found> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client.prepare_cached(FIND).await?;
            let row = client.query_one(&select, &[&id]).await?;
            let number: Option<String> = row.get(4);
            let case: Option<String> = row.get(8);
            let purpose: Option<String> = row.get(19);
            Ok(if number.is_some() {
                Found::Issued(Box::new(stored(&row)))
            } else if purpose.as_deref() == Some("cancellation") {
                Found::Cancellation(Box::new(holder_at(&row, 18)?))
            } else if case.is_some() {
                Found::Case(Box::new(case_at(&row, 8)))
            } else {
                Found::Nothing
            })
        })
    }

    fn case(&self, id: String) -> LedgerFuture<'_, Option<StoredCase>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!("{CASE_COLUMNS} WHERE id = $1"))
                .await?;
            Ok(client
                .query_opt(&select, &[&id])
                .await?
                .as_ref()
                .map(case_row))
        })
    }

    /// One statement: PostgreSQL re-checks `version` on the row it locks, so of two
    /// instances changing the same case, the second finds the version moved and updates
    /// nothing.
    fn update_case(&self, case: StoredCase, expected: i64) -> LedgerFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let update = client
                .prepare_cached(
                    "UPDATE review_cases SET content_hash = $2, body = $3, request = $4,
                            revision = $5, status = $6, state = $7, version = $8
                     WHERE id = $1 AND version = $9",
                )
                .await?;
            let changed = client
                .execute(
                    &update,
                    &[
                        &case.id,
                        &case.content_hash,
                        &case.body,
                        &case.request,
                        &case.revision,
                        &case.status,
                        &case.state,
                        &case.version,
                        &expected,
                    ],
                )
                .await?;
            Ok(changed == 1)
        })
    }

    fn cases(&self, status: String) -> LedgerFuture<'_, Vec<StoredCase>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!(
                    "{CASE_COLUMNS} WHERE status = $1 ORDER BY received_at, id"
                ))
                .await?;
            Ok(client
                .query(&select, &[&status])
                .await?
                .iter()
                .map(case_row)
                .collect())
        })
    }

    fn checks(&self, department: Option<String>) -> LedgerFuture<'_, Vec<StoredCheck>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!(
                    "{CHECK_COLUMNS} WHERE $1::TEXT IS NULL OR department = $1
                     ORDER BY due_on, application_id, permit"
                ))
                .await?;
            Ok(client
                .query(&select, &[&department])
                .await?
                .iter()
                .map(check_row)
                .collect())
        })
    }

    fn application_checks(&self, application: String) -> LedgerFuture<'_, Vec<StoredCheck>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!(
                    "{CHECK_COLUMNS} WHERE application_id = $1 ORDER BY permit"
                ))
                .await?;
            Ok(client
                .query(&select, &[&application])
                .await?
                .iter()
                .map(check_row)
                .collect())
        })
    }

    fn record_check(
        &self,
        application: String,
        permit: String,
        outcome: String,
        at: i64,
        consequence: Option<CheckConsequence>,
    ) -> LedgerFuture<'_, CheckRecorded> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // The row stays locked until COMMIT: two instances recording at once record once.
            let select = tx
                .prepare_cached(
                    "SELECT license_number, outcome IS NOT NULL FROM supervision_checks
                     WHERE application_id = $1 AND permit = $2 FOR UPDATE",
                )
                .await?;
            let Some(row) = tx.query_opt(&select, &[&application, &permit]).await? else {
                return Ok(CheckRecorded::Unknown);
            };
            let (number, recorded): (String, bool) = (row.get(0), row.get(1));
            if recorded {
                return Ok(CheckRecorded::Already);
            }
            let update = tx
                .prepare_cached(
                    "UPDATE supervision_checks SET outcome = $3, checked_at = $4
                     WHERE application_id = $1 AND permit = $2",
                )
                .await?;
            tx.execute(&update, &[&application, &permit, &outcome, &at])
                .await?;
            match consequence {
                Some(CheckConsequence::Revoke { reason }) => {
                    insert_revocation(&tx, &number, &reason, at).await?;
                }
                Some(CheckConsequence::Suspend { until, reason }) => {
                    let change = StatusChange::Suspend { until };
                    match change_in(&tx, change, &number, &reason, at, None).await? {
                        Changed::Done(_) => {}
                        refused => return Ok(CheckRecorded::NotSuspended(refused)),
                    }
                }
                None => {}
            }
            tx.commit().await?;
            Ok(CheckRecorded::New)
        })
    }

    fn append_audit(&self, entry: contract::AuditEntry) -> LedgerFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            append_audit_in(&tx, &entry).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn audit_entries(
        &self,
        application: Option<String>,
    ) -> LedgerFuture<'_, Vec<contract::AuditEntry>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(
                    "SELECT at, actor, action, application_id, permit, detail FROM audit_log
                     WHERE $1::TEXT IS NULL OR application_id = $1 ORDER BY seq",
                )
                .await?;
            Ok(client
                .query(&select, &[&application])
                .await?
                .iter()
                .map(|r| contract::AuditEntry {
                    at: r.get(0),
                    actor: r.get(1),
                    action: r.get(2),
                    application_id: r.get(3),
                    permit: r.get(4),
                    detail: r.get(5),
                })
                .collect())
        })
    }

    fn add_staff(&self, a: StaffAccount) -> LedgerFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let insert = client
                .prepare_cached(
                    "INSERT INTO staff (username, display_name, role, department, password_hash,
                                        created_at, failed_logins, locked_until)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
                )
                .await?;
            let added = client
                .execute(
                    &insert,
                    &[
                        &a.username,
                        &a.display_name,
                        &role_name(a.role),
                        &a.department,
                        &a.password_hash,
                        &a.created_at,
                        &a.failed_logins,
                        &a.locked_until,
                    ],
                )
                .await?;
            Ok(added == 1)
        })
    }

    fn staff(&self, username: String) -> LedgerFuture<'_, Option<StaffAccount>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!("{STAFF_COLUMNS} WHERE username = $1"))
                .await?;
            client
                .query_opt(&select, &[&username])
                .await?
                .as_ref()
                .map(staff_account)
                .transpose()
        })
    }

    fn staff_list(&self) -> LedgerFuture<'_, Vec<StaffAccount>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!("{STAFF_COLUMNS} ORDER BY username"))
                .await?;
            client
                .query(&select, &[])
                .await?
                .iter()
                .map(staff_account)
                .collect()
        })
    }

    fn set_staff_password(
        &self,
        username: String,
        password_hash: String,
    ) -> LedgerFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let update = client
                .prepare_cached(
                    "UPDATE staff SET password_hash = $2, failed_logins = 0, locked_until = NULL
                     WHERE username = $1",
                )
                .await?;
            Ok(client
                .execute(&update, &[&username, &password_hash])
                .await?
                == 1)
        })
    }

    fn staff_login_failed(
        &self,
        username: String,
        lock: LoginLock,
    ) -> LedgerFuture<'_, Option<i64>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // The first UPDATE locks the row until COMMIT: concurrent failures count one by one.
            let tx = client.transaction().await?;
            let count = tx
                .prepare_cached(
                    "UPDATE staff SET failed_logins = failed_logins + 1 WHERE username = $1
                     RETURNING failed_logins",
                )
                .await?;
            let count: Option<i64> = tx.query_opt(&count, &[&username]).await?.map(|r| r.get(0));
            if let Some(count) = count {
                let set = tx
                    .prepare_cached("UPDATE staff SET locked_until = $2 WHERE username = $1")
                    .await?;
                tx.execute(&set, &[&username, &lock.until(count)]).await?;
            }
            tx.commit().await?;
            Ok(count)
        })
    }

    fn staff_login_succeeded(&self, username: String) -> LedgerFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            let update = client
                .prepare_cached(
                    "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE username = $1",
                )
                .await?;
            client.execute(&update, &[&username]).await?;
            Ok(())
        })
    }

    fn create_session(&self, id_hash: String, s: StoredSession) -> LedgerFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let insert = client
                .prepare_cached(
                    "INSERT INTO staff_sessions (id_hash, data, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (id_hash) DO NOTHING",
                )
                .await?;
            let added = client
                .execute(&insert, &[&id_hash, &s.data, &s.expires_at])
                .await?;
            Ok(added == 1)
        })
    }

    fn save_session(&self, id_hash: String, s: StoredSession) -> LedgerFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            let upsert = client
                .prepare_cached(
                    "INSERT INTO staff_sessions (id_hash, data, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (id_hash) DO UPDATE
                     SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at",
                )
                .await?;
            client
                .execute(&upsert, &[&id_hash, &s.data, &s.expires_at])
                .await?;
            Ok(())
        })
    }

    fn session(&self, id_hash: String, now: i64) -> LedgerFuture<'_, Option<StoredSession>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(
                    "SELECT data, expires_at FROM staff_sessions WHERE id_hash = $1 AND expires_at > $2",
                )
                .await?;
            Ok(client
                .query_opt(&select, &[&id_hash, &now])
                .await?
                .map(|r| StoredSession {
                    data: r.get(0),
                    expires_at: r.get(1),
                }))
        })
    }

    fn delete_session(&self, id_hash: String) -> LedgerFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            let delete = client
                .prepare_cached("DELETE FROM staff_sessions WHERE id_hash = $1")
                .await?;
            client.execute(&delete, &[&id_hash]).await?;
            Ok(())
        })
    }

    fn delete_expired_sessions(&self, now: i64) -> LedgerFuture<'_, u64> {
        Box::pin(async move {
            let client = self.client().await?;
            let delete = client
                .prepare_cached("DELETE FROM staff_sessions WHERE expires_at <= $1")
                .await?;
            Ok(client.execute(&delete, &[&now]).await?)
        })
    }

    fn device_entries(&self) -> LedgerFuture<'_, Vec<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached("SELECT entry FROM devices ORDER BY enrolled_at, kid")
                .await?;
            Ok(client
                .query(&select, &[])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn status_mark(&self) -> LedgerFuture<'_, StatusMark> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client.prepare_cached(STATUS_MARK).await?;
            let row = client.query_one(&select, &[]).await?;
            Ok(StatusMark {
                changes: row.get(0),
                as_of: row.get(1),
            })
        })
    }

    fn statuses(&self, issuer: String) -> LedgerFuture<'_, StatusesAsOf> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // One snapshot for the list and its mark.
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let select = tx.prepare_cached(STATUS_MARK).await?;
            let row = tx.query_one(&select, &[]).await?;
            let mark = StatusMark {
                changes: row.get(0),
                as_of: row.get(1),
            };
            let select = tx
                .prepare_cached(
                    "SELECT status_index, state, state_since, state_until FROM license_versions
                     WHERE issuer = $1 ORDER BY status_index",
                )
                .await?;
            let rows = tx
                .query(&select, &[&issuer])
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                .collect();
            let select = tx
                .prepare_cached(
                    "SELECT r.license_number FROM revocations r
                     JOIN licenses l ON l.number = r.license_number
                     WHERE l.current_version IS NULL ORDER BY r.revoked_at, r.license_number",
                )
                .await?;
            let by_number = tx
                .query(&select, &[])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            tx.commit().await?;
            Ok(StatusesAsOf {
                entries: status_entries(rows)?,
                by_number,
                mark,
            })
        })
    }

    fn versions(&self, number: String) -> LedgerFuture<'_, Vec<StoredVersion>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!(
                    "{VERSION_COLUMNS} WHERE license_number = $1 ORDER BY version"
                ))
                .await?;
            client
                .query(&select, &[&number])
                .await?
                .iter()
                .map(version_row)
                .collect()
        })
    }

    fn holder_applications(&self, number: String) -> LedgerFuture<'_, Vec<StoredHolder>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached(&format!(
                    "{HOLDER_COLUMNS} WHERE h.license_number = $1 ORDER BY h.version, a.received_at"
                ))
                .await?;
            client
                .query(&select, &[&number])
                .await?
                .iter()
                .map(|r| holder_at(r, 4))
                .collect()
        })
    }

    fn change_status(&self, change: StatusChange, req: ChangeRequest) -> LedgerFuture<'_, Changed> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let holder = req.holder.as_ref();
            let number = &req.license_number;
            let changed = change_in(&tx, change, number, &req.reason, req.at, holder).await?;
            if matches!(changed, Changed::Done(_)) {
                append_audit_in(&tx, &req.audit).await?;
                tx.commit().await?;
            }
            Ok(changed)
        })
    }

    fn issue_version(
        &self,
        req: ChangeRequest,
        expected: u16,
        issuer: String,
        sign: SignVersion,
    ) -> LedgerFuture<'_, Changed> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            // The license row stays locked until COMMIT: a concurrent version waits, then
            // finds the version it expected gone.
            let current = match current_version(&tx, &req.license_number).await? {
                Ok(v) => v,
                Err(answer) => return Ok(answer),
            };
            if current.version != expected {
                return Ok(Changed::VersionChanged(current.version));
            }
            let Some(next) = current.version.checked_add(1) else {
                return Ok(Changed::WrongState(current.state));
            };
            if current.state != VersionState::Valid {
                return Ok(Changed::WrongState(current.state));
            }
            let counter = tx
                .prepare_cached(
                    "INSERT INTO status_counters (issuer, last_index) VALUES ($1, 0)
                     ON CONFLICT (issuer) DO UPDATE SET last_index = status_counters.last_index + 1
                     RETURNING last_index",
                )
                .await?;
            let index: i64 = tx.query_one(&counter, &[&issuer]).await?.get(0);
            let index = u32::try_from(index)
                .map_err(|_| LedgerError::Database("status indices exhausted".into()))?;
            let signed = sign(index)?;
            let (old, new) = (i32::from(current.version), i32::from(next));
            let supersede = tx
                .prepare_cached(
                    "UPDATE license_versions SET state = 'superseded', state_since = $3,
                            superseded_by = $4, reason = $5
                     WHERE license_number = $1 AND version = $2",
                )
                .await?;
            tx.execute(
                &supersede,
                &[
                    &req.license_number,
                    &old,
                    &status_day(req.at),
                    &new,
                    &req.reason,
                ],
            )
            .await?;
            let insert = tx
                .prepare_cached(
                    "INSERT INTO license_versions (license_number, version, issuer, status_index,
                                                   kid, issued_at, valid_until, qr_text, license,
                                                   state)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'valid')",
                )
                .await?;
            tx.execute(
                &insert,
                &[
                    &req.license_number,
                    &new,
                    &issuer,
                    &i64::from(index),
                    &signed.kid,
                    &req.at,
                    &signed.valid_until,
                    &signed.qr_text,
                    &signed.license,
                ],
            )
            .await?;
            let update = tx
                .prepare_cached(
                    "UPDATE licenses SET current_version = $2, kid = $3, qr_text = $4, license = $5
                     WHERE number = $1",
                )
                .await?;
            tx.execute(
                &update,
                &[
                    &req.license_number,
                    &new,
                    &signed.kid,
                    &signed.qr_text,
                    &signed.license,
                ],
            )
            .await?;
            if let Some(h) = &req.holder {
                record_holder_in(&tx, h, &req.license_number, next).await?;
            }
            bump_status(&tx, req.at).await?;
            append_audit_in(&tx, &req.audit).await?;
            tx.commit().await?;
            Ok(Changed::Done(Box::new(StoredVersion {
                license_number: req.license_number,
                version: next,
                issuer,
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
            })))
        })
    }

    fn licenses(&self) -> LedgerFuture<'_, Vec<(String, String)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client
                .prepare_cached("SELECT application_id, number FROM licenses")
                .await?;
            Ok(client
                .query(&select, &[])
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect())
        })
    }
}
