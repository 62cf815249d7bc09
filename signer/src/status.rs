//! Status lists: the state of every license version an issuer has given a status index,
//! signed with the issuer's key. Entry i is the state of status index i, as two bits per
//! entry in the manner of the IETF Token Status List (draft-ietf-oauth-status-list), with the
//! dates of the entries that are not valid in a compact columnar section; licenses issued
//! before the lifecycle claim (no status index) are listed by number when revoked.

use serde::{Deserialize, Serialize};

use crate::cbor::{Reader, Writer};
use crate::keys::{KeySet, SigningKey};
use crate::{Error, Malformed, compact, cose};

const KEY_ISS: i64 = 1;
const KEY_EXP: i64 = 4;
const KEY_IAT: i64 = 6;
const KEY_COUNT: i64 = -1;
const KEY_BITS: i64 = -2;
const KEY_DETAILS: i64 = -3;
const KEY_BY_NUMBER: i64 = -4;
/// Largest signed list accepted (hex characters of the COSE bytes).
const MAX_SIGNED_LEN: usize = 8 << 20;
/// Most entries a list may have: 4 MiB of status bits.
const MAX_ENTRIES: u64 = 1 << 24;
/// The list's dates are whole days.
const DAY: i64 = 86_400;

/// The two-bit status values of the IETF Token Status List.
const BITS_VALID: u8 = 0;
const BITS_INVALID: u8 = 1;
const BITS_SUSPENDED: u8 = 2;
/// The list type's application-specific value.
const BITS_SUPERSEDED: u8 = 3;

/// The state of one license version. Dates are Unix seconds at 00:00 UTC of the day (the
/// list keeps whole days; [`StatusList::sign`] refuses anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// In force as far as the issuer knows.
    Valid,
    /// A newer version of the same license replaced it on this day.
    Superseded {
        /// The day the next version was issued.
        on: i64,
    },
    /// Suspended by the authority from `since`; `until` is the announced end, but only an
    /// explicit reinstatement (the entry turning `Valid`) ends it.
    Suspended {
        /// First day of the suspension.
        since: i64,
        /// Announced last day; not before `since`.
        until: i64,
    },
    /// Revoked by the authority (撤销/吊销) on this day.
    Revoked {
        /// The day of the revocation.
        on: i64,
    },
    /// Cancelled at the holder's request (注销) on this day.
    Cancelled {
        /// The day of the cancellation.
        on: i64,
    },
}

/// The state of every license version of an issuer, as of `issued_at`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusList {
    /// Issuer id; the list applies to this issuer's licenses only.
    pub issuer: String,
    /// When the list was produced, Unix seconds.
    pub issued_at: i64,
    /// From this instant (Unix seconds) on the list no longer confirms a license's status: a
    /// verifier must get a newer one. [`StatusList::verify`] does not refuse an expired list;
    /// the verdict says `status_unknown`.
    pub expires_at: i64,
    /// Entry i: the state of the license version with status index i.
    pub entries: Vec<Status>,
    /// Revoked licenses issued before versions existed (no status index), by license number.
    #[serde(default)]
    pub by_number: Vec<String>,
}

/// A signed status list, the JSON of `GET /api/status-list`:
/// `{"cose": "<hex of a tagged COSE_Sign1>"}`; README, "Status list", gives the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedStatusList {
    /// Lower-case hex of the COSE_Sign1 bytes.
    pub cose: String,
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidStatusList(why.into())
}

impl Status {
    /// The IETF two-bit value.
    fn bits(self) -> u8 {
        match self {
            Status::Valid => BITS_VALID,
            Status::Revoked { .. } | Status::Cancelled { .. } => BITS_INVALID,
            Status::Suspended { .. } => BITS_SUSPENDED,
            Status::Superseded { .. } => BITS_SUPERSEDED,
        }
    }

    /// The day the state began (`None` for valid).
    fn since(self) -> Option<i64> {
        match self {
            Status::Valid => None,
            Status::Superseded { on } | Status::Revoked { on } | Status::Cancelled { on } => {
                Some(on)
            }
            Status::Suspended { since, .. } => Some(since),
        }
    }
}

