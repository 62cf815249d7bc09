//! Dates on the license and tracking pages. The license itself is `contract::License`.

/// A Unix time as the issuing authority's civil date (`catalog::Date::authority_day`),
/// `YYYY-MM-DD`: the date printed on a license is the authority's, whatever the device's zone.
pub fn china_date(unix: i64) -> String {
    catalog::Date::authority_day(unix).map_or_else(String::new, |d| d.to_string())
}
