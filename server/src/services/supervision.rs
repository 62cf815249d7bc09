//! Supervision after commitment (审管联动): a permit granted on the applicant's commitment is
//! checked afterwards by its department, within the period its rules set
//! (`grant.check_within_days`). The checks are made with the license, in its issuing
//! transaction (`NewApplication::checks`); a department's reviewers, supervisors and
//! administrators list them and record what they found; a false commitment revokes the license
//! in the same transaction, so it is on the signed revocation list from then on.

use catalog::{Calendar, Date, GrantMode};
use contract::{
    ApplicationStatus, CheckFinding, CheckList, CheckTask, Consequence, License, OfficeCheck, Role,
    Supervision, Text,
};
use serde::{Deserialize, Serialize};

use super::lifecycle::{refused, standing};
use super::review::{authority_today, check_text, named, urgency};
use super::staff::Actor;
use super::{ServiceError, Services};
use crate::ledger::{CheckConsequence, CheckRecorded, NewCheck, StoredCheck};

/// What the ledger keeps of a recorded check (`supervision_checks.outcome`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Outcome {
    /// `YYYY-MM-DD`, the authority's calendar.
    checked_on: String,
    /// The username (or `admin-token`).
    by: String,
    finding: CheckFinding,
}

fn outcome(check: &StoredCheck) -> Result<Option<Outcome>, ServiceError> {
    check
        .outcome
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ServiceError::internal("stored check outcome", e))
}

/// The checks a license brings: one per permit granted on commitment (`granted`, catalog
/// ids), due the catalog's period after the issue day.
pub(super) fn checks_for<'a>(
    catalog: &catalog::Catalog,
    calendar: &Calendar,
    granted: impl Iterator<Item = &'a str>,
    issued_at: i64,
    business_name: &str,
) -> Result<Vec<NewCheck>, ServiceError> {
    let issued_on = authority_today(issued_at)?;
    let mut checks = Vec::new();
    for id in granted {
        let Some(grant) = catalog.permit(id).map(|p| &p.grant) else {
            continue;
        };
        if grant.mode != GrantMode::Commitment || grant.check_within_days == 0 {
            continue;
        }
        let days = grant.check_within_days;
        let due = if grant.check_working_days {
            calendar.add_working_days(issued_on, days)
        } else {
            Date::from_unix_days(issued_on.to_unix_days() + i64::from(days))
        }
        .ok_or_else(|| ServiceError::internal("check due date", "past year 9999"))?;
        checks.push(NewCheck {
            permit: id.to_owned(),
            department: grant.department.clone(),
            due_on: due.to_string(),
            business_name: business_name.to_owned(),
        });
    }
    Ok(checks)
}

/// The tracking answer's view of one permit's check.
pub(super) fn supervision(
    checks: &[StoredCheck],
    permit: &str,
) -> Result<Option<Supervision>, ServiceError> {
    let Some(check) = checks.iter().find(|c| c.permit == permit) else {
        return Ok(None);
    };
    let recorded = outcome(check)?;
    Ok(Some(Supervision {
        due: check.due_on.clone(),
        checked_on: recorded.as_ref().map(|o| o.checked_on.clone()),
        finding: recorded.map(|o| o.finding),
    }))
}

/// Both languages in one line, as the revocation list's reason (one text per license).
fn reason_line(reason: &Text) -> String {
    format!("{} / {}", reason.zh.trim(), reason.en.trim())
}

