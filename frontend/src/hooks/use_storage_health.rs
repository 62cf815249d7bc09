use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::i18n::{self, Text};

/// Share of the quota above which the user is warned that the device is nearly full.
const NEARLY_FULL: f64 = 0.8;

/// Asks the browser to keep this site's storage (drafts, the outbox) even when space runs
/// short, and says so when it refuses or when the quota is nearly used up: browsers treat
/// site storage as temporary unless told otherwise.
#[hook]
pub fn use_storage_health() -> Option<Text> {
    let warning = use_state(|| None::<Text>);
    {
        let warning = warning.setter();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                warning.set(check().await);
            });
        });
    }
    *warning
}

async fn check() -> Option<Text> {
    let storage = gloo::utils::window().navigator().storage();
    let persisted = match storage.persist() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let number = |name: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(name))
            .ok()?
            .as_f64()
    };
    let nearly_full = matches!((number("usage"), number("quota")), (Some(used), Some(quota)) if quota > 0.0 && used / quota > NEARLY_FULL);
    if nearly_full {
        Some(i18n::STORAGE_NEARLY_FULL)
    } else if !persisted {
        Some(i18n::STORAGE_NOT_PERSISTENT)
    } else {
        None
    }
}
