//! License claims and their CBOR form (the COSE_Sign1 payload).

use serde::{Deserialize, Serialize};

use crate::Malformed;
use crate::cbor::{Reader, Writer};
use crate::compact;

/// CWT claim keys (RFC 8392).
mod key {
    pub const ISS: i64 = 1;
    pub const EXP: i64 = 4;
    pub const NBF: i64 = 5;
    pub const IAT: i64 = 6;
    pub const CTI: i64 = 7;
    // Private claims: negative keys take one byte.
    pub const INDUSTRY: i64 = -1;
    pub const BUSINESS_NAME: i64 = -2;
    pub const CREDIT_CODE: i64 = -3;
    pub const DIVISION: i64 = -4;
    pub const ADDRESS_DETAIL: i64 = -5;
    pub const LEGAL_REPRESENTATIVE: i64 = -6;
    pub const PERMITS: i64 = -7;
    /// Which permits have no fixed term: a bit mask over the permits array (bit i = the
    /// i-th permit). In the must-understand range: a verifier that ignored it would print
    /// the license's end date on those permits.
    pub const OPEN_ENDED: i64 = -8;
    // Keys inside one permit map.
    pub const PERMIT_KIND: i64 = 1;
    pub const PERMIT_NUMBER: i64 = 2;
    pub const PERMIT_VALID_UNTIL: i64 = 3;
    pub const PERMIT_SCOPE: i64 = 4;
    /// Claims at or below this key are optional: signed, but a verifier that does not know
    /// one reads past it. Every other unknown key is refused (README, "Growing the
    /// credential").
    pub const FIRST_OPTIONAL: i64 = -16;
    /// The lifecycle claim, the first optional one: `{1?: version (≥ 2), 3?: status index}`,
    /// left out when the version is 1 and there is no index. Optional: a verifier from
    /// before versions reads past it and checks revocation by number.
    pub const LIFECYCLE: i64 = -16;
    pub const LIFECYCLE_VERSION: i64 = 1;
    pub const LIFECYCLE_STATUS_INDEX: i64 = 3;
    /// How deeply an optional claim's value may nest arrays, maps and tags.
    pub const OPTIONAL_DEPTH: usize = 8;
}

/// Everything a combined industry license QR code states. No personal ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseClaims {
    /// Short issuer id, e.g. the authority's division code `"310115"`; the key set maps it to
    /// a display name.
    pub issuer: String,
    /// `"{division:6}-{year:4}-{seq:06}"`, e.g. `"310115-2026-000123"` (packed into 7 bytes);
    /// any other form is kept verbatim.
    pub license_number: String,
    /// Issue instant, Unix seconds (CWT `iat`).
    pub issued_at: i64,
    /// Start of validity, Unix seconds (CWT `nbf`).
    pub valid_from: i64,
    /// End of validity, Unix seconds (CWT `exp`): valid while `now < valid_until`.
    pub valid_until: i64,
    /// Catalog industry code.
    pub industry: u16,
    /// The permits this license combines.
    pub permits: Vec<PermitClaim>,
    /// Registered business name.
    pub business_name: String,
    /// 18-character unified social credit code (GB 32100-2015).
    pub credit_code: String,
    /// Business address.
    pub address: Address,
    /// Name of the legal representative.
    pub legal_representative: String,
    /// Version of the license: 1 when first issued, one more with each change or renewal
    /// (the number stays).
    #[serde(default = "first_version", skip_serializing_if = "is_first_version")]
    pub version: u16,
    /// Where the issuer's status list states this version's state; `None` for licenses
    /// issued before status lists (their revocation is listed by number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_index: Option<u32>,
}

fn first_version() -> u16 {
    1
}

fn is_first_version(version: &u16) -> bool {
    *version == 1
}

/// A business address: the administrative division as a code, the rest as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// GB/T 2260 six-digit division code (province, city, district), e.g. `310115`.
    pub division: u32,
    /// Street and door number only; the division is not repeated here.
    pub detail: String,
}

