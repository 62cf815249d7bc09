//! Issuing and verifying license QR texts.

use serde::{Serialize, Serializer};

use crate::claims::LicenseClaims;
use crate::keys::{KeySet, SigningKey};
use crate::revocation::RevocationList;
use crate::{Error, Malformed};
use crate::{base43, base45, cose};

/// Prefix of a version 1 license QR text. All characters are in the QR alphanumeric set.
pub const LICENSE_PREFIX: &str = "YY1:";
const LICENSE_FAMILY: &str = "YY";
/// Longest QR text accepted by the decoder (version 40 alphanumeric capacity).
pub const MAX_QR_TEXT_LEN: usize = cose::MAX_TEXT_LEN;

/// Signs `claims` and returns the QR text (`YY1:` + base45).
pub fn issue(claims: &LicenseClaims, key: &SigningKey) -> Result<String, Error> {
    if claims.issuer != key.issuer() {
        return Err(Error::InvalidClaims(format!(
            "claims name issuer {:?} but the key belongs to {:?}",
            claims.issuer,
            key.issuer()
        )));
    }
    let text = cose::seal(LICENSE_PREFIX, &claims.to_cbor(), key);
    if text.len() > MAX_QR_TEXT_LEN {
        return Err(Error::InvalidClaims(format!(
            "the credential needs {} characters, more than a QR code holds ({MAX_QR_TEXT_LEN}); \
             shorten the scopes or the address",
            text.len()
        )));
    }
    Ok(text)
}

/// Why a license is not valid. [`Reason::code`] gives stable snake_case codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Not a well-formed credential.
    Malformed(Malformed),
    /// The key id is not in the key set.
    UnknownKey,
    /// The signature does not verify.
    SignatureInvalid,
    /// The key's issuer differs from the `iss` claim.
    IssuerMismatch,
    /// The key was outside its validity window at the issue time.
    KeyNotValidAtIssue,
    /// `now` is at or after `valid_until`.
    Expired,
    /// `now` is before `valid_from`.
    NotYetValid,
    /// The license number is on the issuer's revocation list.
    Revoked,
}

impl Reason {
    /// Stable code: `malformed_*`, `unknown_key`, `signature_invalid`, `issuer_mismatch`,
    /// `key_not_valid_at_issue`, `expired`, `not_yet_valid`, `revoked`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Malformed(m) => m.code(),
            Reason::UnknownKey => "unknown_key",
            Reason::SignatureInvalid => "signature_invalid",
            Reason::IssuerMismatch => "issuer_mismatch",
            Reason::KeyNotValidAtIssue => "key_not_valid_at_issue",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not_yet_valid",
            Reason::Revoked => "revoked",
        }
    }

    /// An English sentence for people.
    pub fn message(&self) -> String {
        match self {
            Reason::Malformed(m) => m.to_string(),
            Reason::UnknownKey => "signed by a key this verifier does not know".into(),
            Reason::SignatureInvalid => "the signature does not match: forged or altered".into(),
            Reason::IssuerMismatch => "signed by a key of a different issuer".into(),
            Reason::KeyNotValidAtIssue => "the key was not valid at the issue time".into(),
            Reason::Expired => "the license has expired".into(),
            Reason::NotYetValid => "the license is not yet valid".into(),
            Reason::Revoked => "the license has been revoked".into(),
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `None` when the license is genuine and in force.
    pub reason: Option<Reason>,
    /// The claims, whenever the structure decoded. Not trustworthy unless `reason` is `None`
    /// (or a validity reason: expired, not yet valid, revoked — those were signature-checked).
    pub claims: Option<LicenseClaims>,
    /// Key id from the protected header, whenever it decoded.
    pub kid: Option<String>,
    /// Display name of the issuer from the key set, when the signature verified.
    pub issuer_name: Option<String>,
}

impl Verdict {
    /// Genuine and in force.
    pub fn is_valid(&self) -> bool {
        self.reason.is_none()
    }

    /// `"valid"` or the reason's code.
    pub fn code(&self) -> &'static str {
        self.reason.as_ref().map_or("valid", Reason::code)
    }
}

/// The COSE_Sign1 bytes inside a QR text (prefix removed, base45 decoded, inflated).
/// For third-party verifiers and tests.
pub fn to_cose(qr_text: &str) -> Result<Vec<u8>, Malformed> {
    cose::unpack(cose::strip_prefix(qr_text, LICENSE_PREFIX, LICENSE_FAMILY)?)
}

/// The QR text for COSE_Sign1 bytes, uncompressed (the inverse of [`to_cose`]).
pub fn from_cose(cose_bytes: &[u8]) -> String {
    format!("{LICENSE_PREFIX}{}", base45::encode(cose_bytes))
}

