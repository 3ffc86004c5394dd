//! Sign-in hardening (issue 15): throttling per address and per name, the same answers for
//! known and unknown names, the atomic failure counter, the redirect after sign-in, weak
//! passwords and passwords an administrator set.

use axum::http::StatusCode;
use congbo_domain::identity::SIGN_IN_FREE_FAILURES;
use congbo_testkit::{TestApp, app_test};
use serde_json::json;

async fn try_sign_in(app: &TestApp, name: &str, pw: &str) -> congbo_testkit::http::TestResponse {
    app.anon()
        .post_form("/dang-nhap", &[("username", name), ("password", pw)])
        .await
}

app_test!(
    unknown_names_get_the_same_answers_and_leave_no_audit_rows,
    |app| {
        let before = app.audit_len().await;
        let mut answers = vec![];
        for name in ["khong.co.ai", "mn.motcua1"] {
            let mut seen = vec![];
            for _ in 0..=SIGN_IN_FREE_FAILURES {
                let res = try_sign_in(&app, name, "sai-mat-khau-roi").await;
                let text = res.text();
                let error = text
                    .split_once(r#"id="login-error">"#)
                    .and_then(|(_, rest)| rest.split_once("</p>"))
                    .map(|(msg, _)| msg.to_string());
                seen.push((
                    res.status,
                    res.header("retry-after").map(str::to_string),
                    error,
                ));
            }
            answers.push(seen);
        }
        assert_eq!(
            answers[0], answers[1],
            "a known name answers like an unknown one"
        );
        let last = answers[0].last().unwrap();
        assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(last.1.as_deref(), Some("10"));
        // Only the known name's failures were audited (5: four failures and the start of a wait).
        assert_eq!(app.audit_len().await, before + SIGN_IN_FREE_FAILURES);
    }
);

app_test!(one_address_is_throttled_before_any_password_work, |app| {
    let before = app.audit_len().await;
    let mut first_refusal = None;
    for i in 0..40 {
        let res = try_sign_in(&app, &format!("ten.{i}"), "sai-mat-khau-roi").await;
        if res.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(res.header("retry-after").is_some());
            assert!(res.text().contains("Vui lòng chờ"), "{}", res.text());
            first_refusal.get_or_insert(i);
        } else {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        }
    }
    // Twenty failures per address are heard, then the address waits.
    let first = first_refusal.expect("the flood was throttled");
    assert!(first >= 20, "refused after {first} tries");
    // No audit row for made-up names.
    assert_eq!(app.audit_len().await, before);
    // Another name's failures from the same address are refused without a password check.
    let res = try_sign_in(&app, "tl.truong", "sai-mat-khau-roi").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit_len().await, before);
});

app_test!(concurrent_wrong_passwords_are_all_counted, |app| {
    // 16 clients × 4 wrong passwords at once, straight at the use case (no web allowance).
    let mut tasks = vec![];
    for _ in 0..16 {
        let a = app.app.clone();
        tasks.push(tokio::spawn(async move {
            let mut checked = 0;
            for _ in 0..4 {
                match congbo_app::auth::login(&a, "tp.pho", "sai-mat-khau-roi", None).await {
                    Err(congbo_app::AppError::Unauthorized(_)) => checked += 1,
                    Err(congbo_app::AppError::RetryLater(_)) => {}
                    other => panic!("{:?}", other.err()),
                }
            }
            checked
        }));
    }
    let mut checked = 0;
    for t in tasks {
        checked += t.await.unwrap();
    }
    // Once the free failures are counted every later read sees the wait: at most the free
    // failures plus the tries already under way (one per client) are checked.
    assert!(
        checked <= SIGN_IN_FREE_FAILURES + 15,
        "{checked} password checks"
    );
    // And none was lost: the counter holds every check (a read-modify-write loses some).
    let mut tx = app.db().read().await.unwrap();
    let u = congbo_store::repo::staff::get_by_username(&mut tx, "tp.pho")
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(u.failed_logins, checked);
    assert!(u.locked_until.is_some());
});