/// One permit combined into the license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermitClaim {
    /// Catalog permit code.
    pub kind: u16,
    /// Permit number; the derived form `"{license_number}-{kind:02}"` costs no bytes.
    pub number: String,
    /// End of this permit's validity, Unix seconds; costs nothing when equal to the license's.
    /// `None`: the permit has no fixed term (a filing, a one-off approval) — it lasts as long
    /// as the business it was granted to, not until the license's end.
    pub valid_until: Option<i64>,
    /// Approved business scope, if the permit has one.
    pub scope: Option<String>,
}

/// The permit number the server derives from the license number.
pub fn derived_permit_number(license_number: &str, kind: u16) -> String {
    format!("{license_number}-{kind:02}")
}

/// The issuer implied by a license number: its division part.
fn implied_issuer(license_number: &str) -> Option<&str> {
    license_number
        .split_once('-')
        .map(|(d, _)| d)
        .filter(|d| !d.is_empty())
}

/// The division implied by an issuer id of six digits.
fn implied_division(issuer: &str) -> Option<u32> {
    (issuer.len() == 6 && issuer.bytes().all(|b| b.is_ascii_digit()))
        .then(|| issuer.parse().ok())
        .flatten()
}

impl LicenseClaims {
    /// The deterministic CBOR payload. Claims implied by others are left out: `iss` when it
    /// is the license number's division part, `nbf` when equal to `iat`, the address
    /// division when equal to the issuer; a permit with nothing but its kind is a bare
    /// integer.
    pub(crate) fn to_cbor(&self) -> Vec<u8> {
        let with_iss = implied_issuer(&self.license_number) != Some(self.issuer.as_str());
        let with_nbf = self.valid_from != self.issued_at;
        let with_division = implied_division(&self.issuer) != Some(self.address.division);
        let open_mask = open_mask(&self.permits);
        let with_lifecycle = self.version != 1 || self.status_index.is_some();
        let mut w = Writer::default();
        w.map(
            9 + usize::from(with_iss)
                + usize::from(with_nbf)
                + usize::from(with_division)
                + usize::from(open_mask != 0)
                + usize::from(with_lifecycle),
        );
        if with_iss {
            w.int(key::ISS);
            w.text(&self.issuer);
        }
        w.int(key::EXP);
        w.int(self.valid_until);
        if with_nbf {
            w.int(key::NBF);
            w.int(self.valid_from);
        }
        w.int(key::IAT);
        w.int(self.issued_at);
        w.int(key::CTI);
        w.bytes(&compact::license_number_bytes(&self.license_number));
        w.int(key::INDUSTRY);
        w.uint(u64::from(self.industry));
        w.int(key::BUSINESS_NAME);
        compact::write_text(&mut w, &self.business_name);
        w.int(key::CREDIT_CODE);
        compact::write_credit_code(&mut w, &self.credit_code);
        if with_division {
            w.int(key::DIVISION);
            w.uint(u64::from(self.address.division));
        }
        w.int(key::ADDRESS_DETAIL);
        compact::write_text(&mut w, &self.address.detail);
        w.int(key::LEGAL_REPRESENTATIVE);
        compact::write_text(&mut w, &self.legal_representative);
        w.int(key::PERMITS);
        w.array(self.permits.len());
        for p in &self.permits {
            let derived = p.number == derived_permit_number(&self.license_number, p.kind);
            // An open-ended permit is marked in the mask; it never carries an end.
            let same_end = p.valid_until.is_none_or(|end| end == self.valid_until);
            let len = 1 + usize::from(!derived) + usize::from(!same_end) + p.scope.iter().count();
            if len == 1 {
                w.uint(u64::from(p.kind));
                continue;
            }
            w.map(len);
            w.int(key::PERMIT_KIND);
            w.uint(u64::from(p.kind));
            if !derived {
                w.int(key::PERMIT_NUMBER);
                compact::write_text(&mut w, &p.number);
            }
            if let Some(end) = p.valid_until.filter(|_| !same_end) {
                w.int(key::PERMIT_VALID_UNTIL);
                w.int(end);
            }
            if let Some(scope) = &p.scope {
                w.int(key::PERMIT_SCOPE);
                compact::write_text(&mut w, scope);
            }
        }
        if open_mask != 0 {
            w.int(key::OPEN_ENDED);
            w.uint(open_mask);
        }
        if with_lifecycle {
            w.int(key::LIFECYCLE);
            let with_version = self.version != 1;
            w.map(usize::from(with_version) + self.status_index.iter().count());
            if with_version {
                w.int(key::LIFECYCLE_VERSION);
                w.uint(u64::from(self.version));
            }
            if let Some(index) = self.status_index {
                w.int(key::LIFECYCLE_STATUS_INDEX);
                w.uint(u64::from(index));
            }
        }
        w.buf
    }

