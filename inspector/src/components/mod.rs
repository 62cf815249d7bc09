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
