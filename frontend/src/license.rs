//! Dates on the license and tracking pages. The license itself is `contract::License`.

/// A Unix time as the calendar date in China (UTC+8), `YYYY-MM-DD`.
pub fn china_date(unix: i64) -> String {
    let days = (unix + 8 * 3600).div_euclid(86_400);
    match catalog::Date::from_unix_days(days) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        None => String::new(),
    }
}
