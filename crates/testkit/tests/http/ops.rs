//! Operations endpoints, request ids, audit rows with request ids, OpenAPI, static files.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

app_test!(health_ready_and_metrics, |app| {
    assert_eq!(app.anon().get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.anon().get("/readyz").await.text(), "ready");
    app.anon().get("/dang-nhap").await;
    let m = app.anon().get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    let body = m.text();
    assert!(body.contains("http_requests_total{"), "{body}");
    assert!(body.contains("route=\"/dang-nhap\""), "{body}");
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
    let page = auditor.get("/nhat-ky?action=office.rename").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("Nhật ký kiểm tra") && html.contains("office.rename"),
        "{html}"
    );
    assert!(!html.contains("auth.login<"), "filtered by action");
    let by_actor = auditor.get("/nhat-ky?actor=nobody").await.text();
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
    // What the router serves under /api/v1 (from the one route table) …
    let served: std::collections::BTreeSet<(String, String)> = congbo_web::router::entries()
        .into_iter()
        .filter(|e| e.area == congbo_web::router::Area::Api && e.documented)
        .map(|e| (e.method.as_str().to_lowercase(), e.path.to_string()))
        .collect();
    // … and what the document describes.
    let verbs = [
        "get", "post", "put", "patch", "delete", "head", "options", "trace",
    ];
    let described: std::collections::BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            verbs
                .into_iter()
                .filter(|v| item.get(*v).is_some())
                .map(move |v| (v.to_string(), path.clone()))
        })
        .collect();
    let undescribed: Vec<_> = served.difference(&described).collect();
    assert!(
        undescribed.is_empty(),
        "routes without an OpenAPI description: {undescribed:?}"
    );
    let unserved: Vec<_> = described.difference(&served).collect();
    assert!(
        unserved.is_empty(),
        "described in OpenAPI but not routed: {unserved:?}"
    );
    assert!(served.len() >= 85, "only {} API routes", served.len());
    // The one undocumented API route is the document itself, and it is served.
    let undocumented: Vec<&str> = congbo_web::router::entries()
        .into_iter()
        .filter(|e| e.area == congbo_web::router::Area::Api && !e.documented)
        .map(|e| e.path)
        .collect();
    assert_eq!(undocumented, ["/api/v1/openapi.json"]);
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

app_test!(
    old_english_page_paths_redirect_to_the_vietnamese_ones,
    |app| {
        let anon = app.anon();
        let r = anon.get("/login?next=%2Fho-so").await;
        assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(r.header("location"), Some("/dang-nhap?next=%2Fho-so"));
        // A form posted to an old path is repeated at the new one (308 keeps the method).
        let admin = app.login("quantri").await;
        let tl = app.office_id("DB-TL").await;
        let r = admin
            .post_form(
                &format!("/offices/{tl}/rename"),
                &[("name", "Xã Thanh Luông")],
            )
            .await;
        assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(
            r.header("location"),
            Some(format!("/don-vi/{tl}/doi-ten").as_str())
        );
        // The new path is served; the API keeps its English paths; unknown paths are not found.
        assert_eq!(
            admin.get(&format!("/don-vi/{tl}")).await.status,
            StatusCode::OK
        );
        assert_eq!(admin.get("/api/v1/offices").await.status, StatusCode::OK);
        assert_eq!(
            anon.get("/no-such-page").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            anon.get("/api/v1/no-such-thing").await.status,
            StatusCode::NOT_FOUND
        );
    }
);
