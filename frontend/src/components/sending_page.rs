use yew::prelude::*;

use crate::components::hand_over::HandOver;
use crate::i18n::{self, InLang, Lang};
use crate::outbox::OutboxEntry;
use crate::state::Sending;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub sending: Option<Sending>,
    /// The application as it waits in the outbox, for handing it over by QR code.
    pub entry: Option<OutboxEntry>,
    pub on_retry: Callback<()>,
}

/// An application in the outbox: what is happening to it, in words, and a way to try now.
#[function_component]
pub fn SendingPage(props: &Props) -> Html {
    let lang = props.lang;
    let status = match &props.sending {
        None | Some(Sending::Waiting { attempts: 0, .. }) | Some(Sending::InFlight) => {
            html! { <p>{ i18n::OUTBOX_SENDING.get(lang) }</p> }
        }
        Some(Sending::Waiting {
            attempts,
            last_error,
        }) => html! {
            <>
                <p>{ i18n::OUTBOX_WAITING.get(lang) }</p>
                <p class="muted">{ format!("{} {attempts}", i18n::OUTBOX_ATTEMPTS.get(lang)) }
                    { for last_error.as_ref().map(|e| format!(" · {e}")) }</p>
            </>
        },
        Some(Sending::Refused(error)) => html! {
            <div class="notice"><p>{ i18n::OUTBOX_REFUSED.get(lang) }</p><p class="muted">{ error.to_string() }</p></div>
        },
    };
    let on_retry = props.on_retry.clone();
    let show_hand_over = use_state(|| false);
    let hand_over = match (&props.entry, *show_hand_over) {
        (Some(entry), true) => html! { <HandOver {lang} entry={entry.clone()} /> },
        (Some(_), false) => {
            let show = show_hand_over.clone();
            html! {
                <button type="button" onclick={Callback::from(move |_| show.set(true))}>{ i18n::HANDOVER_SHOW.get(lang) }</button>
            }
        }
        (None, _) => html! {},
    };
    html! {
        <section aria-labelledby="sending-heading">
            <h1 id="sending-heading">{ i18n::OUTBOX_HEADING.get(lang) }</h1>
            <div role="status" aria-live="polite">{ status }</div>
            <p>{ i18n::OUTBOX_SAFE.get(lang) }</p>
            if !matches!(props.sending, Some(Sending::Refused(_))) {
                <button type="button" onclick={Callback::from(move |_| on_retry.emit(()))}>{ i18n::OUTBOX_TRY_NOW.get(lang) }</button>
            }
            { hand_over }
        </section>
    }
}
