//! Prints the catalog's field- and material-count report: `catalog-report` (table) or
//! `catalog-report --json`. Checks the data first (`Catalog::problems`, e.g. a field no
//! applicant can reach, and `Materials::problems`, e.g. a permit without a list): a problem
//! is printed with what it concerns, and the exit status is 1.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

fn main() {
    let catalog = catalog::Catalog::builtin();
    let mut problems = catalog.problems();
    problems.extend(catalog::Materials::builtin().problems(catalog));
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("catalog data: {problem}");
        }
        std::process::exit(1);
    }
    let report = catalog.report();
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
