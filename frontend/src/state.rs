//! Application state: one `Reducible` struct changed only through `Action`s, each with the
//! time it happened ([`Timed`]): the reducer never reads a clock, so it can be driven with any
//! time in a test.

use std::rc::Rc;

use catalog::{Catalog, Context, Date, FormValues, ScopeAnswer};
use contract::ApplicationStatus;
use yew::Reducible;

use crate::draft::{Draft, Origin, Tracking};
use crate::outbox::OutboxEntry;
use crate::services::api::{ApiError, SubmitOutcome};
use crate::steps;

/// Which screen is shown. Each has its own address ([`Page::path`]), so Back, Forward, a
/// reload and a shared link all land on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Start,
    Drafts,
    Industry,
    Scope,
    /// One step of the form, by its id (`steps.rs`); an unknown or empty id opens the first.
    Form(String),
    Check,
    /// Sent: in the outbox until the server answers.
    Sending,
    License,
    /// Tracking an application by its id (`/track/{id}`).
    Track(String),
    /// The licenses this device holds (`/licenses`, #18).
    Licenses,
    Inspect,
}

impl Page {
    /// This page's address, for the application `draft`: `/apply/{draft}/…` for the pages of
    /// one application. `None` for the inspector, a page load of its own.
    pub fn path(&self, draft: &str) -> Option<String> {
        let apply = |rest: &str| Some(format!("/apply/{draft}/{rest}"));
        match self {
            Page::Start => Some("/".into()),
            Page::Drafts => Some("/drafts".into()),
            Page::Licenses => Some("/licenses".into()),
            Page::Industry => apply("industry"),
            Page::Scope => apply("scope"),
            Page::Form(step) if step.is_empty() => apply("form"),
            Page::Form(step) => apply(&format!("form/{step}")),
            Page::Check => apply("check"),
            Page::Sending => apply("sent"),
            Page::License => apply("license"),
            Page::Track(id) => Some(format!("/track/{id}")),
            Page::Inspect => None,
        }
    }

    /// The page an address opens, and the application it names (`/apply/{id}/…`). An
    /// address the app does not know opens the start page.
    pub fn from_path(path: &str) -> (Page, Option<String>) {
        let path = path.trim_end_matches('/');
        match path {
            "/drafts" => return (Page::Drafts, None),
            "/licenses" => return (Page::Licenses, None),
            _ => {}
        }
        if let Some(id) = path.strip_prefix("/track/").filter(|id| !id.is_empty()) {
            return (Page::Track(id.to_owned()), None);
        }
        let Some((id, rest)) = path
            .strip_prefix("/apply/")
            .and_then(|rest| rest.split_once('/'))
            .filter(|(id, _)| !id.is_empty())
        else {
            return (Page::Start, None);
        };
        let page = match rest {
            "industry" => Page::Industry,
            "scope" => Page::Scope,
            "form" => Page::Form(String::new()),
            "check" => Page::Check,
            "sent" => Page::Sending,
            "license" => Page::License,
            _ => match rest.strip_prefix("form/") {
                Some(step) => Page::Form(step.to_owned()),
                None => return (Page::Start, None),
            },
        };
        (page, Some(id.to_owned()))
    }
}

/// The registry look-up for the credit code typed last.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Lookup {
    #[default]
    Idle,
    Looking,
    Found,
    NotFound,
    Failed(ApiError),
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub page: Page,
    pub draft: Draft,
    /// "Required" messages of the step shown wait for its "Continue", as on GOV.UK.
    pub show_errors: bool,
    /// Fields the applicant has left: their format errors show from then on.
    pub touched: Vec<String>,
    /// A field to move the focus to once the form is shown (a "Change" link).
    pub focus: Option<String>,
    pub lookup: Lookup,
    /// The current application's outbox state, while it waits for the server's answer.
    pub sending: Option<Sending>,
    /// The applicant's answer to a refusal could not be sent (no network, or refused).
    pub decision_failed: bool,
}

/// Where an application in the outbox stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Sending {
    /// Queued; no answer yet. `last_error` says why the last try failed: a key of
    /// `ApiError::failure_key`.
    Waiting {
        attempts: u32,
        last_error: Option<String>,
    },
    /// A request is under way.
    InFlight,
    /// The server refused it for a reason editing fields cannot fix (e.g. the id was used
    /// for a different application): it left the outbox; the message says what to do.
    Refused(ApiError),
}

impl AppState {
    /// Picks up a saved application where it was left; one waiting in the outbox (`queued`)
    /// opens read-only, as waiting to be sent.
    pub fn resume(draft: Draft, queued: bool, now: f64) -> AppState {
        let page = if queued && draft.license.is_none() {
            Page::Sending
        } else {
            resume_page(&draft, crate::authority_day_at(now))
        };
        AppState {
            draft,
            ..AppState::new(page, now)
        }
    }