/// A whole-day instant as a day number since 1970-01-01.
fn day_number(t: i64, what: &str) -> Result<u32, Error> {
    if t % DAY != 0 {
        return Err(invalid(format!(
            "{what} {t} is not a whole day (00:00 UTC, a multiple of 86400)"
        )));
    }
    u32::try_from(t / DAY).map_err(|_| invalid(format!("{what} {t} is before 1970 or too late")))
}

impl StatusList {
    /// The state of status index `index`; `None` when the list has no such entry (it predates
    /// the license version).
    pub fn status(&self, index: u32) -> Option<Status> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.entries.get(i))
            .copied()
    }

    /// Whether a license without status index is revoked, by its number.
    pub fn revoked_by_number(&self, license_number: &str) -> bool {
        self.by_number.iter().any(|n| n == license_number)
    }

    /// Signs the list with the issuer's key.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedStatusList, Error> {
        if self.issuer != key.issuer() {
            return Err(invalid(format!(
                "status list of issuer {:?} cannot be signed with a key of {:?}",
                self.issuer,
                key.issuer()
            )));
        }
        let payload = self.to_cbor()?;
        let cose = hex::encode(cose::sign1(&payload, key));
        if cose.len() > MAX_SIGNED_LEN {
            return Err(invalid(
                "the signed list would exceed 8 MiB, more than verifiers accept",
            ));
        }
        Ok(SignedStatusList { cose })
    }

    /// Checks the signature (a key of the list's issuer, valid when the list was issued)
    /// and returns the list, expired or not: freshness is the verdict's business. The
    /// signature is checked before anything is inflated.
    pub fn verify(signed: &SignedStatusList, keys: &KeySet) -> Result<StatusList, Error> {
        if signed.cose.len() > MAX_SIGNED_LEN {
            return Err(Malformed::Oversize("status list larger than 8 MiB").into());
        }
        let bytes = hex::decode(&signed.cose)
            .map_err(|_| Malformed::Structure("status list cose must be hex"))?;
        let sign1 = cose::parse(&bytes)?;
        let entry = sign1.verify(keys)?;
        let list = Self::from_cbor(sign1.payload)?;
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

    fn to_cbor(&self) -> Result<Vec<u8>, Error> {
        if self.expires_at <= self.issued_at {
            return Err(invalid("expires_at must be after issued_at"));
        }
        if self.entries.len() as u64 > MAX_ENTRIES {
            return Err(invalid(format!("more than {MAX_ENTRIES} entries")));
        }
        let mut bits = vec![0u8; self.entries.len().div_ceil(4)];
        for (i, status) in self.entries.iter().enumerate() {
            if let Some(byte) = bits.get_mut(i / 4) {
                *byte |= status.bits() << (2 * (i % 4));
            }
        }
        let details = Details::of(&self.entries)?;
        let mut w = Writer::default();
        w.map(7);
        w.int(KEY_ISS);
        w.text(&self.issuer);
        w.int(KEY_EXP);
        w.int(self.expires_at);
        w.int(KEY_IAT);
        w.int(self.issued_at);
        w.int(KEY_COUNT);
        w.uint(self.entries.len() as u64);
        w.int(KEY_BITS);
        w.bytes(&deflate(&bits));
        w.int(KEY_DETAILS);
        w.bytes(&deflate(&details));
        w.int(KEY_BY_NUMBER);
        w.array(self.by_number.len());
        for n in &self.by_number {
            w.bytes(&compact::license_number_bytes(n));
        }
        Ok(w.buf)
    }

    fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let shape = Malformed::Structure(
            "status list must be {1: iss, 4: exp, 6: iat, -1: count, -2: bits, -3: details, \
             -4: [numbers]}",
        );
        let mut next = |r: &mut Reader, key| match r.key(&mut keys)? {
            Some(k) if k == key => Ok(()),
            _ => Err(shape.clone()),
        };
        next(&mut r, KEY_ISS)?;
        let issuer = r.text()?.to_owned();
        next(&mut r, KEY_EXP)?;
        let expires_at = r.int()?;
        next(&mut r, KEY_IAT)?;
        let issued_at = r.int()?;
        next(&mut r, KEY_COUNT)?;
        let count = r.uint()?;
        if count > MAX_ENTRIES {
            return Err(Malformed::Oversize("status list of more than 2^24 entries"));
        }
        let count = usize::try_from(count).map_err(|_| Malformed::Oversize("status list"))?;
        next(&mut r, KEY_BITS)?;
        let bits = inflate_exact(r.bytes()?, count.div_ceil(4))?;
        next(&mut r, KEY_DETAILS)?;
        let details_bytes = r.bytes()?;
        next(&mut r, KEY_BY_NUMBER)?;
        let mut by_number = Vec::new();
        for _ in 0..r.array()? {
            by_number.push(compact::license_number_from_bytes(r.bytes()?)?);
        }
        if r.key(&mut keys)?.is_some() {
            return Err(shape);
        }
        r.finish()?;
        let mut codes = Vec::with_capacity(count);
        for i in 0..count {
            let byte = bits.get(i / 4).copied().unwrap_or_default();
            codes.push((byte >> (2 * (i % 4))) & 0b11);
        }
        let padding = bits.last().map_or(0, |&b| match count % 4 {
            0 => 0,
            used => b >> (2 * used),
        });
        if padding != 0 {
            return Err(Malformed::Structure(
                "status bits past the last entry are set",
            ));
        }
        let entries = Details::read(details_bytes, &codes)?;
        Ok(StatusList {
            issuer,
            issued_at,
            expires_at,
            entries,
            by_number,
        })
    }
}

