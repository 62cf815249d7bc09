//! `server`: the Yiye back end. Configuration by flags or environment.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use catalog::Calendar;
use clap::{Parser, Subcommand, ValueEnum};
use server::{
    AppState, Clock, Config, DEFAULT_STATUS_MAX_AGE_DAYS, Database, NewStaff, Role, StaffAdmin,
    TrustSource, app,
};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(version, about = "Yiye: one industry, one license — back end")]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "YIYE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Data directory: ledger database and signing keys.
    #[arg(long, env = "YIYE_DATA", default_value = "data", global = true)]
    data: PathBuf,
    /// The ledger: `sqlite:PATH` (default: DATA/yiye.sqlite3) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "YIYE_DATABASE_URL", global = true)]
    database: Option<Database>,
    /// The signing keys' directory (default DATA/keys); several instances share one.
    #[arg(long, env = "YIYE_KEYS")]
    keys: Option<PathBuf>,
    /// The built web app to serve.
    #[arg(long, env = "YIYE_DIST", default_value = "dist")]
    dist: PathBuf,
    /// Issuer id of the development key created on first start (it is in every QR: keep it short).
    #[arg(long, env = "YIYE_ISSUER", default_value = "yiye-dev")]
    issuer: String,
    /// The issuing authority's name in Chinese, printed as 发证机关 and given with its keys.
    #[arg(
        long,
        env = "YIYE_AUTHORITY_NAME_ZH",
        default_value = "浦东新区行政审批局（开发）"
    )]
    authority_name_zh: String,
    /// The issuing authority's name in English ("Issued by").
    #[arg(
        long,
        env = "YIYE_AUTHORITY_NAME_EN",
        default_value = "Pudong New Area Administrative Approval Bureau (development)"
    )]
    authority_name_en: String,
    /// Mark the back office's session cookie Secure (sent over HTTPS only): set it whenever
    /// the server is reached over HTTPS, e.g. behind a TLS-terminating proxy.
    #[arg(long, env = "YIYE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The trust list to publish at /api/trust-list: a signed list made offline with
    /// `signer trust-list sign`, served as it is and re-read when the file changes.
    #[arg(long, env = "YIYE_TRUST_LIST", value_name = "FILE")]
    trust_list: Option<PathBuf>,
    /// Development: a root key directory (`signer keygen`); the server signs a trust list of
    /// its own issuer with it (not together with --trust-list).
    #[arg(long, env = "YIYE_TRUST_ROOT_KEY", value_name = "DIR")]
    trust_root_key: Option<PathBuf>,
    /// Days a signed status list stays current (its expires_at); verifiers holding an
    /// older one say they cannot confirm a license's status.
    #[arg(
        long,
        env = "YIYE_STATUS_MAX_AGE_DAYS",
        value_name = "N",
        default_value_t = DEFAULT_STATUS_MAX_AGE_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=366)
    )]
    status_max_age_days: u32,
    /// The authority's unified social credit code (颁发机构代码), in every license version's
    /// GB/T 36904 e-license identifier. The default is a made-up development code.
    #[arg(long, env = "YIYE_AUTHORITY_CREDIT_CODE", default_value = server::DEV_AUTHORITY_CREDIT_CODE)]
    authority_credit_code: String,
    /// How long licenses run: `per-permit` (each permit its own term; the license until the
    /// last ends) or `unified` (one period for the whole license, the shortest permit term:
    /// Pudong's rules, art. 8).
    #[arg(long, env = "YIYE_VALIDITY_POLICY", value_enum, default_value_t = ValidityArg::PerPermit)]
    validity_policy: ValidityArg,
    /// The license type code of the identifier (证照类型代码: the defining body's credit
    /// code + its 3-digit number for the combined license), as the e-license platform assigns
    /// it. Default: the authority credit code + `001` (development).
    #[arg(long, env = "YIYE_LICENSE_TYPE_CODE")]
    license_type_code: Option<String>,
    /// Public holidays of years the build does not know (it knows 2026), as the State Council
    /// publishes them each November: `{"years": [2027], "holidays": ["2027-01-01", …],
    /// "workdays": [weekend days worked, …]}`. Time limits in working days skip them.
    #[arg(long, env = "YIYE_HOLIDAYS", value_name = "FILE")]
    holidays: Option<PathBuf>,
    /// Without a command: serve.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Back-office accounts, in the ledger `--data` / `--database` name.
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Creates an account; the password is read from stdin (one line, at least 12 characters).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A reviewer's department (a permit's `grant.department`, e.g. amr).
        #[arg(long)]
        department: Option<String>,
        /// The name shown in the office app and the audit log's readers.
        #[arg(long)]
        name: String,
    },
    /// Every account (no password hashes).
    List,
    /// Sets an account's password, read from stdin (one line); lifts a lock after failed
    /// logins.
    Passwd {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ValidityArg {
    PerPermit,
    Unified,
}

impl From<ValidityArg> for server::ValidityPolicy {
    fn from(policy: ValidityArg) -> Self {
        match policy {
            ValidityArg::PerPermit => server::ValidityPolicy::PerPermit,
            ValidityArg::Unified => server::ValidityPolicy::Unified,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Clerk,
    Reviewer,
    Supervisor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Clerk => Role::Clerk,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    // The account commands print what they did; their log is for warnings only.
    let default_filter = if args.command.is_some() {
        "warn"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Some(Command::Staff(command)) = args.command {
        return match staff(&args.data, args.database, command).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let trust = match (args.trust_list, args.trust_root_key) {
        (Some(_), Some(_)) => {
            eprintln!(
                "error: --trust-list (YIYE_TRUST_LIST) and --trust-root-key (YIYE_TRUST_ROOT_KEY) \
                 exclude each other: serve a list signed offline, or (development) let the \
                 server sign its own, not both"
            );
            return std::process::ExitCode::FAILURE;
        }
        (Some(file), None) => Some(TrustSource::File(file)),
        (None, Some(dir)) => Some(TrustSource::RootKey(dir)),
        (None, None) => None,
    };
    // Read from the environment only, so the token never shows in `ps` or shell history.
    let admin_token = std::env::var("YIYE_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    if admin_token.is_none() {
        tracing::warn!("YIYE_ADMIN_TOKEN is not set: admin routes are disabled");
    }
    let calendar = match working_days(args.holidays.as_deref()) {
        Ok(calendar) => calendar,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let config = Config {
        data_dir: args.data,
        database: args.database,
        key_dir: args.keys,
        dist_dir: args.dist,
        admin_token,
        issuer: args.issuer,
        authority_name: contract::Text::new(args.authority_name_zh, args.authority_name_en),
        clock: Clock::System,
        secure_cookies: args.secure_cookies,
        trust,
        status_max_age_days: args.status_max_age_days,
        elicense: server::ElicenseConfig {
            license_type_code: args
                .license_type_code
                .unwrap_or_else(|| format!("{}001", args.authority_credit_code)),
            authority_credit_code: args.authority_credit_code,
        },
        validity: args.validity_policy.into(),
        calendar,
    };
    match run(args.listen, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The authority's working days: the years built in and those of `--holidays`; a warning for
/// this year and the next when nobody described them (a deadline may then fall on a holiday).
fn working_days(file: Option<&Path>) -> Result<Calendar, String> {
    let mut calendar = Calendar::china();
    if let Some(file) = file {
        let json = std::fs::read_to_string(file)
            .map_err(|e| format!("--holidays {}: {e}", file.display()))?;
        calendar
            .add_json(&json)
            .map_err(|e| format!("--holidays {}: {e}", file.display()))?;
    }
    if let Some(today) = catalog::Date::authority_day(Clock::System.now()) {
        for year in [today.year, today.year + 1] {
            if !calendar.describes(year) {
                tracing::warn!(
                    year,
                    "the public holidays of {year} are not known: time limits count weekends                      only; give them with --holidays FILE (YIYE_HOLIDAYS)"
                );
            }
        }
    }
    Ok(calendar)
}

async fn run(listen: SocketAddr, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::open(config).await?;
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    // The run script and the tests wait for exactly this line.
    println!("Yiye is running at http://{addr}/");
    tracing::info!(%addr, "listening");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn staff(
    data: &std::path::Path,
    database: Option<Database>,
    command: StaffCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    let admin = StaffAdmin::open(data, database).await?;
    match command {
        StaffCommand::Add {
            username,
            role,
            department,
            name,
        } => {
            let password = read_password()?;
            let member = admin
                .add(NewStaff {
                    username,
                    display_name: name,
                    role: role.into(),
                    department,
                    password,
                })
                .await?;
            println!("added {}", member.username);
        }
        StaffCommand::List => {
            for m in admin.list().await? {
                let role = serde_json::to_value(m.role)?;
                println!(
                    "{}\t{}\t{}\t{}",
                    m.username,
                    role.as_str().unwrap_or_default(),
                    m.department.as_deref().unwrap_or("-"),
                    m.display_name
                );
            }
        }
        StaffCommand::Passwd { username } => {
            let password = read_password()?;
            admin.set_password(&username, password).await?;
            println!("password set for {username}");
        }
    }
    Ok(())
}

/// One line from stdin, without its line ending. A terminal is asked for it (the line is
/// echoed: pipe it in where that matters).
fn read_password() -> std::io::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "password (at least {} characters): ",
            server::MIN_PASSWORD_CHARS
        );
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

async fn shutdown() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