app_test!(the_page_after_sign_in_is_always_on_this_site, |app| {
    for (next, want) in [
        ("/\t/evil.example/x", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/ho-so?trang=2", "/ho-so?trang=2"),
    ] {
        let res = app
            .anon()
            .post_form(
                "/dang-nhap",
                &[
                    ("username", "tl.truong"),
                    ("password", &app.password),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.header("location"), Some(want), "{next:?}");
    }
    // Signed in, the sign-in page sends one on to `next`: the same rule, and never a 500.
    let c = app.login("tl.truong").await;
    for (query, want) in [
        ("next=/%09/evil.example/x", "/"),
        ("next=/%0a", "/"),
        ("next=%0a", "/"),
        ("next=/%5Cevil.example", "/"),
        ("next=/th%E1%BB%A7-t%E1%BB%A5c", "/th%E1%BB%A7-t%E1%BB%A5c"),
    ] {
        let res = c.get(&format!("/dang-nhap?{query}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{query}");
        assert_eq!(res.header("location"), Some(want), "{query}");
    }
    // Signed out, the form carries a safe value.
    let res = app.anon().get("/dang-nhap?next=%0a").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text().contains(r#"name="next" value="/""#));
});

app_test!(common_passwords_are_refused_next_to_the_field, |app| {
    let c = app.login("tl.motcua1").await;
    for weak in ["matkhau123", "Password12", "aaaaaaaaaa", "Mật-khẩu-2026"] {
        let res = c
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current_password", &app.password),
                    ("new_password", weak),
                    ("confirm_password", weak),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert!(
            res.text()
                .contains("Mật khẩu: Mật khẩu quá phổ biến hoặc dễ đoán"),
            "{weak}: {}",
            res.text()
        );
    }
    // An administrator cannot set one either (JSON API, field named).
    let admin = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let res = admin
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.yeu", "full_name": "Mật Khẩu Yếu", "home_office_id": tl,
                    "password": "anhyeuem2026", "roles": []}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_code(), "password-common");
    assert_eq!(res.json()["error"]["field"], "password");
});

app_test!(
    a_password_an_administrator_set_must_be_changed_first,
    |app| {
        let admin = app.login("quantri").await;
        let tl = app.office_id("DB-TL").await;
        let res = admin
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.moi", "full_name": "Người Mới", "home_office_id": tl,
                    "password": "Hoa-ban-tay-2026", "roles": [{"role": "reception", "office_id": tl}]}),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let res = app
            .anon()
            .post_form(
                "/dang-nhap",
                &[
                    ("username", "tl.moi"),
                    ("password", "Hoa-ban-tay-2026"),
                    ("next", "/ho-so"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.header("location"), Some("/tai-khoan"));
        let mut c = app.anon();
        c.cookie = res.session_cookie();
        // Nothing else until the password is changed: pages go to the account page, the API says 403.
        let res = c.get("/ho-so").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.header("location"), Some("/tai-khoan"));
        let res = c.get("/api/v1/me").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(res.error_code(), "password-change-required");
        let res = c
            .post_json("/api/v1/tokens", &json!({"name": "lối tắt"}))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let page = c.get("/tai-khoan").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text()
                .contains("Mật khẩu của bạn do quản trị viên đặt")
        );
        let res = c
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current_password", "Hoa-ban-tay-2026"),
                    ("new_password", "Mây-trắng-bay-2026"),
                    ("confirm_password", "Mây-trắng-bay-2026"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert!(!res.text().contains("Mật khẩu của bạn do quản trị viên đặt"));
        assert_eq!(c.get("/api/v1/me").await.status, StatusCode::OK);
        assert_eq!(c.get("/ho-so").await.status, StatusCode::OK);
        // Signing in again goes where asked.
        let res = app
            .anon()
            .post_form(
                "/dang-nhap",
                &[
                    ("username", "tl.moi"),
                    ("password", "Mây-trắng-bay-2026"),
                    ("next", "/ho-so"),
                ],
            )
            .await;
        assert_eq!(res.header("location"), Some("/ho-so"));
    }
);

app_test!(wrong_current_passwords_count_like_failed_sign_ins, |app| {
    let c = app.login("tl.motcua1").await;
    let change = |current: String| {
        let c = c.clone();
        async move {
            c.post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current_password", current.as_str()),
                    ("new_password", "Mây-trắng-bay-2026"),
                    ("confirm_password", "Mây-trắng-bay-2026"),
                ],
            )
            .await
        }
    };
    for _ in 0..SIGN_IN_FREE_FAILURES {
        let res = change("doan-thu-xem".into()).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().contains("Mật khẩu hiện tại không đúng."));
    }
    // Now even the right one waits, and so does signing in.
    let res = change(app.password.clone()).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text());
    assert_eq!(res.header("retry-after"), Some("10"));
    let res = try_sign_in(&app, "tl.motcua1", &app.password).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    app.advance_minutes(1);
    assert_eq!(change(app.password.clone()).await.status, StatusCode::OK);
});

