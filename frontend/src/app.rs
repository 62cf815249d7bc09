use bilingual::{lang_switch, use_stored_lang};
use catalog::{Catalog, ids};
use yew::prelude::*;

use contract::{
    ApplicantChoice, ApplicantDecision, ApplicationStatus, HolderRequest, LicenseState,
};

use crate::components::{
    CREDIT_CODE, FormPage, IndustryPage, IssuerKey, ScopePage, SendingProps, check_page,
    drafts_page, license_page, licenses_page, received_page, reminder, sending_page, start_page,
    track_page,
};
use crate::draft::{Draft, Tracking};
use crate::holder::held;
use crate::hooks::{use_clerk_mode, use_large_text, use_service_worker, use_storage_health};
use crate::i18n::{self, InLang};
use crate::outbox::OutboxEntry;
use crate::services::api::{self, ApiError};
use crate::services::storage;
use crate::state::{Action, AppState, Page, Timed, back_target};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let (large_text, toggle_large_text) = use_large_text();
    // Switching language or text size re-lays out every line: the reader stays where they
    // were (the element they were at keeps its place in the window).
    let anchor = use_mut_ref(|| None::<Anchor>);
    // The field the reader was last at (the switches in the header take the focus).
    let last_field = use_mut_ref(|| None::<web_sys::Element>);
    {
        let anchor = anchor.clone();
        use_effect_with((lang, large_text), move |_| {
            if let Some(kept) = anchor.borrow_mut().take() {
                kept.restore();
            }
        });
    }
    let set_lang = {
        let (anchor, last_field) = (anchor.clone(), last_field.clone());
        Callback::from(move |next| {
            *anchor.borrow_mut() = Anchor::take(last_field.borrow().as_ref());
            set_lang.emit(next);
        })
    };
    let toggle_large_text = {
        let (anchor, last_field) = (anchor.clone(), last_field.clone());
        Callback::from(move |()| {
            *anchor.borrow_mut() = Anchor::take(last_field.borrow().as_ref());
            toggle_large_text.emit(());
        })
    };
    let (clerk_mode, toggle_clerk_mode) = use_clerk_mode();
    let (update_ready, activate_update) = use_service_worker();
    let storage = use_storage_health();
    let state = use_reducer(initial_state);
    // Every change to the application is kept on the device (written after a pause in typing
    // well under a second, or when the tab is hidden): nothing typed is lost on reload, tab
    // close or a dead battery.
    use_effect_with(state.draft.clone(), |draft| {
        if !draft.id.is_empty() {
            storage::save_draft(draft);
            storage::remember_current(&draft.id);
        }
    });
    // Every action is stamped here, when it happens: the reducer reads no clock.
    let dispatch = {
        let state = state.dispatcher();
        Callback::from(move |action| {
            state.dispatch(Timed {
                action,
                at: js_sys::Date::now(),
            })
        })
    };
    let go = dispatch.reform(Action::Go);
    {
        let (dispatch, draft) = (dispatch.clone(), state.draft.clone());
        use_effect_with((), move |_| {
            look_up_again(&draft, &dispatch);
            start_outbox(dispatch)
        });
    }
    // The address bar follows the page: a new page is a new history entry (the first one
    // replaces the address it was opened at, e.g. `/` resuming an application), and Back and
    // Forward open the page of the address they land on.
    {
        let first = use_mut_ref(|| true);
        let path = state.page.path(&state.draft.id);
        // A new page starts at its top, unless a field of it is about to take the focus.
        let to_top = state.focus.is_none();
        use_effect_with(path, move |path| {
            let first = std::mem::replace(&mut *first.borrow_mut(), false);
            if let Some(path) = path {
                show_address(path, first, to_top);
            }
        });
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "popstate", move |_| {
                    dispatch.emit(open(&current_path()));
                });
            move || drop(listener)
        });
    }
    // My licenses asks the authority where each license stands when it opens.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.page == Page::Licenses, move |shown| {
            if *shown {
                sync(dispatch);
            }
        });
    }
    // Links to the app's own pages (the tracking link on the license …) open in the app,
    // without loading it again.
    let on_focus_in = Callback::from(move |e: FocusEvent| {
        use wasm_bindgen::JsCast;
        *last_field.borrow_mut() = e.target().and_then(|t| t.dyn_into().ok());
    });
    let on_link = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(path) = in_app_link(&e) {
                e.prevent_default();
                dispatch.emit(open(&path));
            }
        })
    };

    let main = match &state.page {
        Page::Start => {
            let dispatch = dispatch.clone();
            let on_go = Callback::from(move |page: Page| {
                if page == Page::Industry {
                    dispatch.emit(Action::NewApplication {
                        id: crate::new_application_id(),
                        profile: storage::profile(),
                    });
                } else {
                    dispatch.emit(Action::Go(page));
                }
            });
            let drafts = storage::drafts();
            let today = crate::today();
            let reminders = held(&drafts)
                .iter()
                .filter_map(|h| reminder(lang, h, today))
                .collect();
            start_page(lang, &on_go, reminders)
        }
        Page::Licenses => {
            let dispatch = dispatch.clone();
            let on_act = Callback::from(move |(from, purpose): (Draft, HolderRequest)| {
                let id = crate::new_application_id();
                if purpose == HolderRequest::Cancellation {
                    cancel(lang, id, &from, &dispatch);
                } else {
                    // The registry's answer decides whether an early credit code passes
                    // (`catalog::Context`), as for any application being filled.
                    let mut filling = from.clone();
                    filling.license = None;
                    let from = Box::new(from);
                    dispatch.emit(Action::Hold { id, from, purpose });
                    look_up_again(&filling, &dispatch);
                }
            });
            licenses_page(lang, &storage::drafts(), crate::today(), &on_act)
        }
        Page::Drafts => {
            let on_delete = {
                let go = go.clone();
                Callback::from(move |id: String| {
                    storage::delete_draft(&id);
                    go.emit(Page::Drafts);
                })
            };
            let queued: Vec<_> = storage::outbox().into_iter().map(|e| e.id).collect();
            let on_resume = {
                let (queued, dispatch) = (queued.clone(), dispatch.clone());
                Callback::from(move |draft: Draft| {
                    dispatch.emit(Action::Resume {
                        queued: queued.contains(&draft.id),
                        draft: Box::new(draft.clone()),
                    });
                    look_up_again(&draft, &dispatch);
                })
            };
            drafts_page(lang, &storage::drafts(), &queued, &on_resume, &on_delete)
        }
        Page::Industry => html! {
            <IndustryPage {lang} chosen={state.draft.industry.clone().map(AttrValue::from)}
                on_choose={dispatch.reform(Action::ChooseIndustry)} />
        },
        Page::Scope => match &state.draft.industry {
            Some(industry) => html! {
                <ScopePage {lang} industry={industry.clone()} answers={state.draft.scope.clone()}
                    on_answer={dispatch.reform(|(q, a)| Action::Answer(q, a))}
                    on_continue={go.reform(|_| Page::Form(String::new()))} />
            },
            None => html! {},
        },
        Page::Form(step) => {
            let on_value = {
                let dispatch = dispatch.clone();
                Callback::from(move |(field, value): (String, String)| {
                    let code = catalog::normalise(catalog::FieldKind::CreditCode, &value);
                    // A code failing its check character is looked up too: the registry's
                    // answer decides whether it is an early, real code (catalog::Context).
                    let lookup = field == CREDIT_CODE
                        && ids::check_credit_code(&code) != ids::CreditCodeCheck::BadFormat;
                    dispatch.emit(Action::SetValue(field, value));
                    if lookup {
                        look_up_registry(code, dispatch.clone());
                    }
                })
            };
            html! {
                <FormPage {lang} draft={state.draft.clone()} step={AttrValue::from(step.clone())}
                    show_errors={state.show_errors} touched={state.touched.clone()}
                    lookup={state.lookup.clone()} focus={state.focus.clone().map(AttrValue::from)}
                    {on_value} on_left={dispatch.reform(Action::Left)}
                    on_review={dispatch.reform(|(permit, on)| Action::RequestReview(permit, on))}
                    on_request={dispatch.reform(Action::Change)}
                    on_continue={dispatch.reform(|_| Action::Continue)}
                    on_focus_done={dispatch.reform(|_| Action::FocusDone)} />
            }
        }
        Page::Check => {
            let on_submit = {
                let (dispatch, draft) = (dispatch.clone(), state.draft.clone());
                Callback::from(move |_| queue(draft.clone(), Action::Queue, &dispatch))
            };
            check_page(
                lang,
                &state.draft,
                &dispatch.reform(Action::Change),
                &on_submit,
            )
        }
        // Received and waiting for the authority (a corrected application waiting in the
        // outbox shows as any application there).
        Page::Sending
            if state.draft.license.is_none()
                && state.draft.status().is_some()
                && state.draft.status() != Some(ApplicationStatus::CorrectionRequested) =>
        {
            let on_decide = {
                let (dispatch, draft) = (dispatch.clone(), state.draft.clone());
                Callback::from(move |choice| decide(lang, &draft, choice, &dispatch))
            };
            received_page(lang, &state.draft, state.decision_failed, &on_decide)
        }
        Page::Sending => {
            let on_retry = {
                let dispatch = dispatch.clone();
                Callback::from(move |_| {
                    retry_now();
                    flush_outbox(dispatch.clone());
                })
            };
            let entry = storage::outbox()
                .into_iter()
                .find(|e| e.id == state.draft.id);
            let on_withdraw = {
                let dispatch = dispatch.clone();
                let queued = entry.is_some();
                Callback::from(move |id: String| {
                    if queued && !gloo::dialogs::confirm(i18n::WITHDRAW_CONFIRM.get(lang)) {
                        return;
                    }
                    let dispatch = dispatch.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        storage::dequeue(&id).await;
                        dispatch.emit(Action::Withdrawn);
                    });
                })
            };
            sending_page(SendingProps {
                lang,
                sending: state.sending.clone(),
                entry,
                on_retry,
                id: state.draft.id.clone().into(),
                on_withdraw,
            })
        }
        Page::License => match &state.draft.license {
            Some(license) => license_page(
                lang,
                &state.draft.id.clone().into(),
                license,
                &go.reform(|_| Page::Start),
            ),
            None => html! {},
        },
        Page::Track(id) => track_page(
            lang,
            id.clone().into(),
            &dispatch.reform(|draft| Action::Resume {
                draft: Box::new(draft),
                queued: false,
            }),
        ),
        Page::Inspect => {
            // The inspector is its own bundle under /inspect/ (applicants never download the
            // scanner): a full page load, not a route of this app.
            let _ = gloo::utils::window().location().assign("/inspect/");
            html! {}
        }
    };
    let back = back_target(&state.page, &state.draft, crate::today()).map(|target| {
        let go = go.clone();
        html! {
            <button type="button" class="link back no-print" onclick={Callback::from(move |_| go.emit(target.clone()))}>
                { "‹ " }{ i18n::BACK.get(lang) }
            </button>
        }
    });
    html! {
        <>
            <a class="skip-link" href="#main">{ i18n::SKIP_TO_MAIN.get(lang) }</a>
            <header class="site-header no-print">
                <button type="button" class="brand link-button" onclick={go.reform(|_| Page::Start)}>
                    { i18n::APP_NAME.get(lang) }
                </button>
                <div class="header-actions">
                    <button type="button" class="link-button" aria-pressed={clerk_mode.to_string()}
                        onclick={toggle_clerk_mode.reform(|_| ())}>
                        { i18n::CLERK_MODE.get(lang) }
                    </button>
                    <button type="button" class="link-button" aria-pressed={large_text.to_string()}
                        onclick={toggle_large_text.reform(|_| ())}>
                        { i18n::LARGE_TEXT.get(lang) }
                    </button>
                    { lang_switch(lang, &set_lang) }
                </div>
            </header>
            <main id="main" tabindex="-1" onclick={on_link} onfocusin={on_focus_in}>
                if update_ready {
                    <div class="notice no-print" role="status">
                        <p>{ i18n::UPDATE_READY.get(lang) }</p>
                        <button type="button" onclick={activate_update.reform(|_| ())}>{ i18n::RELOAD.get(lang) }</button>
                    </div>
                }
                if let Some(failing) = storage.failing {
                    <p class="notice no-print" role="alert">{ failing.get(lang) }</p>
                }
                // Only where unsent applications are shown, and only while some are unsent:
                // there the warning is true and actionable.
                if let (Some(warning), true) = (storage.warning, unsent_on_page(&state)) {
                    <p class="notice no-print" role="status">{ warning.get(lang) }</p>
                }
                if let (1.., Page::Start | Page::Drafts | Page::Sending) = (storage.unreadable, &state.page) {
                    <p class="notice no-print" role="status">
                        { i18n::UNREADABLE_BEFORE.get(lang) }{ storage.unreadable }{ i18n::UNREADABLE_AFTER.get(lang) }
                    </p>
                }
                { for back }
                { main }
            </main>
            <footer class="no-print"><p class="tagline">{ i18n::TAGLINE.get(lang) }</p><IssuerKey {lang} /></footer>
        </>
    }
}

