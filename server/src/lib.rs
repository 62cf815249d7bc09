//! Yiye's back end: catalog, registry look-up, application intake and issuance ledger, keys,
//! revocation and verification, plus the web app from `dist/`.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod api;
mod clock;
mod error;
pub mod ledger;
mod office;
mod services;
mod sessions;
mod web;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{any, get, post};
use tower_http::timeout::TimeoutLayer;

pub use clock::Clock;
pub use contract::{Role, StaffMember};
pub use error::AppError;
pub use ledger::{Database, LedgerError};
pub use services::ServiceError;
pub use services::staff::{MIN_PASSWORD_CHARS, NewStaff};
pub use services::trust::{TrustError, TrustSource};

use ledger::Ledger;
use services::Services;

/// Largest request body accepted; a full application is a few KiB.
pub const BODY_LIMIT: usize = 64 * 1024;
/// How long a signed revocation list stays current unless `--status-max-age-days` says
/// otherwise.
pub const DEFAULT_STATUS_MAX_AGE_DAYS: u32 = 7;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the server is started with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The development key lives here (unless `key_dir` says otherwise), and the SQLite
    /// ledger unless `database` says otherwise.
    pub data_dir: PathBuf,
    /// The ledger; `None` is the SQLite file `DATA/yiye.sqlite3`.
    pub database: Option<Database>,
    /// The signing keys; `None` is `DATA/keys`.
    pub key_dir: Option<PathBuf>,
    /// The built web app.
    pub dist_dir: PathBuf,
    /// Bearer token for `/api/admin/*`; `None` disables those routes.
    pub admin_token: Option<String>,
    /// Issuer id written into licenses and revocation lists (short: it is in every QR).
    pub issuer: String,
    /// The issuing authority's display name, Chinese and English: "Issued by" on licenses,
    /// and the name `/api/keys` gives the issuer's keys.
    pub authority_name: contract::Text,
    /// Where "now" comes from: the system clock, or a fixed instant in tests.
    pub clock: Clock,
    /// Mark the office's session cookie `Secure` (only sent over HTTPS): set it whenever the
    /// server is reached over HTTPS (behind a TLS proxy), never for plain-HTTP development.
    pub secure_cookies: bool,
    /// The trust list `/api/trust-list` serves: none, a signed file, or (development) one the
    /// server signs with a root key.
    pub trust: Option<TrustSource>,
    /// Days a signed status list stays current: its `expires_at` is its `issued_at` plus
    /// this; verifiers holding an older one say the status cannot be confirmed.
    pub status_max_age_days: u32,
    /// What the national e-license identifier (GB/T 36904) of every version is made of.
    pub elicense: ElicenseConfig,
    /// One period for the whole combined license, or each permit its own.
    pub validity: ValidityPolicy,
    /// The authority's working days (public holidays and the weekend days worked instead):
    /// `catalog::Calendar::china()` and the years of `--holidays FILE`.
    pub calendar: catalog::Calendar,
}

pub use services::issuance::ValidityPolicy;

/// The parts of the GB/T 36904 identifier that are deployment settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElicenseConfig {
    /// The authority's unified social credit code (颁发机构代码), `--authority-credit-code`.
    pub authority_credit_code: String,
    /// The license type code (证照类型代码: the defining body's credit code and its 3-digit
    /// number for the type), `--license-type-code`; the platform assigns it.
    pub license_type_code: String,
}

/// Development only: a made-up credit code with a valid check character for the authority
/// (Pudong's division code in it), and type 001 under it. A deployment sets both.
pub const DEV_AUTHORITY_CREDIT_CODE: &str = "11310115MB2F123454";

impl Default for ElicenseConfig {
    fn default() -> Self {
        ElicenseConfig {
            authority_credit_code: DEV_AUTHORITY_CREDIT_CODE.to_owned(),
            license_type_code: format!("{DEV_AUTHORITY_CREDIT_CODE}001"),
        }
    }
}

impl ElicenseConfig {
    /// The identifier of a license version: the serial is the license number's letters and
    /// digits (`310115-2026-000123` → `3101152026000123`).
    pub fn id(
        &self,
        license_number: &str,
        version: u16,
    ) -> Result<catalog::elicense::ELicenseId, catalog::elicense::ELicenseIdError> {
        let serial: String = license_number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        catalog::elicense::ELicenseId::new(
            &self.license_type_code,
            &self.authority_credit_code,
            &serial,
            version,
        )
    }
}

impl Config {
    /// The key directory in use.
    pub fn key_dir(&self) -> PathBuf {
        self.key_dir
            .clone()
            .unwrap_or_else(|| key_dir(&self.data_dir))
    }
}

