//! The server's use of the catalog: the catalog JSON served to browsers, merging and
//! validating applications exactly as the browser did, the registry seed, and one department's
//! view of an issued application.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use catalog::{Catalog, CatalogError, Context, Date, MergedForm, ScopeAnswers};
use contract::{ApplicationRequest, FieldIssue, FieldIssues, License, Text};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ServiceError;

/// Seed data for the registry look-up, shipped with the repository.
const REGISTRY_SEED: &str = include_str!("../../data/registry.json");

/// `(credit code, record JSON)` pairs from the seed file.
pub fn registry_seed() -> Result<Vec<(String, String)>, serde_json::Error> {
    let records: Vec<Value> = serde_json::from_str(REGISTRY_SEED)?;
    Ok(records
        .into_iter()
        .filter_map(|r| {
            let code = r.get("credit_code")?.as_str()?.to_owned();
            Some((code, r.to_string()))
        })
        .collect())
}

/// The pre-fill values of a registry record, keyed by the catalog's dictionary field ids.
pub fn registry_values(record: &Value) -> Value {
    record.get("values").cloned().unwrap_or_else(|| json!({}))
}

/// A credit code the registry can be asked about: 18 characters of the GB 32100-2015
/// alphabet. A wrong check character does not refuse the look-up — some early, real codes
/// fail it, and the registry's answer is what decides whether such a code is accepted.
pub fn check_credit_code(code: &str) -> Result<(), ServiceError> {
    match catalog::ids::check_credit_code(code) {
        catalog::ids::CreditCodeCheck::BadFormat => Err(ServiceError::bad_request(
            "invalid_credit_code",
            "a unified social credit code has 18 digits or capital letters (never I, O, S, V or Z)",
        )
        .on_field(
            "credit_code",
            FieldIssue::new(
                "",
                "统一社会信用代码应为18位数字或大写字母(不使用I、O、S、V、Z)",
                "a unified social credit code has 18 digits or capital letters (never I, O, S, V or Z)",
            ),
        )),
        _ => Ok(()),
    }
}

/// The license year: the calendar year of the authority's civil date at `unix`.
pub fn license_year(unix: i64) -> i32 {
    Date::authority_day(unix).map_or(1970, |d| i32::from(d.year))
}

pub struct PermitInfo {
    pub kind: u16,
    pub id: String,
    pub name: Text,
    pub department: Text,
    pub validity_years: Option<u8>,
}

/// An application merged and validated against the catalog.
pub struct Prepared {
    pub industry: String,
    pub industry_code: u16,
    pub division: u32,
    /// Canonical JSON of what the client sent (industry, scope, values): the idempotency key's
    /// content. Equal content serialises equally whatever the key order on the wire.
    pub canonical: String,
    /// What the ledger stores: the values after presets and derived fields were filled in.
    pub record: String,
    pub business_name: String,
    pub credit_code: String,
    /// Where the business operates, as the license prints it (经营场所): the premises address
    /// the applicant typed, in its district.
    pub premises: signer::Address,
    pub legal_representative: String,
    pub permits: Vec<PermitInfo>,
    pub warnings: FieldIssues,
}

/// A merged form with its field ids, for quick membership tests.
struct Form {
    merged: MergedForm,
    ids: HashSet<String>,
}

/// The built-in catalog and its JSON, serialised once.
pub struct CatalogView {
    catalog: &'static Catalog,
    forms: Mutex<HashMap<String, Arc<Form>>>,
    json: Arc<str>,
    etag: String,
}

/// A 422 with one field's finding.
fn unprocessable(
    code: &'static str,
    message: &str,
    field: &str,
    issue: FieldIssue,
) -> ServiceError {
    ServiceError::unprocessable(code, message).on_field(field, issue)
}