/// The page of the address the app was opened at (with its application, kept on the
/// device); at `/`, the application this tab had open before, or the start page.
fn initial_state() -> AppState {
    let now = js_sys::Date::now();
    let path = current_path();
    let action = match (Page::from_path(&path), storage::current_draft()) {
        ((Page::Start, _), Some(draft)) => Action::Resume {
            queued: storage::is_queued(&draft.id),
            draft: Box::new(draft),
        },
        _ => open(&path),
    };
    let start = std::rc::Rc::new(AppState::new(Page::Start, now));
    std::rc::Rc::unwrap_or_clone(start.reduce(Timed { action, at: now }))
}

fn current_path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default()
}

/// Whether the page shows applications that are not sent yet: a draft still in progress on
/// the list of saved ones, or the open one after a try that failed.
fn unsent_on_page(state: &AppState) -> bool {
    match &state.page {
        Page::Drafts => storage::drafts()
            .iter()
            .any(|d| d.license.is_none() && !d.values.is_empty()),
        Page::Sending => storage::outbox()
            .iter()
            .any(|e| e.id == state.draft.id && e.attempts > 0),
        _ => false,
    }
}

/// Opening an address: its page, and the application it names as kept on the device.
fn open(path: &str) -> Action {
    let (mut page, id) = Page::from_path(path);
    let stored = id
        .as_ref()
        .and_then(|id| storage::drafts().into_iter().find(|d| d.id == *id))
        .map(Box::new);
    // An application waiting in the outbox, or received and not sent back for corrections,
    // opens read-only whatever editing page the address names (a bookmark, Back to a step).
    if matches!(
        page,
        Page::Industry | Page::Scope | Page::Form(_) | Page::Check
    ) && (id.as_deref().is_some_and(storage::is_queued)
        || stored.as_ref().is_some_and(|d| !d.editable()))
    {
        page = Page::Sending;
    }
    Action::Open { page, id, stored }
}

