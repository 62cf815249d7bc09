//! The authority's working days: Monday to Friday, less the public holidays, plus the weekend
//! days worked in their place (调休). Statutory time limits in working days (a department's
//! decision, a check after a commitment) are counted on it, so a deadline never falls in the
//! Spring Festival week.
//!
//! The State Council publishes each year's arrangement in the November before; the years built
//! in are listed in [`Calendar::china`]. A deployment adds later ones from a file
//! ([`Calendar::add_json`]); a year nobody described counts weekends only, and
//! [`Calendar::describes`] lets the server say so.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::Date;

/// How a day differs from the Monday-to-Friday week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exception {
    /// A weekday off.
    Holiday,
    /// A weekend day worked.
    Workday,
}

/// Days off and weekend days worked, by year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    exceptions: BTreeMap<i64, Exception>,
    years: BTreeSet<u16>,
}

/// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, Xinhua): New Year 1–3 Jan (4 Jan
/// worked); Spring Festival 15–23 Feb (14 and 28 Feb worked); Qingming 4–6 Apr; Labour Day
/// 1–5 May (9 May worked); Dragon Boat 19–21 Jun; Mid-Autumn 25–27 Sep; National Day 1–7 Oct
/// (20 Sep and 10 Oct worked). Only the days off that fall on weekdays matter here.
const CHINA_2026: YearArrangement<'static> = YearArrangement {
    year: 2026,
    holidays: &[
        (1, 1),
        (1, 2),
        (2, 16),
        (2, 17),
        (2, 18),
        (2, 19),
        (2, 20),
        (2, 23),
        (4, 6),
        (5, 1),
        (5, 4),
        (5, 5),
        (6, 19),
        (9, 25),
        (10, 1),
        (10, 2),
        (10, 5),
        (10, 6),
        (10, 7),
    ],
    workdays: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
};

struct YearArrangement<'a> {
    year: u16,
    holidays: &'a [(u8, u8)],
    workdays: &'a [(u8, u8)],
}

/// What is wrong with a calendar file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("calendar file: {0}")]
    Json(String),
    #[error("calendar file: {0:?} is not a date (YYYY-MM-DD)")]
    NotADate(String),
    #[error("calendar file: {0} is not in one of the years the file describes")]
    OutsideYears(String),
    #[error(
        "calendar file: {0} is a holiday on a weekend or a workday on a weekday: it changes nothing"
    )]
    NoChange(String),
    #[error("calendar file: {0} is listed twice")]
    Repeated(String),
}

/// A calendar file: `{"years": [2027], "holidays": ["2027-01-01", …], "workdays": [...]}`:
/// the weekdays off and the weekend days worked of each year it describes, whole.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    years: Vec<u16>,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    workdays: Vec<String>,
}

impl Calendar {
    /// Mainland China's national arrangement for the years built in (2026).
    pub fn china() -> Calendar {
        let mut calendar = Calendar::default();
        for arrangement in [CHINA_2026] {
            calendar.years.insert(arrangement.year);
            for (days, kind) in [
                (arrangement.holidays, Exception::Holiday),
                (arrangement.workdays, Exception::Workday),
            ] {
                for &(month, day) in days {
                    if let Some(date) = Date::new(arrangement.year, month, day) {
                        calendar.exceptions.insert(date.to_unix_days(), kind);
                    }
                }
            }
        }
        calendar
    }

    /// Adds the years a calendar file describes (replacing what was known of them).
    pub fn add_json(&mut self, json: &str) -> Result<(), CalendarError> {
        let file: CalendarFile =
            serde_json::from_str(json).map_err(|e| CalendarError::Json(e.to_string()))?;
        let mut added = BTreeMap::new();
        for (days, kind) in [
            (&file.holidays, Exception::Holiday),
            (&file.workdays, Exception::Workday),
        ] {
            for text in days {
                let date =
                    Date::parse(text).ok_or_else(|| CalendarError::NotADate(text.clone()))?;
                if !file.years.contains(&date.year) {
                    return Err(CalendarError::OutsideYears(text.clone()));
                }
                if date.is_weekend() != (kind == Exception::Workday) {
                    return Err(CalendarError::NoChange(text.clone()));
                }
                if added.insert(date.to_unix_days(), kind).is_some() {
                    return Err(CalendarError::Repeated(text.clone()));
                }
            }
        }
        for year in &file.years {
            self.exceptions
                .retain(|&day, _| Date::from_unix_days(day).is_none_or(|d| d.year != *year));
            self.years.insert(*year);
        }
        self.exceptions.extend(added);
        Ok(())
    }

