//! The compact binary form of the catalog, which the crate embeds: `build.rs` includes this
//! file to write it from `data/*.json`, [`crate::Catalog::builtin`] reads it. The browser apps
//! parse the catalog at start-up; reading this form instead of JSON took 8.5 KB gzip off the
//! applicant app's wasm (serde's JSON visitors for every catalog type, and the field names).
//!
//! Layout: every value in field order, no names. Unsigned integers as LEB128 (shortest form);
//! `f64` as 8 little-endian bytes; `bool` and `Option` tags as one byte 0 or 1; enums as a
//! one-byte variant index; strings (UTF-8) and lists as a LEB128 length, then the items.
//! Decoding is strict: a truncated value, a bad tag, invalid UTF-8, a length longer than
//! the data left, conditions nested deeper than [`MAX_DEPTH`] or trailing bytes are errors.

use crate::model::{
    Catalog, ChoiceOption, Condition, DateRule, Division, FieldDef, FieldKind, FormField, Grant,
    GrantMode, Industry, IndustryPermit, Permit, Prefill, QuestionKind, RequiredIf, ScopeQuestion,
    Text,
};
use std::collections::BTreeMap;

/// How deeply `all`/`any` conditions may nest (the data uses two levels).
pub const MAX_DEPTH: u8 = 16;

/// Why compact data does not decode, and the byte offset where it went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset of the offending byte (the data's length when it ended too early).
    pub at: usize,
    /// What is wrong there.
    pub what: &'static str,
}

/// The catalog as compact bytes.
pub fn encode(catalog: &Catalog) -> Vec<u8> {
    let mut out = Vec::new();
    catalog.write(&mut out);
    out
}

/// Reads a catalog written by [`encode`]; the bytes must hold exactly one catalog.
pub fn decode(bytes: &[u8]) -> Result<Catalog, DecodeError> {
    let mut reader = Reader {
        bytes,
        at: 0,
        depth: 0,
    };
    let catalog = Catalog::read(&mut reader)?;
    if reader.at != bytes.len() {
        return reader.fail("trailing bytes after the catalog");
    }
    Ok(catalog)
}

/// A cursor over compact bytes.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: u8,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, what: &'static str) -> Result<T, DecodeError> {
        Err(DecodeError { at: self.at, what })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        match self.bytes.get(self.at..self.at.saturating_add(n)) {
            Some(taken) => {
                self.at += n;
                Ok(taken)
            }
            None => Err(DecodeError {
                at: self.bytes.len(),
                what: "the data ends in the middle of a value",
            }),
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    /// A one-byte tag below `count`.
    fn tag(&mut self, count: u8) -> Result<u8, DecodeError> {
        let tag = self.byte()?;
        if tag >= count {
            self.at -= 1;
            return self.fail("unknown variant tag");
        }
        Ok(tag)
    }

    fn varint(&mut self) -> Result<u32, DecodeError> {
        let start = self.at;
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    self.at = start;
                    return self.fail("number not in its shortest form");
                }
                return u32::try_from(value).or_else(|_| {
                    self.at = start;
                    self.fail("number too large")
                });
            }
        }
        self.at = start;
        self.fail("number too large")
    }

    /// A list or string length, which can never exceed the bytes left.
    fn len(&mut self) -> Result<usize, DecodeError> {
        let start = self.at;
        let len = self.varint()? as usize;
        if len > self.bytes.len() - self.at {
            self.at = start;
            return self.fail("length longer than the data left");
        }
        Ok(len)
    }
}

/// A value with a compact form.
pub trait Compact: Sized {
    /// Appends the value's compact form.
    fn write(&self, out: &mut Vec<u8>);
    /// Reads one value.
    fn read(reader: &mut Reader) -> Result<Self, DecodeError>;
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_len(out: &mut Vec<u8>, len: usize) {
    // Catalog lists and strings are far below 4 GiB.
    write_varint(out, u32::try_from(len).unwrap_or(u32::MAX));
}

impl Compact for u32 {
    fn write(&self, out: &mut Vec<u8>) {
        write_varint(out, *self);
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        reader.varint()
    }
}

macro_rules! compact_small_uint {
    ($($ty:ty),*) => {$(
        impl Compact for $ty {
            fn write(&self, out: &mut Vec<u8>) {
                write_varint(out, u32::from(*self));
            }
            fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
                let start = reader.at;
                <$ty>::try_from(reader.varint()?).or_else(|_| {
                    reader.at = start;
                    reader.fail("number too large")
                })
            }
        }
    )*};
}
compact_small_uint!(u8, u16);

impl Compact for bool {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        Ok(reader.tag(2)? == 1)
    }
}

