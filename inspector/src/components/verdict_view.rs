//! The verdict, readable at arm's length: valid or not, why in plain words, then what the
//! license says. Permit names and departments come from the catalog, never from the QR.

use catalog::{Catalog, Date};
use signer::{LicenseClaims, Reason};
use yew::prelude::*;

use super::{authority_date, authority_time};
use crate::i18n::{self, InLang, Lang};
use crate::state::{Basis, Check, Missing, Standing};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub check: std::rc::Rc<Check>,
    pub on_again: Callback<()>,
}

/// A day of a status list (00:00 UTC of the date it names) in words: "2026年12月7日",
/// "7 Dec 2026".
fn status_day(lang: Lang, day: i64) -> String {
    Date::from_unix_days(day.div_euclid(86_400))
        .map_or_else(String::new, |date| date.words().get(lang).to_owned())
}

/// What happened, in a sentence, and what the inspector should do next.
fn explanation(lang: Lang, check: &Check) -> (String, Option<String>) {
    let time = |at: i64| authority_time(lang, at);
    let (what, todo) = match (check.missing, &check.verdict.reason) {
        (Some(Missing::Root), _) => (i18n::REASON_NO_ROOT, i18n::DO_OTHER_APP),
        (Some(Missing::List), _) => (i18n::REASON_NO_TRUST_LIST, i18n::DO_GO_ONLINE),
        (None, None) => return (i18n::VALID_HINT.get(lang).to_owned(), None),
        (None, Some(reason)) => i18n::reason(reason),
    };
    let fill = |text: i18n::Text, day: i64, version: u16| {
        text.get(lang)
            .replace("{date}", &status_day(lang, day))
            .replace("{n}", &version.to_string())
    };
    let now = (check.at / 1000.0).floor() as i64;
    let (what, todo) = match check
        .verdict
        .reason
        .as_ref()
        .filter(|_| check.missing.is_none())
    {
        Some(Reason::StatusUnknown { since: Some(since) }) => {
            let expired = check.status_expires_at.is_none_or(|until| now >= until);
            let end = if expired {
                i18n::REASON_STATUS_SINCE_END
            } else {
                i18n::REASON_STATUS_PREDATES_END
            };
            let what = format!("{} {}{}", what.get(lang), time(*since), end.get(lang));
            (what, todo.get(lang).to_owned())
        }
        Some(Reason::TrustListExpired { since }) => (
            format!(
                "{} {}{}",
                what.get(lang),
                time(*since),
                i18n::REASON_TRUST_EXPIRED_END.get(lang)
            ),
            todo.get(lang).to_owned(),
        ),
        Some(Reason::Superseded { by_version, on }) => {
            (fill(what, *on, *by_version), fill(todo, *on, *by_version))
        }
        // The announced end is the authority's last day; only a reinstatement ends it.
        Some(Reason::Suspended { until })
            if Date::authority_day(now)
                .is_some_and(|today| today.to_unix_days() > until.div_euclid(86_400)) =>
        {
            (
                fill(i18n::REASON_SUSPENSION_PAST, *until, 0),
                i18n::DO_REFRESH_REINSTATED.get(lang).to_owned(),
            )
        }
        Some(
            Reason::Suspended { until: day }
            | Reason::Revoked { on: Some(day) }
            | Reason::Cancelled { on: day },
        ) => (fill(what, *day, 0), todo.get(lang).to_owned()),
        _ => (what.get(lang).to_owned(), todo.get(lang).to_owned()),
    };
    (what, Some(todo))
}

