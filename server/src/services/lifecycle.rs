//! A license's life after issuance (#18): the authority suspends, reinstates and revokes the
//! current version, records the holder's cancellation, and issues version N+1 with changed
//! particulars (the number stays; version N becomes superseded that day). Each change is in
//! the ledger and the audit log in one transaction, and in the next signed status list.

use contract::{
    ApplicationRequest, AuditEntry, FieldIssue, HolderRequest, License, LicenseMetadata,
    LicenseStanding, LicenseState, LicenseVersion, NewVersionRequest, Text, TrackingStatus,
};
use serde::Serialize;
use signer::LicenseClaims;

use super::holder::has_term;
use super::issuance::elicense_id;
use super::{ServiceError, Services};
use crate::ledger::{
    ChangeRequest, Changed, Found, SignedLicense, SigningFailed, StatusChange, StoredVersion,
    VersionState, status_day,
};

const MAX_REASON_CHARS: usize = 500;
const MAX_FIELD_CHARS: usize = 100;
const DAY: i64 = 86_400;

/// `GET /api/applications/{id}`: the tracking status and, once a license with versions is
/// issued, its current version and state (`license`, optional: the applicant's app of before
/// versions reads past it).
#[derive(Serialize)]
pub struct Tracked {
    #[serde(flatten)]
    pub status: TrackingStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseStanding>,
}

/// What a lifecycle route answers: the standing now, and for a new version its license.
pub struct Outcome {
    pub standing: LicenseStanding,
    /// The new version's license JSON exactly as stored (`/versions` only).
    pub license_json: Option<String>,
}

pub(super) fn state_of(state: VersionState) -> LicenseState {
    match state {
        VersionState::Valid => LicenseState::Valid,
        VersionState::Superseded => LicenseState::Superseded,
        VersionState::Suspended => LicenseState::Suspended,
        VersionState::Revoked => LicenseState::Revoked,
        VersionState::Cancelled => LicenseState::Cancelled,
    }
}

/// A status-list day as the authority's date.
pub(super) fn date_of(day: i64) -> Option<String> {
    catalog::Date::from_unix_days(day.div_euclid(DAY)).map(|d| d.to_string())
}

pub fn standing(v: &StoredVersion) -> LicenseStanding {
    LicenseStanding {
        license_number: v.license_number.clone(),
        version: v.version,
        status_index: v.status_index,
        state: state_of(v.state),
        since: v.state_since.and_then(date_of),
        until: v.state_until.and_then(date_of),
        reason: v.reason.clone(),
        history: Vec::new(),
    }
}

fn check_reason(reason: &str) -> Result<(), ServiceError> {
    if reason.trim().is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::unprocessable(
            "invalid_reason",
            "a reason of 1 to 500 characters is needed",
        )
        .on_field(
            "reason",
            FieldIssue::new(
                "",
                "请填写原因（不超过500字）",
                "give a reason (up to 500 characters)",
            ),
        ));
    }
    Ok(())
}

fn check_number(number: &str) -> Result<(), ServiceError> {
    if number.is_empty() || number.len() > 32 {
        return Err(ServiceError::NotFound("no license with this number"));
    }
    Ok(())
}

/// Why the current state refuses a change (409), in words.
fn wrong_state(state: VersionState, wanted: &str) -> ServiceError {
    let (code, why) = match state {
        VersionState::Valid => ("not_suspended", "the license is in force, not suspended"),
        VersionState::Suspended => ("suspended", "the license is suspended"),
        VersionState::Revoked => ("revoked", "the license is revoked"),
        VersionState::Cancelled => ("cancelled", "the license was cancelled by its holder"),
        VersionState::Superseded => ("superseded", "the version is superseded"),
    };
    ServiceError::conflict(code, format!("{why}: it cannot be {wanted}"))
}

