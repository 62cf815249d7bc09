//! The small, strict CBOR subset the credential uses (RFC 8949).
//!
//! Only what the format needs: unsigned and negative integers, byte and text strings,
//! definite-length arrays and maps, and tags. The reader accepts exactly the deterministic
//! encoding (RFC 8949 section 4.2.1) the writer produces: shortest-form heads, no indefinite
//! lengths, map keys in strictly ascending bytewise order (which also rules out duplicate
//! keys), no trailing bytes. Lengths are checked against the remaining input before anything
//! is allocated, so a hostile length never causes a large allocation.

use crate::Malformed;

const UINT: u8 = 0;
const NINT: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;

/// Appends deterministic CBOR to a byte vector.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    fn head(&mut self, major: u8, n: u64) {
        let m = major << 5;
        match n {
            0..=23 => self.buf.push(m | n as u8),
            24..=0xff => self.buf.extend_from_slice(&[m | 24, n as u8]),
            0x100..=0xffff => {
                self.buf.push(m | 25);
                self.buf.extend_from_slice(&(n as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                self.buf.push(m | 26);
                self.buf.extend_from_slice(&(n as u32).to_be_bytes());
            }
            _ => {
                self.buf.push(m | 27);
                self.buf.extend_from_slice(&n.to_be_bytes());
            }
        }
    }

    pub fn uint(&mut self, n: u64) {
        self.head(UINT, n);
    }

    pub fn int(&mut self, n: i64) {
        match u64::try_from(n) {
            Ok(n) => self.head(UINT, n),
            // -1 - n for negative n is never negative and fits in u64.
            Err(_) => self.head(NINT, (-1 - i128::from(n)) as u64),
        }
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.head(BYTES, b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    pub fn text(&mut self, s: &str) {
        self.head(TEXT, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn array(&mut self, len: usize) {
        self.head(ARRAY, len as u64);
    }

    pub fn map(&mut self, len: usize) {
        self.head(MAP, len as u64);
    }

    pub fn tag(&mut self, tag: u64) {
        self.head(TAG, tag);
    }
}

/// A string item: CBOR keeps byte and text strings apart, and the format uses the difference.
pub enum Str<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

/// Reads deterministic CBOR from a byte slice.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn cbor(why: &'static str) -> Malformed {
    Malformed::Cbor(why)
}

fn structure(why: &'static str) -> Malformed {
    Malformed::Structure(why)
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or(cbor("input ends inside an item"))?;
        let out = self
            .buf
            .get(self.pos..end)
            .ok_or(cbor("input ends inside an item"))?;
        self.pos = end;
        Ok(out)
    }

    fn peek_major(&self) -> Result<u8, Malformed> {
        self.buf
            .get(self.pos)
            .map(|b| b >> 5)
            .ok_or(cbor("input ends where an item was expected"))
    }

    /// Reads an item head, enforcing the shortest form.
    fn head(&mut self) -> Result<(u8, u64), Malformed> {
        let first = *self
            .take(1)?
            .first()
            .ok_or(cbor("input ends where an item was expected"))?;
        let (major, info) = (first >> 5, first & 0x1f);
        let n = match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.fixed::<1>()?[0]),
            25 => u64::from(u16::from_be_bytes(self.fixed()?)),
            26 => u64::from(u32::from_be_bytes(self.fixed()?)),
            27 => u64::from_be_bytes(self.fixed()?),
            31 => return Err(cbor("indefinite-length items are not allowed")),
            _ => return Err(cbor("reserved additional information value")),
        };
        let shortest = match info {
            24 => n >= 24,
            25 => n > 0xff,
            26 => n > 0xffff,
            27 => n > 0xffff_ffff,
            _ => true,
        };
        if !shortest {
            return Err(cbor("integer or length not in its shortest form"));
        }
        if major == 7 {
            return Err(structure("floats and simple values are not used"));
        }
        Ok((major, n))
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn expect(&mut self, major: u8, what: &'static str) -> Result<u64, Malformed> {
        let (m, n) = self.head()?;
        if m == major {
            Ok(n)
        } else {
            Err(structure(what))
        }
    }

    pub fn uint(&mut self) -> Result<u64, Malformed> {
        self.expect(UINT, "expected an unsigned integer")
    }

    pub fn int(&mut self) -> Result<i64, Malformed> {
        match self.head()? {
            (UINT, n) => i64::try_from(n).map_err(|_| structure("integer out of range")),
            (NINT, n) => i64::try_from(n)
                .map(|n| -1 - n)
                .map_err(|_| structure("integer out of range")),
            _ => Err(structure("expected an integer")),
        }
    }

    fn len(&mut self, major: u8, what: &'static str) -> Result<usize, Malformed> {
        let n = self.expect(major, what)?;
        usize::try_from(n).map_err(|_| cbor("length exceeds the input"))
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let n = self.len(BYTES, "expected a byte string")?;
        self.take(n)
    }

    pub fn text(&mut self) -> Result<&'a str, Malformed> {
        let n = self.len(TEXT, "expected a text string")?;
        core::str::from_utf8(self.take(n)?).map_err(|_| cbor("text string is not valid UTF-8"))
    }

    /// Whether the next item is an unsigned integer.
    pub fn peek_is_uint(&self) -> bool {
        self.peek_major() == Ok(UINT)
    }

    /// A byte or a text string.
    pub fn str(&mut self) -> Result<Str<'a>, Malformed> {
        match self.peek_major()? {
            BYTES => self.bytes().map(Str::Bytes),
            TEXT => self.text().map(Str::Text),
            _ => Err(structure("expected a byte or text string")),
        }
    }

    /// Reads an array head; every element takes at least one byte, so a longer array cannot fit.
    pub fn array(&mut self) -> Result<usize, Malformed> {
        let n = self.len(ARRAY, "expected an array")?;
        if n > self.remaining() {
            return Err(cbor("array length exceeds the input"));
        }
        Ok(n)
    }

    /// Reads a map head and returns a cursor over its keys.
    pub fn map(&mut self) -> Result<MapKeys, Malformed> {
        let n = self.len(MAP, "expected a map")?;
        if n > self.remaining() / 2 {
            return Err(cbor("map length exceeds the input"));
        }
        Ok(MapKeys {
            left: n,
            last: None,
        })
    }

    pub fn tag(&mut self) -> Result<u64, Malformed> {
        self.expect(TAG, "expected a tag")
    }

    /// Reads the next integer key of a map, checking deterministic order.
    pub fn key(&mut self, keys: &mut MapKeys) -> Result<Option<i64>, Malformed> {
        if keys.left == 0 {
            return Ok(None);
        }
        keys.left -= 1;
        let start = self.pos;
        let key = self
            .int()
            .map_err(|_| structure("map keys must be integers"))?;
        let encoded = self.buf.get(start..self.pos).unwrap_or_default();
        if let Some((s, e)) = keys.last {
            let prev = self.buf.get(s..e).unwrap_or_default();
            if encoded == prev {
                return Err(cbor("duplicate map key"));
            }
            if encoded < prev {
                return Err(cbor("map keys not in deterministic order"));
            }
        }
        keys.last = Some((start, self.pos));
        Ok(Some(key))
    }

    /// Reads past one item of the subset, as strictly as every other read: shortest heads,
    /// valid UTF-8, integer map keys in deterministic order, arrays, maps and tags nested at
    /// most `depth` deep.
    pub fn skip(&mut self, depth: usize) -> Result<(), Malformed> {
        match self.peek_major()? {
            UINT | NINT => self.head().map(drop),
            BYTES => self.bytes().map(drop),
            TEXT => self.text().map(drop),
            _ if depth == 0 => Err(structure("an item is nested too deeply")),
            ARRAY => (0..self.array()?).try_for_each(|_| self.skip(depth - 1)),
            MAP => {
                let mut keys = self.map()?;
                while self.key(&mut keys)?.is_some() {
                    self.skip(depth - 1)?;
                }
                Ok(())
            }
            _ => {
                self.tag()?;
                self.skip(depth - 1)
            }
        }
    }

    /// Fails unless the whole input was consumed.
    pub fn finish(&self) -> Result<(), Malformed> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(cbor("trailing bytes after the item"))
        }
    }
}

