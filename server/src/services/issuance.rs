//! Intake and issuance: an application (online or handed over by QR) becomes exactly one
//! license; tracking; one department's view; revocation; device enrolment; registry look-up.

use std::sync::Arc;

use contract::{
    ApplicationRequest, ApplicationStatus, EnrolRequest, FieldIssue, GrantMode, HandOverRequest,
    IssuedPermit, License, PermitStatus, ReceivedAnswer, RevokeRequest, TimelineEntry,
    TimelineEvent, TrackedPermit, TrackingStatus,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use signer::LicenseClaims;

use super::catalog::{Prepared, check_credit_code, license_year, registry_values};
use super::keys::Keys;
use super::supervision::{checks_for, supervision};
use super::{ServiceError, Services};
use crate::ledger::{
    Found, Inserted, NewApplication, Revoked, SignNumbered, SignedLicense, SigningFailed,
    StoredApplication,
};

/// What a submission answers: a license (issued now or before), or the application received
/// and waiting for a department, the applicant or both.
pub enum Submitted {
    Issued(IssuedAnswer),
    Received(ReceivedAnswer),
}

/// How long a license runs when none of its permits has a fixed validity (filings only).
const DEFAULT_VALIDITY_YEARS: u8 = 5;

const MAX_ID_LEN: usize = 64;

/// What an issuance answers: the license JSON exactly as stored, so a repeated send gets the
/// very same bytes.
pub struct IssuedAnswer {
    /// A new license (201) rather than one issued before (200).
    pub new: bool,
    pub application_id: String,
    pub status: ApplicationStatus,
    pub license_json: String,
}

pub(super) fn check_id(id: &str) -> Result<(), ServiceError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        return Ok(());
    }
    Err(ServiceError::bad_request(
        "invalid_id",
        "the application id must be 1 to 64 characters of A-Z, a-z, 0-9, - and _",
    )
    .on_field(
        "id",
        FieldIssue::new(
            "",
            "申请编号须为1至64位字母、数字、- 或 _",
            "the id must be 1 to 64 letters, digits, - or _",
        ),
    ))
}

pub(super) fn status_of(stored: &StoredApplication) -> ApplicationStatus {
    if stored.revoked.is_some() {
        ApplicationStatus::Revoked
    } else {
        ApplicationStatus::Issued
    }
}

/// How long a combined license and its permits run: a deployment setting
/// (`--validity-policy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ValidityPolicy {
    /// Each permit runs for its own catalog validity from the issue time; the combined
    /// license runs until its last permit ends (the component permits' legal effect is
    /// unchanged: DOMAIN.md, Putuo's reading).
    #[default]
    PerPermit,
    /// One period for the whole license (Pudong's rules, art. 8): every permit with a fixed
    /// term ends with the license, after the shortest of their terms, so that no permit
    /// outlives what its own law grants.
    Unified,
}

/// How a license version's term is reckoned.
#[derive(Debug, Clone)]
pub(super) enum Term {
    /// From the issue time: a new license.
    New,
    /// A holder's change: the license's end and each kept permit's end stay; a permit the
    /// change adds runs its own term, within the license's.
    Kept {
        valid_until: i64,
        /// Each permit kind of the version before with its end.
        permits: Vec<(u16, Option<i64>)>,
    },
    /// A renewal: every term again, from the current end.
    Renewed { from: i64 },
}

/// Signs a new license (version 1) once the ledger has numbered it.
pub(super) fn sign_new(
    prepared: Prepared,
    now: i64,
    keys: Arc<Keys>,
    validity: ValidityPolicy,
) -> SignNumbered {
    Box::new(move |number: &str, index: u32| {
        sign_license(
            &prepared,
            number,
            1,
            index,
            now,
            &keys,
            validity,
            &Term::New,
        )
    })
}