/// Puts `path` in the address bar: a new history entry, or in place of the current one
/// (the first page shown; the license that replaces "sending" once the answer came).
fn show_address(path: &str, replace: bool, to_top: bool) {
    let window = gloo::utils::window();
    let current = window.location().pathname().unwrap_or_default();
    if current == path {
        return;
    }
    let Ok(history) = window.history() else {
        return;
    };
    let state = wasm_bindgen::JsValue::NULL;
    let _ = if replace || current.ends_with("/sent") {
        history.replace_state_with_url(&state, "", Some(path))
    } else {
        history.push_state_with_url(&state, "", Some(path))
    };
    if to_top && !replace {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The app's own address a click on a link goes to, if the app shows it itself: a plain
/// click (no modifier key, no download, no new window) on a link to one of its pages.
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
    if link.has_attribute("download") || link.has_attribute("target") {
        return None;
    }
    let href = link.get_attribute("href")?;
    let origin = gloo::utils::window().location().origin().ok()?;
    let path = href.strip_prefix(&origin).unwrap_or(&href);
    let ours = path == "/"
        || ["/drafts", "/track/", "/apply/"]
            .iter()
            .any(|p| path.starts_with(p));
    ours.then(|| path.to_owned())
}

/// Where the reader is: the field they were last at if it is in view, else the element at the
/// top of the window, and how far from the window's top it is.
struct Anchor {
    element: web_sys::Element,
    top: f64,
}

impl Anchor {
    fn take(last_field: Option<&web_sys::Element>) -> Option<Anchor> {
        let window = gloo::utils::window();
        let height = window.inner_height().ok()?.as_f64()?;
        let document = gloo::utils::document();
        if let Some(element) = last_field.filter(|e| e.is_connected()) {
            let top = element.get_bounding_client_rect().top();
            if (0.0..height).contains(&top) {
                return Some(Anchor {
                    element: element.clone(),
                    top,
                });
            }
        }
        // Below the (sticky) header: the first thing of the page the reader sees.
        let header = document
            .query_selector(".site-header")
            .ok()
            .flatten()
            .map_or(0.0, |h| h.get_bounding_client_rect().bottom());
        let x = window.inner_width().ok()?.as_f64()? / 2.0;
        let element = document.element_from_point(x as f32, (header + 8.0) as f32)?;
        let top = element.get_bounding_client_rect().top();
        Some(Anchor { element, top })
    }

    /// Scrolls so the element is as far from the window's top as it was.
    fn restore(self) {
        if !self.element.is_connected() {
            return;
        }
        let moved = self.element.get_bounding_client_rect().top() - self.top;
        gloo::utils::window().scroll_by_with_x_and_y(0.0, moved);
    }
}

fn look_up_registry(credit_code: String, dispatch: Callback<Action>) {
    dispatch.emit(Action::LookupStarted);
    wasm_bindgen_futures::spawn_local(async move {
        let answer = match api::lookup_registry(&credit_code).await {
            Ok(Some(values)) => {
                storage::cache_registry(&credit_code, &values).await;
                Ok(Some(values))
            }
            // Offline: what this device looked up before still pre-fills.
            Err(error) if error.is_transient() => storage::cached_registry(&credit_code)
                .await
                .map(Some)
                .ok_or(error),
            other => other,
        };
        dispatch.emit(Action::LookupDone(answer));
    });
}

/// An application picked up again (reload, "Resume") asks the registry about its credit code
/// once more: the answer decides whether an early code failing its check character passes
/// (`catalog::Context`), and the form says where its values came from.
fn look_up_again(draft: &Draft, dispatch: &Callback<Action>) {
    let code = draft.values.get(CREDIT_CODE).map_or(String::new(), |v| {
        catalog::normalise(catalog::FieldKind::CreditCode, v)
    });
    if draft.license.is_none() && ids::check_credit_code(&code) != ids::CreditCodeCheck::BadFormat {
        look_up_registry(code, dispatch.clone());
    }
}

/// "Send": the application goes into the outbox on the device, then out as soon as it can;
/// `then` says so on screen. A holder's cancellation carries no values.
fn queue(draft: Draft, then: Action, dispatch: &Callback<Action>) {
    let cancelling = draft
        .holder
        .as_ref()
        .is_some_and(|h| h.purpose == HolderRequest::Cancellation);
    let form = draft.form(Catalog::builtin()).filter(|_| !cancelling);
    let Some(industry) = draft
        .industry
        .clone()
        .filter(|_| form.is_some() || cancelling)
    else {
        return;
    };
    let now = js_sys::Date::now();
    let today = crate::authority_day_at(now);
    let mut entry = OutboxEntry::new(
        draft.id.clone(),
        industry,
        draft.scope.clone(),
        form.as_ref()
            .map(|f| draft.complete_values(f, today))
            .unwrap_or_default(),
        form.as_ref()
            .map(|f| draft.reviews_in(f))
            .unwrap_or_default(),
        now,
    );
    entry.license = draft.holder.clone();
    let dispatch = dispatch.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // The draft the entry came from is on the device too, for the answer to land in.
        storage::save_draft_now(&draft).await;
        storage::enqueue(entry).await;
        dispatch.emit(then);
        flush_outbox(dispatch);
    });
}

