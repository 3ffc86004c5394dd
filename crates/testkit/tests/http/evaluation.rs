//! Officer evaluation over HTTP (issue 14): who sees what (the officer their own, the head their
//! office, the supervisor read-only, the administrator and other communes nothing), the
//! scorecard from what was recorded, the register (entries, answers, refusals), and the
//! Decree 335 flow with its bad inputs (a score above a criterion's maximum, approving one's
//! own evaluation, evaluating outside the scope, editing a locked period: a clear error and
//! nothing changed).

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const FIVE_DAYS: &str = "1.004884";

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

/// November 2026 at Thanh Luông: tl.motcua1 receives two dossiers and returns one early.
async fn november(app: &TestApp) {
    app.set_local_time("2026-11-03T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let mut ids = Vec::new();
    for n in 0..2 {
        let d = ok(
            &desk,
            "/api/v1/dossiers",
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {n}")}}),
        )
        .await;
        ids.push(d["id"].as_str().unwrap().to_string());
    }
    ok(
        &desk,
        &format!("/api/v1/dossiers/{}/finish", ids[0]),
        json!({}),
    )
    .await;
    ok(
        &desk,
        &format!("/api/v1/dossiers/{}/return", ids[0]),
        json!({}),
    )
    .await;
}

fn card(id: impl std::fmt::Display) -> String {
    format!("/api/v1/staff/{id}/scorecard?kind=month&period=2026-11")
}

app_test!(each_viewer_sees_what_item_8_allows, |app| {
    november(&app).await;
    let desk = app.user_id("tl.motcua1").await;
    let colleague = app.user_id("tl.motcua2").await;
    let other = app.user_id("mn.motcua1").await;
    let me = app.token_client("tl.motcua1").await;
    let r = me.get(&card(desk)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(
        (v["own"].as_bool(), v["may_manage"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(v["received"], 2);
    assert_eq!(v["returned_early"], 1);
    assert!(
        v["month"].is_object(),
        "one officer's month has the raw-row details"
    );
    assert_eq!(me.get(&card(colleague)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(me.get(&card(other)).await.status, StatusCode::NOT_FOUND);

    let head = app.token_client("tl.truong").await;
    let v = head.get(&card(desk)).await.json();
    assert_eq!(
        (v["own"].as_bool(), v["may_manage"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(head.get(&card(other)).await.status, StatusCode::NOT_FOUND);

    let supervisor = app.token_client("thanhtra").await;
    let admin = app.token_client("quantri").await;
    let mn_head = app.token_client("mn.truong").await;
    let r = supervisor.get(&card(desk)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["may_manage"], false);
    let before = app.audit_len().await;
    let r = supervisor
        .post_json(
            &format!("/api/v1/staff/{desk}/register"),
            &json!({"kind": "praise", "note": "Tốt"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the supervisor only reads");

    assert_eq!(admin.get(&card(desk)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin
            .get(&format!("/api/v1/staff/{desk}/register"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = mn_head
        .post_json(
            &format!("/api/v1/staff/{desk}/register"),
            &json!({"kind": "weakness", "note": "Ngoài phạm vi"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another commune's officer does not exist"
    );
    assert_eq!(app.audit_len().await, before, "refusals change nothing");

    // A quarter or a year reads the rollups only.
    let v = me
        .get(&format!(
            "/api/v1/staff/{desk}/scorecard?kind=quarter&period=2026-q4"
        ))
        .await
        .json();
    assert_eq!(
        (v["received"].as_i64(), v["month"].is_null()),
        (Some(2), true)
    );
    let r = me
        .get(&format!(
            "/api/v1/staff/{desk}/scorecard?kind=month&period=2026-13"
        ))
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "period-invalid".into())
    );
});

app_test!(
    the_register_takes_entries_from_the_head_and_answers_from_the_officer,
    |app| {
        let desk = app.user_id("tl.motcua1").await;
        let head = app.token_client("tl.truong").await;
        let me = app.token_client("tl.motcua1").await;
        let path = format!("/api/v1/staff/{desk}/register");
        let before = app.audit_len().await;
        for (body, code, field) in [
            (
                json!({"kind": "blame", "note": "x"}),
                "register-kind-unknown",
                "kind",
            ),
            (
                json!({"kind": "praise", "note": "x", "evidence": "https://x.example"}),
                "evidence-link",
                "evidence",
            ),
            (
                json!({"kind": "weakness", "note": "x", "clause": "3.2"}),
                "clause-format",
                "clause",
            ),
        ] {
            let r = head.post_json(&path, &body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert_eq!(r.error_code(), code);
            assert_eq!(r.json()["error"]["field"], field);
        }
        assert_eq!(app.audit_len().await, before);
        let r = me
            .post_json(&path, &json!({"kind": "praise", "note": "Tự khen"}))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "an officer does not write their own register"
        );

        let r = head
            .post_json(
                &path,
                &json!({"kind": "reminder", "note": "Chưa chào hỏi người dân.",
                    "clause": "10-nguyen-tac/chao-hoi", "evidence": "/phan-anh"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let entry = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(app.audit_len().await, before + 1);

        let reg = me.get(&path).await.json();
        assert_eq!(reg["entries"].as_array().unwrap().len(), 1);
        assert_eq!(reg["entries"][0]["clause"], "10-nguyen-tac/chao-hoi");
        assert!(reg["suggestions"].as_array().unwrap().is_empty());

        let answer = format!("{path}/{entry}/answer");
        let r = head
            .post_json(&answer, &json!({"answer": "Thay lời"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only the officer answers");
        let r = me
            .post_json(&answer, &json!({"answer": "Tôi sẽ rút kinh nghiệm."}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = me.post_json(&answer, &json!({"answer": "Lần hai"})).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::CONFLICT, "register-answered".into())
        );
        let reg = head.get(&path).await.json();
        assert_eq!(reg["entries"][0]["answer"], "Tôi sẽ rút kinh nghiệm.");
        assert_eq!(app.audit_len().await, before + 2);
    }
);

fn general(a: &str, b: &str, c: &str) -> Value {
    json!({"general": {"ethics_discipline": a, "competence_service_attitude": b, "innovation": c}})
}

app_test!(
    the_monthly_score_flows_and_refuses_bad_steps_changing_nothing,
    |app| {
        november(&app).await;
        let desk = app.user_id("tl.motcua1").await;
        let me = app.token_client("tl.motcua1").await;
        let head = app.token_client("tl.truong").await;
        let form = format!("/api/v1/staff/{desk}/evaluations/2026-11");
        let step = |a: &str| format!("{form}/{a}");

        let v = me.get(&form).await.json();
        assert_eq!(v["state"], "draft");
        assert_eq!(v["actions"], json!(["self_assess"]));
        assert_eq!(v["task_lines"].as_array().unwrap().len(), 2, "{v}");
        let v = ok(&me, &step("self_assess"), general("9", "9", "8")).await;
        assert_eq!(v["state"], "self_assessed");
        let snap = &v["self_assessment"];
        assert_eq!(snap["rule_set"], "nd-335-2025");
        assert_eq!(snap["formula"], "avg3_x70");
        assert_eq!(snap["general"], 26_000, "26 points in thousandths");

        // A score above a criterion's maximum: refused next to the field, nothing changed.
        let before = app.audit_len().await;
        let r = head
            .post_json(&step("review"), &general("11", "9", "8"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.error_code(), "criterion-above-max");
        assert_eq!(r.json()["error"]["field"], "general");
        assert_eq!(me.get(&form).await.json()["state"], "self_assessed");
        assert_eq!(app.audit_len().await, before);

        // Evaluating outside the scope; a supervisor who only reads.
        let mn_head = app.token_client("mn.truong").await;
        let r = mn_head
            .post_json(&step("review"), &general("9", "9", "9"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .token_client("thanhtra")
            .await
            .post_json(&step("approve"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let v = ok(&head, &step("review"), general("9", "8.5", "8")).await;
        assert_eq!(v["state"], "reviewed");
        assert_eq!(v["review"]["general"], 25_500);

        // Approving one's own evaluation.
        let r = me.post_json(&step("approve"), &json!({})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.error_code(), "approve-own-evaluation");

        // Return needs a reason; then the officer corrects.
        let r = head
            .post_json(&step("return"), &json!({"reason": " "}))
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "reason-required".into())
        );
        let v = ok(
            &head,
            &step("return"),
            json!({"reason": "Xem lại tiêu chí đổi mới."}),
        )
        .await;
        assert_eq!(v["state"], "returned");
        ok(&me, &step("self_assess"), general("9", "9", "7")).await;
        ok(&head, &step("review"), general("9", "9", "7")).await;
        let v = ok(&head, &step("approve"), json!({})).await;
        assert_eq!(v["state"], "approved");
        let v = ok(&head, &step("lock"), json!({})).await;
        assert_eq!(v["state"], "locked");
        assert_eq!(v["actions"], json!([]));

        // Editing a locked period.
        let before = app.audit_len().await;
        for (c, a) in [(&me, "self_assess"), (&head, "review"), (&head, "return")] {
            let r = c.post_json(&step(a), &general("1", "1", "1")).await;
            assert_eq!(r.error_code(), "evaluation-locked", "{a}: {}", r.text());
        }
        assert_eq!(app.audit_len().await, before);
        assert_eq!(me.get(&form).await.json()["state"], "locked");
    }
);

app_test!(
    the_pages_show_the_scorecard_register_and_form_and_refuse_inline,
    |app| {
        november(&app).await;
        let desk = app.user_id("tl.motcua1").await;
        let head = app.login("tl.truong").await;
        let r = head
            .get(&format!(
                "/can-bo/{desk}/danh-gia-cong-viec?loai=month&ky=2026-11"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.contains("Sổ theo dõi ưu, khuyết điểm") && html.contains("add-entry"));
        let r = head
            .post_form(
                &format!("/can-bo/{desk}/danh-gia-cong-viec/so-theo-doi"),
                &[
                    ("kind", "praise"),
                    ("note", "Tận tình"),
                    ("clause", ""),
                    ("evidence", "http://x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("register-error"));
        let me = app.login("tl.motcua1").await;
        let r = me
            .post_form(
                &format!("/can-bo/{desk}/cham-diem/2026-11/tu-danh-gia"),
                &[
                    ("g_ethics_discipline", "12"),
                    ("g_competence_service_attitude", "9"),
                    ("g_innovation", "8"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("id=\"general-error\"") && html.contains("value=\"12\""),
            "{html}"
        );
        let r = me
            .post_form(
                &format!("/can-bo/{desk}/cham-diem/2026-11/tu-danh-gia"),
                &[
                    ("g_ethics_discipline", "9"),
                    ("g_competence_service_attitude", "9"),
                    ("g_innovation", "8"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let r = head.get(&format!("/can-bo/{desk}/cham-diem/2026-11")).await;
        let html = r.text();
        assert!(html.contains("data-state=\"self_assessed\"") && html.contains("id=\"evidence\""));
        // The menu leads everyone to their own evaluation.
        assert!(
            me.get("/")
                .await
                .text()
                .contains(&format!("/can-bo/{desk}/danh-gia-cong-viec"))
        );
    }
);
