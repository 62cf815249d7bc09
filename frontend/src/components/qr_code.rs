use bilingual::{Text, texts};
use yew::prelude::*;

use crate::services::qr_encoder::{self, Drawn};

// Said while the QR encoder's worker loads, or when it cannot. The component does not know
// the interface language (its props are the text, the label and the class), so it says both.
texts! {
    QR_DRAWING = "正在生成二维码…", "Drawing the QR code…";
    QR_UNAVAILABLE = "二维码暂时无法显示：本设备还没有保存生成二维码的程序（首次打开时网络可能中断了）。请连接网络后重试。",
        "The QR code cannot be shown right now: this device has not yet kept the part of the app that draws it (the network may have dropped on the first visit). Connect to the network and try again.";
    QR_RETRY = "重试", "Try again";
    QR_TOO_LONG = "内容太长，无法放入一个二维码。", "The text is too long for one QR code.";
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    /// What the code holds, for screen readers.
    pub label: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    /// A link under the drawn code that downloads it as an SVG file: (file name, link text).
    /// A `data:` URL, so it works offline; there is no link while there is no code.
    #[prop_or_default]
    pub download: Option<(AttrValue, AttrValue)>,
}

/// A QR code (error correction level Q, with its quiet zone) drawn as SVG by the signer crate,
/// the same code the server and the `signer` CLI use — in the QR encoder's Web Worker
/// (`services/qr_encoder.rs`), so the first load does not carry the encoder. Until the SVG is
/// there, the box says so; it is an image only once drawn.
#[function_component]
pub fn QrCode(props: &Props) -> Html {
    let (shown, retry) = use_drawn(&props.text);
    let class = classes!("qr", props.class.clone());
    match shown {
        None => html! {
            <div class={classes!(class, "qr-drawing")}>
                <p class="muted" role="status">{ both(QR_DRAWING) }</p>
            </div>
        },
        Some(Drawn::Svg(svg)) => {
            let download = props.download.as_ref().map(|(file, text)| {
                let href = format!(
                    "data:image/svg+xml;charset=utf-8,{}",
                    js_sys::encode_uri_component(&svg)
                );
                html! { <a class="button no-print qr-download" {href} download={file.clone()}>{ text.clone() }</a> }
            });
            html! {
                <div {class}>
                    <div role="img" aria-label={props.label.clone()}>
                        { Html::from_html_unchecked(AttrValue::from(svg)) }
                    </div>
                    { for download }
                </div>
            }
        }
        Some(Drawn::TooLong) => {
            html! { <p class="error-message" role="alert">{ both(QR_TOO_LONG) }</p> }
        }
        Some(Drawn::Unavailable) => html! {
            <div class="notice" role="alert">
                <p>{ both(QR_UNAVAILABLE) }</p>
                <button type="button" onclick={retry.reform(|_| ())}>{ both(QR_RETRY) }</button>
            </div>
        },
    }
}

/// The QR code of `text` — `None` while the worker draws it — and a callback that asks
/// again (after the worker could not load).
#[hook]
fn use_drawn(text: &AttrValue) -> (Option<Drawn>, Callback<()>) {
    // The last answer, with the text it answers: one for an earlier text is not shown.
    let answer = use_state_eq(|| None::<(AttrValue, Drawn)>);
    let ask = {
        let (answer, text) = (answer.clone(), text.clone());
        Callback::from(move |()| {
            answer.set(None);
            let (answer, asked) = (answer.clone(), text.clone());
            qr_encoder::draw(
                &text,
                Callback::from(move |drawn| answer.set(Some((asked.clone(), drawn)))),
            );
        })
    };
    {
        let ask = ask.clone();
        use_effect_with(text.clone(), move |_| ask.emit(()));
    }
    let shown = match &*answer {
        Some((answered, drawn)) if answered == text => Some(drawn.clone()),
        _ => qr_encoder::kept(text).map(Drawn::Svg),
    };
    (shown, ask)
}

/// A text in both languages, each marked as such for screen readers.
fn both(text: Text) -> Html {
    html! {
        <>
            <span lang="zh-CN">{ text.zh }</span>
            { " " }
            <span lang="en">{ text.en }</span>
        </>
    }
}