    /// Decodes a payload written by [`LicenseClaims::to_cbor`], rejecting any other form.
    pub(crate) fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let structure = Malformed::Structure;
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let (mut issuer, mut valid_until, mut valid_from, mut issued_at) = (None, None, None, None);
        let (mut license_number, mut industry, mut business_name) = (None, None, None);
        let (mut credit_code, mut division, mut detail) = (None, None, None);
        let (mut legal_representative, mut permits) = (None, None::<Vec<PermitClaim>>);
        let (mut version, mut status_index) = (1, None);
        // The reader enforces ascending key order, so each key comes at most once and the
        // license number (7) is known before the permits (-7) need it.
        while let Some(k) = r.key(&mut keys)? {
            match k {
                key::ISS => issuer = Some(r.text()?.to_owned()),
                key::EXP => valid_until = Some(r.int()?),
                key::NBF => valid_from = Some(r.int()?),
                key::IAT => issued_at = Some(r.int()?),
                key::CTI => license_number = Some(compact::license_number_from_bytes(r.bytes()?)?),
                key::INDUSTRY => industry = Some(small(r.uint()?)?),
                key::BUSINESS_NAME => business_name = Some(compact::read_text(&mut r)?),
                key::CREDIT_CODE => credit_code = Some(compact::read_credit_code(&mut r)?),
                key::DIVISION => {
                    division = Some(
                        u32::try_from(r.uint()?)
                            .map_err(|_| structure("division code out of range"))?,
                    );
                }
                key::ADDRESS_DETAIL => detail = Some(compact::read_text(&mut r)?),
                key::LEGAL_REPRESENTATIVE => {
                    legal_representative = Some(compact::read_text(&mut r)?)
                }
                key::PERMITS => {
                    let number = license_number
                        .as_deref()
                        .ok_or(structure("permits without cti"))?;
                    let until = valid_until.ok_or(structure("permits without exp"))?;
                    let count = r.array()?;
                    let mut list = Vec::new();
                    for _ in 0..count {
                        list.push(read_permit(&mut r, number, until)?);
                    }
                    permits = Some(list);
                }
                key::OPEN_ENDED => {
                    let list = permits
                        .as_mut()
                        .ok_or(structure("open-ended permits without permits"))?;
                    let until = valid_until.ok_or(structure("permits without exp"))?;
                    mark_open_ended(list, r.uint()?, until)?;
                }
                key::LIFECYCLE => (version, status_index) = read_lifecycle(&mut r)?,
                optional if optional <= key::FIRST_OPTIONAL => r.skip(key::OPTIONAL_DEPTH)?,
                unknown => return Err(Malformed::UnsupportedClaim(format!("claim {unknown}"))),
            }
        }
        r.finish()?;
        let missing = || structure("a required claim is missing");
        let license_number = license_number.ok_or_else(missing)?;
        let issued_at = issued_at.ok_or_else(missing)?;
        let issuer = match issuer {
            Some(iss) if implied_issuer(&license_number) == Some(iss.as_str()) => {
                return Err(structure(
                    "iss present though implied by the license number",
                ));
            }
            Some(iss) => iss,
            None => implied_issuer(&license_number)
                .ok_or_else(missing)?
                .to_owned(),
        };
        if valid_from == Some(issued_at) {
            return Err(structure("nbf present though equal to iat"));
        }
        let division = match division {
            Some(d) if implied_division(&issuer) == Some(d) => {
                return Err(structure("division present though implied by the issuer"));
            }
            Some(d) => d,
            None => implied_division(&issuer).ok_or_else(missing)?,
        };
        Ok(LicenseClaims {
            issuer,
            license_number,
            issued_at,
            valid_from: valid_from.unwrap_or(issued_at),
            valid_until: valid_until.ok_or_else(missing)?,
            industry: industry.ok_or_else(missing)?,
            permits: permits.ok_or_else(missing)?,
            business_name: business_name.ok_or_else(missing)?,
            credit_code: credit_code.ok_or_else(missing)?,
            address: Address {
                division,
                detail: detail.ok_or_else(missing)?,
            },
            legal_representative: legal_representative.ok_or_else(missing)?,
            version,
            status_index,
        })
    }
}