/// "Cancel" on a license, once confirmed with the holder's reason (optional): a cancellation
/// application of its own goes through the outbox like any other, and opens as sent.
fn cancel(lang: i18n::Lang, id: String, from: &Draft, dispatch: &Callback<Action>) {
    let Some(reason) = gloo::dialogs::prompt(i18n::CANCEL_PROMPT.get(lang), None) else {
        return;
    };
    let Some(mut draft) = Draft::held(id, from, HolderRequest::Cancellation, js_sys::Date::now())
    else {
        return;
    };
    if let Some(request) = &mut draft.holder {
        let reason = reason.trim();
        request.reason = (!reason.is_empty()).then(|| reason.to_owned());
    }
    let then = Action::Resume {
        draft: Box::new(draft.clone()),
        queued: true,
    };
    queue(draft, then, dispatch);
}

/// Runs the outbox for the life of the page: at start, whenever the network comes back, and
/// every few seconds for entries whose backoff has run out. The app learns where received
/// applications stand at the same moments, and every minute while the page is seen.
fn start_outbox(dispatch: Callback<Action>) {
    flush_outbox(dispatch.clone());
    sync(dispatch.clone());
    let on_online = dispatch.clone();
    gloo::events::EventListener::new(&gloo::utils::window(), "online", move |_| {
        retry_now();
        flush_outbox(on_online.clone());
        sync(on_online.clone());
    })
    .forget();
    let on_minute = dispatch.clone();
    gloo::timers::callback::Interval::new(60_000, move || {
        if !gloo::utils::document().hidden() {
            sync(on_minute.clone());
        }
    })
    .forget();
    gloo::timers::callback::Interval::new(5_000, move || flush_outbox(dispatch.clone())).forget();
}

