//! Decimal numbers as applicants type them and as messages show them. Hand-written rather
//! than `str::parse::<f64>` and `f64`'s `Display`: the general algorithms (which handle
//! exponents and 17-digit round trips nobody types into a floor-area box) are ~15 KB of the
//! browser's wasm.

/// Digits after the point that [`format`] shows (areas, amounts, head counts need fewer).
const FRACTION_DIGITS: u32 = 6;

/// Parses a plain decimal: optional `-`, digits, optionally `.` and digits (`85`, `-3`,
/// `85.5`). No exponent, sign `+`, bare point (`.5`, `5.`), spaces or digit grouping. Up to 15
/// significant digits the result is the nearest `f64`, exactly as `str::parse` gives.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    let fraction = fraction.unwrap_or_default();
    // The digits as one integer, then one division by a power of ten: both exact up to 15
    // digits, so the single rounding of the division gives the nearest f64. Digits beyond
    // what an f64 holds only scale the value.
    let mut mantissa = 0.0_f64;
    let mut scale = 1.0_f64;
    for (index, digit) in whole.bytes().chain(fraction.bytes()).enumerate() {
        mantissa = mantissa * 10.0 + f64::from(digit - b'0');
        if index >= whole.len() {
            scale *= 10.0;
        }
    }
    let value = mantissa / scale;
    value
        .is_finite()
        .then_some(if negative { -value } else { value })
}

/// Shows a number the way people write it: `300`, `85.5`, `-0.25`; at most six digits
/// after the point, trailing zeros dropped.
pub fn format(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "∞"
        } else {
            "-∞"
        }
        .into();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    let unit = 10_u64.pow(FRACTION_DIGITS);
    // From 2^53 / 10^6 on, the fraction digits are noise: show the whole part only.
    if magnitude >= 9e9 {
        return format!("{sign}{}", magnitude.round() as u64);
    }
    let scaled = (magnitude * unit as f64).round() as u64;
    let (whole, fraction) = (scaled / unit, scaled % unit);
    if scaled == 0 {
        return "0".into();
    }
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:06}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_applicants_type_as_str_parse_does() {
        for text in [
            "0",
            "7",
            "85",
            "85.5",
            "300",
            "0.1",
            "0.3",
            "-3",
            "-0.25",
            "1999.99",
            "123456789012.345",
            "000120",
            "3.14159265358979",
        ] {
            assert_eq!(parse(text), text.parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn refuses_anything_but_a_plain_decimal() {
        for text in [
            "", "-", ".", "-.", ".5", "5.", "1e3", "+5", " 5", "5 ", "1,000", "1.2.3", "--1",
            "inf", "NaN", "0x10", "５",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn formats_like_display_for_everyday_numbers() {
        for value in [
            0.0, 1.0, 300.0, 85.5, 0.1, 0.25, 1999.99, 100000.0, -3.0, -0.25, 12.345678,
        ] {
            assert_eq!(format(value), value.to_string(), "{value}");
        }
        // Six digits after the point at most; the rest rounds.
        assert_eq!(format(1.0 / 3.0), "0.333333");
        assert_eq!(format(2.0000004), "2");
        assert_eq!(format(-0.0000001), "0");
        assert_eq!(format(1e15), "1000000000000000");
        assert_eq!(format(f64::NAN), "NaN");
        assert_eq!(format(f64::NEG_INFINITY), "-∞");
    }
}
