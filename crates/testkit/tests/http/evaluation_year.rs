//! The year of officer evaluation over HTTP (issue 14 items 4–6): the unit's annual ranking
//! (average of the approved scores, fewer than 6 months not ranked, the sanction override, the
//! excellent quota under both readings with the officers moved down, a head never above the
//! unit, decision and publication with the notices), discipline cases (Decree 172 steps,
//! dates, refusals changing nothing, who may do what) and commendation records (eligibility,
//! the fighter cap, duplicates). The pages refuse inline with the typed values kept.

use axum::http::StatusCode;
use congbo_domain::evaluation::flow::{EvaluationForm, FlowState};
use congbo_domain::evaluation::{
    GeneralEntry, OutputCatalogue, Period, Points, RuleSet, ScoreInput, TaskLine, compute,
};
use congbo_store::repo::evaluation::{FormRow, save_form};
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};
use uuid::Uuid;

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

/// Approved monthly forms of 2026 for `months`, each scoring `total` (70 task points, the
/// rest general criteria), written straight into the store.
pub(crate) async fn approved(
    app: &TestApp,
    officer: Uuid,
    months: std::ops::RangeInclusive<i8>,
    total: i64,
) {
    let mut tx = app.db().begin().await.unwrap();
    let user = congbo_store::repo::staff::get(&mut tx, officer)
        .await
        .unwrap()
        .unwrap();
    let office = congbo_store::repo::office::get(&mut tx, user.home_office_id)
        .await
        .unwrap()
        .unwrap();
    let shard: Uuid = office
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let g = total - 70;
    let (a, b) = (g.min(10), (g - g.min(10)).min(10));
    let general = [
        ("ethics_discipline", a),
        ("competence_service_attitude", b),
        ("innovation", g - a - b),
    ];
    for m in months {
        let period = Period::month(2026, m).unwrap();
        let input = ScoreInput {
            officer,
            position: "one_stop".into(),
            period,
            task_lines: vec![TaskLine {
                product: "dossier_received".into(),
                assigned: 10,
                completed: 10,
                quality_failures: vec![],
                delays: vec![],
                evidence: vec![],
            }],
            general: general
                .iter()
                .map(|(c, p)| GeneralEntry {
                    criterion: (*c).into(),
                    points: Points::whole(*p),
                })
                .collect(),
            leader: None,
        };
        let snap = compute(
            &input,
            &OutputCatalogue::one_stop_default("one_stop"),
            &RuleSet::nd_335_2025(),
        )
        .unwrap();
        assert_eq!(snap.total, Points::whole(total));
        let mut form = EvaluationForm::new(officer, period);
        form.state = FlowState::Approved;
        form.self_assessment = Some(snap.clone());
        form.review = Some(snap);
        let row = FormRow {
            shard_key: shard,
            officer_id: officer,
            period: period.code(),
            office_id: office.id,
            state: "approved".into(),
            form: serde_json::to_string(&form).unwrap(),
            version: 1,
            updated_at: 0,
        };
        assert!(save_form(&mut tx, &row, None).await.unwrap());
    }
    tx.commit().await.unwrap();
}