    /// What validation knows from outside the form: today, and whether the registry found
    /// the credit code as typed.
    pub fn context(&self, today: Date) -> Context {
        Context {
            today,
            credit_code_registered: self.lookup == Lookup::Found,
        }
    }

    pub fn new(page: Page, now: f64) -> AppState {
        AppState {
            page,
            draft: Draft::new(String::new(), now),
            show_errors: false,
            touched: Vec::new(),
            focus: None,
            lookup: Lookup::Idle,
            sending: None,
            decision_failed: false,
        }
    }
}

pub enum Action {
    Go(Page),
    /// An address was opened (at start, Back/Forward, an in-app link): its page, the
    /// application it names and that application as kept on the device, if it is.
    Open {
        page: Page,
        id: Option<String>,
        stored: Option<Box<Draft>>,
    },
    /// Starts a new application with a fresh id, pre-filled from the saved profile.
    NewApplication {
        id: String,
        profile: FormValues,
    },
    Resume {
        draft: Box<Draft>,
        /// It waits in the outbox: it opens read-only.
        queued: bool,
    },
    /// "Change" or "Renew" on a license: a new application with a fresh id, pre-filled from
    /// the draft holding its current version (`Draft::held`).
    Hold {
        id: String,
        from: Box<Draft>,
        purpose: contract::HolderRequest,
    },
    ChooseIndustry(String),
    Answer(String, Option<ScopeAnswer>),
    /// "Ask for the department's review instead" for a permit on commitment, on or off.
    RequestReview(String, bool),
    SetValue(String, String),
    /// The applicant left this field: its format error may show now.
    Left(String),
    LookupStarted,
    LookupDone(Result<Option<FormValues>, ApiError>),
    /// "Continue" on a step of the form: to the next step (or the check page) when this
    /// step has no errors, else show them.
    Continue,
    /// "Change" on the check page: to the step that asks the field, focus on it.
    Change(String),
    FocusDone,
    /// "Send" on the check page: the application goes into the outbox.
    Queue,
    SendStarted(String),
    /// "Withdraw and edit": the application left the outbox; it is checked and edited again.
    Withdrawn,
    /// A try for this application id got no answer; it stays in the outbox.
    SendFailed {
        id: String,
        attempts: u32,
        why: String,
    },
    /// The server answered for this application, as it was sent.
    Answered(Box<OutboxEntry>, Result<SubmitOutcome, ApiError>),
    /// Where an application stands, as the authority said when the app synced (or after
    /// the applicant's answer to a refusal).
    Synced(Box<Tracking>),
    /// The answer to a refusal did not reach the authority.
    DecisionFailed,
}

/// An action and when it happened (ms since the epoch), read from the clock where it was
/// dispatched: a change to the draft is stamped with it.
pub struct Timed {
    pub action: Action,
    pub at: f64,
}

impl Reducible for AppState {
    type Action = Timed;

