use bilingual::{lang_switch, use_stored_lang};
use contract::StaffMember;
use yew::prelude::*;

use crate::components::{
    AuditPage, SignIn, application_page, check_page, checks_page, focus, tasks_page,
};
use crate::i18n::{self, InLang};
use crate::services::api;
use crate::state::{self, Action, Load, OfficeState, Page, Session, SignedOutBecause};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let state = use_reducer(|| OfficeState::new(Page::from_path(&current_address())));
    let dispatch = {
        let state = state.dispatcher();
        Callback::from(move |action| state.dispatch(action))
    };
    // "Try again" asks the page's data once more.
    let reloads = use_state(|| 0u32);
    let retry = {
        let reloads = reloads.clone();
        Callback::from(move |()| reloads.set(*reloads + 1))
    };
    // Who is signed in on this browser (the session cookie is HttpOnly: only the server
    // knows). No session, or no answer: the sign-in form, which says why it fails.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.emit(match api::me().await {
                    Ok(member) => Action::SignedIn(member),
                    Err(_) => Action::SignedOut(None),
                });
            });
        });
    }
    // Each page asks for its data when it opens, when the member or the chosen department
    // changes, and on "Try again".
    {
        let dispatch = dispatch.clone();
        let member = state.member().map(|m| m.username.clone());
        let key = (
            state.page.clone(),
            member,
            state.department.clone(),
            *reloads,
        );
        use_effect_with(key, move |(page, member, department, _)| {
            if member.is_some() {
                load(page.clone(), department.clone(), dispatch);
            }
        });
    }
    // The address bar follows the page; Back and Forward open the page of their address.
    {
        let first = use_mut_ref(|| true);
        let path = state.page.path();
        use_effect_with(path, move |path| {
            show_address(path, std::mem::replace(&mut *first.borrow_mut(), false));
        });
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "popstate", move |_| {
                    dispatch.emit(Action::Open(Page::from_path(&current_address())));
                });
            move || drop(listener)
        });
    }
    // A recorded decision is said above the updated view: the focus moves there.
    use_effect_with(state.confirmation.clone(), |confirmation| {
        if confirmation.is_some() {
            focus("confirmation");
        }
    });
    let on_link = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(path) = in_app_link(&e) {
                e.prevent_default();
                dispatch.emit(Action::Open(Page::from_path(&path)));
                focus("main");
            }
        })
    };
    let on_sign_out = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Signed out here whatever the answer: a session the server no longer knows
                // is as good as ended.
                let _ = api::logout().await;
                dispatch.emit(Action::SignedOut(Some(SignedOutBecause::SignedOut)));
                focus("main");
            });
        })
    };
    let main = match (&state.session, &state.page) {
        (Session::Checking, _) => html! { <p role="status">{ i18n::LOADING.get(lang) }</p> },
        (Session::SignedOut(because), _) => html! {
            <SignIn {lang} because={*because} on_signed_in={dispatch.reform(Action::SignedIn)} />
        },
        (Session::SignedIn(member), Page::Tasks) => tasks_page(
            lang,
            member,
            state.department.as_deref(),
            &state.tasks,
            &dispatch.reform(Action::ChooseDepartment),
            &retry,
        ),
        (Session::SignedIn(member), Page::Application(_)) => match &state.application {
            Load::Loaded(application) => application_page(
                lang,
                application,
                member,
                state.confirmation.as_deref(),
                &dispatch.reform(|(application, confirmation)| Action::Recorded {
                    application,
                    confirmation,
                }),
            ),
            other => crate::components::loading_or_failed(lang, other, &retry).unwrap_or_default(),
        },
        (Session::SignedIn(member), Page::Checks) => checks_page(
            lang,
            member,
            state.department.as_deref(),
            &state.checks,
            &dispatch.reform(Action::ChooseDepartment),
            &retry,
        ),
        (Session::SignedIn(_), Page::Check(..)) => match &state.check {
            Load::Loaded(check) => check_page(
                lang,
                check,
                state.confirmation.as_deref(),
                &dispatch.reform(|(check, confirmation)| Action::CheckRecorded {
                    check,
                    confirmation,
                }),
            ),
            other => crate::components::loading_or_failed(lang, other, &retry).unwrap_or_default(),
        },
        (Session::SignedIn(_), Page::Audit(application)) => html! {
            <AuditPage {lang} key={application.clone().unwrap_or_default()} application={application.clone()}
                entries={state.audit.clone()} on_retry={retry.clone()}
                on_filter={dispatch.reform(|id| Action::Open(Page::Audit(id)))} />
        },
    };
    let nav = state
        .member()
        .map(|member| nav(lang, member, &state.page, &on_link, &on_sign_out));
    html! {
        <>
            <a class="skip-link" href="#main">{ i18n::SKIP_TO_MAIN.get(lang) }</a>
            <header class="site-header office-header">
                <a class="brand" href={Page::Tasks.path()} onclick={on_link.clone()}>{ i18n::APP_NAME.get(lang) }</a>
                <div class="header-actions">{ lang_switch(lang, &set_lang) }</div>
            </header>
            { for nav }
            <main id="main" tabindex="-1" onclick={on_link}>
                { main }
            </main>
        </>
    }
}

