//! `signer`: key generation, issuing and verifying license QR codes from the command line.

#![forbid(unsafe_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use signer::{
    Error, KeySet, KeyStore, LicenseClaims, RevocationList, SignedRevocationList, SigningKey,
};

#[derive(Parser)]
#[command(
    name = "signer",
    version,
    about = "Yiye license credentials: keys, issue, verify"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a key directory (signing-key.json, mode 0600, and keyset.json); run again on
    /// the same directory to rotate: a new key signs from now on, the old key's licenses
    /// keep verifying until they expire.
    Keygen {
        /// Key directory.
        #[arg(long)]
        out: PathBuf,
        /// Issuer id (the authority's division code) for a new directory.
        #[arg(long, default_value = "310115")]
        issuer: String,
        /// Display name of the issuing authority, written to the key set.
        #[arg(long)]
        issuer_name: Option<String>,
        /// When rotating: seconds the old key may still sign, so running servers switch
        /// over (they re-read the key directory every second) without issuing licenses
        /// that fail to verify. 0 when the old key is compromised (and revoke its licenses).
        #[arg(long, default_value_t = 60)]
        grace: i64,
    },
    /// Sign a claims JSON file and print the QR text.
    Issue {
        /// Private key file (signing-key.json of a key directory).
        #[arg(long)]
        key: PathBuf,
        /// LicenseClaims as JSON.
        #[arg(long)]
        claims: PathBuf,
        /// Also write the QR code as SVG (level Q) here.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Verify a QR text (argument or stdin); prints the claims JSON and exits 0 when valid,
    /// prints the reason code and exits 1 when not.
    Verify {
        /// Key set JSON (keyset.json or GET /api/keys).
        #[arg(long)]
        keys: PathBuf,
        /// Signed revocation list JSON (GET /api/revocations).
        #[arg(long)]
        revocations: Option<PathBuf>,
        /// Verify as of this RFC 3339 instant instead of now.
        #[arg(long)]
        at: Option<String>,
        /// The QR text (or verifier URL); read from stdin when absent.
        qr_text: Option<String>,
    },
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })
}

fn json<T: serde::de::DeserializeOwned>(path: &Path, what: &'static str) -> Result<T, Error> {
    serde_json::from_str(&read(path)?).map_err(|e| Error::Json {
        what,
        detail: format!("{}: {e}", path.display()),
    })
}

fn keygen(out: &Path, issuer: &str, issuer_name: Option<String>, grace: i64) -> Result<(), Error> {
    let now = signer::unix_now();
    let store = if out.join(KeyStore::KEY_FILE).exists() {
        let mut store = KeyStore::open(out)?;
        if store.signing_key().issuer() != issuer {
            return Err(Error::InvalidKey(format!(
                "{} holds keys of issuer {}; use another directory for issuer {issuer}",
                out.display(),
                store.signing_key().issuer()
            )));
        }
        store.rotate(now, grace)?;
        eprintln!(
            "rotated: new key {}; the old key may sign for {grace} s more",
            store.signing_key().kid()
        );
        store
    } else {
        let store = KeyStore::create(out, issuer, issuer_name, now)?;
        eprintln!("created key {}", store.signing_key().kid());
        store
    };
    println!("{}", store.dir().join(KeyStore::KEYSET_FILE).display());
    Ok(())
}

fn issue(key: &Path, claims: &Path, svg: Option<&Path>) -> Result<(), Error> {
    let key = SigningKey::load(key)?;
    let claims: LicenseClaims = json(claims, "claims file")?;
    let text = signer::issue(&claims, &key)?;
    if let Some(path) = svg {
        let image = signer::render_svg(&text)?;
        std::fs::write(path, image.svg).map_err(|e| Error::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        eprintln!("QR version {} at level Q", image.version);
    }
    println!("{text}");
    Ok(())
}

fn verify(
    keys: &Path,
    revocations: Option<&Path>,
    at: Option<&str>,
    qr_text: Option<String>,
) -> Result<ExitCode, Error> {
    let keys = KeySet::from_json(&read(keys)?)?;
    let revocations = match revocations {
        Some(path) => {
            let signed: SignedRevocationList = json(path, "revocation list")?;
            Some(RevocationList::verify(&signed, &keys)?)
        }
        None => None,
    };
    let now = match at {
        Some(at) => signer::parse_rfc3339(at)?,
        None => signer::unix_now(),
    };
    let text = match qr_text {
        Some(text) => text,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .take(signer::MAX_QR_TEXT_LEN as u64 * 2)
                .read_to_string(&mut text)
                .map_err(|e| Error::Io {
                    path: "stdin".into(),
                    source: e,
                })?;
            text
        }
    };
    let text = signer::parse_url_form(text.trim_end_matches(['\n', '\r']));
    let verdict = signer::verify(&text, &keys, revocations.as_ref(), now);
    match (&verdict.reason, &verdict.claims) {
        (None, Some(claims)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(claims).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        (reason, _) => {
            let message = reason.as_ref().map(|r| r.message()).unwrap_or_default();
            println!("{}", verdict.code());
            eprintln!("invalid: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen {
            out,
            issuer,
            issuer_name,
            grace,
        } => keygen(&out, &issuer, issuer_name, grace).map(|()| ExitCode::SUCCESS),
        Command::Issue { key, claims, svg } => {
            issue(&key, &claims, svg.as_deref()).map(|()| ExitCode::SUCCESS)
        }
        Command::Verify {
            keys,
            revocations,
            at,
            qr_text,
        } => verify(&keys, revocations.as_deref(), at.as_deref(), qr_text),
    };
    result.unwrap_or_else(|e| {
        eprintln!("signer: {e}");
        ExitCode::from(2)
    })
}