#[function_component]
pub fn VerdictView(props: &Props) -> Html {
    let lang = props.lang;
    let check = &props.check;
    let verdict = &check.verdict;
    let standing = check.standing();
    // Only a valid license looks valid: amber, never green nor a check mark, for a genuine
    // one whose status cannot be confirmed.
    let (class, title) = match standing {
        Standing::Valid => ("valid", i18n::VALID),
        Standing::Unconfirmed => ("unconfirmed", i18n::UNCONFIRMED),
        Standing::NotInForce | Standing::Unverified => ("invalid", i18n::INVALID),
    };
    let (what, todo) = explanation(lang, check);
    // The authority's name from the trust list (set once the signature verified), in the
    // reader's language.
    let issuer_name = match lang {
        Lang::En => verdict.issuer_name_en.as_deref(),
        Lang::Zh => None,
    }
    .or(verdict.issuer_name.as_deref())
    .filter(|_| check.missing.is_none());
    let issuer_line = issuer_name.map(|name| {
        html! { <p class="verdict-detail">{ i18n::ISSUED_BY_LISTED.get(lang) }{ i18n::punctuation(lang).0 }{ name }</p> }
    });
    // Freshness from the signed list itself: its issue time and who signed it.
    let status_line = check
        .status_as_of
        .filter(|_| standing != Standing::Unverified)
        .map(|at| {
            let comma = match lang {
                Lang::Zh => "，",
                Lang::En => ", ",
            };
            let signer = issuer_name
                .map(|name| format!("{comma}{} {name}", i18n::STATUS_SIGNED_BY.get(lang)));
            html! {
                <p class="verdict-detail status-as-of">
                    { i18n::STATUS_AS_OF.get(lang) }{ " " }{ authority_time(lang, at) }{ signer }
                </p>
            }
        });
    let basis_line = check.basis.map(|basis| {
        let text = match basis {
            Basis::Online => i18n::CHECKED_ONLINE.get(lang).to_owned(),
            Basis::OnDevice { list_of } => format!(
                "{} {}{}",
                i18n::CHECKED_ON_DEVICE.get(lang),
                list_of.map_or_else(
                    || i18n::NEVER.get(lang).to_owned(),
                    |at| authority_time(lang, at)
                ),
                match lang {
                    Lang::Zh => "）。",
                    Lang::En => ").",
                }
            ),
        };
        html! { <p class="verdict-detail checked-with">{ text }</p> }
    });
    // What the code says, under a heading that tells how far it can be relied on: in force;
    // genuine but not in force (greyed); genuine, status unconfirmed (amber); or not verified
    // at all (struck through and greyed). The heading names the region, so a screen reader
    // says it before the content.
    let (standing_class, heading) = match standing {
        Standing::Valid => ("in-force", i18n::IN_FORCE),
        Standing::NotInForce => ("not-in-force", i18n::NOT_IN_FORCE),
        Standing::Unconfirmed => ("unconfirmed", i18n::CONTENT_UNCONFIRMED),
        Standing::Unverified => ("unverified", i18n::NOT_TRUSTED),
    };
    let content = verdict.claims.as_ref().map(|claims| {
        html! {
            <section class={classes!("license-content", standing_class)} aria-labelledby="content-heading">
                <h2 id="content-heading" class="content-heading">{ heading.get(lang) }</h2>
                { license_facts(lang, claims, issuer_name) }
            </section>
        }
    });
    // Green stays the mark of a valid license only.
    let again_class = classes!("again", (standing == Standing::Valid).then_some("primary"));
    html! {
        <section aria-labelledby="verdict-heading">
            <div class={classes!("verdict", class)} role="alert" data-verdict={check.code()}>
                <h1 id="verdict-heading">{ title.get(lang) }</h1>
                <p>{ what }</p>
                if let Some(todo) = todo {
                    <p class="verdict-todo">{ todo }</p>
                }
                { for issuer_line }
                { for status_line }
                { for basis_line }
            </div>
            <button type="button" class={again_class} onclick={props.on_again.reform(|_| ())}>
                { i18n::SCAN_AGAIN.get(lang) }
            </button>
            { for content }
        </section>
    }
}

