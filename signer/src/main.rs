//! `signer`: key generation, issuing and verifying license QR codes from the command line.

#![forbid(unsafe_code)]

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use signer::{
    Error, KeySet, KeyStore, LicenseClaims, SignedStatusList, SignedTrustList, SigningKey,
    StatusList, TrustList, Verdict,
};

#[derive(Parser)]
#[command(
    name = "signer",
    version,
    about = "Yiye license credentials: keys, trust lists, issue, verify"
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
    /// prints the reason code and exits 1 when not. Either against a key set (`--keys`) or,
    /// as the inspector does, against a trust list signed by a pinned root (`--root` and
    /// `--trust-list`) and the issuers' status lists.
    Verify {
        /// Key set JSON (keyset.json or GET /api/keys).
        #[arg(long, required_unless_present = "trust_list", conflicts_with_all = ["root", "trust_list"])]
        keys: Option<PathBuf>,
        /// Root public keys the trust list must be signed by: 64 hex digits, several separated
        /// by commas.
        #[arg(long, requires = "trust_list")]
        root: Option<String>,
        /// Signed trust list JSON (GET /api/trust-list).
        #[arg(long, requires = "root")]
        trust_list: Option<PathBuf>,
        /// Signed status list JSON (GET /api/status-list); with --trust-list, one per
        /// issuer, repeated.
        #[arg(long)]
        status: Vec<PathBuf>,
        /// Verify as of this RFC 3339 instant instead of now.
        #[arg(long)]
        at: Option<String>,
        /// The QR text (or verifier URL); read from stdin when absent.
        qr_text: Option<String>,
    },
    /// Sign or check a trust list: the issuers a deployment recognises, signed by a root key.
    TrustList {
        #[command(subcommand)]
        command: TrustListCommand,
    },
    /// Print the 64-hex public key of a key directory's signing key (to pin a root).
    PublicKey {
        /// Key directory (holding signing-key.json).
        #[arg(long)]
        keys: PathBuf,
    },
}

