//! The page's side of the QR decoder's Web Worker (`src/worker.rs`, loaded through
//! `qr-decoder-worker.js`). The worker is started the first time the scanner or a photo needs
//! it, while the camera starts, and then shared; its wasm is not part of the first load.
//! Pictures go to it as transferred RGBA buffers; each answer is the text found, if any, and
//! the time the worker spent on the picture.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use inspector::message::{get, object};
use js_sys::{Array, Function, Promise, Reflect, Uint8ClampedArray};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, ImageData, MessageEvent, Worker};

/// Where Trunk puts the worker's loader (`inspector/index.html`), under the public URL.
const WORKER_URL: &str = "/inspect/qr-decoder-worker.js";

/// What the worker made of one picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    pub text: Option<String>,
    /// Time spent in the worker: greyscale and decoding.
    pub ms: f64,
}

/// A started decoder worker; clones share it.
#[derive(Clone)]
pub struct Decoder(Rc<Inner>);

struct Inner {
    worker: Worker,
    /// Settles when the worker has loaded its wasm, or failed to.
    ready: Promise,
    state: Rc<State>,
    next_id: Cell<u32>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(Event)>,
    _on_not_ready: Closure<dyn FnMut(JsValue)>,
}

/// Resolve and reject of a promise.
type Settle = (Function, Function);

#[derive(Default)]
struct State {
    ready: RefCell<Option<Settle>>,
    pending: RefCell<HashMap<u32, Settle>>,
    failed: RefCell<Option<String>>,
}

impl State {
    /// The worker is gone (it could not load, or it crashed): every waiting read fails with
    /// `why`, and so does every later one.
    fn fail(&self, worker: &Worker, why: String) {
        worker.terminate();
        let reason = JsValue::from(why.as_str());
        self.failed.borrow_mut().get_or_insert(why);
        if let Some((_, reject)) = self.ready.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &reason);
        }
        for (_, (_, reject)) in self.pending.borrow_mut().drain() {
            let _ = reject.call1(&JsValue::NULL, &reason);
        }
    }
}

thread_local! {
    static SHARED: RefCell<Option<Decoder>> = const { RefCell::new(None) };
}

impl Decoder {
    /// The page's decoder worker, started now if there is none yet or the last one failed
    /// (a photo chosen later tries to load it again).
    pub fn shared() -> Result<Decoder, String> {
        SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            if let Some(decoder) = shared
                .as_ref()
                .filter(|d| d.0.state.failed.borrow().is_none())
            {
                return Ok(decoder.clone());
            }
            let decoder = Decoder::start()?;
            *shared = Some(decoder.clone());
            Ok(decoder)
        })
    }

    fn start() -> Result<Decoder, String> {
        let worker = Worker::new(WORKER_URL).map_err(describe)?;
        let state = Rc::new(State::default());
        let ready = Promise::new(&mut |resolve, reject| {
            *state.ready.borrow_mut() = Some((resolve, reject));
        });
        // Whoever reads hears of a failure to load; until then it is no unhandled rejection.
        let on_not_ready = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = ready.catch(&on_not_ready);
        let on_message = {
            let (state, worker) = (state.clone(), worker.clone());
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                if let Some(why) = get(&data, "failed").as_string() {
                    state.fail(&worker, why);
                } else if get(&data, "ready").is_truthy() {
                    if let Some((resolve, _)) = state.ready.borrow_mut().take() {
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                } else if let Some(id) = get(&data, "id").as_f64() {
                    let waiting = state.pending.borrow_mut().remove(&(id as u32));
                    if let Some((resolve, _)) = waiting {
                        let _ = resolve.call1(&JsValue::NULL, &data);
                    }
                }
            })
        };
        let on_error = {
            let (state, worker) = (state.clone(), worker.clone());
            // An ErrorEvent when the worker throws; a plain Event when its script cannot be
            // fetched.
            Closure::<dyn Fn(Event)>::new(move |event: Event| {
                // Handled here, shown to the user by whoever was waiting.
                event.prevent_default();
                let why = get(&event, "message")
                    .as_string()
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "its files could not be fetched".to_owned());
                state.fail(&worker, why);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Decoder(Rc::new(Inner {
            worker,
            ready,
            state,
            next_id: Cell::new(0),
            _on_message: on_message,
            _on_error: on_error,
            _on_not_ready: on_not_ready,
        })))
    }

    /// Reads the QR code in `image`, waiting for the worker to load first; `Err` when the
    /// worker could not load or stopped working.
    pub async fn read(&self, image: &ImageData) -> Result<Read, String> {
        let inner = &self.0;
        JsFuture::from(inner.ready.clone())
            .await
            .map_err(describe)?;
        if let Some(why) = inner.state.failed.borrow().clone() {
            return Err(why);
        }
        let id = inner.next_id.get().wrapping_add(1);
        inner.next_id.set(id);
        let answer = Promise::new(&mut |resolve, reject| {
            inner
                .state
                .pending
                .borrow_mut()
                .insert(id, (resolve, reject));
        });
        let rgba: Uint8ClampedArray = get(image, "data").unchecked_into();
        let buffer = rgba.buffer();
        let request = object(&[
            ("id", JsValue::from(id)),
            ("width", JsValue::from(image.width())),
            ("height", JsValue::from(image.height())),
            ("rgba", buffer.clone().into()),
        ]);
        if let Err(e) = inner
            .worker
            .post_message_with_transfer(&request, &Array::of1(&buffer))
        {
            inner.state.pending.borrow_mut().remove(&id);
            return Err(describe(e));
        }
        let answer = JsFuture::from(answer).await.map_err(describe)?;
        Ok(Read {
            text: get(&answer, "text").as_string(),
            ms: get(&answer, "ms").as_f64().unwrap_or(0.0),
        })
    }
}

/// The message of a JS error (or the value itself when it is a string).
pub fn describe(error: JsValue) -> String {
    Reflect::get(&error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
