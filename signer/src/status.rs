//! Status lists: the state of every license version an issuer has given a status index,
//! signed with the issuer's key. Entry i is the state of status index i (the five states of
//! the IETF Token Status List's two bits, draft-ietf-oauth-status-list, with revoked and
//! cancelled told apart), and the day each state that is not valid began. States, dates and
//! the numbers of revoked licenses issued before the lifecycle claim (no status index) are
//! range-coded with adaptive models (`range.rs`): at 100,000 versions that is about a third
//! smaller than the IETF bits and columnar dates under zlib (README, "Status list").

use serde::{Deserialize, Serialize};

use crate::cbor::{Reader, Writer};
use crate::keys::{KeySet, SigningKey};
use crate::range::{Bit, Decoder, Encoder, Integers};
use crate::{Error, Malformed, base64url, compact, cose};

const KEY_ISS: i64 = 1;
const KEY_EXP: i64 = 4;
const KEY_IAT: i64 = 6;
const KEY_COUNT: i64 = -1;
const KEY_STATES: i64 = -2;
const KEY_DATES: i64 = -3;
const KEY_BY_NUMBER: i64 = -4;
/// Largest signed list accepted (base64url characters of the COSE bytes).
const MAX_SIGNED_LEN: usize = 8 << 20;
/// Most entries a list may have.
const MAX_ENTRIES: u64 = 1 << 24;
/// Most revoked numbers a list may have, and the longest unpacked one (bytes).
const MAX_NUMBERS: usize = 1 << 20;
const MAX_NUMBER_LEN: usize = 256;
/// The first byte of a license number kept as text (`compact::license_number_bytes`).
const NUMBER_VERBATIM: u8 = 0xff;
/// The list's dates are whole days.
const DAY: i64 = 86_400;
/// Entries per block of the dates section: each block has its own least day, so a date
/// is coded within the days since about its version's issue.
const BLOCK: usize = 1024;

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
/// `{"cose": "<unpadded base64url of a tagged COSE_Sign1>"}`; README, "Status list", gives
/// the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedStatusList {
    /// The COSE_Sign1 bytes in unpadded base64url (RFC 4648 §5): hex would cost a sixth
    /// more after gzip.
    pub cose: String,
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidStatusList(why.into())
}

impl Status {
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

    /// Signs the list with the issuer's key. The signed list gives `by_number` sorted (packed
    /// numbers first) and without repeats.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedStatusList, Error> {
        if self.issuer != key.issuer() {
            return Err(invalid(format!(
                "status list of issuer {:?} cannot be signed with a key of {:?}",
                self.issuer,
                key.issuer()
            )));
        }
        let payload = self.to_cbor()?;
        let cose = base64url::encode(&cose::sign1(&payload, key));
        if cose.len() > MAX_SIGNED_LEN {
            return Err(invalid(
                "the signed list would exceed 8 MiB, more than verifiers accept",
            ));
        }
        Ok(SignedStatusList { cose })
    }

    /// Checks the signature (a key of the list's issuer, valid when the list was issued)
    /// and returns the list, expired or not: freshness is the verdict's business. The
    /// signature is checked before anything is decoded.
    pub fn verify(signed: &SignedStatusList, keys: &KeySet) -> Result<StatusList, Error> {
        if signed.cose.len() > MAX_SIGNED_LEN {
            return Err(Malformed::Oversize("status list larger than 8 MiB").into());
        }
        let bytes = base64url::decode(&signed.cose).ok_or(Malformed::Structure(
            "status list cose must be unpadded base64url",
        ))?;
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
        if self.by_number.len() > MAX_NUMBERS {
            return Err(invalid(format!("more than {MAX_NUMBERS} revoked numbers")));
        }
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
        w.int(KEY_STATES);
        w.bytes(&write_states(&self.entries));
        w.int(KEY_DATES);
        w.bytes(&write_dates(&self.entries, self.issued_at)?);
        w.int(KEY_BY_NUMBER);
        w.bytes(&write_numbers(&self.by_number)?);
        Ok(w.buf)
    }

    fn from_cbor(payload: &[u8]) -> Result<Self, Malformed> {
        let mut r = Reader::new(payload);
        let mut keys = r.map()?;
        let shape = Malformed::Structure(
            "status list must be {1: iss, 4: exp, 6: iat, -1: count, -2: states, -3: dates, \
             -4: numbers}",
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
        next(&mut r, KEY_STATES)?;
        let codes = read_states(r.bytes()?, count);
        next(&mut r, KEY_DATES)?;
        let entries = read_dates(r.bytes()?, &codes, issued_at)?;
        next(&mut r, KEY_BY_NUMBER)?;
        let by_number = read_numbers(r.bytes()?)?;
        if r.key(&mut keys)?.is_some() {
            return Err(shape);
        }
        r.finish()?;
        let list = StatusList {
            issuer,
            issued_at,
            expires_at,
            entries,
            by_number,
        };
        // One encoding per list: whatever the encoder would not have written is refused
        // (unsorted numbers, a floor that is not the least day, stray coded bytes...).
        match list.to_cbor() {
            Ok(again) if again == payload => Ok(list),
            _ => Err(Malformed::Structure(
                "status list not in its canonical encoding",
            )),
        }
    }
}

