//! The envelope shared by licenses and device messages:
//! prefix ‖ base45( zlib?( COSE_Sign1 ) ).

use ed25519_dalek::{Signature, Signer};
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

use crate::cbor::{Reader, Writer};
use crate::keys::{KeySet, PublicKeyEntry, SigningKey};
use crate::{Error, Malformed, base45};

/// COSE_Sign1 tag (RFC 9052 section 4.2).
const TAG_SIGN1: u64 = 18;
/// COSE header labels and the EdDSA algorithm id.
const HEADER_ALG: i64 = 1;
const HEADER_KID: i64 = 4;
const ALG_EDDSA: i64 = -8;
/// Longest key id accepted; ours are 4 bytes.
const MAX_KID_LEN: usize = 32;
/// Longest text accepted: the alphanumeric capacity of a version 40 QR code.
pub const MAX_TEXT_LEN: usize = 4296;
/// Largest inflated COSE structure; far above any real credential, far below a bomb.
const MAX_INFLATED: usize = 16 * 1024;
/// First byte of a zlib stream with the default 32 KiB window (RFC 1950).
const ZLIB_CMF: u8 = 0x78;

/// The protected header `{1: -8, 4: kid}`.
fn protected_header(kid: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    w.map(2);
    w.int(HEADER_ALG);
    w.int(ALG_EDDSA);
    w.int(HEADER_KID);
    w.bytes(kid);
    w.buf
}

/// `Sig_structure = ["Signature1", protected, external_aad = h'', payload]` (RFC 9052 4.4).
fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    w.buf.reserve(protected.len() + payload.len() + 20);
    w.array(4);
    w.text("Signature1");
    w.bytes(protected);
    w.bytes(&[]);
    w.bytes(payload);
    w.buf
}

/// Signs `payload` and returns the base45 text behind `prefix`, deflated when shorter.
pub fn seal(prefix: &str, payload: &[u8], key: &SigningKey) -> String {
    text(prefix, &smaller_of(sign1(payload, key)))
}

/// `prefix` ‖ base45(`packed`), where `packed` is COSE_Sign1 bytes, zlib-compressed or not.
pub fn text(prefix: &str, packed: &[u8]) -> String {
    let mut text = String::with_capacity(prefix.len() + packed.len() / 2 * 3 + 2);
    text.push_str(prefix);
    text.push_str(&base45::encode(packed));
    text
}

/// The tagged COSE_Sign1 bytes.
pub fn sign1(payload: &[u8], key: &SigningKey) -> Vec<u8> {
    let protected = protected_header(key.kid_bytes());
    let signature = key.inner().sign(&sig_structure(&protected, payload));
    assemble(&protected, payload, &signature.to_bytes())
}

/// The bytes an Ed25519 key signs for `payload` under key id `kid`, and the protected header
/// they commit to: for keys this crate never holds (a browser's non-extractable key).
pub fn to_be_signed(kid: &[u8], payload: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let protected = protected_header(kid);
    let tbs = sig_structure(&protected, payload);
    (protected, tbs)
}

/// The tagged COSE_Sign1 bytes from their parts.
pub fn assemble(protected: &[u8], payload: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let mut w = Writer::default();
    w.tag(TAG_SIGN1);
    w.array(4);
    w.bytes(protected);
    w.map(0);
    w.bytes(payload);
    w.bytes(signature);
    w.buf
}

/// zlib at maximum compression when that is strictly shorter; the raw COSE bytes otherwise.
pub fn smaller_of(cose: Vec<u8>) -> Vec<u8> {
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&cose, 10);
    if deflated.len() < cose.len() {
        deflated
    } else {
        cose
    }
}

/// A decoded, not yet verified COSE_Sign1.
pub struct Sign1<'a> {
    pub protected: &'a [u8],
    pub kid: &'a [u8],
    pub payload: &'a [u8],
    pub signature: [u8; 64],
}

/// Strips `family` + `version` + `:`; a different version of the same family is reported
/// as such, anything else as a wrong prefix.
pub fn strip_prefix<'t>(
    text: &'t str,
    expected: &'static str,
    family: &str,
) -> Result<&'t str, Malformed> {
    if text.len() > MAX_TEXT_LEN {
        return Err(Malformed::Oversize(
            "text longer than a version 40 QR code holds",
        ));
    }
    if let Some(rest) = text.strip_prefix(expected) {
        return Ok(rest);
    }
    if let Some(rest) = text.strip_prefix(family) {
        let version: String = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .take(4)
            .collect();
        if !version.is_empty()
            && rest
                .get(version.len()..)
                .is_some_and(|r| r.starts_with(':'))
        {
            return Err(Malformed::Version(format!("{family}{version}:")));
        }
    }
    Err(Malformed::Prefix(expected))
}

