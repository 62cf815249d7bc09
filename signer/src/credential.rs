//! Issuing and verifying license QR texts.

use serde::{Serialize, Serializer};

use crate::claims::LicenseClaims;
use crate::keys::{KeySet, SigningKey};
use crate::status::{Status, StatusList};
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
    if claims
        .permits
        .iter()
        .skip(crate::claims::MAX_OPEN_ENDED_INDEX + 1)
        .any(|p| p.valid_until.is_none())
    {
        return Err(Error::InvalidClaims(format!(
            "only the first {} permits can be without a fixed term",
            crate::claims::MAX_OPEN_ENDED_INDEX + 1
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
    /// The issuer's status list says revoked: by the license's status index (`on` = the
    /// day), or by number for a license from before status indexes (`on` = `None`).
    Revoked {
        /// The day of the revocation (Unix seconds, 00:00 UTC), when the list states it.
        on: Option<i64>,
    },
    /// The status list says a newer version of this license replaced it.
    Superseded {
        /// The license's version + 1.
        by_version: u16,
        /// The day it was superseded (Unix seconds, 00:00 UTC).
        on: i64,
    },
    /// The status list says suspended. A suspension whose announced end has passed still
    /// holds: only the authority's reinstatement ends it.
    Suspended {
        /// The announced last day of the suspension (Unix seconds, 00:00 UTC).
        until: i64,
    },
    /// The status list says cancelled at the holder's request.
    Cancelled {
        /// The day of the cancellation (Unix seconds, 00:00 UTC).
        on: i64,
    },
    /// The license's issuer is not on the trust list.
    UnknownIssuer,
    /// Signed with a key that an issuer of the trust list has withdrawn (compromised).
    KeyWithdrawn,
    /// The trust list does not let the issuer issue for the premises' division.
    DivisionNotAllowed,
    /// The trust list does not let the issuer issue one of the license's permit kinds.
    PermitNotAllowed,
    /// Genuine, but no current status list of its issuer confirms it: none at all (`since`
    /// is `None`), or the newest one expired or is older than the license's status index
    /// (`since` = its issue time).
    StatusUnknown {
        /// Issue time (Unix seconds) of the newest status list at hand.
        since: Option<i64>,
    },
    /// Genuine and not revoked as far as known, but the trust list itself has expired.
    TrustListExpired {
        /// Issue time (Unix seconds) of the trust list in use.
        since: i64,
    },
}

impl Reason {
    /// Stable code: `malformed_*`, `unknown_key`, `signature_invalid`, `issuer_mismatch`,
    /// `key_not_valid_at_issue`, `expired`, `not_yet_valid`, `revoked`, `superseded`,
    /// `suspended`, `cancelled`, `unknown_issuer`, `key_withdrawn`, `division_not_allowed`,
    /// `permit_not_allowed`, `status_unknown`, `trust_list_expired`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Malformed(m) => m.code(),
            Reason::UnknownKey => "unknown_key",
            Reason::SignatureInvalid => "signature_invalid",
            Reason::IssuerMismatch => "issuer_mismatch",
            Reason::KeyNotValidAtIssue => "key_not_valid_at_issue",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not_yet_valid",
            Reason::Revoked { .. } => "revoked",
            Reason::Superseded { .. } => "superseded",
            Reason::Suspended { .. } => "suspended",
            Reason::Cancelled { .. } => "cancelled",
            Reason::UnknownIssuer => "unknown_issuer",
            Reason::KeyWithdrawn => "key_withdrawn",
            Reason::DivisionNotAllowed => "division_not_allowed",
            Reason::PermitNotAllowed => "permit_not_allowed",
            Reason::StatusUnknown { .. } => "status_unknown",
            Reason::TrustListExpired { .. } => "trust_list_expired",
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
            Reason::Revoked { on: None } => "the license has been revoked".into(),
            Reason::Revoked { on: Some(on) } => {
                format!("the license was revoked on {}", shown_day(*on))
            }
            Reason::Superseded { by_version, on } => format!(
                "superseded by version {by_version} on {}: ask for the current license",
                shown_day(*on)
            ),
            Reason::Suspended { until } => format!(
                "the license is suspended until {} (the authority has not yet reinstated it)",
                shown_day(*until)
            ),
            Reason::Cancelled { on } => format!(
                "the license was cancelled at its holder's request on {}",
                shown_day(*on)
            ),
            Reason::UnknownIssuer => "issued by an authority that is not on the trust list".into(),
            Reason::KeyWithdrawn => {
                "signed with a key its issuer has withdrawn as compromised".into()
            }
            Reason::DivisionNotAllowed => {
                "the issuer may not issue licenses for the premises' area".into()
            }
            Reason::PermitNotAllowed => "the issuer may not issue one of its permits".into(),
            Reason::StatusUnknown { since: None } => {
                "genuine, but no status list of its issuer is at hand to confirm its status".into()
            }
            Reason::StatusUnknown { since: Some(t) } => format!(
                "genuine, but its current status is unknown: the issuer's status list of {} has \
                 expired or predates it; get a newer one",
                shown_time(*t)
            ),
            Reason::TrustListExpired { since } => format!(
                "genuine, but the trust list of {} has expired; get a newer one",
                shown_time(*since)
            ),
        }
    }
}

/// RFC 3339, or the raw number for an instant outside the calendar range.
fn shown_time(t: i64) -> String {
    crate::format_rfc3339(t).unwrap_or_else(|| t.to_string())
}

/// The date (YYYY-MM-DD, UTC) of a status list's day.
fn shown_day(t: i64) -> String {
    let mut time = shown_time(t);
    if crate::format_rfc3339(t).is_some() {
        time.truncate(10);
    }
    time
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
    /// The issuer's name in English from the key set, when the signature verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name_en: Option<String>,
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
/// status (revoked, superseded, suspended, cancelled), validity window, status index
/// beyond the list. `status` must already be verified ([`StatusList::verify`]); it applies
/// only to licenses of its issuer. Its freshness is not checked here (the server passes its
/// own current list); [`verify_trusted`](crate::verify_trusted) checks it.
pub fn verify(qr_text: &str, keys: &KeySet, status: Option<&StatusList>, now: i64) -> Verdict {
    verdict_with(qr_text, |sign1, claims, verdict| {
        check(
            sign1,
            claims,
            keys,
            status,
            now,
            (&mut verdict.issuer_name, &mut verdict.issuer_name_en),
        )
    })
}

/// What an issuer's status list says of a license.
pub(crate) enum Listed {
    /// Valid, or not a license the list states anything about (old and not revoked).
    InForce,
    /// A reason not to accept it.
    Not(Reason),
    /// Its status index is beyond the list, yet it was issued before the list: the list
    /// should state it and does not, so its state cannot be told.
    Beyond,
}

/// The state of `claims` in `list` (which must be its issuer's): by status index, or by
/// number for a license issued before status indexes.
pub(crate) fn listed(list: &StatusList, claims: &LicenseClaims) -> Listed {
    let Some(index) = claims.status_index else {
        return if list.revoked_by_number(&claims.license_number) {
            Listed::Not(Reason::Revoked { on: None })
        } else {
            Listed::InForce
        };
    };
    match list.status(index) {
        // Issued after the list was: nothing could be known against it then, and what
        // happened since is as unknown as for every license — the list's expiry bounds that.
        None if claims.issued_at >= list.issued_at => Listed::InForce,
        None => Listed::Beyond,
        Some(Status::Valid) => Listed::InForce,
        Some(Status::Revoked { on }) => Listed::Not(Reason::Revoked { on: Some(on) }),
        Some(Status::Superseded { on }) => Listed::Not(Reason::Superseded {
            by_version: claims.version.saturating_add(1),
            on,
        }),
        Some(Status::Suspended { until, .. }) => Listed::Not(Reason::Suspended { until }),
        Some(Status::Cancelled { on }) => Listed::Not(Reason::Cancelled { on }),
    }
}

/// Decodes a QR text and lets `check` give the reason, for [`verify`] and
/// [`verify_trusted`](crate::verify_trusted): a decoding failure is the `Malformed` reason,
/// otherwise the verdict carries the kid and the claims whatever `check` says.
pub(crate) fn verdict_with(
    qr_text: &str,
    check: impl FnOnce(&cose::Sign1, &LicenseClaims, &mut Verdict) -> Option<Reason>,
) -> Verdict {
    let mut verdict = Verdict {
        reason: None,
        claims: None,
        kid: None,
        issuer_name: None,
        issuer_name_en: None,
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
    verdict.reason = check(&sign1, &claims, &mut verdict);
    verdict.claims = Some(claims);
    verdict
}

fn check(
    sign1: &cose::Sign1,
    claims: &LicenseClaims,
    keys: &KeySet,
    status: Option<&StatusList>,
    now: i64,
    (name, name_en): (&mut Option<String>, &mut Option<String>),
) -> Option<Reason> {
    let entry = match sign1.verify(keys) {
        Ok(entry) => entry,
        Err(Error::UnknownKey { .. }) => return Some(Reason::UnknownKey),
        Err(_) => return Some(Reason::SignatureInvalid),
    };
    if entry.issuer != claims.issuer {
        return Some(Reason::IssuerMismatch);
    }
    name.clone_from(&entry.issuer_name);
    name_en.clone_from(&entry.issuer_name_en);
    if !entry.valid_at(claims.issued_at) {
        return Some(Reason::KeyNotValidAtIssue);
    }
    let listed = status
        .filter(|list| list.issuer == claims.issuer)
        .map(|list| (list.issued_at, listed(list, claims)));
    if let Some((_, Listed::Not(reason))) = listed {
        return Some(reason);
    }
    if now < claims.valid_from {
        return Some(Reason::NotYetValid);
    }
    if now >= claims.valid_until {
        return Some(Reason::Expired);
    }
    match listed {
        Some((since, Listed::Beyond)) => Some(Reason::StatusUnknown { since: Some(since) }),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbor::Writer;
    use crate::claims::{Address, PermitClaim};
    use crate::cose;

    const ISSUED: i64 = 1_777_593_600;
    const UNTIL: i64 = ISSUED + 5 * 365 * 86_400;

    fn claims() -> LicenseClaims {
        LicenseClaims {
            issuer: "310115".into(),
            license_number: "310115-2026-000001".into(),
            issued_at: ISSUED,
            valid_from: ISSUED,
            valid_until: UNTIL,
            industry: 101,
            permits: vec![PermitClaim {
                kind: 2,
                number: "310115-2026-000001-02".into(),
                valid_until: Some(UNTIL),
                scope: Some("酒类零售".into()),
            }],
            business_name: "一叶便利店".into(),
            credit_code: "91310115MA1H7GK2X0".into(),
            address: Address {
                division: 310_115,
                detail: "张江路1号".into(),
            },
            legal_representative: "王芳".into(),
            version: 1,
            status_index: None,
        }
    }

    /// Today's payload with `extra` (encoded key-value pairs, after every claim of today in
    /// deterministic order) added to its map, signed as a newer issuer would.
    fn issued_with(extra: &[(i64, &[u8])]) -> (String, KeySet) {
        let key = SigningKey::from_seed(&[3; 32], "310115");
        let mut payload = claims().to_cbor();
        // A map of fewer than 24 entries: the count is in the first byte.
        if let Some(head) = payload.first_mut() {
            *head += u8::try_from(extra.len()).unwrap_or(0);
        }
        for &(claim, value) in extra {
            let mut w = Writer::default();
            w.int(claim);
            payload.extend_from_slice(&w.buf);
            payload.extend_from_slice(value);
        }
        let keys =
            KeySet::from_entries(vec![key.public_entry(None, 0)]).unwrap_or_else(|e| panic!("{e}"));
        (cose::seal(LICENSE_PREFIX, &payload, &key), keys)
    }

    /// What a later optional claim may look like: {1: uint, 2: bytes, 3: uint}.
    fn lifecycle_value() -> Vec<u8> {
        let mut w = Writer::default();
        w.map(3);
        w.int(1);
        w.uint(2);
        w.int(2);
        w.bytes(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);
        w.int(3);
        w.uint(70_000);
        w.buf
    }

    #[test]
    fn a_future_optional_claim_is_signed_and_read_past() {
        let value = lifecycle_value();
        let nested = [0x81, 0xd8, 0x20, 0x82, 0x63, b'a', b'b', b'c', 0x20];
        for extra in [
            &[(-17, &value[..])][..],
            &[(-24, &[0x18, 0x2a][..])],
            &[
                (-17, &value[..]),
                (-18, &[0x63, b'x', b'y', b'z']),
                (-300, &nested),
            ],
        ] {
            let (text, keys) = issued_with(extra);
            let verdict = verify(&text, &keys, None, ISSUED);
            assert_eq!(verdict.code(), "valid", "{extra:?}");
            assert_eq!(verdict.claims, Some(claims()), "{extra:?}");
            assert_eq!(decode_unverified(&text), Ok(claims()));
        }
    }

    #[test]
    fn an_unknown_claim_outside_the_optional_range_asks_for_an_update() {
        for (claim, shown) in [(-9, "claim -9"), (-15, "claim -15")] {
            let (text, keys) = issued_with(&[(claim, &[0x01])]);
            let verdict = verify(&text, &keys, None, ISSUED);
            let want = Malformed::UnsupportedClaim(shown.into());
            assert_eq!(verdict.reason, Some(Reason::Malformed(want.clone())));
            assert_eq!(verdict.code(), "malformed_unsupported_claim");
            assert!(want.to_string().contains("update the app"));
            assert_eq!(verdict.claims, None, "nothing of it is shown as read");
        }
        // A CWT-registered key this verifier does not know, e.g. 8 (cnf), just after cti.
        let mut payload = claims().to_cbor();
        let cti = payload.windows(2).position(|w| w == [0x07, 0x47]);
        let at = cti.map_or(payload.len(), |i| i + 2 + 7);
        payload.splice(at..at, [0x08, 0x01]);
        if let Some(head) = payload.first_mut() {
            *head += 1;
        }
        assert_eq!(
            LicenseClaims::from_cbor(&payload),
            Err(Malformed::UnsupportedClaim("claim 8".into()))
        );
        // Permit maps have no optional range: {1: kind, 4: scope} gains a field 5.
        let mut payload = claims().to_cbor();
        let permit = payload.windows(3).position(|w| w == [0x26, 0x81, 0xa2]);
        if let Some(head) = permit.and_then(|i| payload.get_mut(i + 2)) {
            *head += 1;
        }
        payload.extend_from_slice(&[0x05, 0x01]);
        assert_eq!(
            LicenseClaims::from_cbor(&payload),
            Err(Malformed::UnsupportedClaim("permit field 5".into()))
        );
    }

    #[test]
    fn optional_claims_are_decoded_strictly() {
        let value = lifecycle_value();
        let refused = |extra: &[(i64, &[u8])], tail: &[u8]| {
            let (text, keys) = issued_with(extra);
            let mut cose_bytes = to_cose(&text).unwrap_or_default();
            if !tail.is_empty() {
                // Re-sign the payload with the tail after the map.
                let sign1 = cose::parse(&cose_bytes).map(|s| s.payload.to_vec());
                let mut payload = sign1.unwrap_or_default();
                payload.extend_from_slice(tail);
                let key = SigningKey::from_seed(&[3; 32], "310115");
                cose_bytes =
                    to_cose(&cose::seal(LICENSE_PREFIX, &payload, &key)).unwrap_or_default();
            }
            verify(&from_cose(&cose_bytes), &keys, None, ISSUED).reason
        };
        let cbor = |why| Some(Reason::Malformed(Malformed::Cbor(why)));
        assert_eq!(
            refused(&[(-17, &value), (-17, &value)], &[]),
            cbor("duplicate map key")
        );
        assert_eq!(
            refused(&[(-18, &value), (-17, &value)], &[]),
            cbor("map keys not in deterministic order")
        );
        assert_eq!(
            refused(&[(-17, &value)], &[0x00]),
            cbor("trailing bytes after the item")
        );
        let deepest = [&[0x81; 8][..], &[0x00]].concat();
        let (text, keys) = issued_with(&[(-17, &deepest)]);
        assert_eq!(verify(&text, &keys, None, ISSUED).code(), "valid");
        let too_deep = [&[0x81; 9][..], &[0x00]].concat();
        for (bad, why) in [
            (
                &too_deep[..],
                Malformed::Structure("an item is nested too deeply"),
            ),
            (
                &[0x18, 0x01],
                Malformed::Cbor("integer or length not in its shortest form"),
            ),
            (
                &[0x9f, 0xff],
                Malformed::Cbor("indefinite-length items are not allowed"),
            ),
            (
                &[0xf9, 0x3c, 0x00],
                Malformed::Structure("floats and simple values are not used"),
            ),
            (
                &[0x61, 0xff],
                Malformed::Cbor("text string is not valid UTF-8"),
            ),
            (
                &[0xa1, 0x61, b'k', 0x00],
                Malformed::Structure("map keys must be integers"),
            ),
        ] {
            assert_eq!(
                refused(&[(-17, bad)], &[]),
                Some(Reason::Malformed(why)),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn the_lifecycle_claim_costs_nothing_when_implied_and_is_read_strictly() {
        let key = SigningKey::from_seed(&[3; 32], "310115");
        let today = issue(&claims(), &key).unwrap_or_default();
        let plain = claims().to_cbor();
        for (version, index, tail) in [
            (1, None, &[][..]),
            (
                1,
                Some(70_000),
                &[0x2f, 0xa1, 0x03, 0x1a, 0x00, 0x01, 0x11, 0x70][..],
            ),
            (2, None, &[0x2f, 0xa1, 0x01, 0x02]),
            (2, Some(0), &[0x2f, 0xa2, 0x01, 0x02, 0x03, 0x00]),
        ] {
            let mut c = claims();
            c.version = version;
            c.status_index = index;
            let payload = c.to_cbor();
            assert_eq!(
                payload.get(plain.len()..),
                Some(tail),
                "{version} {index:?}"
            );
            assert_eq!(LicenseClaims::from_cbor(&payload), Ok(c.clone()));
            let text = issue(&c, &key).unwrap_or_default();
            assert_eq!(
                text == today,
                tail.is_empty(),
                "version 1 without index: unchanged"
            );
        }
        let structure = |why| Err(Malformed::Structure(why));
        for (value, want) in [
            (
                &[0xa0][..],
                structure("an empty lifecycle claim is left out"),
            ),
            (
                &[0xa1, 0x01, 0x01],
                structure("a stated version must be 2 to 65535"),
            ),
            (
                &[0xa1, 0x01, 0x00],
                structure("a stated version must be 2 to 65535"),
            ),
            (
                &[0xa1, 0x01, 0x1a, 0x00, 0x01, 0x00, 0x00],
                structure("a stated version must be 2 to 65535"),
            ),
            (
                &[0xa1, 0x03, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0],
                structure("status index out of range"),
            ),
            (
                &[0xa1, 0x02, 0x41, 0x00],
                Err(Malformed::UnsupportedClaim("lifecycle field 2".into())),
            ),
            (&[0x01], structure("expected a map")),
        ] {
            let (text, _) = issued_with(&[(-16, value)]);
            assert_eq!(decode_unverified(&text), want, "{value:02x?}");
        }
    }
}
