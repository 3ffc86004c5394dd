//! The personal data breach register (issue 18): recording an incident (page and API), the
//! countdown to the 72-hour notice and overdue, the marks (once each), the e-mails to the
//! administrators through the outbox (when recorded, and once when 24 hours remain, however
//! often the round runs), an audit row for every change, bad input shown again next to its
//! field with the values kept, and who may keep the register. Other communes' incidents are
//! swept in scope.rs.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use congbo_app::privacy::breach;
use congbo_domain::time::{DAY_MICROS, iso_local};
use congbo_store::Db;
use congbo_testkit::{TestApp, app_test};
use serde_json::json;

const HOUR: i64 = 3_600_000_000;

fn local(micros: i64) -> String {
    iso_local(micros).chars().take(16).collect()
}

async fn count(db: &Db, q: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_one(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn give_admin_an_email(app: &TestApp) {
    let q = "UPDATE users SET email = 'quantri@dienbien.gov.vn' WHERE username = 'quantri'";
    match app.db() {
        Db::Sqlite(p) => drop(sqlx::query(q).execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query(q).execute(p).await.unwrap()),
    }
}

app_test!(an_incident_is_recorded_counted_down_and_marked, |app| {
    app.set_local_time("2026-03-02T09:00");
    give_admin_an_email(&app).await;
    let admin = app.login("quantri").await;
    let now = app.app.now();
    let audit = app.audit_len().await;
    let r = admin
        .post_form(
            "/du-lieu-ca-nhan/su-co",
            &[
                ("detected_at", &local(now - 2 * HOUR)),
                ("description", "Máy tính bàn một cửa bị nhiễm mã độc."),
                ("offices_affected", "Xã Thanh Luông"),
                ("record_kinds", "dossiers"),
                ("record_kinds", "accounts"),
                ("people_estimate", "120"),
                ("measures", "Ngắt mạng, đổi mật khẩu."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = r.header("location").unwrap().to_string();
    assert_eq!(app.audit_len().await, audit + 1);
    assert_eq!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM outbox WHERE topic = 'breach.recorded'"
        )
        .await,
        1,
        "the administrator is e-mailed when it is recorded"
    );
    let html = admin.get(&page).await.text();
    assert!(html.contains("countdown-open"), "{html}");
    assert!(html.contains("Còn 70 giờ"), "{html}");
    assert!(
        html.contains("Hồ sơ thủ tục hành chính, Tài khoản cán bộ"),
        "{html}"
    );

    // The list, and an overdue incident in red.
    let r = admin
        .post_json(
            "/api/v1/breaches",
            &json!({"detected_at": local(now - 80 * HOUR), "description": "Lộ danh sách",
                    "record_kinds": ["feedback"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let late = r.json();
    assert_eq!(late["deadline"], "overdue");
    assert_eq!(late["minutes_left"], -8 * 60);
    let list = admin.get("/du-lieu-ca-nhan/su-co").await.text();
    assert!(list.contains("breach-overdue"), "{list}");
    assert!(list.contains("Quá hạn 8 giờ"), "{list}");
    assert!(list.contains("id=\"nav-breaches\""));

    // Mark the notice to A05, once.
    let id = page.rsplit('/').next().unwrap();
    let before = app.audit_len().await;
    let r = admin
        .post_form(
            &format!("/du-lieu-ca-nhan/su-co/{id}/bao-co-quan"),
            &[("notified_at", ""), ("authority_reference", "15/UBND-VP")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let got = admin.get(&format!("/api/v1/breaches/{id}")).await.json();
    assert_eq!(got["deadline"], "notified");
    assert_eq!(got["authority_reference"], "15/UBND-VP");
    let again = admin
        .post_json(
            &format!("/api/v1/breaches/{id}/authority-notified"),
            &json!({"reference": "16/UBND-VP"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let r = admin
        .post_json(
            &format!("/api/v1/breaches/{id}/subjects-notified"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["subjects_notified_at"].is_string());
    assert_eq!(app.audit_len().await, before + 2);
    let list = admin.get("/api/v1/breaches").await.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
});

app_test!(
    bad_input_is_shown_again_at_its_field_and_nothing_is_recorded,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let admin = app.login("quantri").await;
        let now = app.app.now();
        let audit = app.audit_len().await;
        let r = admin
            .post_form(
                "/du-lieu-ca-nhan/su-co",
                &[
                    ("detected_at", &local(now + 3 * HOUR)),
                    ("description", "Thư điện tử gửi nhầm người"),
                    ("record_kinds", "feedback"),
                    ("people_estimate", "3"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"err-detected_at\""), "{html}");
        assert!(html.contains("không được ở tương lai"), "{html}");
        assert!(html.contains("Thư điện tử gửi nhầm người"), "kept: {html}");
        assert!(html.contains("value=\"3\""), "kept: {html}");
        let r = admin
            .post_form(
                "/du-lieu-ca-nhan/su-co",
                &[
                    ("detected_at", &local(now - HOUR)),
                    ("description", "   "),
                    ("offices_affected", "Phường Him Lam"),
                    ("record_kinds", "feedback"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"err-description\""), "{html}");
        assert!(html.contains("Phường Him Lam"), "kept: {html}");
        let r = admin
            .post_json(
                "/api/v1/breaches",
                &json!({"detected_at": local(now - HOUR), "description": "x", "record_kinds": []}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "record_kinds");
        assert_eq!(app.audit_len().await, audit);
        assert_eq!(count(app.db(), "SELECT COUNT(*) FROM breaches").await, 0);

        // A mark without its reference: shown again on the incident's page.
        let b = admin
        .post_json(
            "/api/v1/breaches",
            &json!({"detected_at": local(now - HOUR), "description": "Mất USB", "record_kinds": ["other"]}),
        )
        .await
        .json();
        let id = b["id"].as_str().unwrap();
        let r = admin
            .post_form(
                &format!("/du-lieu-ca-nhan/su-co/{id}/bao-co-quan"),
                &[
                    ("notified_at", &local(now - 30 * 60_000_000)),
                    ("authority_reference", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"err-authority_reference\""), "{html}");
        assert!(
            admin.get(&format!("/api/v1/breaches/{id}")).await.json()["authority_notified_at"]
                .is_null()
        );
    }
);

app_test!(the_24_hour_reminder_goes_out_once, |app| {
    give_admin_an_email(&app).await;
    let admin = app.login("quantri").await;
    let now = app.app.now();
    admin
        .post_json(
            "/api/v1/breaches",
            &json!({"detected_at": local(now - 10 * HOUR), "description": "Lộ dữ liệu",
                    "record_kinds": ["ratings"]}),
        )
        .await;
    assert_eq!(
        breach::remind_round(&app.app).await.unwrap(),
        0,
        "62 hours left"
    );
    app.clock.store(now + 39 * HOUR, Ordering::SeqCst);
    assert_eq!(breach::remind_round(&app.app).await.unwrap(), 1);
    assert_eq!(breach::remind_round(&app.app).await.unwrap(), 0, "once");
    app.clock.store(now + 2 * DAY_MICROS, Ordering::SeqCst);
    assert_eq!(breach::remind_round(&app.app).await.unwrap(), 0);
    let db = app.db();
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM outbox WHERE topic = 'breach.due-soon' AND recipient = 'quantri@dienbien.gov.vn'").await,
        1
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'breach.reminded'"
        )
        .await,
        1
    );
});

app_test!(
    only_administrators_and_the_province_head_keep_the_register,
    |app| {
        for user in ["tl.truong", "tl.motcua1", "thanhtra", "kiemtoan"] {
            let c = app.login(user).await;
            assert_eq!(
                c.get("/du-lieu-ca-nhan/su-co").await.status,
                StatusCode::FORBIDDEN,
                "{user}"
            );
            assert_eq!(
                c.get("/api/v1/breaches").await.status,
                StatusCode::FORBIDDEN,
                "{user}"
            );
            assert!(!c.get("/").await.text().contains("nav-breaches"), "{user}");
        }
        let admin = app.login("quantri").await;
        assert_eq!(
            admin.get("/du-lieu-ca-nhan/su-co").await.status,
            StatusCode::OK
        );
        assert!(admin.get("/").await.text().contains("nav-breaches"));
    }
);
