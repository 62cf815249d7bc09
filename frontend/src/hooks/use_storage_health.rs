use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::i18n::{self, Text};
use crate::services::storage::{self, Health, Problem};

/// Share of the quota above which the user is warned that the device is nearly full.
const NEARLY_FULL: f64 = 0.8;

/// What to tell the user about the device's storage.
#[derive(Clone, Copy, PartialEq)]
pub struct StorageHealth {
    /// Recent changes are not being kept: said on every page.
    pub failing: Option<Text>,
    /// Saved applications are at risk (no IndexedDB, not persistent, nearly full): said where
    /// saved applications are shown.
    pub warning: Option<Text>,
    /// Saved applications this version could not read (kept on the device): said where saved
    /// applications are shown.
    pub unreadable: u32,
}

/// Asks the browser to keep this site's storage (drafts, the outbox) even when space runs
/// short, and says so when it refuses or when the quota is nearly used up: browsers treat
/// site storage as temporary unless told otherwise. Also says when a write failed or when
/// IndexedDB is missing and the app fell back to localStorage, and how many saved applications
/// could not be read.
#[hook]
pub fn use_storage_health() -> StorageHealth {
    let quota = use_state(|| None::<Text>);
    let health = use_state(|| Health {
        problem: None,
        unreadable: 0,
    });
    {
        let (quota, health) = (quota.setter(), health.setter());
        use_effect_with((), move |_| {
            health.set(storage::watch_health(Callback::from({
                let health = health.clone();
                move |now| health.set(now)
            })));
            wasm_bindgen_futures::spawn_local(async move {
                quota.set(check().await);
            });
        });
    }
    let unreadable = health.unreadable;
    match health.problem {
        Some(Problem::WriteFailed) => StorageHealth {
            failing: Some(i18n::STORAGE_WRITE_FAILED),
            warning: *quota,
            unreadable,
        },
        Some(Problem::Fallback) => StorageHealth {
            failing: None,
            warning: Some(i18n::STORAGE_FALLBACK),
            unreadable,
        },
        None => StorageHealth {
            failing: None,
            warning: *quota,
            unreadable,
        },
    }
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