/// zlib at maximum compression (deterministic for a given input and miniz version).
fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 10)
}

/// Inflates a zlib stream that must give exactly `len` bytes.
fn inflate_exact(input: &[u8], len: usize) -> Result<Vec<u8>, Malformed> {
    let out = cose::inflate(
        input,
        len + 1,
        "a status list section inflates beyond its size",
    )?;
    if out.len() == len {
        Ok(out)
    } else {
        Err(Malformed::Structure(
            "a status list section inflates to the wrong size",
        ))
    }
}

/// The details section, before compression: the dates of the entries that are not valid,
/// in columns that compress well.
///
/// `base` (u32, big-endian: the earliest day) ‖ `wd` (u8) ‖ for each non-valid entry in index
/// order its first day − `base`, as `wd` byte planes (most significant plane first) ‖ `wu`
/// (u8) ‖ for each suspended entry its `until` − `since` in days, as `wu` planes ‖ one bit
/// per invalid entry in index order, 1 = cancelled, 0 = revoked, LSB first, zero-padded.
/// Widths are the fewest bytes that hold the largest value (0 when it is 0 or the column is
/// empty); `base` is 0 when no entry has a date.
struct Details;

/// Bytes needed for `max`.
fn width(max: u32) -> u8 {
    // At most 4: a u32 has 4 bytes.
    (4 - max.leading_zeros() / 8) as u8
}

fn write_planes(out: &mut Vec<u8>, values: &[u32]) {
    let w = width(values.iter().copied().max().unwrap_or(0));
    out.push(w);
    for plane in (0..w).rev() {
        out.extend(values.iter().map(|v| (v >> (8 * plane)) as u8));
    }
}

/// Reads the input in order, never past its end.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.rest.len() {
            return Err(Malformed::Structure("status details end too early"));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn planes(&mut self, n: usize) -> Result<Vec<u32>, Malformed> {
        let w = *self.take(1)?.first().unwrap_or(&0);
        if w > 4 {
            return Err(Malformed::Structure(
                "status details column wider than 4 bytes",
            ));
        }
        let mut values = vec![0u32; n];
        for _ in 0..w {
            for (v, &b) in values.iter_mut().zip(self.take(n)?) {
                *v = (*v << 8) | u32::from(b);
            }
        }
        if width(values.iter().copied().max().unwrap_or(0)) != w {
            return Err(Malformed::Structure(
                "status details column not in its narrowest width",
            ));
        }
        Ok(values)
    }
}

