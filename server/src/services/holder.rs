//! The holder's side of a license's life (#18): a change, a renewal or a cancellation is an
//! application of its own kind (`ApplicationRequest::license`). A change or renewal carries
//! the whole form and goes through the same machinery as a new application — validated by
//! the same catalog, granted on commitment at once (version N+1, 201) or kept as a review case
//! whose completion issues version N+1 instead of a new license; a cancellation is recorded at
//! once (202 `cancelled`). Each is in the ledger and the audit log (actor `holder`) in one
//! transaction, and in the next status list.

use catalog::Date;
use contract::{
    ApplicationRequest, ApplicationStatus, AuditEntry, FieldIssue, HolderRequest, License,
    LicenseRequest, ReceivedAnswer, TimelineEntry, TimelineEvent, TrackingStatus,
};

use super::catalog::{Prepared, content_hash};
use super::issuance::{IssuedAnswer, Submitted, Term, check_id, repeat, sign_license};
use super::lifecycle::date_of;
use super::supervision::checks_for;
use super::{ServiceError, Services};
use crate::ledger::{
    ChangeRequest, Changed, Found, HolderRecord, StatusChange, StoredHolder, StoredVersion,
    VersionState,
};

const MAX_REASON_CHARS: usize = 500;
/// A renewal is open from this many days before the current version's last day.
pub const RENEWAL_OPENS_DAYS: i64 = 90;
/// A cancellation's reason when the holder gives none.
const DEFAULT_CANCEL_REASON: &str = "holder's request";

fn not_holder() -> ServiceError {
    // The same answer for an unknown number: nobody learns which licenses exist.
    ServiceError::refused(
        true,
        "not_holder",
        "holder_proof is not an application of this license",
        "无法确认您持有该许可证：请在办理该许可证的设备上操作",
        "this device cannot show that it holds the license: use the device it was applied for on",
    )
}

fn version_changed(current: u16, based_on: u16) -> ServiceError {
    ServiceError::refused(
        false,
        "version_changed",
        format!(
            "version {current} is the license's current version, not version {based_on}: \
             fill the form again from the current version"
        ),
        format!("许可证已更新为第{current}版，请按最新版本重新填写"),
        format!("the license is now at version {current}: fill the form again from it"),
    )
}

/// A state in words, and since when.
fn state_words(state: VersionState) -> (&'static str, &'static str) {
    match state {
        VersionState::Valid => ("有效", "valid"),
        VersionState::Superseded => ("已被新版本取代", "superseded"),
        VersionState::Suspended => ("暂扣", "suspended"),
        VersionState::Revoked => ("已撤销", "revoked"),
        VersionState::Cancelled => ("已注销", "cancelled"),
    }
}

fn not_valid(v: &StoredVersion) -> ServiceError {
    let (zh, en) = state_words(v.state);
    let since = v.state_since.and_then(date_of);
    let (since_zh, since_en) = since
        .as_deref()
        .map_or((String::new(), String::new()), |d| {
            (format!("（自{d}起）"), format!(" since {d}"))
        });
    ServiceError::refused(
        false,
        "license_not_valid",
        format!(
            "the license is {en}{since_en}: only a valid license can be changed, renewed or cancelled"
        ),
        format!("许可证{zh}{since_zh}，只有有效的许可证才能变更、延续或注销"),
        format!(
            "the license is {en}{since_en}: only a valid license can be changed, renewed or cancelled"
        ),
    )
}

fn invalid_reason() -> ServiceError {
    ServiceError::unprocessable(
        "invalid_reason",
        "the reason must be at most 500 characters",
    )
    .on_field(
        "reason",
        FieldIssue::new(
            "",
            "原因不超过500字",
            "the reason may be up to 500 characters",
        ),
    )
}

fn parse_license(v: &StoredVersion) -> Result<License, ServiceError> {
    serde_json::from_str(&v.license).map_err(|e| ServiceError::internal("stored license", e))
}

/// The version's term has an end only when one of its permits has one.
pub(super) fn has_term(license: &License) -> bool {
    license.permits.iter().any(|p| p.valid_until.is_some())
}

fn action(purpose: HolderRequest) -> &'static str {
    match purpose {
        HolderRequest::Change => "license.holder_change",
        HolderRequest::Renewal => "license.holder_renewal",
        HolderRequest::Cancellation => "license.holder_cancel",
    }
}

/// The answer to a cancellation, first time or again.
fn cancelled(id: String) -> Submitted {
    Submitted::Received(ReceivedAnswer {
        application_id: id,
        status: ApplicationStatus::Cancelled,
        revision: 1,
    })
}

