//! The contract between the server and the web apps: the JSON of `/api` as Rust types, used by
//! both sides so the compiler sees every change to it. Pure (no HTTP, no DOM, no clock); it
//! builds for wasm32 like `catalog` and `signer`.
//!
//! Field names are the README's documented JSON; keep them stable. Statuses are enums, never
//! string literals.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod field_map;

use serde::{Deserialize, Serialize};

pub use field_map::FieldMap;

/// The one bilingual text type (Chinese and English), the catalog's.
pub use catalog::Text;

/// `POST /api/applications`: an application as the browser's outbox sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRequest {
    /// Client-generated, unique per application; the idempotency key.
    pub id: String,
    pub industry: String,
    /// Business-scope answers: question id → `true`/`false` or a number.
    #[serde(default)]
    pub scope: catalog::ScopeAnswers,
    /// Field id → text as typed.
    #[serde(default)]
    pub values: catalog::FormValues,
    /// Permits the catalog grants on commitment for which the applicant asked for a
    /// department's review instead (only where `grant.review_allowed`). Every other
    /// commitment permit is granted on the commitment the declaration accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_requested: Vec<String>,
    /// A holder's change, renewal or cancellation of a license they hold (#18); absent for a
    /// new license. A change or renewal carries the whole form, pre-filled from the current
    /// version, and goes through the same review; a cancellation carries no values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseRequest>,
}

/// What a holder asks of a license they hold: each is an application of its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderRequest {
    /// New particulars (business name, legal representative, address, opening hours, the
    /// business scope and so the permits): version N+1 for the rest of the term.
    Change,
    /// Before expiry: version N+1 with a new term.
    Renewal,
    /// The holder gives the license up (注销): its current version becomes cancelled.
    Cancellation,
}
// JSON: the variant in snake_case.
catalog::json_str_enum!(HolderRequest {
    Change = "change",
    Renewal = "renewal",
    Cancellation = "cancellation",
});

/// `ApplicationRequest::license`: the license a holder's application is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseRequest {
    pub number: String,
    /// The version the form was filled from; no longer current → 409 `version_changed`.
    pub based_on: u16,
    pub purpose: HolderRequest,
    /// The id of an application of this license (the one it was issued on, or a later change
    /// or renewal): what shows that the device holds it, until applicants sign in.
    pub holder_proof: String,
    /// The holder's reason, in their words (a cancellation's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How a permit is granted: on commitment or after review (the catalog's).
pub use catalog::GrantMode;

/// Where an application stands. An application whose permits are all granted on commitment
/// is issued at once; otherwise it is under review until every department has answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Received,
    UnderReview,
    CorrectionRequested,
    Issued,
    /// Issued, then revoked by the authority.
    Revoked,
    /// A permit was refused: the applicant may drop it (and receive a license for the rest)
    /// or withdraw.
    Rejected,
    Withdrawn,
    /// A holder's cancellation of their license, recorded (the license's standing says since
    /// when).
    Cancelled,
}
// JSON: the variant in snake_case.
catalog::json_str_enum!(ApplicationStatus {
    Received = "received",
    UnderReview = "under_review",
    CorrectionRequested = "correction_requested",
    Issued = "issued",
    Revoked = "revoked",
    Rejected = "rejected",
    Withdrawn = "withdrawn",
    Cancelled = "cancelled",
});

/// Where one permit of an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitStatus {
    /// Waiting for its department's decision.
    UnderReview,
    /// Its department asked for corrections (shown to the applicant once every department
    /// still reviewing has answered: one request, everything at once).
    CorrectionRequested,
    Approved,
    /// Granted on the applicant's commitment when the application was accepted.
    GrantedOnCommitment,
    Rejected,
    /// Refused, and given up by the applicant to receive a license for the rest.
    Dropped,
    /// The application was withdrawn before a decision.
    Withdrawn,
}
// JSON: the variant in snake_case.
catalog::json_str_enum!(PermitStatus {
    UnderReview = "under_review",
    CorrectionRequested = "correction_requested",
    Approved = "approved",
    GrantedOnCommitment = "granted_on_commitment",
    Rejected = "rejected",
    Dropped = "dropped",
    Withdrawn = "withdrawn",
});

impl PermitStatus {
    /// Whether the department has nothing left to decide.
    pub fn is_decided(self) -> bool {
        !matches!(
            self,
            PermitStatus::UnderReview | PermitStatus::CorrectionRequested
        )
    }
}