fn issue_of(issue: &catalog::Issue) -> FieldIssue {
    let code = serde_json::to_value(issue.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    FieldIssue::new(&code, issue.message.zh.clone(), issue.message.en.clone())
}

impl CatalogView {
    pub fn builtin() -> Self {
        let catalog = Catalog::builtin();
        let json = catalog.to_json();
        let digest = hex::encode(Sha256::digest(json.as_bytes()));
        let etag = format!("\"{}-{}\"", catalog.version, &digest[..16]);
        Self {
            catalog,
            forms: Mutex::default(),
            json: json.into(),
            etag,
        }
    }

    /// The catalog as served to browsers, serialised once.
    /// The built-in catalog itself.
    pub fn data(&self) -> &'static Catalog {
        self.catalog
    }

    pub fn json(&self) -> Arc<str> {
        self.json.clone()
    }

    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Merges the industry's forms for the scope answers and validates the values in
    /// `context`, exactly as the browser did; every problem comes back as a 422 with
    /// per-field messages.
    pub fn prepare(
        &self,
        req: &ApplicationRequest,
        context: Context,
    ) -> Result<Prepared, ServiceError> {
        // The scope page's own rule (a given number must be in range); the server does not
        // insist on an answer older clients may not have sent.
        for (qid, answer) in &req.scope {
            if let Some(problem) = self
                .catalog
                .question(qid)
                .and_then(|q| q.problem(Some(answer)))
            {
                return Err(unprocessable(
                    "invalid_scope",
                    &problem.en.clone(),
                    &format!("scope.{qid}"),
                    FieldIssue::new("", problem.zh, problem.en),
                ));
            }
        }
        let form = self.merged(&req.industry, &req.scope)?;
        self.check(req, &form, context)
    }

    /// What a holder's change changes: the ids of the fields whose value differs between two
    /// stored records (`before`, the current version's; `after`, `req` prepared), and
    /// `scope.<question>` for each business-scope answer that differs. The application date
    /// the form fills itself is left out: it differs every day.
    pub fn changed(
        &self,
        req: &ApplicationRequest,
        before: &str,
        after: &str,
    ) -> Result<Vec<String>, ServiceError> {
        let read = |text: &str| {
            serde_json::from_str::<ReadRecord>(text)
                .map_err(|e| ServiceError::internal("stored record", e))
        };
        let (before, after) = (read(before)?, read(after)?);
        let form = self.merged(&req.industry, &req.scope)?;
        let dated = |id: &str| {
            form.merged
                .field(id)
                .is_some_and(|f| f.def.prefill == Some(catalog::Prefill::System))
        };
        let mut changed: Vec<String> = before
            .values
            .keys()
            .chain(after.values.keys())
            .filter(|id| !dated(id))
            .filter(|id| before.values.get(*id) != after.values.get(*id))
            .cloned()
            .collect();
        changed.extend(
            before
                .scope
                .keys()
                .chain(after.scope.keys())
                .filter(|q| before.scope.get(*q) != after.scope.get(*q))
                .map(|q| format!("scope.{q}")),
        );
        changed.sort_unstable();
        changed.dedup();
        Ok(changed)
    }

    /// The merged form for an industry and scope, from a small cache: merging clones every
    /// field definition, and most applications of an industry share a handful of scopes.
    fn merged(&self, industry: &str, scope: &ScopeAnswers) -> Result<Arc<Form>, ServiceError> {
        let key = format!(
            "{industry}\u{0}{}",
            serde_json::to_string(scope).unwrap_or_default()
        );
        if let Some(form) = self
            .forms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(form.clone());
        }
        let merged = self.catalog.merge(industry, scope).map_err(|e| match e {
            CatalogError::UnknownIndustry(_) => unprocessable(
                "unknown_industry",
                "no such industry in the catalog",
                "industry",
                FieldIssue::new(
                    "",
                    "行业不存在,请从目录中选择",
                    "unknown industry: pick one from the catalog",
                ),
            ),
            CatalogError::UnknownQuestion(q) | CatalogError::AnswerKind(q) => unprocessable(
                "invalid_scope",
                "a business-scope answer does not fit this industry",
                &format!("scope.{}", truncate(&q, 64)),
                FieldIssue::new(
                    "",
                    "该经营范围问题不属于此行业或答案类型不对",
                    "this question is not asked for the industry, or the answer has the wrong type",
                ),
            ),
            CatalogError::Data(d) => ServiceError::internal("catalog", d),
        })?;
        let ids = merged.fields().map(|f| f.def.id.clone()).collect();
        let form = Arc::new(Form { merged, ids });
        let mut forms = self.forms.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: numeric scope answers could otherwise grow it without end.
        if forms.len() < FORM_CACHE_SIZE {
            forms.insert(key, form.clone());
        }
        Ok(form)
    }

    fn check(
        &self,
        req: &ApplicationRequest,
        cached: &Form,
        context: Context,
    ) -> Result<Prepared, ServiceError> {
        let form = &cached.merged;
        // Dictionary entries this form does not ask (pre-fill sends the whole registry record)
        // are dropped; anything else unknown is refused.
        let mut unknown = ServiceError::unprocessable(
            "unknown_field",
            "the application has fields this industry's form does not ask",
        );
        let mut any_unknown = false;
        for id in req.values.keys() {
            if !cached.ids.contains(id) && self.catalog.shared_field(id).is_none() {
                any_unknown = true;
                unknown = unknown.on_field(
                    truncate(id, 64),
                    FieldIssue::new(
                        "unknown_field",
                        "此表单没有该字段",
                        "this form has no such field",
                    ),
                );
            }
        }
        if any_unknown {
            return Err(unknown);
        }
        // What the form fills itself (presets, values derived from the ID number, the
        // application date) replaces whatever was sent for it: the ledger never holds a
        // value that contradicts the one the form derives.
        let values = catalog::complete_values(form, &req.values, context.today);
        let report = catalog::validate(form, &values, context);
        let text = |id: &str| values.get(id).map_or("", |v| v.trim()).to_owned();
        let mut errors = FieldIssues::new();
        for issue in &report.errors {
            errors.insert_if_absent(issue.field.clone(), || issue_of(issue));
        }
        // The license needs these whatever the industry's forms ask.
        for id in [
            BUSINESS_NAME,
            CREDIT_CODE,
            ADDRESS_DIVISION,
            PREMISES_ADDRESS,
            LEGAL_REP,
        ] {
            if text(id).is_empty() {
                errors.insert_if_absent(id.to_owned(), || {
                    FieldIssue::new(
                        "required",
                        "颁发许可证需要此项",
                        "the license needs this field",
                    )
                });
            }
        }
        let division = text(ADDRESS_DIVISION)
            .parse::<u32>()
            .ok()
            .filter(|d| self.catalog.division(*d).is_some());
        if division.is_none() && !errors.contains_key(ADDRESS_DIVISION) {
            errors.insert(
                ADDRESS_DIVISION.into(),
                FieldIssue::new(
                    "division_unknown",
                    "请从列表中选择区县",
                    "pick the district from the list",
                ),
            );
        }
        let (Some(division), true) = (division, errors.is_empty()) else {
            return Err(ServiceError::Unprocessable {
                code: "invalid_fields",
                message: "some fields need fixing before the license can be issued".into(),
                fields: errors,
            });
        };
        let warnings: FieldIssues = report
            .warnings
            .iter()
            .map(|i| (i.field.clone(), issue_of(i)))
            .collect();
        let canonical = canonical(req)?;
        let record = serde_json::to_string(&StoredRecord {
            catalog_version: &form.catalog_version,
            industry: &req.industry,
            scope: &req.scope,
            values: &values,
        })
        .map_err(|e| ServiceError::internal("record", e))?;
        Ok(Prepared {
            industry: form.industry.id.clone(),
            industry_code: form.industry.code,
            division,
            canonical,
            record,
            business_name: text(BUSINESS_NAME),
            credit_code: text(CREDIT_CODE),
            premises: self.premises(&text(PREMISES_ADDRESS), division),
            legal_representative: text(LEGAL_REP),
            permits: form
                .permits
                .iter()
                .map(|p| PermitInfo {
                    kind: p.code,
                    id: p.id.clone(),
                    name: p.name.clone(),
                    department: p.department.clone(),
                    validity_years: p.validity_years,
                })
                .collect(),
            warnings,
        })
    }

    /// The premises address as the credential carries it. The form asks it as one line; a
    /// line that begins with a district's full name (上海市徐汇区…) is in that district, and the
    /// name becomes its code (it costs the QR nothing); otherwise it is read in the district
    /// of the registered address, where the application is filed.
    fn premises(&self, line: &str, registered_division: u32) -> signer::Address {
        let named = self.catalog.divisions.iter().find_map(|d| {
            line.strip_prefix(d.zh.as_str())
                .map(str::trim_start)
                .filter(|rest| !rest.is_empty())
                .map(|rest| (d.code, rest))
        });
        let (division, detail) = named.unwrap_or((registered_division, line));
        signer::Address {
            division,
            detail: detail.to_owned(),
        }
    }

    /// One department's view of an issued license: its permit and the fields of that permit's
    /// own form, in that form's order, with the values from the application.
    pub fn permit_record(
        &self,
        record: &str,
        license: &str,
        kind: u16,
    ) -> Result<Value, ServiceError> {
        let record: Value =
            serde_json::from_str(record).map_err(|e| ServiceError::internal("stored record", e))?;
        let license: License = serde_json::from_str(license)
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let issued =
            license
                .permits
                .iter()
                .find(|p| p.kind == kind)
                .ok_or(ServiceError::NotFound(
                    "this license has no permit of that kind",
                ))?;
        let permit = self
            .catalog
            .permit_by_code(kind)
            .ok_or(ServiceError::NotFound(
                "no permit of that kind in the catalog",
            ))?;
        let fields: Vec<Value> = permit
            .fields
            .iter()
            .filter_map(|f| self.catalog.field_def(f))
            .map(|def| {
                json!({
                    "id": def.id,
                    "label": def.label,
                    "value": record["values"].get(&def.id),
                })
            })
            .collect();
        Ok(json!({
            "license_number": license.number,
            "permit": issued,
            "department": permit.department,
            "form": permit.name,
            "fields": fields,
        }))
    }
}

