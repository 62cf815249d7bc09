//! Who acts in the back office, and what each role may do; staff accounts (argon2id password
//! hashes), logins with a growing delay after failures, and the login sessions' storage.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use contract::{AuditEntry, Role, StaffMember};
use sha2::{Digest, Sha256};

use super::{ServiceError, Services};
use crate::ledger::{Ledger, LoginLock, StaffAccount, StoredSession};

/// Shorter passwords are refused (NIST SP 800-63B asks for at least 8; staff decide permits).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// From this failed login on, each failure locks the account for a doubling time…
const LOCK_FROM: i64 = 3;
/// … of at most this many seconds.
const LOCK_MAX_SECONDS: i64 = 15 * 60;
/// The longest username `staff add` accepts (it is in every audit entry).
const MAX_USERNAME: usize = 64;

/// The member of staff behind a request (resolved from the session by the office's auth
/// layer), or the machine behind the admin bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub role: Role,
    /// A reviewer's department (catalog `grant.department`).
    pub department: Option<String>,
}

impl Actor {
    /// A department's own system calling with the admin bearer token.
    pub fn machine() -> Self {
        Actor {
            username: "admin-token".to_owned(),
            role: Role::Admin,
            department: None,
        }
    }

    /// Whether this actor may decide a permit that `department` grants: its own reviewers,
    /// and a supervisor or administrator (a department's system included).
    pub fn may_decide(&self, department: &str) -> bool {
        match self.role {
            Role::Reviewer => self.department.as_deref() == Some(department),
            Role::Supervisor | Role::Admin => true,
            Role::Clerk => false,
        }
    }

    /// Whether this actor may see what `department` reviews: a reviewer only their own.
    pub fn may_see(&self, department: &str) -> bool {
        self.role != Role::Reviewer || self.may_decide(department)
    }
}

/// An account to create (`server staff add`).
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub password: String,
}

fn member(account: &StaffAccount) -> StaffMember {
    StaffMember {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        department: account.department.clone(),
    }
}

fn actor(account: &StaffAccount) -> Actor {
    Actor {
        username: account.username.clone(),
        role: account.role,
        department: account.department.clone(),
    }
}

/// An argon2id PHC string of `password` with a random salt, at the crate's default cost
/// (19 MiB, 2 passes); CPU-heavy, so off the async workers.
async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| ServiceError::internal("password hash", e))?
    .map_err(|e| ServiceError::internal("password hash", e))
}

/// Whether `password` matches the PHC string `hash` (with the parameters the string names).
async fn verify_password(password: String, hash: String) -> Result<bool, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let parsed =
            PasswordHash::new(&hash).map_err(|e| ServiceError::internal("password hash", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| ServiceError::internal("password hash", e))?
}

