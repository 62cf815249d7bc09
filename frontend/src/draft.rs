//! One application as the applicant builds it: industry, scope answers, field values, and
//! where each pre-filled value came from. Plain data, kept on the device after every change
//! (as a record of its own, `services/records.rs`), and pure logic so it can be tested without
//! a browser page.

use catalog::{
    Catalog, FormValues, GrantMode, MergedForm, ScopeAnswer, ScopeAnswers, Text, is_automatic,
};
use contract::{
    ApplicationStatus, FieldMap, HolderRequest, LicenseRequest, LicenseState, Rejection,
    TimelineEntry, TrackedPermit, TrackingStatus,
};
use serde_json::Value;

use crate::json::{
    field_issues, i64_of, list_of, object_of, optional, parsed, str_of, string_of, text, text_of,
    u64_of,
};
use crate::license::IssuedLicense;
use crate::outbox::OutboxEntry;

/// Where a value shown in the form came from, so the form can mark it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The enterprise registry, looked up by credit code.
    Registry,
    /// The applicant's profile saved on this device from an earlier application.
    Profile,
}

/// Where an application stands as the server said it, with the JSON text it said it in.
/// The device keeps the text as received: serializing a `TrackingStatus` in the browser
/// would put its serializer into the wasm only to store what arrived as text.
#[derive(Clone, Debug)]
pub struct Tracking {
    answer: TrackingStatus,
    json: String,
}

impl Tracking {
    /// An answer's text (`TrackingStatus`, or the 202 `ReceivedAnswer`, whose members are a
    /// part of it).
    /// Members are read as `TrackingStatus`'s own reader would: the required ones must be
    /// there, every one present of its type.
    pub fn parse(json: String) -> serde_json::Result<Tracking> {
        let value: Value = serde_json::from_str(&json)?;
        let answer = tracking_status(&value)
            .ok_or_else(|| serde::de::Error::custom("not a tracking answer"))?;
        Ok(Tracking { answer, json })
    }

    pub fn json(&self) -> &str {
        &self.json
    }

    /// What the answer says beyond `TrackingStatus` (#18), read from its text when a page
    /// shows it: the license's standing and each permit's check after its commitment.
    pub fn beyond(&self) -> Beyond {
        serde_json::from_str::<Value>(&self.json)
            .map_or_else(|_| Beyond::default(), |v| Beyond::read(&v))
    }
}

/// A `TrackingStatus` picked from its parsed text (`crate::json`: its derived reader, with
/// its permits', timeline's and findings', is far more wasm).
fn tracking_status(v: &Value) -> Option<TrackingStatus> {
    let permits = list_of(v, "permits")
        .iter()
        .map(|p| {
            Some(TrackedPermit {
                messages: optional(p, "messages", field_issues)?.unwrap_or_default(),
                due: optional(p, "due", |d| d.as_str().map(str::to_owned))?,
                conditions: optional(p, "conditions", text)?,
                rejection: optional(p, "rejection", |r| {
                    Some(Rejection {
                        reason: text_of(r, "reason")?,
                        appeal: text_of(r, "appeal")?,
                    })
                })?,
                ..TrackedPermit::new(
                    str_of(p, "id")?,
                    text_of(p, "department")?,
                    parsed(p, "mode")?,
                    parsed(p, "status")?,
                )
            })
        })
        .collect::<Option<_>>()?;
    let timeline = list_of(v, "timeline")
        .iter()
        .map(|e| {
            Some(TimelineEntry {
                at: i64_of(e, "at")?,
                event: parsed(e, "event")?,
                permit: optional(e, "permit", |p| p.as_str().map(str::to_owned))?,
            })
        })
        .collect::<Option<_>>()?;
    let string = |key| optional(v, key, |s| s.as_str().map(str::to_owned));
    Some(TrackingStatus {
        application_id: str_of(v, "application_id")?,
        status: parsed(v, "status")?,
        industry: string("industry")?,
        received_at: optional(v, "received_at", Value::as_i64)?,
        license_number: string("license_number")?,
        revoked_at: optional(v, "revoked_at", Value::as_i64)?,
        revocation_reason: string("revocation_reason")?,
        business_name: string("business_name")?,
        issued_at: optional(v, "issued_at", Value::as_i64)?,
        permits,
        revision: match v.get("revision") {
            None => 1,
            Some(n) => u32::try_from(n.as_u64()?).ok()?,
        },
        timeline,
    })
}

