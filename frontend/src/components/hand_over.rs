use yew::prelude::*;

use crate::components::qr_code::QrCode;
use crate::components::summary_row::summary_row;
use crate::i18n::{self, InLang, Lang};
use crate::outbox::OutboxEntry;
use crate::services::device::{self, DeviceError};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub entry: OutboxEntry,
}

/// With no network at all: the application signed by this device's key, as a numbered
/// sequence of QR codes that a connected desk scans in. The server checks the device's
/// enrolment and signature and issues exactly as for an online submission.
#[function_component]
pub fn HandOver(props: &Props) -> Html {
    let lang = props.lang;
    // Signed only once asked for: most applications go out over the network.
    let asked = use_state(|| false);
    let signed = use_state(|| None::<Result<Signed, DeviceError>>);
    {
        let signed = signed.clone();
        let entry = props.entry.clone();
        use_effect_with((entry.id.clone(), *asked), move |(_, asked)| {
            signed.set(None);
            if *asked {
                wasm_bindgen_futures::spawn_local(async move {
                    signed.set(Some(sign_entry(&entry).await));
                });
            }
        });
    }
    if !*asked {
        return html! {
            <button type="button" onclick={Callback::from(move |_| asked.set(true))}>{ i18n::HANDOVER_SHOW.get(lang) }</button>
        };
    }
    let (device_id, public_key, parts) = match &*signed {
        None => return html! { <p role="status">{ i18n::HANDOVER_SIGNING.get(lang) }</p> },
        Some(Err(_)) => {
            return html! {
                <div class="notice" role="status">
                    <p>{ i18n::HANDOVER_UNAVAILABLE.get(lang) }</p>
                </div>
            };
        }
        Some(Ok(signed)) => signed.clone(),
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
                { summary_row(i18n::DEVICE_ID.get(lang), html! { <code>{ device_id }</code> }) }
                { summary_row(i18n::DEVICE_KEY.get(lang), html! { <code>{ public_key }</code> }) }
            </dl>
            <p class="muted">{ i18n::HANDOVER_ENROL.get(lang) }</p>
        </section>
    }
}

/// Device id, public key (hex) and the QR texts of the signed application.
type Signed = (String, String, Vec<String>);

async fn sign_entry(entry: &OutboxEntry) -> Result<Signed, DeviceError> {
    let key = device::device_key().await?;
    let json = entry.application_json()?;
    let parts = key.hand_over(json.as_bytes()).await?;
    Ok((key.id.clone(), key.public_key_hex(), parts))
}