impl CatalogView {
    /// The fields of an application's merged form, in form order (for the office's view
    /// and to check that a correction names a field the application has).
    pub fn fields_of(
        &self,
        industry: &str,
        scope: &ScopeAnswers,
    ) -> Result<Vec<catalog::MergedField>, ServiceError> {
        Ok(self
            .merged(industry, scope)?
            .merged
            .fields()
            .cloned()
            .collect())
    }
}

/// What the client sent (industry, scope, values, and the reviews asked for instead of a
/// commitment), canonically: the idempotency key's content. Scope and values are sorted
/// maps, so equal content serialises equally whatever the key order on the wire; an
/// application without reviews asked for hashes as it did before they existed.
pub fn canonical(req: &ApplicationRequest) -> Result<String, ServiceError> {
    let mut asked = req.review_requested.clone();
    asked.sort_unstable();
    asked.dedup();
    // Each part only when present, so a new license's key is what it was before holders'
    // requests existed; a holder's request is keyed with what it asks of which license.
    let text = match (&req.license, asked.is_empty()) {
        (None, true) => serde_json::to_string(&(&req.industry, &req.scope, &req.values)),
        (None, false) => serde_json::to_string(&(&req.industry, &req.scope, &req.values, &asked)),
        (Some(license), _) => {
            serde_json::to_string(&(&req.industry, &req.scope, &req.values, &asked, license))
        }
    };
    text.map_err(|e| ServiceError::internal("canonical form", e))
}