/// One permit of an issued license, as the applicant's license page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedPermit {
    /// Catalog permit code (the credential's permit kind).
    pub kind: u16,
    /// Catalog permit id.
    pub id: String,
    pub number: String,
    pub name: Text,
    pub department: Text,
    pub valid_from: i64,
    /// `None`: no fixed term (the catalog gives the permit no validity: a filing, a one-off
    /// approval). Licenses issued before this was possible carry the license's end.
    pub valid_until: Option<i64>,
}

/// A validation finding on one field: what is wrong and how to fix it, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldIssue {
    /// Machine-readable reason, e.g. `required`, `credit_code_check`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    pub zh: String,
    pub en: String,
}

impl FieldIssue {
    pub fn new(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        FieldIssue {
            code: code.to_owned(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message as one bilingual text.
    pub fn text(&self) -> Text {
        Text::new(self.zh.clone(), self.en.clone())
    }
}

/// Findings by field id. A [`FieldMap`], not a `BTreeMap`: the browser's wasm stays small.
pub type FieldIssues = FieldMap<FieldIssue>;

/// The combined license as issued (`POST /api/applications` → `license`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct License {
    pub number: String,
    /// The signing key's id.
    pub kid: String,
    /// Catalog industry id.
    pub industry: String,
    pub issued_at: i64,
    pub valid_from: i64,
    pub valid_until: i64,
    pub permits: Vec<IssuedPermit>,
    /// Exactly what the QR code carries, signed.
    pub claims: signer::LicenseClaims,
    pub qr_text: String,
    /// Findings that did not stop issuance (e.g. a credit code the registry vouches for);
    /// absent when there are none.
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub warnings: FieldIssues,
    /// The issuing authority's name as configured when it issued (`--authority-name-zh/-en`),
    /// for "Issued by"; absent on licenses issued before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<Text>,
    /// This version's national e-license identifier (GB/T 36904, 电子证照标识); absent on
    /// licenses issued before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elicense_id: Option<String>,
}

/// `POST /api/applications` → 201 (or 200 for the same id again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedAnswer {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub license: License,
}

/// `POST /api/applications` → 202: received and accepted, waiting for at least one
/// department (or for the applicant's correction or decision). The applicant's app learns of
/// the outcome by `GET /api/applications/{id}`; once `issued`, the same request sent again
/// answers 200 with the license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedAnswer {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub revision: u32,
}

/// `GET /api/applications/{id}`: where an application stands, without personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackingStatus {
    pub application_id: String,
    pub status: ApplicationStatus,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub received_at: Option<i64>,
    #[serde(default)]
    pub license_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// The business the application is for (the license's name; never a person's data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    /// Each permit the application combines, with its department and where it stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permits: Vec<TrackedPermit>,
    /// The revision under consideration: 1 as first sent, one more for each correction.
    #[serde(default = "first_revision")]
    pub revision: u32,
    /// What happened to the application, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
}

fn first_revision() -> u32 {
    1
}

/// One permit of a tracked application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedPermit {
    /// Catalog permit id.
    pub id: String,
    /// The reviewing department's name.
    pub department: Text,
    pub mode: GrantMode,
    pub status: PermitStatus,
    /// The statutory deadline of the decision (`YYYY-MM-DD`, the authority's calendar), while
    /// the department is reviewing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Corrections asked for, by field id: shown once every department still reviewing has
    /// answered.
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub messages: FieldIssues,
    /// Conditions attached to an approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Text>,
    /// Why the permit was refused, and where to appeal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    /// Granted on commitment: the supervising department's check afterwards and, once
    /// recorded, what it found. (Only with the `supervision` feature: without it the member
    /// is skipped unread, and the type carries no code for it.)
    #[cfg(feature = "supervision")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
}

impl TrackedPermit {
    /// A permit in this state, with nothing more to say (no deadline, messages, conditions,
    /// refusal or check): what the optional members start from.
    pub fn new(id: String, department: Text, mode: GrantMode, status: PermitStatus) -> Self {
        TrackedPermit {
            id,
            department,
            mode,
            status,
            due: None,
            messages: FieldIssues::new(),
            conditions: None,
            rejection: None,
            #[cfg(feature = "supervision")]
            supervision: None,
        }
    }
}

