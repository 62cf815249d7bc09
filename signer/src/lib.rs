//! The Yiye combined-license credential.
//!
//! A license is a set of [`LicenseClaims`] encoded as deterministic CBOR, signed as a tagged
//! COSE_Sign1 (RFC 9052) with Ed25519 (`alg` −8, `kid` in the protected header), optionally
//! zlib-compressed when that is shorter, base45-encoded (RFC 9285) and prefixed with
//! [`LICENSE_PREFIX`], so that the QR code uses alphanumeric mode. Inspectors [`verify`] it
//! offline against a [`KeySet`] and an optional [`StatusList`], or against a
//! [`TrustList`] signed by a pinned root and the issuers' status lists
//! ([`verify_trusted`]).
//!
//! Decoding is strict and total: any input that the encoder would not have produced yields a
//! typed [`Malformed`] reason, never a panic, and allocation is bounded by the input size.
//! See `README.md` for the byte-level format.

#![forbid(unsafe_code)]

mod base43;
mod base45;
mod base64url;
mod cbor;
#[rustfmt::skip]
mod charset;
mod claims;
mod compact;
mod cose;
mod credential;
mod error;
mod keys;
mod message;
mod qr;
mod range;
mod status;
mod time;
mod trust;

pub use claims::{Address, LicenseClaims, PermitClaim, derived_permit_number};
pub use credential::{
    LICENSE_PREFIX, MAX_QR_TEXT_LEN, Reason, Verdict, decode_unverified, from_cose, issue,
    parse_url_form, to_cose, url_form, verify,
};
pub use error::{Error, Malformed};
pub use keys::{KeySet, PublicKeyEntry, SigningKey};
#[cfg(unix)]
pub use keys::{KeyStore, unix_now};
pub use message::{
    MESSAGE_PREFIX, Message, PART_PREFIX, UnsignedMessage, join_message, message_text,
    sign_message, split_message, verify_message,
};
pub use qr::{QrImage, qr_version, render_svg};
pub use status::{SignedStatusList, Status, StatusList};
pub use time::{add_years, format_rfc3339, parse_rfc3339};
pub use trust::{
    SignedTrustList, TrustList, TrustedIssuer, TrustedKey, parse_roots, verify_trusted,
};
