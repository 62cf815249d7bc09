use yew::prelude::*;

/// One row of a summary list (`<dl class="summary-list">`): a label and its value. The rows
/// of every page share this one copy of the element-building code in the wasm.
pub fn summary_row(label: &'static str, value: Html) -> Html {
    html! { <div class="summary-row"><dt>{ label }</dt><dd>{ value }</dd></div> }
}