fn license_facts(lang: Lang, claims: &LicenseClaims, issuer_name: Option<&str>) -> Html {
    let catalog = Catalog::builtin();
    let industry = catalog.industry_by_code(claims.industry).map_or_else(
        || claims.industry.to_string(),
        |i| i.name.get(lang).to_owned(),
    );
    let place = |code: u32| {
        catalog
            .division(code)
            .map_or_else(|| code.to_string(), |d| d.name().get(lang).to_owned())
    };
    let division = place(claims.address.division);
    // Unnamed (a signature that did not verify): the district an issuer id of six digits is,
    // never a bare id.
    let issuer = issuer_name.map_or_else(
        || claims.issuer.parse().map_or_else(|_| "—".into(), place),
        str::to_owned,
    );
    html! {
        <>
            <dl class="facts">
                <dt>{ i18n::BUSINESS_NAME.get(lang) }</dt><dd>{ &claims.business_name }</dd>
                <dt>{ i18n::LICENSE_NUMBER.get(lang) }</dt><dd><code>{ &claims.license_number }</code></dd>
                <dt>{ i18n::INDUSTRY.get(lang) }</dt><dd>{ industry }</dd>
                <dt>{ i18n::CREDIT_CODE.get(lang) }</dt><dd><code>{ &claims.credit_code }</code></dd>
                <dt>{ i18n::ADDRESS.get(lang) }</dt><dd>{ division }{ " " }{ &claims.address.detail }</dd>
                <dt>{ i18n::LEGAL_REP.get(lang) }</dt><dd>{ &claims.legal_representative }</dd>
                // Version 1 is every license's first: only a later one is worth a line.
                if claims.version > 1 {
                    <dt>{ i18n::VERSION.get(lang) }</dt>
                    <dd class="license-version">{ i18n::VERSION_N.get(lang).replace("{n}", &claims.version.to_string()) }</dd>
                }
                <dt>{ i18n::ISSUER.get(lang) }</dt><dd>{ issuer }</dd>
                <dt>{ i18n::VALIDITY.get(lang) }</dt>
                <dd>{ authority_date(lang, claims.valid_from) }{ " – " }{ authority_date(lang, claims.valid_until) }</dd>
            </dl>
            <h2>{ i18n::PERMITS.get(lang) }</h2>
            <ul class="permits">
                { for claims.permits.iter().map(|permit| {
                    let known = catalog.permit_by_code(permit.kind);
                    let name = known.map_or(i18n::UNKNOWN_PERMIT.get(lang), |p| p.name.get(lang));
                    let department = known.map(|p| p.department.get(lang).to_owned());
                    let lapsed = permit
                        .valid_until
                        .is_some_and(|until| until * 1000 <= js_sys::Date::now() as i64);
                    html! {
                        <li class={classes!(lapsed.then_some("lapsed"))}>
                            <div class="permit-name">{ name }</div>
                            if let Some(department) = department {
                                <div>{ i18n::DEPARTMENT.get(lang) }{ ": " }{ department }</div>
                            }
                            <div>{ i18n::PERMIT_NUMBER.get(lang) }{ ": " }<code>{ &permit.number }</code></div>
                            <div>{ i18n::VALIDITY.get(lang) }{ ": " }{ match permit.valid_until {
                                Some(until) => format!("{} – {}", authority_date(lang, claims.valid_from), authority_date(lang, until)),
                                None => i18n::NO_FIXED_TERM.get(lang).into(),
                            } }</div>
                            if let Some(scope) = &permit.scope {
                                <div>{ i18n::SCOPE.get(lang) }{ ": " }{ scope }</div>
                            }
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}

#[cfg(test)]
mod tests {
    use signer::{Reason, Verdict};

    use super::*;

    const TODAY: i64 = 1_796_342_400; // 2026-12-04, 00:00 UTC

    fn verdict(reason: Reason) -> Verdict {
        Verdict {
            reason: Some(reason),
            claims: None,
            kid: None,
            issuer_name: None,
            issuer_name_en: None,
        }
    }

    fn said(lang: Lang, reason: Reason, now: i64) -> (String, Option<String>) {
        let check = Check {
            verdict: verdict(reason),
            missing: None,
            status_as_of: Some(now - 60),
            status_expires_at: Some(now + 86_400),
            basis: None,
            recheck: false,
            at: now as f64 * 1000.0,
        };
        explanation(lang, &check)
    }

    #[test]
    fn lifecycle_reasons_say_their_day_and_what_to_do() {
        let superseded = Reason::Superseded {
            by_version: 2,
            on: TODAY,
        };
        assert_eq!(
            said(Lang::En, superseded.clone(), TODAY),
            (
                "An old version: superseded by version 2 on 4 Dec 2026.".into(),
                Some(
                    "Ask for the current license (version 2); the old one does not permit trading."
                        .into()
                )
            )
        );
        assert_eq!(
            said(Lang::Zh, superseded, TODAY).0,
            "这是旧版：已于2026年12月4日被第2版取代。"
        );
        let suspended = Reason::Suspended {
            until: TODAY + 86_400,
        };
        let (what, todo) = said(Lang::En, suspended.clone(), TODAY);
        assert_eq!(
            what,
            "Suspended until 5 Dec 2026 (the reason is not in the QR code)."
        );
        assert_eq!(
            todo.as_deref(),
            Some("No trading until the authority reinstates it.")
        );
        // The last day itself is still within the announced suspension (the authority's day:
        // 23:59:59 in Shanghai on 5 Dec).
        let last_day = TODAY + 86_400 + 16 * 3600 - 1;
        assert!(
            !said(Lang::En, suspended.clone(), last_day)
                .0
                .contains("passed")
        );
        let (what, _) = said(Lang::Zh, suspended, last_day + 1);
        assert_eq!(
            what,
            "许可证被暂扣至2026年12月5日：该日期已过，但发证机关尚未恢复它（原因不在二维码中）。"
        );
        assert_eq!(
            said(Lang::En, Reason::Cancelled { on: TODAY }, TODAY).0,
            "Cancelled by the holder on 4 Dec 2026."
        );
        assert_eq!(
            said(Lang::Zh, Reason::Revoked { on: Some(TODAY) }, TODAY).0,
            "许可证已于2026年12月4日被发证机关撤销。"
        );
        assert_eq!(
            said(Lang::En, Reason::Revoked { on: None }, TODAY).0,
            "The license has been revoked."
        );
    }

    #[test]
    fn a_status_list_that_predates_the_license_is_not_called_expired() {
        let unknown = Reason::StatusUnknown {
            since: Some(TODAY - 60),
        };
        assert!(
            said(Lang::En, unknown.clone(), TODAY)
                .0
                .ends_with(" (last list, older than this version of the license).")
        );
        let mut check = Check {
            verdict: verdict(unknown),
            missing: None,
            status_as_of: Some(TODAY - 60),
            status_expires_at: Some(TODAY),
            basis: None,
            recheck: false,
            at: TODAY as f64 * 1000.0,
        };
        assert!(explanation(Lang::En, &check).0.ends_with(" (last list)."));
        check.status_expires_at = None;
        assert!(
            explanation(Lang::Zh, &check)
                .0
                .ends_with("（该名单已过期）。")
        );
    }
}
