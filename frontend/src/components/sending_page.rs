use catalog::Catalog;
use yew::prelude::*;

use crate::components::hand_over::HandOver;
use crate::components::summary_row::summary_row;
use crate::i18n::{self, InLang, Lang};
use crate::outbox::OutboxEntry;
use crate::state::Sending;

/// What the outbox page shows and does.
pub struct Props {
    pub lang: Lang,
    pub sending: Option<Sending>,
    /// The application as it waits in the outbox: shown read-only, and handed over by QR code.
    pub entry: Option<OutboxEntry>,
    pub on_retry: Callback<()>,
    /// The application's id.
    pub id: AttrValue,
    /// "Withdraw and edit", with the application's id.
    pub on_withdraw: Callback<String>,
}

/// An application in the outbox: what is happening to it and what happens next, in plain
/// words; what was sent, read-only; a way to try now, to withdraw it for editing, or to hand
/// it over by QR code. (A function, like `start_page`: the hand-over keeps its own state.)
pub fn sending_page(props: Props) -> Html {
    let lang = props.lang;
    // The entry on the device knows best how earlier tries went (also after a reload).
    let failed = match (&props.sending, &props.entry) {
        (Some(Sending::InFlight), _) => None,
        (_, Some(entry)) if entry.attempts > 0 => Some((
            entry.attempts,
            entry.last_error.clone(),
            Some(entry.next_try_at),
        )),
        (
            Some(Sending::Waiting {
                attempts,
                last_error,
            }),
            _,
        ) if *attempts > 0 => Some((*attempts, last_error.clone(), None)),
        _ => None,
    };
    let status = match (&props.sending, failed) {
        (Some(Sending::Refused(error)), _) => {
            // Refused, it has left the outbox: editing it is the way on.
            let (on_withdraw, id) = (props.on_withdraw.clone(), props.id.to_string());
            html! {
                <div class="notice">
                    <p>{ i18n::OUTBOX_REFUSED.get(lang) }</p><p>{ error.refusal().get(lang) }</p>
                    <button type="button" onclick={Callback::from(move |_| on_withdraw.emit(id.clone()))}>{ i18n::EDIT_APPLICATION.get(lang) }</button>
                </div>
            }
        }
        (_, Some((attempts, why, next_try_at))) => html! {
            <>
                <p>{ i18n::OUTBOX_WAITING.get(lang) }</p>
                { for why.as_deref().and_then(i18n::why_not_sent).map(|why| html! { <p>{ why.get(lang) }</p> }) }
                { for next_try_at.map(|at| html! {
                    <p>{ i18n::NEXT_TRY_BEFORE.get(lang) }<strong>{ clock_time(at) }</strong>{ i18n::NEXT_TRY_AFTER.get(lang) }</p>
                }) }
                <p class="muted">{ format!("{} {attempts}", i18n::OUTBOX_ATTEMPTS.get(lang)) }</p>
            </>
        },
        _ => html! { <p>{ i18n::OUTBOX_SENDING.get(lang) }</p> },
    };
    let on_retry = props.on_retry.clone();
    let hand_over = props
        .entry
        .as_ref()
        .map(|entry| html! { <HandOver {lang} entry={entry.clone()} /> });
    let sent = props
        .entry
        .as_ref()
        .map(|entry| sent_summary(lang, entry, &props.on_withdraw));
    html! {
        <section aria-labelledby="sending-heading">
            <h1 id="sending-heading">{ i18n::OUTBOX_HEADING.get(lang) }</h1>
            <div role="status" aria-live="polite">{ status }</div>
            <p>{ i18n::OUTBOX_SAFE.get(lang) }</p>
            if !matches!(props.sending, Some(Sending::Refused(_))) {
                <button type="button" onclick={Callback::from(move |_| on_retry.emit(()))}>{ i18n::OUTBOX_TRY_NOW.get(lang) }</button>
            }
            { for hand_over }
            { for sent }
        </section>
    }
}

/// What waits in the outbox, read-only, with "withdraw and edit" as an explicit choice.
fn sent_summary(lang: Lang, entry: &OutboxEntry, on_withdraw: &Callback<String>) -> Html {
    let catalog = Catalog::builtin();
    let industry = catalog.industry(&entry.industry).map(|i| i.name.get(lang));
    let business = entry
        .values
        .get("business_name")
        .cloned()
        .unwrap_or_default();
    let (on_withdraw, id) = (on_withdraw.clone(), entry.id.clone());
    html! {
        <section class="panel" aria-labelledby="sent-heading">
            <h2 id="sent-heading">{ i18n::OUTBOX_QUEUED.get(lang) }</h2>
            <p>{ i18n::QUEUED_READ_ONLY.get(lang) }</p>
            <dl class="summary-list">
                { summary_row(i18n::BUSINESS_NAME.get(lang), business.into()) }
                { summary_row(i18n::INDUSTRY_LABEL.get(lang), industry.unwrap_or_default().into()) }
            </dl>
            <button type="button" class="warning" onclick={Callback::from(move |_| on_withdraw.emit(id.clone()))}>
                { i18n::WITHDRAW_EDIT.get(lang) }
            </button>
        </section>
    }
}

/// A device-local time of day, `HH:MM`.
fn clock_time(at: f64) -> String {
    let date = js_sys::Date::new(&at.into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