/// The check after a commitment (审管联动), as the tracking answer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    /// The check is due by this day (`YYYY-MM-DD`, the authority's calendar).
    pub due: String,
    /// When the result was recorded (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<CheckFinding>,
}

/// What the supervising department found on site; `POST
/// /api/office/checks/{id}/permits/{permit}/result` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CheckFinding {
    /// The business is as committed.
    Honoured,
    /// The commitment was false: what was found, the legal reason, and what follows for the
    /// license (recorded in the same transaction as the finding).
    FalseCommitment {
        findings: Text,
        legal_reason: Text,
        /// Revocation when absent (what findings recorded before suspensions meant).
        #[serde(default)]
        consequence: Consequence,
    },
}

/// What a false commitment does to the license.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Consequence {
    #[default]
    Revocation,
    /// Suspended until the holder puts things right; `until` is `YYYY-MM-DD`, today or later.
    Suspension { until: String },
}

/// A refusal: the legal reason and the appeal route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: Text,
    pub appeal: Text,
}

/// What happened to an application, as the applicant and the office see it. Staff names are
/// not in it (the audit log has them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Unix seconds.
    pub at: i64,
    pub event: TimelineEvent,
    /// The permit concerned, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineEvent {
    Received,
    /// Complete and valid: accepted by the bureau; the time limits run from here.
    Accepted,
    GrantedOnCommitment,
    /// Every department still reviewing has answered and at least one asked for corrections.
    CorrectionRequested,
    /// A corrected revision arrived.
    RevisionReceived,
    InspectionRecorded,
    Approved,
    Rejected,
    PermitDropped,
    Withdrawn,
    Issued,
    Revoked,
}
// JSON: the variant in snake_case.
catalog::json_str_enum!(TimelineEvent {
    Received = "received",
    Accepted = "accepted",
    GrantedOnCommitment = "granted_on_commitment",
    CorrectionRequested = "correction_requested",
    RevisionReceived = "revision_received",
    InspectionRecorded = "inspection_recorded",
    Approved = "approved",
    Rejected = "rejected",
    PermitDropped = "permit_dropped",
    Withdrawn = "withdrawn",
    Issued = "issued",
    Revoked = "revoked",
});

/// `POST /api/applications/{id}/decision`: the applicant's answer to a refusal. Carries the
/// current revision of the application as proof that the sender holds it (the id alone is
/// printed on the tracking QR).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicantDecision {
    pub application: ApplicationRequest,
    pub decision: ApplicantChoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "choice")]
pub enum ApplicantChoice {
    /// Give up a refused permit and receive a license for the rest.
    Drop { permit: String },
    /// Withdraw the whole application.
    Withdraw,
}

/// Every error answer: `{"error": code, "message": text, "fields": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(default)]
    pub fields: FieldIssues,
}

/// `POST /api/admin/revocations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub license_number: String,
    pub reason: String,
}

/// `POST /api/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub qr_text: String,
}

/// `POST /api/admin/devices`: a device whose hand-over QR codes the authority will accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The device's own name for itself, e.g. "icbc-pudong-03".
    pub device_id: String,
    /// Ed25519 public key, 64 hex digits, as the device shows it.
    pub public_key: String,
}

/// `POST /api/handover`: an application handed over with no network, as scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOverRequest {
    /// The QR texts: one `YYH1:` text, or every `YYHP:i/n:` part in any order.
    pub qr_texts: Vec<String>,
}

// ---- The back office (`/api/office/*`, staff signed in with a session cookie) ----

/// A member of staff's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The approval bureau's clerk: sees every application, accepts at the counter.
    Clerk,
    /// Decides the permits of one department.
    Reviewer,
    /// Oversees every department: queues, decisions, the audit log.
    Supervisor,
    /// Manages accounts; sees everything.
    Admin,
}

/// `POST /api/office/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `GET /api/office/me` and the answer to a login: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A reviewer's department (catalog `grant.department`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// Which queue a task is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    /// Due within 2 working days.
    DueSoon,
    New,
}

/// `GET /api/office/tasks[?department=SLUG]`: permits waiting for a department's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskList {
    /// The authority's today (`YYYY-MM-DD`), from the server's clock.
    pub today: String,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub application_id: String,
    pub permit: String,
    pub department: String,
    pub industry: String,
    pub business_name: String,
    pub received_at: i64,
    pub revision: u32,
    pub status: PermitStatus,
    pub due: String,
    pub urgency: Urgency,
}

