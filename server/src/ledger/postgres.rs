//! The PostgreSQL ledger, for several stateless server instances on one database.
//!
//! Durable before answering: PostgreSQL's `synchronous_commit` (on by default, and required
//! here) makes every COMMIT wait for its WAL flush. Concurrency comes from a pool of
//! connections, each issuance its own transaction; PostgreSQL groups concurrent commits into
//! one flush itself. One license per application id is the `applications` primary key (a
//! second insert of the same id waits for the first transaction, then finds its row); numbers
//! come from `license_counters`, whose row stays locked until COMMIT. Every statement is
//! prepared (and cached per connection).

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use tokio_postgres::NoTls;

use super::{
    Inserted, Ledger, LedgerError, LedgerFuture, MAX_SEQUENCE, NewApplication, REVOCATIONS_MARK,
    Revocation, RevocationsAsOf, RevocationsMark, Revoked, SignNumbered, StoredApplication,
    license_number,
};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// Connections per instance: enough for the commits of a burst to be grouped.
const POOL_SIZE: usize = 32;

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
        Ok(Self { pool })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, LedgerError> {
        Ok(self.pool.get().await?)
    }
}

const APPLICATION_BY_ID: &str =
    "SELECT a.id, a.content_hash, a.industry, a.received_at, l.number, l.license,
            r.reason, r.revoked_at
     FROM applications a
     JOIN licenses l ON l.application_id = a.id
     LEFT JOIN revocations r ON r.license_number = l.number
     WHERE a.id = $1";

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

/// The application row, the next number of its division and year, the license signed for
/// that number — or the application already there. Dropping the transaction without COMMIT
/// rolls everything back, the counter included.
async fn number_and_sign(
    tx: &Transaction<'_>,
    a: &NewApplication,
    sign: SignNumbered,
) -> Result<Inserted, LedgerError> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO applications (id, content_hash, industry, body, received_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .await?;
    let added = tx
        .execute(
            &insert,
            &[&a.id, &a.content_hash, &a.industry, &a.body, &a.received_at],
        )
        .await?;
    if added == 0 {
        let select = tx.prepare_cached(APPLICATION_BY_ID).await?;
        let row = tx
            .query_opt(&select, &[&a.id])
            .await?
            .ok_or_else(|| LedgerError::Database(format!("application {} has no license", a.id)))?;
        return Ok(Inserted::Existing(Box::new(stored(&row))));
    }
    let division = db_division(a.division)?;
    let counter = tx
        .prepare_cached(
            "INSERT INTO license_counters (division, year, last_seq) VALUES ($1, $2, 1)
             ON CONFLICT (division, year) DO UPDATE SET last_seq = license_counters.last_seq + 1
             RETURNING last_seq",
        )
        .await?;
    let seq: i64 = tx.query_one(&counter, &[&division, &a.year]).await?.get(0);
    if seq > MAX_SEQUENCE {
        return Ok(Inserted::NumbersExhausted);
    }
    let number = license_number(a.division, a.year, seq);
    let signed = sign(&number)?;
    let license = tx
        .prepare_cached(
            "INSERT INTO licenses (number, application_id, division, year, seq, kid, issued_at, qr_text, license)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .await?;
    tx.execute(
        &license,
        &[
            &number,
            &a.id,
            &division,
            &a.year,
            &seq,
            &signed.kid,
            &a.received_at,
            &signed.qr_text,
            &signed.license,
        ],
    )
    .await?;
    Ok(Inserted::New(signed))
}

impl Ledger for PostgresLedger {
    fn issue(&self, application: NewApplication, sign: SignNumbered) -> LedgerFuture<'_, Inserted> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let outcome = number_and_sign(&tx, &application, sign).await?;
            if matches!(outcome, Inserted::New(_)) {
                // Returns once the commit's WAL record is flushed (synchronous_commit).
                tx.commit().await?;
            }
            Ok(outcome)
        })
    }

    fn revoke(&self, number: String, reason: String, at: i64) -> LedgerFuture<'_, Revoked> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.transaction().await?;
            let known = tx
                .prepare_cached("SELECT 1 FROM licenses WHERE number = $1")
                .await?;
            if tx.query_opt(&known, &[&number]).await?.is_none() {
                return Ok(Revoked::UnknownLicense);
            }
            let insert = tx
                .prepare_cached(
                    "INSERT INTO revocations (license_number, reason, revoked_at) VALUES ($1, $2, $3)
                     ON CONFLICT (license_number) DO NOTHING",
                )
                .await?;
            let added = tx.execute(&insert, &[&number, &reason, &at]).await?;
            tx.commit().await?;
            Ok(if added == 0 {
                Revoked::Already
            } else {
                Revoked::New
            })
        })
    }

    fn application(&self, id: String) -> LedgerFuture<'_, Option<StoredApplication>> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client.prepare_cached(APPLICATION_BY_ID).await?;
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
                    "SELECT a.body, l.license FROM licenses l JOIN applications a ON a.id = l.application_id
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

    fn revocations_mark(&self) -> LedgerFuture<'_, RevocationsMark> {
        Box::pin(async move {
            let client = self.client().await?;
            let select = client.prepare_cached(REVOCATIONS_MARK).await?;
            let row = client.query_one(&select, &[]).await?;
            Ok(RevocationsMark {
                count: row.get(0),
                as_of: row.get(1),
            })
        })
    }

    fn revocations(&self) -> LedgerFuture<'_, RevocationsAsOf> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // One snapshot for the list and its time.
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let mark = tx.prepare_cached(REVOCATIONS_MARK).await?;
            let as_of: i64 = tx.query_one(&mark, &[]).await?.get(1);
            let select = tx
                .prepare_cached(
                    "SELECT license_number FROM revocations ORDER BY revoked_at, license_number",
                )
                .await?;
            let revoked = tx
                .query(&select, &[])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            tx.commit().await?;
            Ok(RevocationsAsOf { revoked, as_of })
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
