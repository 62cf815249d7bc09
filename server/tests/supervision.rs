//! Supervision after commitment through the office's routes, with signed-in staff: a license
//! issued on commitment (at once, or after review) brings one check per permit granted on
//! commitment, due its catalog period after the issue day; the department's reviewer sees
//! and records it, another department's is refused (403, audited); a false commitment
//! revokes the license (verify says revoked, the revocation list names it); the tracking
//! answer shows the outcome. On SQLite and on PostgreSQL (`on_both!`).

mod common;

use axum::http::StatusCode;
use common::office::{add, audit_actions, request, sign_in};
use common::{Backend, TestLedger, on_both, send};
use serde_json::{Value, json};
use server::{Role, app};

/// The authority's today (the license is signed with a key made now, so the clock is the
/// system's).
fn today() -> catalog::Date {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    catalog::Date::authority_day(now as i64).unwrap()
}

/// The day a check is due: `days` calendar or working days after today.
fn due(days: u16, working: bool) -> String {
    let today = today();
    let day = if working {
        catalog::Calendar::china().add_working_days(today, days)
    } else {
        catalog::Date::from_unix_days(today.to_unix_days() + i64::from(days))
    };
    day.unwrap().to_string()
}

on_both!(
    checks_after_a_commitment_are_made_seen_by_their_department_and_recorded,
    a_false_commitment_may_suspend_the_license_until_a_day,
    a_license_issued_after_review_brings_checks_for_its_commitments_only
);

fn check<'a>(list: &'a Value, permit: &str) -> &'a Value {
    list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["permit"] == permit)
        .unwrap_or_else(|| panic!("no check of {permit} in {list}"))
}

fn permits_of(list: &Value) -> Vec<&str> {
    list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["permit"].as_str().unwrap())
        .collect()
}

fn tracked<'a>(tracking: &'a Value, permit: &str) -> &'a Value {
    tracking["permits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == permit)
        .unwrap()
}