/// Where the signing keys live when `--keys` is not given: `DATA/keys`.
pub fn key_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error(
        "the data, key and trust root key directories must not be inside the dist directory (the key directories hold private keys)"
    )]
    DataInDist,
    #[error("ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("keys: {0}")]
    Keys(#[from] signer::Error),
    #[error("registry seed: {0}")]
    Seed(#[from] serde_json::Error),
    #[error(transparent)]
    Trust(#[from] TrustError),
    #[error(
        "--authority-credit-code / --license-type-code cannot make a GB/T 36904 identifier: {0}"
    )]
    Elicense(catalog::elicense::ELicenseIdError),
}

/// Shared state of the HTTP layer: the services and what only HTTP needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    services: Services,
    config: Arc<Config>,
}

impl AppState {
    /// Opens the ledger (migrating and seeding it), loads or creates the development key.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartError::DataDir(config.data_dir.clone(), e))?;
        let seed = services::catalog::registry_seed()?;
        let database = config
            .database
            .clone()
            .unwrap_or_else(|| Database::Sqlite(config.data_dir.join("yiye.sqlite3")));
        let ledger = database.open(&seed).await?;
        Self::with_ledger(config, ledger).await
    }

    /// The state around any ledger.
    pub async fn with_ledger(config: Config, ledger: Arc<dyn Ledger>) -> Result<Self, StartError> {
        let key_dir = config.key_dir();
        if let Ok(dist) = config.dist_dir.canonicalize() {
            // The root key directory holds a private key too.
            let root_key = match &config.trust {
                Some(TrustSource::RootKey(dir)) => Some(dir),
                _ => None,
            };
            for dir in [&config.data_dir, &key_dir].into_iter().chain(root_key) {
                if dir.canonicalize().is_ok_and(|d| d.starts_with(&dist)) {
                    return Err(StartError::DataInDist);
                }
            }
        }
        config.elicense.id("0", 1).map_err(StartError::Elicense)?;
        let statuses = ledger.statuses(config.issuer.clone()).await?;
        let now = config.clock.now();
        let keys = services::keys::KeyRing::open(
            key_dir,
            config.issuer.clone(),
            config.authority_name.clone(),
            config.elicense.clone(),
            statuses,
            now,
            i64::from(config.status_max_age_days) * 86_400,
        )?;
        let trust = services::trust::TrustLists::open(config.trust.as_ref(), &keys.current(), now)?;
        Ok(Self {
            services: Services::new(
                ledger,
                keys,
                trust,
                config.clock,
                config.validity,
                config.calendar.clone(),
            ),
            config: Arc::new(config),
        })
    }

    fn services(&self) -> &Services {
        &self.services
    }

    fn dist_dir(&self) -> &Path {
        &self.config.dist_dir
    }

    fn admin_token(&self) -> Option<&str> {
        self.config.admin_token.as_deref()
    }

    fn secure_cookies(&self) -> bool {
        self.config.secure_cookies
    }

    /// The staff account commands over this server's ledger.
    pub fn staff(&self) -> StaffAdmin {
        StaffAdmin {
            ledger: self.services.shared_ledger(),
            clock: self.config.clock,
        }
    }

    /// Every (application id, license number) in the ledger.
    pub async fn ledger(&self) -> Result<Vec<(String, String)>, LedgerError> {
        self.services.ledger().licenses().await
    }
}

/// `server staff add | list | passwd`: accounts in the ledger, without keys or HTTP.
pub struct StaffAdmin {
    ledger: Arc<dyn Ledger>,
    clock: Clock,
}

impl StaffAdmin {
    /// Opens (migrating) the ledger the server at `data_dir` / `database` uses.
    pub async fn open(data_dir: &Path, database: Option<Database>) -> Result<Self, StartError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StartError::DataDir(data_dir.to_path_buf(), e))?;
        let seed = services::catalog::registry_seed()?;
        let database = database.unwrap_or_else(|| Database::Sqlite(data_dir.join("yiye.sqlite3")));
        Ok(Self {
            ledger: database.open(&seed).await?,
            clock: Clock::System,
        })
    }

    fn accounts(&self) -> services::staff::Accounts<'_> {
        services::staff::Accounts {
            ledger: self.ledger.as_ref(),
            catalog: catalog::Catalog::builtin(),
            now: self.clock.now(),
        }
    }

    /// Creates an account (see [`NewStaff`]).
    pub async fn add(&self, new: NewStaff) -> Result<StaffMember, ServiceError> {
        self.accounts().add(new).await
    }

    /// Every account, without password hashes.
    pub async fn list(&self) -> Result<Vec<StaffMember>, ServiceError> {
        self.accounts().list().await
    }

    /// A new password for an account (also lifts a lock after failed logins).
    pub async fn set_password(&self, username: &str, password: String) -> Result<(), ServiceError> {
        self.accounts().set_password(username, password).await
    }
}