/// Where a member can go, who is signed in, and "Sign out".
fn nav(
    lang: bilingual::Lang,
    member: &StaffMember,
    page: &Page,
    on_link: &Callback<MouseEvent>,
    on_sign_out: &Callback<MouseEvent>,
) -> Html {
    let current = |here: bool| here.then_some("page");
    let audit = state::reads_audit_log(member.role).then(|| html! {
        <li><a href={Page::Audit(None).path()} aria-current={current(matches!(page, Page::Audit(_)))}>{ i18n::AUDIT_HEADING.get(lang) }</a></li>
    });
    let checks = state::makes_checks(member.role).then(|| html! {
        <li><a href={Page::Checks.path()} aria-current={current(matches!(page, Page::Checks | Page::Check(..)))}>{ i18n::CHECKS_HEADING.get(lang) }</a></li>
    });
    html! {
        <nav class="office-nav" aria-label={i18n::APP_NAME.get(lang)} onclick={on_link.clone()}>
            <ul>
                <li><a href={Page::Tasks.path()} aria-current={current(*page == Page::Tasks)}>{ i18n::TASKS_HEADING.get(lang) }</a></li>
                { for checks }
                { for audit }
            </ul>
            <p class="signed-in">
                { i18n::SIGNED_IN_AS.get(lang) }<strong>{ &member.display_name }</strong>
                <button type="button" class="sign-out" onclick={on_sign_out.clone()}>{ i18n::SIGN_OUT.get(lang) }</button>
            </p>
        </nav>
    }
}

fn load(page: Page, department: Option<String>, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        match page {
            Page::Tasks => {
                dispatch.emit(Action::TasksLoading);
                dispatch.emit(Action::Tasks(api::tasks(department.as_deref()).await));
            }
            Page::Application(id) => {
                dispatch.emit(Action::ApplicationLoading);
                dispatch.emit(Action::Application(api::application(&id).await));
            }
            Page::Audit(application) => {
                dispatch.emit(Action::AuditLoading);
                dispatch.emit(Action::Audit(api::audit(application.as_deref()).await));
            }
            Page::Checks => {
                dispatch.emit(Action::ChecksLoading);
                dispatch.emit(Action::Checks(api::checks(department.as_deref()).await));
            }
            Page::Check(id, permit) => {
                dispatch.emit(Action::CheckLoading);
                dispatch.emit(Action::Check(api::check(&id, &permit).await));
            }
        }
    });
}

/// The address with its query (the audit log's filter).
fn current_address() -> String {
    let location = gloo::utils::window().location();
    format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

/// Puts `path` in the address bar: a new history entry, or in place of the address the
/// office was opened at (`/office` becomes `/office/`).
fn show_address(path: &str, first: bool) {
    let window = gloo::utils::window();
    if current_address() == path {
        return;
    }
    let Ok(history) = window.history() else {
        return;
    };
    let state = wasm_bindgen::JsValue::NULL;
    let _ = if first {
        history.replace_state_with_url(&state, "", Some(path))
    } else {
        history.push_state_with_url(&state, "", Some(path))
    };
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The office's own address a plain click on a link goes to (no modifier key, no new window).
fn in_app_link(e: &MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    if e.button() != 0 || e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
        return None;
    }
    let link = e
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??;
    if link.has_attribute("target") || link.has_attribute("download") {
        return None;
    }
    let href = link.get_attribute("href")?;
    href.starts_with(&format!("{}/", state::BASE))
        .then_some(href)
}
