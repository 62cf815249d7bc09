//! The camera scanner: the rear camera in a <video>, read continuously until a code is found.
//! The browser's BarcodeDetector where it exists; elsewhere (desktop Linux Chromium, iOS
//! Safari) frames are copied through a canvas and read by the decoder in its Web Worker
//! (`services/decoder.rs`), which starts loading while the camera starts.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Interval;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, ImageData, MediaStream,
    MediaStreamConstraints, MediaStreamTrack,
};
use yew::prelude::*;

use crate::i18n::{self, InLang, Lang};
use crate::services::decoder::{Decoder, describe};

/// Time between reads: a code is found within a fraction of a second. A frame is sent to the
/// worker only when it has answered the last one.
const FRAME_INTERVAL_MS: u32 = 120;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_text: Callback<String>,
}

#[derive(Clone, PartialEq)]
enum Camera {
    Starting,
    Running { torch: Option<bool> },
    Failed(Problem),
}

/// Why the camera cannot be used, as far as the person holding the phone can act on it. The
/// browser's own error text never reaches the page (it goes to the console).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Problem {
    /// The person or the browser's settings refused this page the camera.
    Refused,
    /// No camera on this device (or none that can film).
    Missing,
    /// Another app holds the camera.
    InUse,
    /// Not a secure context (http:// other than localhost): browsers give such pages no camera.
    Insecure,
    Unknown,
}

impl Problem {
    /// From the DOMException `getUserMedia` rejects with.
    fn of(error: &JsValue) -> Problem {
        let name = Reflect::get(error, &"name".into())
            .ok()
            .and_then(|name| name.as_string())
            .unwrap_or_default();
        match name.as_str() {
            // Older Chromium and Firefox names next to the standard ones.
            "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => Problem::Refused,
            "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => Problem::Missing,
            "NotReadableError" | "TrackStartError" | "AbortError" => Problem::InUse,
            _ => Problem::Unknown,
        }
    }

    /// What happened and what to do next.
    fn texts(self) -> (i18n::Text, i18n::Text) {
        match self {
            Problem::Refused => (i18n::CAMERA_REFUSED, i18n::CAMERA_REFUSED_NEXT),
            Problem::Missing => (i18n::CAMERA_MISSING, i18n::CAMERA_MISSING_NEXT),
            Problem::InUse => (i18n::CAMERA_IN_USE, i18n::CAMERA_IN_USE_NEXT),
            Problem::Insecure => (i18n::CAMERA_INSECURE, i18n::CAMERA_INSECURE_NEXT),
            Problem::Unknown => (i18n::CAMERA_UNKNOWN, i18n::CAMERA_UNKNOWN_NEXT),
        }
    }
}

/// Mean decode time of the frames read so far, for the reader line (and the tests).
#[derive(Clone, Copy, Default, PartialEq)]
struct FrameTimes {
    frames: u32,
    total_ms: f64,
}

