//! The office's state: one `Reducible` struct changed only through `Action`s. The reducer is
//! pure (no clock, no DOM, no network), so it is tested natively.

use std::rc::Rc;

use contract::{
    AuditEntry, CheckList, OfficeApplication, OfficeCheck, Role, StaffMember, TaskList,
};
use yew::Reducible;

use crate::services::api::ApiError;

/// Where the office's pages live: its own bundle under this prefix.
pub const BASE: &str = "/office";

/// Which page is shown. Each has its own address ([`Page::path`]), so Back, Forward, a reload
/// and a shared link land on it; signing in is not a page: it shows wherever the address
/// points, and that page follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Tasks,
    /// One application, by its id.
    Application(String),
    /// The audit log, of every application or of one.
    Audit(Option<String>),
    /// The checks after a commitment (审管联动).
    Checks,
    /// One check: an application's permit granted on commitment.
    Check(String, String),
}

impl Page {
    pub fn path(&self) -> String {
        match self {
            Page::Tasks => format!("{BASE}/"),
            Page::Application(id) => format!("{BASE}/applications/{id}"),
            Page::Audit(None) => format!("{BASE}/audit"),
            Page::Audit(Some(id)) => format!("{BASE}/audit?application={id}"),
            Page::Checks => format!("{BASE}/checks"),
            Page::Check(id, permit) => format!("{BASE}/checks/{id}/{permit}"),
        }
    }

    /// The page an address opens (`path` with its `?query`); an address the office does not
    /// know opens the tasks.
    pub fn from_path(path: &str) -> Page {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let rest = path
            .strip_prefix(BASE)
            .unwrap_or(path)
            .trim_end_matches('/');
        if let Some(id) = rest
            .strip_prefix("/applications/")
            .filter(|id| valid_id(id))
        {
            return Page::Application(id.to_owned());
        }
        if rest == "/checks" {
            return Page::Checks;
        }
        if let Some((id, permit)) = rest
            .strip_prefix("/checks/")
            .and_then(|r| r.split_once('/'))
            .filter(|(id, permit)| valid_id(id) && valid_id(permit))
        {
            return Page::Check(id.to_owned(), permit.to_owned());
        }
        if rest == "/audit" {
            let application = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("application="))
                .filter(|id| valid_id(id))
                .map(str::to_owned);
            return Page::Audit(application);
        }
        Page::Tasks
    }
}

/// An application id as the applicant app makes them (letters, digits, `-`, `_`): nothing
/// that needs escaping in an address.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether someone is signed in on this browser.
#[derive(Clone, Debug, PartialEq)]
pub enum Session {
    /// Asking the server (at start).
    Checking,
    /// No one; why the sign-in form shows, if there is something to say.
    SignedOut(Option<SignedOutBecause>),
    SignedIn(StaffMember),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedOutBecause {
    /// "Sign out" was pressed.
    SignedOut,
    /// The server no longer knows the session (expired, signed out elsewhere).
    SessionEnded,
}

/// Something asked of the server: under way, answered, or failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(ApiError),
}

/// Who has checks after a commitment to make: a department's reviewers, supervisors and
/// administrators (not the bureau's clerks).
pub fn makes_checks(role: Role) -> bool {
    role != Role::Clerk
}

/// Who may oversee every department (choose one, read the audit log).
pub fn sees_all_departments(role: Role) -> bool {
    role != Role::Reviewer
}