/// A cancellation's id again: the same answer for the same content.
fn cancelled_again(stored: &StoredHolder, hash: &str) -> Result<Submitted, ServiceError> {
    if stored.content_hash != hash {
        return Err(ServiceError::IdConflict);
    }
    Ok(cancelled(stored.application_id.clone()))
}

impl Services {
    /// A holder's application: its id answered the same again; else the holder, the version
    /// and the state checked, then the change, renewal or cancellation.
    pub(super) async fn submit_holder(
        &self,
        req: ApplicationRequest,
        context: catalog::Context,
    ) -> Result<Submitted, ServiceError> {
        let Some(asked) = req.license.clone() else {
            return Err(ServiceError::internal("holder", "no license request"));
        };
        let hash = content_hash(&req)?;
        match self.ledger().find(req.id.clone()).await? {
            Found::Issued(existing) => return repeat(*existing, &hash).map(Submitted::Issued),
            Found::Cancellation(stored) => return cancelled_again(&stored, &hash),
            Found::Case(case) => {
                if asked.purpose == HolderRequest::Cancellation {
                    return Err(ServiceError::IdConflict);
                }
                let prepared = self.catalog().prepare(&req, context)?;
                return self.resubmit(*case, req, prepared, hash, context).await;
            }
            Found::Nothing => {}
        }
        if asked
            .reason
            .as_deref()
            .is_some_and(|r| r.trim().chars().count() > MAX_REASON_CHARS)
        {
            return Err(invalid_reason());
        }
        let current = self.held_version(&asked).await?;
        let license = parse_license(&current)?;
        if asked.purpose == HolderRequest::Cancellation {
            return self.cancel_by_holder(req, &asked, hash, &license).await;
        }
        if req.industry != license.industry {
            return Err(ServiceError::unprocessable(
                "industry_mismatch",
                format!(
                    "the license is of industry {:?}: a change or renewal keeps it",
                    license.industry
                ),
            )
            .on_field(
                "industry",
                FieldIssue::new(
                    "industry_mismatch",
                    "变更或延续不能改变许可证的行业",
                    "a change or renewal keeps the license's industry",
                ),
            ));
        }
        // Said before the form's findings: no correction makes an early renewal possible.
        if asked.purpose == HolderRequest::Renewal {
            renewal_open(&current, &license, context.today)?;
        }
        let prepared = self.catalog().prepare(&req, context)?;
        let changed = self.changed_fields(&req, &asked.number, &prepared).await?;
        match asked.purpose {
            HolderRequest::Change if changed.is_empty() => {
                return Err(ServiceError::unprocessable(
                    "nothing_changed",
                    "the values are the current version's: nothing to change",
                )
                .on_field(
                    "license",
                    FieldIssue::new(
                        "nothing_changed",
                        "所填内容与现行版本相同，没有需要变更的事项",
                        "the values are the current version's: nothing changes",
                    ),
                ));
            }
            _ => {}
        }
        if self.needs_review(&req, &prepared)? {
            return self.open_case(req, prepared, hash, context).await;
        }
        let granted: Vec<String> = prepared.permits.iter().map(|p| p.id.clone()).collect();
        let received_at = self.now();
        self.issue_holder_version(&req, prepared, hash, received_at, &granted)
            .await
            .map(Submitted::Issued)
    }

    /// The current version of the license the request is about, once the holder's proof, the
    /// version the form was filled from and the state allow it.
    /// For a holder's change or renewal under review: refused (409 `version_changed` or
    /// `license_not_valid`) when the license moved on since it was asked for, so that no
    /// approval completes a case whose version N+1 can no longer be issued.
    pub(super) async fn license_still_as_asked(
        &self,
        req: &ApplicationRequest,
    ) -> Result<(), ServiceError> {
        match &req.license {
            Some(asked) => self.held_version(asked).await.map(|_| ()),
            None => Ok(()),
        }
    }

    async fn held_version(&self, asked: &LicenseRequest) -> Result<StoredVersion, ServiceError> {
        if asked.number.is_empty()
            || asked.number.len() > 32
            || check_id(&asked.holder_proof).is_err()
        {
            return Err(not_holder());
        }
        let proof = self
            .ledger()
            .application(asked.holder_proof.clone())
            .await?;
        if proof.is_none_or(|p| p.license_number != asked.number) {
            return Err(not_holder());
        }
        let Some(current) = self.ledger().versions(asked.number.clone()).await?.pop() else {
            // Issued before versions: no version to change or renew.
            return Err(ServiceError::refused(
                false,
                "license_not_valid",
                "the license was issued before versions: apply for a new license",
                "该许可证签发于版本管理之前，请重新申请",
                "the license predates versions: apply for a new license",
            ));
        };
        if current.version != asked.based_on {
            return Err(version_changed(current.version, asked.based_on));
        }
        if current.state != VersionState::Valid {
            return Err(not_valid(&current));
        }
        Ok(current)
    }