app_test!(nobody_grants_a_role_to_themselves, |app| {
    let admin = app.login("quantri").await;
    let me = app.user_id("quantri").await;
    let tl = app.office_id("DB-TL").await;
    let before = app.audit_len().await;
    for role in ["reception", "head", "supervisor"] {
        let res = admin
            .post_json(
                &format!("/api/v1/staff/{me}/roles"),
                &json!({"role": role, "office_id": tl}),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}: {}", res.text());
    }
    assert_eq!(app.audit_len().await, before, "nothing granted");
    // Granting the same role to someone else is still allowed.
    let other = app.user_id("tl.motcua1").await;
    let res = admin
        .post_json(
            &format!("/api/v1/staff/{other}/roles"),
            &json!({"role": "head", "office_id": tl}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
});

app_test!(
    api_tokens_end_with_a_password_change_or_deactivation,
    |app| {
        // A password change ends the user's tokens.
        let api = app.token_client("tl.motcua1").await;
        assert_eq!(api.get("/api/v1/me").await.status, StatusCode::OK);
        let c = app.login("tl.motcua1").await;
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
        assert_eq!(api.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        // Deactivation too: reactivating does not bring them back.
        let api = app.token_client("tl.truong").await;
        let id = app.user_id("tl.truong").await;
        let admin = app.login("quantri").await;
        for active in ["false", "true"] {
            let res = admin
                .post_form(&format!("/can-bo/{id}/trang-thai"), &[("active", active)])
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        }
        assert_eq!(api.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        app.login("tl.truong").await;
    }
);

/// In real Chromium: a new colleague signs in with the password an administrator gave, lands on
/// the account page with the notice, is refused a common password next to the field, chooses
/// a good one; a guesser then waits. With `CONGBO_SHOTS=dir`, screenshots are saved there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_first_sign_in_then_a_guesser_waits() {
    use congbo_testkit::browser::{Browser, spawn_server};
    use congbo_testkit::page;
    use fantoccini::Locator;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let tl = app.office_id("DB-TL").await;
    let res = app
        .login("quantri")
        .await
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.moi", "full_name": "Người Mới", "home_office_id": tl,
                    "password": "Hoa-ban-tay-2026", "roles": [{"role": "reception", "office_id": tl}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let shots = std::env::var("CONGBO_SHOTS").ok();
    let shot = |name: &'static str| {
        let shots = shots.clone();
        async move {
            if let Some(dir) = shots {
                page::shot(c, &dir, name).await;
            }
        }
    };
    let wait = page::WAIT;
    let fill = |id: &'static str, v: String| async move { page::fill(c, id, &v).await };
    let submit = |form: &'static str| async move {
        page::click(c, &format!("form[action='{form}'] button[type=submit]")).await
    };
    c.goto(&format!("{base}/dang-nhap?next=/ho-so"))
        .await
        .unwrap();
    fill("username", "tl.moi".into()).await;
    fill("password", "Hoa-ban-tay-2026".into()).await;
    submit("/dang-nhap").await;
    let notice = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("must-change"))
        .await
        .unwrap();
    assert!(
        notice
            .text()
            .await
            .unwrap()
            .contains("do quản trị viên đặt")
    );
    assert!(c.current_url().await.unwrap().path() == "/tai-khoan");
    shot("1-must-change").await;
    for (id, v) in [
        ("current_password", "Hoa-ban-tay-2026"),
        ("new_password", "matkhau123"),
        ("confirm_password", "matkhau123"),
    ] {
        fill(id, v.into()).await;
    }
    submit("/tai-khoan/mat-khau").await;
    let err = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css(
            "section.card p.error-msg[role=alert]:not(#must-change)",
        ))
        .await
        .unwrap();
    assert!(err.text().await.unwrap().contains("quá phổ biến"));
    shot("2-common-password").await;
    for (id, v) in [
        ("current_password", "Hoa-ban-tay-2026"),
        ("new_password", "Mây-trắng-bay-2026"),
        ("confirm_password", "Mây-trắng-bay-2026"),
    ] {
        fill(id, v.into()).await;
    }
    submit("/tai-khoan/mat-khau").await;
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("p.ok-msg"))
        .await
        .unwrap();
    shot("3-changed").await;
    // Signed out, someone guesses: after five failures the sixth try waits.
    submit("/dang-xuat").await;
    for _ in 0..=SIGN_IN_FREE_FAILURES {
        c.wait()
            .at_most(wait)
            .for_element(Locator::Id("username"))
            .await
            .unwrap();
        fill("username", "tl.moi".into()).await;
        fill("password", "doan-bua-di-thoi".into()).await;
        submit("/dang-nhap").await;
    }
    let msg = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("login-error"))
        .await
        .unwrap();
    assert!(msg.text().await.unwrap().contains("Vui lòng chờ 10 giây"));
    shot("4-wait").await;
    browser.close().await;
}
