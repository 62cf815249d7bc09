//! What this device verifies with, from the signed lists themselves: who signed the trust list,
//! when, and until when it holds; each listed issuer's status list and its signed time and
//! expiry; what the last sync refused and what stays in use; a refresh button. The times are
//! the signatures' (the authority's clock), never when this device fetched the lists.

use yew::prelude::*;

use super::authority_time;
use crate::i18n::{self, InLang, Lang};
use crate::services::trust::{Refusal, Trust, Why};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub trust: Trust,
    pub refreshing: bool,
    pub refresh_failed: bool,
    pub now_ms: f64,
    pub on_refresh: Callback<()>,
}

fn why(why: &Why) -> i18n::Text {
    match why {
        Why::Unreachable => i18n::WHY_UNREACHABLE,
        Why::UnknownRoot => i18n::WHY_UNKNOWN_ROOT,
        Why::Invalid => i18n::WHY_INVALID,
        Why::Older => i18n::WHY_OLDER,
        Why::WrongIssuer => i18n::WHY_WRONG_ISSUER,
    }
}

/// An issuer's or the root's name as the trust list gives it: the district a six-digit code
/// is, otherwise the id itself.
pub fn place_or_id(lang: Lang, id: &str) -> String {
    id.parse()
        .ok()
        .and_then(|code| catalog::Catalog::builtin().division(code))
        .map_or_else(|| id.to_owned(), |d| d.name().get(lang).to_owned())
}

#[function_component]
pub fn TrustStatus(props: &Props) -> Html {
    let lang = props.lang;
    let trust = &props.trust;
    let now = (props.now_ms / 1000.0).floor() as i64;
    let time = |at: i64| authority_time(lang, at);
    let (colon, semicolon) = i18n::punctuation(lang);
    let list = trust.list.as_ref();
    let list_expired = list.is_some_and(|l| now >= l.expires_at);
    let warn = !trust.roots_pinned || list.is_none() || list_expired || !trust.refusals.is_empty();
    let list_line = match list {
        Some(list) => format!(
            "{}{colon}{}{} {}{semicolon}{} {}",
            i18n::TRUST_LIST_SIGNED.get(lang),
            place_or_id(lang, &list.root),
            i18n::AT.get(lang),
            time(list.issued_at),
            i18n::VALID_UNTIL.get(lang),
            time(list.expires_at),
        ),
        None => format!(
            "{}: {}",
            i18n::TRUST_HEADING.get(lang),
            i18n::NEVER.get(lang)
        ),
    };
    let issuers = list.map(|list| {
        html! {
            <ul class="issuer-lists">
                { for list.issuers.iter().map(|issuer| {
                    let name = match lang {
                        Lang::Zh => &issuer.name,
                        Lang::En => &issuer.name_en,
                    };
                    let status = match trust.status_of(&issuer.id) {
                        Some(s) => format!(
                            "{} {}{semicolon}{} {}{}",
                            i18n::STATUS_LIST_SIGNED.get(lang),
                            time(s.issued_at),
                            i18n::VALID_UNTIL.get(lang),
                            time(s.expires_at),
                            if now >= s.expires_at {
                                format!(" — {}", i18n::STATUS_EXPIRED.get(lang))
                            } else {
                                String::new()
                            },
                        ),
                        None => i18n::NEVER.get(lang).to_owned(),
                    };
                    html! { <li>{ name }{ colon }{ status }</li> }
                }) }
            </ul>
        }
    });
    let refusals = trust.refusals.iter().map(|refusal| {
        let text = match refusal {
            Refusal::TrustList(reason) => match list {
                Some(list) => format!(
                    "{}（{}）{} {}{}",
                    i18n::TRUST_REFUSED.get(lang),
                    why(reason).get(lang),
                    i18n::TRUST_REFUSED_KEPT.get(lang),
                    time(list.issued_at),
                    i18n::TRUST_REFUSED_KEPT_END.get(lang)
                ),
                None => format!(
                    "{}（{}）{}",
                    i18n::TRUST_REFUSED.get(lang),
                    why(reason).get(lang),
                    i18n::TRUST_REFUSED_NONE.get(lang)
                ),
            },
            Refusal::Status {
                issuer,
                why: reason,
            } => {
                let name = list.and_then(|l| l.issuer(issuer)).map_or_else(
                    || issuer.clone(),
                    |i| match lang {
                        Lang::Zh => i.name.clone(),
                        Lang::En => i.name_en.clone(),
                    },
                );
                let kept = if trust.status_of(issuer).is_some() {
                    i18n::STATUS_REFUSED_KEPT
                } else {
                    i18n::STATUS_REFUSED_NONE
                };
                format!(
                    "{name}{colon}{}（{}）{}",
                    i18n::STATUS_REFUSED.get(lang),
                    why(reason).get(lang),
                    kept.get(lang)
                )
            }
        };
        // Full-width brackets read oddly in English.
        let text = match lang {
            Lang::Zh => text,
            Lang::En => text.replace('（', " (").replace('）', ")"),
        };
        html! { <p class="stale-warning">{ text }</p> }
    });
    html! {
        <section class={classes!("trust", warn.then_some("stale"))} aria-labelledby="trust-heading">
            <h2 id="trust-heading">{ i18n::TRUST_HEADING.get(lang) }</h2>
            if !trust.roots_pinned {
                <p class="stale-warning" role="alert">{ i18n::NO_ROOT.get(lang) }</p>
            }
            <p id="trust-list-as-of">{ list_line }</p>
            if list_expired {
                <p class="stale-warning" role="alert">{ i18n::TRUST_EXPIRED.get(lang) }</p>
            }
            <div id="status-lists-as-of">
                <p>{ i18n::STATUS_LISTS_HEADING.get(lang) }{ colon.trim_end() }</p>
                { issuers.unwrap_or_else(|| html! { <p>{ i18n::NEVER.get(lang) }</p> }) }
            </div>
            { for refusals }
            if props.refresh_failed {
                <p class="muted">{ i18n::REFRESH_FAILED.get(lang) }</p>
            }
            <button type="button" disabled={props.refreshing || !trust.roots_pinned} onclick={props.on_refresh.reform(|_| ())}>
                { if props.refreshing { i18n::REFRESHING.get(lang) } else { i18n::REFRESH.get(lang) } }
            </button>
        </section>
    }
}
