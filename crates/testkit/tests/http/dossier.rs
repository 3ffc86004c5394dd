//! Dossiers through the API: intake from the catalogue, the lifecycle with its forms, apology
//! and re-appointment, lists with risk flags, bad input that changes nothing, scope, outbox
//! rows written with each change, and the public lookup.

use axum::http::{Method, StatusCode};
use congbo_store::repo::audit::AuditFilter;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

/// Đăng ký lại khai sinh: 5 working days, two documents.
const FIVE_DAYS: &str = "1.004884";

fn applicant() -> Value {
    json!({"name": "Nguyễn Văn An", "id_number": "011203004567", "phone": "0912 345 678",
           "email": "an@example.vn", "address": "Bản Na Sang", "notify": ["sms", "email"]})
}

async fn create(c: &Client<'_>, body: Value) -> Value {
    let r = c.post_json("/api/v1/dossiers", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn act(c: &Client<'_>, id: &str, action: &str, body: Value) -> Value {
    let r = c
        .post_json(&format!("/api/v1/dossiers/{id}/{action}"), &body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.text());
    r.json()
}

async fn dossier_count(app: &TestApp) -> i64 {
    let mut tx = app.db().read().await.unwrap();
    let n = congbo_store::repo::dossier::count(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

async fn outbox_topics(app: &TestApp, id: &str) -> Vec<(String, String, String)> {
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::outbox::for_dossier(&mut tx, id.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    rows.into_iter()
        .map(|r| (r.topic, r.channel, r.recipient))
        .collect()
}

async fn audit_actions(app: &TestApp, prefix: &str) -> Vec<String> {
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::audit::list(
        &mut tx,
        "/",
        true,
        &AuditFilter {
            action_prefix: Some(prefix.into()),
            limit: 500,
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    rows.into_iter().map(|r| r.action).collect()
}

app_test!(
    counter_lifecycle_with_tet_deadline_forms_and_notices,
    |app| {
        // Thursday 12 February 2026, 09:00: the Tết break runs 14–22 February.
        app.set_local_time("2026-02-12T09:00");
        let desk = app.token_client("tl.motcua1").await;
        let d = create(
            &desk,
            json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
        )
        .await;
        assert_eq!(d["code"], "DB-TL-260212-0001");
        assert_eq!(d["state"], "received");
        assert_eq!(d["national_state"], "DA_TIEP_NHAN");
        assert_eq!(
            d["due_date"], "2026-02-26",
            "13/02 is day 1, 23–26/02 days 2–5"
        );
        assert_eq!(d["procedure"]["limit"], "05 ngày làm việc");
        assert_eq!(d["applicant"]["phone"], "0912345678");
        assert_eq!(d["secret"].as_str().unwrap().len(), 8);
        assert_eq!(d["events"][1]["form"], "01");
        let id = d["id"].as_str().unwrap().to_string();
        assert!(
            d["allowed_actions"]
                .as_array()
                .unwrap()
                .contains(&json!("transfer"))
        );
        assert!(
            !d["allowed_actions"]
                .as_array()
                .unwrap()
                .contains(&json!("apologize")),
            "the desk does not sign apologies"
        );
        // The citizen is told on both channels they chose, in the same transaction.
        let notices = outbox_topics(&app, &id).await;
        assert_eq!(
            notices,
            vec![
                (
                    "dossier.received".into(),
                    "email".into(),
                    "an@example.vn".into()
                ),
                ("dossier.received".into(), "sms".into(), "0912345678".into()),
            ]
        );
        // The second dossier of the day gets the next serial.
        let d2 = create(
            &desk,
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": "Lò Thị Hoa"}}),
        )
        .await;
        assert_eq!(d2["code"], "DB-TL-260212-0002");

        // Transfer to the specialist's step, who finishes; the desk returns the result.
        app.set_local_time("2026-02-13T08:00");
        let specialist = app.user_id("tl.chuyenvien").await;
        let t = act(
            &desk,
            &id,
            "transfer",
            json!({"assignee_id": specialist, "note": "Chuyển công chức tư pháp"}),
        )
        .await;
        assert_eq!(
            (t["state"].as_str(), t["step"].as_i64()),
            (Some("in-process"), Some(2))
        );
        assert_eq!(t["events"][2]["form"], "06", "a control-sheet row");
        let sv = app.token_client("tl.chuyenvien").await;
        let mine = sv.get("/api/v1/dossiers?list=mine").await.json();
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(mine[0]["code"], "DB-TL-260212-0001");
        app.set_local_time("2026-02-24T10:00");
        let f = act(&sv, &id, "finish", json!({})).await;
        assert_eq!(f["state"], "done");
        assert_eq!(f["on_time"], "early");
        assert!(
            outbox_topics(&app, &id)
                .await
                .iter()
                .any(|n| n.0 == "dossier.result-ready")
        );
        // The specialist cannot hand the result over: that is the desk's.
        let r = sv
            .post_json(&format!("/api/v1/dossiers/{id}/return"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(audit_actions(&app, "dossier.refused").await.len() == 1);
        // Another commune's officer: not found, nothing changes, and the attempt is audited.
        let other = app.token_client("mn.motcua1").await;
        let r = other
            .post_json(&format!("/api/v1/dossiers/{id}/return"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(audit_actions(&app, "dossier.refused").await.len(), 2);
        let state = sv.get(&format!("/api/v1/dossiers/{id}")).await.json();
        assert_eq!(state["state"], "done");
        let ret = act(&desk, &id, "return", json!({})).await;
        assert_eq!(ret["state"], "returned");
        assert_eq!(ret["national_state"], "DA_TRA_KET_QUA");
        assert!(ret["allowed_actions"].as_array().unwrap().is_empty());
        let actions: Vec<String> = ret["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            actions,
            ["submit", "receive", "transfer", "finish", "return"]
        );
        // Every change is in the audit log.
        let audited = audit_actions(&app, "dossier.").await;
        for a in [
            "dossier.create",
            "dossier.transfer",
            "dossier.finish",
            "dossier.return",
        ] {
            assert!(audited.iter().any(|x| x == a), "{a} in {audited:?}");
        }
        // Terminal: nothing more is accepted, and the refusal names the rule.
        let again = desk
            .post_json(&format!("/api/v1/dossiers/{id}/withdraw"), &json!({}))
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again.error_code(), "illegal-transition");
    }
);

app_test!(
    unticked_documents_become_form_02_and_guide_once_needs_the_head,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.token_client("tl.motcua1").await;
        let d = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "provided_documents": [0]}),
    )
    .await;
        assert_eq!(d["state"], "awaiting-supplement");
        assert_eq!(d["due_date"], Value::Null, "the clock has not started");
        assert_eq!(d["documents"][1]["provided"], false);
        let missing = d["documents"][1]["name"].as_str().unwrap();
        let form02 = &d["events"][1];
        assert_eq!(form02["form"], "02");
        assert_eq!(
            form02["detail"]["reason"].as_str().unwrap(),
            format!("1. {missing}")
        );
        let id = d["id"].as_str().unwrap().to_string();
        assert!(
            outbox_topics(&app, &id)
                .await
                .iter()
                .any(|n| n.0 == "dossier.supplement-requested")
        );
        // The citizen brings it; the desk checks and receives.
        app.set_local_time("2026-03-03T09:00");
        let back = act(&desk, &id, "supplement-received", json!({})).await;
        assert_eq!(back["state"], "submitted");
        let rec = act(&desk, &id, "receive", json!({})).await;
        assert_eq!(rec["state"], "received");
        assert_eq!(rec["due_date"], "2026-03-10");
        // The Form 02 given at the desk was the one guidance ("guide once"): a further request
        // on the merits needs the head.
        let second = desk
            .post_json(
                &format!("/api/v1/dossiers/{id}/request-supplement"),
                &json!({"reason": "Thiếu xác nhận"}),
            )
            .await;
        assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(second.error_code(), "supplement-needs-approval");
        let head = app.token_client("tl.truong").await;
        let ok = act(
            &head,
            &id,
            "request-supplement",
            json!({"reason": "Thiếu xác nhận"}),
        )
        .await;
        assert_eq!(ok["supplement_requests"], 2);
        assert_eq!(
            ok["events"].as_array().unwrap().last().unwrap()["detail"]["approved_by_head"],
            true
        );
        // A reason is required.
        let blank = head
            .post_json(
                &format!("/api/v1/dossiers/{id}/refuse"),
                &json!({"reason": "  "}),
            )
            .await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(blank.json()["error"]["field"], "reason");
    }
);

app_test!(late_dossier_needs_a_signed_apology_before_return, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let d = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
    )
    .await;
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["due_date"], "2026-03-09");
    act(&desk, &id, "transfer", json!({})).await;
    // Due tomorrow: flagged for the officer and the head.
    app.set_local_time("2026-03-06T10:00");
    let risk = head.get("/api/v1/dossiers?list=at-risk").await.json();
    assert_eq!(risk.as_array().unwrap().len(), 1, "{risk}");
    assert_eq!(risk[0]["flag"], "due-soon");
    let to_sign = head.get("/api/v1/dossiers?list=apologies").await.json();
    assert_eq!(to_sign[0]["needs_apology"], true);
    assert_eq!(
        desk.get("/api/v1/dossiers?list=apologies").await.status,
        StatusCode::FORBIDDEN,
        "only signers have that list"
    );
    // Past the date: late.
    app.set_local_time("2026-03-10T09:00");
    let late = head.get("/api/v1/dossiers?list=late").await.json();
    assert_eq!(late[0]["flag"], "overdue");
    let done = act(&desk, &id, "finish", json!({})).await;
    assert_eq!(done["on_time"], "late");
    let refused = desk
        .post_json(&format!("/api/v1/dossiers/{id}/return"), &json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_code(), "late-return-needs-apology");
    // The desk cannot sign Form 04; the attempt is audited.
    let before = audit_actions(&app, "dossier.refused").await.len();
    let r = desk
        .post_json(
            &format!("/api/v1/dossiers/{id}/apologize"),
            &json!({"reason": "Chờ xác minh", "new_due": "2026-03-12"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        audit_actions(&app, "dossier.refused").await.len(),
        before + 1
    );
    // The new date must be later than the current one.
    let bad = head
        .post_json(
            &format!("/api/v1/dossiers/{id}/apologize"),
            &json!({"reason": "Chờ xác minh", "new_due": "2026-03-05"}),
        )
        .await;
    assert_eq!(bad.error_code(), "apology-new-date");
    let a = act(
        &head,
        &id,
        "apologize",
        json!({"reason": "Chờ xác minh của xã khác", "new_due": "2026-03-12"}),
    )
    .await;
    assert_eq!(a["current_due"], "2026-03-12");
    assert_eq!(a["due_date"], "2026-03-09", "the original date is kept");
    assert_eq!(a["apologies"], 1);
    assert_eq!(a["on_time_reappointed"], "early");
    let form04 = a["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (form04["form"].as_str(), form04["form_no"].as_str()),
        (Some("04"), Some("1/PXL"))
    );
    assert_eq!(form04["actor_role"], "head");
    assert!(
        outbox_topics(&app, &id)
            .await
            .iter()
            .any(|n| n.0 == "dossier.apology")
    );
    // Re-appointments are limited (default 1).
    let again = head
        .post_json(
            &format!("/api/v1/dossiers/{id}/apologize"),
            &json!({"reason": "Lần hai", "new_due": "2026-03-20"}),
        )
        .await;
    assert_eq!(again.error_code(), "reappointment-limit");
    let ret = act(&desk, &id, "return", json!({})).await;
    assert_eq!(ret["state"], "returned");
    assert_eq!(ret["on_time"], "late", "the unit's own record stays late");
});

app_test!(bad_input_and_other_offices_change_nothing, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let audit_before = app.audit_len().await;
    let cases = [
        (
            json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "received_at": "2026-03-02T11:00"}),
            "received-in-future",
            "received_at",
        ),
        (
            json!({"procedure_code": "9.999999", "applicant": applicant()}),
            "unknown-procedure",
            "procedure_code",
        ),
        (
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": "An", "phone": "123"}}),
            "invalid-phone",
            "phone",
        ),
        (
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": "An", "notify": ["email"]}}),
            "notify-needs-contact",
            "notify",
        ),
        (
            json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "provided_documents": [7]}),
            "unknown-document",
            "provided_documents",
        ),
        (
            json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "channel": "fax"}),
            "unknown-channel",
            "channel",
        ),
    ];
    for (body, code, field) in cases {
        let r = desk.post_json("/api/v1/dossiers", &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}: {}",
            r.text()
        );
        assert_eq!(r.error_code(), code);
        assert_eq!(r.json()["error"]["field"], field);
    }
    // Translated (English on request), unknown fields refused.
    let en = desk
        .clone()
        .lang("en")
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "9.999999", "applicant": applicant()}),
        )
        .await;
    assert!(
        en.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("procedure")
    );
    let unknown = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "x": 1}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dossier_count(&app).await, 0);
    assert_eq!(app.audit_len().await, audit_before, "nothing written");

    // A dossier of Thanh Luông is invisible to Mường Nhé's head and to the administrator.
    let d = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
    )
    .await;
    let id = d["id"].as_str().unwrap();
    let other = app.token_client("mn.truong").await;
    assert_eq!(
        other.get(&format!("/api/v1/dossiers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = other
        .post_json(&format!("/api/v1/dossiers/{id}/finish"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        other
            .get("/api/v1/dossiers")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let admin = app.token_client("quantri").await;
    assert_eq!(
        admin.get(&format!("/api/v1/dossiers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/api/v1/dossiers").await.status,
        StatusCode::FORBIDDEN
    );
    // Receiving for another commune is refused.
    let mn = app.office_id("DB-MN").await;
    let r = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "office_id": mn}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let still = desk.get(&format!("/api/v1/dossiers/{id}")).await.json();
    assert_eq!(
        (still["state"].as_str(), still["version"].as_i64()),
        (Some("received"), Some(0))
    );
    // The supervisor (thanh tra) at the province reads it.
    let sup = app.token_client("thanhtra").await;
    assert_eq!(
        sup.get(&format!("/api/v1/dossiers/{id}")).await.status,
        StatusCode::OK
    );
});

app_test!(serial_past_9999_is_an_explicit_error, |app| {
    app.set_local_time("2026-03-02T09:00");
    let mut tx = app.db().begin().await.unwrap();
    for _ in 0..2 {
        congbo_store::repo::sequence::next(&mut tx, "dossier:DB-TL:260302")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Jump the day's counter to 9998 through the repository's own upsert.
    let mut tx = app.db().begin().await.unwrap();
    for _ in 2..9998 {
        congbo_store::repo::sequence::next(&mut tx, "dossier:DB-TL:260302")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let desk = app.token_client("tl.motcua1").await;
    let d = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
    )
    .await;
    assert_eq!(d["code"], "DB-TL-260302-9999");
    let r = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
        )
        .await;
    assert_eq!(r.error_code(), "dossier-serial-exhausted");
    assert_eq!(dossier_count(&app).await, 1);
    // The counter follows the Vietnam day: 00:30 on 3 March local is still 2 March in UTC.
    app.set_local_time("2026-03-03T00:30");
    let next_day = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant(), "channel": "online"}),
    )
    .await;
    assert_eq!(next_day["code"], "DB-TL-260303-0001");
    assert_eq!(next_day["state"], "submitted");
});

