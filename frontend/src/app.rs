use bilingual::{LangSwitch, use_stored_lang};
use catalog::{Catalog, ids};
use yew::prelude::*;

use crate::components::{
    CREDIT_CODE, FormPage, IndustryPage, IssuerKey, ScopePage, SendingPage, check_page,
    drafts_page, license_page, start_page, track_page,
};
use crate::draft::Draft;
use crate::hooks::{use_clerk_mode, use_large_text, use_service_worker, use_storage_health};
use crate::i18n::{self, InLang};
use crate::outbox::OutboxEntry;
use crate::services::api::{self, ApiError};
use crate::services::storage;
use crate::state::{Action, AppState, Page, Timed};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let (large_text, toggle_large_text) = use_large_text();
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
            start_page(lang, &on_go)
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
                    on_continue={go.reform(|_| Page::Form)} />
            },
            None => html! {},
        },
        Page::Form => {
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
                <FormPage {lang} draft={state.draft.clone()} show_errors={state.show_errors}
                    lookup={state.lookup.clone()} focus={state.focus.clone().map(AttrValue::from)}
                    {on_value} on_continue={dispatch.reform(|valid| Action::Continue { valid })}
                    on_focus_done={dispatch.reform(|_| Action::FocusDone)} />
            }
        }
        Page::Check => {
            let on_submit = {
                let (dispatch, draft) = (dispatch.clone(), state.draft.clone());
                Callback::from(move |_| queue(&draft, &dispatch))
            };
            check_page(
                lang,
                &state.draft,
                &dispatch.reform(Action::Change),
                &on_submit,
            )
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
            html! { <SendingPage {lang} sending={state.sending.clone()} {entry} {on_retry} {on_withdraw} id={state.draft.id.clone()} /> }
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
    let back = back_target(&state.page).map(|target| {
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
                    <LangSwitch {lang} on_change={set_lang} />
                </div>
            </header>
            <main id="main" tabindex="-1">
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

/// The page a link opened (`/track/{id}`), or else the application this tab had open before
/// a reload, or the start page.
fn initial_state() -> AppState {
    let now = js_sys::Date::now();
    let path = gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default();
    match (Page::from_path(&path), storage::current_draft()) {
        (Page::Start, Some(draft)) => {
            let queued = storage::outbox().iter().any(|e| e.id == draft.id);
            AppState::resume(draft, queued, now)
        }
        (page, _) => AppState::new(page, now),
    }
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

/// Where "Back" goes from each page of the application flow.
fn back_target(page: &Page) -> Option<Page> {
    match page {
        Page::Industry
        | Page::Drafts
        | Page::Track(_)
        | Page::Inspect
        | Page::License
        | Page::Sending => Some(Page::Start),
        Page::Scope => Some(Page::Industry),
        Page::Form => Some(Page::Scope),
        Page::Check => Some(Page::Form),
        Page::Start => None,
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

/// "Send": the application goes into the outbox on the device, then out as soon as it can.
fn queue(draft: &Draft, dispatch: &Callback<Action>) {
    let (Some(industry), Some(form)) = (draft.industry.clone(), draft.form(Catalog::builtin()))
    else {
        return;
    };
    let now = js_sys::Date::now();
    let entry = OutboxEntry::new(
        draft.id.clone(),
        industry,
        draft.scope.clone(),
        draft.complete_values(&form, crate::authority_day_at(now)),
        now,
    );
    let (draft, dispatch) = (draft.clone(), dispatch.clone());
    wasm_bindgen_futures::spawn_local(async move {
        // The draft the entry came from is on the device too, for the answer to land in.
        storage::save_draft_now(&draft).await;
        storage::enqueue(entry).await;
        dispatch.emit(Action::Queue);
        flush_outbox(dispatch);
    });
}

/// Runs the outbox for the life of the page: at start, whenever the network comes back, and
/// every few seconds for entries whose backoff has run out.
fn start_outbox(dispatch: Callback<Action>) {
    flush_outbox(dispatch.clone());
    let on_online = dispatch.clone();
    gloo::events::EventListener::new(&gloo::utils::window(), "online", move |_| {
        retry_now();
        flush_outbox(on_online.clone());
    })
    .forget();
    gloo::timers::callback::Interval::new(5_000, move || flush_outbox(dispatch.clone())).forget();
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
/// answer: a license (kept in its draft), or field errors (back to its draft).
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
                    dispatch.emit(Action::Answered(entry.id.clone(), outcome));
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
            draft.license = Some(answer.license.clone());
            draft.server_errors.clear();
            if let Some(form) = draft.form(Catalog::builtin()) {
                remember_profile(&form, &entry.values);
            }
        }
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
