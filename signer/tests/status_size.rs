//! The signed status list of 100,000 license versions in a realistic mix (see
//! `common/status_mix.rs`): its gzip size, and that it reads back as signed.

mod common;
// Its own module, not in `common`: the inspector bench shares `common` and has no deflater.
#[path = "common/status_mix.rs"]
mod status_mix;

use signer::{KeySet, SignedStatusList, StatusList};
use status_mix::{gzip_len, mixed_status_list};

#[test]
fn a_hundred_thousand_versions_read_back_and_their_size_is_measured() {
    let list = mixed_status_list(100_000, 500);
    let key = common::key();
    let signed = list.sign(&key).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&signed).unwrap_or_default();
    let back: SignedStatusList = serde_json::from_str(&json).unwrap_or(signed);
    let keys =
        KeySet::from_entries(vec![key.public_entry(None, 0)]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(StatusList::verify(&back, &keys).ok().as_ref(), Some(&list));
    let gzip = gzip_len(&json);
    println!(
        "status list, 100000 versions: {:.1} KB gzip",
        gzip as f64 / 1024.0
    );
    // The target (#18): 30 KB. The states carry about 10.3 KB of information and
    // the dates about 19.5 KB (README, "Status list"): little room, so any regression of the
    // encoding shows.
    assert!(gzip <= 30 * 1024, "{gzip} bytes");
}