app_test!(
    public_lookup_shows_initials_only_and_is_rate_limited,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.token_client("tl.motcua1").await;
        let d = create(
            &desk,
            json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
        )
        .await;
        let (code, secret) = (d["code"].as_str().unwrap(), d["secret"].as_str().unwrap());
        let anon = app.anon();
        let r = anon
            .get(&format!(
                "/api/v1/public/dossiers?code={code}&secret={}",
                secret.to_lowercase()
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        assert_eq!(v["applicant_initials"], "N. V. A.");
        assert_eq!(v["current_due"], "2026-03-09");
        assert_eq!(v["office_name"], "Xã Thanh Luông");
        let text = r.text();
        for private in [
            "Nguyễn",
            "0912345678",
            "an@example.vn",
            "011203004567",
            "Na Sang",
        ] {
            assert!(!text.contains(private), "{private} leaked: {text}");
        }
        // A wrong secret and an unknown code answer alike; the wrong secret is audited.
        let wrong = anon
            .get(&format!(
                "/api/v1/public/dossiers?code={code}&secret=AAAAAAAA"
            ))
            .await;
        let unknown = anon
            .get(&format!(
                "/api/v1/public/dossiers?code=DB-TL-260302-0999&secret={secret}"
            ))
            .await;
        assert_eq!(
            (wrong.status, unknown.status),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(wrong.json()["error"], unknown.json()["error"]);
        assert_eq!(audit_actions(&app, "dossier.lookup-refused").await.len(), 1);
        let malformed = anon.get("/api/v1/public/dossiers?code=xyz&secret=1").await;
        assert_eq!(malformed.error_code(), "invalid-dossier-code");
        // 20 lookups a minute per client: the allowance is spent, the next one is refused.
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(
                anon.get(&format!(
                    "/api/v1/public/dossiers?code={code}&secret={secret}"
                ))
                .await
                .status,
            );
        }
        assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
        let limited = anon
            .get(&format!(
                "/api/v1/public/dossiers?code={code}&secret={secret}"
            ))
            .await;
        assert_eq!(limited.error_code(), "rate-limited");
        assert_eq!(limited.header("retry-after"), Some("60"));
    }
);

app_test!(receipt_notice_reaches_the_citizen_over_smtp, |app| {
    use congbo_app::notify::{self, NotifyConfig, Senders, SmtpConfig};
    let sink = congbo_testkit::smtp::SmtpSink::start().await;
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let d = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": {"name": "Nguyễn Văn An", "email": "an@dan.test", "notify": ["email"]}}),
    )
    .await;
    let cfg = NotifyConfig {
        smtp: Some(
            SmtpConfig::from_url(&format!("smtp://{}?from=motcua@xa.test", sink.addr())).unwrap(),
        ),
        ..NotifyConfig::default()
    };
    let senders = Senders::from_config(&cfg).unwrap();
    let patience = std::time::Duration::from_secs(30);
    let report = tokio::time::timeout(patience, notify::dispatch_once(&app.app, &cfg, &senders))
        .await
        .unwrap_or_else(|_| panic!("sending over SMTP did not finish within {patience:?}"))
        .unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["an@dan.test"]);
    let code = d["code"].as_str().unwrap();
    assert_eq!(
        mails[0].subject(),
        Some(format!("Hồ sơ {code} đã được tiếp nhận"))
    );
    let text = mails[0].text().unwrap();
    assert!(
        text.contains("09/03/2026") && text.contains(d["secret"].as_str().unwrap()),
        "{text}"
    );
    let rows = outbox_topics(&app, d["id"].as_str().unwrap()).await;
    assert_eq!(rows.len(), 1);
});

