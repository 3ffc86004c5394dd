//! Bad input through the JSON API: a 4xx with a clear, translated message, and nothing written.

use axum::http::{Method, StatusCode};
use congbo_testkit::app_test;
use serde_json::json;

app_test!(bad_input_is_refused_and_writes_nothing, |app| {
    let c = app.login("quantri").await;
    let province = app.office_id("DB").await;
    let before_audit = app.audit_len().await;
    let before_offices = c
        .get("/api/v1/offices")
        .await
        .json()
        .as_array()
        .unwrap()
        .len();
    let cases: Vec<(Vec<u8>, Option<&str>, StatusCode, &str)> = vec![
        // Wrong type.
        (json!({"code": 12, "name": "Xã A", "kind": "commune", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "invalid-json-data"),
        // Unknown field.
        (json!({"code": "DB-A", "name": "Xã A", "kind": "commune", "parent_id": province, "is_admin": true}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "invalid-json-data"),
        // Missing field.
        (json!({"code": "DB-A", "kind": "commune", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "invalid-json-data"),
        // Over-long field.
        (json!({"code": "DB-A", "name": "X".repeat(201), "kind": "commune", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "too-long"),
        // Invalid value.
        (json!({"code": "DB A!", "name": "Xã A", "kind": "commune", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "office-code-format"),
        (json!({"code": "DB-A", "name": "Xã A", "kind": "village", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::UNPROCESSABLE_ENTITY, "unknown-kind"),
        // Invalid UTF-8.
        ([b"{\"code\": \"DB-A\", \"name\": \"X\xff\xfe\", \"kind\": \"commune\", \"parent_id\": \"".to_vec(), province.to_string().into_bytes(), b"\"}".to_vec()].concat(), Some("application/json"), StatusCode::BAD_REQUEST, "malformed-json"),
        // Not JSON at all.
        (b"code=DB-A".to_vec(), Some("application/json"), StatusCode::BAD_REQUEST, "malformed-json"),
        // Wrong content type.
        (json!({"code": "DB-A"}).to_string().into_bytes(), Some("text/plain"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-content-type"),
        // Oversized body (the limit is 64 KiB).
        (json!({"code": "DB-A", "name": "x".repeat(70_000), "kind": "commune", "parent_id": province}).to_string().into_bytes(), Some("application/json"), StatusCode::PAYLOAD_TOO_LARGE, "body-too-large"),
    ];
    for (body, ct, status, code) in cases {
        let res = c.send(Method::POST, "/api/v1/offices", ct, body).await;
        assert_eq!(res.status, status, "{code}: {}", res.text());
        assert_eq!(res.error_code(), code, "{}", res.text());
        let msg = res.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            !msg.is_empty() && !msg.starts_with("err-"),
            "untranslated: {msg}"
        );
    }
    // The field is named, in the caller's language.
    let res = c
        .clone()
        .lang("en")
        .post_json("/api/v1/offices", &json!({"code": "DB-A", "name": "X".repeat(201), "kind": "commune", "parent_id": province}))
        .await;
    assert_eq!(res.json()["error"]["message"], "Name: Too long.");
    assert_eq!(res.json()["error"]["field"], "name");
    let vi = c
        .post_json("/api/v1/offices", &json!({"code": "DB-A", "name": "X".repeat(201), "kind": "commune", "parent_id": province}))
        .await;
    assert_eq!(vi.json()["error"]["message"], "Tên: Quá dài.");
    // Malformed ids are "not found", not a crash.
    assert_eq!(
        c.get("/api/v1/offices/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/api/v1/audit?limit=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/api/v1/audit?bogus=1").await.status,
        StatusCode::BAD_REQUEST
    );
    // Nothing was written.
    assert_eq!(app.audit_len().await, before_audit);
    assert_eq!(
        c.get("/api/v1/offices")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        before_offices
    );
});

app_test!(staff_api_validates_every_field, |app| {
    let c = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let before = app.audit_len().await;
    let base = json!({"username": "tl.moi", "full_name": "Người Mới", "email": "moi@x.vn", "home_office_id": tl, "password": "Mat-khau-du-dai", "roles": [{"role": "reception", "office_id": tl}]});
    let mut cases = vec![];
    for (field, value, code) in [
        ("username", json!("ab"), "username-length"),
        ("username", json!("Lan Anh"), "username-chars"),
        ("full_name", json!(""), "required"),
        ("email", json!("not-an-email"), "email-format"),
        ("password", json!("123456789012"), "password-only-digits"),
        (
            "password",
            json!("tl.moi-password"),
            "password-contains-username",
        ),
        (
            "roles",
            json!([{"role": "king", "office_id": tl}]),
            "unknown-role",
        ),
    ] {
        let mut b = base.clone();
        b[field] = value;
        cases.push((b, code));
    }
    for (body, code) in cases {
        let res = c.post_json("/api/v1/staff", &body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}: {}",
            res.text()
        );
        assert_eq!(res.error_code(), code);
    }
    let ok = c.post_json("/api/v1/staff", &base).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    assert!(
        !ok.text().contains("password"),
        "no password or hash in responses"
    );
    let dup = c.post_json("/api/v1/staff", &base).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.error_code(), "duplicate-username");
    assert_eq!(app.audit_len().await, before + 1);
});