/// What kind of state an entry has, as the states section codes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Code {
    Valid,
    Superseded,
    Suspended,
    Revoked,
    Cancelled,
}

impl Code {
    fn of(status: Status) -> Code {
        match status {
            Status::Valid => Code::Valid,
            Status::Superseded { .. } => Code::Superseded,
            Status::Suspended { .. } => Code::Suspended,
            Status::Revoked { .. } => Code::Revoked,
            Status::Cancelled { .. } => Code::Cancelled,
        }
    }
}

/// The adaptive models of the states section: a binary tree over the five states (most
/// frequent first), the first decision in the context of the previous entry's.
#[derive(Default)]
struct StateModel {
    changed: [Bit; 2],
    superseded: Bit,
    suspended: Bit,
    cancelled: Bit,
}

/// The states section: each entry's state in index order, range-coded.
fn write_states(entries: &[Status]) -> Vec<u8> {
    if entries.is_empty() {
        return Vec::new();
    }
    let mut m = StateModel::default();
    let mut e = Encoder::default();
    let mut prev = false;
    for &status in entries {
        let code = Code::of(status);
        let changed = code != Code::Valid;
        e.bit(&mut m.changed[usize::from(prev)], changed);
        prev = changed;
        if changed {
            e.bit(&mut m.superseded, code != Code::Superseded);
            if code != Code::Superseded {
                e.bit(&mut m.suspended, code != Code::Suspended);
                if code != Code::Suspended {
                    e.bit(&mut m.cancelled, code == Code::Cancelled);
                }
            }
        }
    }
    e.finish()
}

fn read_states(input: &[u8], count: usize) -> Vec<Code> {
    let mut m = StateModel::default();
    let mut d = Decoder::new(input);
    let mut prev = false;
    let mut codes = Vec::with_capacity(count);
    for _ in 0..count {
        let changed = d.bit(&mut m.changed[usize::from(prev)]);
        prev = changed;
        codes.push(if !changed {
            Code::Valid
        } else if !d.bit(&mut m.superseded) {
            Code::Superseded
        } else if !d.bit(&mut m.suspended) {
            Code::Suspended
        } else if d.bit(&mut m.cancelled) {
            Code::Cancelled
        } else {
            Code::Revoked
        });
    }
    codes
}

/// The adaptive models of the dates section.
#[derive(Default)]
struct DateModel {
    /// The latest day, against the list's day.
    top: Integers,
    /// Each block's floor, against the previous one's.
    floor_steps: Integers,
    /// Where a day lies between its block's floor and the top, in sixteenths: a tree.
    position: [Bit; 16],
    /// A suspension's announced length.
    spans: Integers,
}

/// Signed to unsigned, small magnitudes small.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

