//! Sign-in, lockout, logout, password change, setup link, CSRF and security headers.

use axum::http::{Method, StatusCode};
use congbo_testkit::{TestApp, app_test};

app_test!(login_shows_the_vietnamese_dashboard, |app| {
    let c = app.login("tl.truong").await;
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    let html = res.text();
    assert!(html.contains("<html lang=\"vi\">"), "{html}");
    assert!(html.contains("Tổng quan"));
    assert!(html.contains("Thủ trưởng đơn vị"));
    assert!(html.contains("Xã Thanh Luông"));
    // English on request.
    let en = c.clone().lang("en").get("/").await.text();
    assert!(en.contains("Overview") && en.contains("Head of unit"));
});

app_test!(anonymous_pages_redirect_to_login_and_api_says_401, |app| {
    let res = app.anon().get("/can-bo").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header("location"), Some("/dang-nhap?next=%2Fcan-bo"));
    let api = app.anon().get("/api/v1/offices").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.error_code(), "signed-out");
    assert_eq!(api.json()["error"]["message"], "Vui lòng đăng nhập.");
});

app_test!(session_cookie_is_httponly_and_samesite, |app| {
    let res = app
        .anon()
        .post_form(
            "/dang-nhap",
            &[("username", "tl.truong"), ("password", &app.password)],
        )
        .await;
    let cookie = res.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    // Only the hash of the token is stored.
    let token = res.session_cookie().unwrap();
    let mut tx = app.db().read().await.unwrap();
    assert!(
        congbo_store::repo::session::get_live(&mut tx, &token, app.app.now())
            .await
            .unwrap()
            .is_none()
    );
    let hashed = congbo_app::sha256_hex(&token);
    assert!(
        congbo_store::repo::session::get_live(&mut tx, &hashed, app.app.now())
            .await
            .unwrap()
            .is_some()
    );
    tx.commit().await.unwrap();
});

app_test!(wrong_passwords_then_a_growing_wait_never_a_lock, |app| {
    let anon = app.anon();
    let try_as = |name: &'static str, pw: String| {
        let anon = anon.clone();
        async move {
            anon.post_form("/dang-nhap", &[("username", name), ("password", &pw)])
                .await
        }
    };
    for i in 1..=5 {
        let res = try_as("mn.motcua1", "wrong-password-1".into()).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert!(
            res.text()
                .contains("Tên đăng nhập hoặc mật khẩu không đúng.")
        );
    }
    // The sixth try waits 10 s — even with the right password: 429, Retry-After, no session.
    let res = try_as("mn.motcua1", app.password.clone()).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text());
    assert_eq!(res.header("retry-after"), Some("10"));
    assert!(
        res.text()
            .contains("Đăng nhập sai nhiều lần liên tiếp. Vui lòng chờ 10 giây rồi thử lại."),
        "{}",
        res.text()
    );
    assert!(res.session_cookie().is_none());
    // The wait ends by itself; one more failure doubles it.
    app.advance_minutes(1);
    assert_eq!(
        try_as("mn.motcua1", "wrong-password-1".into()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let res = try_as("mn.motcua1", app.password.clone()).await;
    assert_eq!(res.header("retry-after"), Some("20"));
    app.advance_minutes(1);
    app.login("mn.motcua1").await;
    // The failures and the waits are in the audit log; refused tries are not (only counted).
    let auditor = app.login("kiemtoan").await;
    let rows = auditor.get("/api/v1/audit?action=auth.").await.json();
    let actions: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    let count = |a: &str| actions.iter().filter(|x| **x == a).count();
    assert_eq!(count("auth.login_failed"), 4);
    assert_eq!(count("auth.sign_in_delayed"), 2);
});