/// Builds and signs version `version` of the license for a prepared application under its
/// number, its terms as `validity` and `term` say. Permits without a fixed validity (filings,
/// one-off approvals) carry no end under either policy: they are not reissued when the
/// license is. Each permit carries its own end in the claims (free when it is the license's).
#[allow(clippy::too_many_arguments)]
pub(super) fn sign_license(
    p: &Prepared,
    number: &str,
    version: u16,
    status_index: u32,
    now: i64,
    keys: &Keys,
    validity: ValidityPolicy,
    term: &Term,
) -> Result<SignedLicense, SigningFailed> {
    let terms = p.permits.iter().filter_map(|x| x.validity_years);
    let years = match validity {
        ValidityPolicy::PerPermit => terms.max(),
        ValidityPolicy::Unified => terms.min(),
    };
    let from = match term {
        Term::Renewed { from } => *from,
        Term::New | Term::Kept { .. } => now,
    };
    let valid_until = match term {
        Term::Kept { valid_until, .. } => *valid_until,
        Term::New | Term::Renewed { .. } => {
            signer::add_years(from, i64::from(years.unwrap_or(DEFAULT_VALIDITY_YEARS)))
        }
    };
    let own_end = |y: u8| match validity {
        ValidityPolicy::PerPermit => signer::add_years(from, i64::from(y)).min(valid_until),
        ValidityPolicy::Unified => valid_until,
    };
    let permits: Vec<signer::PermitClaim> = p
        .permits
        .iter()
        .map(|permit| signer::PermitClaim {
            kind: permit.kind,
            number: signer::derived_permit_number(number, permit.kind),
            valid_until: permit.validity_years.map(|y| match term {
                Term::Kept { permits, .. } => permits
                    .iter()
                    .find(|(kind, _)| *kind == permit.kind)
                    .and_then(|(_, end)| *end)
                    .unwrap_or_else(|| own_end(y)),
                Term::New | Term::Renewed { .. } => own_end(y),
            }),
            scope: None,
        })
        .collect();
    let claims = LicenseClaims {
        issuer: keys.issuer().to_owned(),
        license_number: number.to_owned(),
        issued_at: now,
        valid_from: now,
        valid_until,
        industry: p.industry_code,
        permits,
        business_name: p.business_name.clone(),
        credit_code: p.credit_code.clone(),
        address: p.premises.clone(),
        legal_representative: p.legal_representative.clone(),
        version,
        status_index: Some(status_index),
    };
    let (kid, qr_text) = keys.sign(&claims)?;
    let permits = p
        .permits
        .iter()
        .zip(&claims.permits)
        .map(|(info, c)| IssuedPermit {
            kind: c.kind,
            id: info.id.clone(),
            number: c.number.clone(),
            name: info.name.clone(),
            department: info.department.clone(),
            valid_from: now,
            valid_until: c.valid_until,
        })
        .collect();
    let license = License {
        number: number.to_owned(),
        kid: kid.clone(),
        industry: p.industry.clone(),
        issued_at: now,
        valid_from: now,
        valid_until,
        permits,
        claims,
        qr_text: qr_text.clone(),
        warnings: p.warnings.clone(),
        issued_by: Some(keys.authority().clone()),
        elicense_id: elicense_id(keys, number, version),
    };
    let license = serde_json::to_string(&license)?;
    Ok(SignedLicense {
        kid,
        qr_text,
        license,
        valid_until,
    })
}

/// A version's GB/T 36904 identifier. The settings were checked at start; a license number
/// that makes no serial (none of this server's) or a version past 999 has none.
pub(super) fn elicense_id(keys: &Keys, number: &str, version: u16) -> Option<String> {
    keys.elicense()
        .id(number, version)
        .ok()
        .map(|id| id.to_string())
}

impl Services {
    /// One path for every way an application arrives (online, or handed over by QR): the
    /// same id gives the same license, however often and however concurrently it is sent.
    pub async fn submit(&self, req: ApplicationRequest) -> Result<Submitted, ServiceError> {
        check_id(&req.id)?;
        let now = self.now();
        let today = catalog::Date::authority_day(now).ok_or_else(|| {
            ServiceError::internal("clock", "the clock is outside years 1 to 9999")
        })?;
        // Never trust the browser: complete, merge and validate again with the catalog, with
        // what this server's registry knows.
        let context = catalog::Context {
            today,
            credit_code_registered: self.knows_early_credit_code(&req).await?,
        };
        // A holder's change, renewal or cancellation of a license they hold.
        if req.license.is_some() {
            return self.submit_holder(req, context).await;
        }
        let prepared = self.catalog().prepare(&req, context)?;
        let hash = hex::encode(Sha256::digest(prepared.canonical.as_bytes()));
        match self.ledger().find(req.id.clone()).await? {
            Found::Issued(existing) => return repeat(*existing, &hash).map(Submitted::Issued),
            Found::Case(case) => return self.resubmit(*case, req, prepared, hash, context).await,
            // The id of a holder's cancellation, now with other content.
            Found::Cancellation(_) => return Err(ServiceError::IdConflict),
            Found::Nothing => {}
        }
        if self.needs_review(&req, &prepared)? {
            return self.open_case(req, prepared, hash, context).await;
        }
        // Every permit granted on commitment: numbered, signed and answered at once; each
        // is checked afterwards by its department.
        let keys = self.current_keys().await;
        let checks = checks_for(
            self.catalog().data(),
            self.calendar(),
            prepared.permits.iter().map(|p| p.id.as_str()),
            now,
            &prepared.business_name,
        )?;
        let application = NewApplication {
            id: req.id.clone(),
            content_hash: hash.clone(),
            industry: prepared.industry.clone(),
            body: prepared.record.clone(),
            received_at: now,
            issued_at: now,
            division: prepared.division,
            year: license_year(now),
            issuer: keys.issuer().to_owned(),
            checks,
        };
        let sign = sign_new(prepared, now, keys, self.validity());
        match self.ledger().issue(application, sign).await? {
            Inserted::New(signed) => Ok(Submitted::Issued(IssuedAnswer {
                new: true,
                application_id: req.id,
                status: ApplicationStatus::Issued,
                license_json: signed.license,
            })),
            Inserted::Existing(existing) => repeat(*existing, &hash).map(Submitted::Issued),
            Inserted::NumbersExhausted => Err(ServiceError::NumbersExhausted),
        }
    }

