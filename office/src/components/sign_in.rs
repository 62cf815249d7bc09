use contract::{LoginRequest, StaffMember};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{error_summary, focus, summary_id};
use crate::forms::Problem;
use crate::i18n::{self, InLang, Lang};
use crate::services::api::{self, ApiError};
use crate::state::SignedOutBecause;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// Why the form shows (signed out, session ended), said above it.
    pub because: Option<SignedOutBecause>,
    pub on_signed_in: Callback<StaffMember>,
}

const FORM: &str = "sign-in";

/// The sign-in form: username and password; a refusal (wrong credentials, too many attempts
/// with the wait in seconds, no network) is said in words above it, and takes the focus.
#[function_component]
pub fn SignIn(props: &Props) -> Html {
    let lang = props.lang;
    let username = use_state(String::new);
    let password = use_state(String::new);
    let problems = use_state(Vec::<Problem>::new);
    let refused = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    // The summary takes the focus whenever there is one to read.
    {
        let shown = !problems.is_empty() || refused.is_some();
        use_effect_with((problems.clone(), refused.clone()), move |_| {
            if shown {
                focus(&summary_id(FORM));
            }
        });
    }
    let onsubmit = {
        let (username, password) = (username.clone(), password.clone());
        let (problems, refused, busy) = (problems.clone(), refused.clone(), busy.clone());
        let on_signed_in = props.on_signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let mut missing = Vec::new();
            if username.trim().is_empty() {
                missing.push(Problem {
                    input: "username".into(),
                    text: i18n::USERNAME_MISSING,
                    detail: None,
                });
            }
            if password.is_empty() {
                missing.push(Problem {
                    input: "password".into(),
                    text: i18n::PASSWORD_MISSING,
                    detail: None,
                });
            }
            refused.set(None);
            if !missing.is_empty() {
                problems.set(missing);
                return;
            }
            problems.set(Vec::new());
            busy.set(true);
            let request = LoginRequest {
                username: username.trim().to_owned(),
                password: (*password).clone(),
            };
            let (password, refused, busy) = (password.clone(), refused.clone(), busy.clone());
            let on_signed_in = on_signed_in.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::login(&request).await;
                busy.set(false);
                match answer {
                    Ok(member) => on_signed_in.emit(member),
                    Err(error) => {
                        password.set(String::new());
                        refused.set(Some(error));
                    }
                }
            });
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let error_for = |id: &str| {
        problems
            .iter()
            .find(|p| p.input == id)
            .map(|p| p.text.get(lang))
    };
    let field = |id: &'static str,
                 label: i18n::Text,
                 kind: &'static str,
                 autocomplete: &'static str,
                 state: &UseStateHandle<String>| {
        let error = error_for(id);
        let described = error.map(|_| format!("{id}-error"));
        html! {
            <div class={classes!("field", error.map(|_| "field-error"))}>
                <label for={id}>{ label.get(lang) }</label>
                if let Some(error) = error {
                    <p id={format!("{id}-error")} class="error-message">{ error }</p>
                }
                <input {id} name={id} type={kind} {autocomplete} value={(**state).clone()}
                    aria-invalid={error.is_some().to_string()} aria-describedby={described}
                    oninput={input(state)} />
            </div>
        }
    };
    let notice = props.because.map(|because| {
        let text = match because {
            SignedOutBecause::SignedOut => i18n::SIGNED_OUT,
            SignedOutBecause::SessionEnded => i18n::SESSION_ENDED,
        };
        html! { <p class="panel" role="status">{ text.get(lang) }</p> }
    });
    html! {
        <>
            <h1>{ i18n::SIGN_IN_HEADING.get(lang) }</h1>
            { for notice }
            { error_summary(lang, FORM, &problems, refused.as_ref()) }
            <form {onsubmit} novalidate=true>
                { field("username", i18n::USERNAME, "text", "username", &username) }
                { field("password", i18n::PASSWORD, "password", "current-password", &password) }
                <button type="submit" class="primary" disabled={*busy}>
                    { if *busy { i18n::SIGNING_IN.get(lang) } else { i18n::SIGN_IN.get(lang) } }
                </button>
            </form>
        </>
    }
}
