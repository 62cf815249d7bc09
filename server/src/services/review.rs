//! The review workflow: an application whose permits are not all granted on commitment waits
//! for its departments, in parallel, each within its statutory time limit; corrections go back
//! to the applicant all at once (一次告知); a refusal lets the applicant drop the permit or
//! withdraw; the combined license is issued (with `Ledger::issue`, numbered and signed as
//! every license) when the last permit is granted.
//!
//! A case's state is one JSON document ([`CaseState`]) the ledger stores with a version: every
//! change reads the case, applies itself, and writes it back only if nobody changed it
//! meanwhile (compare-and-swap), else starts again from the fresh state. Two reviewers of two
//! departments deciding at once, on two instances, both get their decision kept.

use catalog::{Calendar, Date};
use contract::{
    ApplicantChoice, ApplicantDecision, ApplicationRequest, ApplicationStatus, AuditEntry,
    Decision, FieldIssue, FieldIssues, GrantMode, Inspection, InspectionResult, License,
    OfficeApplication, OfficeField, OfficePermit, PermitStatus, ReceivedAnswer, Rejection, Role,
    Task, TaskList, Text, TimelineEntry, TimelineEvent, TrackedPermit, TrackingStatus, Urgency,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::{Prepared, content_hash, license_year, registry_values};
use super::issuance::{IssuedAnswer, Submitted, check_id, repeat, sign_new, status_of};
use super::notify::Notice;
use super::staff::Actor;
use super::supervision::{checks_for, supervision};
use super::{ServiceError, Services};
use crate::ledger::{Inserted, NewApplication, StoredApplication, StoredCase, StoredCheck};

/// How often a change is tried again after another one came first.
const ATTEMPTS: usize = 16;
/// Longest free text a reviewer or inspector may write.
const MAX_TEXT: usize = 2000;
/// "Due soon": at most this many working days left.
const DUE_SOON_DAYS: u32 = 2;

/// What the ledger keeps of a case besides its columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CaseState {
    /// The acceptance day (`YYYY-MM-DD`): time limits run from it, and the application is
    /// completed and validated for it again when its license is signed.
    accepted_on: String,
    /// Whether the registry vouched for a credit code failing its check character (the rest
    /// of the validation context at acceptance).
    #[serde(default)]
    registered: bool,
    permits: Vec<PermitState>,
    timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PermitState {
    id: String,
    /// The deciding department's slug (catalog `grant.department`).
    department: String,
    /// As granted for this application: review when the catalog says so or the applicant
    /// asked for it instead of a commitment.
    mode: GrantMode,
    status: PermitStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    /// Drafted by the department; the applicant sees them once the application is
    /// `correction_requested`.
    #[serde(default, skip_serializing_if = "contract::FieldMap::is_empty")]
    corrections: FieldIssues,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    conditions: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rejection: Option<Rejection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    inspections: Vec<Inspection>,
}

impl PermitState {
    /// Still the department's to decide (a drafted correction may be replaced until it is
    /// sent).
    fn pending(&self) -> bool {
        !self.status.is_decided()
    }

    fn granted(&self) -> bool {
        matches!(
            self.status,
            PermitStatus::Approved | PermitStatus::GrantedOnCommitment
        )
    }
}

/// A case read from the ledger, its state parsed.
struct Case {
    stored: StoredCase,
    status: ApplicationStatus,
    state: CaseState,
}

fn word(status: ApplicationStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Case {
    fn read(stored: StoredCase) -> Result<Self, ServiceError> {
        let status = serde_json::from_value(Value::String(stored.status.clone()))
            .map_err(|e| ServiceError::internal("stored case status", e))?;
        let state = serde_json::from_str(&stored.state)
            .map_err(|e| ServiceError::internal("stored case state", e))?;
        Ok(Case {
            stored,
            status,
            state,
        })
    }

    /// The case as it is to be written, one version on.
    fn write(&self) -> Result<StoredCase, ServiceError> {
        Ok(StoredCase {
            status: word(self.status),
            state: serde_json::to_string(&self.state)
                .map_err(|e| ServiceError::internal("case state", e))?,
            version: self.stored.version + 1,
            ..self.stored.clone()
        })
    }

    fn permit_mut(&mut self, id: &str) -> Result<&mut PermitState, ServiceError> {
        self.state
            .permits
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(ServiceError::NotFound(
                "this application has no such permit",
            ))
    }

    fn revision(&self) -> u32 {
        u32::try_from(self.stored.revision).unwrap_or(u32::MAX)
    }

    fn request(&self) -> Result<ApplicationRequest, ServiceError> {
        serde_json::from_str(&self.stored.request)
            .map_err(|e| ServiceError::internal("stored request", e))
    }

    fn values(&self) -> Value {
        serde_json::from_str::<Value>(&self.stored.body)
            .map(|b| b["values"].clone())
            .unwrap_or(Value::Null)
    }

    fn business_name(&self) -> String {
        self.values()["business_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn log(&mut self, at: i64, event: TimelineEvent, permit: Option<&str>) {
        self.state.timeline.push(TimelineEntry {
            at,
            event,
            permit: permit.map(str::to_owned),
        });
    }

    /// Where the application stands once a department or the applicant has acted: under
    /// review while any department is still deciding; then every drafted correction is
    /// released together; then a refusal waits for the applicant; else the license is due
    /// (or, with every permit dropped or withdrawn, nothing is).
    fn settle(&mut self, now: i64) {
        let permits = &self.state.permits;
        let next = if permits
            .iter()
            .any(|p| p.status == PermitStatus::UnderReview)
        {
            ApplicationStatus::UnderReview
        } else if permits
            .iter()
            .any(|p| p.status == PermitStatus::CorrectionRequested)
        {
            ApplicationStatus::CorrectionRequested
        } else if permits.iter().any(|p| p.status == PermitStatus::Rejected) {
            ApplicationStatus::Rejected
        } else if permits.iter().any(PermitState::granted) {
            ApplicationStatus::Issued
        } else {
            ApplicationStatus::Withdrawn
        };
        if next == self.status {
            return;
        }
        self.status = next;
        match next {
            ApplicationStatus::CorrectionRequested => {
                self.log(now, TimelineEvent::CorrectionRequested, None);
            }
            ApplicationStatus::Issued => self.log(now, TimelineEvent::Issued, None),
            _ => {}
        }
    }
}

pub(super) fn authority_today(now: i64) -> Result<Date, ServiceError> {
    Date::authority_day(now)
        .ok_or_else(|| ServiceError::internal("clock", "the clock is outside years 1 to 9999"))
}

/// The deadline: `days` working days after the acceptance day.
fn due_after(calendar: &Calendar, accepted: Date, days: u16) -> Result<String, ServiceError> {
    calendar
        .add_working_days(accepted, days)
        .map(|d| d.to_string())
        .ok_or_else(|| ServiceError::internal("due date", "past year 9999"))
}

pub(super) fn urgency(calendar: &Calendar, today: Date, due: Date) -> Urgency {
    if today > due {
        Urgency::Overdue
    } else if calendar.working_days_until(today, due) <= DUE_SOON_DAYS {
        Urgency::DueSoon
    } else {
        Urgency::New
    }
}

/// A 422 naming one field.
fn invalid(code: &'static str, message: &str, field: &str, zh: &str, en: &str) -> ServiceError {
    ServiceError::unprocessable(code, message).on_field(field, FieldIssue::new(code, zh, en))
}

/// A text a person reads: both languages given, not too long.
pub(super) fn check_text(text: &Text, field: &str) -> Result<(), ServiceError> {
    let blank = text.zh.trim().is_empty() || text.en.trim().is_empty();
    let long = text.zh.chars().count() > MAX_TEXT || text.en.chars().count() > MAX_TEXT;
    if blank || long {
        return Err(invalid(
            "text_required",
            "write it in Chinese and in English (up to 2000 characters each)",
            field,
            "请用中文和英文填写（各不超过2000字）",
            "write it in Chinese and in English (up to 2000 characters each)",
        ));
    }
    Ok(())
}

/// A catalog text, or the id where a permit left the catalog after it was applied for.
pub(super) fn named(text: Option<&Text>, id: &str) -> Text {
    text.cloned()
        .unwrap_or_else(|| Text::new(id.to_owned(), id.to_owned()))
}

fn not_pending() -> ServiceError {
    ServiceError::conflict(
        "not_pending",
        "this permit is not waiting for a decision (decided, or the application waits for the applicant)",
    )
}

impl Services {
    /// Whether the application waits for a department: a permit the catalog grants after
    /// review, or one whose review the applicant asked for instead of the commitment (only
    /// where the catalog allows it).
    pub(super) fn needs_review(
        &self,
        req: &ApplicationRequest,
        prepared: &Prepared,
    ) -> Result<bool, ServiceError> {
        let data = self.catalog().data();
        for asked in &req.review_requested {
            let allowed = prepared.permits.iter().any(|p| &p.id == asked)
                && data
                    .permit(asked)
                    .is_some_and(|p| p.grant.mode == GrantMode::Review || p.grant.review_allowed);
            if !allowed {
                return Err(invalid(
                    "review_not_allowed",
                    "a review was asked for a permit this application does not combine, or whose grant cannot be reviewed instead",
                    "review_requested",
                    "所选许可不在本申请中，或该许可只能以告知承诺方式办理",
                    "this permit is not part of the application, or it is granted on commitment only",
                ));
            }
        }
        Ok(!req.review_requested.is_empty()
            || prepared.permits.iter().any(|p| {
                data.permit(&p.id)
                    .is_some_and(|c| c.grant.mode == GrantMode::Review)
            }))
    }

    /// The permits' starting state: commitment permits granted at once, the others under
    /// review with their deadline from the acceptance day.
    fn initial_permit(
        &self,
        req: &ApplicationRequest,
        id: &str,
        accepted: Date,
    ) -> Result<PermitState, ServiceError> {
        let grant = &self
            .catalog()
            .data()
            .permit(id)
            .ok_or_else(|| ServiceError::internal("catalog", format!("permit {id}")))?
            .grant;
        let review =
            grant.mode == GrantMode::Review || req.review_requested.iter().any(|r| r == id);
        Ok(PermitState {
            id: id.to_owned(),
            department: grant.department.clone(),
            mode: if review {
                GrantMode::Review
            } else {
                GrantMode::Commitment
            },
            status: if review {
                PermitStatus::UnderReview
            } else {
                PermitStatus::GrantedOnCommitment
            },
            due: review
                .then(|| due_after(self.calendar(), accepted, grant.time_limit_days))
                .transpose()?,
            corrections: FieldIssues::new(),
            conditions: None,
            rejection: None,
            inspections: Vec::new(),
        })
    }

    /// A new application that waits for at least one department: received and accepted now
    /// (it passed every check), commitment permits granted.
    pub(super) async fn open_case(
        &self,
        req: ApplicationRequest,
        prepared: Prepared,
        hash: String,
        context: catalog::Context,
    ) -> Result<Submitted, ServiceError> {
        let now = self.now();
        let mut state = CaseState {
            accepted_on: context.today.to_string(),
            registered: context.credit_code_registered,
            permits: Vec::new(),
            timeline: Vec::new(),
        };
        for p in &prepared.permits {
            state
                .permits
                .push(self.initial_permit(&req, &p.id, context.today)?);
        }
        let mut case = Case {
            stored: StoredCase {
                id: req.id.clone(),
                content_hash: hash.clone(),
                industry: prepared.industry.clone(),
                body: prepared.record.clone(),
                request: serde_json::to_string(&req)
                    .map_err(|e| ServiceError::internal("request", e))?,
                received_at: now,
                revision: 1,
                status: String::new(),
                state: String::new(),
                version: 0,
            },
            status: ApplicationStatus::UnderReview,
            state,
        };
        case.log(now, TimelineEvent::Received, None);
        case.log(now, TimelineEvent::Accepted, None);
        let granted: Vec<String> = case
            .state
            .permits
            .iter()
            .filter(|p| p.granted())
            .map(|p| p.id.clone())
            .collect();
        for id in &granted {
            case.log(now, TimelineEvent::GrantedOnCommitment, Some(id));
        }
        if self.ledger().open_case(case.write()?).await? {
            tracing::info!(application = %req.id, "application received for review");
            return Ok(Submitted::Received(ReceivedAnswer {
                application_id: req.id,
                status: ApplicationStatus::UnderReview,
                revision: 1,
            }));
        }
        // The same id arrived at the same moment (another instance): answer as a repeat.
        let stored = self
            .ledger()
            .case(req.id.clone())
            .await?
            .ok_or_else(|| ServiceError::internal("case", "inserted and gone"))?;
        self.resubmit(stored, req, prepared, hash, context).await
    }

    /// The same id again while it is a case: the same content answers where it stands (the
    /// license once issued); different content is a new revision only while corrections are
    /// requested, a conflict otherwise.
    pub(super) async fn resubmit(
        &self,
        stored: StoredCase,
        req: ApplicationRequest,
        prepared: Prepared,
        hash: String,
        context: catalog::Context,
    ) -> Result<Submitted, ServiceError> {
        let mut stored = stored;
        for _ in 0..ATTEMPTS {
            let mut case = Case::read(stored)?;
            if case.stored.content_hash == hash {
                return self.where_it_stands(case, &hash).await;
            }
            if case.status != ApplicationStatus::CorrectionRequested
                || case.stored.industry != prepared.industry
            {
                return Err(ServiceError::IdConflict);
            }
            // Its reviews asked for instead of commitments are checked as on first receipt.
            self.needs_review(&req, &prepared)?;
            let now = self.now();
            let accepted = Date::parse(&case.state.accepted_on)
                .ok_or_else(|| ServiceError::internal("case", "acceptance day"))?;
            let mut permits = Vec::with_capacity(prepared.permits.len());
            for p in &prepared.permits {
                let old = case.state.permits.iter().find(|s| s.id == p.id).cloned();
                permits.push(match old {
                    // Flagged permits go back to their department with the ORIGINAL due
                    // date: the statutory limit runs from acceptance and a correction does
                    // not give the department more time (a department that wants it extends
                    // by its own act, outside this workflow); a revision therefore shows up
                    // as due soon or overdue, which is what the reviewer who asked for it
                    // should act on first.
                    Some(mut s) if s.status == PermitStatus::CorrectionRequested => {
                        s.status = PermitStatus::UnderReview;
                        s.corrections = FieldIssues::new();
                        s
                    }
                    Some(s) => s,
                    // A permit the revision's scope adds: from the acceptance day, like the
                    // rest (the application was accepted then).
                    None => self.initial_permit(&req, &p.id, accepted)?,
                });
            }
            // The revision is accepted for the day the application was; the registry's
            // answer may differ for a changed credit code.
            case.state.registered = context.credit_code_registered;
            case.state.permits = permits;
            case.stored.revision += 1;
            case.stored.content_hash = hash.clone();
            case.stored.body = prepared.record.clone();
            case.stored.request =
                serde_json::to_string(&req).map_err(|e| ServiceError::internal("request", e))?;
            case.status = ApplicationStatus::UnderReview;
            case.log(now, TimelineEvent::RevisionReceived, None);
            case.settle(now);
            let expected = case.stored.version;
            let written = case.write()?;
            if self.ledger().update_case(written.clone(), expected).await? {
                case.stored = written;
                tracing::info!(application = %case.stored.id, revision = case.stored.revision, "revision received");
                self.notify_if_changed(&case, ApplicationStatus::CorrectionRequested);
                if case.status == ApplicationStatus::Issued {
                    return self.issue_case(&case).await.map(Submitted::Issued);
                }
                return Ok(Submitted::Received(ReceivedAnswer {
                    application_id: req.id,
                    status: case.status,
                    revision: case.revision(),
                }));
            }
            stored = self.reload(&req.id).await?;
        }
        Err(ServiceError::internal(
            "case",
            "too many concurrent changes",
        ))
    }

    /// The answer to a repeat of the current revision.
    async fn where_it_stands(&self, case: Case, hash: &str) -> Result<Submitted, ServiceError> {
        if case.status == ApplicationStatus::Issued {
            // The license was issued when the last permit was granted; if that issuance was
            // interrupted, this completes it (one license per id: the ledger decides).
            return match self.ledger().application(case.stored.id.clone()).await? {
                Some(existing) => repeat(existing, hash).map(Submitted::Issued),
                None => self.issue_case(&case).await.map(|mut answer| {
                    answer.new = false;
                    Submitted::Issued(answer)
                }),
            };
        }
        Ok(Submitted::Received(ReceivedAnswer {
            application_id: case.stored.id.clone(),
            status: case.status,
            revision: case.revision(),
        }))
    }

    async fn reload(&self, id: &str) -> Result<StoredCase, ServiceError> {
        self.ledger()
            .case(id.to_owned())
            .await?
            .ok_or(ServiceError::NotFound(
                "no application under review with this id",
            ))
    }

    async fn load(&self, id: &str) -> Result<Case, ServiceError> {
        check_id(id)?;
        Case::read(self.reload(id).await?)
    }

    /// The case, if it has `permit` and `actor` may decide it; a refusal is audited as an
    /// `access_denied` on `what` (a decision, an inspection).
    async fn case_to_decide(
        &self,
        actor: &Actor,
        id: &str,
        permit: &str,
        what: &str,
    ) -> Result<Case, ServiceError> {
        let case = self.load(id).await?;
        let department = case
            .state
            .permits
            .iter()
            .find(|p| p.id == permit)
            .map(|p| p.department.clone())
            .ok_or(ServiceError::NotFound(
                "this application has no such permit",
            ))?;
        if !actor.may_decide(&department) {
            return Err(self.deny(actor, Some(id), Some(permit), what).await);
        }
        Ok(case)
    }

    /// Reads the case, lets `change` act on it, writes it back if nobody changed it meanwhile
    /// (else again, on the fresh state). `change` may refuse; it sees the case's status
    /// before it acted.
    async fn change(
        &self,
        id: &str,
        mut change: impl FnMut(&mut Case, i64) -> Result<(), ServiceError>,
    ) -> Result<(Case, ApplicationStatus), ServiceError> {
        for _ in 0..ATTEMPTS {
            let mut case = self.load(id).await?;
            let before = case.status;
            let expected = case.stored.version;
            change(&mut case, self.now())?;
            let written = case.write()?;
            if self.ledger().update_case(written.clone(), expected).await? {
                case.stored = written;
                return Ok((case, before));
            }
        }
        Err(ServiceError::internal(
            "case",
            "too many concurrent changes",
        ))
    }

    fn notify_if_changed(&self, case: &Case, before: ApplicationStatus) {
        if case.status != before {
            self.notifier().notify(Notice {
                application_id: case.stored.id.clone(),
                status: case.status,
            });
        }
    }

    /// The license for a case whose permits are all granted (or dropped): the application
    /// completed and validated again for its acceptance day, signed now with the permits
    /// granted, recorded by `Ledger::issue` (one license per id).
    async fn issue_case(&self, case: &Case) -> Result<IssuedAnswer, ServiceError> {
        let req = case.request()?;
        let today = Date::parse(&case.state.accepted_on)
            .ok_or_else(|| ServiceError::internal("case", "acceptance day"))?;
        let context = catalog::Context {
            today,
            credit_code_registered: case.state.registered,
        };
        let mut prepared = self.catalog().prepare(&req, context)?;
        prepared.permits.retain(|p| {
            case.state
                .permits
                .iter()
                .any(|s| s.id == p.id && s.granted())
        });
        // A holder's change or renewal: version N+1 of their license, not a new one.
        if req.license.is_some() {
            let on_commitment: Vec<String> = case
                .state
                .permits
                .iter()
                .filter(|s| s.mode == GrantMode::Commitment && s.granted())
                .map(|s| s.id.clone())
                .collect();
            return self
                .issue_holder_version(
                    &req,
                    prepared,
                    case.stored.content_hash.clone(),
                    case.stored.received_at,
                    &on_commitment,
                )
                .await;
        }
        let now = self.now();
        let keys = self.current_keys().await;
        // The permits granted on the applicant's commitment are checked afterwards.
        let on_commitment = case
            .state
            .permits
            .iter()
            .filter(|s| s.mode == GrantMode::Commitment && s.granted())
            .map(|s| s.id.as_str());
        let checks = checks_for(
            self.catalog().data(),
            self.calendar(),
            on_commitment,
            now,
            &prepared.business_name,
        )?;
        let application = NewApplication {
            id: case.stored.id.clone(),
            content_hash: case.stored.content_hash.clone(),
            industry: case.stored.industry.clone(),
            body: case.stored.body.clone(),
            received_at: case.stored.received_at,
            issued_at: now,
            division: prepared.division,
            year: license_year(now),
            issuer: keys.issuer().to_owned(),
            checks,
        };
        let sign = sign_new(prepared, now, keys, self.validity());
        match self.ledger().issue(application, sign).await? {
            Inserted::New(signed) => {
                tracing::info!(application = %case.stored.id, "license issued after review");
                Ok(IssuedAnswer {
                    new: true,
                    application_id: case.stored.id.clone(),
                    status: ApplicationStatus::Issued,
                    license_json: signed.license,
                })
            }
            Inserted::Existing(existing) => Ok(IssuedAnswer {
                new: false,
                status: status_of(&existing),
                application_id: existing.id,
                license_json: existing.license,
            }),
            Inserted::NumbersExhausted => Err(ServiceError::NumbersExhausted),
        }
    }

    pub(super) async fn audit_action(
        &self,
        actor: &str,
        action: &str,
        application: Option<&str>,
        permit: Option<&str>,
        detail: String,
    ) -> Result<(), ServiceError> {
        self.ledger()
            .append_audit(AuditEntry {
                at: self.now(),
                actor: actor.to_owned(),
                action: action.to_owned(),
                application_id: application.map(str::to_owned),
                permit: permit.map(str::to_owned),
                detail,
            })
            .await?;
        Ok(())
    }

    /// Refuses, and says so in the audit log.
    pub(super) async fn deny(
        &self,
        actor: &Actor,
        application: Option<&str>,
        permit: Option<&str>,
        what: &str,
    ) -> ServiceError {
        if let Err(e) = self
            .audit_action(
                &actor.username,
                "access_denied",
                application,
                permit,
                what.to_owned(),
            )
            .await
        {
            tracing::error!(error = %e, "could not write a refusal to the audit log");
        }
        ServiceError::Forbidden {
            code: "forbidden",
            message:
                "this is not yours to see or decide (another department's, or not your role's)"
                    .into(),
        }
    }

    /// A department's decision on one of its permits.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: String,
        permit: String,
        decision: Decision,
    ) -> Result<OfficeApplication, ServiceError> {
        let case = self.case_to_decide(actor, &id, &permit, "decision").await?;
        let (action, detail) = match &decision {
            Decision::Approve { conditions } => {
                if let Some(c) = conditions {
                    check_text(c, "conditions")?;
                }
                self.license_still_as_asked(&case.request()?).await?;
                (
                    "decision.approve",
                    conditions
                        .as_ref()
                        .map(|c| c.en.clone())
                        .unwrap_or_default(),
                )
            }
            Decision::RequestCorrection { messages } => {
                self.check_corrections(&case, messages)?;
                let fields: Vec<&str> = messages.iter().map(|(k, _)| k.as_str()).collect();
                ("decision.request_correction", fields.join(","))
            }
            Decision::Reject { reason, appeal } => {
                check_text(reason, "reason")?;
                if let Some(a) = appeal {
                    check_text(a, "appeal")?;
                }
                ("decision.reject", reason.en.clone())
            }
        };
        let catalog = self.catalog().data();
        let inspection_needed = catalog.permit(&permit).is_some_and(|p| p.grant.inspection);
        let appeal = named(catalog.permit(&permit).map(|p| &p.grant.appeal), "");
        let (case, before) = self
            .change(&id, |case, now| {
                if case.status != ApplicationStatus::UnderReview {
                    return Err(not_pending());
                }
                let p = case.permit_mut(&permit)?;
                if !p.pending() || p.mode != GrantMode::Review {
                    return Err(not_pending());
                }
                let event = match &decision {
                    Decision::Approve { conditions } => {
                        let passed = p
                            .inspections
                            .last()
                            .is_some_and(|i| i.result == InspectionResult::Passed);
                        if inspection_needed && !passed {
                            return Err(ServiceError::conflict(
                                "inspection_required",
                                "this permit needs a passed on-site inspection before it is approved: record the inspection first",
                            ));
                        }
                        p.status = PermitStatus::Approved;
                        p.conditions = conditions.clone();
                        p.corrections = FieldIssues::new();
                        Some(TimelineEvent::Approved)
                    }
                    Decision::RequestCorrection { messages } => {
                        // Held until every department still reviewing has answered.
                        p.status = PermitStatus::CorrectionRequested;
                        p.corrections = messages.clone();
                        None
                    }
                    Decision::Reject { reason, appeal: given } => {
                        p.status = PermitStatus::Rejected;
                        p.corrections = FieldIssues::new();
                        p.rejection = Some(Rejection {
                            reason: reason.clone(),
                            appeal: given.clone().unwrap_or_else(|| appeal.clone()),
                        });
                        Some(TimelineEvent::Rejected)
                    }
                };
                if let Some(event) = event {
                    case.log(now, event, Some(&permit));
                }
                case.settle(now);
                Ok(())
            })
            .await?;
        self.audit_action(&actor.username, action, Some(&id), Some(&permit), detail)
            .await?;
        self.notify_if_changed(&case, before);
        if case.status == ApplicationStatus::Issued {
            self.issue_case(&case).await?;
        }
        self.office_view(actor, &case).await
    }

    /// Corrections name fields of this application's form, each with a message in both
    /// languages.
    fn check_corrections(&self, case: &Case, messages: &FieldIssues) -> Result<(), ServiceError> {
        if messages.is_empty() {
            return Err(invalid(
                "corrections_required",
                "name at least one field to correct",
                "messages",
                "请至少指出一项需要补正的内容",
                "name at least one field to correct",
            ));
        }
        let req = case.request()?;
        let fields = self.catalog().fields_of(&req.industry, &req.scope)?;
        let mut wrong = ServiceError::unprocessable(
            "invalid_corrections",
            "each correction names a field of this application and says what to fix in Chinese and in English",
        );
        let mut any = false;
        for (field, issue) in messages.iter() {
            let known = fields.iter().any(|f| &f.def.id == field);
            let blank = issue.zh.trim().is_empty() || issue.en.trim().is_empty();
            let long = issue.zh.chars().count() > MAX_TEXT || issue.en.chars().count() > MAX_TEXT;
            if !known || blank || long {
                any = true;
                wrong = wrong.on_field(
                    super::catalog::truncate(field, 64),
                    if known {
                        FieldIssue::new(
                            "text_required",
                            "请用中文和英文写明需要补正的内容（各不超过2000字）",
                            "say what to fix in Chinese and in English (up to 2000 characters each)",
                        )
                    } else {
                        FieldIssue::new(
                            "unknown_field",
                            "本申请没有该项",
                            "this application has no such field",
                        )
                    },
                );
            }
        }
        if any { Err(wrong) } else { Ok(()) }
    }

    /// An on-site inspection of a permit still under review.
    pub async fn record_inspection(
        &self,
        actor: &Actor,
        id: String,
        permit: String,
        inspection: Inspection,
    ) -> Result<OfficeApplication, ServiceError> {
        self.case_to_decide(actor, &id, &permit, "inspection")
            .await?;
        let today = authority_today(self.now())?;
        match Date::parse(&inspection.date) {
            Some(d) if d <= today => {}
            _ => {
                return Err(invalid(
                    "invalid_date",
                    "the inspection's date: YYYY-MM-DD, not after today",
                    "date",
                    "请填写检查日期（不晚于今天）",
                    "give the inspection's date (not after today)",
                ));
            }
        }
        let inspector = inspection.inspector.trim();
        if inspector.is_empty() || inspector.chars().count() > 100 {
            return Err(invalid(
                "inspector_required",
                "name the inspector (up to 100 characters)",
                "inspector",
                "请填写检查人员（不超过100字）",
                "name the inspector (up to 100 characters)",
            ));
        }
        if inspection.note.chars().count() > MAX_TEXT {
            return Err(invalid(
                "note_too_long",
                "the note is longer than 2000 characters",
                "note",
                "备注不超过2000字",
                "the note is longer than 2000 characters",
            ));
        }
        let detail = format!(
            "{} {}",
            inspection.date,
            if inspection.result == InspectionResult::Passed {
                "passed"
            } else {
                "failed"
            }
        );
        let (case, _) = self
            .change(&id, |case, now| {
                if case.status != ApplicationStatus::UnderReview {
                    return Err(not_pending());
                }
                let p = case.permit_mut(&permit)?;
                if !p.pending() {
                    return Err(not_pending());
                }
                p.inspections.push(Inspection {
                    inspector: inspector.to_owned(),
                    ..inspection.clone()
                });
                case.log(now, TimelineEvent::InspectionRecorded, Some(&permit));
                Ok(())
            })
            .await?;
        self.audit_action(
            &actor.username,
            "inspection",
            Some(&id),
            Some(&permit),
            detail,
        )
        .await?;
        self.office_view(actor, &case).await
    }

    /// The applicant's answer to a refusal: drop the refused permit (the license comes for
    /// the rest once they are granted) or withdraw. The current revision's content proves
    /// the sender holds the application (its id alone is on the tracking QR).
    pub async fn applicant_decision(
        &self,
        id: String,
        decision: ApplicantDecision,
    ) -> Result<TrackingStatus, ServiceError> {
        check_id(&id)?;
        if decision.application.id != id {
            return Err(ServiceError::bad_request(
                "id_mismatch",
                "the application sent is not the one in the address",
            ));
        }
        let hash = content_hash(&decision.application)?;
        let (action, permit) = match &decision.decision {
            ApplicantChoice::Drop { permit } => {
                // Dropping a permit may complete a holder's change: only while it can be.
                self.license_still_as_asked(&decision.application).await?;
                ("applicant.drop", Some(permit.clone()))
            }
            ApplicantChoice::Withdraw => ("applicant.withdraw", None),
        };
        let (case, before) = self
            .change(&id, |case, now| {
                if case.stored.content_hash != hash {
                    return Err(ServiceError::conflict(
                        "not_current_revision",
                        "this is not the application's current revision",
                    ));
                }
                if case.status != ApplicationStatus::Rejected {
                    return Err(ServiceError::conflict(
                        "not_rejected",
                        "a permit can be dropped, or the application withdrawn, only after a refusal",
                    ));
                }
                match &decision.decision {
                    ApplicantChoice::Drop { permit } => {
                        let p = case.permit_mut(permit)?;
                        if p.status != PermitStatus::Rejected {
                            return Err(ServiceError::conflict(
                                "not_rejected",
                                "only a refused permit can be dropped",
                            ));
                        }
                        p.status = PermitStatus::Dropped;
                        case.log(now, TimelineEvent::PermitDropped, Some(permit));
                        case.settle(now);
                    }
                    ApplicantChoice::Withdraw => {
                        for p in &mut case.state.permits {
                            if p.pending() {
                                p.status = PermitStatus::Withdrawn;
                            }
                        }
                        case.status = ApplicationStatus::Withdrawn;
                        case.log(now, TimelineEvent::Withdrawn, None);
                    }
                }
                Ok(())
            })
            .await?;
        self.audit_action(
            "applicant",
            action,
            Some(&id),
            permit.as_deref(),
            String::new(),
        )
        .await?;
        self.notify_if_changed(&case, before);
        let (license, checks) = if case.status == ApplicationStatus::Issued {
            self.issue_case(&case).await?;
            (
                self.ledger().application(id.clone()).await?,
                self.ledger().application_checks(id).await?,
            )
        } else {
            (None, Vec::new())
        };
        self.case_tracking(case.stored, license, &checks)
    }

    /// `GET /api/applications/{id}` for a case: each permit's department, state, deadline
    /// and released messages, the timeline; no personal data (the business's name is the
    /// license's, not a person's).
    pub(super) fn case_tracking(
        &self,
        stored: StoredCase,
        license: Option<StoredApplication>,
        checks: &[StoredCheck],
    ) -> Result<TrackingStatus, ServiceError> {
        let case = Case::read(stored)?;
        let released = case.status == ApplicationStatus::CorrectionRequested;
        let catalog = self.catalog().data();
        let issued: Option<License> = license
            .as_ref()
            .map(|l| serde_json::from_str(&l.license))
            .transpose()
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let revoked = license.as_ref().and_then(|l| l.revoked.clone());
        let mut timeline = case.state.timeline.clone();
        if let Some(r) = &revoked {
            timeline.push(TimelineEntry {
                at: r.revoked_at,
                event: TimelineEvent::Revoked,
                permit: None,
            });
        }
        Ok(TrackingStatus {
            application_id: case.stored.id.clone(),
            status: match &license {
                Some(l) => status_of(l),
                None => case.status,
            },
            industry: Some(case.stored.industry.clone()),
            received_at: Some(case.stored.received_at),
            license_number: license.as_ref().map(|l| l.license_number.clone()),
            revoked_at: revoked.as_ref().map(|r| r.revoked_at),
            revocation_reason: revoked.map(|r| r.reason),
            business_name: Some(case.business_name()),
            issued_at: issued.as_ref().map(|l| l.issued_at),
            permits: case
                .state
                .permits
                .iter()
                .map(|p| {
                    Ok(TrackedPermit {
                        id: p.id.clone(),
                        department: named(catalog.permit(&p.id).map(|c| &c.department), &p.id),
                        mode: p.mode,
                        status: p.status,
                        due: p.due.clone().filter(|_| p.pending()),
                        messages: if released {
                            p.corrections.clone()
                        } else {
                            FieldIssues::new()
                        },
                        conditions: p.conditions.clone(),
                        rejection: p.rejection.clone(),
                        supervision: supervision(checks, &p.id)?,
                    })
                })
                .collect::<Result<_, ServiceError>>()?,
            revision: case.revision(),
            timeline,
        })
    }

    /// `GET /api/office/applications/{id}`: a reviewer only with a permit of their
    /// department in it, and only the values those permits' forms ask.
    pub async fn office_application(
        &self,
        actor: &Actor,
        id: String,
    ) -> Result<OfficeApplication, ServiceError> {
        let case = self.load(&id).await?;
        if !case
            .state
            .permits
            .iter()
            .any(|p| actor.may_see(&p.department))
        {
            return Err(self.deny(actor, Some(&id), None, "application").await);
        }
        // Reading an application's personal data is an action the log keeps.
        self.audit_action(
            &actor.username,
            "application.view",
            Some(&id),
            None,
            String::new(),
        )
        .await?;
        self.office_view(actor, &case).await
    }

    async fn office_view(
        &self,
        actor: &Actor,
        case: &Case,
    ) -> Result<OfficeApplication, ServiceError> {
        let catalog = self.catalog().data();
        let req = case.request()?;
        let values = case.values();
        let registry = match values["credit_code"].as_str() {
            Some(code) => self
                .ledger()
                .registry(code.to_owned())
                .await?
                .and_then(|r| serde_json::from_str::<Value>(&r).ok())
                .map(|r| registry_values(&r)),
            None => None,
        };
        let visible: Vec<&str> = case
            .state
            .permits
            .iter()
            .filter(|p| actor.role != Role::Reviewer || actor.may_decide(&p.department))
            .map(|p| p.id.as_str())
            .collect();
        let fields = self
            .catalog()
            .fields_of(&req.industry, &req.scope)?
            .into_iter()
            .filter(|f| f.used_by.iter().any(|u| visible.contains(&u.as_str())))
            .filter_map(|f| {
                let value = values.get(&f.def.id)?.as_str()?.to_owned();
                let registry_confirmed = registry
                    .as_ref()
                    .and_then(|r| r.get(&f.def.id))
                    .and_then(Value::as_str)
                    .is_some_and(|r| r == value);
                Some(OfficeField {
                    id: f.def.id.clone(),
                    label: f.def.label.clone(),
                    value,
                    registry_confirmed,
                    used_by: f.used_by.clone(),
                })
            })
            .collect();
        let open = case.status == ApplicationStatus::UnderReview;
        let permits = case
            .state
            .permits
            .iter()
            .map(|p| {
                let entry = catalog.permit(&p.id);
                OfficePermit {
                    id: p.id.clone(),
                    name: named(entry.map(|c| &c.name), &p.id),
                    department_id: p.department.clone(),
                    department: named(entry.map(|c| &c.department), &p.department),
                    mode: p.mode,
                    status: p.status,
                    due: p.due.clone().filter(|_| p.pending()),
                    inspection_required: p.mode == GrantMode::Review
                        && entry.is_some_and(|c| c.grant.inspection),
                    inspections: p.inspections.clone(),
                    corrections: p.corrections.clone(),
                    conditions: p.conditions.clone(),
                    rejection: p.rejection.clone(),
                    appeal: named(entry.map(|c| &c.grant.appeal), ""),
                    may_decide: open
                        && p.pending()
                        && p.mode == GrantMode::Review
                        && actor.may_decide(&p.department),
                }
            })
            .collect();
        Ok(OfficeApplication {
            application_id: case.stored.id.clone(),
            industry: case.stored.industry.clone(),
            business_name: case.business_name(),
            status: case.status,
            revision: case.revision(),
            received_at: case.stored.received_at,
            permits,
            fields,
            timeline: case.state.timeline.clone(),
        })
    }

    /// Permits waiting for a department (under review, or with a correction drafted and not
    /// yet sent): overdue first, then due within 2 working days, then the rest; a reviewer
    /// sees only their department's.
    pub async fn tasks(
        &self,
        actor: &Actor,
        department: Option<String>,
    ) -> Result<TaskList, ServiceError> {
        if let Some(d) = &department
            && !actor.may_see(d)
        {
            return Err(self.deny(actor, None, None, &format!("tasks {d}")).await);
        }
        let today = authority_today(self.now())?;
        let mut tasks = Vec::new();
        for stored in self
            .ledger()
            .cases(word(ApplicationStatus::UnderReview))
            .await?
        {
            let case = Case::read(stored)?;
            for p in &case.state.permits {
                let wanted = department.as_ref().is_none_or(|d| d == &p.department);
                if !(p.pending() && wanted && actor.may_see(&p.department)) {
                    continue;
                }
                let due = p.due.clone().unwrap_or_default();
                let Some(due_day) = Date::parse(&due) else {
                    continue;
                };
                tasks.push(Task {
                    application_id: case.stored.id.clone(),
                    permit: p.id.clone(),
                    department: p.department.clone(),
                    industry: case.stored.industry.clone(),
                    business_name: case.business_name(),
                    received_at: case.stored.received_at,
                    revision: case.revision(),
                    status: p.status,
                    due,
                    urgency: urgency(self.calendar(), today, due_day),
                });
            }
        }
        tasks.sort_by(|a, b| {
            (a.urgency, &a.due, a.received_at, &a.application_id).cmp(&(
                b.urgency,
                &b.due,
                b.received_at,
                &b.application_id,
            ))
        });
        Ok(TaskList {
            today: today.to_string(),
            tasks,
        })
    }

    /// The audit log (supervisors and administrators).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        application: Option<String>,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        if !matches!(actor.role, Role::Supervisor | Role::Admin) {
            return Err(self
                .deny(actor, application.as_deref(), None, "audit")
                .await);
        }
        if let Some(id) = &application {
            check_id(id)?;
        }
        Ok(self.ledger().audit_entries(application).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppState, Clock, Config, Database};

    /// Monday 2026-12-07, 10:00 in Shanghai.
    const MONDAY: i64 = 1_796_608_800;
    const DAY: i64 = 86_400;

    /// The services on a SQLite ledger of their own in `dir`, at a fixed instant.
    async fn services(dir: &std::path::Path, now: i64) -> Services {
        let state = AppState::open(Config {
            data_dir: dir.join("data"),
            database: Some(Database::Sqlite(dir.join("yiye.sqlite3"))),
            key_dir: None,
            dist_dir: dir.join("dist"),
            admin_token: None,
            issuer: "yiye-test".into(),
            authority_name: Text::new("测试局", "Test Bureau"),
            clock: Clock::Fixed(now),
            secure_cookies: false,
            trust: None,
            status_max_age_days: crate::DEFAULT_STATUS_MAX_AGE_DAYS,
            validity: crate::ValidityPolicy::PerPermit,
            elicense: crate::ElicenseConfig::default(),
            calendar: Calendar::china(),
        })
        .await
        .unwrap();
        state.services().clone()
    }

    fn temp(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "yiye-review-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A convenience store with every permit on (food and drugs reviewed), filled as the
    /// registry's first enterprise would pre-fill it (the integration tests' `common`
    /// builds the same).
    fn shop(id: &str) -> ApplicationRequest {
        let catalog = catalog::Catalog::builtin();
        let industry = catalog.industry("convenience_store").unwrap();
        let scope = industry.full_scope(catalog);
        let form = catalog.merge(&industry.id, &scope).unwrap();
        let mut values = catalog::FormValues::new();
        for field in form.fields() {
            use catalog::FieldKind::*;
            let v = match (&field.preset, field.def.kind) {
                (Some(p), _) => p.clone(),
                (None, Text) => "示例内容".into(),
                (None, CreditCode) => "91110108551385082Q".into(),
                (None, IdNumber) => "11010519491231002X".into(),
                (None, Phone) => "13812345678".into(),
                (None, Email) => "owner@example.com".into(),
                (None, Date) => match field.def.date_rule {
                    Some(catalog::DateRule::NotInPast) => "2030-12-31".into(),
                    _ => "2020-01-15".into(),
                },
                (None, Number | Integer) => field.def.min.unwrap_or(1.0).max(1.0).to_string(),
                (None, Choice | MultiChoice) => field.def.options[0].value.clone(),
                (None, Division) => "310115".into(),
                (None, PostalCode) => "200120".into(),
                (None, YesNo) => "no".into(),
                (None, TimeRange) => "07:00-23:00".into(),
            };
            values.insert(field.def.id.clone(), v);
        }
        values.insert("legal_rep_id_type".into(), "resident_id".into());
        values.insert("premises_address".into(), "科苑路88号1层102室".into());
        let (_, record) = &super::super::catalog::registry_seed().unwrap()[0];
        let record: Value = serde_json::from_str(record).unwrap();
        for (k, v) in registry_values(&record).as_object().unwrap() {
            if let (true, Some(v)) = (values.contains_key(k), v.as_str()) {
                values.insert(k.clone(), v.to_owned());
            }
        }
        ApplicationRequest {
            id: id.into(),
            industry: industry.id.clone(),
            scope,
            values,
            review_requested: Vec::new(),
            license: None,
        }
    }

    fn staff(role: Role, department: Option<&str>) -> Actor {
        Actor {
            username: format!("{role:?}-{}", department.unwrap_or("all")).to_lowercase(),
            role,
            department: department.map(str::to_owned),
        }
    }

    fn forbidden<T: std::fmt::Debug>(r: Result<T, ServiceError>) {
        assert!(
            matches!(r, Err(ServiceError::Forbidden { .. })),
            "not refused: {r:?}"
        );
    }

    #[tokio::test]
    async fn each_reviewer_sees_and_decides_only_their_department() {
        let dir = temp("access");
        let s = services(&dir, MONDAY).await;
        assert!(matches!(
            s.submit(shop("a-1")).await.unwrap(),
            Submitted::Received(_)
        ));
        let amr = staff(Role::Reviewer, Some("amr"));
        let drugs = staff(Role::Reviewer, Some("amr-drugs"));
        let police = staff(Role::Reviewer, Some("police"));
        let clerk = staff(Role::Clerk, None);
        let supervisor = staff(Role::Supervisor, None);

        let mine = s.tasks(&amr, None).await.unwrap();
        let permits: Vec<&str> = mine.tasks.iter().map(|t| t.permit.as_str()).collect();
        assert_eq!(permits, ["food_business"]);
        assert_eq!(
            mine.tasks[0].business_name,
            shop("x").values["business_name"]
        );
        forbidden(s.tasks(&amr, Some("amr-drugs".into())).await);
        assert_eq!(s.tasks(&supervisor, None).await.unwrap().tasks.len(), 2);
        assert_eq!(
            s.tasks(&clerk, Some("amr-drugs".into()))
                .await
                .unwrap()
                .tasks[0]
                .permit,
            "drug_retail"
        );

        // The market regulator's reviewer sees the values its permits' forms ask (food, and
        // liquor it grants on commitment), not the drug form's; and what the registry vouches.
        let view = s.office_application(&amr, "a-1".into()).await.unwrap();
        let field = |id: &str| view.fields.iter().find(|f| f.id == id);
        let amr_permits = ["food_business", "liquor_retail"];
        assert!(
            view.fields
                .iter()
                .all(|f| f.used_by.iter().any(|u| amr_permits.contains(&u.as_str())))
        );
        assert!(field("business_name").unwrap().registry_confirmed);
        assert!(!field("premises_address").unwrap().registry_confirmed);
        let drug_only = view.fields.len()
            < s.office_application(&supervisor, "a-1".into())
                .await
                .unwrap()
                .fields
                .len();
        assert!(
            drug_only,
            "the supervisor sees more values than one department"
        );
        let may: Vec<(&str, bool)> = view
            .permits
            .iter()
            .filter(|p| p.mode == GrantMode::Review)
            .map(|p| (p.id.as_str(), p.may_decide))
            .collect();
        assert_eq!(may, [("food_business", true), ("drug_retail", false)]);

        // Another department's permit, another department's application, a clerk deciding,
        // a reviewer reading the audit log: refused, and logged.
        let approve = Decision::Approve { conditions: None };
        forbidden(
            s.decide(&amr, "a-1".into(), "drug_retail".into(), approve.clone())
                .await,
        );
        forbidden(s.office_application(&police, "a-1".into()).await);
        forbidden(
            s.decide(
                &clerk,
                "a-1".into(),
                "food_business".into(),
                approve.clone(),
            )
            .await,
        );
        forbidden(s.audit_log(&drugs, None).await);
        let log = s.audit_log(&supervisor, Some("a-1".into())).await.unwrap();
        let denied: Vec<(&str, Option<&str>)> = log
            .iter()
            .filter(|e| e.action == "access_denied")
            .map(|e| (e.actor.as_str(), e.permit.as_deref()))
            .collect();
        assert_eq!(
            denied,
            [
                ("reviewer-amr", Some("drug_retail")),
                ("reviewer-police", None),
                ("clerk-all", Some("food_business")),
            ]
        );
        assert!(
            log.iter()
                .any(|e| e.actor == "reviewer-amr" && e.action == "application.view")
        );
        let everything = s.audit_log(&supervisor, None).await.unwrap();
        assert!(
            everything
                .iter()
                .any(|e| e.actor == "reviewer-amr-drugs" && e.action == "access_denied")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn deadlines_run_in_working_days_from_acceptance() {
        let dir = temp("due");
        let s = services(&dir, MONDAY).await;
        s.submit(shop("d-1")).await.unwrap();
        let supervisor = staff(Role::Supervisor, None);
        let at = |days: i64| services(&dir, MONDAY + days * DAY);
        let queue = |list: TaskList| {
            list.tasks
                .into_iter()
                .map(|t| (t.permit, t.due, t.urgency))
                .collect::<Vec<_>>()
        };
        // Food: 10 working days from Monday 7 December; drugs: 20 (over two weekends more).
        let food = ("food_business".to_owned(), "2026-12-21".to_owned());
        let drug = ("drug_retail".to_owned(), "2027-01-04".to_owned());
        let with = |p: &(String, String), u| (p.0.clone(), p.1.clone(), u);
        assert_eq!(
            queue(s.tasks(&supervisor, None).await.unwrap()),
            [with(&food, Urgency::New), with(&drug, Urgency::New)]
        );
        // Thursday 17 December: two working days left for food.
        assert_eq!(
            queue(at(10).await.tasks(&supervisor, None).await.unwrap()),
            [with(&food, Urgency::DueSoon), with(&drug, Urgency::New)]
        );
        // Tuesday 22 December: food is overdue, and first in the queue.
        let late = at(15).await.tasks(&supervisor, None).await.unwrap();
        assert_eq!(late.today, "2026-12-22");
        assert_eq!(
            queue(late),
            [with(&food, Urgency::Overdue), with(&drug, Urgency::New)]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn urgency_counts_working_days() {
        let china = Calendar::china();
        let urgency = |today, due| urgency(&china, day(today), day(due));
        // 2026-12-04 is a Friday; 2026-12-08 a Tuesday: two working days on.
        assert_eq!(urgency("2026-12-04", "2026-12-08"), Urgency::DueSoon);
        assert_eq!(urgency("2026-12-04", "2026-12-09"), Urgency::New);
        assert_eq!(urgency("2026-12-09", "2026-12-08"), Urgency::Overdue);
        assert_eq!(urgency("2026-12-08", "2026-12-08"), Urgency::DueSoon);
        // Friday 2026-02-13 to Tuesday 2026-02-24: the worked Saturday, the Spring Festival
        // off, Tuesday: two working days.
        assert_eq!(urgency("2026-02-13", "2026-02-24"), Urgency::DueSoon);
    }

    #[test]
    fn due_dates_skip_weekends_and_public_holidays() {
        let china = Calendar::china();
        // Accepted Friday 2026-12-04: 10 working days → Friday 2026-12-18.
        assert_eq!(
            due_after(&china, day("2026-12-04"), 10).unwrap(),
            "2026-12-18"
        );
        // Accepted Wednesday 2026-09-30: National Day week off, Saturday 10 October worked.
        assert_eq!(
            due_after(&china, day("2026-09-30"), 2).unwrap(),
            "2026-10-09"
        );
        assert_eq!(
            due_after(&china, day("2026-09-30"), 3).unwrap(),
            "2026-10-10"
        );
    }
}
