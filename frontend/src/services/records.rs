//! Drafts (with the licenses kept in them) and outbox entries as the device stores them: record
//! types of their own, used only by `storage.rs`, so that changing a domain type never changes
//! what is on a device by accident. Each record carries its version in `v`; reading one runs
//! the migrations from its version to the current one. A record that does not parse, or was
//! written by a newer version of the app, is [`Unreadable`]: storage leaves it where it is and
//! the page says so.
//!
//! Version 0 is what the app stored before records had versions: the domain types' own JSON,
//! with no `v`. Its fields are exactly version 1's, so `v` defaults to 0 and the migration
//! from 0 is the identity. Version 2 (the review workflow) only adds fields, each with a
//! default, so versions 0 and 1 read as version 2 records that have none of them; it is a
//! version of its own so that an older app, which would drop those fields when writing the
//! record back, leaves it alone as unreadable. Version 3 (a holder's change, renewal or
//! cancellation, #18) adds the license request the same way. A version that changes a field keeps the old
//! type here, frozen, and adds a migration from it.
//!
//! Catalog values (`FormValues`, `ScopeAnswers`, `Text`) are kept in their own JSON: plain
//! maps and `{"zh","en"}`, the same everywhere in the workspace. So is a draft's license: the
//! API's `contract::License`, a wire shape the server already keeps readable for its clients
//! (the tests below pin it), kept as the text the server sent (`license::IssuedLicense`).

