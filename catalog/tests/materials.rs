//! The materials each permit's list asks for, and an industry's merged list.
#![cfg(feature = "materials")]

use catalog::materials::PermitMaterial;
use catalog::{
    Catalog, FormValues, MaterialSource, Materials, RequiredIf, ScopeAnswer, ScopeAnswers,
};

fn full_scope(industry: &str) -> ScopeAnswers {
    let catalog = Catalog::builtin();
    catalog
        .industry(industry)
        .expect("industry")
        .full_scope(catalog)
}

#[test]
fn every_permit_has_a_sourced_or_estimated_list_of_known_materials() {
    let catalog = Catalog::builtin();
    let materials = Materials::builtin();
    assert_eq!(materials.problems(catalog), Vec::<String>::new());
    for permit in &catalog.permits {
        let list = materials.for_permit(&permit.id).expect(&permit.id);
        assert!(!list.materials.is_empty(), "{}", permit.id);
        assert!(!list.source.is_empty(), "{}", permit.id);
        for entry in &list.materials {
            assert!(materials.material(&entry.id).is_some(), "{}", entry.id);
        }
    }
    // Every dictionary entry is on some list: none is dead data.
    for m in &materials.materials {
        assert!(
            materials
                .permits
                .iter()
                .any(|p| p.materials.iter().any(|e| e.id == m.id)),
            "{} is on no list",
            m.id
        );
    }
}

#[test]
fn merging_lists_a_material_two_permits_need_once() {
    let catalog = Catalog::builtin();
    let answers = full_scope("convenience_store");
    let merged = catalog
        .merge_materials("convenience_store", &answers)
        .expect("merge");
    let permits = catalog
        .permits_for("convenience_store", &answers)
        .expect("permits");
    // Seven permits at full scope, each listing the business licence: one entry, seven users.
    let licence: Vec<_> = merged
        .shared
        .iter()
        .filter(|m| m.material.id == "business_licence")
        .collect();
    assert_eq!(licence.len(), 1);
    assert_eq!(licence[0].material.by, MaterialSource::Registry);
    assert_eq!(
        licence[0].needed_by,
        permits.iter().map(|p| p.id.clone()).collect::<Vec<_>>()
    );
    let separate: usize = permits
        .iter()
        .map(|p| {
            Materials::builtin()
                .for_permit(&p.id)
                .expect(&p.id)
                .materials
                .len()
        })
        .sum();
    let c = merged.counts;
    assert_eq!(c.separate, separate);
    assert_eq!(c.merged, c.by_form + c.shared + c.to_provide);
    assert!(c.merged < c.separate);
    let all = merged
        .by_form
        .iter()
        .chain(&merged.shared)
        .chain(&merged.provide);
    let mut ids: Vec<&str> = all.map(|m| m.material.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "a material listed twice");
    // The liquor permit asks for the food business permit: an e-license, shared data.
    let food = merged
        .shared
        .iter()
        .find(|m| m.material.id == "food_business_permit")
        .expect("food business permit");
    assert_eq!(food.material.by, MaterialSource::License);
    assert_eq!(food.needed_by, ["liquor_retail"]);
}

#[test]
fn conditions_are_kept_and_decided_by_the_form_values() {
    let catalog = Catalog::builtin();
    let merged = catalog
        .merge_materials("convenience_store", &full_scope("convenience_store"))
        .expect("merge");
    let lease = merged
        .provide
        .iter()
        .find(|m| m.material.id == "lease_contract")
        .expect("lease contract");
    assert_eq!(
        lease.when,
        [RequiredIf {
            field: "premises_ownership".into(),
            equals: Some("leased".into()),
        }]
    );
    let mut values = FormValues::new();
    assert!(!lease.needed(&values));
    values.insert("premises_ownership".into(), "owned".into());
    assert!(!lease.needed(&values));
    values.insert("premises_ownership".into(), "leased".into());
    assert!(lease.needed(&values));
    // Unconditional materials are needed whatever the values.
    let plan = merged
        .provide
        .iter()
        .find(|m| m.material.id == "floor_plan")
        .expect("floor plan");
    assert!(plan.when.is_empty() && plan.needed(&FormValues::new()));
}

#[test]
fn a_material_one_permit_needs_always_loses_the_others_condition() {
    let catalog = Catalog::builtin();
    let mut materials = Materials::builtin().clone();
    // The liquor list asks for the lease whatever the premises: the merged list then does.
    let liquor = materials
        .permits
        .iter_mut()
        .find(|p| p.permit == "liquor_retail")
        .expect("liquor list");
    liquor.materials.retain(|e| e.id != "lease_contract");
    liquor.materials.push(PermitMaterial {
        id: "lease_contract".into(),
        when: None,
    });
    let mut answers = ScopeAnswers::new();
    answers.insert("sells_liquor".into(), ScopeAnswer::YesNo(true));
    answers.insert("floor_area_m2".into(), ScopeAnswer::Number(100.0));
    let merged = materials
        .merge(catalog, "restaurant", &answers)
        .expect("merge");
    let lease = merged
        .provide
        .iter()
        .find(|m| m.material.id == "lease_contract")
        .expect("lease contract");
    assert_eq!(lease.needed_by, ["food_business", "liquor_retail"]);
    assert!(lease.when.is_empty());
    assert_eq!(merged.counts.to_provide_conditional + 1, {
        let builtin = catalog
            .merge_materials("restaurant", &answers)
            .expect("merge");
        builtin.counts.to_provide_conditional
    });
}

#[test]
fn problems_name_unknown_materials_and_conditions_the_form_cannot_decide() {
    let catalog = Catalog::builtin();
    let mut materials = Materials::builtin().clone();
    let filing = materials
        .permits
        .iter_mut()
        .find(|p| p.permit == "medical_device_class2")
        .expect("class II list");
    // The filing form does not ask whether the premises are rented.
    filing.materials.push(PermitMaterial {
        id: "lease_contract".into(),
        when: Some(RequiredIf {
            field: "premises_ownership".into(),
            equals: Some("leased".into()),
        }),
    });
    filing.materials.push(PermitMaterial {
        id: "no_such_material".into(),
        when: None,
    });
    materials.permits.retain(|p| p.permit != "outdoor_sign");
    let problems = materials.problems(catalog);
    assert_eq!(
        problems,
        [
            "permit medical_device_class2: material lease_contract depends on \
             premises_ownership, which its form does not ask",
            "permit medical_device_class2 lists unknown material no_such_material",
            "permit outdoor_sign has no list of materials",
        ]
    );
    assert!(
        materials
            .merge(catalog, "optician", &full_scope("optician"))
            .is_err()
    );
}
