//! Who acts in the back office, and what each role may do.

use contract::Role;

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