impl Compact for f64 {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(reader.take(8)?);
        Ok(f64::from_le_bytes(bytes))
    }
}

impl Compact for String {
    fn write(&self, out: &mut Vec<u8>) {
        write_len(out, self.len());
        out.extend_from_slice(self.as_bytes());
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        let len = reader.len()?;
        let start = reader.at;
        let bytes = reader.take(len)?;
        String::from_utf8(bytes.to_vec()).or_else(|_| {
            reader.at = start;
            reader.fail("string is not UTF-8")
        })
    }
}

impl<T: Compact> Compact for Option<T> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.write(out);
            }
        }
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        Ok(match reader.tag(2)? {
            0 => None,
            _ => Some(T::read(reader)?),
        })
    }
}

impl<T: Compact> Compact for Vec<T> {
    fn write(&self, out: &mut Vec<u8>) {
        write_len(out, self.len());
        self.iter().for_each(|item| item.write(out));
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        // A plain loop: `collect` into a `Result` compiles an iterator adapter per item type,
        // several KB of the browser's wasm.
        let len = reader.len()?;
        let mut items = Vec::new();
        for _ in 0..len {
            items.push(T::read(reader)?);
        }
        Ok(items)
    }
}

impl Compact for BTreeMap<String, String> {
    fn write(&self, out: &mut Vec<u8>) {
        write_len(out, self.len());
        for (key, value) in self {
            key.write(out);
            value.write(out);
        }
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        let len = reader.len()?;
        let mut map = BTreeMap::new();
        for _ in 0..len {
            let start = reader.at;
            let key = String::read(reader)?;
            let value = String::read(reader)?;
            // Written in key order: anything else is not this encoder's output.
            if map.last_key_value().is_some_and(|(last, _)| *last >= key) {
                reader.at = start;
                return reader.fail("map keys out of order");
            }
            map.insert(key, value);
        }
        Ok(map)
    }
}

/// Structs: their fields in order. Listing every field is enforced by the struct literal.
macro_rules! compact_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Compact for $ty {
            fn write(&self, out: &mut Vec<u8>) {
                $(self.$field.write(out);)*
            }
            fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
                Ok($ty { $($field: Compact::read(reader)?,)* })
            }
        }
    };
}

/// Enums without data: the index in the list. The match makes a new variant a compile error
/// until it is listed.
macro_rules! compact_unit_enum {
    ($ty:ident [ $($variant:ident),* $(,)? ]) => {
        impl Compact for $ty {
            fn write(&self, out: &mut Vec<u8>) {
                const ALL: &[$ty] = &[$($ty::$variant),*];
                match self {
                    $($ty::$variant)|* => {}
                }
                out.push(ALL.iter().position(|v| v == self).unwrap_or_default() as u8);
            }
            fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
                const ALL: &[$ty] = &[$($ty::$variant),*];
                Ok(ALL[usize::from(reader.tag(ALL.len() as u8)?)])
            }
        }
    };
}

compact_struct!(Text { zh, en });
compact_struct!(ChoiceOption { value, zh, en });
compact_struct!(RequiredIf { field, equals });
compact_struct!(FieldDef {
    id,
    kind,
    label,
    hint,
    prefill,
    from,
    optional,
    required_if,
    unit,
    min,
    max,
    max_len,
    options,
    date_rule,
    id_type_field,
    source,
});
compact_struct!(Permit {
    id,
    code,
    name,
    department,
    validity_years,
    source,
    fields,
    grant,
});
// By hand: the check after a commitment is written and read only with the `sources` feature
// (build.rs is compiled with the crate's features), so the browser apps carry neither its
// bytes nor the code that reads them.
impl Compact for Grant {
    fn write(&self, out: &mut Vec<u8>) {
        self.department.write(out);
        self.mode.write(out);
        self.review_allowed.write(out);
        self.inspection.write(out);
        self.time_limit_days.write(out);
        self.commitment.write(out);
        self.appeal.write(out);
        #[cfg(feature = "sources")]
        {
            self.check_within_days.write(out);
            self.check_working_days.write(out);
            self.check_source.write(out);
        }
        self.source.write(out);
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        // Fields are read in the order they are written here.
        Ok(Grant {
            department: Compact::read(reader)?,
            mode: Compact::read(reader)?,
            review_allowed: Compact::read(reader)?,
            inspection: Compact::read(reader)?,
            time_limit_days: Compact::read(reader)?,
            commitment: Compact::read(reader)?,
            appeal: Compact::read(reader)?,
            #[cfg(feature = "sources")]
            check_within_days: Compact::read(reader)?,
            #[cfg(feature = "sources")]
            check_working_days: Compact::read(reader)?,
            #[cfg(feature = "sources")]
            check_source: Compact::read(reader)?,
            source: Compact::read(reader)?,
        })
    }
}
compact_struct!(ScopeQuestion {
    id,
    kind,
    label,
    hint,
    unit,
    min,
    max,
    typical,
});
compact_struct!(IndustryPermit { permit, when });
compact_struct!(Industry {
    id,
    code,
    name,
    questions,
    permits,
    presets,
    source,
});
compact_struct!(Division { code, zh, en });
compact_struct!(Catalog {
    version,
    dictionary,
    permits,
    industries,
    questions,
    divisions,
});