    fn reduce(self: Rc<Self>, Timed { action, at: now }: Timed) -> Rc<Self> {
        let mut next = (*self).clone();
        let today = crate::authority_day_at(now);
        // Opening a kept application is no change to it.
        let mut opened = false;
        // Whether the page arrived at shows its errors at once.
        let mut show_errors = false;
        match action {
            Action::Go(page) => next.page = page,
            Action::Open { page, id, stored } => match id {
                Some(id) if id != next.draft.id => match stored {
                    Some(draft) => {
                        next = AppState {
                            draft: *draft,
                            ..AppState::new(page, now)
                        };
                        opened = true;
                    }
                    // Not on this device (deleted, or a link from another one).
                    None => next.page = Page::Start,
                },
                // The application open here is newer than its copy on the device (that is
                // written after a pause in typing).
                _ => next.page = page,
            },
            Action::NewApplication { id, profile } => {
                next = AppState::new(Page::Industry, now);
                next.draft = Draft::new(id, now);
                next.draft.prefill(&profile, Origin::Profile);
            }
            Action::Resume { draft, queued } => {
                next = AppState::resume(*draft, queued, now);
                opened = true;
            }
            Action::Hold { id, from, purpose } => {
                if let Some(draft) = Draft::held(id, &from, purpose, now) {
                    next = AppState::new(Page::Form(String::new()), now);
                    next.draft = draft;
                }
            }
            Action::ChooseIndustry(industry) => {
                next.draft.choose_industry(&industry);
                next.page = Page::Scope;
            }
            Action::Answer(question, answer) => next.draft.answer(&question, answer),
            Action::RequestReview(permit, on) => next.draft.request_review(&permit, on),
            Action::SetValue(field, value) => next.draft.set_value(&field, value),
            Action::Left(field) => {
                if !next.touched.contains(&field) {
                    next.touched.push(field);
                }
            }
            Action::LookupStarted => next.lookup = Lookup::Looking,
            Action::LookupDone(result) => {
                next.lookup = match result {
                    Ok(Some(values)) => {
                        next.draft.prefill(&values, Origin::Registry);
                        Lookup::Found
                    }
                    Ok(None) => Lookup::NotFound,
                    Err(error) => Lookup::Failed(error),
                }
            }
            Action::Continue => {
                if let Page::Form(step) = &next.page {
                    match continue_from(&next.draft, step, next.context(today)) {
                        Some((page, errors)) => {
                            next.page = page;
                            show_errors = errors;
                        }
                        None => next.show_errors = true,
                    }
                }
            }
            Action::Change(field) => {
                // A value the form takes from a scope answer (a reviewer may flag it) is
                // changed where that question is asked.
                next.page = match source_of(&next.draft, &field) {
                    Some(catalog::Prefill::Scope) => Page::Scope,
                    _ => Page::Form(step_asking(&next.draft, &field, today)),
                };
                next.focus = Some(field);
            }
            Action::FocusDone => next.focus = None,
            Action::Withdrawn => {
                next.sending = None;
                next.page = Page::Check;
            }
            Action::Queue => {
                next.page = Page::Sending;
                next.sending = Some(Sending::Waiting {
                    attempts: 0,
                    last_error: None,
                });
            }
            Action::SendStarted(id) if id == next.draft.id => {
                next.sending = Some(Sending::InFlight)
            }
            Action::SendFailed { id, attempts, why } if id == next.draft.id => {
                next.sending = Some(Sending::Waiting {
                    attempts,
                    last_error: Some(why),
                });
            }
            Action::Answered(entry, result) if entry.id == next.draft.id => {
                next.sending = None;
                match result {
                    Ok(SubmitOutcome::Issued(answer)) => {
                        next.draft.license = Some(*answer);
                        next.draft.server_errors.clear();
                        next.page = Page::License;
                    }
                    Ok(SubmitOutcome::Received(answer)) => {
                        next.draft.received(&entry, &answer);
                        next.page = Page::Sending;
                        reopen_for_corrections(&mut next, today);
                    }
                    Ok(SubmitOutcome::NeedsChanges(fields)) => {
                        next.draft.server_errors = fields;
                        next.page = Page::Form(
                            first_step_with_errors(&next.draft, next.context(today))
                                .unwrap_or_default(),
                        );
                        next.show_errors = true;
                        show_errors = true;
                    }
                    Err(error) => next.sending = Some(Sending::Refused(error)),
                }
            }
            Action::Synced(status) if status.application_id == next.draft.id => {
                next.decision_failed = false;
                next.draft.apply_tracking(*status);
                reopen_for_corrections(&mut next, today);
            }
            Action::DecisionFailed => next.decision_failed = true,
            // My licenses shows what the sync learnt about licenses not open on screen.
            Action::Synced(_) if self.page == Page::Licenses => {}
            // Answers about applications not open on screen: the outbox and the sync update
            // them on the device directly.
            Action::SendStarted(_)
            | Action::SendFailed { .. }
            | Action::Answered(..)
            | Action::Synced(_) => {
                return self;
            }
        }
        if next.page != self.page {
            next.decision_failed = false;
            settle_step(&mut next, today);
            // A step's messages wait for its own "Continue" (or the server's answer).
            next.show_errors = show_errors;
            next.focus = next.focus.filter(|_| matches!(next.page, Page::Form(_)));
        }
        if next.draft != self.draft && !opened {
            next.draft.updated_at = now;
        }
        Rc::new(next)
    }
}

/// Where "Continue" on `step` leads, and whether that page shows its errors at once: the
/// next step; after the last, the check page, or back to the first step still in error.
/// `None` when `step` itself has errors to show.
fn continue_from(draft: &Draft, step: &str, context: Context) -> Option<(Page, bool)> {
    let form = draft.form(Catalog::builtin())?;
    let values = draft.complete_values(&form, context.today);
    let steps = steps::steps(&form, &values);
    let index = steps::position(&steps, step);
    let problems = steps::problems(draft, &form, context);
    if !steps::step_problems(&steps, index, &problems).is_empty() {
        return None;
    }
    if let Some(next) = steps.get(index + 1) {
        return Some((Page::Form(next.id.to_owned()), false));
    }
    Some(match first_in_error(&steps, &problems) {
        Some(step) => (Page::Form(step.to_owned()), true),
        None => (Page::Check, false),
    })
}

