//! Compact encodings that make a Chinese license fit a small QR code.
//!
//! * Text: a CBOR text string (UTF-8) when that is shortest, otherwise a CBOR byte string
//!   of 12-bit codes (see [`crate::charset`]): printable ASCII, common punctuation and the
//!   3755 level-1 GB 2312 hanzi take 12 bits each (UTF-8: 24 bits per hanzi, UTF-16: 16);
//!   any other character is the escape code followed by its UTF-16 code unit(s), 28 bits
//!   each. The CBOR major type tells the decoder which form it reads.
//! * Unified social credit code (GB 32100-2015): 17 base-31 digits packed into 11 bytes; the
//!   check character is recomputed on decoding, so it costs nothing.
//! * License number `DDDDDD-YYYY-SSSSSS`: one 54-bit integer in 7 bytes.

use catalog::ids::{self, CreditCodeCheck};

use crate::Malformed;
use crate::cbor::{Reader, Str, Writer};
use crate::charset::{BY_CHAR, CHARS};

/// Code announcing a UTF-16 code unit outside the table.
const ESCAPE: u16 = 0xfff;

fn code_of(unit: u16) -> Option<u16> {
    BY_CHAR
        .binary_search_by_key(&unit, |&(c, _)| c)
        .ok()
        .and_then(|i| BY_CHAR.get(i))
        .map(|&(_, code)| code)
}

/// Accumulates values of a few bits into bytes, most significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u32,
    bits: u32,
}

impl Bits {
    fn put(&mut self, value: u16, width: u32) {
        self.acc = (self.acc << width) | u32::from(value);
        self.bits += width;
        while self.bits >= 8 {
            self.bits -= 8;
            self.out.push((self.acc >> self.bits) as u8);
        }
        self.acc &= (1 << self.bits) - 1;
    }
}

/// Packs text into 12-bit codes; returns the bytes.
fn pack(s: &str) -> Vec<u8> {
    let mut b = Bits::default();
    for unit in s.encode_utf16() {
        match code_of(unit) {
            Some(code) => b.put(code, 12),
            None => {
                b.put(ESCAPE, 12);
                b.put(unit, 16);
            }
        }
    }
    if b.bits > 0 {
        b.put(0, 8 - b.bits);
    }
    b.out
}

/// Reverses [`pack`], accepting only what `pack` produces.
fn unpack(b: &[u8]) -> Result<String, Malformed> {
    let bad = |why| Err(Malformed::Structure(why));
    let total = b.len() * 8;
    let mut pos = 0usize;
    let read = |pos: &mut usize, width: usize| -> Option<u16> {
        if *pos + width > total {
            return None;
        }
        let mut v = 0u16;
        for i in *pos..*pos + width {
            let bit = b.get(i / 8).map_or(0, |byte| (byte >> (7 - i % 8)) & 1);
            v = (v << 1) | u16::from(bit);
        }
        *pos += width;
        Some(v)
    };
    let mut units = Vec::with_capacity(b.len());
    while total - pos >= 12 {
        let code = read(&mut pos, 12).unwrap_or(ESCAPE);
        if code == ESCAPE {
            let Some(unit) = read(&mut pos, 16) else {
                return bad("packed text ends inside an escape");
            };
            if code_of(unit).is_some() {
                return bad("escaped character has a code of its own");
            }
            units.push(unit);
        } else {
            match CHARS.get(usize::from(code)) {
                Some(&unit) => units.push(unit),
                None => return bad("unassigned text code"),
            }
        }
    }
    // Only the zero bits that complete the last byte may remain.
    let rest = total - pos;
    if rest >= 8 || read(&mut pos, rest) != Some(0) {
        return bad("packed text has stray padding");
    }
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .or_else(|_| bad("packed text has an unpaired surrogate"))
}

/// Writes `s` in whichever form is shorter (UTF-8 wins ties, it is the plain form).
pub fn write_text(w: &mut Writer, s: &str) {
    let packed = pack(s);
    if packed.len() < s.len() {
        w.bytes(&packed);
    } else {
        w.text(s);
    }
}

/// Reads text written by [`write_text`], insisting on the form the writer would choose.
pub fn read_text(r: &mut Reader) -> Result<String, Malformed> {
    match r.str()? {
        Str::Text(s) => {
            if pack(s).len() < s.len() {
                return Err(Malformed::Structure("text should have been packed"));
            }
            Ok(s.to_owned())
        }
        Str::Bytes(b) => {
            let s = unpack(b)?;
            if s.len() <= b.len() {
                return Err(Malformed::Structure("text should have been UTF-8"));
            }
            Ok(s)
        }
    }
}