/// The first offset of sixteenth `k` of `0..range`.
fn sixteenth(k: u64, range: u64) -> u64 {
    (k * range).div_ceil(16)
}

/// The day an entry's state began and, for a suspension, its announced last day.
fn days_of(i: usize, status: Status) -> Result<Option<(u32, Option<u32>)>, Error> {
    let Some(since) = status.since() else {
        return Ok(None);
    };
    let day = day_number(since, &format!("entry {i}: date"))?;
    let until = match status {
        Status::Suspended { until, .. } => {
            let end = day_number(until, &format!("entry {i}: until"))?;
            if end < day {
                return Err(invalid(format!(
                    "entry {i}: a suspension ends before it begins"
                )));
            }
            Some(end)
        }
        _ => None,
    };
    Ok(Some((day, until)))
}

/// The dates section (README, "Status list"): the latest day against the list's; per block
/// of [`BLOCK`] indexes that has dated entries, its least day (the floor); per dated entry
/// its day between floor and latest (sixteenth adaptive, the rest uniform); per suspension
/// its length.
fn write_dates(entries: &[Status], issued_at: i64) -> Result<Vec<u8>, Error> {
    let mut days = Vec::with_capacity(entries.len());
    for (i, &status) in entries.iter().enumerate() {
        days.push(days_of(i, status)?);
    }
    let Some(top) = days.iter().flatten().map(|(d, _)| *d).max() else {
        return Ok(Vec::new());
    };
    let mut m = DateModel::default();
    let mut e = Encoder::default();
    m.top
        .encode(&mut e, zigzag(i64::from(top) - issued_at.div_euclid(DAY)));
    let mut prev_floor = top;
    for block in days.chunks(BLOCK) {
        let Some(floor) = block.iter().flatten().map(|(d, _)| *d).min() else {
            continue;
        };
        m.floor_steps
            .encode(&mut e, zigzag(i64::from(floor) - i64::from(prev_floor)));
        prev_floor = floor;
        let range = u64::from(top - floor) + 1;
        for &(day, until) in block.iter().flatten() {
            let offset = u64::from(day - floor);
            let k = offset * 16 / range;
            let mut node = 1usize;
            for shift in (0..4).rev() {
                let b = (k >> shift) & 1 == 1;
                if let Some(bit) = m.position.get_mut(node) {
                    e.bit(bit, b);
                }
                node = node * 2 + usize::from(b);
            }
            let first = sixteenth(k, range);
            e.uniform(offset - first, sixteenth(k + 1, range) - first - 1);
            if let Some(end) = until {
                m.spans.encode(&mut e, u64::from(end - day));
            }
        }
    }
    Ok(e.finish())
}

fn read_dates(input: &[u8], codes: &[Code], issued_at: i64) -> Result<Vec<Status>, Malformed> {
    let out_of_range = Malformed::Structure("status date out of range");
    let mut entries = Vec::with_capacity(codes.len());
    if codes.iter().all(|&c| c == Code::Valid) {
        entries.resize(codes.len(), Status::Valid);
        return Ok(entries);
    }
    let mut m = DateModel::default();
    let mut d = Decoder::new(input);
    let top = issued_at
        .div_euclid(DAY)
        .checked_add(unzigzag(m.top.decode(&mut d)?))
        .and_then(|t| u32::try_from(t).ok())
        .ok_or(out_of_range.clone())?;
    let day = |d: u32| i64::from(d) * DAY;
    let mut prev_floor = top;
    for block in codes.chunks(BLOCK) {
        if block.iter().all(|&c| c == Code::Valid) {
            entries.extend(block.iter().map(|_| Status::Valid));
            continue;
        }
        let floor = i64::from(prev_floor)
            .checked_add(unzigzag(m.floor_steps.decode(&mut d)?))
            .and_then(|f| u32::try_from(f).ok())
            .filter(|&f| f <= top)
            .ok_or(out_of_range.clone())?;
        prev_floor = floor;
        let range = u64::from(top - floor) + 1;
        for &code in block {
            if code == Code::Valid {
                entries.push(Status::Valid);
                continue;
            }
            let mut node = 1usize;
            for _ in 0..4 {
                let bit = m.position.get_mut(node).ok_or(out_of_range.clone())?;
                node = node * 2 + usize::from(d.bit(bit));
            }
            let k = (node - 16) as u64;
            let first = sixteenth(k, range);
            let size = sixteenth(k + 1, range) - first;
            if size == 0 {
                return Err(out_of_range);
            }
            let offset = first + d.uniform(size - 1)?;
            // offset < range, so the day is at most `top`.
            let since = floor + offset as u32;
            entries.push(match code {
                Code::Suspended => {
                    let end = u64::from(since) + m.spans.decode(&mut d)?;
                    let end = u32::try_from(end).map_err(|_| out_of_range.clone())?;
                    Status::Suspended {
                        since: day(since),
                        until: day(end),
                    }
                }
                Code::Revoked => Status::Revoked { on: day(since) },
                Code::Cancelled => Status::Cancelled { on: day(since) },
                Code::Superseded | Code::Valid => Status::Superseded { on: day(since) },
            });
        }
    }
    Ok(entries)
}

