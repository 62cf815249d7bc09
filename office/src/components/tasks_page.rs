use catalog::Catalog;
use contract::{StaffMember, Task, TaskList, Urgency};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{date_words, loading_or_failed};
use crate::i18n::{self, InLang, Lang};
use crate::state::{self, Load, Page};

/// The queues: overdue, due within 2 working days, new — each task a link to its
/// application. Someone who oversees every department chooses which one (or all).
pub fn tasks_page(
    lang: Lang,
    member: &StaffMember,
    department: Option<&str>,
    tasks: &Load<TaskList>,
    on_department: &Callback<Option<String>>,
    on_retry: &Callback<()>,
) -> Html {
    let catalog = Catalog::builtin();
    let (own, chooser) = department_choice(lang, member, department, on_department);
    let body = loading_or_failed(lang, tasks, on_retry).unwrap_or_else(|| match tasks {
        Load::Loaded(list) => queues(lang, catalog, list),
        _ => html! {},
    });
    html! {
        <>
            <h1>{ i18n::TASKS_HEADING.get(lang) }</h1>
            { for own }
            { for chooser }
            { body }
        </>
    }
}

/// Whose queue this is: a reviewer's own department said, or, for someone who oversees every
/// department, the choice of one (or all). The checks page shares it.
pub(super) fn department_choice(
    lang: Lang,
    member: &StaffMember,
    department: Option<&str>,
    on_department: &Callback<Option<String>>,
) -> (Option<Html>, Option<Html>) {
    let catalog = Catalog::builtin();
    let chooser = state::sees_all_departments(member.role).then(|| {
        let onchange = on_department.reform(|e: Event| {
            let slug = e.target_unchecked_into::<HtmlSelectElement>().value();
            (!slug.is_empty()).then_some(slug)
        });
        html! {
            <div class="field">
                <label for="department">{ i18n::DEPARTMENT.get(lang) }</label>
                <select id="department" {onchange}>
                    <option value="" selected={department.is_none()}>{ i18n::ALL_DEPARTMENTS.get(lang) }</option>
                    { for state::departments(catalog).into_iter().map(|(slug, name)| html! {
                        <option selected={department == Some(slug.as_str())} value={slug.clone()}>{ name.get(lang) }</option>
                    }) }
                </select>
            </div>
        }
    });
    let own = (!state::sees_all_departments(member.role))
        .then_some(member.department.as_deref())
        .flatten()
        .map(|slug| {
            html! {
                <p class="lead">{ i18n::TASKS_OF.get(lang) }{ state::department_name(slug).borrowed().get(lang) }</p>
            }
        });
    (own, chooser)
}

fn queues(lang: Lang, catalog: &Catalog, list: &TaskList) -> Html {
    let queue = |urgency: Urgency| {
        let tasks: Vec<&Task> = list.tasks.iter().filter(|t| t.urgency == urgency).collect();
        let id = format!("queue-{}", urgency as u8);
        html! {
            <section class="queue" aria-labelledby={id.clone()}>
                <h2 {id}>{ i18n::urgency(urgency).get(lang) }</h2>
                if tasks.is_empty() {
                    <p class="muted">{ i18n::NO_TASKS.get(lang) }</p>
                } else {
                    <ul class="tasks">
                        { for tasks.into_iter().map(|task| task_item(lang, catalog, task)) }
                    </ul>
                }
            </section>
        }
    };
    html! {
        <>
            <p class="muted">{ i18n::TODAY_IS.get(lang) }{ date_words(&list.today, lang) }</p>
            { queue(Urgency::Overdue) }
            { queue(Urgency::DueSoon) }
            { queue(Urgency::New) }
        </>
    }
}

fn task_item(lang: Lang, catalog: &Catalog, task: &Task) -> Html {
    let industry = catalog
        .industry(&task.industry)
        .map_or(task.industry.as_str(), |i| i.name.get(lang));
    let permit = catalog
        .permit(&task.permit)
        .map_or(task.permit.as_str(), |p| p.name.get(lang));
    let href = Page::Application(task.application_id.clone()).path();
    html! {
        <li class={classes!("task", (task.urgency == Urgency::Overdue).then_some("overdue"))}>
            <a class="task-title" {href}>{ &task.business_name }</a>
            <dl class="task-facts">
                <dt>{ i18n::INDUSTRY.get(lang) }</dt><dd>{ industry }</dd>
                <dt>{ i18n::PERMIT.get(lang) }</dt><dd>{ permit }</dd>
                <dt>{ i18n::DUE.get(lang) }</dt><dd>{ date_words(&task.due, lang) }</dd>
                <dt>{ i18n::REVISION.get(lang) }</dt><dd>{ task.revision }</dd>
            </dl>
        </li>
    }
}