thread_local! {
    /// One sync at a time.
    static SYNCING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Asks the authority where each received application stands that is not settled (and not
/// waiting in the outbox: its answer is on the way). Offline, it stops at the first failure
/// and tries again at the next occasion.
fn sync(dispatch: Callback<Action>) {
    if SYNCING.with(|s| s.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let drafts = storage::drafts();
        // And where each license this device holds stands (its version, state, history),
        // until the authority says it ended.
        let licenses = held(&drafts)
            .into_iter()
            .filter(|h| {
                !matches!(
                    h.standing().and_then(|s| s.state),
                    Some(LicenseState::Cancelled | LicenseState::Revoked)
                )
            })
            .map(|h| h.draft.clone());
        let waiting = drafts
            .iter()
            .filter(|d| d.awaiting() && !storage::is_queued(&d.id))
            .cloned()
            .collect::<Vec<_>>();
        for draft in waiting.into_iter().chain(licenses.collect::<Vec<_>>()) {
            match api::track(&draft.id).await {
                Ok(status) => learnt(&draft, status, &dispatch).await,
                Err(error) if error.is_transient() => break,
                Err(_) => {}
            }
        }
        SYNCING.with(|s| s.set(false));
    });
}

/// Keeps where an application stands (on the device, then on screen); once issued, sends the
/// application again to receive its license.
async fn learnt(draft: &Draft, status: Tracking, dispatch: &Callback<Action>) {
    storage::remember_tracking(&status).await;
    storage::update_draft(&draft.id, |d| d.apply_tracking(status.clone())).await;
    let issued = status.status == ApplicationStatus::Issued;
    dispatch.emit(Action::Synced(Box::new(status)));
    if let (true, None, Some(sent)) = (issued, &draft.license, &draft.sent) {
        storage::enqueue(sent.again(js_sys::Date::now())).await;
        flush_outbox(dispatch.clone());
    }
}

/// The applicant's answer to a refusal, once confirmed: drop a permit (and receive a license
/// for the rest) or withdraw. It needs the network: the page says so when it fails.
fn decide(lang: i18n::Lang, draft: &Draft, choice: ApplicantChoice, dispatch: &Callback<Action>) {
    let Some(sent) = draft.sent.clone() else {
        return;
    };
    let question = match choice {
        ApplicantChoice::Drop { .. } => i18n::DROP_CONFIRM,
        ApplicantChoice::Withdraw => i18n::WITHDRAW_APPLICATION_CONFIRM,
    };
    if !gloo::dialogs::confirm(question.get(lang)) {
        return;
    }
    let (draft, dispatch) = (draft.clone(), dispatch.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let decision = ApplicantDecision {
            application: sent.request(),
            decision: choice,
        };
        match api::decide(&decision).await {
            Ok(status) => learnt(&draft, status, &dispatch).await,
            Err(_) => dispatch.emit(Action::DecisionFailed),
        }
    });
}