/// The answer for a change the ledger did not make.
pub(super) fn refused(changed: Changed, wanted: &str) -> ServiceError {
    match changed {
        Changed::UnknownLicense => ServiceError::NotFound("no license with this number"),
        Changed::NoVersions => ServiceError::conflict(
            "no_versions",
            "the license was issued before versions and has no status index: only revocation \
             (POST /api/admin/revocations) applies to it",
        ),
        Changed::WrongState(state) => wrong_state(state, wanted),
        Changed::VersionChanged(now) => ServiceError::conflict(
            "version_changed",
            format!("version {now} was issued meanwhile: look again and retry"),
        ),
        Changed::Done(_) => ServiceError::internal("lifecycle", "a change done is not refused"),
    }
}

fn trimmed(value: Option<&String>, field: &'static str) -> Result<Option<String>, ServiceError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_FIELD_CHARS {
        return Err(ServiceError::unprocessable(
            "invalid_field",
            format!("{field} must be 1 to {MAX_FIELD_CHARS} characters"),
        )
        .on_field(
            field,
            FieldIssue::new(
                "",
                "请填写（不超过100字）",
                "fill it in (up to 100 characters)",
            ),
        ));
    }
    Ok(Some(value.to_owned()))
}

impl Services {
    fn change_request(
        &self,
        number: &str,
        action: &str,
        reason: &str,
        detail: String,
    ) -> ChangeRequest {
        let at = self.now();
        ChangeRequest {
            license_number: number.to_owned(),
            reason: reason.trim().to_owned(),
            at,
            audit: AuditEntry {
                at,
                actor: "admin".to_owned(),
                action: format!("license.{action}"),
                application_id: None,
                permit: None,
                detail: format!("{number}: {detail}"),
            },
            holder: None,
        }
    }

    /// Suspends the current version until `until` (`YYYY-MM-DD`, today or later).
    pub async fn suspend(
        &self,
        number: String,
        until: &str,
        reason: &str,
    ) -> Result<Outcome, ServiceError> {
        check_number(&number)?;
        check_reason(reason)?;
        let until_day = self.suspension_end(until)?;
        let req = self.change_request(
            &number,
            "suspend",
            reason,
            format!("until {until}; {}", reason.trim()),
        );
        self.change_state(StatusChange::Suspend { until: until_day }, req, "suspended")
            .await
    }

    /// A suspension's announced last day (`YYYY-MM-DD`, today or later) as a status-list day.
    pub(super) fn suspension_end(&self, until: &str) -> Result<i64, ServiceError> {
        let bad_date = |message: &str| {
            ServiceError::unprocessable("invalid_until", message.to_owned()).on_field(
                "until",
                FieldIssue::new(
                    "",
                    "请填写今天或以后的日期（YYYY-MM-DD）",
                    "give today or a later date (YYYY-MM-DD)",
                ),
            )
        };
        let date = catalog::Date::parse(until)
            .ok_or_else(|| bad_date("until must be a date, YYYY-MM-DD"))?;
        let until_day = date.to_unix_days() * DAY;
        if until_day < status_day(self.now()) {
            return Err(bad_date("until is in the past"));
        }
        Ok(until_day)
    }

    pub async fn reinstate(&self, number: String, reason: &str) -> Result<Outcome, ServiceError> {
        check_number(&number)?;
        check_reason(reason)?;
        let req = self.change_request(&number, "reinstate", reason, reason.trim().to_owned());
        self.change_state(StatusChange::Reinstate, req, "reinstated")
            .await
    }

    pub async fn revoke_version(
        &self,
        number: String,
        reason: &str,
    ) -> Result<Outcome, ServiceError> {
        check_number(&number)?;
        check_reason(reason)?;
        let req = self.change_request(&number, "revoke", reason, reason.trim().to_owned());
        self.change_state(StatusChange::Revoke, req, "revoked")
            .await
    }

    /// The holder's cancellation (注销), recorded by the authority until the holder's own
    /// route exists.
    pub async fn cancel(&self, number: String, reason: &str) -> Result<Outcome, ServiceError> {
        check_number(&number)?;
        check_reason(reason)?;
        let req = self.change_request(&number, "cancel", reason, reason.trim().to_owned());
        self.change_state(StatusChange::Cancel, req, "cancelled")
            .await
    }

