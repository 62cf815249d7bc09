//! Prints the catalog's field-count report: `catalog-report` (table) or `catalog-report --json`.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

fn main() {
    let report = catalog::Catalog::builtin().report();
    if std::env::args().any(|a| a == "--json") {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("cannot serialise the report: {e}");
                std::process::exit(1);
            }
        }
    } else {
        print!("{}", report.to_table());
    }
}
