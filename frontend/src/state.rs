//! Application state: one `Reducible` struct changed only through `Action`s.

use std::rc::Rc;

use yew::Reducible;

/// Which screen is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    #[default]
    Start,
    Apply,
    Continue,
    Check,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub page: Page,
}

pub enum Action {
    Go(Page),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Go(page) => next.page = page,
        }
        Rc::new(next)
    }
}
