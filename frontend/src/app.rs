use catalog::{Catalog, ids};
use yew::prelude::*;

use crate::components::{
    CREDIT_CODE, CheckPage, DraftsPage, FormPage, IndustryPage, IssuerKey, LangSwitch, LicensePage,
    ScopePage, StartPage, TrackPage,
};
use crate::hooks::{use_large_text, use_service_worker, use_stored_lang};
use crate::i18n;
use crate::services::{api, storage};
use crate::state::{Action, AppState, Page};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let (large_text, toggle_large_text) = use_large_text();
    let (update_ready, activate_update) = use_service_worker();
    let state = use_reducer(initial_state);
    // Every change to the application is kept on the device at once: nothing typed is lost
    // on reload, tab close or a dead battery.
    use_effect_with(state.draft.clone(), |draft| {
        if !draft.id.is_empty() {
            storage::save_draft(draft);
            storage::remember_current(&draft.id);
        }
    });
    let dispatch = {
        let state = state.dispatcher();
        Callback::from(move |action| state.dispatch(action))
    };
    let go = dispatch.reform(Action::Go);

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
            html! { <StartPage {lang} {on_go} /> }
        }
        Page::Drafts => {
            let on_delete = {
                let go = go.clone();
                Callback::from(move |id: String| {
                    storage::delete_draft(&id);
                    go.emit(Page::Drafts);
                })
            };
            let drafts: Vec<_> = storage::drafts().into_values().collect();
            html! { <DraftsPage {lang} {drafts} on_resume={dispatch.reform(|draft| Action::Resume(Box::new(draft)))} {on_delete} /> }
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
                    let code = value.trim().to_uppercase();
                    let lookup = field == CREDIT_CODE
                        && ids::check_credit_code(&code) == ids::CreditCodeCheck::Ok;
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
                Callback::from(move |_| submit(draft.clone(), dispatch.clone()))
            };
            html! {
                <CheckPage {lang} draft={state.draft.clone()} submitting={state.submitting}
                    submit_error={state.submit_error.clone()} on_change={dispatch.reform(Action::Change)} {on_submit} />
            }
        }
        Page::License => match &state.draft.license {
            Some(license) => html! {
                <LicensePage {lang} application_id={state.draft.id.clone()} license={license.clone()}
                    on_new={go.reform(|_| Page::Start)} />
            },
            None => html! {},
        },
        Page::Track(id) => html! { <TrackPage {lang} id={id.clone()} /> },
        Page::Inspect => html! { <p>{ i18n::INSPECT_SOON.get(lang) }</p> },
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
        (Page::Start, Some(draft)) => AppState::resume(draft, now),
        (page, _) => AppState::new(page, now),
    }
}

/// Where "Back" goes from each page of the application flow.
fn back_target(page: &Page) -> Option<Page> {
    match page {
        Page::Industry | Page::Drafts | Page::Track(_) | Page::Inspect | Page::License => {
            Some(Page::Start)
        }
        Page::Scope => Some(Page::Industry),
        Page::Form => Some(Page::Scope),
        Page::Check => Some(Page::Form),
        Page::Start => None,
    }
}

fn look_up_registry(credit_code: String, dispatch: Callback<Action>) {
    dispatch.emit(Action::LookupStarted);
    wasm_bindgen_futures::spawn_local(async move {
        dispatch.emit(Action::LookupDone(api::lookup_registry(&credit_code).await));
    });
}

fn submit(draft: crate::draft::Draft, dispatch: Callback<Action>) {
    let (Some(industry), Some(form)) = (draft.industry.clone(), draft.form(Catalog::builtin()))
    else {
        return;
    };
    dispatch.emit(Action::SubmitStarted);
    wasm_bindgen_futures::spawn_local(async move {
        let values = draft.complete_values(&form);
        let outcome = api::submit(&draft.id, &industry, &draft.scope, &values).await;
        if let Ok(api::SubmitOutcome::Issued(_)) = &outcome {
            remember_profile(&form, &values);
        }
        dispatch.emit(Action::Submitted(outcome));
    });
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