/// Decodes the claims without checking anything but the format. For display and debugging
/// only; never trust the result.
pub fn decode_unverified(qr_text: &str) -> Result<LicenseClaims, Malformed> {
    let body = cose::strip_prefix(qr_text, LICENSE_PREFIX, LICENSE_FAMILY)?;
    let bytes = cose::unpack(body)?;
    let sign1 = cose::parse(&bytes)?;
    LicenseClaims::from_cbor(sign1.payload)
}

/// Verifies a license QR text at instant `now` (Unix seconds).
///
/// Order of checks: format, key id, signature (strict), issuer, key validity at issue time,
/// revocation, validity window. `revocations` must already be verified
/// ([`RevocationList::verify`]); it applies only to licenses of its issuer.
pub fn verify(
    qr_text: &str,
    keys: &KeySet,
    revocations: Option<&RevocationList>,
    now: i64,
) -> Verdict {
    let mut verdict = Verdict {
        reason: None,
        claims: None,
        kid: None,
        issuer_name: None,
    };
    let decoded = cose::strip_prefix(qr_text, LICENSE_PREFIX, LICENSE_FAMILY)
        .and_then(cose::unpack)
        .map_err(Reason::Malformed);
    let bytes = match decoded {
        Ok(b) => b,
        Err(reason) => {
            verdict.reason = Some(reason);
            return verdict;
        }
    };
    let parsed = cose::parse(&bytes).and_then(|s| {
        let claims = LicenseClaims::from_cbor(s.payload)?;
        Ok((s, claims))
    });
    let (sign1, claims) = match parsed {
        Ok(p) => p,
        Err(m) => {
            verdict.reason = Some(Reason::Malformed(m));
            return verdict;
        }
    };
    verdict.kid = Some(hex::encode(sign1.kid));
    verdict.reason = check(
        &sign1,
        &claims,
        keys,
        revocations,
        now,
        &mut verdict.issuer_name,
    );
    verdict.claims = Some(claims);
    verdict
}

fn check(
    sign1: &cose::Sign1,
    claims: &LicenseClaims,
    keys: &KeySet,
    revocations: Option<&RevocationList>,
    now: i64,
    issuer_name: &mut Option<String>,
) -> Option<Reason> {
    let entry = match sign1.verify(keys) {
        Ok(entry) => entry,
        Err(Error::UnknownKey { .. }) => return Some(Reason::UnknownKey),
        Err(_) => return Some(Reason::SignatureInvalid),
    };
    if entry.issuer != claims.issuer {
        return Some(Reason::IssuerMismatch);
    }
    issuer_name.clone_from(&entry.issuer_name);
    if !entry.valid_at(claims.issued_at) {
        return Some(Reason::KeyNotValidAtIssue);
    }
    if revocations.is_some_and(|r| r.issuer == claims.issuer && r.contains(&claims.license_number))
    {
        return Some(Reason::Revoked);
    }
    if now < claims.valid_from {
        return Some(Reason::NotYetValid);
    }
    if now >= claims.valid_until {
        return Some(Reason::Expired);
    }
    None
}

/// The verifier URL carrying the credential in its fragment, for a phone's own camera app:
/// `HTTPS://YIYE.EXAMPLE/I#YY1:…`. Upper case, and the fragment's bytes in base43 (base45
/// without space and `%`, which a browser would percent-encode), so that everything but the
/// `#` stays in the QR code's alphanumeric mode and the URL costs little more than its
/// address. The fragment never reaches a server. `qr_text` must be a well-formed QR text.
pub fn url_form(base_url: &str, qr_text: &str) -> Result<String, Malformed> {
    let body = cose::strip_prefix(qr_text, LICENSE_PREFIX, LICENSE_FAMILY)?;
    let bytes = base45::decode(body.as_bytes())?;
    Ok(format!(
        "{}#{LICENSE_PREFIX}{}",
        base_url.to_ascii_uppercase(),
        base43::encode(&bytes)
    ))
}

/// The QR text inside a [`url_form`] URL, or the text itself when it has no fragment. A
/// fragment that is not a URL form of this version comes back as it is, for [`verify`] to
/// name what is wrong with it.
pub fn parse_url_form(text: &str) -> std::borrow::Cow<'_, str> {
    let Some((_, fragment)) = text.rsplit_once('#') else {
        return text.into();
    };
    match fragment
        .strip_prefix(LICENSE_PREFIX)
        .and_then(|body| base43::decode(body.as_bytes()).ok())
    {
        Some(bytes) => format!("{LICENSE_PREFIX}{}", base45::encode(&bytes)).into(),
        None => fragment.into(),
    }
}