impl Services {
    /// `GET /api/office/checks`: a reviewer sees their department's, a supervisor or an
    /// administrator every department's (or one's, with `department`); a clerk none.
    pub async fn checks(
        &self,
        actor: &Actor,
        department: Option<String>,
    ) -> Result<CheckList, ServiceError> {
        let wanted = match (actor.role, department) {
            (Role::Clerk, d) => {
                let what = format!("checks {}", d.unwrap_or_default());
                return Err(self.deny(actor, None, None, what.trim()).await);
            }
            (_, Some(d)) if !actor.may_decide(&d) => {
                return Err(self.deny(actor, None, None, &format!("checks {d}")).await);
            }
            (Role::Reviewer, None) => actor.department.clone(),
            (_, d) => d,
        };
        let today = authority_today(self.now())?;
        let mut checks = Vec::new();
        for c in self.ledger().checks(wanted).await? {
            if !actor.may_decide(&c.department) {
                continue;
            }
            let recorded = outcome(&c)?;
            let due = Date::parse(&c.due_on)
                .ok_or_else(|| ServiceError::internal("stored check", "due day"))?;
            checks.push(CheckTask {
                urgency: recorded
                    .is_none()
                    .then(|| urgency(self.calendar(), today, due)),
                checked_on: recorded.as_ref().map(|o| o.checked_on.clone()),
                finding: recorded.map(|o| o.finding),
                application_id: c.application_id,
                permit: c.permit,
                department: c.department,
                license_number: c.license_number,
                industry: c.industry,
                business_name: c.business_name,
                issued_at: c.created_at,
                due: c.due_on,
            });
        }
        // Open ones first, by urgency and due day; then the recorded ones.
        checks.sort_by(|a, b| {
            let recorded = |t: &CheckTask| t.urgency.is_none();
            (recorded(a), a.urgency, &a.due, &a.application_id, &a.permit).cmp(&(
                recorded(b),
                b.urgency,
                &b.due,
                &b.application_id,
                &b.permit,
            ))
        });
        Ok(CheckList {
            today: today.to_string(),
            checks,
        })
    }

    /// The check and the department it belongs to, if `actor` may act on it; a refusal is
    /// audited as `access_denied` on `what`.
    async fn check_for(
        &self,
        actor: &Actor,
        id: &str,
        permit: &str,
        what: &str,
    ) -> Result<StoredCheck, ServiceError> {
        super::issuance::check_id(id)?;
        let check = self
            .ledger()
            .application_checks(id.to_owned())
            .await?
            .into_iter()
            .find(|c| c.permit == permit)
            .ok_or(ServiceError::NotFound(
                "no check after a commitment for this application and permit",
            ))?;
        if actor.role == Role::Clerk || !actor.may_decide(&check.department) {
            return Err(self.deny(actor, Some(id), Some(permit), what).await);
        }
        Ok(check)
    }

    /// `GET /api/office/checks/{id}/permits/{permit}`: the check with the license, the
    /// permit, the commitment and the business (audited: it shows who holds the license).
    pub async fn office_check(
        &self,
        actor: &Actor,
        id: String,
        permit: String,
    ) -> Result<OfficeCheck, ServiceError> {
        let check = self.check_for(actor, &id, &permit, "check").await?;
        self.audit_action(
            &actor.username,
            "check.view",
            Some(&id),
            Some(&permit),
            String::new(),
        )
        .await?;
        self.check_view(actor, check).await
    }