/// The lifecycle claim's value, only in the form `to_cbor` writes: no empty map, no implied
/// version 1; its field 2 (the version superseded) is not used, the version says it.
fn read_lifecycle(r: &mut Reader) -> Result<(u16, Option<u32>), Malformed> {
    let structure = Malformed::Structure;
    let mut keys = r.map()?;
    if keys.is_empty() {
        return Err(structure("an empty lifecycle claim is left out"));
    }
    let (mut version, mut index) = (1, None);
    while let Some(k) = r.key(&mut keys)? {
        match k {
            key::LIFECYCLE_VERSION => {
                version = u16::try_from(r.uint()?)
                    .ok()
                    .filter(|&v| v >= 2)
                    .ok_or(structure("a stated version must be 2 to 65535"))?;
            }
            key::LIFECYCLE_STATUS_INDEX => {
                index = Some(
                    u32::try_from(r.uint()?).map_err(|_| structure("status index out of range"))?,
                );
            }
            unknown => {
                return Err(Malformed::UnsupportedClaim(format!(
                    "lifecycle field {unknown}"
                )));
            }
        }
    }
    Ok((version, index))
}

/// How many permits the open-ended mask can name (bits of a `u64`); [`crate::issue`] refuses
/// an open-ended permit beyond it.
pub(crate) const MAX_OPEN_ENDED_INDEX: usize = 63;

