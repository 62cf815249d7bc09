//! `server`: the Yiye back end. Configuration by flags or environment.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use server::{AppState, Clock, Config, Database, app};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(version, about = "Yiye: one industry, one license — back end")]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "YIYE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Data directory: ledger database and signing keys.
    #[arg(long, env = "YIYE_DATA", default_value = "data")]
    data: PathBuf,
    /// The ledger: `sqlite:PATH` (default: DATA/yiye.sqlite3) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "YIYE_DATABASE_URL")]
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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    // Read from the environment only, so the token never shows in `ps` or shell history.
    let admin_token = std::env::var("YIYE_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    if admin_token.is_none() {
        tracing::warn!("YIYE_ADMIN_TOKEN is not set: admin routes are disabled");
    }
    let config = Config {
        data_dir: args.data,
        database: args.database,
        key_dir: args.keys,
        dist_dir: args.dist,
        admin_token,
        issuer: args.issuer,
        authority_name: contract::Text::new(args.authority_name_zh, args.authority_name_en),
        clock: Clock::System,
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