/// What an unknown username's password is checked against, so that an unknown user and a wrong
/// password take about the same time: a hash at the same cost (its password does not matter,
/// the outcome is ignored), made once.
async fn dummy_hash() -> Result<String, ServiceError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password("no account has this password".to_owned()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::bad_request(
            "password_too_short",
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The account commands (`server staff …`): the ledger alone, no keys, no HTTP.
pub struct Accounts<'a> {
    pub ledger: &'a dyn Ledger,
    pub catalog: &'a catalog::Catalog,
    pub now: i64,
}

impl Accounts<'_> {
    /// Creates an account; refuses a short password, a taken username, a reviewer without a
    /// department of the catalog, a department for any other role.
    pub async fn add(&self, new: NewStaff) -> Result<StaffMember, ServiceError> {
        let username = new.username.trim().to_owned();
        let valid = !username.is_empty()
            && username.len() <= MAX_USERNAME
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !valid {
            return Err(ServiceError::bad_request(
                "invalid_username",
                format!("a username is 1 to {MAX_USERNAME} letters, digits, '.', '_' or '-'"),
            ));
        }
        let display_name = new.display_name.trim().to_owned();
        if display_name.is_empty() {
            return Err(ServiceError::bad_request(
                "invalid_name",
                "the display name (--name) must not be empty",
            ));
        }
        match (new.role, new.department.as_deref()) {
            (Role::Reviewer, None) => {
                return Err(ServiceError::bad_request(
                    "department_required",
                    format!(
                        "a reviewer belongs to one department: --department one of {}",
                        self.departments().join(", ")
                    ),
                ));
            }
            (Role::Reviewer, Some(d)) if !self.departments().contains(&d) => {
                return Err(ServiceError::bad_request(
                    "unknown_department",
                    format!(
                        "no permit is reviewed by department {d:?}; one of {}",
                        self.departments().join(", ")
                    ),
                ));
            }
            (Role::Reviewer, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(ServiceError::bad_request(
                    "department_not_allowed",
                    "only a reviewer belongs to a department",
                ));
            }
        }
        check_password(&new.password)?;
        let account = StaffAccount {
            username,
            display_name,
            role: new.role,
            department: new.department,
            password_hash: hash_password(new.password).await?,
            created_at: self.now,
            failed_logins: 0,
            locked_until: None,
        };
        let answer = member(&account);
        if !self.ledger.add_staff(account).await? {
            return Err(ServiceError::bad_request(
                "username_taken",
                format!("there is already an account {:?}", answer.username),
            ));
        }
        Ok(answer)
    }

    /// Every account, without its hash.
    pub async fn list(&self) -> Result<Vec<StaffMember>, ServiceError> {
        Ok(self.ledger.staff_list().await?.iter().map(member).collect())
    }

    /// Sets a new password (and lifts a lock).
    pub async fn set_password(&self, username: &str, password: String) -> Result<(), ServiceError> {
        check_password(&password)?;
        let hash = hash_password(password).await?;
        if !self
            .ledger
            .set_staff_password(username.to_owned(), hash)
            .await?
        {
            return Err(ServiceError::NotFound("no such account"));
        }
        Ok(())
    }

    /// The departments reviewers can belong to: every permit's `grant.department`.
    fn departments(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .catalog
            .permits
            .iter()
            .map(|p| p.grant.department.as_str())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// A session's key in the ledger: the SHA-256 of the cookie's id, so that reading the table
/// signs nobody in.
fn session_key(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

impl Services {
    async fn audit(&self, actor: &str, action: &str, detail: &str) -> Result<(), ServiceError> {
        self.ledger()
            .append_audit(AuditEntry {
                at: self.now(),
                actor: actor.to_owned(),
                action: action.to_owned(),
                application_id: None,
                permit: None,
                detail: detail.to_owned(),
            })
            .await?;
        Ok(())
    }

    /// Checks a username and password. Unknown users and wrong passwords get the same answer
    /// after the same work (one argon2 verification); each failure counts, and from the third
    /// on the account is locked for 2^(n-1) seconds (at most 15 minutes): attempts meanwhile
    /// are refused unchecked. Every outcome is audited under the username typed.
    pub async fn login(
        &self,
        username: &str,
        password: String,
    ) -> Result<StaffMember, ServiceError> {
        let now = self.now();
        // What was typed goes into the audit log: bounded.
        let username = &super::catalog::truncate(username, MAX_USERNAME);
        let account = self.ledger().staff(username.to_owned()).await?;
        let Some(account) = account else {
            verify_password(password, dummy_hash().await?).await?;
            self.audit(username, "login_failed", "unknown user").await?;
            return Err(ServiceError::invalid_credentials());
        };
        if let Some(until) = account.locked_until.filter(|until| *until > now) {
            self.audit(username, "login_failed", "locked after failed logins")
                .await?;
            return Err(ServiceError::TooManyAttempts {
                retry_after: until - now,
            });
        }
        if !verify_password(password, account.password_hash.clone()).await? {
            let lock = LoginLock {
                at: now,
                from: LOCK_FROM,
                max_seconds: LOCK_MAX_SECONDS,
            };
            self.ledger()
                .staff_login_failed(account.username.clone(), lock)
                .await?;
            self.audit(username, "login_failed", "wrong password")
                .await?;
            return Err(ServiceError::invalid_credentials());
        }
        if account.failed_logins > 0 || account.locked_until.is_some() {
            self.ledger()
                .staff_login_succeeded(account.username.clone())
                .await?;
        }
        self.audit(&account.username, "login", "").await?;
        Ok(member(&account))
    }

    /// The member of staff a session names, as the ledger has them now (a deleted account
    /// signs nobody in).
    pub async fn signed_in(
        &self,
        username: &str,
    ) -> Result<Option<(Actor, StaffMember)>, ServiceError> {
        Ok(self
            .ledger()
            .staff(username.to_owned())
            .await?
            .map(|a| (actor(&a), member(&a))))
    }

    pub async fn logout(&self, actor: &Actor) -> Result<(), ServiceError> {
        self.audit(&actor.username, "logout", "").await
    }

    /// Records a refusal of the office's access layer (401, 403): who (if known), what was
    /// asked, why.
    pub async fn audit_refusal(&self, actor: &str, detail: &str) -> Result<(), ServiceError> {
        self.audit(actor, "access_denied", detail).await
    }

    /// Stores a new session (`false`: the id is taken); removes expired ones first, so the
    /// table holds only live sessions and those that expired since the last login.
    pub async fn create_session(
        &self,
        id: &str,
        data: String,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, ServiceError> {
        self.ledger().delete_expired_sessions(now).await?;
        Ok(self
            .ledger()
            .create_session(session_key(id), StoredSession { data, expires_at })
            .await?)
    }

    pub async fn save_session(
        &self,
        id: &str,
        data: String,
        expires_at: i64,
    ) -> Result<(), ServiceError> {
        Ok(self
            .ledger()
            .save_session(session_key(id), StoredSession { data, expires_at })
            .await?)
    }

    /// A session's data and expiry, unless it has expired at `now`.
    pub async fn session(&self, id: &str, now: i64) -> Result<Option<StoredSession>, ServiceError> {
        Ok(self.ledger().session(session_key(id), now).await?)
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), ServiceError> {
        Ok(self.ledger().delete_session(session_key(id)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviewer(department: &str) -> Actor {
        Actor {
            username: "r".into(),
            role: Role::Reviewer,
            department: Some(department.into()),
        }
    }

    #[test]
    fn a_reviewer_decides_and_sees_only_their_department() {
        assert!(reviewer("amr").may_decide("amr"));
        assert!(!reviewer("amr").may_decide("tobacco"));
        assert!(!reviewer("amr").may_see("tobacco"));
        let clerk = Actor {
            role: Role::Clerk,
            ..Actor::machine()
        };
        assert!(clerk.may_see("amr") && !clerk.may_decide("amr"));
        assert!(Actor::machine().may_decide("amr"));
    }
}