impl Details {
    /// The uncompressed section for `entries`; refuses dates that are not whole days.
    fn of(entries: &[Status]) -> Result<Vec<u8>, Error> {
        let mut firsts = Vec::new();
        let mut spans = Vec::new();
        let mut cancelled = Vec::new();
        for (i, status) in entries.iter().enumerate() {
            let Some(since) = status.since() else {
                continue;
            };
            let day = day_number(since, &format!("entry {i}: date"))?;
            firsts.push(day);
            match *status {
                Status::Suspended { until, .. } => {
                    let end = day_number(until, &format!("entry {i}: until"))?;
                    let span = end.checked_sub(day).ok_or_else(|| {
                        invalid(format!("entry {i}: a suspension ends before it begins"))
                    })?;
                    spans.push(span);
                }
                Status::Revoked { .. } => cancelled.push(false),
                Status::Cancelled { .. } => cancelled.push(true),
                Status::Valid | Status::Superseded { .. } => {}
            }
        }
        let base = firsts.iter().copied().min().unwrap_or(0);
        let mut out = base.to_be_bytes().to_vec();
        let offsets: Vec<u32> = firsts.iter().map(|d| d - base).collect();
        write_planes(&mut out, &offsets);
        write_planes(&mut out, &spans);
        let mut mask = vec![0u8; cancelled.len().div_ceil(8)];
        for (i, _) in cancelled.iter().enumerate().filter(|(_, c)| **c) {
            if let Some(byte) = mask.get_mut(i / 8) {
                *byte |= 1 << (i % 8);
            }
        }
        out.extend(mask);
        Ok(out)
    }