    /// Whether the year's public holidays are known (otherwise only weekends are off).
    pub fn describes(&self, year: u16) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.exceptions.get(&date.to_unix_days()) {
            Some(Exception::Holiday) => false,
            Some(Exception::Workday) => true,
            None => !date.is_weekend(),
        }
    }

    /// The date `n` working days after `from`: a time limit of `n` working days from that day
    /// ends on it.
    pub fn add_working_days(&self, from: Date, n: u16) -> Option<Date> {
        let mut day = from.to_unix_days();
        let mut left = n;
        while left > 0 {
            day += 1;
            if self.is_working_day(Date::from_unix_days(day)?) {
                left -= 1;
            }
        }
        Date::from_unix_days(day)
    }

    /// Working days after `from` up to and including `later` (0 when `later` is not after it).
    pub fn working_days_until(&self, from: Date, later: Date) -> u32 {
        (from.to_unix_days() + 1..=later.to_unix_days())
            .filter_map(Date::from_unix_days)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_2026_arrangement_as_published() {
        let china = Calendar::china();
        assert!(china.describes(2026));
        assert!(!china.describes(2027));
        // Every day off of the notice, weekends included, and every weekend day worked.
        let off = [
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ];
        for (first, last) in off {
            for d in day(first).to_unix_days()..=day(last).to_unix_days() {
                let date = Date::from_unix_days(d).unwrap();
                assert!(!china.is_working_day(date), "{date} is off");
            }
        }
        for worked in [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ] {
            assert!(china.is_working_day(day(worked)), "{worked} is worked");
        }
        // 365 days less 104 weekend days, 19 weekdays off, 6 weekend days worked.
        let year = (day("2026-01-01").to_unix_days()..=day("2026-12-31").to_unix_days())
            .filter(|d| china.is_working_day(Date::from_unix_days(*d).unwrap()))
            .count();
        assert_eq!(year, 365 - 104 - 19 + 6);
    }

    #[test]
    fn time_limits_skip_the_spring_festival() {
        let china = Calendar::china();
        // Accepted on Friday 13 Feb 2026: Saturday 14th is worked, 15–23 off.
        let accepted = day("2026-02-13");
        assert_eq!(china.add_working_days(accepted, 1), Some(day("2026-02-14")));
        assert_eq!(china.add_working_days(accepted, 2), Some(day("2026-02-24")));
        assert_eq!(china.add_working_days(accepted, 0), Some(accepted));
        assert_eq!(china.working_days_until(accepted, day("2026-02-24")), 2);
        assert_eq!(china.working_days_until(accepted, accepted), 0);
        // Outside the arrangement: Monday to Friday.
        let friday = day("2027-12-03");
        assert_eq!(china.add_working_days(friday, 1), Some(day("2027-12-06")));
    }

    #[test]
    fn a_file_adds_a_year_and_says_what_is_wrong_with_it() {
        let mut calendar = Calendar::china();
        calendar
            .add_json(
                r#"{"years": [2027], "holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}"#,
            )
            .unwrap();
        assert!(calendar.describes(2027));
        assert!(!calendar.is_working_day(day("2027-01-01")));
        assert!(calendar.is_working_day(day("2027-01-02")));
        // A year described again replaces what was known of it.
        calendar.add_json(r#"{"years": [2026]}"#).unwrap();
        assert!(calendar.is_working_day(day("2026-02-16")));
        let refused = [
            (r#"{"years": [2027], "holidays": ["27-1-1"]}"#, "not a date"),
            (
                r#"{"years": [2027], "holidays": ["2028-01-03"]}"#,
                "not in one of the years",
            ),
            (
                r#"{"years": [2027], "holidays": ["2027-01-02"]}"#,
                "changes nothing",
            ),
            (
                r#"{"years": [2027], "workdays": ["2027-01-04"]}"#,
                "changes nothing",
            ),
            (
                r#"{"years": [2027], "holidays": ["2027-01-04", "2027-01-04"]}"#,
                "twice",
            ),
            (r#"{"years": [2027], "days_off": []}"#, "unknown field"),
            ("[]", "calendar file"),
        ];
        for (json, says) in refused {
            let mut calendar = Calendar::china();
            let error = calendar.add_json(json).unwrap_err().to_string();
            assert!(error.contains(says), "{json}: {error}");
            assert_eq!(calendar, Calendar::china(), "nothing added on an error");
        }
    }
}
