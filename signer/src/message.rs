//! Generic signed messages, e.g. an application handed over offline as a QR code signed
//! with a device key. Same envelope as a license, different prefix.

use crate::keys::{KeySet, SigningKey};
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
    let text = cose::seal(MESSAGE_PREFIX, payload, key);
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
