use catalog::Catalog;
use contract::{CheckFinding, CheckList, CheckTask, StaffMember, Urgency};
use yew::prelude::*;

use super::tasks_page::department_choice;
use super::{date_words, loading_or_failed};
use crate::i18n::{self, InLang, Lang};
use crate::state::{Load, Page};

/// The checks after a commitment: those to make (overdue, due within 2 working days, the
/// rest), each a link to its check page; then those made, with their result.
pub fn checks_page(
    lang: Lang,
    member: &StaffMember,
    department: Option<&str>,
    checks: &Load<CheckList>,
    on_department: &Callback<Option<String>>,
    on_retry: &Callback<()>,
) -> Html {
    let catalog = Catalog::builtin();
    let (own, chooser) = department_choice(lang, member, department, on_department);
    let body = loading_or_failed(lang, checks, on_retry).unwrap_or_else(|| match checks {
        Load::Loaded(list) => lists(lang, catalog, list),
        _ => html! {},
    });
    html! {
        <>
            <h1>{ i18n::CHECKS_HEADING.get(lang) }</h1>
            <p class="lead">{ i18n::CHECKS_LEAD.get(lang) }</p>
            { for own }
            { for chooser }
            { body }
        </>
    }
}

fn lists(lang: Lang, catalog: &Catalog, list: &CheckList) -> Html {
    let section = |id: &str, heading: &str, checks: Vec<&CheckTask>| {
        html! {
            <section class="queue" aria-labelledby={id.to_owned()}>
                <h3 id={id.to_owned()}>{ heading }</h3>
                if checks.is_empty() {
                    <p class="muted">{ i18n::NO_TASKS.get(lang) }</p>
                } else {
                    <ul class="tasks">
                        { for checks.into_iter().map(|check| check_item(lang, catalog, check)) }
                    </ul>
                }
            </section>
        }
    };
    let open = |urgency: Urgency| {
        let checks = list
            .checks
            .iter()
            .filter(|c| c.urgency == Some(urgency))
            .collect();
        section(
            &format!("checks-{}", urgency as u8),
            i18n::urgency(urgency).get(lang),
            checks,
        )
    };
    let recorded: Vec<&CheckTask> = list.checks.iter().filter(|c| c.urgency.is_none()).collect();
    html! {
        <>
            <p class="muted">{ i18n::TODAY_IS.get(lang) }{ date_words(&list.today, lang) }</p>
            <h2>{ i18n::CHECKS_OPEN.get(lang) }</h2>
            { open(Urgency::Overdue) }
            { open(Urgency::DueSoon) }
            { open(Urgency::New) }
            <section class="queue" aria-labelledby="checks-recorded">
                <h2 id="checks-recorded">{ i18n::CHECKS_RECORDED.get(lang) }</h2>
                if recorded.is_empty() {
                    <p class="muted">{ i18n::NO_TASKS.get(lang) }</p>
                } else {
                    <ul class="tasks">
                        { for recorded.into_iter().map(|check| check_item(lang, catalog, check)) }
                    </ul>
                }
            </section>
        </>
    }
}

/// A result in words.
pub fn finding_words(finding: &CheckFinding) -> i18n::Text {
    match finding {
        CheckFinding::Honoured => i18n::HONOURED,
        CheckFinding::FalseCommitment { .. } => i18n::FALSE_COMMITMENT,
    }
}

fn check_item(lang: Lang, catalog: &Catalog, check: &CheckTask) -> Html {
    let industry = catalog
        .industry(&check.industry)
        .map_or(check.industry.as_str(), |i| i.name.get(lang));
    let permit = catalog
        .permit(&check.permit)
        .map_or(check.permit.as_str(), |p| p.name.get(lang));
    let href = Page::Check(check.application_id.clone(), check.permit.clone()).path();
    let result = check.finding.as_ref().map(|finding| {
        html! {
            <>
                <dt>{ i18n::CHECK_RESULT.get(lang) }</dt><dd>{ finding_words(finding).get(lang) }</dd>
                <dt>{ i18n::CHECKED_ON.get(lang) }</dt>
                <dd>{ date_words(check.checked_on.as_deref().unwrap_or_default(), lang) }</dd>
            </>
        }
    });
    html! {
        <li class={classes!("task", (check.urgency == Some(Urgency::Overdue)).then_some("overdue"))}>
            <a class="task-title" {href}>{ &check.business_name }{ " — " }{ permit }</a>
            <dl class="task-facts">
                <dt>{ i18n::INDUSTRY.get(lang) }</dt><dd>{ industry }</dd>
                <dt>{ i18n::LICENSE_NUMBER.get(lang) }</dt><dd>{ &check.license_number }</dd>
                <dt>{ i18n::CHECK_BY.get(lang) }</dt><dd>{ date_words(&check.due, lang) }</dd>
                { for result }
            </dl>
        </li>
    }
}
