/// Moves the keyboard focus (and the view) to an element, as error links and "Change" do. On
/// its own so the error summary and the pages that show it need not import each other.
pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = gloo::utils::document().get_element_by_id(id) {
        element.scroll_into_view();
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}