    /// Where an application stands; no personal data.
    pub async fn tracking(&self, id: String) -> Result<TrackingStatus, ServiceError> {
        check_id(&id)?;
        let found = self.ledger().application(id.clone()).await?;
        // Only a license has checks after a commitment.
        let checks = match &found {
            Some(_) => self.ledger().application_checks(id.clone()).await?,
            None => Vec::new(),
        };
        if let Some(case) = self.ledger().case(id.clone()).await? {
            return self.case_tracking(case, found, &checks);
        }
        let Some(found) = found else {
            // A holder's cancellation, or nothing.
            return self.cancellation_tracking(id).await;
        };
        let status = status_of(&found);
        let license: License = serde_json::from_str(&found.license)
            .map_err(|e| ServiceError::internal("stored license", e))?;
        let revoked_at = found.revoked.as_ref().map(|r| r.revoked_at);
        // Only what the license itself shows publicly: no ID numbers, phones or names of
        // people.
        Ok(TrackingStatus {
            status,
            application_id: found.id,
            industry: Some(found.industry),
            received_at: Some(found.received_at),
            license_number: Some(found.license_number),
            revoked_at,
            revocation_reason: found.revoked.map(|r| r.reason),
            business_name: Some(license.claims.business_name),
            issued_at: Some(license.issued_at),
            permits: license
                .permits
                .into_iter()
                .filter_map(|p| {
                    // Issued at once: commitment permits on the commitment, the others
                    // decided before (a license outliving its catalog entry is left out).
                    let grant = &self.catalog().data().permit(&p.id)?.grant;
                    Some(
                        supervision(&checks, &p.id).map(|supervision| TrackedPermit {
                            supervision,
                            mode: grant.mode,
                            status: match grant.mode {
                                GrantMode::Commitment => PermitStatus::GrantedOnCommitment,
                                GrantMode::Review => PermitStatus::Approved,
                            },
                            id: p.id,
                            department: p.department,
                            due: None,
                            messages: Default::default(),
                            conditions: None,
                            rejection: None,
                        }),
                    )
                })
                .collect::<Result<_, ServiceError>>()?,
            revision: 1,
            timeline: [
                (found.received_at, TimelineEvent::Received),
                (found.received_at, TimelineEvent::Accepted),
                (license.issued_at, TimelineEvent::Issued),
            ]
            .into_iter()
            .chain(revoked_at.map(|at| (at, TimelineEvent::Revoked)))
            .map(|(at, event)| TimelineEntry {
                at,
                event,
                permit: None,
            })
            .collect(),
        })
    }

    /// One department's view of a license's permit, with the values of that permit's form.
    pub async fn permit_record(&self, number: String, kind: &str) -> Result<Value, ServiceError> {
        let kind: u16 = kind.parse().map_err(|_| {
            ServiceError::bad_request("invalid_permit", "the permit kind must be a number")
        })?;
        if number.len() > 32 {
            return Err(ServiceError::NotFound("no license with this number"));
        }
        let (body, license) = self
            .ledger()
            .application_body(number)
            .await?
            .ok_or(ServiceError::NotFound("no license with this number"))?;
        self.catalog().permit_record(&body, &license, kind)
    }

    /// Revokes a license; `Ok(true)` when this call revoked it, `Ok(false)` when it already was.
    pub async fn revoke(&self, req: RevokeRequest) -> Result<bool, ServiceError> {
        if req.reason.trim().is_empty() || req.reason.chars().count() > 500 {
            return Err(ServiceError::bad_request(
                "invalid_reason",
                "a revocation needs a reason of 1 to 500 characters",
            )
            .on_field(
                "reason",
                FieldIssue::new(
                    "",
                    "请填写撤销原因（不超过500字）",
                    "give a reason (up to 500 characters)",
                ),
            ));
        }
        if req.license_number.len() > 32 {
            return Err(ServiceError::NotFound("no license with this number"));
        }
        let outcome = self
            .ledger()
            .revoke(req.license_number.clone(), req.reason, self.now())
            .await?;
        match outcome {
            Revoked::UnknownLicense => Err(ServiceError::NotFound("no license with this number")),
            Revoked::Cancelled => Err(ServiceError::conflict(
                "license_cancelled",
                "the license was cancelled by its holder: there is nothing to revoke",
            )),
            Revoked::Already => Ok(false),
            Revoked::New => {
                tracing::info!(license = %req.license_number, "license revoked");
                Ok(true)
            }
        }
    }