use catalog::{FormValues, ScopeAnswer, ScopeAnswers, Text};
use contract::{FieldMap, LicenseRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::draft::{Draft, Origin, Tracking};
use crate::json::{form_values, optional, parsed, str_of, text};
use crate::license::IssuedLicense;
use crate::outbox::OutboxEntry;

/// The version this app writes.
const CURRENT: u32 = 3;

/// A stored record this app cannot read: not JSON of the expected shape, or from a newer
/// version of the app. It is left on the device, never deleted.
#[derive(Debug, PartialEq)]
pub struct Unreadable;

impl From<serde_json::Error> for Unreadable {
    fn from(_: serde_json::Error) -> Unreadable {
        Unreadable
    }
}

/// Whether this app knows how to read a record of version `v`.
fn readable(v: u32) -> Result<(), Unreadable> {
    match v {
        // 0 → 1: the same fields; 1 → 2 → 3: fields added, with defaults (see the module's
        // comment).
        0..=CURRENT => Ok(()),
        _ => Err(Unreadable),
    }
}

/// A draft as stored, `v` 3: what the app writes. It is read member by member from the parsed
/// text ([`read_draft`]): a derived reader per record type would be wasm of its own.
#[derive(Serialize)]
pub struct DraftRecord {
    v: u32,
    id: String,
    industry: Option<String>,
    scope: ScopeAnswers,
    values: FormValues,
    origins: FieldMap<OriginV1>,
    server_errors: FieldMap<Text>,
    /// In the API's own JSON (`contract::License`, which the server keeps readable for its
    /// clients), the text exactly as the server sent it (`IssuedLicense`): the app parses
    /// only what it shows and never writes a license itself. Findings (`warnings`) stay in
    /// it when the server sent some: older versions of the app read and ignore them.
    license: Option<Box<RawValue>>,
    updated_at: f64,
    // Version 2: the review workflow. Absent when empty, so a draft that never met it is
    // stored as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    review_requested: Vec<String>,
    /// In the API's own JSON (`contract::TrackingStatus`), like the license: the text as
    /// received (`draft::Tracking`).
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sent: Option<OutboxRecord>,
    #[serde(skip_serializing_if = "FieldMap::is_empty")]
    corrections: FieldMap<Vec<Text>>,
    // Version 3: a holder's application about a license (#18), in the API's JSON
    // (`contract::LicenseRequest`, as sent); absent on every other draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    holder: Option<LicenseRequest>,
}

/// The members of a stored draft kept as texts: a parsed `Value` would not give them back
/// exactly as stored.
#[derive(Deserialize)]
struct Texts {
    #[serde(default)]
    license: Option<Box<RawValue>>,
    #[serde(default)]
    tracking: Option<Box<RawValue>>,
}

#[derive(Clone, Copy)]
enum OriginV1 {
    Registry,
    Profile,
}
catalog::json_str_enum!(OriginV1 {
    Registry = "Registry",
    Profile = "Profile",
});

/// An outbox entry as stored, `v` 3 (read by [`read_outbox_entry`]).
#[derive(Serialize)]
pub struct OutboxRecord {
    v: u32,
    id: String,
    industry: String,
    scope: ScopeAnswers,
    values: FormValues,
    queued_at: f64,
    attempts: u32,
    next_try_at: f64,
    last_error: Option<String>,
    /// Version 2.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    review_requested: Vec<String>,
    /// Version 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<LicenseRequest>,
}

/// Its version `v` (0 when absent), if this app can read it.
fn version(record: &Value) -> Result<(), Unreadable> {
    match record.get("v") {
        None => Ok(()),
        Some(v) => readable(
            v.as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or(Unreadable)?,
        ),
    }
}

/// A stored draft, migrated to the current version. Members are read as a derived reader
/// would read `DraftRecord`: `id` required, the others defaulted when absent, every one
/// present of its type.
pub fn read_draft(json: &str) -> Result<Draft, Unreadable> {
    let record: Value = serde_json::from_str(json)?;
    version(&record)?;
    let texts: Texts = serde_json::from_str(json)?;
    let mut draft = draft(&record).ok_or(Unreadable)?;
    if let Some(raw) = texts.license {
        draft.license = Some(IssuedLicense::parse(String::from(Box::<str>::from(raw)))?);
    }
    if let Some(raw) = texts.tracking {
        draft.tracking = Some(Tracking::parse(String::from(Box::<str>::from(raw)))?);
    }
    Ok(draft)
}

/// A stored outbox entry, migrated to the current version.
pub fn read_outbox_entry(json: &str) -> Result<OutboxEntry, Unreadable> {
    let record: Value = serde_json::from_str(json)?;
    version(&record)?;
    outbox_entry(&record).ok_or(Unreadable)
}

/// A member that may be absent (its default then); `None` when it is there but not read.
fn defaulted<'a, T: Default>(
    record: &'a Value,
    key: &str,
    read: impl Fn(&'a Value) -> Option<T>,
) -> Option<T> {
    record.get(key).map_or(Some(T::default()), read)
}

/// The draft's members but its license and tracking answer (kept as texts: [`Texts`]).
fn draft(r: &Value) -> Option<Draft> {
    Some(Draft {
        industry: optional(r, "industry", string)?,
        scope: defaulted(r, "scope", scope_answers)?,
        values: defaulted(r, "values", form_values)?,
        origins: defaulted(r, "origins", |m| {
            field_map(m, |o| match o.as_str()? {
                "Registry" => Some(OriginV1::Registry.into()),
                "Profile" => Some(OriginV1::Profile.into()),
                _ => None,
            })
        })?,
        server_errors: defaulted(r, "server_errors", |m| field_map(m, text))?,
        updated_at: defaulted(r, "updated_at", Value::as_f64)?,
        review_requested: defaulted(r, "review_requested", strings)?,
        sent: optional(r, "sent", outbox_entry)?,
        corrections: defaulted(r, "corrections", |m| {
            field_map(m, |c| c.as_array()?.iter().map(text).collect())
        })?,
        holder: optional(r, "holder", license_request)?,
        ..Draft::new(str_of(r, "id")?, 0.0)
    })
}

fn outbox_entry(r: &Value) -> Option<OutboxEntry> {
    Some(OutboxEntry {
        id: str_of(r, "id")?,
        industry: str_of(r, "industry")?,
        scope: scope_answers(r.get("scope")?)?,
        values: form_values(r.get("values")?)?,
        queued_at: r.get("queued_at")?.as_f64()?,
        attempts: u32::try_from(r.get("attempts")?.as_u64()?).ok()?,
        next_try_at: r.get("next_try_at")?.as_f64()?,
        last_error: optional(r, "last_error", string)?,
        review_requested: defaulted(r, "review_requested", strings)?,
        license: optional(r, "license", license_request)?,
    })
}

fn string(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(string).collect()
}

// Inserted one by one, as `json::form_values`.
fn scope_answers(value: &Value) -> Option<ScopeAnswers> {
    let mut answers = ScopeAnswers::new();
    for (question, answer) in value.as_object()? {
        let answer = match answer {
            Value::Bool(yes) => ScopeAnswer::YesNo(*yes),
            number => ScopeAnswer::Number(number.as_f64()?),
        };
        answers.insert(question.clone(), answer);
    }
    Some(answers)
}

fn field_map<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<FieldMap<T>> {
    let mut map = FieldMap::new();
    for (field, v) in value.as_object()? {
        map.insert(field.clone(), read(v)?);
    }
    Some(map)
}

fn license_request(r: &Value) -> Option<LicenseRequest> {
    Some(LicenseRequest {
        number: str_of(r, "number")?,
        based_on: u16::try_from(r.get("based_on")?.as_u64()?).ok()?,
        purpose: parsed(r, "purpose")?,
        holder_proof: str_of(r, "holder_proof")?,
        reason: optional(r, "reason", string)?,
    })
}

impl From<&Draft> for DraftRecord {
    fn from(draft: &Draft) -> DraftRecord {
        let mut origins = FieldMap::new();
        for (field, origin) in draft.origins.iter() {
            origins.insert(field.clone(), (*origin).into());
        }
        DraftRecord {
            v: CURRENT,
            id: draft.id.clone(),
            industry: draft.industry.clone(),
            scope: draft.scope.clone(),
            values: draft.values.clone(),
            origins,
            server_errors: draft.server_errors.clone(),
            // The text as received is JSON (it parsed).
            license: draft
                .license
                .as_ref()
                .and_then(|license| RawValue::from_string(license.json().to_owned()).ok()),
            updated_at: draft.updated_at,
            review_requested: draft.review_requested.clone(),
            tracking: draft
                .tracking
                .as_ref()
                .and_then(|t| RawValue::from_string(t.json().to_owned()).ok()),
            sent: draft.sent.as_ref().map(OutboxRecord::from),
            corrections: draft.corrections.clone(),
            holder: draft.holder.clone(),
        }
    }
}

impl From<Origin> for OriginV1 {
    fn from(origin: Origin) -> OriginV1 {
        match origin {
            Origin::Registry => OriginV1::Registry,
            Origin::Profile => OriginV1::Profile,
        }
    }
}

impl From<OriginV1> for Origin {
    fn from(origin: OriginV1) -> Origin {
        match origin {
            OriginV1::Registry => Origin::Registry,
            OriginV1::Profile => Origin::Profile,
        }
    }
}

impl From<&OutboxEntry> for OutboxRecord {
    fn from(entry: &OutboxEntry) -> OutboxRecord {
        OutboxRecord {
            v: CURRENT,
            id: entry.id.clone(),
            industry: entry.industry.clone(),
            scope: entry.scope.clone(),
            values: entry.values.clone(),
            queued_at: entry.queued_at,
            attempts: entry.attempts,
            next_try_at: entry.next_try_at,
            last_error: entry.last_error.clone(),
            review_requested: entry.review_requested.clone(),
            license: entry.license.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// A draft with a license as the app stored it before records had versions (version 0):
    /// the domain types' own JSON, no `v`, a repeated key in `origins`.
    const DRAFT_V0: &str = r#"{"id":"b","industry":"bookstore","scope":{},
        "values":{"business_name":"书店"},
        "origins":{"z":"Registry","a":"Profile","z":"Profile"},
        "server_errors":{"x":{"zh":"错","en":"wrong"}},
        "license":{"number":"310115-2026-000123","kid":"k1","industry":"bookstore",
            "issued_at":1795725000,"valid_from":1795725000,"valid_until":1953491400,
            "permits":[{"kind":3,"id":"publication","number":"310115-2026-000123-03",
                "name":{"zh":"出版物经营许可证","en":"Publication business permit"},
                "department":{"zh":"区新闻出版局","en":"District press bureau"},
                "valid_from":1795725000,"valid_until":1953491400}],
            "claims":{"issuer":"310115","license_number":"310115-2026-000123",
                "issued_at":1795725000,"valid_from":1795725000,"valid_until":1953491400,
                "industry":14,"permits":[{"kind":3,"number":"310115-2026-000123-03",
                "valid_until":1953491400,"scope":null}],"business_name":"书店",
                "credit_code":"91310115MA1K000000","address":{"division":310115,"detail":"1号"},
                "legal_representative":"张三"},
            "qr_text":"HC1:..."},
        "updated_at":1795725000000.0}"#;

    fn json(value: &impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn drafts_stored_before_records_had_versions_still_load() {
        let draft = read_draft(DRAFT_V0).unwrap();
        assert_eq!(
            draft.origins.iter().collect::<Vec<_>>(),
            [
                (&"a".to_owned(), &Origin::Profile),
                (&"z".to_owned(), &Origin::Profile)
            ]
        );
        assert_eq!(
            draft.server_errors.get("x"),
            Some(&Text::new("错", "wrong"))
        );
        let license = draft.license.as_ref().unwrap();
        assert_eq!(license.claims.address.division, 310115);
        assert_eq!(license.permits[0].name.en, "Publication business permit");
        // Written back as the current version: the same fields, plus `v`.
        let mut v0 = serde_json::from_str::<serde_json::Value>(DRAFT_V0).unwrap();
        v0["origins"] = serde_json::json!({ "a": "Profile", "z": "Profile" });
        v0["v"] = CURRENT.into();
        assert_eq!(json(&DraftRecord::from(&draft)), v0);
        assert_eq!(
            read_draft(&json(&DraftRecord::from(&draft)).to_string()),
            Ok(draft)
        );
    }

    #[test]
    fn a_draft_in_review_keeps_what_the_workflow_added_and_version_1_reads_without_it() {
        let v1 = r#"{"v":1,"id":"b","industry":"bookstore","values":{"business_name":"书店"}}"#;
        let draft = read_draft(v1).unwrap();
        assert_eq!(
            (
                draft.tracking.as_ref(),
                draft.sent.as_ref(),
                draft.corrections.is_empty()
            ),
            (None, None, true)
        );
        let mut reviewed = draft.clone();
        reviewed.request_review("publication_retail", true);
        reviewed.sent = Some(OutboxEntry::new(
            "b".into(),
            "bookstore".into(),
            ScopeAnswers::new(),
            reviewed.values.clone(),
            reviewed.review_requested.clone(),
            5.0,
        ));
        reviewed.apply_tracking(crate::draft::tests::corrections_asked(3).into());
        assert!(!reviewed.corrections.is_empty());
        let stored = serde_json::to_string(&DraftRecord::from(&reviewed)).unwrap();
        assert_eq!(json(&DraftRecord::from(&reviewed))["v"], CURRENT);
        // Written as text (as storage does), the tracking answer keeps its text exactly.
        assert_eq!(read_draft(&stored), Ok(reviewed));
        // One that never met the workflow is stored with version 1's fields only.
        let plain = json(&DraftRecord::from(&draft));
        assert_eq!(
            plain,
            serde_json::json!({"v":CURRENT,"id":"b","industry":"bookstore","scope":{},
                "values":{"business_name":"书店"},"origins":{},"server_errors":{},
                "license":null,"updated_at":0.0})
        );
    }

    #[test]
    fn a_holders_application_keeps_its_license_request_and_version_2_reads_without_it() {
        let v2 = r#"{"v":2,"id":"c","industry":"bookstore","values":{"business_name":"书店"}}"#;
        let draft = read_draft(v2).unwrap();
        assert_eq!(draft.holder, None);
        let mut change = draft.clone();
        change.holder = Some(contract::LicenseRequest {
            number: "310115-2026-000123".into(),
            based_on: 2,
            purpose: contract::HolderRequest::Change,
            holder_proof: "b".into(),
            reason: None,
        });
        let mut entry = OutboxEntry::new(
            "c".into(),
            "bookstore".into(),
            ScopeAnswers::new(),
            change.values.clone(),
            Vec::new(),
            5.0,
        );
        entry.license = change.holder.clone();
        change.sent = Some(entry.clone());
        let stored = json(&DraftRecord::from(&change));
        assert_eq!(
            stored["holder"],
            serde_json::json!({"number":"310115-2026-000123","based_on":2,"purpose":"change","holder_proof":"b"})
        );
        assert_eq!(stored["sent"]["license"], stored["holder"]);
        assert_eq!(read_draft(&stored.to_string()), Ok(change));
        let queued = json(&OutboxRecord::from(&entry)).to_string();
        assert_eq!(read_outbox_entry(&queued), Ok(entry));
    }

    #[test]
    fn a_draft_with_only_an_id_loads() {
        let draft = read_draft(r#"{"id":"d1"}"#).unwrap();
        assert_eq!(draft, Draft::new("d1".into(), 0.0));
    }

    #[test]
    fn outbox_entries_stored_before_records_had_versions_still_load() {
        let stored = r#"{"id":"a","industry":"bookstore","scope":{"sells_food":true},
            "values":{"phone":"13812345678"},"queued_at":1.0,"attempts":3,"next_try_at":9.0}"#;
        let entry = read_outbox_entry(stored).unwrap();
        assert_eq!((entry.attempts, entry.last_error.as_deref()), (3, None));
        let again = json(&OutboxRecord::from(&entry)).to_string();
        assert_eq!(read_outbox_entry(&again), Ok(entry));
    }

    #[test]
    fn damaged_records_and_records_of_newer_versions_are_unreadable() {
        assert_eq!(read_draft("{not json"), Err(Unreadable));
        assert_eq!(read_draft(r#"{"id":"a","values":[1]}"#), Err(Unreadable));
        assert_eq!(read_draft(r#"{"v":4,"id":"a"}"#), Err(Unreadable));
        assert_eq!(read_outbox_entry(r#"{"id":"a"}"#), Err(Unreadable));
        // Read member by member, as strictly as a derived reader: every member present of
        // its type, the nested outbox entry's required members there.
        for damaged in [
            r#"{"v":null,"id":"a"}"#,
            r#"{"id":7}"#,
            r#"{"id":"a","industry":1}"#,
            r#"{"id":"a","scope":{"q":"yes"}}"#,
            r#"{"id":"a","origins":{"x":"Elsewhere"}}"#,
            r#"{"id":"a","server_errors":{"x":{"zh":"错"}}}"#,
            r#"{"id":"a","updated_at":"now"}"#,
            r#"{"id":"a","corrections":{"x":[{"zh":"错","en":1}]}}"#,
            r#"{"id":"a","sent":{"id":"a"}}"#,
            r#"{"id":"a","holder":{"number":"N","based_on":70000,"purpose":"change","holder_proof":"b"}}"#,
            r#"{"id":"a","license":{"number":"N"}}"#,
            r#"{"id":"a","tracking":{"status":"received"}}"#,
        ] {
            assert_eq!(read_draft(damaged), Err(Unreadable), "{damaged}");
        }
        let entry = r#"{"id":"a","industry":"b","scope":{"area":12.5},"values":{},"queued_at":1,
            "attempts":0,"next_try_at":2}"#;
        let read = read_outbox_entry(entry).unwrap();
        assert_eq!(read.scope["area"], ScopeAnswer::Number(12.5));
        assert_eq!(
            read_outbox_entry(&entry.replace(":0,", ":-1,")),
            Err(Unreadable)
        );
        assert_eq!(
            read_outbox_entry(&entry.replace(":{},", ":{\"x\":1},")),
            Err(Unreadable)
        );
    }
}
