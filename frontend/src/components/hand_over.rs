use serde::Serialize;
use yew::prelude::*;

use crate::components::qr_code::QrCode;
use crate::i18n::{self, Lang};
use crate::outbox::OutboxEntry;
use crate::services::device;

/// Characters per QR code of a hand-over: about version 20 at level M, which an ordinary
/// phone camera reads off another phone's screen.
const CHARACTERS_PER_QR: usize = 600;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub entry: OutboxEntry,
}

#[derive(Serialize)]
struct Application<'a> {
    id: &'a str,
    industry: &'a str,
    scope: &'a catalog::ScopeAnswers,
    values: &'a catalog::FormValues,
}

/// With no network at all: the application signed by this device's key, as a numbered
/// sequence of QR codes that a connected desk scans in. The server checks the device's
/// enrolment and signature and issues exactly as for an online submission.
#[function_component]
pub fn HandOver(props: &Props) -> Html {
    let lang = props.lang;
    let entry = &props.entry;
    let parts = use_memo(entry.id.clone(), {
        let entry = entry.clone();
        move |_| {
            let key = device::device_key()?;
            let body = Application {
                id: &entry.id,
                industry: &entry.industry,
                scope: &entry.scope,
                values: &entry.values,
            };
            let json = serde_json::to_vec(&body).ok()?;
            let signed = signer::sign_message(&json, &key).ok()?;
            Some((
                key.issuer().to_owned(),
                device::hex(&key.public_key()),
                signer::split_message(&signed, CHARACTERS_PER_QR),
            ))
        }
    });
    let Some((device_id, public_key, parts)) = (*parts).clone() else {
        return html! { <p class="notice">{ i18n::HANDOVER_UNAVAILABLE.get(lang) }</p> };
    };
    let total = parts.len();
    html! {
        <section aria-labelledby="handover-heading" class="panel">
            <h2 id="handover-heading">{ i18n::HANDOVER_HEADING.get(lang) }</h2>
            <p>{ i18n::HANDOVER_INTRO.get(lang) }</p>
            <ol class="handover-codes">
                { for parts.iter().enumerate().map(|(i, part)| {
                    let label = format!("{} {} / {total}", i18n::HANDOVER_QR.get(lang), i + 1);
                    html! {
                        <li>
                            <p>{ label.clone() }</p>
                            <QrCode class="handover-qr" text={part.clone()} label={label} />
                        </li>
                    }
                }) }
            </ol>
            <dl class="summary-list">
                <div class="summary-row"><dt>{ i18n::DEVICE_ID.get(lang) }</dt><dd><code>{ device_id }</code></dd></div>
                <div class="summary-row"><dt>{ i18n::DEVICE_KEY.get(lang) }</dt><dd><code>{ public_key }</code></dd></div>
            </dl>
            <p class="muted">{ i18n::HANDOVER_ENROL.get(lang) }</p>
        </section>
    }
}