/// Iteration state of a map being read.
pub struct MapKeys {
    left: usize,
    last: Option<(usize, usize)>,
}

impl MapKeys {
    /// Whether the map has no entries at all (checked before reading any key).
    pub fn is_empty(&self) -> bool {
        self.left == 0 && self.last.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_uses_shortest_heads() {
        let mut w = Writer::default();
        for n in [0, 23, 24, 255, 256, 65535, 65536, u64::from(u32::MAX) + 1] {
            w.uint(n);
        }
        w.int(-1);
        w.int(i64::MIN);
        let mut r = Reader::new(&w.buf);
        for n in [0, 23, 24, 255, 256, 65535, 65536, u64::from(u32::MAX) + 1] {
            assert_eq!(r.uint(), Ok(n));
        }
        assert_eq!(r.int(), Ok(-1));
        assert_eq!(r.int(), Ok(i64::MIN));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn reader_rejects_non_deterministic_input() {
        let bad: &[(&[u8], Malformed)] = &[
            (
                &[0x18, 0x17],
                cbor("integer or length not in its shortest form"),
            ),
            (
                &[0x5f, 0xff],
                cbor("indefinite-length items are not allowed"),
            ),
            (&[0x1c], cbor("reserved additional information value")),
            (&[0x1b, 0, 0], cbor("input ends inside an item")),
            (&[0x00, 0x00], cbor("trailing bytes after the item")),
        ];
        for (input, want) in bad {
            let mut r = Reader::new(input);
            let got = r.uint().and_then(|_| r.finish());
            assert_eq!(got.as_ref(), Err(want), "{input:02x?}");
        }
        // Map {1: 0, 1: 0} and {2: 0, 1: 0}.
        for (input, want) in [
            ([0xa2, 0x01, 0x00, 0x01, 0x00], cbor("duplicate map key")),
            (
                [0xa2, 0x02, 0x00, 0x01, 0x00],
                cbor("map keys not in deterministic order"),
            ),
        ] {
            let mut r = Reader::new(&input);
            let mut keys = r.map().unwrap_or(MapKeys {
                left: 0,
                last: None,
            });
            let result = loop {
                match r.key(&mut keys) {
                    Ok(Some(_)) => assert_eq!(r.uint(), Ok(0)),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            assert_eq!(result, Err(want));
        }
    }
}
