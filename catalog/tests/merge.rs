//! Merge properties over all industries × a set of scope-answer combinations.

use catalog::{Catalog, CatalogError, FormField, QuestionKind, ScopeAnswer, ScopeAnswers};
use std::collections::BTreeSet;

/// All off, full scope, each question alone switched on, each alone switched off.
fn combinations(catalog: &Catalog, industry: &catalog::Industry) -> Vec<ScopeAnswers> {
    let full = industry.full_scope(catalog);
    let off: ScopeAnswers = full
        .iter()
        .map(|(q, a)| {
            let a = match a {
                ScopeAnswer::YesNo(_) => ScopeAnswer::YesNo(false),
                ScopeAnswer::Number(_) => ScopeAnswer::Number(1.0),
            };
            (q.clone(), a)
        })
        .collect();
    let mut combos = vec![off.clone(), full.clone(), ScopeAnswers::new()];
    for q in full.keys() {
        let mut on = off.clone();
        on.insert(q.clone(), full[q]);
        combos.push(on);
        let mut without = full.clone();
        without.insert(q.clone(), off[q]);
        combos.push(without);
    }
    combos
}

#[test]
fn merge_properties_hold_for_every_industry_and_scope() {
    let catalog = Catalog::builtin();
    for industry in &catalog.industries {
        for answers in combinations(catalog, industry) {
            let form = catalog.merge(&industry.id, &answers).expect("merge");
            let context = format!("{} {:?}", industry.id, answers);

            // Exactly the permits whose condition holds, in industry order.
            let expected: Vec<&str> = industry
                .permits
                .iter()
                .filter(|p| p.when.holds(&answers))
                .map(|p| p.permit.as_str())
                .collect();
            let got: Vec<&str> = form.permits.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(got, expected, "{context}");

            // No field twice; every permit field covered.
            let mut ids = BTreeSet::new();
            for field in form.fields() {
                assert!(
                    ids.insert(field.def.id.as_str()),
                    "{} twice: {context}",
                    field.def.id
                );
            }
            for permit in &form.permits {
                let permit = catalog.permit(&permit.id).expect("permit");
                for field in &permit.fields {
                    assert!(
                        ids.contains(field.id()),
                        "{} missing: {context}",
                        field.id()
                    );
                    let merged = form.field(field.id()).expect("field");
                    assert!(merged.used_by.contains(&permit.id), "{context}");
                }
            }
            // Nothing beyond the permits' fields.
            let needed: BTreeSet<&str> = form
                .permits
                .iter()
                .flat_map(|p| {
                    catalog
                        .permit(&p.id)
                        .expect("permit")
                        .fields
                        .iter()
                        .map(FormField::id)
                })
                .collect();
            assert_eq!(ids, needed, "{context}");

            // Shared section first, in dictionary order; then one section per permit.
            assert_eq!(form.sections[0].id, "shared");
            let positions: Vec<usize> = form.sections[0]
                .fields
                .iter()
                .map(|f| {
                    catalog
                        .dictionary
                        .iter()
                        .position(|d| d.id == f.def.id)
                        .expect("dict")
                })
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{context}");
            let section_ids: Vec<&str> = form.sections[1..].iter().map(|s| s.id.as_str()).collect();
            assert_eq!(section_ids, expected, "{context}");

            // Stable: the same input merges to the same form.
            assert_eq!(catalog.merge(&industry.id, &answers).expect("merge"), form);

            // Counts are consistent.
            let c = form.counts;
            assert_eq!(c.merged_fields, ids.len());
            assert!(c.merged_fields <= c.separate_form_fields.max(c.merged_fields));
        }
    }
}

