//! The one error type of this crate.

/// Why an input is not a well-formed credential. Each variant has a stable [`code`](Self::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// The text does not start with a known prefix.
    #[error("not a Yiye credential: the text must start with the prefix {0:?}")]
    Prefix(&'static str),
    /// A Yiye prefix of a version this build does not know.
    #[error("credential format version {0:?} is not supported by this verifier; update it")]
    Version(String),
    /// The text or decompressed data exceeds a size cap.
    #[error("input is larger than any credential can be ({0})")]
    Oversize(&'static str),
    /// The text after the prefix is not canonical base45.
    #[error("invalid base45 text: {0}")]
    Base45(&'static str),
    /// The zlib stream is corrupt or inflates beyond the cap.
    #[error("invalid compressed data: {0}")]
    Compression(&'static str),
    /// The bytes are not deterministic, well-formed CBOR.
    #[error("invalid CBOR: {0}")]
    Cbor(&'static str),
    /// Well-formed CBOR that is not a credential of this format.
    #[error("unexpected structure: {0}")]
    Structure(&'static str),
    /// A claim or permit field this verifier does not know and may not ignore: the credential
    /// comes from a newer issuer (see "Growing the credential" in the README).
    #[error("the license carries {0}, which this verifier does not know; update the app")]
    UnsupportedClaim(String),
}

impl Malformed {
    /// Stable snake_case code, e.g. `"malformed_base45"`.
    pub fn code(&self) -> &'static str {
        match self {
            Malformed::Prefix(_) => "malformed_prefix",
            Malformed::Version(_) => "malformed_version",
            Malformed::Oversize(_) => "malformed_oversize",
            Malformed::Base45(_) => "malformed_base45",
            Malformed::Compression(_) => "malformed_compression",
            Malformed::Cbor(_) => "malformed_cbor",
            Malformed::Structure(_) => "malformed_structure",
            Malformed::UnsupportedClaim(_) => "malformed_unsupported_claim",
        }
    }
}

/// Everything that can go wrong in this crate. Messages say what is wrong and how to fix it
/// and never contain key material.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that is not a well-formed credential, message, trust list or status list.
    #[error(transparent)]
    Malformed(#[from] Malformed),
    /// No key in the key set has the credential's key id.
    #[error("no key with id {kid} in the key set; refresh the key set from the issuer")]
    UnknownKey {
        /// Key id (hex) from the protected header.
        kid: String,
    },
    /// A trust list signed by a key that is not one of the verifier's pinned roots.
    #[error(
        "the trust list is signed by key {kid}, which is not a root of trust of this verifier; \
         get a list signed by a pinned root, or pin this root if it is genuinely yours"
    )]
    UnknownRoot {
        /// Key id (hex) from the protected header.
        kid: String,
    },
    /// A trust list whose content is unusable (a duplicate issuer, a bad key, an expiry before
    /// its issue time, …), when signing or after decoding.
    #[error("invalid trust list: {0}")]
    InvalidTrustList(String),
    /// A status list whose content cannot be signed (a date that is not a whole day, a
    /// suspension ending before it begins, an expiry before its issue time, …).
    #[error("invalid status list: {0}")]
    InvalidStatusList(String),
    /// The Ed25519 signature does not verify.
    #[error("signature does not verify: the data was altered or not signed by this key")]
    SignatureInvalid,
    /// The signing key was outside its validity window at the claimed issue time.
    #[error("key {kid} was not valid at the issue time")]
    KeyNotValidAtIssue {
        /// Key id (hex).
        kid: String,
    },
    /// The claims are not encodable (for example the result would not fit any QR code).
    #[error("cannot issue: {0}")]
    InvalidClaims(String),
    /// A key set entry or key file holds an unusable key.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A private key file that other users can read.
    #[error(
        "private key file {path} is readable by group or others (mode {mode:o}); \
         restrict it with `chmod 600 {path}`"
    )]
    KeyFileExposed {
        /// Path of the key file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file (claims, key set, status list) does not parse.
    #[error("{what} is not valid JSON for this purpose: {detail}")]
    Json {
        /// What was being read.
        what: &'static str,
        /// The parser's message.
        detail: String,
    },
    /// The operating system's random number generator failed.
    #[error("no secure randomness available: {0}")]
    Random(String),
    /// The text does not fit in a QR code.
    #[error("cannot render QR code: {0}")]
    Qr(String),
    /// The QR codes of a multi-part hand-over do not make one whole message.
    #[error("incomplete hand-over: {0}")]
    Parts(String),
    /// A timestamp is not RFC 3339.
    #[error(
        "invalid RFC 3339 time {0:?}; use e.g. 2026-05-01T08:00:00Z or 2026-05-01T16:00:00+08:00"
    )]
    Time(String),
}