    /// The entries for the two-bit `codes`, with their dates from the compressed section.
    fn read(compressed: &[u8], codes: &[u8]) -> Result<Vec<Status>, Malformed> {
        let dated = codes.iter().filter(|&&c| c != BITS_VALID).count();
        let suspended = codes.iter().filter(|&&c| c == BITS_SUSPENDED).count();
        let invalid = codes.iter().filter(|&&c| c == BITS_INVALID).count();
        // Upper bound of the section's size: the widest columns.
        let most = 4 + 1 + 4 * dated + 1 + 4 * suspended + invalid.div_ceil(8);
        let plain = cose::inflate(
            compressed,
            most + 1,
            "status details inflate beyond their size",
        )?;
        let mut c = Cursor { rest: &plain };
        let mut base = [0u8; 4];
        base.copy_from_slice(c.take(4)?);
        let base = u32::from_be_bytes(base);
        let offsets = c.planes(dated)?;
        let spans = c.planes(suspended)?;
        let mask = c.take(invalid.div_ceil(8))?;
        if !c.rest.is_empty() {
            return Err(Malformed::Structure("trailing bytes in the status details"));
        }
        if invalid % 8 != 0 && mask.last().is_some_and(|&b| b >> (invalid % 8) != 0) {
            return Err(Malformed::Structure("status details padding bits are set"));
        }
        let earliest = offsets.iter().copied().min();
        if earliest.unwrap_or(0) != 0 || (earliest.is_none() && base != 0) {
            return Err(Malformed::Structure(
                "status details base is not the earliest day",
            ));
        }
        let day = |d: u32| i64::from(d) * DAY;
        let (mut offsets, mut spans) = (offsets.into_iter(), spans.into_iter());
        let mut invalid_seen = 0usize;
        let mut entries = Vec::with_capacity(codes.len());
        for &code in codes {
            if code == BITS_VALID {
                entries.push(Status::Valid);
                continue;
            }
            let first = base
                .checked_add(offsets.next().unwrap_or(0))
                .ok_or(Malformed::Structure("status date out of range"))?;
            entries.push(match code {
                BITS_SUSPENDED => {
                    let end = first
                        .checked_add(spans.next().unwrap_or(0))
                        .ok_or(Malformed::Structure("status date out of range"))?;
                    Status::Suspended {
                        since: day(first),
                        until: day(end),
                    }
                }
                BITS_INVALID => {
                    let byte = mask.get(invalid_seen / 8).copied().unwrap_or(0);
                    let is_cancelled = byte >> (invalid_seen % 8) & 1 == 1;
                    invalid_seen += 1;
                    if is_cancelled {
                        Status::Cancelled { on: day(first) }
                    } else {
                        Status::Revoked { on: day(first) }
                    }
                }
                _ => Status::Superseded { on: day(first) },
            });
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: i64 = DAY;

    fn list() -> StatusList {
        StatusList {
            issuer: "310115".into(),
            issued_at: 20_000 * D,
            expires_at: 20_007 * D,
            entries: vec![
                Status::Valid,
                Status::Superseded { on: 19_000 * D },
                Status::Suspended {
                    since: 19_990 * D,
                    until: 20_300 * D,
                },
                Status::Revoked { on: 19_500 * D },
                Status::Cancelled { on: 19_999 * D },
            ],
            by_number: vec!["310115-2025-000001".into()],
        }
    }

    /// A payload as `to_cbor` writes it, with `bits` and `details` (uncompressed) and `count`
    /// as given.
    fn payload(count: u64, bits: &[u8], details: &[u8], extra: Option<(i64, u64)>) -> Vec<u8> {
        packed(count, &deflate(bits), &deflate(details), extra)
    }

    /// The same with the sections as compressed bytes.
    fn packed(count: u64, bits: &[u8], details: &[u8], extra: Option<(i64, u64)>) -> Vec<u8> {
        let mut w = Writer::default();
        w.map(7 + usize::from(extra.is_some()));
        w.int(KEY_ISS);
        w.text("310115");
        w.int(KEY_EXP);
        w.int(20_007 * D);
        w.int(KEY_IAT);
        w.int(20_000 * D);
        w.int(KEY_COUNT);
        w.uint(count);
        w.int(KEY_BITS);
        w.bytes(bits);
        w.int(KEY_DETAILS);
        w.bytes(details);
        w.int(KEY_BY_NUMBER);
        w.array(0);
        if let Some((k, v)) = extra {
            w.int(k);
            w.uint(v);
        }
        w.buf
    }

    /// Details for two superseded entries on days 19 000 and 19 300.
    fn details() -> Vec<u8> {
        let mut d = 19_000u32.to_be_bytes().to_vec();
        d.extend([2, 0x00, 0x01, 0x00, 0x2c, 0]);
        d
    }

    #[test]
    fn round_trip_and_layout() {
        let list = list();
        let written = list.to_cbor().unwrap_or_default();
        assert_eq!(StatusList::from_cbor(&written), Ok(list.clone()));
        // Entries 0..4: 0, 3, 2, 1 in byte 0 (LSB first), 1 in byte 1.
        let bits: u8 = 0b01_10_11_00;
        let ok = payload(2, &[0b1111], &details(), None);
        assert!(StatusList::from_cbor(&ok).is_ok());
        let mut w = Writer::default();
        w.bytes(&deflate(&[bits, 0b01]));
        assert!(
            written.windows(w.buf.len()).any(|x| x == w.buf),
            "bits section as the IETF list packs it"
        );
        assert_eq!(list.status(4), Some(Status::Cancelled { on: 19_999 * D }));
        assert_eq!(list.status(5), None);
        assert!(list.revoked_by_number("310115-2025-000001"));
        assert!(!list.revoked_by_number("310115-2025-000002"));
    }

    #[test]
    fn decode_failures() {
        let structure = |why| Err(Malformed::Structure(why));
        let with = |count, bits: &[u8], details: &[u8]| {
            StatusList::from_cbor(&payload(count, bits, details, None))
        };
        let mut short = details();
        short.pop();
        let mut trailing = details();
        trailing.push(0);
        let mut wide = 19_000u32.to_be_bytes().to_vec();
        wide.extend([3, 0, 0, 0, 0x01, 0x00, 0x00, 0x00, 0x2c, 0]);
        let mut late_base = 18_999u32.to_be_bytes().to_vec();
        late_base.extend([2, 0x00, 0x01, 0x01, 0x2d, 0]);
        let mut too_wide = 19_000u32.to_be_bytes().to_vec();
        too_wide.extend([5]);
        let mut no_dates_base = 7u32.to_be_bytes().to_vec();
        no_dates_base.extend([0, 0]);
        let mut mask_padding = 19_000u32.to_be_bytes().to_vec();
        mask_padding.extend([0, 0, 0b10]);
        for (case, got, want) in [
            (
                "count beyond the bits",
                with(5, &[0b1111], &details()),
                structure("a status list section inflates to the wrong size"),
            ),
            (
                "bits a byte longer than the count",
                with(2, &[0b1111, 0], &details()),
                structure("a status list section inflates to the wrong size"),
            ),
            (
                "bits far longer than the count",
                with(2, &[0b1111, 0, 0], &details()),
                Err(Malformed::Oversize(
                    "a status list section inflates beyond its size",
                )),
            ),
            (
                "padding bits set",
                with(2, &[0b0100_1111], &details()),
                structure("status bits past the last entry are set"),
            ),
            (
                "details too short",
                with(2, &[0b1111], &short),
                structure("status details end too early"),
            ),
            (
                "details trailing",
                with(2, &[0b1111], &trailing),
                structure("trailing bytes in the status details"),
            ),
            (
                "column not narrowest",
                with(2, &[0b1111], &wide),
                structure("status details column not in its narrowest width"),
            ),
            (
                "base not earliest",
                with(2, &[0b1111], &late_base),
                structure("status details base is not the earliest day"),
            ),
            (
                "column wider than u32",
                with(2, &[0b1111], &too_wide),
                structure("status details column wider than 4 bytes"),
            ),
            (
                "base without dates",
                with(1, &[0], &no_dates_base),
                structure("status details base is not the earliest day"),
            ),
            (
                "kind mask padding",
                with(1, &[0b01], &mask_padding),
                structure("status details padding bits are set"),
            ),
            (
                "too many entries",
                with(MAX_ENTRIES + 1, &[], &[]),
                Err(Malformed::Oversize("status list of more than 2^24 entries")),
            ),
        ] {
            assert_eq!(got, want, "{case}");
        }
        let mut shape = payload(2, &[0b1111], &details(), Some((-5, 1)));
        assert!(
            matches!(StatusList::from_cbor(&shape), Err(Malformed::Structure(s)) if s.starts_with("status list must be")),
            "an unknown key"
        );
        shape = payload(2, &[0b1111], &details(), None);
        shape.push(0);
        assert_eq!(
            StatusList::from_cbor(&shape),
            Err(Malformed::Cbor("trailing bytes after the item"))
        );
        let mut bits = deflate(&[0b1111]);
        if let Some(adler) = bits.last_mut() {
            *adler ^= 1;
        }
        assert_eq!(
            StatusList::from_cbor(&packed(2, &bits, &deflate(&details()), None)),
            Err(Malformed::Compression("checksum mismatch"))
        );
        assert_eq!(
            StatusList::from_cbor(&packed(2, &deflate(&[0b1111]), &details(), None)),
            Err(Malformed::Compression("corrupt zlib stream")),
            "details not compressed"
        );
    }

    #[test]
    fn sign_refuses_what_the_format_cannot_say() {
        let key = SigningKey::from_seed(&[3; 32], "310115");
        let refused = |edit: fn(&mut StatusList)| {
            let mut l = list();
            edit(&mut l);
            match l.sign(&key) {
                Err(Error::InvalidStatusList(why)) => why,
                other => panic!("{other:?}"),
            }
        };
        assert!(
            refused(|l| l.entries[1] = Status::Superseded { on: 19_000 * D + 1 })
                .contains("not a whole day")
        );
        assert!(refused(|l| l.entries[3] = Status::Revoked { on: -D }).contains("before 1970"));
        assert!(
            refused(|l| l.entries[2] = Status::Suspended {
                since: 2 * D,
                until: D
            })
            .contains("ends before it begins")
        );
        assert!(refused(|l| l.expires_at = l.issued_at).contains("expires_at"));
        assert!(refused(|l| l.issuer = "320114".into()).contains("cannot be signed"));
        assert!(list().sign(&key).is_ok());
    }
}