pub fn reads_audit_log(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

#[derive(Clone, Debug, PartialEq)]
pub struct OfficeState {
    pub page: Page,
    pub session: Session,
    /// The department whose queues are shown to someone who sees all (`None`: all of them).
    pub department: Option<String>,
    pub tasks: Load<TaskList>,
    pub application: Load<OfficeApplication>,
    pub audit: Load<Vec<AuditEntry>>,
    pub checks: Load<CheckList>,
    pub check: Load<OfficeCheck>,
    /// What was just recorded (a decision, an inspection), said above the updated view.
    pub confirmation: Option<String>,
}

impl OfficeState {
    pub fn new(page: Page) -> OfficeState {
        OfficeState {
            page,
            session: Session::Checking,
            department: None,
            tasks: Load::Loading,
            application: Load::Loading,
            audit: Load::Loading,
            checks: Load::Loading,
            check: Load::Loading,
            confirmation: None,
        }
    }

    pub fn member(&self) -> Option<&StaffMember> {
        match &self.session {
            Session::SignedIn(member) => Some(member),
            _ => None,
        }
    }
}

pub enum Action {
    /// An address was opened (a link, Back/Forward) or a page chosen.
    Open(Page),
    /// The answer to "who is signed in?" at start, or to a sign-in.
    SignedIn(StaffMember),
    /// No session (at start: no message), or it ended.
    SignedOut(Option<SignedOutBecause>),
    ChooseDepartment(Option<String>),
    TasksLoading,
    Tasks(Result<TaskList, ApiError>),
    ApplicationLoading,
    Application(Result<OfficeApplication, ApiError>),
    AuditLoading,
    Audit(Result<Vec<AuditEntry>, ApiError>),
    /// A decision or inspection was recorded: the server's updated view, and what to say.
    Recorded {
        application: OfficeApplication,
        confirmation: String,
    },
    ChecksLoading,
    Checks(Result<CheckList, ApiError>),
    CheckLoading,
    Check(Result<OfficeCheck, ApiError>),
    /// A check's result was recorded: the server's updated view, and what to say.
    CheckRecorded {
        check: OfficeCheck,
        confirmation: String,
    },
}

fn load<T>(answer: Result<T, ApiError>) -> Load<T> {
    match answer {
        Ok(value) => Load::Loaded(value),
        Err(error) => Load::Failed(error),
    }
}

impl Reducible for OfficeState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = Rc::unwrap_or_clone(self);
        // Any answer that says the session is gone signs the page out, wherever it came from.
        let ended = match &action {
            Action::Tasks(Err(e))
            | Action::Application(Err(e))
            | Action::Audit(Err(e))
            | Action::Checks(Err(e))
            | Action::Check(Err(e)) => e.is_signed_out(),
            _ => false,
        };
        if ended {
            state.session = Session::SignedOut(Some(SignedOutBecause::SessionEnded));
            return Rc::new(state);
        }
        match action {
            Action::Open(page) => {
                // Another page shows nothing of the last one's data while its own loads.
                if page != state.page {
                    state = OfficeState {
                        session: state.session,
                        department: state.department,
                        ..OfficeState::new(page)
                    };
                }
            }
            Action::SignedIn(member) => {
                // A reviewer's queues are their department's; others start with all.
                state.department = None;
                state.session = Session::SignedIn(member);
            }
            Action::SignedOut(why) => {
                state = OfficeState {
                    session: Session::SignedOut(why),
                    ..OfficeState::new(state.page)
                };
            }
            Action::ChooseDepartment(department) => state.department = department,
            Action::TasksLoading => state.tasks = Load::Loading,
            Action::Tasks(answer) => state.tasks = load(answer),
            Action::ApplicationLoading => state.application = Load::Loading,
            Action::Application(answer) => state.application = load(answer),
            Action::AuditLoading => state.audit = Load::Loading,
            Action::Audit(answer) => state.audit = load(answer),
            Action::Recorded {
                application,
                confirmation,
            } => {
                state.application = Load::Loaded(application);
                state.confirmation = Some(confirmation);
            }
            Action::ChecksLoading => state.checks = Load::Loading,
            Action::Checks(answer) => state.checks = load(answer),
            Action::CheckLoading => state.check = Load::Loading,
            Action::Check(answer) => state.check = load(answer),
            Action::CheckRecorded {
                check,
                confirmation,
            } => {
                state.check = Load::Loaded(check);
                state.confirmation = Some(confirmation);
            }
        }
        Rc::new(state)
    }
}

/// The departments of the catalog (each permit's `grant.department`), each once, with the
/// name of the department that issues its permits, in catalog order.
pub fn departments(catalog: &catalog::Catalog) -> Vec<(String, catalog::Text<&str>)> {
    let mut seen: Vec<(String, catalog::Text<&str>)> = Vec::new();
    for permit in &catalog.permits {
        if !seen
            .iter()
            .any(|(slug, _)| *slug == permit.grant.department)
        {
            seen.push((
                permit.grant.department.clone(),
                permit.department.borrowed(),
            ));
        }
    }
    seen
}

/// A department's name by its slug; the slug itself for one the catalog does not know.
pub fn department_name(slug: &str) -> catalog::Text<String> {
    catalog::Catalog::builtin()
        .permits
        .iter()
        .find(|p| p.grant.department == slug)
        .map_or_else(|| catalog::Text::new(slug, slug), |p| p.department.clone())
}

#[cfg(test)]
mod tests {
    use contract::FieldIssues;

    use super::*;

    fn member(role: Role) -> StaffMember {
        StaffMember {
            username: "wang".into(),
            display_name: "Wang".into(),
            role,
            department: (role == Role::Reviewer).then(|| "amr".into()),
        }
    }

    fn reduce(state: OfficeState, action: Action) -> OfficeState {
        Rc::unwrap_or_clone(Rc::new(state).reduce(action))
    }

