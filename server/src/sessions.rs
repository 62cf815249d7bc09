//! The back office's login sessions: tower-sessions with its store in the ledger (so every
//! instance on one database knows every session), behind the cookie `yiye_session`.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::AppState;
use crate::services::{ServiceError, Services};

/// The session cookie's name.
pub const COOKIE: &str = "yiye_session";
/// The session's key for the signed-in username.
pub const STAFF_KEY: &str = "staff";
/// A session ends after this long without a request.
pub const INACTIVITY: time::Duration = time::Duration::hours(8);

/// The session layer of the office routes: HttpOnly, SameSite=Strict, only sent to
/// `/api/office`, Secure when the server sits behind HTTPS (`--secure-cookies`); every request
/// saves the session again, so it expires after [`INACTIVITY`] without one.
pub fn layer(state: &AppState) -> SessionManagerLayer<LedgerStore> {
    SessionManagerLayer::new(LedgerStore {
        services: state.services().clone(),
    })
    .with_name(COOKIE)
    .with_http_only(true)
    .with_same_site(SameSite::Strict)
    .with_path("/api/office")
    .with_secure(state.secure_cookies())
    .with_expiry(Expiry::OnInactivity(INACTIVITY))
    .with_always_save(true)
}

/// tower-sessions' store over the ledger. Expiry is reckoned with the system clock, as
/// tower-sessions sets it and the browser keeps the cookie: a test's fixed clock (for due
/// dates, login delays) must not sign anyone out.
#[derive(Clone)]
pub struct LedgerStore {
    services: Services,
}

impl std::fmt::Debug for LedgerStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerStore")
    }
}

fn backend(e: ServiceError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for LedgerStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let data = encode(record)?;
        // A taken id (2^-128 odds) gets a new one rather than somebody else's session.
        while !self
            .services
            .create_session(
                &record.id.to_string(),
                data.clone(),
                record.expiry_date.unix_timestamp(),
                now,
            )
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.services
            .save_session(
                &record.id.to_string(),
                encode(record)?,
                record.expiry_date.unix_timestamp(),
            )
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(stored) = self
            .services
            .session(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&stored.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp(stored.expires_at)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.services
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}
