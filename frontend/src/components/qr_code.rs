use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    /// What the code holds, for screen readers.
    pub label: AttrValue,
    #[prop_or_default]
    pub class: Classes,
}

/// A QR code (error correction level Q, with its quiet zone) drawn as SVG by the signer crate,
/// the same code the server and the `signer` CLI use.
#[function_component]
pub fn QrCode(props: &Props) -> Html {
    let svg = use_memo(props.text.clone(), |text| {
        signer::render_svg(text).map(|image| image.svg)
    });
    match &*svg {
        Ok(svg) => html! {
            <div class={classes!("qr", props.class.clone())} role="img" aria-label={props.label.clone()}>
                { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
            </div>
        },
        Err(error) => html! { <p class="error-message">{ error.to_string() }</p> },
    }
}

/// A `data:` URL of the SVG, for a download link that works offline.
pub fn svg_data_url(text: &str) -> Option<String> {
    let svg = signer::render_svg(text).ok()?.svg;
    Some(format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&svg)
    ))
}
