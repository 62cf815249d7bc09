//! The status list of the size target: 100,000 license versions of one issuer over five
//! years, 85 % valid, 10 % superseded, 2 % suspended, 2 % revoked, 1 % cancelled, each change
//! on a day between its version's issue and the list's. Deterministic (a fixed-seed
//! SplitMix64), shared by the size test and `cargo run -p signer --example status-size`.

use signer::{Status, StatusList};

const DAY: i64 = 86_400;
/// 2026-05-01T00:00:00Z, the list's issue time; versions were issued over the 1826 days before.
const LIST_ISSUED: i64 = 1_777_593_600;
const SPAN_DAYS: u64 = 1826;

/// SplitMix64: tiny, deterministic, good enough to spread dates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is negligible here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `versions` entries in the mix above, plus `old_revoked` revoked licenses from before
/// status indexes.
pub fn mixed_status_list(versions: usize, old_revoked: usize) -> StatusList {
    let mut rng = Rng(0x5a17_u64);
    let first_day = LIST_ISSUED / DAY - SPAN_DAYS as i64;
    let day = |d: u64| (first_day + d as i64) * DAY;
    let entries = (0..versions as u64)
        .map(|i| {
            // Indexes are allocated in issue order, evenly over the five years.
            let issued = i * SPAN_DAYS / versions as u64;
            let changed = issued + rng.below(SPAN_DAYS - issued + 1);
            match rng.below(100) {
                0..85 => Status::Valid,
                85..95 => Status::Superseded { on: day(changed) },
                95..97 => Status::Suspended {
                    since: day(changed),
                    until: day(changed + 7 + rng.below(174)),
                },
                97..99 => Status::Revoked { on: day(changed) },
                _ => Status::Cancelled { on: day(changed) },
            }
        })
        .collect();
    StatusList {
        issuer: "310115".into(),
        issued_at: LIST_ISSUED,
        expires_at: LIST_ISSUED + 7 * DAY,
        entries,
        by_number: (0..old_revoked)
            .map(|i| format!("310115-2025-{:06}", 1 + i * 37))
            .collect(),
    }
}

/// Bytes of the signed list's JSON after gzip -9 (deflate at level 9 plus gzip's 18 bytes of
/// header and trailer), as a server sends it.
pub fn gzip_len(json: &str) -> usize {
    miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9).len() + 18
}