const CREDIT_PACKED_LEN: usize = 11;

/// Packs a well-formed credit code (valid check character) into 11 bytes: its first 17
/// characters as one base-31 number; the check character is recomputed when reading.
fn pack_credit_code(code: &str) -> Option<[u8; CREDIT_PACKED_LEN]> {
    if ids::check_credit_code(code) != CreditCodeCheck::Ok {
        return None;
    }
    let mut n: u128 = 0;
    for &c in code.as_bytes().get(..17)? {
        n = n * 31 + u128::from(ids::credit_code_value(c)?);
    }
    let bytes = n.to_be_bytes();
    let mut out = [0u8; CREDIT_PACKED_LEN];
    out.copy_from_slice(bytes.get(16 - CREDIT_PACKED_LEN..)?);
    Some(out)
}

/// Writes a credit code: packed when valid, verbatim text otherwise.
pub fn write_credit_code(w: &mut Writer, code: &str) {
    match pack_credit_code(code) {
        Some(packed) => w.bytes(&packed),
        None => w.text(code),
    }
}

pub fn read_credit_code(r: &mut Reader) -> Result<String, Malformed> {
    match r.str()? {
        Str::Text(s) => {
            if pack_credit_code(s).is_some() {
                return Err(Malformed::Structure(
                    "valid credit code should have been packed",
                ));
            }
            Ok(s.to_owned())
        }
        Str::Bytes(b) => {
            if b.len() != CREDIT_PACKED_LEN {
                return Err(Malformed::Structure("packed credit code must be 11 bytes"));
            }
            let out_of_range = Malformed::Structure("packed credit code out of range");
            let mut n = b.iter().fold(0u128, |n, &x| n << 8 | u128::from(x));
            let mut first17 = ['0'; 17];
            for slot in first17.iter_mut().rev() {
                *slot = ids::credit_code_char((n % 31) as u32).unwrap_or('0');
                n /= 31;
            }
            if n != 0 {
                return Err(out_of_range);
            }
            let mut code: String = first17.iter().collect();
            code.push(ids::credit_code_check_char(&code).ok_or(out_of_range)?);
            Ok(code)
        }
    }
}

/// Length of a packed license number: 10^16 < 2^56.
const NUMBER_PACKED_LEN: usize = 7;
/// First byte of a license number stored verbatim (never a packed first byte, never UTF-8).
const NUMBER_VERBATIM: u8 = 0xff;

fn parse_digits(s: &str, len: usize) -> Option<u64> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits `DDDDDD-YYYY-SSSSSS` into its three numbers.
fn parse_license_number(s: &str) -> Option<(u64, u64, u64)> {
    let mut parts = s.split('-');
    let division = parse_digits(parts.next()?, 6)?;
    let year = parse_digits(parts.next()?, 4)?;
    let seq = parse_digits(parts.next()?, 6)?;
    parts.next().is_none().then_some((division, year, seq))
}

/// Encodes a license number as the bytes of the CWT `cti` claim.
pub fn license_number_bytes(s: &str) -> Vec<u8> {
    match parse_license_number(s) {
        Some((d, y, q)) => {
            let n = (d * 10_000 + y) * 1_000_000 + q;
            n.to_be_bytes()
                .get(8 - NUMBER_PACKED_LEN..)
                .unwrap_or_default()
                .to_vec()
        }
        None => {
            let mut out = Vec::with_capacity(s.len() + 1);
            out.push(NUMBER_VERBATIM);
            out.extend_from_slice(s.as_bytes());
            out
        }
    }
}