#[derive(Subcommand)]
enum TrustListCommand {
    /// Sign a TrustList JSON file with a root key; issued_at is now (or --at), expires_at
    /// --valid-days later. Prints nothing on success.
    Sign {
        /// The root's private key file (signing-key.json of its key directory).
        #[arg(long)]
        key: PathBuf,
        /// TrustList as JSON (issued_at and expires_at may be left out: they are set here).
        #[arg(long)]
        list: PathBuf,
        /// Days until verifiers must have a newer list.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=3650))]
        valid_days: i64,
        /// Sign as of this RFC 3339 instant instead of now.
        #[arg(long)]
        at: Option<String>,
        /// Where to write the signed list ({"cose": …}, as GET /api/trust-list serves it).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a signed trust list against the pinned roots; prints the list JSON and exits 0,
    /// or prints why not and exits 1.
    Verify {
        /// Root public keys: 64 hex digits, several separated by commas.
        #[arg(long)]
        root: String,
        /// Signed trust list JSON.
        signed: PathBuf,
    },
}

/// An error of the library, or one about a given file.
enum Failure {
    Signer(Error),
    In(PathBuf, Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Signer(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Signer(e) => e.fmt(f),
            Failure::In(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

/// Attaches the file a library error is about.
fn about(path: &Path) -> impl FnOnce(Error) -> Failure + '_ {
    move |e| Failure::In(path.to_owned(), e)
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

/// `at` as Unix seconds, or now.
fn instant(at: Option<&str>) -> Result<i64, Error> {
    match at {
        Some(at) => signer::parse_rfc3339(at),
        None => Ok(signer::unix_now()),
    }
}

/// The QR text from the argument or stdin, a verifier URL turned into its QR text.
fn qr_text(arg: Option<String>) -> Result<String, Error> {
    let text = match arg {
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
    Ok(signer::parse_url_form(text.trim_end_matches(['\n', '\r'])).into_owned())
}

fn status_list(path: &Path, keys: &KeySet) -> Result<StatusList, Failure> {
    let signed: SignedStatusList = json(path, "status list")?;
    StatusList::verify(&signed, keys).map_err(about(path))
}

/// Prints the verdict: the claims JSON (exit 0) or the reason code and why (exit 1).
fn report(verdict: &Verdict) -> ExitCode {
    match (&verdict.reason, &verdict.claims) {
        (None, Some(claims)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(claims).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        (reason, _) => {
            let message = reason.as_ref().map(|r| r.message()).unwrap_or_default();
            println!("{}", verdict.code());
            eprintln!("invalid: {message}");
            ExitCode::from(1)
        }
    }
}

fn verify(
    keys: &Path,
    status: &[PathBuf],
    at: Option<&str>,
    qr: Option<String>,
) -> Result<ExitCode, Failure> {
    let keys = KeySet::from_json(&read(keys)?).map_err(about(keys))?;
    let status = match status {
        [] => None,
        [path] => Some(status_list(path, &keys)?),
        _ => {
            return Err(Error::InvalidClaims(
                "with --keys, give at most one --status (one issuer's list); \
                 several issuers' lists need --root and --trust-list"
                    .into(),
            )
            .into());
        }
    };
    let now = instant(at)?;
    let text = qr_text(qr)?;
    Ok(report(&signer::verify(&text, &keys, status.as_ref(), now)))
}

fn trust_list(roots: &str, path: &Path) -> Result<TrustList, Failure> {
    let roots = signer::parse_roots(roots)?;
    let signed: SignedTrustList = json(path, "signed trust list")?;
    TrustList::verify(&signed, &roots).map_err(about(path))
}

fn verify_trusted(
    roots: &str,
    trust: &Path,
    status: &[PathBuf],
    at: Option<&str>,
    qr: Option<String>,
) -> Result<ExitCode, Failure> {
    let trust = trust_list(roots, trust)?;
    let keys = trust.key_set()?;
    let statuses = status
        .iter()
        .map(|path| status_list(path, &keys))
        .collect::<Result<Vec<_>, _>>()?;
    let now = instant(at)?;
    let text = qr_text(qr)?;
    Ok(report(&signer::verify_trusted(
        &text, &trust, &statuses, now,
    )))
}

fn sign_trust_list(
    key: &Path,
    list: &Path,
    valid_days: i64,
    at: Option<&str>,
    out: &Path,
) -> Result<(), Failure> {
    let root = SigningKey::load(key)?;
    let mut trust: TrustList = json(list, "trust list")?;
    trust.issued_at = instant(at)?;
    trust.expires_at = trust.issued_at + valid_days * 86_400;
    let signed = trust.sign(&root).map_err(about(list))?;
    let json = serde_json::to_string(&signed).unwrap_or_default() + "\n";
    // Through a temporary file: a server re-reading the list never sees half of it.
    let io = |e| Error::Io {
        path: out.display().to_string(),
        source: e,
    };
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, json).map_err(io)?;
    std::fs::rename(&tmp, out).map_err(io)?;
    Ok(())
}

fn check_trust_list(roots: &str, signed: &Path) -> ExitCode {
    match trust_list(roots, signed) {
        Ok(trust) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&trust).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("signer: {e}");
            ExitCode::from(1)
        }
    }
}

fn public_key(dir: &Path) -> Result<(), Error> {
    let key = SigningKey::load(&dir.join(KeyStore::KEY_FILE))?;
    println!("{}", hex::encode(key.public_key()));
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: Result<ExitCode, Failure> = match cli.command {
        Command::Keygen {
            out,
            issuer,
            issuer_name,
            grace,
        } => keygen(&out, &issuer, issuer_name, grace)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Failure::from),
        Command::Issue { key, claims, svg } => issue(&key, &claims, svg.as_deref())
            .map(|()| ExitCode::SUCCESS)
            .map_err(Failure::from),
        Command::Verify {
            keys: Some(keys),
            status,
            at,
            qr_text,
            ..
        } => verify(&keys, &status, at.as_deref(), qr_text),
        Command::Verify {
            root: Some(root),
            trust_list: Some(trust),
            status,
            at,
            qr_text,
            ..
        } => verify_trusted(&root, &trust, &status, at.as_deref(), qr_text),
        // clap requires --keys or both --root and --trust-list.
        Command::Verify { .. } => {
            Err(Error::InvalidKey("give --keys, or --root and --trust-list".into()).into())
        }
        Command::TrustList {
            command:
                TrustListCommand::Sign {
                    key,
                    list,
                    valid_days,
                    at,
                    out,
                },
        } => sign_trust_list(&key, &list, valid_days, at.as_deref(), &out)
            .map(|()| ExitCode::SUCCESS),
        Command::TrustList {
            command: TrustListCommand::Verify { root, signed },
        } => Ok(check_trust_list(&root, &signed)),
        Command::PublicKey { keys } => public_key(&keys)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Failure::from),
    };
    result.unwrap_or_else(|e| {
        eprintln!("signer: {e}");
        ExitCode::from(2)
    })
}
