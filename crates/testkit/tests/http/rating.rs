//! Satisfaction through the pages and the API, on both backends: the paired counter tablet
//! unlocks when a ticket is finished and takes one rating in its window; low scores need
//! reasons and open a recovery case for the head; the dossier's one-time link; what officers,
//! heads and supervisors see; figures with indicator 5.4; corrections; settings and codes of
//! conduct; and bad input that stores nothing.

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";

/// Counter `n` of DB-TL and the id of service group `letter`.
async fn counter_and_group(app: &TestApp, n: i64, letter: &str) -> (String, String) {
    let v = app
        .anon()
        .get(&format!("/api/v1/public/offices/{TL}/queue"))
        .await
        .json();
    let k = v["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == n)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let g = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["letter"] == letter)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    (k, g)
}

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    if r.status == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        r.json()
    }
}

/// Pair a tablet with the counter as the head; returns the device cookie (`name=value`).
async fn pair(app: &TestApp, counter: &str) -> String {
    let head = app.token_client("tl.truong").await;
    let p = ok(
        &head,
        &format!("/api/v1/counters/{counter}/rating-devices"),
        json!({}),
    )
    .await;
    let url = p["pair_url"].as_str().unwrap();
    let path = &url[url.find("/may-danh-gia/").unwrap()..];
    let r = app.anon().get(path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("congbo_device="))
        .expect("device cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/may-danh-gia"));
    // The code works once.
    let again = app.anon().get(path).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().contains("Mã ghép nối không đúng"));
    cookie.split(';').next().unwrap().to_string()
}

fn tablet<'a>(app: &'a TestApp, device: &str) -> Client<'a> {
    let mut c = app.anon();
    c.extra_cookie = Some(device.to_string());
    c
}