/// The hash of [`canonical`]: what the ledger compares a repeated id's content by.
pub fn content_hash(req: &ApplicationRequest) -> Result<String, ServiceError> {
    Ok(hex::encode(Sha256::digest(canonical(req)?.as_bytes())))
}

const FORM_CACHE_SIZE: usize = 512;

/// A stored record as read back (the part a holder's change compares).
#[derive(serde::Deserialize)]
struct ReadRecord {
    #[serde(default)]
    scope: ScopeAnswers,
    #[serde(default)]
    values: catalog::FormValues,
}

/// What the ledger keeps of an application.
#[derive(serde::Serialize)]
struct StoredRecord<'a> {
    catalog_version: &'a str,
    industry: &'a str,
    scope: &'a ScopeAnswers,
    values: &'a catalog::FormValues,
}
const BUSINESS_NAME: &str = "business_name";
const CREDIT_CODE: &str = "credit_code";
const ADDRESS_DIVISION: &str = "address_division";
/// 经营场所: where the business operates, which the license states (the registered address,
/// 住所, is the business licence's, which the registry issues).
const PREMISES_ADDRESS: &str = "premises_address";
const LEGAL_REP: &str = "legal_rep_name";

/// Serde's messages quote the offending input; cap them so a hostile body is not echoed whole.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