#[test]
fn scope_answers_add_and_remove_exactly_the_conditional_permit() {
    let catalog = Catalog::builtin();
    let store = catalog.industry("convenience_store").expect("industry");
    let full = store.full_scope(catalog);
    let with_all = catalog
        .permits_for("convenience_store", &full)
        .expect("permits");
    let mut no_liquor = full.clone();
    no_liquor.insert("sells_liquor".into(), ScopeAnswer::YesNo(false));
    let without = catalog
        .permits_for("convenience_store", &no_liquor)
        .expect("permits");
    let removed: Vec<&str> = with_all
        .iter()
        .filter(|p| !without.contains(p))
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(removed, ["liquor_retail"]);

    let mut small = full.clone();
    small.insert("floor_area_m2".into(), ScopeAnswer::Number(299.0));
    let small_permits = catalog
        .permits_for("convenience_store", &small)
        .expect("permits");
    assert!(
        !small_permits
            .iter()
            .any(|p| p.id == "fire_safety_inspection")
    );
    small.insert("floor_area_m2".into(), ScopeAnswer::Number(300.0));
    let at_threshold = catalog
        .permits_for("convenience_store", &small)
        .expect("permits");
    assert!(
        at_threshold
            .iter()
            .any(|p| p.id == "fire_safety_inspection")
    );
}

#[test]
fn bad_requests_are_errors_not_panics() {
    let catalog = Catalog::builtin();
    let none = ScopeAnswers::new();
    assert_eq!(
        catalog.merge("spaceport", &none),
        Err(CatalogError::UnknownIndustry("spaceport".into()))
    );
    let mut wrong = ScopeAnswers::new();
    wrong.insert("has_pool".into(), ScopeAnswer::YesNo(true));
    assert_eq!(
        catalog.merge("convenience_store", &wrong),
        Err(CatalogError::UnknownQuestion("has_pool".into()))
    );
    let mut kind = ScopeAnswers::new();
    kind.insert("floor_area_m2".into(), ScopeAnswer::YesNo(true));
    assert_eq!(
        catalog.merge("convenience_store", &kind),
        Err(CatalogError::AnswerKind("floor_area_m2".into()))
    );
    let mut nan = ScopeAnswers::new();
    nan.insert("floor_area_m2".into(), ScopeAnswer::Number(f64::NAN));
    assert!(catalog.merge("convenience_store", &nan).is_err());
    assert!(
        catalog
            .questions
            .iter()
            .any(|q| q.kind == QuestionKind::Number)
    );
}

#[test]
fn scope_answers_serialise_as_plain_json_values() {
    let answers: ScopeAnswers =
        serde_json::from_str(r#"{"sells_liquor":true,"floor_area_m2":320}"#).expect("json");
    assert_eq!(answers["sells_liquor"], ScopeAnswer::YesNo(true));
    assert_eq!(answers["floor_area_m2"], ScopeAnswer::Number(320.0));
    let form = Catalog::builtin()
        .merge("convenience_store", &answers)
        .expect("merge");
    let preset = form.field("floor_area").and_then(|f| f.preset.clone());
    assert_eq!(preset.as_deref(), Some("320"));
}

/// A numeric scope answer decides permits, so the scope page never lets it be guessed:
/// unanswered, not a number or out of range each get a message naming the question.
#[test]
fn numeric_scope_answers_are_checked() {
    let catalog = Catalog::builtin();
    let area = catalog
        .question("floor_area_m2")
        .expect("floor area question");
    let cases: [(Option<ScopeAnswer>, Option<&str>); 7] = [
        (Some(ScopeAnswer::Number(120.0)), None),
        (Some(ScopeAnswer::Number(1.0)), None),
        (Some(ScopeAnswer::Number(100_000.0)), None),
        (None, Some("enter a number, for example 120")),
        (Some(ScopeAnswer::Number(0.0)), Some("from 1 to 100000")),
        (
            Some(ScopeAnswer::Number(100_001.0)),
            Some("from 1 to 100000"),
        ),
        (
            Some(ScopeAnswer::Number(f64::NAN)),
            Some("from 1 to 100000"),
        ),
    ];
    for (answer, expected) in cases {
        let problem = area.problem(answer.as_ref());
        match expected {
            None => assert_eq!(problem, None, "{answer:?}"),
            Some(words) => {
                let text = problem.unwrap_or_else(|| panic!("{answer:?} passed"));
                assert!(
                    text.en.starts_with("Floor area") && text.en.contains(words),
                    "{}",
                    text.en
                );
                assert!(text.zh.starts_with("经营场所建筑面积"), "{}", text.zh);
            }
        }
    }
    // Yes/no questions left open mean "no": never a problem.
    let liquor = catalog.question("sells_liquor").expect("liquor question");
    assert_eq!(liquor.problem(None), None);
}