fn first_in_error<'s>(
    steps: &'s [steps::Step],
    problems: &contract::FieldMap<steps::Problem>,
) -> Option<&'s str> {
    (0..steps.len())
        .find(|&i| !steps::step_problems(steps, i, problems).is_empty())
        .and_then(|i| steps.get(i))
        .map(|step| step.id)
}

/// The first step with an error to show (after the server refused fields).
fn first_step_with_errors(draft: &Draft, context: Context) -> Option<String> {
    let form = draft.form(Catalog::builtin())?;
    let values = draft.complete_values(&form, context.today);
    let steps = steps::steps(&form, &values);
    let problems = steps::problems(draft, &form, context);
    first_in_error(&steps, &problems).map(str::to_owned)
}

/// Where the form takes a field's value from, if it fills it itself.
fn source_of(draft: &Draft, field: &str) -> Option<catalog::Prefill> {
    draft.form(Catalog::builtin())?.field(field)?.def.prefill
}

/// The step that asks `field` (empty: the first, if none does).
fn step_asking(draft: &Draft, field: &str, today: Date) -> String {
    let Some(form) = draft.form(Catalog::builtin()) else {
        return String::new();
    };
    let values = draft.complete_values(&form, today);
    let steps = steps::steps(&form, &values);
    steps::step_of(&steps, field)
        .and_then(|i| steps.get(i))
        .map(|step| step.id.to_owned())
        .unwrap_or_default()
}

/// A form page names one of the steps the application has now: an empty or unknown step
/// (an old address, a step whose questions went with a changed answer) becomes the first.
fn settle_step(state: &mut AppState, today: Date) {
    let Page::Form(id) = &state.page else {
        return;
    };
    let Some(form) = state.draft.form(Catalog::builtin()) else {
        state.page = Page::Industry;
        return;
    };
    let values = state.draft.complete_values(&form, today);
    let steps = steps::steps(&form, &values);
    let settled = match steps.get(steps::position(&steps, id)) {
        Some(step) => Page::Form(step.id.to_owned()),
        None => Page::Check,
    };
    state.page = settled;
}

/// Where the in-app "Back" goes from each page: the page before it in the application's
/// flow (the step before; the last step from the check page).
pub fn back_target(page: &Page, draft: &Draft, today: Date) -> Option<Page> {
    let step_before = |current: Option<&str>| {
        let form = draft.form(Catalog::builtin())?;
        let values = draft.complete_values(&form, today);
        let steps = steps::steps(&form, &values);
        let index = match current {
            Some(id) => steps::position(&steps, id).checked_sub(1)?,
            None => steps.len().checked_sub(1)?,
        };
        Some(Page::Form(steps.get(index)?.id.to_owned()))
    };
    Some(match page {
        Page::Start => return None,
        Page::Industry
        | Page::Drafts
        | Page::Licenses
        | Page::Track(_)
        | Page::Inspect
        | Page::License
        | Page::Sending => Page::Start,
        // A holder's application keeps its license's industry.
        Page::Scope if draft.holder.is_some() => Page::Licenses,
        Page::Scope => Page::Industry,
        Page::Form(step) => step_before(Some(step)).unwrap_or(Page::Scope),
        Page::Check => step_before(None).unwrap_or(Page::Scope),
    })
}

/// An application shown as sent that the reviewers sent back opens for editing, at the first
/// step with a field they flagged.
fn reopen_for_corrections(state: &mut AppState, today: Date) {
    if state.page == Page::Sending
        && state.draft.status() == Some(ApplicationStatus::CorrectionRequested)
    {
        state.page = Page::Form(first_step_correcting(&state.draft, today));
    }
}

/// The first step asking a field the reviewers flagged (empty: the first step).
fn first_step_correcting(draft: &Draft, today: Date) -> String {
    let Some(form) = draft.form(Catalog::builtin()) else {
        return String::new();
    };
    let values = draft.complete_values(&form, today);
    let steps = steps::steps(&form, &values);
    steps
        .iter()
        .find(|step| {
            step.fields
                .iter()
                .any(|f| draft.corrections.contains_key(&f.def.id))
        })
        .map(|step| step.id.to_owned())
        .unwrap_or_default()
}

/// Where a resumed draft picks up.
fn resume_page(draft: &Draft, today: Date) -> Page {
    if draft.license.is_some() {
        Page::License
    } else if draft.status() == Some(ApplicationStatus::CorrectionRequested) {
        Page::Form(first_step_correcting(draft, today))
    } else if draft.tracking.is_some() {
        Page::Sending
    } else if draft.industry.is_none() {
        Page::Industry
    } else if draft.values.is_empty() {
        Page::Scope
    } else {
        Page::Form(String::new())
    }
}

