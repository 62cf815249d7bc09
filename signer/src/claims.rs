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
    // Keys inside one permit map.
    pub const PERMIT_KIND: i64 = 1;
    pub const PERMIT_NUMBER: i64 = 2;
    pub const PERMIT_VALID_UNTIL: i64 = 3;
    pub const PERMIT_SCOPE: i64 = 4;
    /// Claims at or below this key are optional: signed, but a verifier that does not know
    /// one reads past it. Every other unknown key is refused (README, "Growing the
    /// credential").
    pub const FIRST_OPTIONAL: i64 = -16;
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
    pub valid_until: i64,
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
        let mut w = Writer::default();
        w.map(9 + usize::from(with_iss) + usize::from(with_nbf) + usize::from(with_division));
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
            let same_end = p.valid_until == self.valid_until;
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
            if !same_end {
                w.int(key::PERMIT_VALID_UNTIL);
                w.int(p.valid_until);
            }
            if let Some(scope) = &p.scope {
                w.int(key::PERMIT_SCOPE);
                compact::write_text(&mut w, scope);
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
        let (mut legal_representative, mut permits) = (None, None);
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
        })
    }
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
            valid_until: license_until,
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
        valid_until: license_until,
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
                permit.valid_until = r.int()?;
                if permit.valid_until == license_until {
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
        && permit.valid_until == license_until
        && permit.number == derived_permit_number(license_number, kind)
    {
        return Err(Malformed::Structure("a bare permit must be an integer"));
    }
    Ok(permit)
}
