//! Generic signed messages, e.g. an application handed over offline as a QR code signed
//! with a device key. Same envelope as a license, different prefix.

use crate::keys::{KeySet, SigningKey, kid_of, kid_of_digest};
use crate::{Error, cose};

/// Prefix of a version 1 signed message QR text.
pub const MESSAGE_PREFIX: &str = "YYH1:";
const MESSAGE_FAMILY: &str = "YYH";

/// A verified message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Key id of the signer.
    pub kid: String,
    /// Issuer (for device keys: the device id) of the signing key.
    pub issuer: String,
    /// The signed bytes.
    pub payload: Vec<u8>,
}

/// Signs an arbitrary payload as a COSE_Sign1 QR text (`YYH1:` + base45).
pub fn sign_message(payload: &[u8], key: &SigningKey) -> Result<String, Error> {
    message_text(&cose::smaller_of(cose::sign1(payload, key)))
}

/// A message for a key this crate never holds: in the browser a non-extractable Web Crypto
/// Ed25519 key, so the device's secret never exists in wasm memory. Sign
/// [`UnsignedMessage::to_be_signed`], [`UnsignedMessage::seal`] with the signature, optionally
/// zlib-compress (a browser's `CompressionStream("deflate")`), then [`message_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedMessage {
    protected: Vec<u8>,
    payload: Vec<u8>,
    to_be_signed: Vec<u8>,
}

impl UnsignedMessage {
    /// `payload` to be signed by the Ed25519 key whose public key is `public_key`.
    pub fn new(payload: &[u8], public_key: &[u8; 32]) -> Self {
        Self::with_kid(payload, &kid_of(public_key))
    }

    /// As [`UnsignedMessage::new`], for a caller that hashed the public key itself:
    /// `key_digest` is SHA-256(public key). The browser hashes with Web Crypto, so the
    /// applicant's wasm carries no SHA-256 either.
    pub fn for_key_digest(payload: &[u8], key_digest: &[u8; 32]) -> Self {
        Self::with_kid(payload, &kid_of_digest(key_digest))
    }

    fn with_kid(payload: &[u8], kid: &[u8]) -> Self {
        let (protected, to_be_signed) = cose::to_be_signed(kid, payload);
        UnsignedMessage {
            protected,
            payload: payload.to_vec(),
            to_be_signed,
        }
    }

    /// The COSE `Sig_structure` bytes the key must sign.
    pub fn to_be_signed(&self) -> &[u8] {
        &self.to_be_signed
    }

    /// The COSE_Sign1 bytes carrying `signature` (not checked here: the receiver verifies).
    pub fn seal(&self, signature: &[u8; 64]) -> Vec<u8> {
        cose::assemble(&self.protected, &self.payload, signature)
    }
}

/// The QR text (`YYH1:` + base45) of COSE_Sign1 bytes, zlib-compressed or not; an error when
/// it would not fit in one QR code's worth of characters.
pub fn message_text(packed: &[u8]) -> Result<String, Error> {
    let text = cose::text(MESSAGE_PREFIX, packed);
    if text.len() > cose::MAX_TEXT_LEN {
        return Err(Error::InvalidClaims(format!(
            "message needs {} QR characters, more than a QR code holds ({})",
            text.len(),
            cose::MAX_TEXT_LEN
        )));
    }
    Ok(text)
}

/// Verifies a message against the keys in `keys` (strict Ed25519).
pub fn verify_message(text: &str, keys: &KeySet) -> Result<Message, Error> {
    let body = cose::strip_prefix(text, MESSAGE_PREFIX, MESSAGE_FAMILY)?;
    let bytes = cose::unpack(body)?;
    let sign1 = cose::parse(&bytes)?;
    let entry = sign1.verify(keys)?;
    Ok(Message {
        kid: entry.kid.clone(),
        issuer: entry.issuer.clone(),
        payload: sign1.payload.to_vec(),
    })
}

/// Prefix of one part of a message split over several QR codes: `YYHP:{i}/{n}:{chunk}`.
pub const PART_PREFIX: &str = "YYHP:";
/// At most this many parts: a hand-over is a few QR codes, not a film.
const MAX_PARTS: usize = 16;

/// Splits a signed message into numbered parts of at most `chunk` characters each, so a long
/// application can be shown as a short sequence of QR codes each an ordinary phone can read.
/// A message that fits stays one text, unchanged.
pub fn split_message(text: &str, chunk: usize) -> Vec<String> {
    if text.len() <= chunk || chunk == 0 {
        return vec![text.to_owned()];
    }
    // QR texts are ASCII (base45 alphabet), so byte chunks are character chunks.
    let pieces: Vec<&[u8]> = text.as_bytes().chunks(chunk).collect();
    let total = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            format!(
                "{PART_PREFIX}{}/{total}:{}",
                i + 1,
                String::from_utf8_lossy(piece)
            )
        })
        .collect()
}

/// Joins what [`split_message`] made, in any order; a single unsplit text passes through.
/// Every part must be there exactly once, all of the same total.
pub fn join_message(parts: &[String]) -> Result<String, Error> {
    let bad = |why: &str| Error::Parts(why.to_owned());
    match parts {
        [] => return Err(bad("no QR text given")),
        [one] if !one.starts_with(PART_PREFIX) => return Ok(one.clone()),
        _ => {}
    }
    if parts.len() > MAX_PARTS {
        return Err(bad("too many parts: a hand-over has at most 16 QR codes"));
    }
    let mut slots: Vec<Option<&str>> = vec![None; parts.len()];
    for part in parts {
        let rest = part
            .strip_prefix(PART_PREFIX)
            .ok_or_else(|| bad("a part of a multi-part hand-over does not start with YYHP:"))?;
        let (position, chunk) = rest
            .split_once(':')
            .ok_or_else(|| bad("a part has no i/n: header"))?;
        let (index, total) = position
            .split_once('/')
            .ok_or_else(|| bad("a part has no i/n: header"))?;
        let (index, total): (usize, usize) = match (index.parse(), total.parse()) {
            (Ok(i), Ok(n)) => (i, n),
            _ => return Err(bad("a part's i/n header is not two numbers")),
        };
        if total != parts.len() || index == 0 || index > total {
            return Err(bad(
                "the parts do not make one whole: scan every QR code of the sequence",
            ));
        }
        let slot = slots
            .get_mut(index - 1)
            .ok_or_else(|| bad("part number out of range"))?;
        if slot.replace(chunk).is_some() {
            return Err(bad("the same part was scanned twice"));
        }
    }
    Ok(slots.into_iter().flatten().collect())
}