/// The adaptive models of the numbers section.
#[derive(Default)]
struct NumberModel {
    counts: Integers,
    gaps: Integers,
    lengths: Integers,
}

/// The numbers section: the packed license numbers ascending, as gaps; then the others
/// (free text), ascending by their bytes, each as its length and bytes.
fn write_numbers(numbers: &[String]) -> Result<Vec<u8>, Error> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut packed = Vec::new();
    let mut verbatim = Vec::new();
    for n in numbers {
        let bytes = compact::license_number_bytes(n);
        match bytes.split_first() {
            Some((&first, _)) if first != NUMBER_VERBATIM => {
                packed.push(bytes.iter().fold(0u64, |n, &x| n << 8 | u64::from(x)));
            }
            _ => {
                if n.len() > MAX_NUMBER_LEN {
                    return Err(invalid(format!(
                        "revoked number {n:?} longer than {MAX_NUMBER_LEN} bytes"
                    )));
                }
                verbatim.push(n.as_bytes());
            }
        }
    }
    packed.sort_unstable();
    packed.dedup();
    verbatim.sort_unstable();
    verbatim.dedup();
    let mut m = NumberModel::default();
    let mut e = Encoder::default();
    m.counts.encode(&mut e, packed.len() as u64);
    let mut next = 0;
    for n in packed {
        m.gaps.encode(&mut e, n - next);
        next = n + 1;
    }
    m.counts.encode(&mut e, verbatim.len() as u64);
    for text in verbatim {
        m.lengths.encode(&mut e, text.len() as u64);
        for &b in text {
            e.uniform(u64::from(b), 255);
        }
    }
    Ok(e.finish())
}

