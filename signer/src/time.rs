//! Minimal strict RFC 3339 timestamps (no time crate: this must build for the browser).

use catalog::Date;

use crate::Error;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into Unix seconds (fraction dropped).
/// `t`/`z` and a space separator are accepted as RFC 3339 allows; leap seconds are not.
pub fn parse_rfc3339(s: &str) -> Result<i64, Error> {
    let bad = || Error::Time(s.to_owned());
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, Error> {
        let digits = b.get(from..from + len).ok_or_else(bad)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return Err(bad());
    }
    let date = Date::new(
        u16::try_from(num(0, 4)?).map_err(|_| bad())?,
        u8::try_from(num(5, 2)?).map_err(|_| bad())?,
        u8::try_from(num(8, 2)?).map_err(|_| bad())?,
    )
    .ok_or_else(bad)?;
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if h > 23 || mi > 59 || sec > 59 {
        return Err(bad());
    }
    let mut i = 19;
    if at(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
    }
    let offset = if at(i, b"Zz") && b.len() == i + 1 {
        0
    } else if at(i, b"+-") && at(i + 3, b":") && b.len() == i + 6 {
        let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
        if oh > 23 || om > 59 {
            return Err(bad());
        }
        let sign = if at(i, b"-") { -1 } else { 1 };
        sign * (oh * 3600 + om * 60)
    } else {
        return Err(bad());
    };
    Ok(date.to_unix_days() * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`; `None` outside the years 1–9999.
pub fn format_rfc3339(t: i64) -> Option<String> {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let date = Date::from_unix_days(days)?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year,
        date.month,
        date.day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// `years` calendar years after `unix` (UTC), same time of day; 29 February becomes the 28th
/// in a year without it. Used for validity periods ("5 years from issue"). Saturates outside
/// the years 1–9999.
pub fn add_years(unix: i64, years: i64) -> i64 {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let moved = Date::from_unix_days(days).and_then(|date| {
        let year = u16::try_from(i64::from(date.year).checked_add(years)?).ok()?;
        Date::new(year, date.month, date.day).or_else(|| Date::new(year, date.month, 28))
    });
    match moved {
        Some(date) => date.to_unix_days() * 86_400 + secs,
        None if years < 0 => i64::MIN,
        None => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let table = [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-05-01T08:00:00Z", 1_777_622_400),
            ("2026-05-01T16:00:00+08:00", 1_777_622_400),
            ("2026-05-01T08:00:00.999Z", 1_777_622_400),
            ("2000-02-29T00:00:00Z", 951_782_400),
            ("1969-12-31T23:59:59Z", -1),
        ];
        for (text, t) in table {
            assert_eq!(parse_rfc3339(text).ok(), Some(t), "{text}");
        }
        assert_eq!(
            format_rfc3339(1_777_622_400).as_deref(),
            Some("2026-05-01T08:00:00Z")
        );
        assert_eq!(format_rfc3339(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(format_rfc3339(i64::MAX), None);
    }

    #[test]
    fn rejects_malformed() {
        for text in [
            "",
            "2026-05-01",
            "2026-05-01T08:00:00",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-05-01T24:00:00Z",
            "2026-05-01T08:00:60Z",
            "2026-05-01T08:00:00.Z",
            "2026-05-01T08:00:00+8:00",
            "2026-05-01T08:00:00Z ",
            "２０２６-05-01T08:00:00Z",
        ] {
            assert!(parse_rfc3339(text).is_err(), "{text}");
        }
    }
}