thread_local! {
    /// One flush at a time: the timer, the `online` event and "Send" may all fire together.
    static FLUSHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The next flush sends every entry, whatever its backoff.
    static RETRY_NOW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes every entry due at the next flush (the network came back, or the applicant pressed
/// "Try now").
fn retry_now() {
    RETRY_NOW.set(true);
}

/// Sends every due outbox entry once. An entry leaves the outbox only with the server's
/// answer: a license or "received, under review" (kept in its draft), or field errors (back
/// to its draft).
fn flush_outbox(dispatch: Callback<Action>) {
    if FLUSHING.with(|f| f.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let now = js_sys::Date::now();
        let all = RETRY_NOW.replace(false);
        // What the device holds now: another tab may have queued or sent entries.
        let entries = storage::load_outbox().await;
        for mut entry in entries.into_iter().filter(|e| all || e.is_due(now)) {
            dispatch.emit(Action::SendStarted(entry.id.clone()));
            let outcome = api::submit(&entry).await;
            match outcome {
                Err(error) if error.is_transient() => {
                    let why = error.failure_key().to_owned();
                    entry.failed(js_sys::Date::now(), why.clone());
                    let (id, attempts) = (entry.id.clone(), entry.attempts);
                    storage::requeue(entry).await;
                    dispatch.emit(Action::SendFailed { id, attempts, why });
                }
                outcome => {
                    // The answer is kept before the entry leaves the outbox: a crash in
                    // between sends again, and the server answers the same.
                    record_answer(&entry, &outcome).await;
                    storage::dequeue(&entry.id).await;
                    dispatch.emit(Action::Answered(Box::new(entry), outcome));
                }
            }
        }
        FLUSHING.with(|f| f.set(false));
    });
}

/// Keeps the server's answer in the application's draft on the device, whether or not that
/// application is open on screen.
async fn record_answer(entry: &OutboxEntry, outcome: &Result<api::SubmitOutcome, ApiError>) {
    storage::update_draft(&entry.id, |draft| match outcome {
        Ok(api::SubmitOutcome::Issued(answer)) => {
            draft.license = Some((**answer).clone());
            draft.server_errors.clear();
            if let Some(form) = draft.form(Catalog::builtin()) {
                remember_profile(&form, &entry.values);
            }
        }
        Ok(api::SubmitOutcome::Received(answer)) => draft.received(entry, answer),
        Ok(api::SubmitOutcome::NeedsChanges(fields)) => draft.server_errors = fields.clone(),
        Err(_) => {}
    })
    .await;
}

/// Keeps the applicant's own data (contact, ID …) for pre-filling their next application.
fn remember_profile(form: &catalog::MergedForm, values: &catalog::FormValues) {
    let mut profile = storage::profile();
    for field in form
        .fields()
        .filter(|f| f.def.prefill == Some(catalog::Prefill::Profile))
    {
        if let Some(value) = values.get(&field.def.id).filter(|v| !v.trim().is_empty()) {
            profile.insert(field.def.id.clone(), value.clone());
        }
    }
    storage::save_profile(&profile);
}
