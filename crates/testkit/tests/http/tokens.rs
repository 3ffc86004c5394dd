//! API tokens: create (secret shown once, stored hashed), list, use, revoke.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

app_test!(token_lifecycle, |app| {
    let c = app.login("thanhtra").await;
    let created = c
        .post_json("/api/v1/tokens", &json!({"name": "Cổng dịch vụ công tỉnh"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let created = created.json();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cbt_") && secret.len() > 60);
    let id = created["token"]["id"].as_str().unwrap().to_string();
    // The list never shows the secret again.
    let list = c.get("/api/v1/tokens").await;
    assert!(!list.text().contains(&secret));
    assert_eq!(list.json()[0]["prefix"].as_str().unwrap(), &secret[..10]);
    // The token acts with its owner's roles.
    let t = app.with_token(&secret);
    let me = t.get("/api/v1/me").await.json();
    assert_eq!(me["username"], "thanhtra");
    assert_eq!(t.get("/api/v1/staff").await.status, StatusCode::OK);
    assert!(c.get("/api/v1/tokens").await.json()[0]["last_used_at"].is_string());
    // Revoke: the token stops working; a second revoke is a conflict.
    let r = c.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["revoked_at"].is_string());
    let res = t.get("/api/v1/me").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error_code(), "bad-token");
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        c.delete(&format!("/api/v1/tokens/{id}")).await.error_code(),
        "token-already-revoked"
    );
    // A made-up token is refused.
    assert_eq!(
        app.with_token("cbt_not-a-token")
            .get("/api/v1/me")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
});

app_test!(token_pages_show_secret_once_and_revoke, |app| {
    let c = app.login("mn.pho").await;
    let res = c
        .post_form("/tai-khoan/khoa-truy-cap", &[("name", "Zalo OA")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let html = res.text();
    let secret = html
        .split("id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(secret.starts_with("cbt_"));
    assert!(!c.get("/tai-khoan").await.text().contains(&secret));
    let id = c.get("/api/v1/tokens").await.json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = c
        .post_form(&format!("/tai-khoan/khoa-truy-cap/{id}/thu-hoi"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.with_token(&secret).get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
});
