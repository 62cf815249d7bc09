//! Members picked by hand from a parsed `serde_json::Value`, for the JSON texts the app only
//! reads (an issued license, what a tracking answer says beyond its status). Each derived
//! `Deserialize` brings a visitor of its own into the wasm; one generic reader for every text
//! and these few helpers weigh less (the applicant's first load is at its budget).

use catalog::{FormValues, Text};
use contract::{FieldIssue, FieldIssues};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A member that is a string.
pub fn str_of(value: &Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_owned)
}

/// A member that is a string, or empty.
pub fn string_of(value: &Value, key: &str) -> String {
    str_of(value, key).unwrap_or_default()
}

pub fn i64_of(value: &Value, key: &str) -> Option<i64> {
    value.get(key)?.as_i64()
}

pub fn u64_of(value: &Value, key: &str) -> Option<u64> {
    value.get(key)?.as_u64()
}

/// A member that may be absent or `null` (`Some(None)`); `None` when it is something else.
pub fn optional<'a, T>(
    value: &'a Value,
    key: &str,
    read: impl Fn(&'a Value) -> Option<T>,
) -> Option<Option<T>> {
    match value.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(member) => read(member).map(Some),
    }
}

/// A `{"zh","en"}` text.
pub fn text(value: &Value) -> Option<Text> {
    Some(Text::new(str_of(value, "zh")?, str_of(value, "en")?))
}

pub fn text_of(value: &Value, key: &str) -> Option<Text> {
    text(value.get(key)?)
}

/// A member that is an array, or none.
pub fn list_of<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A member that is an object.
pub fn object_of<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|member| member.is_object())
}

/// A member read by its type's own `Deserialize` (the enums: one string visitor for all).
pub fn parsed<T: DeserializeOwned>(value: &Value, key: &str) -> Option<T> {
    T::deserialize(value.get(key)?).ok()
}

/// Values by field (a `FormValues`), inserted one by one: collecting into the map would bring
/// its bulk building (sorting) code.
pub fn form_values(value: &Value) -> Option<FormValues> {
    let mut values = FormValues::new();
    for (field, v) in value.as_object()? {
        values.insert(field.clone(), v.as_str()?.to_owned());
    }
    Some(values)
}

/// Findings by field (`FieldIssues`: `{"code"?, "zh", "en"}` each).
pub fn field_issues(value: &Value) -> Option<FieldIssues> {
    let mut issues = FieldIssues::new();
    for (field, issue) in value.as_object()? {
        let code = optional(issue, "code", Value::as_str)?.unwrap_or_default();
        let words = text(issue)?;
        issues.insert(field.clone(), FieldIssue::new(code, words.zh, words.en));
    }
    Some(issues)
}