/// Take a number for `group`, and serve and finish it at counter `k` as `desk`.
async fn serve_one(app: &TestApp, desk: &Client<'_>, k: &str, group: &str) -> String {
    let r = app
        .anon()
        .post_json(
            &format!("/api/v1/public/offices/{TL}/tickets?channel=kiosk"),
            &json!({"group_id": group}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let called = ok(desk, &format!("/api/v1/counters/{k}/call-next"), json!({})).await;
    let id = called["id"].as_str().unwrap().to_string();
    ok(desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    ok(desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
    id
}

async fn rating_count(app: &TestApp) -> i64 {
    match app.db() {
        congbo_store::Db::Sqlite(p) => sqlx::query_scalar("SELECT COUNT(*) FROM ratings")
            .fetch_one(p)
            .await
            .unwrap(),
        congbo_store::Db::Postgres(p) => sqlx::query_scalar("SELECT COUNT(*) FROM ratings")
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

app_test!(tablet_unlocks_after_a_finish_and_takes_one_rating, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (k1, a) = counter_and_group(&app, 1, "A").await;
    let device = pair(&app, &k1).await;
    let tab = tablet(&app, &device);

    // Locked until a ticket is finished; an unpaired browser is refused.
    let page = tab.get(&format!("/may-danh-gia/{k1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Xin kính chào quý khách"));
    assert!(!page.text().contains("name=\"value\""));
    let stranger = app.anon().get(&format!("/may-danh-gia/{k1}")).await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stranger.text().contains("chưa được ghép nối"));
    // A device paired with counter 1 is not counter 2's.
    let (k2, _) = counter_and_group(&app, 2, "B").await;
    let r = tab.get(&format!("/may-danh-gia/{k2}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A tablet paired before the paths became Vietnamese still opens its old link: it is sent
    // on, with its device cookie given again under the new path.
    let old = tab.get(&format!("/rate/{k1}")).await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        old.header("location"),
        Some(format!("/may-danh-gia/{k1}").as_str())
    );
    let moved = old.header("set-cookie").unwrap_or_default();
    assert!(
        moved.starts_with(&device) && moved.contains("Path=/may-danh-gia"),
        "{moved}"
    );

    let desk = app.token_client("tl.motcua1").await;
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    let t1 = serve_one(&app, &desk, &k1, &a).await;

    // Open: the officer's name, the scale's levels.
    let page = tab.get(&format!("/may-danh-gia/{k1}")).await.text();
    assert!(page.contains("Nguyễn Thị Lan"), "{page}");
    assert!(page.contains(&t1));
    assert!(page.contains("Không hài lòng"));

    // A low score: the reasons are asked for next, nothing is stored yet.
    let audit = app.audit_len().await;
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t1), ("value", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.text();
    assert!(body.contains("cho biết lý do chưa hài lòng"));
    assert!(body.contains("Phải chờ lâu") && body.contains("name=\"reason\""));
    assert!(!body.contains("role=\"alert\""));
    assert_eq!(rating_count(&app).await, 0);
    // Sent on without ticking one: a clear error, still nothing stored.
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t1), ("value", "3"), ("step", "reasons")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Vui lòng chọn ít nhất một lý do"));
    assert_eq!(rating_count(&app).await, 0);
    assert_eq!(app.audit_len().await, audit);
    // An unknown reason or a bad contact: refused too.
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t1), ("value", "3"), ("reason", "vip")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[
                ("ticket_id", &t1),
                ("value", "3"),
                ("reason", "cho-lau"),
                ("contact", "not a phone"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rating_count(&app).await, 0);

    // With a reason and a phone number to be called back on.
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[
                ("ticket_id", &t1),
                ("value", "3"),
                ("reason", "cho-lau"),
                ("reason", "huong-dan-khong-ro"),
                ("comment", "Chờ gần một tiếng\r\nmà không ai hướng dẫn"),
                ("contact", "0912 345 678"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(rating_count(&app).await, 1);
    // Locked again: a second rating of the same ticket is refused as already given (409, as
    // the rating link says), not as a window that ran out, and stores nothing.
    let page = tab.get(&format!("/may-danh-gia/{k1}")).await.text();
    assert!(page.contains("Xin kính chào quý khách"));
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t1), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let text = r.text();
    assert!(
        text.contains("đã được đánh giá") && !text.contains("Đã hết thời gian đánh giá"),
        "{text}"
    );
    assert_eq!(rating_count(&app).await, 1);

    // The head sees the recovery case with the contact; a supervisor sees it without; the
    // officer rated cannot open the office's cases.
    let office = app.office_id(TL).await;
    let head = app.token_client("tl.truong").await;
    let cases = head
        .get(&format!("/api/v1/offices/{office}/recovery-cases"))
        .await
        .json();
    assert_eq!(cases.as_array().unwrap().len(), 1, "{cases}");
    let case = &cases[0];
    assert_eq!(case["state"], "open");
    assert_eq!(case["contact"], "0912345678");
    assert_eq!(case["officer_name"], "Nguyễn Thị Lan");
    assert_eq!(
        case["rating"]["reasons"],
        json!(["Phải chờ lâu", "Hướng dẫn không rõ"])
    );
    // Two working days from Tuesday 10 March 2026.
    assert_eq!(case["due_date"], "2026-03-12");
    // Times are Vietnam local ISO times, as elsewhere in the API (not raw microseconds).
    let opened = case["opened_at"].as_str().expect("a string");
    assert!(
        opened.starts_with("2026-03-10T") && opened.len() == 19,
        "{opened}"
    );
    assert!(case["closed_at"].is_null());
    let sup = app.token_client("thanhtra").await;
    let province = app.office_id("DB").await;
    let seen = sup
        .get(&format!("/api/v1/offices/{province}/recovery-cases"))
        .await
        .json();
    assert_eq!(seen[0]["id"], case["id"]);
    assert_eq!(seen[0]["contact"], Value::Null);
    let r = desk
        .get(&format!("/api/v1/offices/{office}/recovery-cases"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let other = app.token_client("mn.truong").await;
    let r = other
        .get(&format!("/api/v1/offices/{office}/recovery-cases"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The officer sees their own rating and its reasons, never who gave it.
    let mine = desk.get("/api/v1/ratings/mine").await.json();
    assert_eq!(mine["total"]["n"], 1);
    assert_eq!(mine["total"]["satisfied"], 0);
    assert_eq!(mine["total"]["small_sample"], true);
    let line = &mine["ratings"][0];
    assert_eq!(line["label"], "Không hài lòng");
    assert_eq!(line["comment"], "Chờ gần một tiếng  mà không ai hướng dẫn");
    let text = mine.to_string();
    assert!(!text.contains(&t1) && !text.contains("0912345678") && !text.contains("A001"));

    // The window: a ticket finished more than 60 s ago can no longer be rated.
    let t2 = serve_one(&app, &desk, &k1, &a).await;
    app.advance_minutes(2);
    let page = tab.get(&format!("/may-danh-gia/{k1}")).await.text();
    assert!(page.contains("Xin kính chào quý khách"));
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t2), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rating_count(&app).await, 1);

    // An officer cannot rate themselves from their own session, even on a paired tablet.
    let t3 = serve_one(&app, &desk, &k1, &a).await;
    let mut own = app.login("tl.motcua1").await;
    own.extra_cookie = Some(device.clone());
    let r = own
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t3), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("không được tự đánh giá"));
    assert_eq!(rating_count(&app).await, 1);
    // The citizen can: a good score needs no reason and opens no case.
    let r = tab
        .post_form(
            &format!("/may-danh-gia/{k1}"),
            &[("ticket_id", &t3), ("value", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cases = head
        .get(&format!("/api/v1/offices/{office}/recovery-cases"))
        .await
        .json();
    assert_eq!(cases.as_array().unwrap().len(), 1);

    // The head records what was done; the case closes once.
    let case_id = case["id"].as_str().unwrap();
    let r = head
        .post_json(
            &format!("/api/v1/recovery-cases/{case_id}/close"),
            &json!({"called_back": true, "outcome": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "required");
    ok(
        &head,
        &format!("/api/v1/recovery-cases/{case_id}/close"),
        json!({"called_back": true, "outcome": "Đã gọi điện xin lỗi, bố trí thêm quầy giờ cao điểm"}),
    )
    .await;
    let r = head
        .post_json(
            &format!("/api/v1/recovery-cases/{case_id}/close"),
            &json!({"called_back": true, "outcome": "lần nữa"}),
        )
        .await;
    assert_eq!(r.error_code(), "recovery-case-closed");
    let cases = head
        .get(&format!(
            "/api/v1/offices/{office}/recovery-cases?open=true"
        ))
        .await
        .json();
    assert!(cases.as_array().unwrap().is_empty());

    // Every rating and action is in the audit chain.
    let v = congbo_app::audit::verify(app.db()).await.unwrap();
    assert!(matches!(v, congbo_app::audit::Verdict::Ok(_)));
});

app_test!(
    overdue_recovery_cases_are_flagged_for_the_supervisor,
    |app| {
        // Friday 6 March 2026: two working days later is Tuesday 10 March.
        app.set_local_time("2026-03-06T09:00");
        let (k1, a) = counter_and_group(&app, 1, "A").await;
        let device = pair(&app, &k1).await;
        let desk = app.token_client("tl.motcua1").await;
        ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
        let t = serve_one(&app, &desk, &k1, &a).await;
        let r = tablet(&app, &device)
            .post_form(
                &format!("/may-danh-gia/{k1}"),
                &[("ticket_id", &t), ("value", "3"), ("reason", "thai-do")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let sup = app.token_client("thanhtra").await;
        let province = app.office_id("DB").await;
        let path = format!("/api/v1/offices/{province}/recovery-cases?open=true");
        let c = sup.get(&path).await.json();
        assert_eq!(c[0]["due_date"], "2026-03-10");
        assert_eq!(c[0]["overdue"], false);
        app.set_local_time("2026-03-10T16:00");
        assert_eq!(
            sup.get(&path).await.json()[0]["overdue"],
            false,
            "due today"
        );
        app.set_local_time("2026-03-11T08:00");
        assert_eq!(sup.get(&path).await.json()[0]["overdue"], true);
        // The supervisor's page shows it as overdue; the supervisor cannot close it.
        let page = app.login("thanhtra").await;
        let html = page.get(&format!("/danh-gia?office={province}")).await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(html.text().contains("Quá hạn"));
        let id = c[0]["id"].as_str().unwrap();
        let r = sup
            .post_json(
                &format!("/api/v1/recovery-cases/{id}/close"),
                &json!({"called_back": false, "outcome": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

/// Đăng ký lại khai sinh: 5 working days.
const FIVE_DAYS: &str = "1.004884";

async fn new_dossier(desk: &Client<'_>) -> Value {
    let r = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": {
                "name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@example.vn",
                "notify": ["email"]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// Transfer, finish and return the dossier as the head.
async fn return_dossier(head: &Client<'_>, id: &str) {
    for (action, body) in [
        ("transfer", json!({"to_step": 2})),
        ("finish", json!({})),
        ("return", json!({})),
    ] {
        let r = head
            .post_json(&format!("/api/v1/dossiers/{id}/{action}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.text());
    }
}

async fn token_of(app: &TestApp, id: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let d = congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    congbo_app::links::rating_token(d.id, &d.secret)
}

app_test!(a_dossier_is_rated_once_through_its_link, |app| {
    app.set_local_time("2026-03-10T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let d = new_dossier(&desk).await;
    let id = d["id"].as_str().unwrap();
    let code = d["code"].as_str().unwrap();
    let token = token_of(&app, id).await;

    // The receipt (Form 01) carries the link.
    let page = app.login("tl.motcua1").await;
    let form = page.get(&format!("/ho-so/{id}/mau/01")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains(&format!("/danh-gia/{code}?t={token}")));

    // So does the public lookup (code and secret).
    let secret = {
        let mut tx = app.db().read().await.unwrap();
        let d = congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        d.secret
    };
    let found = app
        .anon()
        .get(&format!(
            "/api/v1/public/dossiers?code={code}&secret={secret}"
        ))
        .await
        .json();
    assert!(
        found["rating_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/danh-gia/{code}?t={token}"))
    );

    // A forged token or an unknown code: not found, nothing stored.
    let r = app
        .anon()
        .get(&format!(
            "/api/v1/public/dossier-ratings/{code}?t=0123456789abcdef0123"
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "rating-token-invalid");
    let r = app
        .anon()
        .post_json(
            &format!("/api/v1/public/dossier-ratings/{code}?t=forged"),
            &json!({"overall": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let info = app
        .anon()
        .get(&format!("/api/v1/public/dossier-ratings/{code}?t={token}"))
        .await
        .json();
    assert_eq!(info["scale"], "level3");
    assert_eq!(info["already_rated"], false);

    // Bad input: a value off the scale, trips out of range, a low score with no reason.
    let path = format!("/api/v1/public/dossier-ratings/{code}?t={token}");
    for (body, code_) in [
        (json!({"overall": 7}), "rating-value-range"),
        (json!({"overall": 1, "trips": 9}), "rating-trips-range"),
        (
            json!({"overall": 1, "attitude": 3}),
            "rating-reasons-required",
        ),
    ] {
        let r = app.anon().post_json(&path, &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.error_code(), code_);
    }
    assert_eq!(rating_count(&app).await, 0);

    // The officer who received it cannot rate it from their session.
    let r = page
        .post_form(&format!("/danh-gia/{code}?t={token}"), &[("overall", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rating_count(&app).await, 0);

    // The citizen rates through the page: three criteria and the trips.
    let r = app
        .anon()
        .post_form(
            &format!("/danh-gia/{code}?t={token}"),
            &[
                ("overall", "1"),
                ("timeliness", "2"),
                ("attitude", "1"),
                ("trips", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(rating_count(&app).await, 3);
    // Once only.
    let r = app.anon().post_json(&path, &json!({"overall": 1})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "rating-already-given");
    assert_eq!(rating_count(&app).await, 3);
    let page_again = app
        .anon()
        .get(&format!("/danh-gia/{code}?t={token}"))
        .await
        .text();
    assert!(page_again.contains("Xin cảm ơn"));

    // The rating counts for the officer who received it.
    let mine = desk.get("/api/v1/ratings/mine").await.json();
    assert_eq!(mine["total"]["n"], 1, "overall only in totals");
    assert_eq!(mine["ratings"].as_array().unwrap().len(), 3);

    // The result notice carries the link; 30 days after the return it expires.
    let d2 = new_dossier(&desk).await;
    let id2 = d2["id"].as_str().unwrap();
    let code2 = d2["code"].as_str().unwrap();
    let token2 = token_of(&app, id2).await;
    let head = app.token_client("tl.truong").await;
    return_dossier(&head, id2).await;
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::outbox::for_dossier(&mut tx, id2.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ready = rows
        .iter()
        .find(|r| r.topic == "dossier.result-ready")
        .expect("result-ready notice");
    assert!(
        ready
            .body
            .contains(&format!("/danh-gia/{code2}?t={token2}"))
    );
    let path2 = format!("/api/v1/public/dossier-ratings/{code2}?t={token2}");
    app.advance_minutes(29 * 24 * 60);
    assert_eq!(app.anon().get(&path2).await.status, StatusCode::OK);
    app.advance_minutes(2 * 24 * 60);
    let r = app.anon().post_json(&path2, &json!({"overall": 1})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "rating-token-expired");
    assert_eq!(rating_count(&app).await, 3);
});

app_test!(figures_by_officer_with_indicator_and_corrections, |app| {
    app.set_local_time("2026-03-10T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let office = app.office_id(TL).await;
    // Three dossiers, each returned; one rated dissatisfied, two satisfied.
    let mut ids = vec![];
    for value in [1, 2, 3] {
        let d = new_dossier(&desk).await;
        let id = d["id"].as_str().unwrap().to_string();
        return_dossier(&head, &id).await;
        let token = token_of(&app, &id).await;
        let code = d["code"].as_str().unwrap();
        let body = if value == 3 {
            json!({"overall": 3, "reasons": ["thai-do"]})
        } else {
            json!({"overall": value})
        };
        let r = app
            .anon()
            .post_json(
                &format!("/api/v1/public/dossier-ratings/{code}?t={token}"),
                &body,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["recovery_case_opened"], value == 3);
        ids.push(r.json()["rating_id"].as_str().unwrap().to_string());
    }
    let f = head
        .get(&format!(
            "/api/v1/offices/{office}/satisfaction?from=2026-03-01&to=2026-03-31&by=officer"
        ))
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text());
    let f = f.json();
    assert_eq!(f["total"]["n"], 3);
    assert_eq!(f["total"]["satisfied"], 2);
    assert_eq!(f["total"]["satisfied_pct"], 66.67);
    assert_eq!(f["total"]["small_sample"], true);
    assert_eq!(f["total"]["mean_score"], 50.0);
    assert_eq!(f["lines"][0]["label"], "Nguyễn Thị Lan");
    assert_eq!(f["total"]["reasons"][0]["label"], "Thái độ không tôn trọng");
    // 5.4: none late, one of three disliked → 66.67% → 66.67/90 × 6 points.
    let i = &f["indicator_5_4"];
    assert_eq!(i["closed"], 3);
    assert_eq!(i["late"], 0);
    assert_eq!(i["disliked"], 1);
    assert_eq!(i["rate"], 66.67);
    assert_eq!(i["points"], 4.44);
    // Other breakdowns; an unknown one is refused.
    let by_proc = head
        .get(&format!(
            "/api/v1/offices/{office}/satisfaction?from=2026-03-01&by=procedure"
        ))
        .await
        .json();
    assert_eq!(by_proc["lines"][0]["key"], FIVE_DAYS);
    // The line carries the procedure's name, not only its code.
    let label = by_proc["lines"][0]["label"].as_str().unwrap_or_default();
    assert!(
        label.starts_with("Đăng ký lại khai sinh") && label.ends_with(&format!("({FIVE_DAYS})")),
        "{by_proc}"
    );
    let r = head
        .get(&format!("/api/v1/offices/{office}/satisfaction?by=colour"))
        .await;
    assert_eq!(r.error_code(), "rating-unknown-breakdown");
    let r = head
        .get(&format!(
            "/api/v1/offices/{office}/satisfaction?from=2026-13-01"
        ))
        .await;
    assert_eq!(r.error_code(), "invalid-date");
    // An officer without RatingRead, and another commune's head, are refused.
    let r = desk
        .get(&format!("/api/v1/offices/{office}/satisfaction"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .token_client("mn.truong")
        .await
        .get(&format!("/api/v1/offices/{office}/satisfaction"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Setting the low rating aside: a new record; the rating stays, figures drop it.
    let low = &ids[2];
    let r = head
        .post_json(
            &format!("/api/v1/ratings/{low}/set-aside"),
            &json!({"reason": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(
        &head,
        &format!("/api/v1/ratings/{low}/set-aside"),
        json!({"reason": "Người dân bấm nhầm, đã xác nhận qua điện thoại"}),
    )
    .await;
    let r = head
        .post_json(
            &format!("/api/v1/ratings/{low}/set-aside"),
            &json!({"reason": "lần hai"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(rating_count(&app).await, 3);
    let f = head
        .get(&format!(
            "/api/v1/offices/{office}/satisfaction?from=2026-03-01&to=2026-03-31"
        ))
        .await
        .json();
    assert_eq!(f["total"]["n"], 2);
    assert_eq!(f["total"]["satisfied_pct"], 100.0);
    assert_eq!(f["indicator_5_4"]["disliked"], 0);
    // The officer's own view drops it too.
    assert_eq!(
        desk.get("/api/v1/ratings/mine").await.json()["total"]["n"],
        2
    );
});

app_test!(settings_and_codes_of_conduct_are_validated, |app| {
    let office = app.office_id(TL).await;
    let head = app.token_client("tl.truong").await;
    let got = head
        .get(&format!("/api/v1/offices/{office}/rating-settings"))
        .await
        .json();
    assert_eq!(got["settings"]["scale"], "level3");
    assert_eq!(got["conduct_codes"].as_array().unwrap().len(), 4);
    let mut s = got["settings"].clone();

    // Bad settings: a clause of a code the office does not follow; zero days.
    let audit = app.audit_len().await;
    let mut bad = s.clone();
    bad["conduct_codes"] = json!(["5xin-3biet"]);
    let r = head
        .send(
            axum::http::Method::PUT,
            &format!("/api/v1/offices/{office}/rating-settings"),
            Some("application/json"),
            bad.to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "rating-unknown-conduct");
    bad = s.clone();
    bad["recovery_working_days"] = json!(0);
    let put = |body: Value| {
        let head = &head;
        async move {
            head.send(
                axum::http::Method::PUT,
                &format!("/api/v1/offices/{office}/rating-settings"),
                Some("application/json"),
                body.to_string().into_bytes(),
            )
            .await
        }
    };
    let r = put(bad).await;
    assert_eq!(r.json()["error"]["field"], "recovery_working_days");
    assert_eq!(app.audit_len().await, audit);

    // Five-star scale: stars ≤ 2 are low.
    s["scale"] = json!("stars5");
    let r = put(s.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let desk = app.token_client("tl.motcua1").await;
    let d = new_dossier(&desk).await;
    let token = token_of(&app, d["id"].as_str().unwrap()).await;
    let code = d["code"].as_str().unwrap();
    let path = format!("/api/v1/public/dossier-ratings/{code}?t={token}");
    assert_eq!(app.anon().get(&path).await.json()["values"][0][0], 5);
    let r = app.anon().post_json(&path, &json!({"overall": 2})).await;
    assert_eq!(r.error_code(), "rating-reasons-required");
    // A reception officer may not change the settings.
    let r = desk
        .send(
            axum::http::Method::PUT,
            &format!("/api/v1/offices/{office}/rating-settings"),
            Some("application/json"),
            s.to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Codes of conduct: the province's administrator adds one; a commune head cannot.
    let code_body = json!({
        "code": "ung-xu-xa-tl", "title": "Quy tắc ứng xử xã Thanh Luông",
        "issuer": "UBND xã Thanh Luông", "doc_ref": "Quyết định 12/QĐ-UBND",
        "effective_from": "2026-01-01",
        "items": [{"code": "deo-the", "text": "Đeo thẻ công chức trong giờ làm việc"}]
    });
    let r = head
        .send(
            axum::http::Method::PUT,
            "/api/v1/conduct-codes/ung-xu-xa-tl",
            Some("application/json"),
            code_body.to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let admin = app.token_client("quantri").await;
    let mut broken = code_body.clone();
    broken["items"] = json!([]);
    let r = admin
        .send(
            axum::http::Method::PUT,
            "/api/v1/conduct-codes/ung-xu-xa-tl",
            Some("application/json"),
            broken.to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.error_code(), "conduct-items");
    let r = admin
        .send(
            axum::http::Method::PUT,
            "/api/v1/conduct-codes/ung-xu-xa-tl",
            Some("application/json"),
            code_body.to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let codes = app.anon().get("/api/v1/conduct-codes").await.json();
    assert_eq!(codes.as_array().unwrap().len(), 5);
    // The office picks it and a reason cites its clause.
    s["conduct_codes"] = json!(["10-nguyen-tac", "ung-xu-xa-tl"]);
    s["reasons"].as_array_mut().unwrap().push(
        json!({"code": "khong-deo-the", "label": "Không đeo thẻ", "cites": "ung-xu-xa-tl/deo-the"}),
    );
    let r = put(s.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The settings page and pairing from it, for the head.
    let page = app.login("tl.truong").await;
    let html = page.get(&format!("/don-vi/{office}/danh-gia")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.text().contains("Quy tắc ứng xử xã Thanh Luông"));
});

app_test!(rating_reasons_cite_their_clause_by_its_text, |app| {
    // Issue 16 item 21: the settings page shows the clause a reason cites as people read it.
    let office = app.office_id("DB-TL").await;
    let head = app.login("tl.truong").await;
    let page = head.get(&format!("/don-vi/{office}/danh-gia")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("— «"),
        "a cited clause reads as its text: {html}"
    );
    assert!(!html.contains("— 10-nguyen-tac/"), "{html}");
});