    async fn change_state(
        &self,
        change: StatusChange,
        req: ChangeRequest,
        wanted: &str,
    ) -> Result<Outcome, ServiceError> {
        match self.ledger().change_status(change, req).await? {
            Changed::Done(v) => {
                tracing::info!(license = %v.license_number, version = v.version, state = v.state.name(), "license state changed");
                Ok(Outcome {
                    standing: standing(&v),
                    license_json: None,
                })
            }
            other => Err(refused(other, wanted)),
        }
    }

    /// Issues version N+1 from the current version with the changed particulars; validity and
    /// permits are carried over.
    pub async fn new_version(
        &self,
        number: String,
        req: NewVersionRequest,
    ) -> Result<Outcome, ServiceError> {
        check_number(&number)?;
        check_reason(&req.reason)?;
        let business_name = trimmed(req.business_name.as_ref(), "business_name")?;
        let legal_representative =
            trimmed(req.legal_representative.as_ref(), "legal_representative")?;
        let address_detail = trimmed(req.address_detail.as_ref(), "address_detail")?;
        if business_name.is_none() && legal_representative.is_none() && address_detail.is_none() {
            return Err(ServiceError::unprocessable(
                "nothing_changed",
                "give at least one of business_name, legal_representative, address_detail",
            ));
        }
        let current = self.current_version(&number).await?;
        if let Some(based_on) = req.based_on
            && based_on != current.version
        {
            return Err(refused(Changed::VersionChanged(current.version), "changed"));
        }
        let old: License = serde_json::from_str(&current.license)
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let mut changed = Vec::new();
        let mut claims = old.claims.clone();
        if let Some(v) = business_name {
            changed.push(format!("business name {:?} → {v:?}", claims.business_name));
            claims.business_name = v;
        }
        if let Some(v) = legal_representative {
            changed.push("legal representative".to_owned());
            claims.legal_representative = v;
        }
        if let Some(v) = address_detail {
            changed.push(format!("address {:?} → {v:?}", claims.address.detail));
            claims.address.detail = v;
        }
        if claims == old.claims {
            return Err(ServiceError::unprocessable(
                "nothing_changed",
                "the values given are the current ones",
            ));
        }
        let keys = self.current_keys().await;
        let now = self.now();
        let next = current.version.saturating_add(1);
        let issuer = keys.issuer().to_owned();
        let detail = format!(
            "version {next}: {}; {}",
            changed.join(", "),
            req.reason.trim()
        );
        let change = self.change_request(&number, "new_version", &req.reason, detail);
        let sign = Box::new(move |index: u32| sign_version(old, claims, next, index, now, &keys));
        match self
            .ledger()
            .issue_version(change, current.version, issuer, sign)
            .await?
        {
            Changed::Done(v) => {
                tracing::info!(license = %v.license_number, version = v.version, "license version issued");
                Ok(Outcome {
                    standing: standing(&v),
                    license_json: Some(v.license.clone()),
                })
            }
            other => Err(refused(other, "changed")),
        }
    }

    /// Tracking, with the license's current version and state and its history: whichever
    /// application of the license is asked about (the first, a change, a renewal, a
    /// cancellation).
    pub async fn tracking_with_standing(&self, id: String) -> Result<Tracked, ServiceError> {
        let status = self.tracking(id.clone()).await?;
        let number = match &status.license_number {
            Some(number) => Some(number.clone()),
            // A holder's change or renewal still under review: the license it is about.
            None => match self.ledger().find(id).await? {
                Found::Case(case) => serde_json::from_str::<ApplicationRequest>(&case.request)
                    .ok()
                    .and_then(|r| r.license)
                    .map(|l| l.number),
                _ => None,
            },
        };
        let license = match number {
            Some(number) => self.standing_with_history(number).await?,
            None => None,
        };
        Ok(Tracked { status, license })
    }