/// Eight more officers at Thanh Luông (with e-mail addresses), each ranked good.
async fn eight_more(app: &TestApp) -> Vec<Uuid> {
    let admin = app.token_client("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let mut ids = Vec::new();
    for n in 0..8 {
        let v = ok(
            &admin,
            "/api/v1/staff",
            json!({"username": format!("tl.cv{n}"), "full_name": format!("Cán bộ Số {n}"),
                   "email": format!("cv{n}@tl.example"), "home_office_id": tl,
                   "password": "Chuyen-vien-2026", "roles": [{"role": "specialist", "office_id": tl}]}),
        )
        .await;
        let id: Uuid = v["id"].as_str().unwrap().parse().unwrap();
        approved(app, id, 1..=12, 75 + n).await;
        ids.push(id);
    }
    ids
}

async fn outbox_rows(app: &TestApp) -> i64 {
    let mut tx = app.db().read().await.unwrap();
    let n = congbo_store::repo::outbox::counts(&mut tx)
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    tx.commit().await.unwrap();
    n
}

fn row(v: &Value, officer: Uuid) -> &Value {
    v["result"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["officer"] == officer.to_string())
        .unwrap_or_else(|| panic!("{officer} not ranked: {v}"))
}

/// A reprimand decided on 20/3/2026 through the three steps, with the bad steps refused.
pub(crate) async fn reprimand(app: &TestApp, officer: Uuid) {
    let head = app.token_client("tl.truong").await;
    let path = format!("/api/v1/staff/{officer}/discipline");
    let before = app.audit_len().await;
    let r = head
        .post_json(
            &path,
            &json!({"violation_end": "2026-03-01", "detected_on": "2026-02-01",
                "severity": "less_serious", "limitation": "reprimand_level", "duty_related": true,
                "summary": "Gây phiền hà cho người dân."}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date-order".into())
    );
    assert_eq!(r.json()["error"]["field"], "detected_on");
    let r = head
        .post_json(
            &path,
            &json!({"violation_end": "2026-03-01", "detected_on": "2026-3-2",
                "severity": "less_serious", "limitation": "reprimand_level", "duty_related": true,
                "summary": "Gây phiền hà cho người dân."}),
        )
        .await;
    assert_eq!(r.error_code(), "date-format");
    assert_eq!(app.audit_len().await, before, "refusals change nothing");
    let me = app.token_client("tl.motcua2").await;
    let r = me
        .post_json(
            &path,
            &json!({"violation_end": "2026-03-01", "detected_on": "2026-03-02",
                "severity": "less_serious", "limitation": "reprimand_level", "duty_related": true,
                "summary": "Tự mở."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let c = ok(
        &head,
        &path,
        json!({"violation_end": "2026-03-01", "detected_on": "2026-03-02",
            "severity": "less_serious", "limitation": "reprimand_level", "duty_related": true,
            "summary": "Gây phiền hà cho người dân.", "source": "/phan-anh"}),
    )
    .await;
    // E5: detected 2026-03-02 → decision due 2026-05-31; reprimand-level limitation.
    assert_eq!(c["decision_due"], "2026-05-31");
    assert_eq!(c["limitation_ends"], "2031-03-01");
    assert_eq!(c["state"], "open");
    let case = format!("{path}/{}", c["id"].as_str().unwrap());
    let step = |a: &str| format!("{case}/{a}");
    ok(
        &head,
        &step("hold_review_meeting"),
        json!({"on": "2026-03-05", "minutes_ref": "01/BB"}),
    )
    .await;
    let before = app.audit_len().await;
    let r = head
        .post_json(
            &step("hold_council"),
            &json!({"on": "2026-03-12", "members_present": "2", "chair_present": "true",
                "for_discipline": "2", "votes_reprimand": "2"}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "council-quorum".into())
    );
    assert_eq!(r.json()["error"]["field"], "ballot");
    assert_eq!(app.audit_len().await, before);
    assert_eq!(
        me.get(&case).await.json()["state"],
        "review_held",
        "the officer reads their own"
    );
    assert_eq!(
        me.post_json(&step("extend"), &json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let supervisor = app.token_client("thanhtra").await;
    assert_eq!(supervisor.get(&case).await.status, StatusCode::OK);
    assert_eq!(
        supervisor
            .post_json(&step("extend"), &json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mn = app.token_client("mn.truong").await;
    assert_eq!(mn.get(&case).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.token_client("quantri").await.get(&case).await.status,
        StatusCode::FORBIDDEN
    );
    let before = app.audit_len().await;
    ok(
        &head,
        &step("hold_council"),
        json!({"on": "2026-03-12", "members_present": "3", "chair_present": "true",
            "for_discipline": "3", "votes_reprimand": "3"}),
    )
    .await;
    let v = ok(
        &head,
        &step("decide"),
        json!({"on": "2026-03-20", "number": "05/QĐ-UBND", "sanction": "reprimand",
            "effective_from": "2026-03-20"}),
    )
    .await;
    assert_eq!(v["state"], "decided");
    assert_eq!(v["effective_until"], "2027-03-20");
    assert_eq!(v["actions"], json!([]));
    assert_eq!(app.audit_len().await, before + 2);
    let list = me.get(&path).await.json();
    assert_eq!(list["cases"].as_array().unwrap().len(), 1);
}

app_test!(
    the_year_is_ranked_with_the_override_and_quota_then_published_and_commended,
    |app| {
        app.set_local_time("2026-12-01T09:00");
        let tl = app.office_id("DB-TL").await;
        let pho = app.user_id("tl.pho").await;
        let desk = app.user_id("tl.motcua1").await;
        let sanctioned = app.user_id("tl.motcua2").await;
        let short = app.user_id("tl.chuyenvien").await;
        approved(&app, pho, 1..=11, 95).await;
        approved(&app, desk, 1..=11, 92).await;
        approved(&app, sanctioned, 1..=11, 96).await;
        approved(&app, short, 1..=5, 95).await;
        let extras = eight_more(&app).await;
        reprimand(&app, sanctioned).await;

        let head = app.token_client("tl.truong").await;
        let path = format!("/api/v1/offices/{tl}/rankings/2026");
        let v = head.get(&path).await.json();
        assert_eq!(v["state"], "preview", "{v}");
        assert_eq!(v["deadline"], "2026-12-15");
        assert_eq!(v["result"]["rows"].as_array().unwrap().len(), 12);
        assert_eq!(row(&v, pho)["ranking"]["level"], "excellent");
        assert_eq!(row(&v, pho)["ranking"]["average"], 95_000);
        assert_eq!(row(&v, short)["ranking"]["not_ranked"], "too_few_months");
        let s = row(&v, sanctioned);
        assert_eq!(s["ranking"]["suggested"], "excellent");
        assert_eq!(s["ranking"]["level"], "not_completed");
        assert_eq!(s["ranking"]["overrides"][0]["reference"], "05/QĐ-UBND");
        // E4-like: 8 good, 2 excellent candidates; 20 % of 8 → 1 (of 10 → 2).
        let (group, q) = (&v["result"]["quotas"][0][0], &v["result"]["quotas"][0][1]);
        assert_eq!(group, "staff");
        assert_eq!(
            (
                q["base_count"].as_i64(),
                q["cap"].as_i64(),
                q["other_reading_cap"].as_i64()
            ),
            (Some(8), Some(1), Some(2))
        );
        assert_eq!(q["moved_down"][0]["officer"], desk.to_string());
        assert_eq!(q["moved_down"][0]["reason"], "quota_exceeded");
        assert_eq!(row(&v, desk)["ranking"]["level"], "good");

        // Who reads: the officer nothing before publication, another commune nothing, the
        // administrator is forbidden; the supervisor reads.
        let me = app.token_client("tl.motcua1").await;
        let mine = me.get(&path).await.json();
        assert_eq!(
            (
                mine["state"].as_str(),
                mine["result"]["rows"].as_array().map(Vec::len)
            ),
            (Some("unpublished"), Some(0))
        );
        assert_eq!(
            app.token_client("mn.truong").await.get(&path).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.token_client("quantri").await.get(&path).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.token_client("thanhtra").await.get(&path).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.token_client("thanhtra")
                .await
                .post_json(&format!("{path}/decide"), &json!({}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            me.post_json(&format!("{path}/decide"), &json!({}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // Bad input changes nothing.
        let before = app.audit_len().await;
        let r = head
            .post_json(&format!("{path}/decide"), &json!({"quota_base": "all"}))
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "quota-base-unknown".into()
            )
        );
        assert_eq!(r.json()["error"]["field"], "quota_base");
        let r = head
            .get(&format!("/api/v1/offices/{tl}/rankings/2025"))
            .await;
        assert_eq!(r.error_code(), "ranking-qualitative");
        let r = head.post_json(&format!("{path}/publish"), &json!({})).await;
        assert_eq!(r.error_code(), "ranking-not-decided");
        assert_eq!(app.audit_len().await, before);

        // The other reading keeps both; the head keeps the default reading.
        let v = ok(
            &head,
            &format!("{path}/decide"),
            json!({"quota_base": "good_and_excellent"}),
        )
        .await;
        assert_eq!(v["state"], "decided");
        assert_eq!(row(&v, desk)["ranking"]["level"], "excellent");
        let v = ok(&head, &format!("{path}/decide"), json!({})).await;
        assert_eq!(row(&v, desk)["ranking"]["level"], "good");
        assert_eq!(app.audit_len().await, before + 2);
        let p = &v["proposals"];
        assert_eq!(p["advanced_workers"].as_array().unwrap().len(), 10, "{p}");
        assert_eq!(p["fighter_cap"], 1);
        assert_eq!(p["fighters"], json!([pho.to_string()]));

        let outbox = outbox_rows(&app).await;
        let v = ok(&head, &format!("{path}/publish"), json!({})).await;
        assert_eq!(v["state"], "published");
        assert_eq!(
            outbox_rows(&app).await,
            outbox + 8,
            "the officers with an address are notified"
        );
        assert_eq!(app.audit_len().await, before + 3);
        let r = head.post_json(&format!("{path}/publish"), &json!({})).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::CONFLICT, "ranking-published".into())
        );

        // Published to the unit: the officer reads the table and their own adjustment only.
        let mine = me.get(&path).await.json();
        assert_eq!(mine["state"], "published");
        assert_eq!(
            row(&mine, desk)["ranking"]["adjustments"][0]["reason"],
            "quota_exceeded"
        );
        assert_eq!(row(&mine, sanctioned)["ranking"]["level"], "not_completed");
        assert_eq!(row(&mine, sanctioned)["ranking"]["overrides"], json!([]));
        assert!(mine["proposals"].is_null());

        // Commendations from the ranking.
        let commend = format!("{path}/commendations");
        let body = |o: Uuid, t: &str| {
            json!({"officer": o, "title": t, "decision_no": "15/QĐ-UBND",
            "decided_on": "2026-12-20", "issuer": "Chủ tịch UBND xã Thanh Luông"})
        };
        let before = app.audit_len().await;
        let r = head
            .post_json(&commend, &body(sanctioned, "advanced_worker"))
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "commendation-level-below-good".into()
            )
        );
        let r = head
            .post_json(&commend, &body(pho, "grassroots_emulation_fighter"))
            .await;
        assert_eq!(r.error_code(), "commendation-needs-advanced-worker");
        let r = head.post_json(&commend, &json!({"officer": pho, "title": "advanced_worker", "decision_no": " ", "decided_on": "2026-12-20", "issuer": "x"})).await;
        assert_eq!(r.json()["error"]["field"], "decision_no");
        assert_eq!(app.audit_len().await, before);
        let r = head
            .post_json(&commend, &body(pho, "advanced_worker"))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = head
            .post_json(&commend, &body(pho, "advanced_worker"))
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::CONFLICT, "commendation-recorded".into())
        );
        // One advanced worker recorded: 15 % of 1 → no fighter yet.
        let r = head
            .post_json(&commend, &body(pho, "grassroots_emulation_fighter"))
            .await;
        assert_eq!(r.error_code(), "commendation-cap");
        for o in &extras[..6] {
            ok(&head, &commend, body(*o, "advanced_worker")).await;
        }
        let r = head
            .post_json(&commend, &body(pho, "grassroots_emulation_fighter"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "7 advanced workers → 1 fighter: {}",
            r.text()
        );
        assert_eq!(app.audit_len().await, before + 8);
        let v = head.get(&path).await.json();
        assert_eq!(v["commendations"].as_array().unwrap().len(), 8);
    }
);

app_test!(a_head_ranked_above_is_never_above_the_unit, |app| {
    app.set_local_time("2026-12-01T09:00");
    let province = app.office_id("DB").await;
    let admin = app.token_client("quantri").await;
    ok(
        &admin,
        "/api/v1/staff",
        json!({"username": "tinh.truong", "full_name": "Lò Văn Tỉnh", "home_office_id": province,
               "password": "Truong-tinh-2026", "roles": [{"role": "head", "office_id": province}]}),
    )
    .await;
    let commune_head = app.user_id("tl.truong").await;
    approved(&app, commune_head, 1..=12, 95).await;
    let c = app.login_with("tinh.truong", "Truong-tinh-2026").await;
    let path = format!("/api/v1/offices/{province}/rankings/2026");
    let v = c.get(&path).await.json();
    // Alone in the heads' group, 20 % of no "good" head is no excellent place (floor).
    let r = row(&v, commune_head);
    assert_eq!(
        (
            r["group"].as_str(),
            r["ranking"]["suggested"].as_str(),
            r["ranking"]["level"].as_str()
        ),
        (Some("heads"), Some("excellent"), Some("good")),
        "{v}"
    );
    let v = ok(
        &c,
        &format!("{path}/decide"),
        json!({"unit_levels": {commune_head.to_string(): "completed"}}),
    )
    .await;
    let r = row(&v, commune_head);
    assert_eq!(r["ranking"]["level"], "completed");
    assert_eq!(r["ranking"]["adjustments"][0]["reason"], "above_unit_level");
    let r = c
        .post_json(
            &format!("{path}/decide"),
            &json!({"unit_levels": {commune_head.to_string(): "best"}}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unit_level"))
    );
    // The commune's own head does not rank the commune's head.
    let tl = app.office_id("DB-TL").await;
    let v = app
        .token_client("tl.truong")
        .await
        .get(&format!("/api/v1/offices/{tl}/rankings/2026"))
        .await
        .json();
    assert!(
        v["result"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["officer"] != commune_head.to_string())
    );
});

app_test!(
    the_year_pages_refuse_inline_and_keep_what_was_typed,
    |app| {
        app.set_local_time("2026-12-01T09:00");
        let tl = app.office_id("DB-TL").await;
        let pho = app.user_id("tl.pho").await;
        approved(&app, pho, 1..=12, 95).await;
        let head = app.login("tl.truong").await;
        let page = format!("/don-vi/{tl}/xep-loai/2026");
        let html = head.get(&page).await.text();
        assert!(
            html.contains("data-state=\"preview\"") && html.contains("id=\"decide-form\""),
            "{html}"
        );
        let r = head
            .post_form(
                &format!("{page}/quyet-dinh"),
                &[("quota_base", "all"), ("outstanding_unit", "on")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"err-quota_base\""), "{html}");
        assert!(
            html.contains("name=\"outstanding_unit\" id=\"outstanding_unit\" checked"),
            "{html}"
        );
        let r = head
            .post_form(
                &format!("{page}/quyet-dinh"),
                &[("quota_base", "good_only")],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let html = head.get(&page).await.text();
        assert!(html.contains("data-state=\"decided\"") && html.contains("id=\"publish\""));

        // The year's scores and ranking as XLSX, in the documented column layout.
        let x = head.get(&format!("{page}?format=xlsx")).await;
        assert_eq!(x.status, StatusCode::OK);
        assert!(
            x.header("content-disposition")
                .unwrap()
                .contains("xep-loai-DB-TL-2026.xlsx")
        );
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(x.body.to_vec())).unwrap();
        use calamine::{Data, Reader};
        let names = book.sheet_names();
        assert_eq!(names, vec!["xep-loai-2026", "diem-ky-2026"]);
        let a = book.worksheet_range(&names[0]).unwrap();
        let cells: Vec<String> = a.rows().flatten().map(|c| c.to_string()).collect();
        let header = cells
            .iter()
            .position(|c| c == "officer_id")
            .expect("the header row");
        assert_eq!(cells[header + 1], "full_name");
        let at = cells
            .iter()
            .position(|c| *c == pho.to_string())
            .expect("the officer's row");
        assert_eq!(cells[at + 4], "95");
        assert_eq!(cells[at + 6], "good", "0 of 0 good: moved down");
        assert_eq!(cells[at + 8], "quota_exceeded");
        let b = book.worksheet_range(&names[1]).unwrap();
        assert_eq!(
            b.rows()
                .filter(|r| r.first() == Some(&Data::String(pho.to_string())))
                .count(),
            12
        );

        // The minutes skeleton of the unit's meeting, filled with the proposed levels.
        let html = head.get(&format!("{page}?format=bien-ban")).await.text();
        assert!(
            html.contains("BIÊN BẢN")
                && html.contains("Quàng Thị Mai")
                && html.contains("Vượt tỷ lệ"),
            "{html}"
        );

        let discipline = format!("/can-bo/{pho}/ky-luat");
        let r = head
            .post_form(
                &discipline,
                &[
                    ("summary", "Chậm trả kết quả"),
                    ("violation_end", "2026-03-01"),
                    ("detected_on", "02/03/2026"),
                    ("severity", "serious"),
                    ("limitation", "other"),
                    ("duty_related", "on"),
                    ("source", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("id=\"err-detected_on\"") && html.contains("Chậm trả kết quả"),
            "{html}"
        );
        let r = head
            .post_form(
                &discipline,
                &[
                    ("summary", "Chậm trả kết quả"),
                    ("violation_end", "2026-03-01"),
                    ("detected_on", "2026-03-02"),
                    ("severity", "serious"),
                    ("limitation", "other"),
                    ("duty_related", "on"),
                    ("source", ""),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let case = r.header("location").unwrap().to_string();
        let html = head.get(&case).await.text();
        assert!(
            html.contains("data-state=\"open\"") && html.contains("31/05/2026"),
            "{html}"
        );
    }
);