/// base45 → optional inflate → COSE bytes.
pub fn unpack(body: &str) -> Result<Vec<u8>, Malformed> {
    let raw = base45::decode(body.as_bytes())?;
    if raw.first() == Some(&ZLIB_CMF) {
        inflate(&raw, MAX_INFLATED, "inflates beyond 16 KiB")
    } else {
        Ok(raw)
    }
}

/// Inflates a complete zlib stream into a buffer of `limit` bytes (more is `oversize`);
/// trailing bytes are an error.
pub fn inflate(input: &[u8], limit: usize, oversize: &'static str) -> Result<Vec<u8>, Malformed> {
    let mut out = vec![0u8; limit];
    let mut state = DecompressorOxide::new();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32;
    let (status, consumed, produced) = decompress(&mut state, input, &mut out, 0, flags);
    match status {
        TINFLStatus::Done if consumed == input.len() => {
            out.truncate(produced);
            Ok(out)
        }
        TINFLStatus::Done => Err(Malformed::Compression(
            "trailing bytes after the zlib stream",
        )),
        TINFLStatus::HasMoreOutput => Err(Malformed::Oversize(oversize)),
        TINFLStatus::Adler32Mismatch => Err(Malformed::Compression("checksum mismatch")),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            Err(Malformed::Compression("zlib stream is truncated"))
        }
        _ => Err(Malformed::Compression("corrupt zlib stream")),
    }
}

/// Parses a tagged COSE_Sign1 with exactly our header layout.
pub fn parse(cose: &[u8]) -> Result<Sign1<'_>, Malformed> {
    let mut r = Reader::new(cose);
    if r.tag()? != TAG_SIGN1 {
        return Err(Malformed::Structure("not a COSE_Sign1 (tag 18)"));
    }
    if r.array()? != 4 {
        return Err(Malformed::Structure("COSE_Sign1 must have 4 elements"));
    }
    let protected = r.bytes()?;
    let kid = parse_protected(protected)?;
    if r.map()?.is_empty() {
        let payload = r.bytes()?;
        let signature = r
            .bytes()?
            .try_into()
            .map_err(|_| Malformed::Structure("Ed25519 signature must be 64 bytes"))?;
        r.finish()?;
        Ok(Sign1 {
            protected,
            kid,
            payload,
            signature,
        })
    } else {
        Err(Malformed::Structure("unprotected header must be empty"))
    }
}

fn parse_protected(protected: &[u8]) -> Result<&[u8], Malformed> {
    let mut r = Reader::new(protected);
    let mut keys = r.map()?;
    if r.key(&mut keys)? != Some(HEADER_ALG) || r.int()? != ALG_EDDSA {
        return Err(Malformed::Structure("algorithm must be EdDSA (-8)"));
    }
    if r.key(&mut keys)? != Some(HEADER_KID) {
        return Err(Malformed::Structure("protected header must hold a kid"));
    }
    let kid = r.bytes()?;
    if kid.is_empty() || kid.len() > MAX_KID_LEN {
        return Err(Malformed::Structure("kid length out of range"));
    }
    if r.key(&mut keys)?.is_some() {
        return Err(Malformed::Structure("unknown protected header"));
    }
    r.finish()?;
    Ok(kid)
}

impl Sign1<'_> {
    /// Finds the key by kid and verifies strictly (RFC 8032 checks, no weak keys).
    pub fn verify<'k>(&self, keys: &'k KeySet) -> Result<&'k PublicKeyEntry, Error> {
        let mut candidates = keys.by_kid(self.kid).peekable();
        if candidates.peek().is_none() {
            return Err(Error::UnknownKey {
                kid: hex::encode(self.kid),
            });
        }
        let message = sig_structure(self.protected, self.payload);
        let signature = Signature::from_bytes(&self.signature);
        for (entry, key) in candidates {
            // verify_strict also rejects small-order (weak) keys and signature points.
            if key.verify_strict(&message, &signature).is_ok() {
                return Ok(entry);
            }
        }
        Err(Error::SignatureInvalid)
    }
}