compact_unit_enum!(FieldKind[
    Text, CreditCode, IdNumber, Phone, Email, Date, Number, Integer, Choice, MultiChoice,
    Division, PostalCode, YesNo, TimeRange,
]);
compact_unit_enum!(Prefill[Registry, Profile, Scope, Industry, Derived, System]);
compact_unit_enum!(DateRule[NotInPast, NotInFuture]);
compact_unit_enum!(QuestionKind[YesNo, Number]);
compact_unit_enum!(GrantMode[Commitment, Review]);

impl Compact for Box<FieldDef> {
    fn write(&self, out: &mut Vec<u8>) {
        self.as_ref().write(out);
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        FieldDef::read(reader).map(Box::new)
    }
}

impl Compact for FormField {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            FormField::Shared(id) => {
                out.push(0);
                id.write(out);
            }
            FormField::Own(def) => {
                out.push(1);
                def.write(out);
            }
        }
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        Ok(match reader.tag(2)? {
            0 => FormField::Shared(Compact::read(reader)?),
            _ => FormField::Own(Compact::read(reader)?),
        })
    }
}

impl Compact for Condition {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Condition::Always => out.push(0),
            Condition::Yes(question) => {
                out.push(1);
                question.write(out);
            }
            Condition::AtLeast(question, threshold) => {
                out.push(2);
                question.write(out);
                threshold.write(out);
            }
            Condition::All(all) => {
                out.push(3);
                all.write(out);
            }
            Condition::Any(any) => {
                out.push(4);
                any.write(out);
            }
        }
    }
    fn read(reader: &mut Reader) -> Result<Self, DecodeError> {
        let tag = reader.tag(5)?;
        if tag >= 3 {
            if reader.depth == MAX_DEPTH {
                reader.at -= 1;
                return reader.fail("conditions nested too deeply");
            }
            reader.depth += 1;
            let nested = Vec::read(reader);
            reader.depth -= 1;
            return Ok(if tag == 3 {
                Condition::All(nested?)
            } else {
                Condition::Any(nested?)
            });
        }
        Ok(match tag {
            0 => Condition::Always,
            1 => Condition::Yes(Compact::read(reader)?),
            _ => Condition::AtLeast(Compact::read(reader)?, Compact::read(reader)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads exactly one `T` from `bytes`, like [`decode`] does for a catalog.
    fn read_exact<T: Compact>(bytes: &[u8]) -> Result<T, DecodeError> {
        let mut reader = Reader {
            bytes,
            at: 0,
            depth: 0,
        };
        let value = T::read(&mut reader)?;
        if reader.at != bytes.len() {
            return reader.fail("trailing bytes after the catalog");
        }
        Ok(value)
    }

    fn hex(text: &str) -> Vec<u8> {
        let digits: String = text.split_whitespace().collect();
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn written<T: Compact>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        value.write(&mut out);
        out
    }

    fn check<T: Compact + PartialEq + std::fmt::Debug>(value: T, bytes: &str) {
        assert_eq!(written(&value), hex(bytes), "{value:?}");
        assert_eq!(read_exact::<T>(&hex(bytes)), Ok(value));
    }

    #[test]
    fn test_vectors() {
        // 300 = 0b10_0101100: low seven bits first, continuation bit set.
        check(300_u32, "ac 02");
        check(127_u16, "7f");
        // 300.0 as IEEE 754, little-endian.
        check(Some(300.0_f64), "01  00 00 00 00 00 c0 72 40");
        check(None::<f64>, "00");
        // 酒 is three UTF-8 bytes.
        check(
            Text::new("酒", "Liquor"),
            "03 e9 85 92  06 4c 69 71 75 6f 72",
        );
        // A unit in both languages (层 is three UTF-8 bytes), as fields carry it.
        check(
            Some(Text::new("层", "floors")),
            "01  03 e5 b1 82  06 66 6c 6f 6f 72 73",
        );
        // Unit variants by position: FieldKind::Phone is the fourth.
        check(FieldKind::Phone, "03");
        check(FormField::Shared("x".into()), "00  01 78");
        check(
            Condition::Any(vec![
                Condition::Yes("a".into()),
                Condition::AtLeast("b".into(), 300.0),
            ]),
            "04 02  01 01 61  02 01 62 00 00 00 00 00 c0 72 40",
        );
        check(
            BTreeMap::from([("a".to_string(), "1".to_string())]),
            "01  01 61 01 31",
        );
    }

    #[test]
    fn malformed_data_is_refused_with_where_and_why() {
        let deep = |levels: usize| {
            let mut bytes = [0x03, 0x01].repeat(levels);
            bytes.push(0x00);
            bytes
        };
        type Decoder = fn(&[u8]) -> Result<(), DecodeError>;
        fn read_as<T: Compact>(bytes: &[u8]) -> Result<(), DecodeError> {
            read_exact::<T>(bytes).map(|_| ())
        }
        let (number, string) = (read_as::<u32> as Decoder, read_as::<String> as Decoder);
        // (what, read as, bytes, offset, reason)
        let table: &[(&str, Decoder, Vec<u8>, usize, &str)] = &[
            (
                "empty",
                number,
                hex(""),
                0,
                "the data ends in the middle of a value",
            ),
            (
                "u32 overlong zero",
                number,
                hex("80 00"),
                0,
                "number not in its shortest form",
            ),
            (
                "u32 beyond 2^32",
                number,
                hex("ff ff ff ff 10"),
                0,
                "number too large",
            ),
            (
                "u32 six bytes",
                number,
                hex("ff ff ff ff ff 01"),
                0,
                "number too large",
            ),
            (
                "u8 of 256",
                read_as::<u8>,
                hex("80 02"),
                0,
                "number too large",
            ),
            (
                "bool 2",
                read_as::<bool>,
                hex("02"),
                0,
                "unknown variant tag",
            ),
            (
                "string not UTF-8",
                string,
                hex("01 ff"),
                1,
                "string is not UTF-8",
            ),
            (
                "string too long",
                string,
                hex("05 61"),
                0,
                "length longer than the data left",
            ),
            (
                "f64 cut short",
                read_as::<Option<f64>>,
                hex("01 00 00"),
                3,
                "the data ends in the middle of a value",
            ),
            (
                "fifteenth field kind",
                read_as::<FieldKind>,
                hex("0e"),
                0,
                "unknown variant tag",
            ),
            (
                "map keys out of order",
                read_as::<BTreeMap<String, String>>,
                hex("02 01 62 00 01 61 00"),
                4,
                "map keys out of order",
            ),
            (
                "trailing byte",
                read_as::<Text>,
                hex("00 00 00"),
                2,
                "trailing bytes after the catalog",
            ),
            (
                "nested 17 deep",
                read_as::<Condition>,
                deep(17),
                32,
                "conditions nested too deeply",
            ),
        ];
        for (what, read, bytes, at, reason) in table {
            let error = read(bytes).expect_err(what);
            assert_eq!(
                error,
                DecodeError {
                    at: *at,
                    what: reason
                },
                "{what}"
            );
        }
        assert!(
            read_exact::<Condition>(&deep(16)).is_ok(),
            "16 levels are allowed"
        );
    }

    /// The embedded bytes are exactly the JSON files in `data/` (notes included).
    #[cfg(feature = "sources")]
    #[test]
    fn the_builtin_catalog_is_the_json_data() {
        fn part<T: serde::de::DeserializeOwned>(json: &str) -> T {
            serde_json::from_str(json).expect("data JSON")
        }
        let from_json = Catalog {
            version: crate::BUILTIN_VERSION.to_string(),
            dictionary: part(include_str!("../data/dictionary.json")),
            permits: part(include_str!("../data/permits.json")),
            industries: part(include_str!("../data/industries.json")),
            questions: part(include_str!("../data/questions.json")),
            divisions: part(include_str!("../data/divisions.json")),
        };
        assert_eq!(*Catalog::builtin(), from_json);
        assert_eq!(decode(&encode(&from_json)), Ok(from_json));
    }

    #[test]
    fn every_truncation_of_the_catalog_is_an_error() {
        let bytes = encode(Catalog::builtin());
        for end in (0..bytes.len()).step_by(53) {
            let error = decode(&bytes[..end]).expect_err("truncated");
            let cut_short = [
                "the data ends in the middle of a value",
                "length longer than the data left",
            ];
            assert!(cut_short.contains(&error.what), "cut at {end}: {error:?}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer).expect_err("longer").at, bytes.len());
    }
}