#[function_component]
pub fn Scanner(props: &Props) -> Html {
    let lang = props.lang;
    let video = use_node_ref();
    let camera = use_state(|| Camera::Starting);
    let native = use_memo((), |_| barcode_detector().is_some());
    let times = use_state(FrameTimes::default);
    let reader_failed = use_state(|| false);
    let track = use_mut_ref(|| None::<MediaStreamTrack>);
    // Counts "Try the camera again": each one starts the camera afresh.
    let attempt = use_state(|| 0_u32);
    {
        let (video, camera, times, track, reader_failed) = (
            video.clone(),
            camera.clone(),
            times.clone(),
            track.clone(),
            reader_failed.clone(),
        );
        let on_text = props.on_text.clone();
        let native = *native;
        use_effect_with(*attempt, move |_| {
            // The decoder loads while the camera starts (not needed with a BarcodeDetector).
            let decoder = if native {
                None
            } else {
                Decoder::shared()
                    .inspect_err(|why| {
                        console_warn("QR reader", why);
                        reader_failed.set(true);
                    })
                    .ok()
            };
            let stopped = Rc::new(Cell::new(false));
            let interval = Rc::new(RefCell::new(None::<Interval>));
            {
                let (stopped, interval, track) = (stopped.clone(), interval.clone(), track.clone());
                spawn_local(async move {
                    match start(&video).await {
                        Ok((stream, first_track)) => {
                            if stopped.get() {
                                stop_stream(&stream);
                                return;
                            }
                            let torch = supports_torch(&first_track).then_some(false);
                            *track.borrow_mut() = Some(first_track);
                            camera.set(Camera::Running { torch });
                            let reader = Reader {
                                stopped,
                                on_text,
                                times,
                                decoder,
                                failed: reader_failed,
                            };
                            *interval.borrow_mut() = Some(read_frames(video, reader));
                        }
                        Err(why) => camera.set(Camera::Failed(why)),
                    }
                });
            }
            move || {
                stopped.set(true);
                interval.borrow_mut().take();
                if let Some(track) = track.borrow_mut().take() {
                    track.stop();
                }
            }
        });
    }
    let toggle_torch = {
        let (camera, track) = (camera.clone(), track.clone());
        Callback::from(move |_| {
            if let (Camera::Running { torch: Some(on) }, Some(track)) = (&*camera, &*track.borrow())
            {
                set_torch(track, !on);
                camera.set(Camera::Running { torch: Some(!on) });
            }
        })
    };
    let retry = {
        let (camera, attempt) = (camera.clone(), attempt.clone());
        Callback::from(move |_| {
            camera.set(Camera::Starting);
            attempt.set(attempt.wrapping_add(1));
        })
    };
    let status = match &*camera {
        Camera::Starting => html! { <p role="status">{ i18n::CAMERA_STARTING.get(lang) }</p> },
        Camera::Failed(problem) => {
            let (what, next) = problem.texts();
            html! {
                <div class="camera-problem" role="alert" data-problem={format!("{problem:?}")}>
                    <p class="error-message">{ what.get(lang) }</p>
                    <p>{ next.get(lang) }</p>
                    // Reloading is the only remedy of an insecure address.
                    if *problem != Problem::Insecure {
                        <button type="button" onclick={retry}>{ i18n::CAMERA_RETRY.get(lang) }</button>
                    }
                </div>
            }
        }
        Camera::Running { .. } => html! {},
    };
    let reader_status = if *reader_failed {
        html! { <p class="error-message" role="alert">{ reader_failed_message(lang) }</p> }
    } else {
        html! {}
    };
    let torch = match &*camera {
        Camera::Running { torch: Some(on) } => html! {
            <button type="button" aria-pressed={on.to_string()} onclick={toggle_torch}>
                { if *on { i18n::TORCH_OFF.get(lang) } else { i18n::TORCH_ON.get(lang) } }
            </button>
        },
        _ => html! {},
    };
    let reader = if *native {
        i18n::DECODER_NATIVE.get(lang).to_owned()
    } else if times.frames > 0 {
        format!(
            "{} · {:.0} {}",
            i18n::DECODER_WASM.get(lang),
            times.total_ms / f64::from(times.frames),
            i18n::MS_PER_FRAME.get(lang)
        )
    } else {
        i18n::DECODER_WASM.get(lang).to_owned()
    };
    let mean_ms =
        (times.frames > 0).then(|| format!("{:.1}", times.total_ms / f64::from(times.frames)));
    html! {
        <section aria-labelledby="scan-heading">
            <h1 id="scan-heading">{ i18n::SCAN_HEADING.get(lang) }</h1>
            <p>{ i18n::SCAN_HINT.get(lang) }</p>
            <div class={classes!("scanner", matches!(*camera, Camera::Failed(_)).then_some("off"))}>
                <video ref={video} muted=true autoplay=true playsinline=true aria-hidden="true" />
                <div class="aim"></div>
            </div>
            { status }
            { reader_status }
            <div class="scanner-actions">{ torch }</div>
            <p class="decoder-info" data-frames={times.frames.to_string()} data-frame-ms={mean_ms}>{ reader }</p>
        </section>
    }
}

