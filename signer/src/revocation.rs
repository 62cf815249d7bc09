//! Revocation lists: license numbers revoked by an issuer, signed with the issuer's key.

use serde::{Deserialize, Serialize};

use crate::cbor::{Reader, Writer};
use crate::keys::{KeySet, SigningKey};
use crate::{Error, Malformed, compact, cose};

const KEY_ISS: i64 = 1;
const KEY_EXP: i64 = 4;
const KEY_IAT: i64 = 6;
const KEY_REVOKED: i64 = -1;
/// Largest signed list accepted (hex characters): about 400 000 revoked licenses.
const MAX_SIGNED_LEN: usize = 8 << 20;

/// The license numbers an issuer has revoked, as of `issued_at`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    /// Issuer id; the list applies to this issuer's licenses only.
    pub issuer: String,
    /// When the list was produced, Unix seconds.
    pub issued_at: i64,
    /// From this instant (Unix seconds) on the list no longer confirms a license's status: a
    /// verifier must get a newer one. [`RevocationList::verify`] does not refuse an expired
    /// list; [`verify_trusted`](crate::verify_trusted) says `status_unknown`.
    pub expires_at: i64,
    /// Revoked license numbers.
    pub revoked: Vec<String>,
}

/// A signed revocation list, the JSON of `GET /api/revocations`:
/// `{"cose": "<hex of a tagged COSE_Sign1>"}` whose payload is
/// `{1: iss, 4: exp, 6: iat, -1: [license number as in the cti claim, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRevocationList {
    /// Lower-case hex of the COSE_Sign1 bytes.
    pub cose: String,
}

impl RevocationList {
    /// Whether `license_number` is revoked.
    pub fn contains(&self, license_number: &str) -> bool {
        self.revoked.iter().any(|n| n == license_number)
    }

    /// Signs the list with the issuer's key.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedRevocationList, Error> {
        if self.issuer != key.issuer() {
            return Err(Error::InvalidClaims(format!(
                "revocation list of issuer {:?} cannot be signed with a key of {:?}",
                self.issuer,
                key.issuer()
            )));
        }
        let mut w = Writer::default();
        w.map(4);
        w.int(KEY_ISS);
        w.text(&self.issuer);
        w.int(KEY_EXP);
        w.int(self.expires_at);
        w.int(KEY_IAT);
        w.int(self.issued_at);
        w.int(KEY_REVOKED);
        w.array(self.revoked.len());
        for n in &self.revoked {
            w.bytes(&compact::license_number_bytes(n));
        }
        Ok(SignedRevocationList {
            cose: hex::encode(cose::sign1(&w.buf, key)),
        })
    }

    /// Checks the signature (a key of the list's issuer, valid when the list was issued)
    /// and returns the list, expired or not: freshness is the verdict's business.
    pub fn verify(signed: &SignedRevocationList, keys: &KeySet) -> Result<RevocationList, Error> {
        if signed.cose.len() > MAX_SIGNED_LEN {
            return Err(Malformed::Oversize("revocation list larger than 8 MiB").into());
        }
        let bytes = hex::decode(&signed.cose)
            .map_err(|_| Malformed::Structure("revocation list cose must be hex"))?;
        let sign1 = cose::parse(&bytes)?;
        let list = Self::from_cbor(sign1.payload)?;
        let entry = sign1.verify(keys)?;
        if entry.issuer != list.issuer {
            return Err(Error::SignatureInvalid);
        }
        if !entry.valid_at(list.issued_at) {
            return Err(Error::KeyNotValidAtIssue {
                kid: entry.kid.clone(),
            });
        }
        Ok(list)
    }

    fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let shape =
            Malformed::Structure("revocation list must be {1: iss, 4: exp, 6: iat, -1: [...]}");
        if r.key(&mut keys)? != Some(KEY_ISS) {
            return Err(shape);
        }
        let issuer = r.text()?.to_owned();
        if r.key(&mut keys)? != Some(KEY_EXP) {
            return Err(shape);
        }
        let expires_at = r.int()?;
        if r.key(&mut keys)? != Some(KEY_IAT) {
            return Err(shape);
        }
        let issued_at = r.int()?;
        if r.key(&mut keys)? != Some(KEY_REVOKED) {
            return Err(shape);
        }
        let count = r.array()?;
        let mut revoked = Vec::new();
        for _ in 0..count {
            revoked.push(compact::license_number_from_bytes(r.bytes()?)?);
        }
        if r.key(&mut keys)?.is_some() {
            return Err(shape);
        }
        r.finish()?;
        Ok(RevocationList {
            issuer,
            issued_at,
            expires_at,
            revoked,
        })
    }
}
