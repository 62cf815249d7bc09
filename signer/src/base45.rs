//! Base45 (RFC 9285), strict.
//!
//! Every byte string has exactly one encoding, so the decoder rejects any input that the
//! encoder would not have produced: characters outside the alphabet (lower case included),
//! a dangling single character, and chunk values that overflow 16 (or 8) bits.

use crate::Malformed;

/// The 45 characters of the QR alphanumeric mode, in RFC 9285 order.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes `data` as base45 text.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(2) * 3);
    let mut push = |v: usize| out.push(char::from(ALPHABET[v % 45]));
    let mut pairs = data.chunks_exact(2);
    for pair in &mut pairs {
        let n = (usize::from(pair[0]) << 8) | usize::from(pair[1]);
        push(n);
        push(n / 45);
        push(n / (45 * 45));
    }
    if let [last] = pairs.remainder() {
        let n = usize::from(*last);
        push(n);
        push(n / 45);
    }
    out
}

fn value(c: u8) -> Result<u32, Malformed> {
    let v = match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => c - b'A' + 10,
        b' ' => 36,
        b'$' => 37,
        b'%' => 38,
        b'*' => 39,
        b'+' => 40,
        b'-' => 41,
        b'.' => 42,
        b'/' => 43,
        b':' => 44,
        _ => return Err(Malformed::Base45("character outside the base45 alphabet")),
    };
    Ok(u32::from(v))
}

/// Decodes base45 text, rejecting every non-canonical input.
pub fn decode(text: &[u8]) -> Result<Vec<u8>, Malformed> {
    if text.len() % 3 == 1 {
        return Err(Malformed::Base45(
            "length leaves a single dangling character",
        ));
    }
    let mut out = Vec::with_capacity(text.len() / 3 * 2 + 1);
    for chunk in text.chunks(3) {
        match *chunk {
            [c, d, e] => {
                let n = value(c)? + value(d)? * 45 + value(e)? * 45 * 45;
                let n = u16::try_from(n)
                    .map_err(|_| Malformed::Base45("three characters exceed 16 bits"))?;
                out.extend_from_slice(&n.to_be_bytes());
            }
            [c, d] => {
                let n = value(c)? + value(d)? * 45;
                let n = u8::try_from(n)
                    .map_err(|_| Malformed::Base45("two characters exceed 8 bits"))?;
                out.push(n);
            }
            // `chunks(3)` yields 1..=3 items and length % 3 == 1 was rejected above.
            _ => {
                return Err(Malformed::Base45(
                    "length leaves a single dangling character",
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9285 section 4.3 examples.
    #[test]
    fn rfc9285_examples() {
        let table: &[(&[u8], &str)] = &[
            (b"AB", "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
            (b"", ""),
        ];
        for (raw, text) in table {
            assert_eq!(encode(raw), *text);
            assert_eq!(decode(text.as_bytes()).ok().as_deref(), Some(*raw));
        }
    }

    #[test]
    fn rejects_non_canonical() {
        // "FGW" = 65535 is the largest triple; "GGW" = 65536 overflows.
        assert!(decode(b"FGW").is_ok());
        assert!(decode(b"GGW").is_err());
        // "U5" = 255 is the largest pair; "V5" = 256 overflows.
        assert!(decode(b"U5").is_ok());
        assert!(decode(b"V5").is_err());
        assert!(decode(b"bb8").is_err(), "lower case is not base45");
        assert!(decode(b"BB8B").is_err(), "dangling character");
        assert!(decode(b"BB\n").is_err());
    }

    #[test]
    fn every_byte_pair_round_trips() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let text = encode(&[a, b]);
                assert_eq!(decode(text.as_bytes()).ok(), Some(vec![a, b]));
            }
            assert_eq!(decode(encode(&[a]).as_bytes()).ok(), Some(vec![a]));
        }
    }
}