    /// The field ids the prepared request changes from the license's current values.
    async fn changed_fields(
        &self,
        req: &ApplicationRequest,
        number: &str,
        prepared: &Prepared,
    ) -> Result<Vec<String>, ServiceError> {
        let (before, _) = self
            .ledger()
            .application_body(number.to_owned())
            .await?
            .ok_or_else(|| ServiceError::internal("holder", "a license without its application"))?;
        self.catalog().changed(req, &before, &prepared.record)
    }

    /// Records the holder's cancellation of the current version (202 `cancelled`).
    async fn cancel_by_holder(
        &self,
        req: ApplicationRequest,
        asked: &LicenseRequest,
        hash: String,
        license: &License,
    ) -> Result<Submitted, ServiceError> {
        let reason = asked.reason.as_deref().map(str::trim).unwrap_or_default();
        let reason = if reason.is_empty() {
            DEFAULT_CANCEL_REASON
        } else {
            reason
        };
        let now = self.now();
        let body = serde_json::to_string(&req).map_err(|e| ServiceError::internal("request", e))?;
        let change = ChangeRequest {
            license_number: asked.number.clone(),
            reason: reason.to_owned(),
            at: now,
            audit: AuditEntry {
                at: now,
                actor: "holder".to_owned(),
                action: action(HolderRequest::Cancellation).to_owned(),
                application_id: Some(req.id.clone()),
                permit: None,
                detail: format!(
                    "{}: version {} cancelled; {reason}",
                    asked.number, asked.based_on
                ),
            },
            holder: Some(HolderRecord {
                application_id: req.id.clone(),
                content_hash: hash.clone(),
                industry: license.industry.clone(),
                body,
                received_at: now,
                purpose: HolderRequest::Cancellation,
                based_on: asked.based_on,
                changed: Vec::new(),
                checks: Vec::new(),
            }),
        };
        match self
            .ledger()
            .change_status(StatusChange::Cancel, change)
            .await?
        {
            Changed::Done(v) => {
                tracing::info!(license = %v.license_number, version = v.version, application = %req.id, "license cancelled by its holder");
                Ok(cancelled(req.id))
            }
            other => Err(self.refused_meanwhile(&req.id, &hash, asked, other).await?),
        }
    }

