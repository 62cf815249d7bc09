//! Dates on the license and tracking pages. The license itself is `contract::License`.

use crate::i18n::{InLang, Lang};

/// A Unix time as the issuing authority's civil date (`catalog::Date::authority_day`), written
/// as the language writes dates ("2026年11月27日", "27 Nov 2026"): the date printed on a
/// license is the authority's, whatever the device's zone.
pub fn china_date(unix: i64, lang: Lang) -> String {
    catalog::Date::authority_day(unix).map_or_else(String::new, |d| d.words().get(lang).to_owned())
}
