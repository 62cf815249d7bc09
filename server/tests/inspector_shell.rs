//! The inspector is its own bundle in `dist/inspect/`: navigations under `/inspect/` get its
//! page, every other navigation the applicant app's.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TempDir;
use http_body_util::BodyExt;
use server::{AppState, Config, app};
use tower::ServiceExt;

async fn page(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let req = Request::get(path).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn inspector_navigations_fall_back_to_the_inspector_page() {
    let dir = TempDir::new("inspector-shell");
    let dist = dir.0.join("dist");
    std::fs::create_dir_all(dist.join("inspect")).unwrap();
    std::fs::write(dist.join("index.html"), "applicant").unwrap();
    std::fs::write(dist.join("inspect/index.html"), "inspector").unwrap();
    let state = AppState::open(Config {
        data_dir: dir.0.join("data"),
        dist_dir: dist,
        admin_token: None,
        issuer: "yiye-test".into(),
        authority_name: contract::Text::new("测试审批局", "Test Approval Bureau"),
        key_dir: None,
        database: None,
        clock: server::Clock::System,
        secure_cookies: false,
        trust: None,
        status_max_age_days: server::DEFAULT_STATUS_MAX_AGE_DAYS,
        validity: server::ValidityPolicy::PerPermit,
        elicense: server::ElicenseConfig::default(),
        calendar: catalog::Calendar::china(),
    })
    .await
    .unwrap();
    let app = app(state);
    for path in ["/inspect/", "/inspect/history", "/INSPECT/"] {
        assert_eq!(
            page(&app, path).await,
            (StatusCode::OK, "inspector".into()),
            "{path}"
        );
    }
    // Every page of the applicant app has its own address (frontend/src/state.rs, `Page::path`):
    // a reload or a shared link there starts the app, which opens that page.
    for path in [
        "/",
        "/track/abc",
        "/inspector",
        "/drafts",
        "/apply/0f3a9c/industry",
        "/apply/0f3a9c/scope",
        "/apply/0f3a9c/form",
        "/apply/0f3a9c/form/basic",
        "/apply/0f3a9c/form/food_business",
        "/apply/0f3a9c/check",
        "/apply/0f3a9c/sent",
        "/apply/0f3a9c/license",
    ] {
        assert_eq!(
            page(&app, path).await,
            (StatusCode::OK, "applicant".into()),
            "{path}"
        );
    }
    // A missing inspector asset is a 404, not a page.
    assert_eq!(
        page(&app, "/inspect/missing.js").await.0,
        StatusCode::NOT_FOUND
    );
}