/// "The QR reader could not be loaded. Paste …": the decoder worker is gone.
pub fn reader_failed_message(lang: Lang) -> String {
    format!(
        "{} {}",
        i18n::READER_FAILED.get(lang),
        i18n::READER_FAILED_HINT.get(lang)
    )
}

/// The browser's own words about a failure, for whoever debugs it; never on the page.
pub fn console_warn(what: &str, why: &str) {
    web_sys::console::warn_2(&what.into(), &why.into());
}

async fn start(video: &NodeRef) -> Result<(MediaStream, MediaStreamTrack), Problem> {
    let window = gloo::utils::window();
    if !window.is_secure_context() {
        return Err(Problem::Insecure);
    }
    // Missing on browsers without camera access at all.
    let devices = window
        .navigator()
        .media_devices()
        .ok()
        .filter(|devices| !AsRef::<JsValue>::as_ref(devices).is_undefined())
        .ok_or(Problem::Unknown)?;
    let constraints = MediaStreamConstraints::new();
    let video_constraints = object(&[
        ("facingMode", JsValue::from("environment")),
        ("width", object(&[("ideal", JsValue::from(1280))]).into()),
        ("height", object(&[("ideal", JsValue::from(720))]).into()),
    ]);
    constraints.set_video(&video_constraints);
    let refused = |error: JsValue| {
        console_warn("camera", &describe(error.clone()));
        Problem::of(&error)
    };
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(refused)?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(refused)?
        .unchecked_into();
    let element = video.cast::<HtmlVideoElement>().ok_or(Problem::Unknown)?;
    element.set_src_object(Some(&stream));
    // Autoplay is allowed for muted video; a refusal only delays the first frame, and play()
    // is rejected when a verdict removes the video first. Awaiting the promise handles both,
    // so neither becomes an unhandled rejection.
    if let Ok(playing) = element.play() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(playing).await;
        });
    }
    let track = stream
        .get_video_tracks()
        .get(0)
        .dyn_into::<MediaStreamTrack>()
        .map_err(|_| Problem::Unknown)?;
    Ok((stream, track))
}

/// Where frames go and what comes back from them.
struct Reader {
    stopped: Rc<Cell<bool>>,
    on_text: Callback<String>,
    times: UseStateHandle<FrameTimes>,
    /// The decoder worker; `None` with a BarcodeDetector (or when it could not start).
    decoder: Option<Decoder>,
    failed: UseStateHandle<bool>,
}

/// Reads a frame every `FRAME_INTERVAL_MS` until a code is found or the scanner goes away.
fn read_frames(video: NodeRef, reader: Reader) -> Interval {
    let Reader {
        stopped,
        on_text,
        times,
        decoder,
        failed,
    } = reader;
    let busy = Rc::new(Cell::new(false));
    let canvas = Rc::new(RefCell::new(
        None::<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    ));
    let detector = barcode_detector();
    let tally = Rc::new(Cell::new(FrameTimes::default()));
    Interval::new(FRAME_INTERVAL_MS, move || {
        let Some(element) = video.cast::<HtmlVideoElement>() else {
            return;
        };
        // HAVE_CURRENT_DATA: a frame is there to read.
        if busy.get() || stopped.get() || element.ready_state() < 2 || element.video_width() == 0 {
            return;
        }
        if let Some(detector) = &detector {
            busy.set(true);
            let (busy, stopped, on_text) = (busy.clone(), stopped.clone(), on_text.clone());
            let detector = detector.clone();
            spawn_local(async move {
                if let Some(text) = detect_natively(&detector, &element).await
                    && !stopped.replace(true)
                {
                    on_text.emit(text);
                }
                busy.set(false);
            });
            return;
        }
        let (Some(decoder), Some(image)) =
            (&decoder, grab_frame(&element, &mut canvas.borrow_mut()))
        else {
            return;
        };
        busy.set(true);
        let (decoder, busy, stopped, on_text) = (
            decoder.clone(),
            busy.clone(),
            stopped.clone(),
            on_text.clone(),
        );
        let (tally, times, failed) = (tally.clone(), times.clone(), failed.clone());
        spawn_local(async move {
            match decoder.read(&image).await {
                Ok(read) => {
                    if stopped.get() {
                        return;
                    }
                    let mut sums = tally.get();
                    sums.frames += 1;
                    sums.total_ms += read.ms;
                    tally.set(sums);
                    times.set(sums);
                    if let Some(text) = read.text
                        && !stopped.replace(true)
                    {
                        on_text.emit(text);
                    }
                    busy.set(false);
                }
                // The reader is gone: `busy` stays set, so no further frames are sent.
                Err(why) => {
                    console_warn("QR reader", &why);
                    failed.set(true);
                }
            }
        });
    })
}

