//! Application state: one `Reducible` struct changed only through `Action`s, each with the
//! time it happened ([`Timed`]): the reducer never reads a clock, so it can be driven with any
//! time in a test.

use std::rc::Rc;

use catalog::{FormValues, ScopeAnswer};
use yew::Reducible;

use crate::draft::{Draft, Origin};
use crate::services::api::{ApiError, SubmitOutcome};

/// Which screen is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Start,
    Drafts,
    Industry,
    Scope,
    Form,
    Check,
    /// Sent: in the outbox until the server answers.
    Sending,
    License,
    /// Tracking an application by its id (`/track/{id}`).
    Track(String),
    Inspect,
}

impl Page {
    /// The page a URL path opens, so tracking links work.
    pub fn from_path(path: &str) -> Page {
        match path.strip_prefix("/track/") {
            Some(id) if !id.is_empty() => Page::Track(id.to_owned()),
            _ => Page::Start,
        }
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
    /// Validation messages show only after the first "Continue", as on GOV.UK.
    pub show_errors: bool,
    /// A field to move the focus to once the form is shown (a "Change" link).
    pub focus: Option<String>,
    pub lookup: Lookup,
    /// The current application's outbox state, while it waits for the server's answer.
    pub sending: Option<Sending>,
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
            resume_page(&draft)
        };
        AppState {
            draft,
            ..AppState::new(page, now)
        }
    }

    pub fn new(page: Page, now: f64) -> AppState {
        AppState {
            page,
            draft: Draft::new(String::new(), now),
            show_errors: false,
            focus: None,
            lookup: Lookup::Idle,
            sending: None,
        }
    }
}

pub enum Action {
    Go(Page),
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
    ChooseIndustry(String),
    Answer(String, Option<ScopeAnswer>),
    SetValue(String, String),
    LookupStarted,
    LookupDone(Result<Option<FormValues>, ApiError>),
    /// "Continue" on the form: to the check page when valid, else show the errors.
    Continue {
        valid: bool,
    },
    /// "Change" on the check page: back to the form, focus on the field.
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
    /// The server answered for this application id.
    Answered(String, Result<SubmitOutcome, ApiError>),
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
        match action {
            Action::Go(page) => next.page = page,
            Action::NewApplication { id, profile } => {
                next = AppState::new(Page::Industry, now);
                next.draft = Draft::new(id, now);
                next.draft.prefill(&profile, Origin::Profile);
            }
            Action::Resume { draft, queued } => next = AppState::resume(*draft, queued, now),
            Action::ChooseIndustry(industry) => {
                next.draft.choose_industry(&industry);
                next.page = Page::Scope;
            }
            Action::Answer(question, answer) => next.draft.answer(&question, answer),
            Action::SetValue(field, value) => next.draft.set_value(&field, value),
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
            Action::Continue { valid } => {
                next.show_errors = !valid;
                if valid {
                    next.page = Page::Check;
                }
            }
            Action::Change(field) => {
                next.page = Page::Form;
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
            Action::Answered(id, result) if id == next.draft.id => {
                next.sending = None;
                match result {
                    Ok(SubmitOutcome::Issued(answer)) => {
                        next.draft.license = Some(answer.license);
                        next.draft.server_errors.clear();
                        next.page = Page::License;
                    }
                    Ok(SubmitOutcome::NeedsChanges(fields)) => {
                        next.draft.server_errors = fields;
                        next.show_errors = true;
                        next.page = Page::Form;
                    }
                    Err(error) => next.sending = Some(Sending::Refused(error)),
                }
            }
            // Answers about applications not open on screen: the outbox updates them on the
            // device directly.
            Action::SendStarted(_) | Action::SendFailed { .. } | Action::Answered(..) => {
                return self;
            }
        }
        if next.draft != self.draft {
            next.draft.updated_at = now;
        }
        Rc::new(next)
    }
}

/// Where a resumed draft picks up.
fn resume_page(draft: &Draft) -> Page {
    if draft.license.is_some() {
        Page::License
    } else if draft.industry.is_none() {
        Page::Industry
    } else if draft.values.is_empty() {
        Page::Scope
    } else {
        Page::Form
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
        assert_eq!(resumed.page, Page::Form);
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
        let state = reduce(state, Action::Go(Page::Form), EVENING_UTC + 2.0 * MINUTE);
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
}