    /// The current standing with every version, oldest first: when each was issued, until
    /// when, its state since when, and what issued it (the holder's change with the fields
    /// it changed, or renewal).
    async fn standing_with_history(
        &self,
        number: String,
    ) -> Result<Option<LicenseStanding>, ServiceError> {
        let versions = self.ledger().versions(number.clone()).await?;
        let Some(current) = versions.last() else {
            return Ok(None);
        };
        let holders = self.ledger().holder_applications(number).await?;
        let mut history = Vec::with_capacity(versions.len());
        for v in &versions {
            let license: License = serde_json::from_str(&v.license)
                .map_err(|e| ServiceError::internal("stored license", e))?;
            let origin = holders
                .iter()
                .find(|h| h.version == v.version && h.purpose != HolderRequest::Cancellation);
            let day = |t: i64| catalog::Date::authority_day(t).map(|d| d.to_string());
            history.push(LicenseVersion {
                version: v.version,
                issued_on: day(v.issued_at).unwrap_or_default(),
                valid_until: has_term(&license).then(|| day(v.valid_until)).flatten(),
                state: state_of(v.state),
                since: v.state_since.and_then(date_of),
                purpose: origin.map(|h| h.purpose),
                changed: origin.map(|h| h.changed.clone()).unwrap_or_default(),
            });
        }
        Ok(Some(LicenseStanding {
            history,
            ..standing(current)
        }))
    }

    /// The current version: 404 for an unknown number, 409 for a license without versions.
    async fn current_version(&self, number: &str) -> Result<StoredVersion, ServiceError> {
        if let Some(v) = self.ledger().versions(number.to_owned()).await?.pop() {
            return Ok(v);
        }
        let known = self
            .ledger()
            .application_body(number.to_owned())
            .await?
            .is_some();
        Err(refused(
            if known {
                Changed::NoVersions
            } else {
                Changed::UnknownLicense
            },
            "changed",
        ))
    }

    /// The current version's GB/T 36903 metadata.
    pub async fn license_metadata(&self, number: String) -> Result<LicenseMetadata, ServiceError> {
        check_number(&number)?;
        let current = self.current_version(&number).await?;
        let license: License = serde_json::from_str(&current.license)
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let keys = self.current_keys().await;
        let id = keys
            .elicense()
            .id(&number, current.version)
            .map_err(|e| ServiceError::internal("e-license identifier", e))?;
        let date =
            |t: i64| catalog::Date::authority_day(t).map_or_else(String::new, |d| d.to_string());
        Ok(LicenseMetadata {
            elicense_id: id.to_string(),
            license_type_code: id.license_type().to_owned(),
            license_type_name: Text::new("综合许可证（一业一证）", "Combined industry license"),
            license_number: number,
            version: current.version,
            issue_date: date(current.issued_at),
            issuer_name: license
                .issued_by
                .unwrap_or_else(|| keys.authority().clone()),
            issuer_code: id.issuer().to_owned(),
            valid_from: date(license.valid_from),
            valid_until: date(license.valid_until),
            region_code: format!("{:06}", license.claims.address.division),
            holder_name: license.claims.business_name,
            holder_code: license.claims.credit_code,
            status: state_of(current.state),
        })
    }
}

/// Version `version` of a license: the claims with their changes, a new issue time and
/// status index, the same validity and permits.
fn sign_version(
    old: License,
    mut claims: LicenseClaims,
    version: u16,
    status_index: u32,
    now: i64,
    keys: &super::keys::Keys,
) -> Result<SignedLicense, SigningFailed> {
    claims.issuer = keys.issuer().to_owned();
    claims.issued_at = now;
    claims.version = version;
    claims.status_index = Some(status_index);
    let (kid, qr_text) = keys.sign(&claims)?;
    let elicense_id = elicense_id(keys, &old.number, version);
    let valid_until = old.valid_until;
    let license = License {
        kid: kid.clone(),
        issued_at: now,
        claims,
        qr_text: qr_text.clone(),
        issued_by: Some(keys.authority().clone()),
        elicense_id,
        ..old
    };
    Ok(SignedLicense {
        kid,
        qr_text,
        license: serde_json::to_string(&license)?,
        valid_until,
    })
}