/// The back office's session routes: `login` open to all, `me` and `logout` behind
/// `web::require_staff`; every route behind the session layer and the CSRF check
/// (`web::same_origin`). The signed-in office routes join `signed_in` before its layer.
fn office_session_routes(state: &AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/api/office/me", get(api::office_me))
        .route("/api/office/logout", post(api::office_logout))
        .merge(office_routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            web::require_staff,
        ));
    Router::new()
        .route("/api/office/login", post(api::office_login))
        .merge(signed_in)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            web::same_origin,
        ))
        .route_layer(sessions::layer(state))
}

/// The back office's API for signed-in staff. Its handlers take `Extension<Actor>`, which
/// `web::require_staff` (resolving the session cookie) puts there: these routes join the
/// signed-in routes of [`office_session_routes`], before that layer.
fn office_routes() -> Router<AppState> {
    Router::new()
        .route("/api/office/tasks", get(office::tasks))
        .route("/api/office/applications/{id}", get(office::application))
        .route(
            "/api/office/applications/{id}/permits/{permit}/decision",
            post(office::decide),
        )
        .route(
            "/api/office/applications/{id}/permits/{permit}/inspections",
            post(office::inspect),
        )
        .route("/api/office/audit", get(office::audit))
        // Checks after a commitment (审管联动).
        .route("/api/office/checks", get(office::checks))
        .route(
            "/api/office/checks/{id}/permits/{permit}",
            get(office::check),
        )
        .route(
            "/api/office/checks/{id}/permits/{permit}/result",
            post(office::record_check),
        )
}

pub fn app(state: AppState) -> Router {
    // Every admin route sits behind one gate that runs before any extractor: nobody without
    // the token learns anything, not even whether their body would parse.
    let admin = Router::new()
        .route("/api/admin/revocations", post(api::revoke))
        .route(
            "/api/admin/licenses/{number}/suspension",
            post(api::suspend_license),
        )
        .route(
            "/api/admin/licenses/{number}/reinstatement",
            post(api::reinstate_license),
        )
        .route(
            "/api/admin/licenses/{number}/revocation",
            post(api::revoke_license),
        )
        .route(
            "/api/admin/licenses/{number}/cancellation",
            post(api::cancel_license),
        )
        .route(
            "/api/admin/licenses/{number}/versions",
            post(api::license_version),
        )
        .route(
            "/api/admin/licenses/{number}/metadata",
            get(api::license_metadata),
        )
        .route("/api/admin/keys/reload", post(api::reload_keys))
        .route("/api/admin/devices", post(api::enrol_device))
        // A department's own system deciding and inspecting (audited as `admin-token`).
        .route(
            "/api/admin/applications/{id}/permits/{permit}/decision",
            post(office::machine_decide),
        )
        .route(
            "/api/admin/applications/{id}/permits/{permit}/inspections",
            post(office::machine_inspect),
        )
        // A department's system recording what its check after a commitment found.
        .route(
            "/api/admin/checks/{id}/permits/{permit}/result",
            post(office::machine_record_check),
        )
        // Permit records carry personal data: departments fetch them with the admin token.
        .route(
            "/api/licenses/{number}/permits/{kind}",
            get(api::permit_record),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            web::require_admin,
        ));
    Router::new()
        .route("/api/health", get(api::health))
        .route("/api/ready", get(api::ready))
        .route("/api/catalog", get(api::catalog))
        .route("/api/registry/{credit_code}", get(api::registry))
        .route("/api/applications", post(api::submit))
        .route("/api/applications/{id}", get(api::application))
        .route(
            "/api/applications/{id}/decision",
            post(api::applicant_decision),
        )
        .route("/api/keys", get(api::keys))
        .route("/api/status-list", get(api::status_list))
        .route("/api/revocations", get(api::status_list))
        .route("/api/trust-list", get(api::trust_list))
        .route("/api/verify", post(api::verify))
        .route("/api/handover", post(api::hand_over))
        .merge(admin)
        .merge(office_session_routes(&state))
        .route("/api", any(web::api_not_found))
        .route("/api/{*rest}", any(web::api_not_found))
        .fallback(web::static_files)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(web::json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::security_headers,
        ))
        .layer(middleware::from_fn(web::log_requests))
        .with_state(state)
}