    /// Enrols a device whose hand-over QR codes the authority will accept.
    pub async fn enrol_device(
        &self,
        req: EnrolRequest,
    ) -> Result<signer::PublicKeyEntry, ServiceError> {
        let device_ok = (1..=32).contains(&req.device_id.len())
            && req
                .device_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !device_ok {
            return Err(ServiceError::bad_request(
                "invalid_device_id",
                "device_id must be 1 to 32 characters of A-Z, a-z, 0-9, - and _",
            ));
        }
        let now = self.now();
        let entry = signer::PublicKeyEntry::for_public_key(&req.public_key, &req.device_id, now)
            .map_err(|e| ServiceError::bad_request("invalid_public_key", e.to_string()))?;
        let json =
            serde_json::to_string(&entry).map_err(|e| ServiceError::internal("device entry", e))?;
        self.ledger()
            .enrol_device(entry.kid.clone(), req.device_id, json, now)
            .await?;
        tracing::info!(kid = %entry.kid, "device enrolled");
        Ok(entry)
    }

    /// An application handed over with no network: QR codes signed by an enrolled device's
    /// key, scanned at a connected desk. Verified with the signer, then treated exactly like
    /// an online submission (same id → same license).
    pub async fn hand_over(&self, req: HandOverRequest) -> Result<Submitted, ServiceError> {
        let refused =
            |code: &'static str, message: String| ServiceError::unprocessable(code, message);
        let text = signer::join_message(&req.qr_texts)
            .map_err(|e| refused("handover_incomplete", e.to_string()))?;
        let mut devices = signer::KeySet::default();
        for entry in self.ledger().device_entries().await? {
            let entry = serde_json::from_str(&entry)
                .map_err(|e| ServiceError::internal("device entry", e))?;
            devices
                .push(entry)
                .map_err(|e| ServiceError::internal("device entry", e))?;
        }
        let message = signer::verify_message(&text, &devices).map_err(|e| match e {
            signer::Error::UnknownKey { .. } => ServiceError::DeviceNotEnrolled,
            signer::Error::SignatureInvalid => refused(
                "handover_signature_invalid",
                "the hand-over's signature does not verify: it was altered or misread; scan it again".into(),
            ),
            other => refused("handover_malformed", format!("not a readable hand-over: {other}")),
        })?;
        let application: ApplicationRequest =
            serde_json::from_slice(&message.payload).map_err(|e| {
                refused(
                    "handover_malformed",
                    format!("the signed content is not an application: {e}"),
                )
            })?;
        tracing::info!(device = %message.kid, "application handed over by QR");
        self.submit(application).await
    }

    /// Whether the application's credit code fails its check character and the registry holds
    /// it: the one case the registry's answer changes the verdict, so the only one asked.
    async fn knows_early_credit_code(
        &self,
        req: &ApplicationRequest,
    ) -> Result<bool, ServiceError> {
        let Some(code) = req.values.get("credit_code") else {
            return Ok(false);
        };
        let code = catalog::normalise(catalog::FieldKind::CreditCode, code);
        if !matches!(
            catalog::ids::check_credit_code(&code),
            catalog::ids::CreditCodeCheck::BadCheckChar { .. }
        ) {
            return Ok(false);
        }
        Ok(self.ledger().registry(code).await?.is_some())
    }

    /// A registered enterprise's pre-fill values, by credit code.
    pub async fn registry(&self, code: &str) -> Result<Value, ServiceError> {
        let code = catalog::normalise(catalog::FieldKind::CreditCode, code);
        check_credit_code(&code)?;
        let record = self
            .ledger()
            .registry(code.clone())
            .await?
            .ok_or(ServiceError::NotFound(
                "no registered enterprise with this credit code",
            ))?;
        let record: Value = serde_json::from_str(&record)
            .map_err(|e| ServiceError::internal("registry record", e))?;
        let values = registry_values(&record);
        Ok(json!({ "credit_code": code, "values": values, "record": record }))
    }
}

/// The same id again: the same license if the content is the same, a conflict otherwise.
pub(super) fn repeat(
    existing: StoredApplication,
    hash: &str,
) -> Result<IssuedAnswer, ServiceError> {
    if existing.content_hash != hash {
        return Err(ServiceError::IdConflict);
    }
    Ok(IssuedAnswer {
        new: false,
        status: status_of(&existing),
        application_id: existing.id,
        license_json: existing.license,
    })
}