/// The video's current frame as pixels, drawn through a reused canvas.
fn grab_frame(
    video: &HtmlVideoElement,
    canvas: &mut Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
) -> Option<ImageData> {
    let (width, height) = (video.video_width(), video.video_height());
    if canvas.is_none() {
        *canvas = new_canvas();
    }
    let (element, context) = canvas.as_ref()?;
    if element.width() != width || element.height() != height {
        element.set_width(width);
        element.set_height(height);
    }
    context
        .draw_image_with_html_video_element(video, 0.0, 0.0)
        .ok()?;
    context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()
}

/// A canvas whose pixels are read back often (the browser then keeps it in memory).
pub fn new_canvas() -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let element: HtmlCanvasElement = gloo::utils::document()
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    let options = object(&[("willReadFrequently", JsValue::TRUE)]);
    let context = element
        .get_context_with_context_options("2d", &options)
        .ok()??
        .dyn_into()
        .ok()?;
    Some((element, context))
}

/// `new BarcodeDetector({formats: ["qr_code"]})` where the browser has one.
fn barcode_detector() -> Option<JsValue> {
    let class = Reflect::get(&gloo::utils::window(), &"BarcodeDetector".into()).ok()?;
    let class: js_sys::Function = class.dyn_into().ok()?;
    let formats = Array::of1(&"qr_code".into());
    let options = object(&[("formats", formats.into())]);
    Reflect::construct(&class, &Array::of1(&options)).ok()
}

async fn detect_natively(detector: &JsValue, video: &HtmlVideoElement) -> Option<String> {
    let detect: js_sys::Function = Reflect::get(detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(detector, video).ok()?.dyn_into().ok()?;
    let found: Array = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    found
        .iter()
        .find_map(|code| Reflect::get(&code, &"rawValue".into()).ok()?.as_string())
}

fn supports_torch(track: &MediaStreamTrack) -> bool {
    let Ok(get) = Reflect::get(track, &"getCapabilities".into()) else {
        return false;
    };
    get.dyn_into::<js_sys::Function>()
        .ok()
        .and_then(|get| get.call0(track).ok())
        .and_then(|caps| Reflect::get(&caps, &"torch".into()).ok())
        .is_some_and(|torch| torch.is_truthy())
}

fn set_torch(track: &MediaStreamTrack, on: bool) {
    let advanced = Array::of1(&object(&[("torch", JsValue::from(on))]));
    let constraints = object(&[("advanced", advanced.into())]);
    let Ok(apply) = Reflect::get(track, &"applyConstraints".into()) else {
        return;
    };
    if let Ok(apply) = apply.dyn_into::<js_sys::Function>() {
        // A refusal leaves the torch as it was; nothing else depends on it.
        let _ = apply.call1(track, &constraints);
    }
}

fn stop_stream(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

fn object(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}
