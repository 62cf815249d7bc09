//! The server's one source of "now", passed to every service: the system clock in production,
//! a fixed instant in tests (e.g. 04:30 in Shanghai while it is still yesterday in UTC).

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    /// Always this Unix time (seconds).
    Fixed(i64),
}

impl Clock {
    /// Unix seconds now.
    pub fn now(self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            Clock::Fixed(unix) => unix,
        }
    }
}
