mod history_list;
mod other_ways;
mod scanner;
mod trust_status;
mod verdict_view;

pub use history_list::HistoryList;
pub use other_ways::OtherWays;
pub use scanner::Scanner;
pub use trust_status::TrustStatus;
pub use verdict_view::VerdictView;

use crate::i18n::{InLang, Lang};

/// A local date and time as people write it in `lang`: "2026年5月1日 16:00", "1 May 2026, 16:00".
pub fn local_time_in(lang: Lang, ms: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = js_sys::Date::new(&ms.into());
    let (year, month, day) = (date.get_full_year(), date.get_month(), date.get_date());
    let time = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    match lang {
        Lang::Zh => format!("{year}年{}月{day}日 {time}", month + 1),
        Lang::En => {
            let name = MONTHS.get(month as usize).copied().unwrap_or_default();
            format!("{day} {name} {year}, {time}")
        }
    }
}

/// The issuing authority's civil date at Unix time `seconds` as `lang` writes it
/// ("2031年5月1日", "1 May 2031"): a license's validity ends on the authority's date,
/// whatever the device's time zone.
pub fn authority_date(lang: Lang, seconds: i64) -> String {
    catalog::Date::authority_day(seconds)
        .map_or_else(String::new, |date| date.words().get(lang).to_owned())
}

/// The authority's date and time of a signed list, as people write it in `lang`:
/// "2026年12月7日 21:00", "7 Dec 2026, 21:00".
pub fn authority_time(lang: Lang, seconds: i64) -> String {
    let Some(date) = catalog::Date::authority_day(seconds) else {
        return String::new();
    };
    let minutes = (seconds + catalog::AUTHORITY_UTC_OFFSET).rem_euclid(86_400) / 60;
    let time = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    let words = date.words();
    match lang {
        Lang::Zh => format!("{} {time}", words.zh),
        Lang::En => format!("{}, {time}", words.en),
    }
}