impl std::ops::Deref for Tracking {
    type Target = TrackingStatus;

    fn deref(&self) -> &TrackingStatus {
        &self.answer
    }
}

/// The same answer: the same text (the server writes one state always the same way; a
/// 202's text and a later tracking answer differ, as they should).
impl PartialEq for Tracking {
    fn eq(&self, other: &Tracking) -> bool {
        self.json == other.json
    }
}

#[cfg(test)]
impl From<TrackingStatus> for Tracking {
    fn from(answer: TrackingStatus) -> Tracking {
        let json = serde_json::to_string(&answer).unwrap();
        Tracking { answer, json }
    }
}

/// The members of a tracking answer the contract types read with more wasm than this plain
/// struct (only what the pages show): `license` (`contract::LicenseStanding`, which the server
/// adds once the license is issued, and each `contract::LicenseVersion` of its `history`) and
/// each permit's `supervision` (`contract::Supervision`: its internally tagged `CheckFinding`
/// would bring serde's buffering deserializer, about 7 KB gzip). One struct for every level
/// (the answer, the standing and its versions, a permit, its check, the finding and its
/// consequence), picked from the parsed text (`crate::json`: a derived reader would be wasm of
/// its own); no two levels use one member name for different things. A member missing or of
/// another type reads as empty. Dates are `YYYY-MM-DD`.
#[derive(Default)]
pub struct Beyond {
    /// The answer's: the license's standing.
    pub license: Option<Box<Standing>>,
    /// The answer's: each permit (its `id` and `supervision`).
    pub permits: Vec<Check>,
    /// A standing's and a version's.
    pub version: u16,
    /// A standing's and a version's (always there: the server writes it).
    pub state: Option<LicenseState>,
    /// A suspension's last day, or a consequence's.
    pub until: Option<String>,
    /// A standing's: every version.
    pub history: Vec<Standing>,
    /// A version's.
    pub issued_on: String,
    pub purpose: Option<HolderRequest>,
    pub changed: Vec<String>,
    /// A permit's.
    pub id: String,
    pub supervision: Option<Box<Check>>,
    /// A check's: due by a day, and its `finding` once recorded.
    pub due: String,
    pub finding: Option<Box<Check>>,
    /// A finding's (`CheckFinding`, its tag `result`: `honoured` or `false_commitment`).
    pub result: String,
    pub findings: Option<Text>,
    pub legal_reason: Option<Text>,
    pub consequence: Option<Box<Check>>,
    /// A consequence's tag: `revocation`, or `suspension` `until` a day.
    pub action: String,
}

/// A `contract::LicenseStanding` or `LicenseVersion`, read as [`Beyond`].
pub type Standing = Beyond;
/// A `contract::TrackedPermit`, its `Supervision`, `CheckFinding` or its consequence, read as
/// [`Beyond`].
pub type Check = Beyond;

impl Beyond {
    fn read(v: &Value) -> Beyond {
        let boxed = |key| object_of(v, key).map(|m| Box::new(Beyond::read(m)));
        let all = |key| list_of(v, key).iter().map(Beyond::read).collect();
        Beyond {
            license: boxed("license"),
            permits: all("permits"),
            version: u64_of(v, "version").map_or(0, |n| u16::try_from(n).unwrap_or(0)),
            state: parsed(v, "state"),
            until: str_of(v, "until"),
            history: all("history"),
            issued_on: string_of(v, "issued_on"),
            purpose: parsed(v, "purpose"),
            changed: list_of(v, "changed")
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect(),
            id: string_of(v, "id"),
            supervision: boxed("supervision"),
            due: string_of(v, "due"),
            finding: boxed("finding"),
            result: string_of(v, "result"),
            findings: text_of(v, "findings"),
            legal_reason: text_of(v, "legal_reason"),
            consequence: boxed("consequence"),
            action: string_of(v, "action"),
        }
    }