app_test!(admin_can_unlock_before_expiry, |app| {
    for _ in 0..5 {
        app.anon()
            .post_form(
                "/dang-nhap",
                &[("username", "tp.pho"), ("password", "nope-nope-nope")],
            )
            .await;
    }
    let id = app.user_id("tp.pho").await;
    let admin = app.login("quantri").await;
    let res = admin
        .post_json(
            &format!("/api/v1/staff/{id}/unlock"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    app.login("tp.pho").await;
});

app_test!(logout_ends_the_session, |app| {
    let c = app.login("dbp.chuyenvien").await;
    assert_eq!(c.get("/tai-khoan").await.status, StatusCode::OK);
    let res = c.post_form("/dang-xuat", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/tai-khoan").await.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
});

app_test!(password_change_rules_and_effect, |app| {
    let c = app.login("tl.motcua1").await;
    let other = app.login("tl.motcua1").await;
    let res = c
        .post_form(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", "wrong"),
                ("new_password", "Mây-trắng-bay-2026"),
                ("confirm_password", "Mây-trắng-bay-2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("Mật khẩu hiện tại không đúng."));
    let res = c
        .post_form(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", &app.password),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("ít nhất 10 ký tự"));
    let res = c
        .post_form(
            "/tai-khoan/mat-khau",
            &[
                ("current_password", &app.password),
                ("new_password", "Mây-trắng-bay-2026"),
                ("confirm_password", "Mây-trắng-bay-2026"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.text().contains("Đã đổi mật khẩu"));
    // This session goes on; the other one ended; the new password works, the old one not.
    assert_eq!(c.get("/tai-khoan").await.status, StatusCode::OK);
    assert_eq!(other.get("/tai-khoan").await.status, StatusCode::SEE_OTHER);
    app.login_with("tl.motcua1", "Mây-trắng-bay-2026").await;
    let res = app
        .anon()
        .post_form(
            "/dang-nhap",
            &[("username", "tl.motcua1"), ("password", &app.password)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_link_creates_the_first_admin_once() {
    let app = TestApp::empty(congbo_store::Backend::Sqlite).await.unwrap();
    setup_flow(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_link_creates_the_first_admin_once_postgres() {
    let Some(app) = TestApp::empty(congbo_store::Backend::Postgres).await else {
        return;
    };
    setup_flow(&app).await;
}

async fn setup_flow(app: &TestApp) {
    // Nobody can sign in and there is no default password.
    let res = app
        .anon()
        .post_form(
            "/dang-nhap",
            &[("username", "admin"), ("password", "admin")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let old = congbo_app::auth::issue_setup_link(&app.app)
        .await
        .unwrap()
        .unwrap();
    let token = congbo_app::auth::issue_setup_link(&app.app)
        .await
        .unwrap()
        .unwrap();
    // Only the newest link works.
    assert_eq!(
        app.anon().get(&format!("/kich-hoat/{old}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = app.anon().get(&format!("/kich-hoat/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Khởi tạo hệ thống"));
    // Bad input re-renders the form with a translated message and creates nothing.
    let fields = |pw: &'static str| {
        vec![
            ("office_code", "HG"),
            ("office_name", "Tỉnh Hà Giang"),
            ("office_kind", "province"),
            ("username", "admin.hg"),
            ("full_name", "Nguyễn Văn An"),
            ("password", pw),
        ]
    };
    let res = app
        .anon()
        .post_form(&format!("/kich-hoat/{token}"), &fields("123"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .contains("Mật khẩu: Mật khẩu phải có ít nhất 10 ký tự."),
        "{}",
        res.text()
    );
    let res = app
        .anon()
        .post_form(&format!("/kich-hoat/{token}"), &fields("Núi-đá-Đồng-Văn-1"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert!(res.session_cookie().is_some());
    // Used once: gone.
    let res = app
        .anon()
        .post_form(&format!("/kich-hoat/{token}"), &fields("Núi-đá-Đồng-Văn-1"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(
        congbo_app::auth::issue_setup_link(&app.app)
            .await
            .unwrap()
            .is_none()
    );
    let admin = app.login_with("admin.hg", "Núi-đá-Đồng-Văn-1").await;
    let me = admin.get("/api/v1/me").await.json();
    assert_eq!(me["roles"][0]["role"], "admin");
    let audit = admin.get("/api/v1/audit?action=setup.").await.json();
    assert_eq!(audit.as_array().unwrap().len(), 1);
}

app_test!(csrf_refuses_cross_site_and_headerless_posts, |app| {
    let c = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let before = app.audit_len().await;
    let body = b"name=Bi%20doi%20ten".to_vec();
    let ct = Some("application/x-www-form-urlencoded");
    let path = format!("/don-vi/{tl}/doi-ten");
    for extra in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let res = c
            .send_with(Method::POST, &path, ct, body.clone(), &extra)
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{extra:?}");
        assert!(res.text().contains("không xuất phát từ trang của hệ thống"));
    }
    // A cookie-carrying POST with neither Origin nor Sec-Fetch-Site is refused too.
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header("host", congbo_testkit::http::HOST)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "cookie",
            format!("congbo_session={}", c.cookie.clone().unwrap()),
        )
        .body(axum::body::Body::from(body.clone()))
        .unwrap();
    req.headers_mut().remove("origin");
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit_len().await, before, "nothing written");
    // Same-origin goes through.
    let ok = c
        .send_with(
            Method::POST,
            &path,
            ct,
            body,
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
});

app_test!(security_headers_on_every_response, |app| {
    for path in ["/dang-nhap", "/healthz", "/api/v1/offices", "/no-such-page"] {
        let res = app.anon().get(path).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
        assert!(res.header("x-request-id").is_some(), "{path}");
    }
    // No inline script in pages.
    let html = app.login("quantri").await.get("/").await.text();
    assert!(!html.contains("<script>"), "inline script found");
    assert!(html.contains("<script src=\"/static/htmx.min.js\""));
});

app_test!(pages_are_vietnamese_whatever_the_browser_language, |app| {
    // An English browser on a counter PC still gets Vietnamese pages until someone switches.
    let res = app
        .anon()
        .send_with(
            Method::GET,
            "/dang-nhap",
            None,
            vec![],
            &[("accept-language", "en-US,en;q=0.9")],
        )
        .await;
    assert!(res.text().contains("<html lang=\"vi\">"));
    // The switch sets a cookie that pages follow.
    let res = app.anon().post_form("/ngon-ngu/en", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.header("set-cookie")
            .unwrap()
            .starts_with("congbo_lang=en")
    );
    // The API answers in English when asked.
    let api = app
        .anon()
        .send_with(
            Method::GET,
            "/api/v1/me",
            None,
            vec![],
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(api.json()["error"]["message"], "Please sign in.");
});