    /// Issues version N+1 for a holder's change or renewal whose permits are all granted:
    /// at once (every permit on commitment) or when a review case completes. `granted` are
    /// the permits granted; those on commitment bring their checks.
    pub(super) async fn issue_holder_version(
        &self,
        req: &ApplicationRequest,
        prepared: Prepared,
        hash: String,
        received_at: i64,
        on_commitment: &[String],
    ) -> Result<IssuedAnswer, ServiceError> {
        let Some(asked) = req.license.clone() else {
            return Err(ServiceError::internal("holder", "no license request"));
        };
        let current = self.held_version(&asked).await?;
        let old = parse_license(&current)?;
        let changed = self.changed_fields(req, &asked.number, &prepared).await?;
        let term = match asked.purpose {
            HolderRequest::Renewal => Term::Renewed {
                from: old.valid_until,
            },
            HolderRequest::Change | HolderRequest::Cancellation => Term::Kept {
                valid_until: old.valid_until,
                permits: old
                    .permits
                    .iter()
                    .map(|p| (p.kind, p.valid_until))
                    .collect(),
            },
        };
        let now = self.now();
        let next = current.version.saturating_add(1);
        let checks = checks_for(
            self.catalog().data(),
            self.calendar(),
            on_commitment.iter().map(String::as_str),
            now,
            &prepared.business_name,
        )?;
        let what = match asked.purpose {
            HolderRequest::Renewal => "renewal",
            _ => "change",
        };
        let reason = match asked.reason.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => format!("holder's {what}: {r}"),
            _ => format!("holder's {what}"),
        };
        let change = ChangeRequest {
            license_number: asked.number.clone(),
            reason,
            at: now,
            audit: AuditEntry {
                at: now,
                actor: "holder".to_owned(),
                action: action(asked.purpose).to_owned(),
                application_id: Some(req.id.clone()),
                permit: None,
                detail: format!(
                    "{}: version {next} ({what}); changed: {}",
                    asked.number,
                    if changed.is_empty() {
                        "nothing".to_owned()
                    } else {
                        changed.join(", ")
                    }
                ),
            },
            holder: Some(HolderRecord {
                application_id: req.id.clone(),
                content_hash: hash.clone(),
                industry: prepared.industry.clone(),
                body: prepared.record.clone(),
                received_at,
                purpose: asked.purpose,
                based_on: asked.based_on,
                changed,
                checks,
            }),
        };
        let keys = self.current_keys().await;
        let issuer = keys.issuer().to_owned();
        let validity = self.validity();
        let number = asked.number.clone();
        let sign = Box::new(move |index: u32| {
            sign_license(&prepared, &number, next, index, now, &keys, validity, &term)
        });
        match self
            .ledger()
            .issue_version(change, asked.based_on, issuer, sign)
            .await?
        {
            Changed::Done(v) => {
                tracing::info!(license = %v.license_number, version = v.version, application = %req.id, "license version issued to its holder");
                Ok(IssuedAnswer {
                    new: true,
                    application_id: req.id.clone(),
                    status: ApplicationStatus::Issued,
                    license_json: v.license.clone(),
                })
            }
            other => {
                // The same id sent twice at once: the first one's answer.
                if let Found::Issued(existing) = self.ledger().find(req.id.clone()).await? {
                    return repeat(*existing, &hash);
                }
                Err(self
                    .refused_meanwhile(&req.id, &hash, &asked, other)
                    .await?)
            }
        }
    }

    /// What to answer when the ledger refused a holder's request it was checked for: another
    /// request (or the authority) came first.
    async fn refused_meanwhile(
        &self,
        id: &str,
        hash: &str,
        asked: &LicenseRequest,
        outcome: Changed,
    ) -> Result<ServiceError, ServiceError> {
        if let Found::Cancellation(stored) = self.ledger().find(id.to_owned()).await? {
            return Ok(if stored.content_hash == hash {
                ServiceError::internal("holder", "a repeated cancellation refused")
            } else {
                ServiceError::IdConflict
            });
        }
        Ok(match outcome {
            Changed::VersionChanged(now) => version_changed(now, asked.based_on),
            Changed::WrongState(_) => {
                match self.ledger().versions(asked.number.clone()).await?.pop() {
                    Some(v) => not_valid(&v),
                    None => not_holder(),
                }
            }
            Changed::UnknownLicense | Changed::NoVersions => not_holder(),
            Changed::Done(_) => ServiceError::internal("holder", "a change done is not refused"),
        })
    }

    /// `GET /api/applications/{id}` of a holder's cancellation: no permits, the license's
    /// standing beside it.
    pub(super) async fn cancellation_tracking(
        &self,
        id: String,
    ) -> Result<TrackingStatus, ServiceError> {
        let Found::Cancellation(stored) = self.ledger().find(id).await? else {
            return Err(ServiceError::NotFound("no application with this id"));
        };
        let current = self
            .ledger()
            .versions(stored.license_number.clone())
            .await?
            .pop()
            .ok_or_else(|| {
                ServiceError::internal("holder", "a cancelled license without versions")
            })?;
        let license = parse_license(&current)?;
        Ok(TrackingStatus {
            application_id: stored.application_id.clone(),
            status: ApplicationStatus::Cancelled,
            industry: Some(stored.industry.clone()),
            received_at: Some(stored.received_at),
            license_number: Some(stored.license_number.clone()),
            revoked_at: None,
            revocation_reason: None,
            business_name: Some(license.claims.business_name),
            issued_at: Some(license.issued_at),
            permits: Vec::new(),
            revision: 1,
            timeline: vec![TimelineEntry {
                at: stored.received_at,
                event: TimelineEvent::Received,
                permit: None,
            }],
        })
    }
}

/// A renewal is open from 90 days before the current version's last day; a license whose
/// permits have no term has nothing to renew.
fn renewal_open(
    current: &StoredVersion,
    license: &License,
    today: Date,
) -> Result<(), ServiceError> {
    if !has_term(license) {
        return Err(ServiceError::refused(
            false,
            "renewal_not_open",
            "the license has no term: there is nothing to renew",
            "该许可证没有有效期限，无需延续",
            "the license has no term: there is nothing to renew",
        ));
    }
    let last = Date::authority_day(current.valid_until)
        .ok_or_else(|| ServiceError::internal("holder", "a license's end outside the calendar"))?;
    let opens = Date::from_unix_days(last.to_unix_days() - RENEWAL_OPENS_DAYS)
        .ok_or_else(|| ServiceError::internal("holder", "a renewal day outside the calendar"))?;
    if today < opens {
        let words = opens.words();
        return Err(ServiceError::refused(
            false,
            "renewal_not_open",
            format!(
                "a renewal can be applied for from {opens} (90 days before the license ends on {last})"
            ),
            format!("延续申请自{}起受理（有效期届满前90日）", words.zh),
            format!(
                "a renewal can be applied for from {} (90 days before the license ends)",
                words.en
            ),
        ));
    }
    Ok(())
}