    /// The check after the commitment for this permit, if it has one.
    pub fn check(&self, permit: &str) -> Option<&Check> {
        self.permits
            .iter()
            .find(|p| p.id == permit)
            .and_then(|p| p.supervision.as_deref())
    }
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
    pub license: Option<IssuedLicense>,
    /// Milliseconds since the epoch of the last change, for listing drafts.
    pub updated_at: f64,
    /// Permits granted on commitment for which the applicant asked for the department's
    /// review instead (`ApplicationRequest::review_requested`).
    pub review_requested: Vec<String>,
    /// What the authority last said about the application since it was received (the 202
    /// answer, then every sync); `None` before.
    pub tracking: Option<Tracking>,
    /// The application exactly as last received (the current revision): sent again to
    /// fetch the license once issued, and the proof an answer to a refusal carries.
    pub sent: Option<OutboxEntry>,
    /// The reviewers' requests not yet acted on, by field: each department's words, in both
    /// languages. A field's requests go when the applicant edits it.
    pub corrections: FieldMap<Vec<Text>>,
    /// A holder's change, renewal or cancellation of a license this device holds (#18):
    /// which license, from which version, and the proof of holding it.
    pub holder: Option<LicenseRequest>,
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
            review_requested: Vec::new(),
            tracking: None,
            sent: None,
            corrections: FieldMap::new(),
            holder: None,
        }
    }

    /// A holder's application about the license `from` holds (its current version): for a
    /// change or renewal, the same industry and answers, so the holder types only what
    /// changes; the declaration is made again. `None` when `from` holds no license.
    pub fn held(
        id: String,
        from: &Draft,
        request: contract::HolderRequest,
        now: f64,
    ) -> Option<Draft> {
        let license = from.license.as_ref()?;
        let mut draft = Draft::new(id, now);
        draft.industry = Some(license.industry.clone());
        if request != HolderRequest::Cancellation {
            draft.scope = from.scope.clone();
            draft.values = from.values.clone();
            // Empty: unanswered (a `remove` would bring the map's removal code).
            draft
                .values
                .insert(crate::steps::DECLARATION.to_owned(), String::new());
            draft.review_requested = from.review_requested.clone();
        }
        draft.holder = Some(LicenseRequest {
            number: license.number.clone(),
            based_on: license.claims.version(),
            purpose: request,
            holder_proof: from.id.clone(),
            reason: None,
        });
        Some(draft)
    }

    /// Where the application stands at the authority, once received.
    pub fn status(&self) -> Option<ApplicationStatus> {
        self.tracking.as_ref().map(|t| t.status)
    }

    /// Whether the applicant may change it: not received yet, or sent back for corrections.
    pub fn editable(&self) -> bool {
        matches!(
            self.status(),
            None | Some(ApplicationStatus::CorrectionRequested)
        )
    }

    /// Received and not settled: the app asks the authority where it stands when it syncs.
    pub fn awaiting(&self) -> bool {
        self.license.is_none()
            && !matches!(
                self.status(),
                None | Some(
                    ApplicationStatus::Withdrawn
                        | ApplicationStatus::Revoked
                        | ApplicationStatus::Cancelled
                )
            )
    }

    /// "Ask for the department's review instead" for a permit granted on commitment.
    pub fn request_review(&mut self, permit: &str, on: bool) {
        self.review_requested.retain(|p| p != permit);
        if on {
            self.review_requested.push(permit.to_owned());
        }
    }

    /// The reviews asked for that this form allows: permits it combines that are granted on
    /// commitment where the rules let the applicant choose review.
    pub fn reviews_in(&self, form: &MergedForm) -> Vec<String> {
        let catalog = Catalog::builtin();
        form.permits
            .iter()
            .filter(|p| self.review_requested.contains(&p.id))
            .filter(|p| {
                catalog.permit(&p.id).is_some_and(|c| {
                    c.grant.mode == GrantMode::Commitment && c.grant.review_allowed
                })
            })
            .map(|p| p.id.clone())
            .collect()
    }

    /// The server received `entry` and a department has to review it (202).
    pub fn received(&mut self, entry: &OutboxEntry, answer: &Tracking) {
        self.sent = Some(entry.clone());
        self.server_errors.clear();
        // The same state again (the same content sent twice) keeps what is known about it.
        let known = self
            .tracking
            .as_ref()
            .is_some_and(|t| (t.revision, t.status) == (answer.revision, answer.status));
        if !known {
            self.corrections.clear();
            self.tracking = Some(answer.clone());
        }
    }

    /// Keeps where the authority says the application stands. A correction request not seen
    /// before brings its messages to their fields; an answer about an older revision (a sync
    /// that crossed the corrected application on the way) changes nothing.
    pub fn apply_tracking(&mut self, status: Tracking) {
        let messages = |t: &TrackingStatus| -> Vec<contract::FieldIssues> {
            t.permits.iter().map(|p| p.messages.clone()).collect()
        };
        let new_request = match &self.tracking {
            Some(known) if known.revision > status.revision || *known == status => return,
            Some(known) => {
                known.status != ApplicationStatus::CorrectionRequested
                    || known.revision != status.revision
                    || messages(known) != messages(&status)
            }
            None => true,
        };
        if new_request && status.status == ApplicationStatus::CorrectionRequested {
            self.corrections.clear();
            for permit in &status.permits {
                let by = &permit.department;
                for (field, issue) in permit.messages.iter() {
                    let mut requests = self.corrections.get(field).cloned().unwrap_or_default();
                    requests.push(Text::new(
                        format!("{}要求：{}", by.zh, issue.zh),
                        format!("{} asks: {}", by.en, issue.en),
                    ));
                    self.corrections.insert(field.clone(), requests);
                }
            }
        }
        self.tracking = Some(status);
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
        self.source_changed(question);
    }

    /// A reviewer's request on a value the form fills itself (from a scope answer, or
    /// derived from another field) is acted on when its source changes.
    fn source_changed(&mut self, source: &str) {
        if self.corrections.is_empty() {
            return;
        }
        let Some(form) = self.form(Catalog::builtin()) else {
            return;
        };
        let derived: Vec<String> = self
            .corrections
            .iter()
            .filter_map(|(field, _)| form.field(field))
            .filter(|f| f.def.from.as_deref() == Some(source))
            .map(|f| f.def.id.clone())
            .collect();
        for field in derived {
            self.corrections.remove(&field);
        }
    }

    /// The applicant typed a value: it is theirs now, no longer marked as pre-filled.
    pub fn set_value(&mut self, field: &str, value: String) {
        self.origins.remove(field);
        self.server_errors.remove(field);
        self.corrections.remove(field);
        self.values.insert(field.to_owned(), value);
        self.source_changed(field);
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
pub(crate) mod tests {
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
    fn a_tracking_answer_says_the_licenses_standing_and_each_check_beyond_its_status() {
        // As the server writes it (#18): the standing beside the status, a check per permit
        // granted on commitment, a false commitment's consequence tagged by `action`.
        let answer = Tracking::parse(
            r#"{"application_id":"a","status":"issued","permits":[
            {"id":"tobacco_retail","department":{"zh":"烟草局","en":"Tobacco"},"mode":"commitment",
             "status":"granted_on_commitment","supervision":{"due":"2027-01-05","checked_on":"2026-12-09",
             "finding":{"result":"false_commitment","findings":{"zh":"无标识","en":"No sign"},
             "legal_reason":{"zh":"第二十一条","en":"Art. 21"},
             "consequence":{"action":"suspension","until":"2030-01-31"}}}},
            {"id":"liquor_retail","department":{"zh":"商务委","en":"Commerce"},"mode":"commitment",
             "status":"granted_on_commitment","supervision":{"due":"2027-01-06"}}],
            "license":{"license_number":"N1","version":2,"status_index":3,"state":"suspended",
             "since":"2026-12-09","until":"2030-01-31","history":[
             {"version":1,"issued_on":"2026-12-01","state":"superseded","since":"2026-12-08"},
             {"version":2,"issued_on":"2026-12-08","state":"suspended","purpose":"change",
              "changed":["legal_rep_name"]}]}}"#
                .into(),
        )
        .unwrap();
        let beyond = answer.beyond();
        let standing = beyond.license.as_ref().unwrap();
        assert_eq!(
            (standing.version, standing.state, standing.until.as_deref()),
            (2, Some(LicenseState::Suspended), Some("2030-01-31"))
        );
        let last = &standing.history[1];
        assert_eq!(
            (last.issued_on.as_str(), last.purpose, &last.changed[..]),
            (
                "2026-12-08",
                Some(HolderRequest::Change),
                &["legal_rep_name".to_owned()][..]
            )
        );
        let check = beyond.check("tobacco_retail").unwrap();
        let finding = check.finding.as_ref().unwrap();
        let followed = finding.consequence.as_ref().unwrap();
        assert_eq!(
            (
                check.due.as_str(),
                finding.result.as_str(),
                followed.action.as_str()
            ),
            ("2027-01-05", "false_commitment", "suspension")
        );
        assert_eq!(followed.until.as_deref(), Some("2030-01-31"));
        assert_eq!(
            finding.findings.as_ref().map(|t| t.en.as_str()),
            Some("No sign")
        );
        assert!(beyond.check("liquor_retail").unwrap().finding.is_none());
        assert!(beyond.check("food_business").is_none());
        // An answer from before versions: nothing beyond.
        let before = Tracking::parse(r#"{"application_id":"a","status":"received"}"#.into());
        assert!(before.unwrap().beyond().license.is_none());
    }

    #[test]
    fn a_tracking_answer_reads_as_its_contract_type_and_a_wrong_one_is_refused() {
        let mut status = corrections_asked(3);
        status.permits[1].due = Some("2027-01-05".into());
        status.permits[1].conditions = Some(Text::new("条件", "Conditions"));
        status.permits[1].rejection = Some(Rejection {
            reason: Text::new("理由", "Reason"),
            appeal: Text::new("复议", "Appeal"),
        });
        status.permits[0].messages.insert(
            "x".into(),
            contract::FieldIssue::new("format", "错", "wrong"),
        );
        status.timeline = vec![
            TimelineEntry {
                at: 5,
                event: contract::TimelineEvent::Received,
                permit: None,
            },
            TimelineEntry {
                at: 6,
                event: contract::TimelineEvent::Accepted,
                permit: Some("drug_retail".into()),
            },
        ];
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(*Tracking::parse(json.clone()).unwrap(), status);
        // The first revision when the answer has none, as the contract's reader.
        let first = Tracking::parse(r#"{"application_id":"a","status":"received"}"#.into());
        assert_eq!(first.unwrap().revision, 1);
        for wrong in [
            r#"{"status":"received"}"#,
            r#"{"application_id":"a","status":"lost"}"#,
            r#"{"application_id":"a","status":"received","revision":"2"}"#,
            r#"{"application_id":"a","status":"received","permits":[{"id":"p"}]}"#,
            r#"{"application_id":"a","status":"received","industry":7}"#,
            "[]",
        ] {
            assert!(Tracking::parse(wrong.into()).is_err(), "{wrong}");
        }
        assert!(Tracking::parse(json.replace(r#""zh":"错""#, r#""zh":1"#)).is_err());
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

    /// Where an application stands as the server says it, with corrections asked for.
    pub(crate) fn corrections_asked(revision: u32) -> TrackingStatus {
        let permit = |id: &str, department: (&str, &str), messages: &[(&str, &str)]| {
            contract::TrackedPermit {
                messages: messages
                    .iter()
                    .map(|(field, en)| {
                        (
                            field.to_string(),
                            contract::FieldIssue::new("", format!("请改{field}"), *en),
                        )
                    })
                    .collect(),
                ..contract::TrackedPermit::new(
                    id.into(),
                    Text::new(department.0, department.1),
                    GrantMode::Review,
                    contract::PermitStatus::CorrectionRequested,
                )
            }
        };
        TrackingStatus {
            application_id: "store".into(),
            status: ApplicationStatus::CorrectionRequested,
            industry: Some("convenience_store".into()),
            received_at: Some(1),
            license_number: None,
            revoked_at: None,
            revocation_reason: None,
            business_name: None,
            issued_at: None,
            permits: vec![
                permit(
                    "food_business",
                    ("市场监管局", "Market regulation"),
                    &[
                        ("contact_phone", "Give a mobile number"),
                        ("floor_area", "Measure again"),
                    ],
                ),
                permit(
                    "drug_retail",
                    ("药监局", "Drug administration"),
                    &[("floor_area", "Include the storeroom")],
                ),
            ],
            revision,
            timeline: Vec::new(),
        }
    }

    #[test]
    fn each_departments_request_reaches_its_field_once_until_edited() {
        let mut draft = Draft::new("store".into(), 0.0);
        draft.apply_tracking(corrections_asked(1).into());
        assert!(draft.editable());
        let en = |field: &str, draft: &Draft| -> Vec<String> {
            draft
                .corrections
                .get(field)
                .map_or(Vec::new(), |r| r.iter().map(|t| t.en.clone()).collect())
        };
        // Two departments ask about the floor area: both requests show, each named.
        assert_eq!(
            en("floor_area", &draft),
            [
                "Market regulation asks: Measure again",
                "Drug administration asks: Include the storeroom"
            ]
        );
        assert_eq!(
            draft
                .corrections
                .get("contact_phone")
                .map(|r| r[0].zh.as_str()),
            Some("市场监管局要求：请改contact_phone")
        );
        // Edited, a field's requests go, and the same answer synced again does not bring
        // them back; neither does an answer about an older revision.
        draft.set_value("floor_area", "80".into());
        draft.apply_tracking(corrections_asked(1).into());
        assert_eq!(en("floor_area", &draft), Vec::<String>::new());
        let mut newer = corrections_asked(2);
        newer.status = ApplicationStatus::UnderReview;
        newer.permits.clear();
        draft.apply_tracking(newer.clone().into());
        draft.apply_tracking(corrections_asked(1).into());
        assert_eq!(draft.tracking, Some(newer.into()));
        assert!(!draft.editable() && draft.awaiting());
        // A new request (the next revision's) brings its messages again.
        draft.apply_tracking(corrections_asked(2).into());
        assert_eq!(en("floor_area", &draft).len(), 2);
        // The floor area comes from a scope answer: answering again acts on its requests.
        draft.choose_industry("convenience_store");
        draft.answer("sells_food", Some(ScopeAnswer::YesNo(true)));
        assert_eq!(en("floor_area", &draft).len(), 2);
        draft.answer("floor_area_m2", Some(ScopeAnswer::Number(90.0)));
        assert_eq!(en("floor_area", &draft), Vec::<String>::new());
        assert_eq!(en("contact_phone", &draft).len(), 1);
    }

    #[test]
    fn a_review_instead_of_a_commitment_only_where_the_rules_allow_it() {
        let catalog = Catalog::builtin();
        let mut draft = Draft::new("a".into(), 0.0);
        draft.choose_industry("convenience_store");
        for question in ["sells_food", "sells_liquor", "sells_medical_devices_class2"] {
            draft.answer(question, Some(ScopeAnswer::YesNo(true)));
        }
        let form = draft.form(catalog).expect("convenience store merges");
        // Food is reviewed anyway; class II devices are on commitment without a choice;
        // liquor retail lets the applicant choose review.
        for permit in ["food_business", "liquor_retail", "medical_device_class2"] {
            draft.request_review(permit, true);
        }
        draft.request_review("liquor_retail", true);
        assert_eq!(draft.reviews_in(&form), ["liquor_retail"]);
        draft.request_review("liquor_retail", false);
        assert!(draft.reviews_in(&form).is_empty());
    }
}