#[cfg(test)]
mod tests {
    use catalog::Catalog;
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// 2026-11-26T20:30Z: still the 26th in UTC, already 04:30 on the 27th for the authority.
    const EVENING_UTC: f64 = 1_795_725_000_000.0;
    const MINUTE: f64 = 60_000.0;

    fn reduce(state: Rc<AppState>, action: Action, at: f64) -> Rc<AppState> {
        state.reduce(Timed { action, at })
    }

    #[test]
    fn a_queued_application_reopens_read_only_until_withdrawn() {
        let mut draft = Draft::new("a".into(), EVENING_UTC);
        draft.choose_industry("bookstore");
        draft.set_value("business_name", "Page One".into());
        let state = Rc::new(AppState::new(Page::Start, 0.0));
        let queued = reduce(
            state.clone(),
            Action::Resume {
                draft: Box::new(draft.clone()),
                queued: true,
            },
            EVENING_UTC,
        );
        assert_eq!(queued.page, Page::Sending);
        let withdrawn = reduce(queued, Action::Withdrawn, EVENING_UTC + MINUTE);
        assert_eq!((&withdrawn.page, &withdrawn.sending), (&Page::Check, &None));
        // Not queued, the same draft opens where it was left: its form.
        let resumed = reduce(
            state,
            Action::Resume {
                draft: Box::new(draft),
                queued: false,
            },
            EVENING_UTC,
        );
        assert!(matches!(resumed.page, Page::Form(_)), "{:?}", resumed.page);
    }

    #[test]
    fn changes_are_stamped_with_the_time_their_action_carries() {
        let state = Rc::new(AppState::new(Page::Start, 0.0));
        let state = reduce(
            state,
            Action::NewApplication {
                id: "a".into(),
                profile: FormValues::new(),
            },
            EVENING_UTC,
        );
        assert_eq!(state.draft.updated_at, EVENING_UTC);
        let state = reduce(
            state,
            Action::ChooseIndustry("bookstore".into()),
            EVENING_UTC + MINUTE,
        );
        assert_eq!(state.draft.updated_at, EVENING_UTC + MINUTE);
        // Moving between pages changes nothing in the application.
        let state = reduce(
            state,
            Action::Go(Page::Form(String::new())),
            EVENING_UTC + 2.0 * MINUTE,
        );
        assert_eq!(state.draft.updated_at, EVENING_UTC + MINUTE);

        // Sent at that moment, the application is dated the authority's day, not UTC's.
        let form = state.draft.form(Catalog::builtin());
        let form = form.unwrap_or_else(|| panic!("a bookstore merges"));
        let today = crate::authority_day_at(state.draft.updated_at);
        let values = state.draft.complete_values(&form, today);
        assert_eq!(
            values.get("application_date").map(String::as_str),
            Some("2026-11-27")
        );
    }

    /// A convenience store's application, on its first step (nothing typed yet).
    fn convenience_store(at: f64) -> Rc<AppState> {
        let state = Rc::new(AppState::new(Page::Start, 0.0));
        let state = reduce(
            state,
            Action::NewApplication {
                id: "store".into(),
                profile: FormValues::new(),
            },
            at,
        );
        let mut state = reduce(
            state,
            Action::ChooseIndustry("convenience_store".into()),
            at,
        );
        // Every permit switched on.
        let catalog = Catalog::builtin();
        let industry = catalog.industry("convenience_store").unwrap();
        for (question, answer) in industry.full_scope(catalog) {
            state = reduce(state, Action::Answer(question, Some(answer)), at);
        }
        reduce(state, Action::Go(Page::Form(String::new())), at)
    }

    /// A value each kind of field accepts.
    fn valid(field: &catalog::MergedField) -> String {
        use catalog::FieldKind::*;
        let first_option = || field.def.options.first().map(|o| o.value.clone());
        match field.def.kind {
            CreditCode => "91110108551385082Q".into(),
            IdNumber => "11010519491231002X".into(),
            Phone => "13812345678".into(),
            Email => "shop@example.com".into(),
            PostalCode => "200120".into(),
            TimeRange => "09:00-22:00".into(),
            Date => "2015-05-01".into(),
            Number | Integer => "1".into(),
            YesNo => "yes".into(),
            Choice | Division | MultiChoice => first_option().unwrap_or_default(),
            Text => "测试".into(),
        }
    }

