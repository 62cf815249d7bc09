//! The page's side of the QR encoder's Web Worker (`src/qr_worker.rs`, loaded through
//! `qr-encoder-worker.js`). The worker is started the first time a page shows a QR code and
//! then shared; its wasm (the qrcode crate) is not part of the first load. The service worker
//! precaches its files with the rest of the build, so QR codes draw offline after the first
//! visit. Drawn SVGs are kept for the session: a QR code and its download link, or a page
//! shown again, ask the worker once.
//!
//! Plain callbacks, no futures: this code is in the first load, and small.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Event, MessageEvent, Worker};
use yew::Callback;

use super::message::{get, object};

/// Where Trunk puts the worker's loader (`frontend/index.html`).
const WORKER_URL: &str = "/qr-encoder-worker.js";

/// SVGs kept for the session: a license's two codes and a hand-over's sequence fit easily.
const KEPT: usize = 32;

/// What became of a text.
#[derive(Clone, Debug, PartialEq)]
pub enum Drawn {
    /// The SVG document, with its quiet zone.
    Svg(Rc<str>),
    /// The text does not fit in a QR code at level Q.
    TooLong,
    /// The worker could not be loaded or stopped working (offline before its files were
    /// kept on the device, or a broken build). Drawing again starts it again.
    Unavailable,
}

/// Draws `text` as a QR code and tells `done`: at once when this session drew it already,
/// else when the worker answers.
pub fn draw(text: &str, done: Callback<Drawn>) {
    if let Some(svg) = kept(text) {
        done.emit(Drawn::Svg(svg));
        return;
    }
    let started = ENCODER.with(|encoder| {
        let mut encoder = encoder.borrow_mut();
        // A QR code and its download link ask for the same text: the worker draws it once.
        let asked = encoder.waiting.iter().any(|(t, _)| t == text);
        encoder.waiting.push((text.to_owned(), done));
        if asked && encoder.worker.is_some() {
            return Some(());
        }
        if encoder.worker.is_none() {
            let worker = Worker::new(WORKER_URL).ok()?;
            HANDLERS.with(|(on_message, on_error)| {
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            });
            encoder.worker = Some(worker);
            // A new worker after a failure: the codes that could not be drawn are drawn too
            // (one "try again" redraws the page's codes and the download link).
            // Each text once; no sort: a sort of strings is kilobytes of wasm.
            let mut texts: Vec<String> = Vec::new();
            for (text, _) in &encoder.waiting {
                if !texts.contains(text) {
                    texts.push(text.clone());
                }
            }
            encoder.queued = texts;
            return Some(());
        }
        if encoder.ready {
            encoder.post(text);
        } else {
            encoder.queued.push(text.to_owned());
        }
        Some(())
    });
    if started.is_none() {
        fail();
    }
}

/// The SVG of `text` if this session drew it already: shown at once, with no "drawing" step.
pub fn kept(text: &str) -> Option<Rc<str>> {
    ENCODER.with(|encoder| {
        encoder
            .borrow()
            .kept
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, svg)| svg.clone())
    })
}

thread_local! {
    static ENCODER: RefCell<Encoder> = RefCell::new(Encoder::default());
    /// One pair of handlers for the page's life, whichever worker is current: a worker that
    /// failed is replaced outside of them, never while one of them runs.
    static HANDLERS: Handlers = (Closure::new(on_message), Closure::new(on_error));
}

type Handlers = (Closure<dyn Fn(MessageEvent)>, Closure<dyn Fn(Event)>);

#[derive(Default)]
struct Encoder {
    /// The current worker; none before the first QR code and after a failure.
    worker: Option<Worker>,
    /// The worker has loaded its wasm and reads messages.
    ready: bool,
    /// Texts to send once the worker is ready.
    queued: Vec<String>,
    /// Who waits for which text.
    waiting: Vec<(String, Callback<Drawn>)>,
    /// Text and SVG, at most [`KEPT`]: a list, not a `HashMap`, whose hashing of strings is
    /// a kilobyte of wasm for a few dozen entries.
    kept: Vec<(String, Rc<str>)>,
}

impl Encoder {
    fn post(&self, text: &str) {
        if let Some(worker) = &self.worker {
            // Posting a string to a worker cannot fail; a worker that died says so by an
            // error event.
            let _ = worker.post_message(&object(&[("text", JsValue::from(text))]));
        }
    }

    /// Takes out who waits for `text`.
    fn answered(&mut self, text: &str) -> Vec<Callback<Drawn>> {
        let (done, waiting) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(t, _)| t == text);
        self.waiting = waiting;
        done.into_iter().map(|(_, done)| done).collect()
    }
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    if !get(&data, "failed").is_undefined() {
        return fail();
    }
    let Some(text) = get(&data, "text").as_string() else {
        // `{ready: true}`: the worker reads messages now.
        return ENCODER.with(|encoder| {
            let mut encoder = encoder.borrow_mut();
            encoder.ready = true;
            for text in std::mem::take(&mut encoder.queued) {
                encoder.post(&text);
            }
        });
    };
    let drawn = get(&data, "svg")
        .as_string()
        .map_or(Drawn::TooLong, |svg| Drawn::Svg(svg.into()));
    let done = ENCODER.with(|encoder| {
        let mut encoder = encoder.borrow_mut();
        if let Drawn::Svg(svg) = &drawn {
            if encoder.kept.len() >= KEPT {
                encoder.kept.clear();
            }
            if !encoder.kept.iter().any(|(t, _)| *t == text) {
                encoder.kept.push((text.clone(), svg.clone()));
            }
        }
        encoder.answered(&text)
    });
    // Told after the borrow ends: a callback may draw again.
    for done in done {
        done.emit(drawn.clone());
    }
}

/// An ErrorEvent when the worker throws; a plain Event when its script cannot be fetched.
fn on_error(event: Event) {
    // Handled here, said on the page by the QR codes that were waiting.
    event.prevent_default();
    fail();
}

/// The worker is gone (it could not load, or it crashed): whoever waits hears so and keeps
/// waiting; the next drawing starts a new worker, which draws their texts too.
fn fail() {
    let waiting = ENCODER.with(|encoder| {
        let mut encoder = encoder.borrow_mut();
        if let Some(worker) = encoder.worker.take() {
            worker.terminate();
        }
        encoder.ready = false;
        encoder.queued.clear();
        encoder.waiting.clone()
    });
    for (_, done) in waiting {
        done.emit(Drawn::Unavailable);
    }
}