/// Decodes [`license_number_bytes`].
pub fn license_number_from_bytes(b: &[u8]) -> Result<String, Malformed> {
    match b.split_first() {
        Some((&NUMBER_VERBATIM, rest)) => {
            let s = core::str::from_utf8(rest)
                .map_err(|_| Malformed::Structure("license number is not valid UTF-8"))?;
            if parse_license_number(s).is_some() {
                return Err(Malformed::Structure(
                    "license number should have been packed",
                ));
            }
            Ok(s.to_owned())
        }
        _ if b.len() == NUMBER_PACKED_LEN => {
            let n = b.iter().fold(0u64, |n, &x| n << 8 | u64::from(x));
            if n >= 10_000_000_000_000_000 {
                return Err(Malformed::Structure("packed license number out of range"));
            }
            let (dy, seq) = (n / 1_000_000, n % 1_000_000);
            Ok(format!("{:06}-{:04}-{seq:06}", dy / 10_000, dy % 10_000))
        }
        _ => Err(Malformed::Structure("license number has a wrong length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_round_trip(s: &str) -> (usize, String) {
        let mut w = Writer::default();
        write_text(&mut w, s);
        let mut r = Reader::new(&w.buf);
        let back = read_text(&mut r).unwrap_or_default();
        assert_eq!(r.finish(), Ok(()));
        (w.buf.len(), back)
    }

    /// The text codes are part of the signed wire format: a changed table would make every
    /// credential already issued read differently.
    #[test]
    fn charset_table_is_pinned() {
        use sha2::{Digest, Sha256};
        let bytes: Vec<u8> = CHARS.iter().flat_map(|c| c.to_be_bytes()).collect();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            "774981d7fc00b2b14fc429c58bdb836364d709865e5d6072bac0e328d01fee55"
        );
        assert!(
            CHARS.len() <= usize::from(ESCAPE),
            "the escape code must stay free"
        );
        assert!(
            CHARS.iter().all(|c| !(0xd800..=0xdfff).contains(c)),
            "a surrogate would need the escape"
        );
    }

    #[test]
    fn charset_encoding_is_sorted_and_the_exact_inverse_of_decoding() {
        // code_of binary-searches BY_CHAR: strictly ascending also means no character twice.
        assert!(BY_CHAR.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(BY_CHAR.len(), CHARS.len());
        for &(unit, code) in &BY_CHAR {
            assert_eq!(CHARS.get(usize::from(code)), Some(&unit), "code {code}");
        }
        // With equal lengths, every code found from its character makes the two a bijection.
        for (code, &unit) in CHARS.iter().enumerate() {
            assert_eq!(code_of(unit).map(usize::from), Some(code), "U+{unit:04X}");
        }
    }

    #[test]
    fn chinese_text_is_packed() {
        let (len, back) = text_round_trip("上海浦东便利店有限公司");
        assert_eq!(back, "上海浦东便利店有限公司");
        assert_eq!(
            len,
            1 + 17,
            "11 hanzi in 12 bits each (16.5 bytes, padded) plus a head"
        );
        assert_eq!(text_round_trip("Yiye 88").0, 8, "ASCII stays UTF-8");
        for s in ["😀漢", "鑫源", "张江路88号（1层）", "岱山西路", "", "a"] {
            assert_eq!(text_round_trip(s).1, s, "round trip of {s}");
        }
    }

    #[test]
    fn packed_text_is_strict() {
        // 0xfff then a table character escaped; odd padding; stray full byte.
        let escaped_a = [0xff, 0xf0, 0x04, 0x10];
        assert!(unpack(&escaped_a).is_err());
        assert!(unpack(&[0x00, 0x11]).is_err(), "non-zero padding");
        assert_eq!(
            unpack(&[0x00, 0x10]).as_deref(),
            Ok("!"),
            "12 bits + 4 padding"
        );
        assert_eq!(unpack(&[0x00, 0x00]).as_deref(), Ok(" "));
        assert!(
            unpack(&[0x00, 0x00, 0x00, 0x00]).is_err(),
            "a whole byte of padding"
        );
        assert!(unpack(&[0xff, 0xf0]).is_err(), "escape without its unit");
    }

    #[test]
    fn credit_code_packs_to_11_bytes() {
        for code in [
            "914403001922038216",
            "91330106673959654P",
            "YYYYYYYYYYYYYYYYY0",
        ] {
            let Some(check) = ids::credit_code_check_char(&code[..17]) else {
                panic!("bad alphabet in {code}");
            };
            let code = format!("{}{check}", &code[..17]);
            let mut w = Writer::default();
            write_credit_code(&mut w, &code);
            assert_eq!(w.buf.len(), 12);
            assert_eq!(read_credit_code(&mut Reader::new(&w.buf)), Ok(code));
        }
        // Wrong check character: kept verbatim.
        let mut w = Writer::default();
        write_credit_code(&mut w, "914403001922038217");
        assert_eq!(w.buf.len(), 19);
    }

    #[test]
    fn license_numbers() {
        for s in [
            "310115-2026-000123",
            "000000-0000-000000",
            "999999-9999-999999",
        ] {
            let b = license_number_bytes(s);
            assert_eq!(b.len(), 7);
            assert_eq!(license_number_from_bytes(&b).as_deref(), Ok(s));
        }
        for s in ["沪浦市监许〔2026〕1号", "310115-2026-1234567", ""] {
            let b = license_number_bytes(s);
            assert_eq!(b.len(), s.len() + 1);
            assert_eq!(license_number_from_bytes(&b).as_deref(), Ok(s));
        }
        assert!(license_number_from_bytes(&[0x24, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(license_number_from_bytes(&[1, 2, 3]).is_err());
    }
}