    #[test]
    fn every_page_has_an_address_that_opens_it_again() {
        for page in [
            Page::Tasks,
            Page::Application("a1b2-c3".into()),
            Page::Audit(None),
            Page::Audit(Some("a1b2-c3".into())),
            Page::Checks,
            Page::Check("a1b2-c3".into(), "liquor_retail".into()),
        ] {
            assert_eq!(Page::from_path(&page.path()), page, "{}", page.path());
        }
        assert_eq!(Page::from_path("/office"), Page::Tasks);
        assert_eq!(Page::from_path("/office/nothing"), Page::Tasks);
        // Nothing that would need escaping gets into a page's id.
        assert_eq!(Page::from_path("/office/applications/a%2Fb"), Page::Tasks);
        assert_eq!(Page::from_path("/office/checks/a1/b<c"), Page::Tasks);
        assert_eq!(Page::from_path("/office/checks/a1/b/c"), Page::Tasks);
        assert_eq!(
            Page::from_path("/office/audit?x=1&application=<b>"),
            Page::Audit(None)
        );
    }

    #[test]
    fn a_refused_session_signs_the_page_out_and_forgets_what_it_showed() {
        let mut state = OfficeState::new(Page::Tasks);
        state = reduce(state, Action::SignedIn(member(Role::Supervisor)));
        state = reduce(state, Action::ChooseDepartment(Some("amr".into())));
        let refused = ApiError::Server {
            status: 401,
            code: "not_signed_in".into(),
            retry_after: None,
            fields: FieldIssues::new(),
        };
        state = reduce(state, Action::Tasks(Err(refused)));
        assert_eq!(
            state.session,
            Session::SignedOut(Some(SignedOutBecause::SessionEnded))
        );
        state = reduce(state, Action::SignedOut(None));
        assert_eq!(state.department, None);
        assert_eq!(state.tasks, Load::Loading);
        // Another refusal (403) is said on the page, not a sign-out.
        state = reduce(state, Action::SignedIn(member(Role::Reviewer)));
        let forbidden = ApiError::Server {
            status: 403,
            code: "forbidden".into(),
            retry_after: None,
            fields: FieldIssues::new(),
        };
        state = reduce(state, Action::Application(Err(forbidden.clone())));
        assert!(matches!(state.session, Session::SignedIn(_)));
        assert_eq!(state.application, Load::Failed(forbidden));
    }

    #[test]
    fn a_page_keeps_neither_the_confirmation_nor_the_data_of_another() {
        let mut state = OfficeState::new(Page::Application("a1".into()));
        state = reduce(state, Action::SignedIn(member(Role::Supervisor)));
        state = reduce(state, Action::ChooseDepartment(Some("fire".into())));
        state.confirmation = Some("done".into());
        state.audit = Load::Loaded(Vec::new());
        state = reduce(state, Action::Open(Page::Application("a1".into())));
        assert_eq!(state.confirmation.as_deref(), Some("done"));
        state = reduce(state, Action::Open(Page::Audit(None)));
        assert_eq!(state.confirmation, None);
        assert_eq!(state.audit, Load::Loading);
        // Who is signed in and the department chosen stay.
        assert!(matches!(state.session, Session::SignedIn(_)));
        assert_eq!(state.department.as_deref(), Some("fire"));
    }

    #[test]
    fn the_departments_are_the_catalogs_each_once_with_a_name() {
        let departments = departments(catalog::Catalog::builtin());
        let slugs: Vec<&str> = departments.iter().map(|(slug, _)| slug.as_str()).collect();
        for slug in ["amr", "tobacco", "amr-drugs", "health", "police", "fire"] {
            assert_eq!(slugs.iter().filter(|s| **s == slug).count(), 1, "{slug}");
        }
        assert!(
            departments
                .iter()
                .all(|(_, name)| !name.zh.is_empty() && !name.en.is_empty())
        );
        assert_eq!(
            department_name("nowhere"),
            catalog::Text::new("nowhere", "nowhere")
        );
    }

    #[test]
    fn only_reviewers_are_held_to_one_department() {
        assert!(!sees_all_departments(Role::Reviewer));
        assert!(sees_all_departments(Role::Clerk));
        assert!(reads_audit_log(Role::Supervisor) && reads_audit_log(Role::Admin));
        assert!(!reads_audit_log(Role::Clerk) && !reads_audit_log(Role::Reviewer));
        assert!(makes_checks(Role::Reviewer) && makes_checks(Role::Supervisor));
        assert!(!makes_checks(Role::Clerk));
    }
}