    /// `POST /api/office/checks/{id}/permits/{permit}/result`: what was found on site; a false
    /// commitment revokes the license with the legal reason given.
    pub async fn record_check(
        &self,
        actor: &Actor,
        id: String,
        permit: String,
        finding: CheckFinding,
    ) -> Result<OfficeCheck, ServiceError> {
        let (action, detail, consequence) = match &finding {
            CheckFinding::Honoured => ("check.honoured", String::new(), None),
            CheckFinding::FalseCommitment {
                findings,
                legal_reason,
                consequence,
            } => {
                check_text(findings, "findings")?;
                check_text(legal_reason, "legal_reason")?;
                let reason = reason_line(legal_reason);
                let (followed, consequence) = match consequence {
                    Consequence::Revocation => {
                        ("revoked".to_owned(), CheckConsequence::Revoke { reason })
                    }
                    Consequence::Suspension { until: day } => (
                        format!("suspended until {day}"),
                        CheckConsequence::Suspend {
                            until: self.suspension_end(day)?,
                            reason,
                        },
                    ),
                };
                (
                    "check.false_commitment",
                    format!("{} | {followed}: {}", findings.en, legal_reason.en),
                    Some(consequence),
                )
            }
        };
        let check = self.check_for(actor, &id, &permit, "check result").await?;
        let now = self.now();
        let recorded = Outcome {
            checked_on: authority_today(now)?.to_string(),
            by: actor.username.clone(),
            finding,
        };
        let json = serde_json::to_string(&recorded)
            .map_err(|e| ServiceError::internal("check outcome", e))?;
        let followed = consequence.clone();
        match self
            .ledger()
            .record_check(id.clone(), permit.clone(), json, now, consequence)
            .await?
        {
            CheckRecorded::New => {}
            CheckRecorded::NotSuspended(changed) => return Err(refused(changed, "suspended")),
            CheckRecorded::Already => {
                return Err(ServiceError::conflict(
                    "already_checked",
                    "this check's result is recorded already",
                ));
            }
            CheckRecorded::Unknown => {
                return Err(ServiceError::NotFound(
                    "no check after a commitment for this application and permit",
                ));
            }
        }
        self.audit_action(&actor.username, action, Some(&id), Some(&permit), detail)
            .await?;
        match followed {
            Some(CheckConsequence::Revoke { .. }) => {
                tracing::info!(license = %check.license_number, "license revoked: false commitment");
            }
            Some(CheckConsequence::Suspend { .. }) => {
                tracing::info!(license = %check.license_number, "license suspended: false commitment");
            }
            None => {}
        }
        let check = self.check_for(actor, &id, &permit, "check").await?;
        self.check_view(actor, check).await
    }

    async fn check_view(
        &self,
        actor: &Actor,
        check: StoredCheck,
    ) -> Result<OfficeCheck, ServiceError> {
        let stored = self
            .ledger()
            .application(check.application_id.clone())
            .await?
            .ok_or_else(|| ServiceError::internal("check", "its license is missing"))?;
        let license: License = serde_json::from_str(&stored.license)
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let catalog = self.catalog().data();
        let entry = catalog.permit(&check.permit);
        let address = &license.claims.address;
        let premises = format!(
            "{}{}",
            catalog
                .division(address.division)
                .map(|d| d.zh.as_str())
                .unwrap_or_default(),
            address.detail
        );
        let recorded = outcome(&check)?;
        let today = authority_today(self.now())?;
        let due = Date::parse(&check.due_on)
            .ok_or_else(|| ServiceError::internal("stored check", "due day"))?;
        Ok(OfficeCheck {
            permit_name: named(entry.map(|p| &p.name), &check.permit),
            department: named(entry.map(|p| &p.department), &check.department),
            commitment: named(
                entry.and_then(|p| p.grant.commitment.as_ref()),
                &check.permit,
            ),
            on_site: entry.is_some_and(|p| p.grant.inspection),
            license_status: if stored.revoked.is_some() {
                ApplicationStatus::Revoked
            } else {
                ApplicationStatus::Issued
            },
            revocation_reason: stored.revoked.map(|r| r.reason),
            standing: self
                .ledger()
                .versions(check.license_number.clone())
                .await?
                .last()
                .map(standing),
            credit_code: license.claims.credit_code,
            premises,
            issued_at: license.issued_at,
            urgency: recorded
                .is_none()
                .then(|| urgency(self.calendar(), today, due)),
            checked_on: recorded.as_ref().map(|o| o.checked_on.clone()),
            checked_by: recorded.as_ref().map(|o| o.by.clone()),
            may_record: recorded.is_none() && actor.may_decide(&check.department),
            finding: recorded.map(|o| o.finding),
            application_id: check.application_id,
            permit: check.permit,
            department_id: check.department,
            license_number: check.license_number,
            industry: check.industry,
            business_name: check.business_name,
            due: check.due_on,
        })
    }
}