/// `GET /api/office/checks[?department=SLUG]`: the checks after a commitment, open ones
/// first (overdue, due within 2 working days, the rest), then the recorded ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckList {
    /// The authority's today (`YYYY-MM-DD`).
    pub today: String,
    pub checks: Vec<CheckTask>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckTask {
    pub application_id: String,
    pub permit: String,
    pub department: String,
    pub license_number: String,
    pub industry: String,
    pub business_name: String,
    pub issued_at: i64,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// While open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<CheckFinding>,
}

/// `GET /api/office/checks/{id}/permits/{permit}`: one check with what it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeCheck {
    pub application_id: String,
    pub permit: String,
    pub permit_name: Text,
    pub department_id: String,
    pub department: Text,
    pub license_number: String,
    /// `issued`, or `revoked` (by this check or otherwise).
    pub license_status: ApplicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// The current version's state (suspended until when, cancelled, …); absent for a license
    /// issued before versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<LicenseStanding>,
    pub industry: String,
    pub business_name: String,
    pub credit_code: String,
    /// The premises (经营场所) the license states: where the check happens.
    pub premises: String,
    pub issued_at: i64,
    /// What the applicant committed to.
    pub commitment: Text,
    /// Whether the rules ask for an on-site check.
    pub on_site: bool,
    pub due: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<CheckFinding>,
    /// Whether the viewer may record the result now.
    pub may_record: bool,
}

/// `GET /api/office/applications/{id}`: an application as a reviewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeApplication {
    pub application_id: String,
    pub industry: String,
    pub business_name: String,
    pub status: ApplicationStatus,
    pub revision: u32,
    pub received_at: i64,
    pub permits: Vec<OfficePermit>,
    /// The values that concern the permits the viewer may decide (every value for a clerk,
    /// supervisor or admin), in form order.
    pub fields: Vec<OfficeField>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficePermit {
    pub id: String,
    pub name: Text,
    /// The department's slug, and its name.
    pub department_id: String,
    pub department: Text,
    pub mode: GrantMode,
    pub status: PermitStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub inspection_required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<Inspection>,
    /// Corrections this department asked for (also before they are sent).
    #[serde(default, skip_serializing_if = "FieldMap::is_empty")]
    pub corrections: FieldIssues,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    /// The catalog's appeal route, offered when refusing.
    pub appeal: Text,
    /// Whether the viewer may decide this permit.
    pub may_decide: bool,
}

/// One value of an application, for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeField {
    pub id: String,
    pub label: Text,
    pub value: String,
    /// Pre-filled from the registry and unchanged: the registry confirms it.
    pub registry_confirmed: bool,
    /// The permits whose forms ask it.
    pub used_by: Vec<String>,
}

/// `POST /api/office/applications/{id}/permits/{permit}/decision`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
pub enum Decision {
    Approve {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conditions: Option<Text>,
    },
    /// Per field, a message in plain language in both languages.
    RequestCorrection { messages: FieldIssues },
    Reject {
        reason: Text,
        /// The catalog's route when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        appeal: Option<Text>,
    },
}

/// `POST /api/office/applications/{id}/permits/{permit}/inspections`: an on-site inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub inspector: String,
    pub result: InspectionResult,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    Passed,
    Failed,
}

/// A license version's state (the national e-license status codes: valid, suspended 暂扣,
/// revoked 撤销/吊销, cancelled by the holder 注销; superseded by a newer version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseState {
    Valid,
    Superseded,
    Suspended,
    Revoked,
    Cancelled,
}
// JSON: the variant in snake_case.
catalog::json_str_enum!(LicenseState {
    Valid = "valid",
    Superseded = "superseded",
    Suspended = "suspended",
    Revoked = "revoked",
    Cancelled = "cancelled",
});

/// Where a license's current version stands: the answer of the admin lifecycle routes
/// (`POST /api/admin/licenses/{number}/…`), and part of `GET /api/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseStanding {
    pub license_number: String,
    pub version: u16,
    /// Its entry in the issuer's status list.
    pub status_index: u32,
    pub state: LicenseState,
    /// The day the state began, `YYYY-MM-DD` (the authority's calendar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// A suspension's announced last day, `YYYY-MM-DD`; only a reinstatement ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Why the state was set (the legal reason of a revocation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every version of the license, oldest first (in `GET /api/applications/{id}` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<LicenseVersion>,
}