    /// Answers every question of the step shown, also those an answer brings up.
    fn fill_step(state: Rc<AppState>, at: f64) -> Rc<AppState> {
        let state = fill_shown(state, at);
        fill_shown(state, at)
    }

    fn fill_shown(mut state: Rc<AppState>, at: f64) -> Rc<AppState> {
        let Page::Form(step) = state.page.clone() else {
            panic!("not on a step: {:?}", state.page);
        };
        let form = state.draft.form(Catalog::builtin()).unwrap();
        let values = state
            .draft
            .complete_values(&form, crate::authority_day_at(at));
        let fields = steps::steps(&form, &values)
            .into_iter()
            .find(|s| s.id == step)
            .unwrap()
            .fields;
        for field in fields {
            state = reduce(
                state,
                Action::SetValue(field.def.id.clone(), valid(&field)),
                at,
            );
        }
        state
    }

    #[test]
    fn the_form_opens_on_its_first_step_with_the_credit_code_first() {
        let state = convenience_store(EVENING_UTC);
        assert_eq!(state.page, Page::Form("basic".into()));
        let form = state.draft.form(Catalog::builtin()).unwrap();
        let values = state
            .draft
            .complete_values(&form, crate::authority_day_at(EVENING_UTC));
        let steps = steps::steps(&form, &values);
        assert_eq!(steps[0].fields[0].def.id, "credit_code");
        let ids: Vec<&str> = steps.iter().map(|s| s.id).collect();
        assert_eq!(
            &ids[..6],
            [
                "basic", "contact", "premises", "building", "people", "staff"
            ]
        );
        assert_eq!(ids.last(), Some(&"declaration"));
        // Each datum once, and none the form fills itself.
        let asked: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.fields.iter().map(|f| f.def.id.as_str()))
            .collect();
        let mut unique = asked.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), asked.len());
        assert!(!asked.contains(&"application_date"));
    }

    #[test]
    fn continue_checks_the_step_shown_and_no_other() {
        let state = convenience_store(EVENING_UTC);
        let state = reduce(state, Action::Continue, EVENING_UTC + MINUTE);
        assert_eq!(state.page, Page::Form("basic".into()));
        assert!(state.show_errors, "the step's own errors show");
        let state = fill_step(state, EVENING_UTC + 2.0 * MINUTE);
        let state = reduce(state, Action::Continue, EVENING_UTC + 3.0 * MINUTE);
        assert_eq!(state.page, Page::Form("contact".into()));
        assert!(
            !state.show_errors,
            "the next step, all unanswered, shows no errors before its own Continue"
        );
        // Moving on is no change to the application.
        assert_eq!(state.draft.updated_at, EVENING_UTC + 2.0 * MINUTE);
    }

    #[test]
    fn the_last_continue_goes_back_to_the_first_step_still_in_error() {
        let mut state = convenience_store(EVENING_UTC);
        let at = EVENING_UTC + MINUTE;
        // Every step but the first answered, in any order: the last step's Continue leads
        // back to the first, errors shown, instead of to the check page.
        let form = state.draft.form(Catalog::builtin()).unwrap();
        let values = state
            .draft
            .complete_values(&form, crate::authority_day_at(at));
        let ids: Vec<String> = steps::steps(&form, &values)
            .iter()
            .map(|s| s.id.to_owned())
            .collect();
        for id in ids.iter().skip(1) {
            state = reduce(state, Action::Go(Page::Form(id.clone())), at);
            state = fill_step(state, at);
        }
        assert_eq!(state.page, Page::Form(ids.last().unwrap().clone()));
        let state = reduce(state, Action::Continue, at);
        assert_eq!(state.page, Page::Form("basic".into()));
        assert!(state.show_errors);
        let state = fill_step(state, at);
        let state = reduce(state, Action::Continue, at);
        assert_eq!(state.page, Page::Form("contact".into()));
        let state = reduce(
            state,
            Action::Go(Page::Form(ids.last().unwrap().clone())),
            at,
        );
        let state = reduce(state, Action::Continue, at);
        assert_eq!(state.page, Page::Check);
        assert!(!state.show_errors);
    }

    #[test]
    fn a_field_another_answer_needs_is_asked_only_then_and_as_required() {
        let state = convenience_store(EVENING_UTC);
        let lease_end = |state: &AppState| {
            let form = state.draft.form(Catalog::builtin()).unwrap();
            let values = state
                .draft
                .complete_values(&form, crate::authority_day_at(EVENING_UTC));
            steps::steps(&form, &values)
                .iter()
                .flat_map(|s| s.fields.iter())
                .find(|f| f.def.id == "lease_end_date")
                .map(|f| f.required)
        };
        assert_eq!(
            lease_end(&state),
            None,
            "not asked before the premises are leased"
        );
        let state = reduce(
            state,
            Action::SetValue("premises_ownership".into(), "leased".into()),
            EVENING_UTC,
        );
        assert_eq!(lease_end(&state), Some(true));
    }

    #[test]
    fn leaving_a_field_lets_its_format_error_show_and_a_new_step_starts_quiet() {
        let state = convenience_store(EVENING_UTC);
        let state = reduce(state, Action::Left("contact_phone".into()), EVENING_UTC);
        assert_eq!(state.touched, ["contact_phone"]);
        let state = reduce(state, Action::Continue, EVENING_UTC);
        assert!(state.show_errors);
        let state = reduce(state, Action::Go(Page::Scope), EVENING_UTC);
        assert!(!state.show_errors);
    }

    #[test]
    fn change_opens_the_step_asking_the_field_and_focuses_it() {
        let state = convenience_store(EVENING_UTC);
        let state = reduce(state, Action::Go(Page::Check), EVENING_UTC);
        let state = reduce(state, Action::Change("principal_name".into()), EVENING_UTC);
        assert_eq!(state.page, Page::Form("people".into()));
        assert_eq!(state.focus.as_deref(), Some("principal_name"));
        let state = reduce(state, Action::FocusDone, EVENING_UTC);
        assert_eq!(state.focus, None);
    }

    #[test]
    fn every_page_has_an_address_that_opens_it_again() {
        let pages = [
            Page::Start,
            Page::Drafts,
            Page::Industry,
            Page::Scope,
            Page::Form("premises".into()),
            Page::Form("food_business".into()),
            Page::Check,
            Page::Sending,
            Page::License,
            Page::Track("abc".into()),
            Page::Licenses,
        ];
        for page in pages {
            let path = page.path("d1").unwrap();
            let named = path.starts_with("/apply/").then(|| "d1".to_owned());
            assert_eq!(Page::from_path(&path), (page.clone(), named), "{path}");
        }
        assert_eq!(Page::Inspect.path("d1"), None);
        assert_eq!(
            Page::from_path("/apply/d1/form"),
            (Page::Form(String::new()), Some("d1".into()))
        );
        for unknown in [
            "/nowhere",
            "/apply/",
            "/apply/d1",
            "/apply/d1/elsewhere",
            "/track/",
        ] {
            assert_eq!(Page::from_path(unknown), (Page::Start, None), "{unknown}");
        }
    }

    #[test]
    fn opening_an_address_of_another_application_takes_it_from_the_device() {
        let state = convenience_store(EVENING_UTC);
        let mut kept = Draft::new("kept".into(), EVENING_UTC - MINUTE);
        kept.choose_industry("bookstore");
        let state = reduce(
            state,
            Action::Open {
                page: Page::Form("nonexistent".into()),
                id: Some("kept".into()),
                stored: Some(Box::new(kept)),
            },
            EVENING_UTC + MINUTE,
        );
        assert_eq!(state.draft.id, "kept");
        assert_eq!(
            state.page,
            Page::Form("basic".into()),
            "an unknown step opens the first"
        );
        assert_eq!(
            state.draft.updated_at,
            EVENING_UTC - MINUTE,
            "opening is no change"
        );
        // The application open here is newer than its copy on the device.
        let state = reduce(
            state,
            Action::SetValue("business_name".into(), "书店".into()),
            EVENING_UTC + 2.0 * MINUTE,
        );
        let stale = Draft::new("kept".into(), 0.0);
        let state = reduce(
            state,
            Action::Open {
                page: Page::Scope,
                id: Some("kept".into()),
                stored: Some(Box::new(stale)),
            },
            EVENING_UTC + 3.0 * MINUTE,
        );
        assert_eq!(state.page, Page::Scope);
        assert_eq!(
            state.draft.values.get("business_name").map(String::as_str),
            Some("书店")
        );
        // An application this device does not have: the start page.
        let state = reduce(
            state,
            Action::Open {
                page: Page::Check,
                id: Some("elsewhere".into()),
                stored: None,
            },
            EVENING_UTC + 4.0 * MINUTE,
        );
        assert_eq!(state.page, Page::Start);
    }

    #[test]
    fn a_change_of_a_license_opens_its_first_step_pre_filled_and_goes_back_to_my_licenses() {
        let mut from = convenience_store(EVENING_UTC).draft.clone();
        from.values.insert("legal_rep_name".into(), "张三".into());
        let license = r#"{"number":"N1","industry":"convenience_store","valid_from":0,
            "valid_until":1,"permits":[],"qr_text":"","claims":{"issuer":"310115",
            "business_name":"店","credit_code":"91310115MA1K000000",
            "address":{"division":310115,"detail":"1号"},"legal_representative":"张三"}}"#;
        from.license = Some(crate::license::IssuedLicense::parse(license.into()).unwrap());
        let state = reduce(
            Rc::new(AppState::new(Page::Licenses, 0.0)),
            Action::Hold {
                id: "change".into(),
                from: Box::new(from.clone()),
                purpose: contract::HolderRequest::Change,
            },
            EVENING_UTC + MINUTE,
        );
        assert_eq!(state.page, Page::Form("basic".into()));
        assert_eq!(state.draft.id, "change");
        assert_eq!(state.draft.scope, from.scope);
        assert_eq!(
            state.draft.values.get("legal_rep_name").map(String::as_str),
            Some("张三")
        );
        assert_eq!(state.draft.holder.as_ref().map(|h| h.based_on), Some(1));
        let today = crate::authority_day_at(EVENING_UTC);
        assert_eq!(
            back_target(&Page::Scope, &state.draft, today),
            Some(Page::Licenses)
        );
        assert_eq!(
            back_target(&Page::Scope, &from, today),
            Some(Page::Industry)
        );
    }

    #[test]
    fn back_goes_to_the_step_before() {
        let state = convenience_store(EVENING_UTC);
        let today = crate::authority_day_at(EVENING_UTC);
        let back = |page: Page| back_target(&page, &state.draft, today);
        assert_eq!(back(Page::Form("basic".into())), Some(Page::Scope));
        assert_eq!(
            back(Page::Form("contact".into())),
            Some(Page::Form("basic".into()))
        );
        assert_eq!(back(Page::Check), Some(Page::Form("declaration".into())));
        assert_eq!(back(Page::Track("x".into())), Some(Page::Start));
        assert_eq!(back(Page::Start), None);
    }

    #[test]
    fn a_received_application_waits_and_reopens_at_the_first_step_a_reviewer_flagged() {
        let state = convenience_store(EVENING_UTC);
        let state = reduce(
            state,
            Action::RequestReview("liquor_retail".into(), true),
            EVENING_UTC,
        );
        assert_eq!(state.draft.review_requested, ["liquor_retail"]);
        let state = reduce(state, Action::Queue, EVENING_UTC);
        let entry = OutboxEntry::new(
            "store".into(),
            "convenience_store".into(),
            state.draft.scope.clone(),
            state.draft.values.clone(),
            vec!["liquor_retail".into()],
            EVENING_UTC,
        );
        // The 202 answer's text, as the server sends it.
        let received = |revision: u32| {
            Tracking::parse(format!(
                r#"{{"application_id":"store","status":"under_review","revision":{revision}}}"#
            ))
            .unwrap()
        };
        let answer = received(1);
        let state = reduce(
            state,
            Action::Answered(
                Box::new(entry.clone()),
                Ok(SubmitOutcome::Received(Box::new(answer))),
            ),
            EVENING_UTC + MINUTE,
        );
        // Received: the sent page, read-only, waiting for the departments.
        assert_eq!((&state.page, &state.sending), (&Page::Sending, &None));
        assert_eq!(state.draft.status(), Some(ApplicationStatus::UnderReview));
        assert_eq!(state.draft.sent.as_ref(), Some(&entry));
        assert!(!state.draft.editable());
        // A sync about another application changes nothing here.
        let mut other = crate::draft::tests::corrections_asked(1);
        other.application_id = "elsewhere".into();
        let state = reduce(state, Action::Synced(Box::new(other.into())), EVENING_UTC);
        assert_eq!(state.page, Page::Sending);
        // Sent back: the same draft opens at the first step asking a flagged field (the
        // contact phone comes before the floor area).
        let asked = crate::draft::tests::corrections_asked(1);
        let state = reduce(
            state,
            Action::Synced(Box::new(asked.into())),
            EVENING_UTC + 2.0 * MINUTE,
        );
        assert_eq!(state.page, Page::Form("contact".into()));
        assert!(state.draft.editable());
        assert_eq!(
            state.draft.corrections.get("floor_area").map(Vec::len),
            Some(2)
        );
        // Picked up again later, it opens there too; received and waiting, on the sent page.
        let resumed = AppState::resume(state.draft.clone(), false, EVENING_UTC);
        assert_eq!(resumed.page, Page::Form("contact".into()));
        let mut waiting = state.draft.clone();
        waiting.received(&entry, &received(2));
        assert!(waiting.corrections.is_empty());
        let resumed = AppState::resume(waiting, false, EVENING_UTC);
        assert_eq!(resumed.page, Page::Sending);
    }
}
