use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};
use yew::prelude::*;

/// Registers the service worker that keeps the app on the device, and tells when a new version
/// has been downloaded and waits. The returned callback switches to it and reloads the page;
/// drafts are saved after every change, so nothing typed is lost by the reload.
#[hook]
pub fn use_service_worker() -> (bool, Callback<()>) {
    let waiting = use_state(|| None::<ServiceWorkerRegistration>);
    {
        let waiting = waiting.setter();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(registration) = register().await {
                    watch_for_updates(registration, waiting);
                }
            });
        });
    }
    let activate = {
        let waiting = waiting.clone();
        Callback::from(move |_| {
            if let Some(worker) = (*waiting).as_ref().and_then(|r| r.waiting()) {
                reload_when_controller_changes();
                let _ = worker.post_message(&"yiye:activate".into());
            }
        })
    };
    (waiting.is_some(), activate)
}

async fn register() -> Option<ServiceWorkerRegistration> {
    // Over plain http (other than localhost) the browser has no service worker: touching it
    // would throw out of the task queue every other task (the outbox) runs on.
    let window = gloo::utils::window();
    if !window.is_secure_context() {
        return None;
    }
    let container = window.navigator().service_worker();
    let registration = JsFuture::from(container.register("/sw.js")).await.ok()?;
    registration.dyn_into().ok()
}

/// Reports the registration once a new worker has installed while an old one controls the
/// page (on first install there is nothing to update).
fn watch_for_updates(
    registration: ServiceWorkerRegistration,
    waiting: UseStateSetter<Option<ServiceWorkerRegistration>>,
) {
    let controlled = || {
        gloo::utils::window()
            .navigator()
            .service_worker()
            .controller()
            .is_some()
    };
    if registration.waiting().is_some() && controlled() {
        waiting.set(Some(registration));
        return;
    }
    let watched = registration.clone();
    let on_update = Closure::<dyn Fn()>::new(move || {
        let Some(installing) = watched.installing() else {
            return;
        };
        let (registration, waiting, worker) =
            (watched.clone(), waiting.clone(), installing.clone());
        let on_state = Closure::<dyn Fn()>::new(move || {
            if worker.state() == ServiceWorkerState::Installed && controlled() {
                waiting.set(Some(registration.clone()));
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        // Lives as long as the worker it listens to: the page's lifetime.
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
    on_update.forget();
}

fn reload_when_controller_changes() {
    let reload = Closure::<dyn Fn()>::new(|| {
        let _ = gloo::utils::window().location().reload();
    });
    gloo::utils::window()
        .navigator()
        .service_worker()
        .set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
}
