//! Catalog integrity, size, JSON round trip and the field-count report.

use catalog::{Catalog, Prefill};

#[path = "../build/sources.rs"]
mod sources;

#[test]
fn data_is_sound() {
    let catalog = Catalog::builtin();
    let problems = catalog.problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(catalog.industries.len() >= 20);
    assert!(catalog.permits.iter().all(|p| !p.source.trim().is_empty()));
    // The check after a commitment: the fire service's 20 working days, a filing's 3 months.
    let check = |id: &str| {
        catalog
            .permit(id)
            .map(|p| (p.grant.check_within_days, p.grant.check_working_days))
    };
    assert_eq!(check("fire_safety_inspection"), Some((20, true)));
    assert_eq!(check("medical_device_class2"), Some((90, false)));
    assert_eq!(check("food_business"), Some((0, false)));
    for (i, industry) in catalog.industries.iter().enumerate() {
        assert_eq!(
            catalog.industry_by_code(industry.code).map(|x| &x.id),
            Some(&industry.id)
        );
        assert_eq!(catalog.industry(&industry.id), Some(&catalog.industries[i]));
    }
    for permit in &catalog.permits {
        assert_eq!(
            catalog.permit_by_code(permit.code).map(|p| &p.id),
            Some(&permit.id)
        );
    }
    assert_eq!(
        catalog.division(310115).map(|d| d.zh.as_str()),
        Some("上海市浦东新区")
    );
    assert_eq!(
        catalog.division(320114).map(|d| d.zh.as_str()),
        Some("南京市雨花台区")
    );
    let shanghai = catalog
        .divisions
        .iter()
        .filter(|d| d.code / 1000 == 310)
        .count();
    let nanjing = catalog
        .divisions
        .iter()
        .filter(|d| d.code / 100 == 3201)
        .count();
    assert_eq!((shanghai, nanjing), (16, 11));
}

#[test]
fn registry_prefill_is_exactly_the_documented_set() {
    let registry: Vec<&str> = Catalog::builtin()
        .dictionary
        .iter()
        .filter(|f| f.prefill == Some(Prefill::Registry))
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        registry,
        [
            "business_name",
            "credit_code",
            "enterprise_type",
            "address_division",
            "address_detail",
            "legal_rep_name",
            "establishment_date",
            "registered_capital",
            "legal_rep_id_type",
            "legal_rep_id_number",
            "legal_rep_phone",
            "contact_name",
            "contact_phone",
            "contact_email",
            "premises_address"
        ]
    );
}

#[test]
fn every_registry_prefill_cites_the_record_that_holds_it() {
    for f in &Catalog::builtin().dictionary {
        if f.prefill == Some(Prefill::Registry) {
            assert!(
                f.source.as_ref().is_some_and(|s| !s.trim().is_empty()),
                "{} has no source",
                f.id
            );
        }
    }
}

#[test]
fn json_round_trips_and_is_small_enough_to_ship() {
    let catalog = Catalog::builtin();
    let json = catalog.to_json();
    println!(
        "catalog JSON: {} bytes ({:.1} KB)",
        json.len(),
        json.len() as f64 / 1024.0
    );
    assert!(
        // Served by /api/catalog with every source note; the apps embed the compact form.
        json.len() < 100 * 1024,
        "catalog JSON grew to {} bytes",
        json.len()
    );
    assert_eq!(&Catalog::from_json(&json).expect("parse"), catalog);
    assert!(Catalog::from_json("{").is_err());
}

#[test]
fn report_covers_every_industry() {
    let catalog = Catalog::builtin();
    let report = catalog.report();
    println!("{}", report.to_table());
    assert_eq!(report.industries.len(), catalog.industries.len());
    for line in &report.industries {
        let c = line.counts;
        assert!(c.merged_fields <= c.separate_form_fields, "{}", line.id);
        if line.permits > 1 {
            assert!(c.merged_fields < c.separate_form_fields, "{}", line.id);
        }
        assert!(c.typed_after_registry_and_profile_prefill <= c.typed_after_registry_prefill);
    }
}

/// The two hand-written decoders: a scope answer is a boolean or a number; a permit's form
/// entry is a dictionary id or a field object. Anything else is an error naming what fits.
#[test]
fn scope_answers_and_form_entries_decode_strictly() {
    use catalog::{FormField, ScopeAnswer};
    let answers: Vec<ScopeAnswer> =
        serde_json::from_str("[true, false, 120, 12.5, -1]").expect("valid");
    assert_eq!(
        answers,
        [
            ScopeAnswer::YesNo(true),
            ScopeAnswer::YesNo(false),
            ScopeAnswer::Number(120.0),
            ScopeAnswer::Number(12.5),
            ScopeAnswer::Number(-1.0),
        ]
    );
    for bad in [r#""yes""#, "null", "[1]", "{}"] {
        let err = serde_json::from_str::<ScopeAnswer>(bad)
            .expect_err(bad)
            .to_string();
        assert!(err.contains("true, false or a number"), "{bad}: {err}");
    }

    let entries: Vec<FormField> = serde_json::from_str(
        r#"["business_name", {"id":"x.note","kind":"text","label":{"zh":"备注","en":"Note"}}]"#,
    )
    .expect("valid");
    assert_eq!(entries[0], FormField::Shared("business_name".into()));
    assert!(matches!(&entries[1], FormField::Own(def) if def.id == "x.note"));
    for bad in ["5", "true", r#"{"id":"x.note"}"#] {
        assert!(serde_json::from_str::<FormField>(bad).is_err(), "{bad}");
    }
}

/// The browser apps embed the data without its `source` notes (build.rs parses it so before
/// writing the compact form, feature `sources` off): it must parse that way too, to the same
/// catalog bar the notes.
#[test]
fn the_data_parses_without_source_notes() {
    let mut full: serde_json::Value =
        serde_json::from_str(&Catalog::builtin().to_json()).expect("catalog JSON");
    sources::drop_sources(&mut full);
    let stripped = Catalog::from_json(&full.to_string()).expect("parses without source notes");
    assert_eq!(stripped.permits.len(), Catalog::builtin().permits.len());
    assert!(stripped.permits.iter().all(|p| p.source.is_empty()));
    assert!(stripped.permits.iter().all(|p| p.grant.appeal.zh.is_empty()
        && p.grant.check_within_days == 0
        && p.grant.check_source.is_empty()));
    // The same merged form, field for field, bar the notes.
    let full = Catalog::builtin();
    for industry in &full.industries {
        let scope = industry.full_scope(full);
        let (a, b) = (
            stripped.merge(&industry.id, &scope),
            full.merge(&industry.id, &scope),
        );
        let (Ok(a), Ok(b)) = (a, b) else {
            panic!("{} does not merge", industry.id)
        };
        assert_eq!(a.counts, b.counts, "{}", industry.id);
        let ids = |form: &catalog::MergedForm| -> Vec<String> {
            form.sections
                .iter()
                .flat_map(|s| s.fields.iter().map(|f| f.def.id.clone()))
                .collect()
        };
        assert_eq!(ids(&a), ids(&b), "{}", industry.id);
    }
}
