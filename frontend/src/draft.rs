//! One application as the applicant builds it: industry, scope answers, field values, and
//! where each pre-filled value came from. Plain data, kept on the device after every change
//! (as a record of its own, `services/records.rs`), and pure logic so it can be tested without
//! a browser page.

use catalog::{Catalog, FormValues, MergedForm, ScopeAnswer, ScopeAnswers, Text, is_automatic};
use contract::{FieldMap, License};

/// Where a value shown in the form came from, so the form can mark it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The enterprise registry, looked up by credit code.
    Registry,
    /// The applicant's profile saved on this device from an earlier application.
    Profile,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Client-generated; the server issues exactly one license per id.
    pub id: String,
    pub industry: Option<String>,
    pub scope: ScopeAnswers,
    pub values: FormValues,
    pub origins: FieldMap<Origin>,
    /// Field errors the server answered with (422), in both languages, shown on their fields
    /// until edited.
    pub server_errors: FieldMap<Text>,
    pub license: Option<License>,
    /// Milliseconds since the epoch of the last change, for listing drafts.
    pub updated_at: f64,
}

impl Draft {
    pub fn new(id: String, now: f64) -> Draft {
        Draft {
            id,
            industry: None,
            scope: ScopeAnswers::new(),
            values: FormValues::new(),
            origins: FieldMap::new(),
            server_errors: FieldMap::new(),
            license: None,
            updated_at: now,
        }
    }

    /// Chooses the industry; the scope answers start from "no" / empty again.
    pub fn choose_industry(&mut self, industry: &str) {
        if self.industry.as_deref() != Some(industry) {
            self.industry = Some(industry.to_owned());
            self.scope.clear();
        }
    }

    pub fn answer(&mut self, question: &str, answer: Option<ScopeAnswer>) {
        match answer {
            Some(answer) => self.scope.insert(question.to_owned(), answer),
            None => self.scope.remove(question),
        };
    }

    /// The applicant typed a value: it is theirs now, no longer marked as pre-filled.
    pub fn set_value(&mut self, field: &str, value: String) {
        self.origins.remove(field);
        self.server_errors.remove(field);
        self.values.insert(field.to_owned(), value);
    }

    /// Fills fields from a pre-fill source. A value the applicant typed is never overwritten;
    /// one pre-filled earlier (say, from another credit code) is replaced.
    pub fn prefill(&mut self, values: &FormValues, origin: Origin) {
        for (field, value) in values {
            let typed_by_applicant = self.values.get(field).is_some_and(|v| !v.trim().is_empty())
                && !self.origins.contains_key(field);
            if typed_by_applicant || value.trim().is_empty() {
                continue;
            }
            self.values.insert(field.clone(), value.clone());
            self.origins.insert(field.clone(), origin);
        }
    }

    /// The merged form for the chosen industry and scope answers.
    pub fn form(&self, catalog: &Catalog) -> Option<MergedForm> {
        catalog.merge(self.industry.as_deref()?, &self.scope).ok()
    }

    /// What is sent and validated: the typed values completed by the catalog with what the
    /// form fills itself, exactly as the server completes them (`catalog::complete_values`).
    pub fn complete_values(&self, form: &MergedForm, today: catalog::Date) -> FormValues {
        catalog::complete_values(form, &self.values, today)
    }

    /// How many fields the applicant still has to type, against the separate forms' total.
    pub fn fields_to_type(&self, form: &MergedForm) -> usize {
        form.fields()
            .filter(|f| !is_automatic(f.def.prefill))
            .filter(|f| !self.origins.contains_key(&f.def.id))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn values(pairs: &[(&str, &str)]) -> FormValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn prefill_never_overwrites_what_the_applicant_typed() {
        let mut draft = Draft::new("a".into(), 0.0);
        draft.set_value("business_name", "我输入的名称".into());
        draft.prefill(
            &values(&[("business_name", "登记名称"), ("legal_rep_name", "张三")]),
            Origin::Registry,
        );
        assert_eq!(draft.values["business_name"], "我输入的名称");
        assert_eq!(draft.values["legal_rep_name"], "张三");
        assert_eq!(draft.origins.get("legal_rep_name"), Some(&Origin::Registry));
        assert!(!draft.origins.contains_key("business_name"));
    }

    #[test]
    fn a_second_lookup_replaces_earlier_prefilled_values() {
        let mut draft = Draft::new("a".into(), 0.0);
        draft.prefill(&values(&[("business_name", "甲公司")]), Origin::Registry);
        draft.prefill(&values(&[("business_name", "乙公司")]), Origin::Registry);
        assert_eq!(draft.values["business_name"], "乙公司");
    }

    #[test]
    fn editing_a_prefilled_value_removes_its_mark_and_its_server_error() {
        let mut draft = Draft::new("a".into(), 0.0);
        draft.prefill(&values(&[("legal_rep_name", "张三")]), Origin::Profile);
        draft
            .server_errors
            .insert("legal_rep_name".into(), Text::new("错", "wrong"));
        draft.set_value("legal_rep_name", "李四".into());
        assert_eq!(draft.origins, FieldMap::new());
        assert_eq!(draft.server_errors, FieldMap::new());
    }

    #[test]
    fn choosing_another_industry_resets_the_scope_answers() {
        let mut draft = Draft::new("a".into(), 0.0);
        draft.choose_industry("convenience_store");
        draft.answer("sells_liquor", Some(ScopeAnswer::YesNo(true)));
        draft.choose_industry("convenience_store");
        assert_eq!(draft.scope.len(), 1);
        draft.choose_industry("bookstore");
        assert!(draft.scope.is_empty());
    }

    #[test]
    fn registry_prefill_lowers_the_count_of_fields_to_type() {
        let catalog = Catalog::builtin();
        let mut draft = Draft::new("a".into(), 0.0);
        draft.choose_industry("convenience_store");
        draft.answer("sells_food", Some(ScopeAnswer::YesNo(true)));
        let form = draft.form(catalog).expect("convenience store merges");
        let before = draft.fields_to_type(&form);
        draft.prefill(
            &values(&[
                ("business_name", "上海某某便利店有限公司"),
                ("legal_rep_name", "张三"),
            ]),
            Origin::Registry,
        );
        assert_eq!(draft.fields_to_type(&form), before - 2);
        assert!(before < form.counts.separate_form_fields);
    }
}