fn read_numbers(input: &[u8]) -> Result<Vec<String>, Malformed> {
    if input.is_empty() {
        return Ok(Vec::new());
    }
    let too_many = Malformed::Oversize("more than 2^20 revoked numbers");
    let mut m = NumberModel::default();
    let mut d = Decoder::new(input);
    let packed = usize::try_from(m.counts.decode(&mut d)?)
        .ok()
        .filter(|&n| n <= MAX_NUMBERS)
        .ok_or(too_many.clone())?;
    let mut out = Vec::with_capacity(packed);
    let mut next = 0u64;
    for _ in 0..packed {
        let n = next
            .checked_add(m.gaps.decode(&mut d)?)
            .ok_or(Malformed::Structure("packed license number out of range"))?;
        let bytes = n.to_be_bytes();
        out.push(compact::license_number_from_bytes(
            bytes.get(1..).unwrap_or_default(),
        )?);
        next = n + 1;
    }
    let verbatim = usize::try_from(m.counts.decode(&mut d)?)
        .ok()
        .filter(|&n| n <= MAX_NUMBERS - packed)
        .ok_or(too_many)?;
    for _ in 0..verbatim {
        let len = usize::try_from(m.lengths.decode(&mut d)?)
            .ok()
            .filter(|&n| n <= MAX_NUMBER_LEN)
            .ok_or(Malformed::Oversize("revoked number too long"))?;
        let mut bytes = vec![NUMBER_VERBATIM];
        for _ in 0..len {
            bytes.push(d.uniform(255)? as u8);
        }
        out.push(compact::license_number_from_bytes(&bytes)?);
    }
    Ok(out)
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

    /// A payload with the three sections as given.
    fn payload(count: u64, states: &[u8], dates: &[u8], numbers: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.map(7);
        w.int(KEY_ISS);
        w.text("310115");
        w.int(KEY_EXP);
        w.int(20_007 * D);
        w.int(KEY_IAT);
        w.int(20_000 * D);
        w.int(KEY_COUNT);
        w.uint(count);
        w.int(KEY_STATES);
        w.bytes(states);
        w.int(KEY_DATES);
        w.bytes(dates);
        w.int(KEY_BY_NUMBER);
        w.bytes(numbers);
        w.buf
    }

    /// A numbers section coded as given: packed gaps, then texts in this order.
    fn numbers(gaps: &[u64], texts: &[&str]) -> Vec<u8> {
        let mut m = NumberModel::default();
        let mut e = Encoder::default();
        m.counts.encode(&mut e, gaps.len() as u64);
        for &g in gaps {
            m.gaps.encode(&mut e, g);
        }
        m.counts.encode(&mut e, texts.len() as u64);
        for t in texts {
            m.lengths.encode(&mut e, t.len() as u64);
            for &b in t.as_bytes() {
                e.uniform(u64::from(b), 255);
            }
        }
        e.finish()
    }

    /// A dates section for superseded entries in one block: top, floor and days as given.
    fn dates(top: u32, floor: u32, days: &[u32]) -> Vec<u8> {
        let mut m = DateModel::default();
        let mut e = Encoder::default();
        m.top.encode(&mut e, zigzag(i64::from(top) - 20_000));
        m.floor_steps
            .encode(&mut e, zigzag(i64::from(floor) - i64::from(top)));
        let range = u64::from(top - floor) + 1;
        for &day in days {
            let offset = u64::from(day - floor);
            let k = offset * 16 / range;
            let mut node = 1usize;
            for shift in (0..4).rev() {
                let b = (k >> shift) & 1 == 1;
                e.bit(&mut m.position[node], b);
                node = node * 2 + usize::from(b);
            }
            let first = sixteenth(k, range);
            e.uniform(offset - first, sixteenth(k + 1, range) - first - 1);
        }
        e.finish()
    }

    fn superseded(n: usize) -> Vec<u8> {
        write_states(&vec![Status::Superseded { on: 0 }; n])
    }

    #[test]
    fn round_trip() {
        let list = list();
        let written = list.to_cbor().unwrap_or_default();
        assert_eq!(StatusList::from_cbor(&written), Ok(list.clone()));
        assert_eq!(list.status(4), Some(Status::Cancelled { on: 19_999 * D }));
        assert_eq!(list.status(5), None);
        assert!(list.revoked_by_number("310115-2025-000001"));
        assert!(!list.revoked_by_number("310115-2025-000002"));
        // Numbers come back sorted, packed first, without repeats.
        let mut many = list.clone();
        many.by_number = ["b", "310115-2025-000009", "a", "b", "310115-2025-000001"]
            .map(String::from)
            .to_vec();
        let back = StatusList::from_cbor(&many.to_cbor().unwrap_or_default());
        assert_eq!(
            back.map(|l| l.by_number),
            Ok(["310115-2025-000001", "310115-2025-000009", "a", "b"]
                .map(String::from)
                .to_vec())
        );
        // Nothing to say, nothing written.
        let empty = StatusList {
            entries: vec![Status::Valid; 3],
            by_number: Vec::new(),
            ..list
        };
        let written = empty.to_cbor().unwrap_or_default();
        assert_eq!(written, payload(3, &write_states(&empty.entries), &[], &[]));
        assert_eq!(StatusList::from_cbor(&written), Ok(empty));
        let ok = payload(
            2,
            &superseded(2),
            &dates(19_300, 19_000, &[19_000, 19_300]),
            &[],
        );
        assert!(StatusList::from_cbor(&ok).is_ok());
    }

    #[test]
    fn decode_failures() {
        let canonical = Err(Malformed::Structure(
            "status list not in its canonical encoding",
        ));
        let two = superseded(2);
        let good_dates = dates(19_300, 19_000, &[19_000, 19_300]);
        let mut trailing = good_dates.clone();
        trailing.push(0);
        let mut short = good_dates.clone();
        short.pop();
        let with = |count, states: &[u8], dates: &[u8], numbers: &[u8]| {
            StatusList::from_cbor(&payload(count, states, dates, numbers))
        };
        for (case, got, want) in [
            (
                "states with a byte more",
                with(2, &[two.as_slice(), &[0]].concat(), &good_dates, &[]),
                canonical.clone(),
            ),
            (
                "dates with a byte more",
                with(2, &two, &trailing, &[]),
                canonical.clone(),
            ),
            (
                "dates a byte short",
                with(2, &two, &short, &[]),
                canonical.clone(),
            ),
            (
                "floor below the least day",
                with(2, &two, &dates(19_300, 18_999, &[19_000, 19_300]), &[]),
                canonical.clone(),
            ),
            (
                "top above the latest day",
                with(2, &two, &dates(19_301, 19_000, &[19_000, 19_300]), &[]),
                canonical.clone(),
            ),
            (
                "dates for valid entries",
                with(1, &write_states(&[Status::Valid]), &good_dates, &[]),
                canonical.clone(),
            ),
            (
                "floor above the top",
                with(
                    2,
                    &two,
                    &dates(19_300, 19_000, &[])
                        .iter()
                        .map(|b| !b)
                        .collect::<Vec<_>>(),
                    &[],
                ),
                Err(Malformed::Structure("status date out of range")),
            ),
            (
                "numbers unsorted",
                with(0, &[], &[], &numbers(&[], &["b", "a"])),
                canonical.clone(),
            ),
            (
                "numbers repeated",
                with(0, &[], &[], &numbers(&[], &["a", "a"])),
                canonical.clone(),
            ),
            (
                "a packable number as text",
                with(0, &[], &[], &numbers(&[], &["310115-2025-000001"])),
                Err(Malformed::Structure(
                    "license number should have been packed",
                )),
            ),
            (
                "a packed number out of range",
                with(0, &[], &[], &numbers(&[10_000_000_000_000_000], &[])),
                Err(Malformed::Structure("packed license number out of range")),
            ),
            (
                "too many numbers",
                with(0, &[], &[], &{
                    let mut e = Encoder::default();
                    Integers::default().encode(&mut e, MAX_NUMBERS as u64 + 1);
                    e.finish()
                }),
                Err(Malformed::Oversize("more than 2^20 revoked numbers")),
            ),
            (
                "an empty numbers section coded",
                with(0, &[], &[], &numbers(&[], &[])),
                canonical.clone(),
            ),
            (
                "too many entries",
                with(MAX_ENTRIES + 1, &[], &[], &[]),
                Err(Malformed::Oversize("status list of more than 2^24 entries")),
            ),
        ] {
            assert_eq!(got, want, "{case}");
        }
        let mut shape = Writer::default();
        shape.map(1);
        shape.int(KEY_ISS);
        shape.text("310115");
        assert!(
            matches!(StatusList::from_cbor(&shape.buf), Err(Malformed::Structure(s)) if s.starts_with("status list must be")),
            "missing keys"
        );
        let mut extra = payload(2, &two, &good_dates, &[]);
        extra.push(0);
        assert_eq!(
            StatusList::from_cbor(&extra),
            Err(Malformed::Cbor("trailing bytes after the item"))
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
