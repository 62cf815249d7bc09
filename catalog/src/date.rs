//! A calendar date, and "today" as the issuing authority's civil date. Pure: the time is
//! always passed in, never read from a clock.

use crate::Text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A real Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day of month 1–31.
    pub day: u8,
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, if it exists in the calendar (years 1–9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let exists = (1..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month);
        exists.then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return None;
        }
        Date::new(
            text[..4].parse().ok()?,
            text[5..7].parse().ok()?,
            text[8..].parse().ok()?,
        )
    }

    /// The date `days` days after 1970-01-01 (civil-from-days, Howard Hinnant).
    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// Days from 1970-01-01 to this date (days-from-civil, Howard Hinnant): the inverse of
    /// [`Date::from_unix_days`].
    pub fn to_unix_days(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The civil date at Unix time `unix` (seconds) in a zone `utc_offset` seconds east of UTC.
    pub fn at(unix: i64, utc_offset: i64) -> Option<Date> {
        Date::from_unix_days(unix.saturating_add(utc_offset).div_euclid(86_400))
    }

    /// The issuing authority's civil date at Unix time `unix`: "today" for every rule, in the
    /// browser and on the server alike, whatever the device's own time zone.
    pub fn authority_day(unix: i64) -> Option<Date> {
        Date::at(unix, AUTHORITY_UTC_OFFSET)
    }

    /// Whether the date falls on a Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        // 1970-01-01 was a Thursday: 0 = Thursday, 2 = Saturday, 3 = Sunday.
        matches!(self.to_unix_days().rem_euclid(7), 2 | 3)
    }
}

/// The issuing authority's offset from UTC in seconds: Asia/Shanghai (UTC+8, no daylight
/// saving) unless the build sets `YIYE_UTC_OFFSET_MINUTES`. A build-time setting, so the
/// server and both web apps of one deployment agree.
pub const AUTHORITY_UTC_OFFSET: i64 = match option_env!("YIYE_UTC_OFFSET_MINUTES") {
    Some(minutes) => parse_minutes(minutes) * 60,
    None => 8 * 3600,
};

/// `[-]digits` at compile time; a malformed setting stops the build.
const fn parse_minutes(text: &str) -> i64 {
    let bytes = text.as_bytes();
    let (negative, mut i) = match bytes {
        [b'-', ..] => (true, 1),
        _ => (false, 0),
    };
    assert!(
        i < bytes.len(),
        "YIYE_UTC_OFFSET_MINUTES must be a number of minutes"
    );
    let mut value = 0i64;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "YIYE_UTC_OFFSET_MINUTES must be a number of minutes"
        );
        value = value * 10 + (bytes[i] - b'0') as i64;
        i += 1;
    }
    assert!(value <= 14 * 60, "YIYE_UTC_OFFSET_MINUTES is at most 840");
    if negative { -value } else { value }
}

/// English month abbreviations, as in "27 Nov 2026".
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Date {
    /// The date as a reader writes it: "2026年11月27日", "27 Nov 2026" (the ISO form stays
    /// for data, [`fmt::Display`]).
    pub fn words(self) -> Text {
        let month = MONTHS_EN
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or_default();
        Text::new(
            format!("{}年{}月{}日", self.year, self.month, self.day),
            format!("{} {month} {}", self.day, self.year),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_are_saturday_and_sunday() {
        let friday = Date::new(2026, 12, 4).unwrap();
        assert!(!friday.is_weekend());
        assert!(Date::new(2026, 12, 5).unwrap().is_weekend());
        assert!(Date::new(2026, 12, 6).unwrap().is_weekend());
        assert!(!Date::new(2026, 12, 7).unwrap().is_weekend());
    }

    #[test]
    fn unix_days_round_trip() {
        for days in [-719_162, -1, 0, 1, 11_016, 20_784, 2_932_896] {
            let date = Date::from_unix_days(days).unwrap();
            assert_eq!(date.to_unix_days(), days, "{date}");
        }
        assert_eq!(Date::new(2026, 11, 27).unwrap().to_unix_days(), 20_784);
    }

    #[test]
    fn dates_in_words_follow_the_language() {
        for (date, zh, en) in [
            ((2026, 11, 27), "2026年11月27日", "27 Nov 2026"),
            ((2027, 1, 5), "2027年1月5日", "5 Jan 2027"),
            ((2028, 2, 29), "2028年2月29日", "29 Feb 2028"),
            ((1999, 12, 31), "1999年12月31日", "31 Dec 1999"),
        ] {
            let words = Date::new(date.0, date.1, date.2).unwrap().words();
            assert_eq!((words.zh.as_str(), words.en.as_str()), (zh, en));
        }
    }

    #[test]
    fn authority_day_is_the_day_in_china() {
        // 2026-11-26T20:30Z is 04:30 on the 27th in Shanghai.
        let unix = Date::new(2026, 11, 26).unwrap().to_unix_days() * 86_400 + 20 * 3600 + 1800;
        assert_eq!(Date::at(unix, 0), Date::new(2026, 11, 26));
        assert_eq!(Date::authority_day(unix), Date::new(2026, 11, 27));
        assert_eq!(Date::at(unix, -5 * 3600), Date::new(2026, 11, 26));
    }
}
