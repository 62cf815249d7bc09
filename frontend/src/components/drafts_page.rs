use catalog::Catalog;
use yew::prelude::*;

use crate::draft::Draft;
use crate::i18n::{self, InLang, Lang};

/// Applications saved on this device, newest first: resume or delete (after confirming).
/// `queued`: ids of applications waiting in the outbox. (A function, like `start_page`.)
pub fn drafts_page(
    lang: Lang,
    drafts: &[Draft],
    queued: &[String],
    on_resume: &Callback<Draft>,
    on_delete: &Callback<String>,
) -> Html {
    let catalog = Catalog::builtin();
    let items = newest_first(drafts).into_iter().map(|draft| {
        let industry = draft
            .industry
            .as_deref()
            .and_then(|i| catalog.industry(i))
            .map_or(i18n::DRAFT_UNTITLED.get(lang).to_owned(), |i| i.name.get(lang).to_owned());
        let name = draft.values.get("business_name").cloned().unwrap_or_default();
        // Opened to be read (a license, a received application), or resumed to be edited.
        let issued = draft.license.is_some() || !draft.editable();
        let status = match (draft.license.is_some(), queued.contains(&draft.id), draft.status()) {
            (true, _, _) => i18n::DRAFT_ISSUED,
            (_, true, _) => i18n::OUTBOX_QUEUED,
            (_, _, Some(status)) => i18n::status_text(status),
            _ => i18n::DRAFT_IN_PROGRESS,
        };
        let title = if name.is_empty() { industry.clone() } else { format!("{name} · {industry}") };
        let (on_resume, on_delete, id) = (on_resume.clone(), on_delete.clone(), draft.id.clone());
        let draft = draft.clone();
        let resume = Callback::from(move |_| on_resume.emit(draft.clone()));
        let delete = Callback::from(move |_| {
            if gloo::dialogs::confirm(i18n::DELETE_CONFIRM.get(lang)) {
                on_delete.emit(id.clone());
            }
        });
        html! {
            <li class="draft">
                <h2 class="draft-title">{ title.clone() }</h2>
                <p class="muted">{ status.get(lang) }</p>
                <button type="button" onclick={resume} aria-label={format!("{} {title}", if issued { i18n::OPEN.get(lang) } else { i18n::RESUME.get(lang) })}>
                    { if issued { i18n::OPEN.get(lang) } else { i18n::RESUME.get(lang) } }
                </button>
                { " " }
                <button type="button" class="warning" onclick={delete} aria-label={format!("{} {title}", i18n::DELETE.get(lang))}>
                    { i18n::DELETE.get(lang) }
                </button>
            </li>
        }
    });
    html! {
        <section key="drafts" aria-labelledby="drafts-heading">
            <h1 id="drafts-heading">{ i18n::DRAFTS_HEADING.get(lang) }</h1>
            if drafts.is_empty() {
                <p>{ i18n::DRAFTS_NONE.get(lang) }</p>
            }
            <ul class="drafts">{ for items }</ul>
        </section>
    }
}

/// Newest first; drafts changed at the same instant keep their order. Each draft goes in after
/// every one as new or newer: a stable insertion sort for a handful of drafts, without a
/// sort routine for drafts in the wasm.
fn newest_first(drafts: &[Draft]) -> Vec<&Draft> {
    let mut sorted: Vec<&Draft> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let at = sorted.partition_point(|d| d.updated_at.total_cmp(&draft.updated_at).is_ge());
        sorted.insert(at, draft);
    }
    sorted
}