app_test!(a_catalogue_import_reaches_the_next_intake_at_once, |app| {
    // Procedure versions are cached after the first intake; an import must clear the cache.
    let desk = app.token_client("tl.motcua1").await;
    let first = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
    )
    .await;
    let old_name = first["procedure"]["name"].as_str().unwrap().to_string();
    let admin = app.login("quantri").await;
    let export = admin.get("/danh-muc/xuat?format=json").await.json();
    let mut changed: Vec<Value> = export
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["procedure"]["code"] == FIVE_DAYS)
        .cloned()
        .collect();
    assert!(!changed.is_empty());
    for v in &mut changed {
        v["procedure"]["name"] = format!("{old_name} (cập nhật)").into();
    }
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=json",
            Some("application/json"),
            Value::from(changed).to_string().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let second = create(
        &desk,
        json!({"procedure_code": FIVE_DAYS, "applicant": applicant()}),
    )
    .await;
    assert_eq!(
        second["procedure"]["name"],
        format!("{old_name} (cập nhật)")
    );
    // The first dossier still acts on its version and keeps the name it was received under.
    let head = app.token_client("tl.truong").await;
    let id = first["id"].as_str().unwrap();
    let d = act(&head, id, "transfer", json!({})).await;
    assert_eq!(d["procedure"]["name"], old_name);
});
