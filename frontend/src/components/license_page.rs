use catalog::Catalog;
use yew::prelude::*;

use crate::components::qr_code::QrCode;
use crate::components::summary_row::summary_row;
use crate::components::track_page::TrackingStatusView;
use crate::i18n::{self, InLang, Lang};
use crate::license::{IssuedLicense, china_date};

/// The combined license: laid out for A4 printing (see the print stylesheet), the same QR
/// large on screen, a download of the QR as SVG, and where to track the application. (A
/// function, like `start_page`.)
pub fn license_page(
    lang: Lang,
    application_id: &AttrValue,
    license: &IssuedLicense,
    on_new: &Callback<()>,
) -> Html {
    let claims = &license.claims;
    let catalog = Catalog::builtin();
    let place = |code: u32| {
        catalog
            .division(code)
            .map(|d| d.name().get(lang).to_owned())
            .unwrap_or_else(|| code.to_string())
    };
    let industry = catalog
        .industry(&license.industry)
        .map(|i| i.name.get(lang).to_owned())
        .unwrap_or_default();
    // The authority's configured name; a license from before it was recorded names its
    // district when its issuer id is one, never an issuer or key id.
    let issuer = match &license.issued_by {
        Some(name) => name.get(lang).to_owned(),
        None => claims.issuer.parse().map_or_else(|_| "—".into(), place),
    };
    let print = Callback::from(|_| {
        let _ = gloo::utils::window().print();
    });
    let on_new = on_new.clone();
    let row = |label: i18n::Text, value: String| summary_row(label.get(lang), value.into());
    html! {
        <section key="license" aria-labelledby="license-heading">
            <article class="license-sheet">
                <h1 id="license-heading">{ i18n::LICENSE_HEADING.get(lang) }</h1>
                <p class="license-number">{ format!("{} {}", i18n::LICENSE_NUMBER.get(lang), license.number) }</p>
                <div class="license-body">
                    <dl class="summary-list">
                        { row(i18n::BUSINESS_NAME, claims.business_name.clone()) }
                        { row(i18n::CREDIT_CODE, claims.credit_code.clone()) }
                        { row(i18n::ADDRESS, format!("{} {}", place(claims.address.division), claims.address.detail)) }
                        { row(i18n::LEGAL_REP, claims.legal_representative.clone()) }
                        { row(i18n::INDUSTRY_LABEL, industry) }
                        { row(i18n::VALIDITY, format!("{} – {}", china_date(license.valid_from, lang), china_date(license.valid_until, lang))) }
                        { row(i18n::ISSUER, issuer) }
                    </dl>
                    <QrCode class="license-qr" text={license.qr_text.clone()} label={i18n::QR_LABEL.get(lang)}
                        download={(AttrValue::from(format!("license-{}.svg", license.number)), AttrValue::from(i18n::DOWNLOAD_SVG.get(lang)))} />
                </div>
                <table class="permit-table">
                    <caption>{ i18n::PERMITS_HEADING.get(lang) }</caption>
                    <thead><tr>
                        <th scope="col">{ i18n::PERMITS_HEADING.get(lang) }</th>
                        <th scope="col">{ i18n::PERMIT_NUMBER.get(lang) }</th>
                        <th scope="col">{ i18n::DEPARTMENT.get(lang) }</th>
                        <th scope="col">{ i18n::VALIDITY.get(lang) }</th>
                    </tr></thead>
                    <tbody>
                        { for license.permits.iter().map(|p| html! {
                            <tr>
                                <th scope="row">{ p.name.get(lang) }</th>
                                <td>{ &p.number }</td>
                                <td>{ p.department.get(lang) }</td>
                                <td>{ match p.valid_until {
                                    Some(until) => format!("{} – {}", china_date(p.valid_from, lang), china_date(until, lang)),
                                    None => i18n::NO_FIXED_TERM.get(lang).into(),
                                } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </article>
            <div class="no-print actions">
                <button type="button" class="primary" onclick={print}>{ i18n::PRINT.get(lang) }</button>
            </div>
            { tracking_panel(lang, application_id, html! { <TrackingStatusView {lang} id={application_id.clone()} /> }) }
            <button type="button" class="no-print" onclick={Callback::from(move |_| on_new.emit(()))}>
                { i18n::NEW_APPLICATION.get(lang) }
            </button>
        </section>
    }
}

/// Where to track an application: its link and the link's QR code (一码跟踪), and `more`.
pub fn tracking_panel(lang: Lang, application_id: &str, more: Html) -> Html {
    let url = format!(
        "{}/track/{application_id}",
        gloo::utils::window()
            .location()
            .origin()
            .unwrap_or_default(),
    );
    html! {
        <section class="no-print panel" aria-labelledby="tracking-heading">
            <h2 id="tracking-heading">{ i18n::TRACKING_HEADING.get(lang) }</h2>
            <p>{ i18n::TRACKING_LINK.get(lang) }{ ": " }<a href={url.clone()}>{ url.clone() }</a></p>
            <QrCode class="tracking-qr" text={url} label={i18n::TRACKING_QR.get(lang)} />
            { more }
        </section>
    }
}
