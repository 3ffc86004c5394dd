//! Operations endpoints, request ids, audit rows with request ids, OpenAPI, static files.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

app_test!(health_ready_and_metrics, |app| {
    assert_eq!(app.anon().get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.anon().get("/readyz").await.text(), "ready");
    app.anon().get("/login").await;
    let m = app.anon().get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    let body = m.text();
    assert!(body.contains("http_requests_total{"), "{body}");
    assert!(body.contains("route=\"/login\""), "{body}");
});

app_test!(every_state_change_is_audited_with_its_request_id, |app| {
    let admin = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let res = admin
        .send_with(
            axum::http::Method::POST,
            &format!("/api/v1/offices/{tl}/counters"),
            Some("application/json"),
            json!({"number": 4, "name": "Tư pháp – hộ tịch"})
                .to_string()
                .into_bytes(),
            &[("x-request-id", "req-test-42")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.header("x-request-id"), Some("req-test-42"));
    let rows = app
        .login("kiemtoan")
        .await
        .get("/api/v1/audit?action=counter.create")
        .await
        .json();
    let row = &rows[0];
    assert_eq!(row["request_id"], "req-test-42");
    assert_eq!(row["actor_name"], "quantri");
    assert_eq!(row["role"], "admin");
    assert_eq!(row["office_id"], tl.to_string());
    assert!(
        row["summary"]
            .as_str()
            .unwrap()
            .contains("Tư pháp – hộ tịch")
    );
    assert_eq!(
        congbo_app::audit::verify(app.db()).await.unwrap(),
        congbo_app::audit::Verdict::Ok(app.audit_len().await)
    );
});

app_test!(audit_page_filters, |app| {
    let admin = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await;
    admin
        .patch_json(
            &format!("/api/v1/offices/{tl}"),
            &json!({"name": "Xã Thanh Luông (mới)"}),
        )
        .await;
    let auditor = app.login("kiemtoan").await;
    let page = auditor.get("/audit?action=office.rename").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("Nhật ký kiểm tra") && html.contains("office.rename"),
        "{html}"
    );
    assert!(!html.contains("auth.login<"), "filtered by action");
    let by_actor = auditor.get("/audit?actor=nobody").await.text();
    assert!(by_actor.contains("Không có bản ghi nào phù hợp."));
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date();
    let api = auditor
        .get(&format!(
            "/api/v1/audit?from={today}&to={today}&action=office."
        ))
        .await
        .json();
    assert_eq!(api.as_array().unwrap().len(), 1);
    let yesterday = today.yesterday().unwrap();
    let none = auditor
        .get(&format!("/api/v1/audit?to={yesterday}"))
        .await
        .json();
    assert!(none.as_array().unwrap().is_empty());
});

