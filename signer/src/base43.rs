//! The URL form's encoding: bytes in the 43 characters of the QR alphanumeric mode that a URL
//! fragment carries as they are (base45's alphabet without space and `%`, which a browser
//! would percent-encode and which would then cost three characters each).
//!
//! Blocks of 8 bytes become 12 characters (43¹² > 2⁶⁴), least significant digit first as in
//! base45: 5⅓ bits per character, exactly base45's density. A last block of 1–7 bytes takes
//! the fewest characters that hold it (2, 3, 5, 6, 8, 9, 11), so every length and every value
//! has one encoding and the decoder rejects anything the encoder would not have produced.

use crate::Malformed;

const ALPHABET: &[u8; 43] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:";

/// Characters for a block of 0..=8 bytes.
const CHARS: [usize; 9] = [0, 2, 3, 5, 6, 8, 9, 11, 12];

pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(8) * 12);
    for block in data.chunks(8) {
        let mut n = block.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
        for _ in 0..CHARS[block.len()] {
            out.push(char::from(ALPHABET[(n % 43) as usize]));
            n /= 43;
        }
    }
    out
}

pub fn decode(text: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::with_capacity(text.len() / 12 * 8 + 8);
    for chunk in text.chunks(12) {
        let bytes = CHARS
            .iter()
            .position(|&chars| chars == chunk.len())
            .ok_or(Malformed::Base45("URL form: length fits no whole bytes"))?;
        let mut n = 0u128;
        for &c in chunk.iter().rev() {
            let digit = ALPHABET
                .iter()
                .position(|&a| a == c)
                .ok_or(Malformed::Base45("URL form: character outside its 43"))?;
            n = n * 43 + digit as u128;
        }
        if n >> (8 * bytes) != 0 {
            return Err(Malformed::Base45("URL form: characters exceed their bytes"));
        }
        out.extend_from_slice(&n.to_be_bytes()[16 - bytes..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_round_trips_at_its_extremes() {
        for len in 0..=40 {
            for fill in [0x00u8, 0x5a, 0xff] {
                let data: Vec<u8> = (0..len)
                    .map(|i| fill ^ (i as u8).wrapping_mul(37))
                    .collect();
                let text = encode(&data);
                assert_eq!(text.len(), len / 8 * 12 + CHARS[len % 8]);
                assert!(!text.contains([' ', '%']));
                assert_eq!(decode(text.as_bytes()).ok(), Some(data));
            }
        }
    }

    #[test]
    fn the_fewest_characters_that_hold_each_block() {
        for bytes in 1..=8u32 {
            let chars = CHARS[bytes as usize] as u32;
            assert!(43u128.pow(chars) >= 1u128 << (8 * bytes));
            assert!(43u128.pow(chars - 1) < 1u128 << (8 * bytes));
        }
    }

    #[test]
    fn rejects_non_canonical() {
        // 2⁶⁴ − 1 is the largest block; one more overflows.
        let max = encode(&[0xff; 8]);
        let mut over = max.into_bytes();
        let first = ALPHABET.iter().position(|&a| a == over[0]).unwrap_or(0);
        over[0] = ALPHABET[first + 1];
        assert!(decode(&over).is_err());
        // "::" = 43² − 1 is more than one byte.
        assert!(decode(b"::").is_err());
        assert_eq!(decode(encode(&[0xff]).as_bytes()).ok(), Some(vec![0xff]));
        // Lengths that no byte count gives, space, % and lower case.
        for bad in [
            &b"A"[..],
            b"ABCD",
            b"ABCDEFG",
            b"ABCDEFGHIJ",
            b"A B",
            b"A%B",
            b"ab",
        ] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }
}
