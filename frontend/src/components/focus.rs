/// Moves the keyboard focus to an element, as error links and "Change" do, and scrolls so
/// that its whole field — the label and message above the input — sits just below the
/// (sticky) header, not the input at the window's very top. On its own so the error summary
/// and the pages that show it need not import each other.
pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    let document = gloo::utils::document();
    let Some(element) = document.get_element_by_id(id) else {
        return;
    };
    if let Ok(element) = element.clone().dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
    let field = element.closest(".field").ok().flatten().unwrap_or(element);
    let header = document
        .query_selector(".site-header")
        .ok()
        .flatten()
        .map_or(0.0, |h| h.get_bounding_client_rect().bottom().max(0.0));
    let top = field.get_bounding_client_rect().top();
    gloo::utils::window().scroll_by_with_x_and_y(0.0, top - header - 16.0);
}