app_test!(openapi_describes_every_api_route, |app| {
    let doc = app.anon().get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/me", vec!["get"]),
        ("/api/v1/offices", vec!["get", "post"]),
        ("/api/v1/offices/{id}", vec!["get", "patch"]),
        ("/api/v1/offices/{id}/history", vec!["get"]),
        ("/api/v1/offices/{id}/counters", vec!["get", "post"]),
        ("/api/v1/staff", vec!["get", "post"]),
        ("/api/v1/staff/{id}", vec!["get"]),
        ("/api/v1/staff/{id}/roles", vec!["post"]),
        ("/api/v1/staff/{id}/roles/{assignment_id}", vec!["delete"]),
        ("/api/v1/staff/{id}/unlock", vec!["post"]),
        ("/api/v1/tokens", vec!["get", "post"]),
        ("/api/v1/tokens/{id}", vec!["delete"]),
        ("/api/v1/audit", vec!["get"]),
        ("/api/v1/calendar/{year}", vec!["get"]),
        ("/api/v1/calendar/due", vec!["get"]),
        ("/api/v1/calendar/days/{date}", vec!["put", "delete"]),
        ("/api/v1/procedures", vec!["get"]),
        ("/api/v1/procedures/{code}", vec!["get"]),
        ("/api/v1/procedures/import", vec!["post"]),
        ("/api/v1/dossiers", vec!["get", "post"]),
        ("/api/v1/dossiers/{id}", vec!["get"]),
        ("/api/v1/dossiers/{id}/receive", vec!["post"]),
        ("/api/v1/dossiers/{id}/request-supplement", vec!["post"]),
        ("/api/v1/dossiers/{id}/supplement-received", vec!["post"]),
        ("/api/v1/dossiers/{id}/refuse", vec!["post"]),
        ("/api/v1/dossiers/{id}/transfer", vec!["post"]),
        ("/api/v1/dossiers/{id}/finish", vec!["post"]),
        ("/api/v1/dossiers/{id}/return", vec!["post"]),
        ("/api/v1/dossiers/{id}/stop", vec!["post"]),
        ("/api/v1/dossiers/{id}/withdraw", vec!["post"]),
        ("/api/v1/dossiers/{id}/apologize", vec!["post"]),
        ("/api/v1/public/dossiers", vec!["get"]),
        ("/api/v1/offices/{id}/queue", vec!["get"]),
        ("/api/v1/offices/{id}/service-groups", vec!["post"]),
        ("/api/v1/offices/{id}/queue-settings", vec!["put"]),
        ("/api/v1/offices/{id}/queue-stats", vec!["get"]),
        ("/api/v1/service-groups/{id}", vec!["patch"]),
        ("/api/v1/counters/{id}/services", vec!["put"]),
        ("/api/v1/counters/{id}/sign-in", vec!["post"]),
        ("/api/v1/counters/sign-out", vec!["post"]),
        ("/api/v1/counters/{id}/call-next", vec!["post"]),
        ("/api/v1/tickets", vec!["post"]),
        ("/api/v1/tickets/{id}", vec!["get"]),
        ("/api/v1/tickets/{id}/recall", vec!["post"]),
        ("/api/v1/tickets/{id}/start", vec!["post"]),
        ("/api/v1/tickets/{id}/transfer", vec!["post"]),
        ("/api/v1/tickets/{id}/no-show", vec!["post"]),
        ("/api/v1/tickets/{id}/finish", vec!["post"]),
        ("/api/v1/tickets/{id}/apologize", vec!["post"]),
        ("/api/v1/public/offices/{code}/queue", vec!["get"]),
        ("/api/v1/public/offices/{code}/tickets", vec!["post"]),
        ("/api/v1/public/offices/{code}/display", vec!["get"]),
        ("/api/v1/public/offices/{code}/events", vec!["get"]),
        ("/api/v1/public/tickets/{id}", vec!["get"]),
        ("/api/v1/public/tickets/{id}/subscribe", vec!["post"]),
        ("/api/v1/offices/{id}/rating-settings", vec!["get", "put"]),
        ("/api/v1/offices/{id}/satisfaction", vec!["get"]),
        ("/api/v1/offices/{id}/recovery-cases", vec!["get"]),
        ("/api/v1/counters/{id}/rating-devices", vec!["post"]),
        ("/api/v1/rating-devices/{id}", vec!["delete"]),
        ("/api/v1/ratings/mine", vec!["get"]),
        ("/api/v1/ratings/{id}/set-aside", vec!["post"]),
        ("/api/v1/recovery-cases/{id}/close", vec!["post"]),
        ("/api/v1/conduct-codes", vec!["get"]),
        ("/api/v1/conduct-codes/{code}", vec!["put"]),
        ("/api/v1/public/dossier-ratings/{code}", vec!["get", "post"]),
        ("/api/v1/feedback", vec!["get", "post"]),
        ("/api/v1/public/feedback", vec!["post"]),
        ("/api/v1/feedback/{id}", vec!["get"]),
        ("/api/v1/feedback/{id}/identity", vec!["post"]),
        ("/api/v1/feedback/{id}/identity-log", vec!["get"]),
        ("/api/v1/feedback/{id}/{action}", vec!["post"]),
        ("/api/v1/offices/{id}/feedback-stats", vec!["get"]),
        ("/api/v1/staff/{id}/conduct-record", vec!["get"]),
        ("/api/v1/public/feedback/{code}", vec!["get"]),
        ("/api/v1/public/feedback/{code}/{action}", vec!["post"]),
        ("/api/v1/public/feedback-answers", vec!["get"]),
    ] {
        for m in methods {
            assert!(
                paths.get(path).and_then(|p| p.get(m)).is_some(),
                "{m} {path} missing from OpenAPI"
            );
        }
    }
    assert_eq!(
        paths.len(),
        77,
        "a route was added without its OpenAPI description, or vice versa"
    );
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_token"].is_object());
});

app_test!(static_assets_are_embedded, |app| {
    let js = app.anon().get("/static/htmx.min.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text().contains("htmx"));
    assert!(
        app.anon()
            .get("/static/app.css")
            .await
            .text()
            .contains(":focus-visible")
    );
    assert_eq!(
        app.anon().get("/static/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
});