/// Bit i set: the i-th permit has no fixed term.
fn open_mask(permits: &[PermitClaim]) -> u64 {
    permits
        .iter()
        .take(MAX_OPEN_ENDED_INDEX + 1)
        .enumerate()
        .filter(|(_, p)| p.valid_until.is_none())
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Applies an open-ended mask to permits read with their ends; only what [`open_mask`]
/// writes is accepted: not zero, no bit beyond the permits, and never a permit that stated
/// an end of its own (a stated end always differs from the license's, see `read_permit`).
fn mark_open_ended(
    permits: &mut [PermitClaim],
    mask: u64,
    license_until: i64,
) -> Result<(), Malformed> {
    let structure = Malformed::Structure;
    if mask == 0 {
        return Err(structure("an empty open-ended mask is left out"));
    }
    if permits.len() <= MAX_OPEN_ENDED_INDEX && mask >> permits.len() != 0 {
        return Err(structure(
            "open-ended mask names a permit that is not there",
        ));
    }
    for (i, permit) in permits
        .iter_mut()
        .take(MAX_OPEN_ENDED_INDEX + 1)
        .enumerate()
    {
        if mask & (1 << i) == 0 {
            continue;
        }
        if permit.valid_until != Some(license_until) {
            return Err(structure("an open-ended permit states an end"));
        }
        permit.valid_until = None;
    }
    Ok(())
}

fn small(n: u64) -> Result<u16, Malformed> {
    u16::try_from(n).map_err(|_| Malformed::Structure("code out of range"))
}

fn read_permit(
    r: &mut Reader,
    license_number: &str,
    license_until: i64,
) -> Result<PermitClaim, Malformed> {
    if r.peek_is_uint() {
        let kind = small(r.uint()?)?;
        return Ok(PermitClaim {
            kind,
            number: derived_permit_number(license_number, kind),
            valid_until: Some(license_until),
            scope: None,
        });
    }
    let mut keys = r.map()?;
    if r.key(&mut keys)? != Some(key::PERMIT_KIND) {
        return Err(Malformed::Structure("permit without a kind"));
    }
    let kind = small(r.uint()?)?;
    let mut permit = PermitClaim {
        kind,
        number: derived_permit_number(license_number, kind),
        valid_until: Some(license_until),
        scope: None,
    };
    // Keys arrive in ascending order (the reader enforces it), each at most once.
    while let Some(k) = r.key(&mut keys)? {
        match k {
            key::PERMIT_NUMBER => {
                permit.number = compact::read_text(r)?;
                if permit.number == derived_permit_number(license_number, kind) {
                    return Err(Malformed::Structure("derived permit number stored in full"));
                }
            }
            key::PERMIT_VALID_UNTIL => {
                let end = r.int()?;
                permit.valid_until = Some(end);
                if end == license_until {
                    return Err(Malformed::Structure("permit end stored though implied"));
                }
            }
            key::PERMIT_SCOPE => permit.scope = Some(compact::read_text(r)?),
            unknown => {
                return Err(Malformed::UnsupportedClaim(format!(
                    "permit field {unknown}"
                )));
            }
        }
    }
    if permit.scope.is_none()
        && permit.valid_until == Some(license_until)
        && permit.number == derived_permit_number(license_number, kind)
    {
        return Err(Malformed::Structure("a bare permit must be an integer"));
    }
    Ok(permit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> LicenseClaims {
        let number = "310115-2026-000001";
        let permit = |kind, valid_until| PermitClaim {
            kind,
            number: derived_permit_number(number, kind),
            valid_until,
            scope: None,
        };
        LicenseClaims {
            issuer: "310115".into(),
            license_number: number.into(),
            issued_at: 1_777_593_600,
            valid_from: 1_777_593_600,
            valid_until: 1_935_446_400,
            industry: 101,
            permits: vec![permit(116, None), permit(101, Some(1_900_000_000))],
            business_name: "一叶便利店".into(),
            credit_code: "91310115MA1H7GK2XF".into(),
            address: Address {
                division: 310_115,
                detail: "张江路1号".into(),
            },
            legal_representative: "王芳".into(),
            version: 1,
            status_index: None,
        }
    }

    #[test]
    fn open_ended_permits_round_trip_and_the_mask_is_strict() {
        let payload = claims().to_cbor();
        assert_eq!(LicenseClaims::from_cbor(&payload), Ok(claims()));
        // The mask is the payload's last claim: -8 (0x27), bit 0.
        assert!(payload.ends_with(&[0x27, 0x01]));
        let with_mask = |mask: u8| {
            let mut p = payload.clone();
            if let Some(last) = p.last_mut() {
                *last = mask;
            }
            LicenseClaims::from_cbor(&p)
        };
        let structure = |why| Err(Malformed::Structure(why));
        // Bit 1: the second permit states an end of its own.
        assert_eq!(
            with_mask(0b11),
            structure("an open-ended permit states an end")
        );
        assert_eq!(
            with_mask(0b100),
            structure("open-ended mask names a permit that is not there")
        );
        assert_eq!(
            with_mask(0),
            structure("an empty open-ended mask is left out")
        );
    }
}
