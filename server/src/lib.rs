//! Yiye's back end: catalog, registry look-up, application intake and issuance ledger, keys,
//! revocation and verification, plus the web app from `dist/`.

mod api;
mod db;
mod domain;
mod error;
mod web;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{any, get, post};
use tower_http::timeout::TimeoutLayer;

pub use db::DbError;
pub use error::AppError;

/// Largest request body accepted; a full application is a few KiB.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the server is started with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Ledger database and the development key directory live here.
    pub data_dir: PathBuf,
    /// The built web app.
    pub dist_dir: PathBuf,
    /// Bearer token for `/api/admin/*`; `None` disables those routes.
    pub admin_token: Option<String>,
    /// Issuer name written into licenses and revocation lists.
    pub issuer: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("the data directory must not be inside the dist directory (it holds the signing key)")]
    DataInDist,
    #[error("ledger: {0}")]
    Db(#[from] DbError),
    #[error("keys: {0}")]
    Keys(String),
    #[error("registry seed: {0}")]
    Seed(#[from] serde_json::Error),
}

/// Shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: Config,
    db: Arc<db::Db>,
    catalog: domain::CatalogView,
    keys: RwLock<Arc<domain::Keys>>,
    /// When the key set file was last looked at, and its modification time then.
    key_check: Mutex<(Instant, Option<SystemTime>)>,
    /// The current signed revocation list, rebuilt on each change and key reload.
    revocations: RwLock<Arc<domain::Revocations>>,
    /// Next sequence number per (division, year); continues from the ledger at start.
    sequences: Mutex<HashMap<(u32, i32), u32>>,
    /// One async lock per application id being issued, so concurrent sends of one id
    /// queue behind the first instead of racing it.
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl AppState {
    /// Opens the ledger (migrating and seeding it), loads or creates the development key.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartError::DataDir(config.data_dir.clone(), e))?;
        if let (Ok(data), Ok(dist)) = (
            config.data_dir.canonicalize(),
            config.dist_dir.canonicalize(),
        ) && data.starts_with(&dist)
        {
            return Err(StartError::DataInDist);
        }
        let seed = domain::registry_seed()?;
        let db = Arc::new(db::Db::open(&config.data_dir.join("yiye.sqlite3"), &seed)?);
        let keys = domain::Keys::load_or_create(&key_dir(&config.data_dir), &config.issuer)
            .map_err(StartError::Keys)?;
        let sequences = db.sequences().await?;
        let revoked = db.revoked().await?;
        let revocations = domain::Revocations::sign(revoked, &keys).map_err(StartError::Keys)?;
        Ok(Self(Arc::new(Inner {
            catalog: domain::CatalogView::builtin(),
            db,
            keys: RwLock::new(Arc::new(keys)),
            key_check: Mutex::new((Instant::now(), keyset_modified(&config.data_dir))),
            revocations: RwLock::new(Arc::new(revocations)),
            sequences: Mutex::new(sequences),
            in_flight: Mutex::new(HashMap::new()),
            config,
        })))
    }

    fn dist_dir(&self) -> &Path {
        &self.0.config.dist_dir
    }

    fn admin_token(&self) -> Option<&str> {
        self.0.config.admin_token.as_deref()
    }

    fn keys(&self) -> Arc<domain::Keys> {
        self.0
            .keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn revocations(&self) -> Arc<domain::Revocations> {
        self.0
            .revocations
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Every (application id, license number) in the ledger.
    pub async fn ledger(&self) -> Result<Vec<(String, String)>, DbError> {
        self.0.db.ledger().await
    }
}

fn keyset_modified(data_dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(key_dir(data_dir).join(signer::KeyStore::KEYSET_FILE))
        .and_then(|m| m.modified())
        .ok()
}

/// Where the signing keys live inside the data directory.
pub fn key_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(api::health))
        .route("/api/catalog", get(api::catalog))
        .route("/api/registry/{credit_code}", get(api::registry))
        .route("/api/applications", post(api::submit))
        .route("/api/applications/{id}", get(api::application))
        .route(
            "/api/licenses/{number}/permits/{kind}",
            get(api::permit_record),
        )
        .route("/api/keys", get(api::keys))
        .route("/api/revocations", get(api::revocations))
        .route("/api/verify", post(api::verify))
        .route("/api/admin/revocations", post(api::revoke))
        .route("/api/admin/keys/reload", post(api::reload_keys))
        .route("/api/admin/devices", post(api::enrol_device))
        .route("/api/handover", post(api::hand_over))
        .route("/api", any(web::api_not_found))
        .route("/api/{*rest}", any(web::api_not_found))
        .fallback(web::static_files)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(web::json_errors))
        .layer(middleware::from_fn(web::security_headers))
        .layer(middleware::from_fn(web::log_requests))
        .with_state(state)
}
