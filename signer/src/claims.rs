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

impl LicenseClaims {
    /// The deterministic CBOR payload.
    pub(crate) fn to_cbor(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.map(12);
        w.int(key::ISS);
        w.text(&self.issuer);
        w.int(key::EXP);
        w.int(self.valid_until);
        w.int(key::NBF);
        w.int(self.valid_from);
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
        w.int(key::DIVISION);
        w.uint(u64::from(self.address.division));
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

    /// Decodes a payload written by [`LicenseClaims::to_cbor`]; every claim is required.
    pub(crate) fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let missing = Malformed::Structure("a required claim is missing");
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let mut expect = |r: &mut Reader, want: i64| -> Result<(), Malformed> {
            match r.key(&mut keys)? {
                Some(k) if k == want => Ok(()),
                Some(_) => Err(Malformed::Structure("unknown or missing claim")),
                None => Err(missing.clone()),
            }
        };
        expect(&mut r, key::ISS)?;
        let issuer = r.text()?.to_owned();
        expect(&mut r, key::EXP)?;
        let valid_until = r.int()?;
        expect(&mut r, key::NBF)?;
        let valid_from = r.int()?;
        expect(&mut r, key::IAT)?;
        let issued_at = r.int()?;
        expect(&mut r, key::CTI)?;
        let license_number = compact::license_number_from_bytes(r.bytes()?)?;
        expect(&mut r, key::INDUSTRY)?;
        let industry = small(r.uint()?)?;
        expect(&mut r, key::BUSINESS_NAME)?;
        let business_name = compact::read_text(&mut r)?;
        expect(&mut r, key::CREDIT_CODE)?;
        let credit_code = compact::read_credit_code(&mut r)?;
        expect(&mut r, key::DIVISION)?;
        let division = u32::try_from(r.uint()?)
            .map_err(|_| Malformed::Structure("division code out of range"))?;
        expect(&mut r, key::ADDRESS_DETAIL)?;
        let detail = compact::read_text(&mut r)?;
        expect(&mut r, key::LEGAL_REPRESENTATIVE)?;
        let legal_representative = compact::read_text(&mut r)?;
        expect(&mut r, key::PERMITS)?;
        let count = r.array()?;
        let mut permits = Vec::new();
        for _ in 0..count {
            permits.push(read_permit(&mut r, &license_number, valid_until)?);
        }
        if r.key(&mut keys)?.is_some() {
            return Err(Malformed::Structure("unknown claim"));
        }
        r.finish()?;
        Ok(LicenseClaims {
            issuer,
            license_number,
            issued_at,
            valid_from,
            valid_until,
            industry,
            permits,
            business_name,
            credit_code,
            address: Address { division, detail },
            legal_representative,
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
            _ => return Err(Malformed::Structure("unknown permit field")),
        }
    }
    Ok(permit)
}
