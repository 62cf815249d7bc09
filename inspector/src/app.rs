use bilingual::{lang_switch, use_stored_lang};
use yew::prelude::*;

use crate::components::{HistoryList, OtherWays, Scanner, TrustStatus, VerdictView};
use crate::i18n::{self, InLang};
use crate::services::{history, trust};
use crate::state::{Action, InspectorState, Screen};

#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_stored_lang();
    let state = use_reducer(|| InspectorState {
        screen: Screen::Scan,
        trust: trust::cached(),
        refreshing: false,
        refresh_failed: false,
        url_text: None,
        history: history::entries(),
    });
    let dispatch = {
        let state = state.dispatcher();
        Callback::from(move |action| state.dispatch(action))
    };
    let refresh = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            dispatch.emit(Action::RefreshStarted);
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = trust::sync().await;
                dispatch.emit(Action::Refreshed {
                    result,
                    at: js_sys::Date::now(),
                });
            });
        })
    };
    let on_text = dispatch.reform(|text| Action::Scanned {
        text,
        at: js_sys::Date::now(),
    });
    // Every verdict goes into the device's history; a license of the URL form checked again
    // after the sync replaces its first verdict.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.screen.clone(), move |screen| {
            if let Screen::Result(outcome) = screen {
                let entry = outcome.history_entry();
                dispatch.emit(Action::HistoryChanged(if outcome.recheck {
                    history::replace_latest(entry)
                } else {
                    history::add(entry)
                }));
            }
        });
    }
    // On load: a license in the URL fragment (the QR's URL form, opened by a phone's own
    // camera app) is checked at once with what this device has, and again when the sync
    // started now ends; a device with nothing yet waits for the sync.
    {
        let (refresh, dispatch) = (refresh.clone(), dispatch.clone());
        use_effect_with((), move |_| {
            let location = gloo::utils::window().location();
            // Passed on with its '#', so signer::parse_url_form decodes it as the URL form
            // (the browser keeps %20 and %25 percent-encoded in location.hash).
            let fragment = location.hash().unwrap_or_default();
            if fragment.len() > 1 {
                dispatch.emit(Action::UrlOpened {
                    text: fragment,
                    at: js_sys::Date::now(),
                });
            }
            refresh.emit(());
        });
    }
    let on_clear = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            history::clear();
            dispatch.emit(Action::HistoryCleared);
        })
    };
    let main = match &state.screen {
        Screen::Scan => html! {
            <>
                <Scanner {lang} on_text={on_text.clone()} />
                <OtherWays {lang} on_text={on_text.clone()} />
            </>
        },
        Screen::Result(outcome) => html! {
            <VerdictView {lang} check={outcome.clone()} on_again={dispatch.reform(|()| Action::ScanAgain)} />
        },
        Screen::Waiting => html! {
            <p class="waiting" role="status">{ i18n::WAITING.get(lang) }</p>
        },
        Screen::History => html! {
            <HistoryList {lang} entries={state.history.clone()} {on_clear} />
        },
    };
    let nav = match state.screen {
        Screen::History => html! {
            <button type="button" onclick={dispatch.reform(|_| Action::ScanAgain)}>{ i18n::SCAN_AGAIN.get(lang) }</button>
        },
        _ => html! {
            <button type="button" onclick={dispatch.reform(|_| Action::ShowHistory)}>{ i18n::HISTORY.get(lang) }</button>
        },
    };
    html! {
        <>
            <header class="site-header inspector-header">
                <span class="brand">{ i18n::APP_NAME.get(lang) }</span>
                { lang_switch(lang, &set_lang) }
            </header>
            <main id="main" tabindex="-1">
                { main }
                <p>{ nav }</p>
                <TrustStatus {lang} trust={state.trust.clone()} refreshing={state.refreshing}
                    refresh_failed={state.refresh_failed}
                    now_ms={js_sys::Date::now()} on_refresh={refresh} />
            </main>
        </>
    }
}
