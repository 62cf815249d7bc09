use catalog::Catalog;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{self, InLang, Lang};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub chosen: Option<AttrValue>,
    pub on_choose: Callback<String>,
}

/// A searchable list of industries, matching Chinese and English names alike.
#[function_component]
pub fn IndustryPage(props: &Props) -> Html {
    let query = use_state(String::new);
    let lang = props.lang;
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // Case only matters for the Latin letters in names ("KTV", "Karaoke"), all ASCII: ASCII
    // folding on both sides finds "ktv" and keeps Unicode case tables out of the download.
    let needle = query.trim().to_ascii_lowercase();
    let matches: Vec<_> = Catalog::builtin()
        .industries
        .iter()
        .filter(|i| {
            needle.is_empty()
                || i.name.zh.to_ascii_lowercase().contains(&needle)
                || i.name.en.to_ascii_lowercase().contains(&needle)
        })
        .collect();
    html! {
        <section aria-labelledby="industry-heading">
            <h1 id="industry-heading">{ i18n::INDUSTRY_HEADING.get(lang) }</h1>
            <div class="field">
                <label for="industry-search">{ i18n::INDUSTRY_SEARCH.get(lang) }</label>
                <div id="industry-search-hint" class="hint">{ i18n::INDUSTRY_SEARCH_HINT.get(lang) }</div>
                <input id="industry-search" type="search" value={(*query).clone()} {oninput}
                    aria-describedby="industry-search-hint" aria-controls="industry-list" />
            </div>
            <p role="status" class="visually-hidden-unless-empty">
                { if matches.is_empty() { i18n::INDUSTRY_NONE.get(lang) } else { "" } }
            </p>
            <ul id="industry-list" class="choices">
                { for matches.into_iter().map(|industry| {
                    let on_choose = props.on_choose.clone();
                    let id = industry.id.clone();
                    let current = props.chosen.as_deref() == Some(industry.id.as_str());
                    html! {
                        <li>
                            <button type="button" class="choice" aria-current={current.then_some("true")}
                                onclick={Callback::from(move |_| on_choose.emit(id.clone()))}>
                                <span class="choice-title">{ industry.name.get(lang) }</span>
                                <span class="choice-hint" lang={lang.other().tag()}>
                                    { industry.name.get(lang.other()) }
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