/// One version of a license, as its holder's history shows it: no values, so no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseVersion {
    pub version: u16,
    /// `YYYY-MM-DD`, the authority's calendar.
    pub issued_on: String,
    /// The last day of its term, `YYYY-MM-DD`; absent when no permit has a term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub state: LicenseState,
    /// The day the state began (a superseded version: the day the next one was issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// What issued it: absent for the first version and the authority's own changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<HolderRequest>,
    /// The catalog field ids whose value it changed from the version before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

/// `POST /api/admin/licenses/{number}/suspension`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionRequest {
    /// Announced last day, `YYYY-MM-DD`, today or later.
    pub until: String,
    pub reason: String,
}

/// `POST /api/admin/licenses/{number}/reinstatement`, `/revocation`, `/cancellation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonRequest {
    pub reason: String,
}

/// `POST /api/admin/licenses/{number}/versions`: version N+1 from the current one with what
/// changes (at least one field); everything else is carried over.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewVersionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    /// Street and door number (the division stays: it is the issuer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_detail: Option<String>,
    /// Why (e.g. "change of legal representative, holder's request of 2026-12-01").
    pub reason: String,
    /// The version the change was made from; when given and no longer current, 409
    /// `version_changed` (two changes made from the same version: one is issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub based_on: Option<u16>,
}

/// `GET /api/admin/licenses/{number}/metadata`: the current version's metadata in the
/// fields of GB/T 36903 (电子证照元数据), for a provincial e-license platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseMetadata {
    /// GB/T 36904 identifier of this version.
    pub elicense_id: String,
    /// 证照类型代码 and 证照类型名称.
    pub license_type_code: String,
    pub license_type_name: Text,
    /// 证照编号.
    pub license_number: String,
    /// 版本号.
    pub version: u16,
    /// 颁证日期, `YYYY-MM-DD`.
    pub issue_date: String,
    /// 颁证单位 and 颁证单位代码.
    pub issuer_name: Text,
    pub issuer_code: String,
    /// 有效期起始/截止, `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_until: String,
    /// 行政区划代码 (GB/T 2260).
    pub region_code: String,
    /// 持证主体 and 持证主体代码 (unified social credit code).
    pub holder_name: String,
    pub holder_code: String,
    /// 证照状态.
    pub status: LicenseState,
}

/// `GET /api/office/audit[?application=ID]`: one staff action (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    /// The username, or `admin-token` for a machine call, or what was typed for a failed
    /// login.
    pub actor: String,
    /// e.g. `login`, `login_failed`, `decision.approve`, `access_denied`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
    /// What else matters (never a password).
    #[serde(default)]
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_snake_case_words() {
        let words: Vec<String> = [
            ApplicationStatus::Received,
            ApplicationStatus::UnderReview,
            ApplicationStatus::CorrectionRequested,
            ApplicationStatus::Issued,
            ApplicationStatus::Revoked,
            ApplicationStatus::Rejected,
            ApplicationStatus::Withdrawn,
        ]
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
        assert_eq!(
            words.join(" "),
            r#""received" "under_review" "correction_requested" "issued" "revoked" "rejected" "withdrawn""#
        );
    }

    #[test]
    fn a_tracking_status_reads_without_the_fields_added_later() {
        let status: TrackingStatus = serde_json::from_str(
            r#"{"application_id":"a","status":"revoked","license_number":"n","received_at":1,"revoked_at":2}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status.status, ApplicationStatus::Revoked);
        assert_eq!((status.industry, status.revocation_reason), (None, None));
    }

    #[test]
    fn an_error_body_reads_with_or_without_field_codes() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":"invalid_fields","message":"m","fields":{"a":{"zh":"甲","en":"A"},"b":{"code":"required","zh":"乙","en":"B"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let field = |id: &str| {
            body.fields
                .get(id)
                .cloned()
                .unwrap_or_else(|| panic!("{id}"))
        };
        assert_eq!(field("a").code, "");
        assert_eq!(field("b").code, "required");
        assert_eq!(field("b").text(), Text::new("乙", "B"));
    }
}
