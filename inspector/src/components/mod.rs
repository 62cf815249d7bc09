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

use crate::i18n::Lang;

/// A local date and time, e.g. "2026-05-01 16:00", from ms since the epoch.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

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

/// A local date, e.g. "2031-05-01", from Unix seconds.
pub fn local_date(seconds: i64) -> String {
    let date = js_sys::Date::new(&(seconds as f64 * 1000.0).into());
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}
