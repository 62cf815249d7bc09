//! Reading a code without the live camera: from a photo, or pasted text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{HtmlInputElement, HtmlTextAreaElement, ImageBitmap, ImageData};
use yew::prelude::*;

use super::scanner::{console_warn, new_canvas, reader_failed_message};
use crate::i18n::{self, InLang, Lang};
use crate::services::decoder::Decoder;

/// Photos are drawn at most this wide or high: plenty of pixels per module for a code that
/// fills a fair part of the photo, and a bounded decode time.
const PHOTO_MAX_SIDE: f64 = 1600.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_text: Callback<String>,
}

#[function_component]
pub fn OtherWays(props: &Props) -> Html {
    let lang = props.lang;
    let photo_failed = use_state(|| None::<PhotoFailed>);
    let pasted = use_node_ref();
    let on_photo = {
        let (on_text, photo_failed) = (props.on_text.clone(), photo_failed.clone());
        Callback::from(move |event: Event| {
            let Some(file) = event
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            let (on_text, photo_failed) = (on_text.clone(), photo_failed.clone());
            spawn_local(async move {
                match read_photo(&file).await {
                    Ok(text) => on_text.emit(text),
                    Err(why) => photo_failed.set(Some(why)),
                }
            });
        })
    };
    let on_paste = {
        let (on_text, pasted) = (props.on_text.clone(), pasted.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(area) = pasted.cast::<HtmlTextAreaElement>() {
                let text = area.value();
                if !text.trim().is_empty() {
                    on_text.emit(text);
                }
            }
        })
    };
    html! {
        <section class="other-ways-section">
            <div class="other-ways">
                <label class="button-like">
                    { i18n::PHOTO.get(lang) }{ " " }
                    <input type="file" accept="image/*" capture="environment" onchange={on_photo} />
                </label>
            </div>
            if let Some(why) = &*photo_failed {
                <p class="error-message" role="alert">{
                    match why {
                        PhotoFailed::NoCode => i18n::PHOTO_FAILED.get(lang).to_owned(),
                        PhotoFailed::Reader => reader_failed_message(lang),
                    }
                }</p>
            }
            <form onsubmit={on_paste}>
                <label for="pasted">{ i18n::PASTE_LABEL.get(lang) }</label>
                <textarea id="pasted" class="paste" ref={pasted} spellcheck="false" autocomplete="off" />
                <button type="submit">{ i18n::PASTE_CHECK.get(lang) }</button>
            </form>
        </section>
    }
}

/// Why a photo gave no QR text.
#[derive(Clone, Debug, PartialEq)]
enum PhotoFailed {
    /// No readable code in it (or not a picture the browser can open).
    NoCode,
    /// The decoder worker could not load or stopped working.
    Reader,
}

async fn read_photo(file: &web_sys::File) -> Result<String, PhotoFailed> {
    let image = draw_photo(file).await.ok_or(PhotoFailed::NoCode)?;
    let reader_failed = |why: String| {
        console_warn("QR reader", &why);
        PhotoFailed::Reader
    };
    let read = Decoder::shared()
        .map_err(reader_failed)?
        .read(&image)
        .await
        .map_err(reader_failed)?;
    read.text.ok_or(PhotoFailed::NoCode)
}

/// The photo's pixels, at most `PHOTO_MAX_SIDE` wide or high.
async fn draw_photo(file: &web_sys::File) -> Option<ImageData> {
    let promise = gloo::utils::window()
        .create_image_bitmap_with_blob(file)
        .ok()?;
    let bitmap: ImageBitmap = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let (width, height) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (PHOTO_MAX_SIDE / width.max(height)).min(1.0);
    let (w, h) = (
        (width * scale).round() as u32,
        (height * scale).round() as u32,
    );
    let (canvas, context) = new_canvas()?;
    canvas.set_width(w);
    canvas.set_height(h);
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .ok()?;
    context
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .ok()
}
