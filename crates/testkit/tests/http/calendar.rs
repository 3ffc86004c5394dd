//! The working calendar: stored and seeded, edited by top-level administrators only, and used
//! for due dates through the API.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

app_test!(
    year_view_and_due_dates_follow_the_announced_schedule,
    |app| {
        let c = app.login("tl.motcua1").await;
        let y = c.get("/api/v1/calendar/2026").await.json();
        assert_eq!(y["tet"], "2026-02-17");
        assert_eq!(y["lunar_year_name"], "Bính Ngọ");
        assert_eq!(y["announced"], true);
        let days = y["days"].as_array().unwrap();
        assert!(days.iter().any(|d| d["date"] == "2026-08-22"
            && d["kind"] == "makeup_workday"
            && d["notice"] == "9441/TB-BNV"));
        let due = c
            .get("/api/v1/calendar/due?from=2026-02-12T09:00&amount=5")
            .await
            .json();
        assert_eq!(due["due_date"], "2026-02-26");
        let late = c
            .get("/api/v1/calendar/due?from=2026-02-12T16:00&amount=5")
            .await
            .json();
        // After the 15:00 cut-off the count starts from the next working day (Friday 13/2).
        assert_eq!(late["effective_receipt_day"], "2026-02-13");
        assert_eq!(late["due_date"], "2026-02-27");
        let page = c.get("/lich?year=2026").await.text();
        assert!(
            page.contains("Lịch làm việc 2026")
                && page.contains("Làm bù")
                && page.contains("9441/TB-BNV"),
            "{page}"
        );
        assert!(
            !page.contains("action=\"/lich/ngay\""),
            "officers do not get the edit form"
        );
        // Bad input.
        let bad = c.get("/api/v1/calendar/due?from=12/02/2026&amount=5").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_code(), "datetime-format");
        assert_eq!(
            c.get("/api/v1/calendar/due?from=2026-02-12T09:00&amount=5&unit=weeks")
                .await
                .error_code(),
            "unknown-limit-unit"
        );
        assert_eq!(
            c.get("/api/v1/calendar/3000").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

app_test!(top_level_admin_edits_days_and_deadlines_move, |app| {
    let admin = app.login("quantri").await;
    let c = app.login("tl.motcua1").await;
    assert_eq!(
        c.get("/api/v1/calendar/due?from=2026-11-23T09:00&amount=1")
            .await
            .json()["due_date"],
        "2026-11-24"
    );
    // Vietnam Culture Day 24/11 becomes a day off (Resolution 80-NQ/TW): deadlines move at once.
    let res = admin
        .send(
            axum::http::Method::PUT,
            "/api/v1/calendar/days/2026-11-24",
            Some("application/json"),
            json!({"kind": "holiday", "name_vi": "Ngày Văn hóa Việt Nam", "notice": "Nghị quyết 80-NQ/TW"}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        c.get("/api/v1/calendar/due?from=2026-11-23T09:00&amount=1")
            .await
            .json()["due_date"],
        "2026-11-25"
    );
    let row = &app
        .login("kiemtoan")
        .await
        .get("/api/v1/audit?action=calendar.day_set")
        .await
        .json()[0];
    assert_eq!(row["target_id"], "2026-11-24");
    assert_eq!(row["role"], "admin");
    // A commune officer, or even a commune administrator, cannot edit the national calendar.
    let before = app.audit_len().await;
    let res = c
        .send(
            axum::http::Method::PUT,
            "/api/v1/calendar/days/2026-11-25",
            Some("application/json"),
            json!({"kind": "holiday", "name_vi": "X", "notice": "Y"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let tl = app.office_id("DB-TL").await;
    admin
        .post_json("/api/v1/staff", &json!({"username": "tl.quantri", "full_name": "Quản trị xã", "home_office_id": tl,
                                             "password": "Quan-tri-xa-2026", "roles": [{"role": "admin", "office_id": tl}]}))
        .await;
    let commune_admin = app.login_with("tl.quantri", "Quan-tri-xa-2026").await;
    assert_eq!(
        commune_admin
            .delete("/api/v1/calendar/days/2026-11-24")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.audit_len().await,
        before + 2,
        "only the staff creation and its sign-in were written"
    );
    // Invalid days are refused with the reason.
    let res = admin
        .send(
            axum::http::Method::PUT,
            "/api/v1/calendar/days/2026-11-26",
            Some("application/json"),
            json!({"kind": "makeup_workday", "name_vi": "Làm bù", "notice": "X"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_code(), "makeup-not-weekend");
    // Through the page: remove the day again; deadlines return.
    let res = admin.post_form("/lich/ngay/2026-11-24/xoa", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/api/v1/calendar/due?from=2026-11-23T09:00&amount=1")
            .await
            .json()["due_date"],
        "2026-11-24"
    );
    assert_eq!(
        admin
            .delete("/api/v1/calendar/days/2026-11-24")
            .await
            .error_code(),
        "calendar-day-not-found"
    );
    // And add one through the page form.
    let res = admin
        .post_form(
            "/lich/ngay",
            &[
                ("date", "2027-01-09"),
                ("kind", "makeup_workday"),
                ("name_vi", "Làm bù"),
                ("notice", "Thông báo thử"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/lich?year=2027")
            .await
            .text()
            .contains("Thông báo thử")
    );
});

// Issue 16 item 7: a day announced off after receipt. The appointment printed for that day
// moves to the next working day (Civil Code 2015 Art. 148(5)); the citizen and the holder are
// told; an appointment after it is kept (its holder is told there is one working day less);
// removing the day again moves nothing earlier.
app_test!(
    a_new_day_off_moves_the_appointments_on_it_and_tells_holders,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        {
            let mut tx = app.db().begin().await.unwrap();
            congbo_store::exec!(&mut tx, c => sqlx::query(
            "UPDATE users SET email = 'lan@example.vn' WHERE username = 'tl.motcua1'")
            .execute(c).await)
            .unwrap();
            tx.commit().await.unwrap();
        }
        let desk = app.token_client("tl.motcua1").await;
        let create = async |name: &str| {
            let r = desk
                .post_json(
                    "/api/v1/dossiers",
                    &json!({"procedure_code": "1.004884",
                        "applicant": {"name": name, "phone": "0912345678", "notify": ["sms"]}}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            r.json()
        };
        let on_day = create("Lò Văn Sáng").await;
        assert_eq!(on_day["current_due"], "2026-03-09");
        app.set_local_time("2026-03-03T09:00");
        let after = create("Lò Thị Chiều").await;
        assert_eq!(after["current_due"], "2026-03-10");
        let id = |d: &serde_json::Value| d["id"].as_str().unwrap().to_string();
        let topics = async |d: &serde_json::Value| -> Vec<(String, String)> {
            let mut tx = app.db().read().await.unwrap();
            let rows = congbo_store::repo::outbox::for_dossier(&mut tx, id(d).parse().unwrap())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            rows.into_iter().map(|r| (r.topic, r.recipient)).collect()
        };

        let admin = app.login("quantri").await;
        let put = admin
        .send(
            axum::http::Method::PUT,
            "/api/v1/calendar/days/2026-03-09",
            Some("application/json"),
            json!({"kind": "holiday", "name_vi": "Nghỉ đột xuất", "notice": "Thông báo của Chính phủ"})
                .to_string()
                .into_bytes(),
        )
        .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text());

        let moved = desk
            .get(&format!("/api/v1/dossiers/{}", id(&on_day)))
            .await
            .json();
        assert_eq!(moved["current_due"], "2026-03-10", "{moved}");
        let last = moved["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "calendar-moved", "{moved}");
        let t = topics(&on_day).await;
        assert!(
            t.contains(&("dossier.rescheduled".into(), "0912345678".into()))
                && t.contains(&("dossier.calendar-changed".into(), "lan@example.vn".into())),
            "{t:?}"
        );
        let kept = desk
            .get(&format!("/api/v1/dossiers/{}", id(&after)))
            .await
            .json();
        assert_eq!(
            kept["current_due"], "2026-03-10",
            "a printed date after the day is kept"
        );
        let t = topics(&after).await;
        assert!(
            t.contains(&("dossier.calendar-changed".into(), "lan@example.vn".into()))
                && !t.iter().any(|(topic, _)| topic == "dossier.rescheduled"),
            "{t:?}"
        );
        let page = app
            .login("tl.motcua1")
            .await
            .get(&format!("/ho-so/{}", id(&on_day)))
            .await
            .text();
        assert!(page.contains("09/03/2026 → 10/03/2026"), "{page}");

        // The day is a working day again: nothing comes earlier.
        let del = admin.delete("/api/v1/calendar/days/2026-03-09").await;
        assert!(del.status.is_success(), "{}", del.text());
        let again = desk
            .get(&format!("/api/v1/dossiers/{}", id(&on_day)))
            .await
            .json();
        assert_eq!(again["current_due"], "2026-03-10");
    }
);