async fn checks_after_a_commitment_are_made_seen_by_their_department_and_recorded(
    backend: Backend,
) {
    let Some(ledger) = TestLedger::new("supervision", backend).await else {
        return;
    };
    let state = ledger.state().await;
    add(&state, "ann", Role::Reviewer, Some("amr")).await;
    add(&state, "tom", Role::Reviewer, Some("tobacco")).await;
    add(&state, "fay", Role::Reviewer, Some("fire")).await;
    add(&state, "sue", Role::Supervisor, None).await;
    add(&state, "cleo", Role::Clerk, None).await;
    let app = app(state);
    let (status, _, answer) = send(
        &app,
        request(
            "POST",
            "/api/applications",
            None,
            Some(&common::application("sup-1", 2)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let license = &answer["license"];
    let number = license["number"].as_str().unwrap().to_owned();

    // Each department its own checks, due the catalog's period after the issue day: 60
    // calendar days for liquor, 20 working days for the fire service.
    let ann = sign_in(&app, "ann").await;
    let tom = sign_in(&app, "tom").await;
    let fay = sign_in(&app, "fay").await;
    let sue = sign_in(&app, "sue").await;
    let cleo = sign_in(&app, "cleo").await;
    let (status, _, list) =
        send(&app, request("GET", "/api/office/checks", Some(&ann), None)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["today"], today().to_string());
    assert_eq!(permits_of(&list), ["liquor_retail"]);
    assert_eq!(check(&list, "liquor_retail")["due"], due(60, false));
    assert_eq!(check(&list, "liquor_retail")["urgency"], "new");
    assert_eq!(check(&list, "liquor_retail")["license_number"], number);
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&fay), None)).await;
    assert_eq!(check(&list, "fire_safety_inspection")["due"], due(20, true));
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&sue), None)).await;
    let mut every = permits_of(&list);
    every.sort_unstable();
    assert_eq!(
        every,
        [
            "fire_safety_inspection",
            "liquor_retail",
            "medical_device_class2",
            "outdoor_sign",
            "tobacco_retail"
        ]
    );

    // Another department's check, another department's queue, a clerk: refused.
    let liquor = "/api/office/checks/sup-1/permits/liquor_retail";
    let tobacco = "/api/office/checks/sup-1/permits/tobacco_retail";
    let (status, _, _) = send(&app, request("GET", tobacco, Some(&ann), None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let honoured = json!({"result": "honoured"});
    let (status, _, _) = send(
        &app,
        request(
            "POST",
            &format!("{tobacco}/result"),
            Some(&ann),
            Some(&honoured),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        request(
            "GET",
            "/api/office/checks?department=fire",
            Some(&ann),
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        request("GET", "/api/office/checks", Some(&cleo), None),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(&app, request("GET", "/api/office/checks", None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The tracking answer: each commitment's check, due and not yet made.
    let (_, _, tracking) = send(&app, request("GET", "/api/applications/sup-1", None, None)).await;
    assert_eq!(
        tracked(&tracking, "liquor_retail")["supervision"],
        json!({"due": due(60, false)})
    );

    // Liquor: honoured, once.
    let (status, _, view) = send(&app, request("GET", liquor, Some(&ann), None)).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["may_record"], true);
    assert_eq!(
        view["commitment"]["zh"],
        catalog::Catalog::builtin()
            .permit("liquor_retail")
            .unwrap()
            .grant
            .commitment
            .as_ref()
            .unwrap()
            .zh
    );
    let (status, _, view) = send(
        &app,
        request(
            "POST",
            &format!("{liquor}/result"),
            Some(&ann),
            Some(&honoured),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["finding"], json!({"result": "honoured"}));
    assert_eq!(view["checked_on"], today().to_string());
    assert_eq!(view["checked_by"], "ann");
    assert_eq!(view["may_record"], false);
    assert_eq!(view["license_status"], "issued");
    let (status, _, err) = send(
        &app,
        request(
            "POST",
            &format!("{liquor}/result"),
            Some(&ann),
            Some(&honoured),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"], "already_checked");

    // Tobacco: a false commitment needs findings and a legal reason in both languages, and
    // revokes the license.
    let (status, _, err) = send(
        &app,
        request(
            "POST",
            &format!("{tobacco}/result"),
            Some(&tom),
            Some(&json!({"result": "false_commitment", "findings": {"zh": "距学校不足50米", "en": ""}, "legal_reason": {"zh": "x", "en": "x"}})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let false_commitment = json!({
        "result": "false_commitment",
        "findings": {"zh": "店铺距小学不足50米", "en": "The shop is less than 50 m from a primary school"},
        "legal_reason": {"zh": "以欺骗手段取得许可，依行政许可法第六十九条撤销", "en": "Obtained by deception: revoked under art. 69 of the Administrative Licensing Law"}
    });
    let (status, _, view) = send(
        &app,
        request(
            "POST",
            &format!("{tobacco}/result"),
            Some(&tom),
            Some(&false_commitment),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["license_status"], "revoked");
    assert_eq!(view["finding"]["result"], "false_commitment");

    // Revoked: verify says so, the signed revocation list names it, the tracking answer
    // shows both outcomes.
    let verdict = common::verdict(&app, license).await;
    assert_eq!(verdict["valid"], false, "{verdict}");
    assert_eq!(verdict["reason"], "revoked");
    let list = common::status_list(&app).await;
    assert!(
        matches!(
            list.status(common::status_index(license)),
            Some(signer::Status::Revoked { .. })
        ),
        "{list:?}"
    );
    let (_, _, tracking) = send(&app, request("GET", "/api/applications/sup-1", None, None)).await;
    assert_eq!(tracking["status"], "revoked");
    assert!(
        tracking["revocation_reason"]
            .as_str()
            .unwrap()
            .contains("art. 69"),
        "{tracking}"
    );
    assert_eq!(
        tracked(&tracking, "liquor_retail")["supervision"],
        json!({"due": due(60, false), "checked_on": today().to_string(), "finding": {"result": "honoured"}})
    );
    // Revocation is what a finding without a consequence means.
    let mut revoked = false_commitment.clone();
    revoked["consequence"] = json!({"action": "revocation"});
    assert_eq!(
        tracked(&tracking, "tobacco_retail")["supervision"]["finding"],
        revoked
    );

    // A revoked license cannot be suspended too: the finding asking for it is refused and
    // not recorded, the check stays open.
    let mut suspend = false_commitment.clone();
    suspend["consequence"] = json!({"action": "suspension", "until": today().to_string()});
    let fire = "/api/office/checks/sup-1/permits/fire_safety_inspection";
    let (status, _, err) = send(
        &app,
        request(
            "POST",
            &format!("{fire}/result"),
            Some(&fay),
            Some(&suspend),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"], "revoked");
    let (_, _, view) = send(&app, request("GET", fire, Some(&fay), None)).await;
    assert!(view["finding"].is_null(), "{view}");
    assert_eq!(
        tracked(&tracking, "fire_safety_inspection")["supervision"],
        json!({"due": due(20, true)})
    );

    // The supervisor's queue: open checks first, the recorded ones after.
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&sue), None)).await;
    let open: Vec<bool> = list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["urgency"].is_string())
        .collect();
    assert_eq!(open, [true, true, true, false, false]);

    // Every action in the audit log, with its actor.
    let actions = audit_actions(&app, &sue, "sup-1").await;
    assert_eq!(
        actions,
        [
            "ann access_denied tobacco_retail",
            "ann access_denied tobacco_retail",
            "ann check.view liquor_retail",
            "ann check.honoured liquor_retail",
            "tom check.false_commitment tobacco_retail",
            "fay check.view fire_safety_inspection",
        ]
    );
    let (_, _, log) = send(&app, request("GET", "/api/office/audit", Some(&sue), None)).await;
    let denied: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "access_denied" && e["application_id"].is_null())
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(denied, ["ann", "cleo", "anonymous"]);
}

async fn a_false_commitment_may_suspend_the_license_until_a_day(backend: Backend) {
    let Some(ledger) = TestLedger::new("supervision-suspend", backend).await else {
        return;
    };
    let state = ledger.state().await;
    add(&state, "tom", Role::Reviewer, Some("tobacco")).await;
    let app = app(state);
    let (status, _, answer) = send(
        &app,
        request(
            "POST",
            "/api/applications",
            None,
            Some(&common::application("sup-3", 3)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let license = &answer["license"];
    let tom = sign_in(&app, "tom").await;
    let tobacco = "/api/office/checks/sup-3/permits/tobacco_retail/result";
    let finding = |until: &str| {
        json!({
            "result": "false_commitment",
            "findings": {"zh": "未按承诺设置禁烟标识", "en": "No no-smoking signs, as committed"},
            "legal_reason": {"zh": "责令整改期间暂扣许可证", "en": "Suspended until put right"},
            "consequence": {"action": "suspension", "until": until}
        })
    };
    // The last day must be today or later, and a date.
    let yesterday = catalog::Date::from_unix_days(today().to_unix_days() - 1).unwrap();
    for bad in [yesterday.to_string(), "soon".to_owned()] {
        let (status, _, err) = send(
            &app,
            request("POST", tobacco, Some(&tom), Some(&finding(&bad))),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {err}");
        assert_eq!(err["error"], "invalid_until");
    }
    let until = catalog::Date::from_unix_days(today().to_unix_days() + 30).unwrap();
    let (status, _, view) = send(
        &app,
        request(
            "POST",
            tobacco,
            Some(&tom),
            Some(&finding(&until.to_string())),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["license_status"], "issued");
    assert_eq!(view["standing"]["state"], "suspended", "{view}");
    assert_eq!(view["standing"]["until"], until.to_string());

    // Suspended until that day: the status list, verify, and the holder's tracking say so.
    let verdict = common::verdict(&app, license).await;
    assert_eq!(verdict["reason"], "suspended", "{verdict}");
    let list = common::status_list(&app).await;
    assert!(
        matches!(
            list.status(common::status_index(license)),
            Some(signer::Status::Suspended { .. })
        ),
        "{list:?}"
    );
    let (_, _, tracking) = send(&app, request("GET", "/api/applications/sup-3", None, None)).await;
    assert_eq!(tracking["license"]["state"], "suspended", "{tracking}");
    assert_eq!(tracking["license"]["until"], until.to_string());
    assert_eq!(
        tracked(&tracking, "tobacco_retail")["supervision"]["finding"]["consequence"],
        json!({"action": "suspension", "until": until.to_string()})
    );
}

async fn a_license_issued_after_review_brings_checks_for_its_commitments_only(backend: Backend) {
    let Some(ledger) = TestLedger::new("supervision-review", backend).await else {
        return;
    };
    let state = ledger.state().await;
    add(&state, "ann", Role::Reviewer, Some("amr")).await;
    add(&state, "dan", Role::Reviewer, Some("amr-drugs")).await;
    let app = app(state);
    let (status, _, answer) = send(
        &app,
        request(
            "POST",
            "/api/applications",
            None,
            Some(&common::review_application("sup-2", 3)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let ann = sign_in(&app, "ann").await;
    let dan = sign_in(&app, "dan").await;
    // Nothing to check before a license is issued.
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&ann), None)).await;
    assert_eq!(permits_of(&list), Vec::<&str>::new());
    for (who, permit) in [(&ann, "food_business"), (&dan, "drug_retail")] {
        for (what, step) in common::approvals(permit) {
            let (status, _, view) = send(
                &app,
                request(
                    "POST",
                    &format!("/api/office/applications/sup-2/permits/{permit}/{what}"),
                    Some(who),
                    Some(&step),
                ),
            )
            .await;
            assert!(status.is_success(), "{permit} {what}: {view}");
        }
    }
    let (_, _, tracking) = send(&app, request("GET", "/api/applications/sup-2", None, None)).await;
    assert_eq!(tracking["status"], "issued", "{tracking}");
    // The reviewed permits were checked before their grant: no check; the commitments each
    // one, due from the issue day.
    assert!(tracked(&tracking, "food_business")["supervision"].is_null());
    assert_eq!(
        tracked(&tracking, "liquor_retail")["supervision"],
        json!({"due": due(60, false)})
    );
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&ann), None)).await;
    assert_eq!(permits_of(&list), ["liquor_retail"]);
    let (_, _, list) = send(&app, request("GET", "/api/office/checks", Some(&dan), None)).await;
    assert_eq!(permits_of(&list), ["medical_device_class2"]);
    assert_eq!(check(&list, "medical_device_class2")["due"], due(90, false));
}
