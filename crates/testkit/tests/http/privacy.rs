//! Personal data (issue 18): every view of an applicant's data is logged and the head can read
//! the log; a citizen proves who they are with a code sent to a contact on file and receives
//! their data with that log; consent to notices is recorded and withdrawable; corrections go to
//! the head with their legal deadlines. Bad input changes nothing.

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

/// Đăng ký lại khai sinh: 5 working days.
const FIVE_DAYS: &str = "1.004884";
const ID_NO: &str = "011203004567";

async fn create(c: &Client<'_>, id_no: &str, email: &str, notify: &[&str]) -> Value {
    let r = c
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": {
                "name": "Nguyễn Văn An", "id_number": id_no, "phone": "0912 345 678",
                "email": email, "address": "Bản Na Sang", "notify": notify}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// The code last sent to `to` (read from the outbox, as the mail would carry it).
async fn code_sent_to(app: &TestApp, to: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::outbox::due(&mut tx, i64::MAX, 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let body = rows
        .iter()
        .rev()
        .find(|m| m.topic == "privacy.code" && m.recipient == to)
        .map(|m| m.body.clone())
        .expect("a code was sent");
    body.split_whitespace()
        .find(|w| {
            w.trim_end_matches('.').len() == 6
                && w.trim_end_matches('.').chars().all(|c| c.is_ascii_digit())
        })
        .expect("six digits")
        .trim_end_matches('.')
        .to_string()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.count_rows(table).await
}

/// The id of the first request on the head's list.
fn first_request(html: &str) -> String {
    html.split("/du-lieu-ca-nhan/yeu-cau/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// A citizen's client with the export open (the code typed); returns the export's path.
async fn open_export<'a>(app: &'a TestApp, contact: &str) -> (Client<'a>, String) {
    let mut citizen = app.anon();
    let r = citizen
        .post_form(
            "/du-lieu-cua-toi",
            &[("id_number", ID_NO), ("contact", contact)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let confirm = r.header("location").unwrap().to_string();
    assert!(confirm.ends_with("/xac-nhan"), "{confirm}");
    let page = citizen.get(&confirm).await.text();
    assert!(page.contains("a***@example.vn"), "masked contact: {page}");
    let code = code_sent_to(app, contact).await;
    let r = citizen.post_form(&confirm, &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("congbo_dulieu="))
        .expect("export cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(
        r.headers.get_all("set-cookie").iter().any(|v| {
            let v = v.to_str().unwrap_or("");
            v.contains("HttpOnly") && v.contains("Path=/du-lieu-cua-toi/")
        }),
        "the export cookie is HttpOnly and scoped to the request"
    );
    citizen.extra_cookie = Some(cookie);
    let base = confirm.trim_end_matches("/xac-nhan").to_string();
    (citizen, base)
}

app_test!(
    every_view_of_an_applicants_data_is_logged_for_the_head,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.login("tl.motcua1").await;
        let api = app.token_client("tl.motcua1").await;
        let d = create(&api, ID_NO, "an@example.vn", &[]).await;
        let id = d["id"].as_str().unwrap();
        // The page, Form 01 and the API each show the applicant's data: three rows.
        assert_eq!(
            desk.get(&format!("/ho-so/{id}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            desk.get(&format!("/ho-so/{id}/mau/01")).await.status,
            StatusCode::OK
        );
        let before = count(&app, "access_log").await;
        assert_eq!(
            api.get(&format!("/api/v1/dossiers/{id}")).await.status,
            StatusCode::OK
        );
        assert_eq!(count(&app, "access_log").await, before + 1);
        // Lists show names only and are not logged.
        assert_eq!(desk.get("/ho-so").await.status, StatusCode::OK);
        assert_eq!(count(&app, "access_log").await, before + 1);

        // The desk may not read the log (it sees the dossier, so: forbidden), nor is it linked.
        let page = desk.get(&format!("/ho-so/{id}")).await.text();
        assert!(!page.contains("access-log-link"), "{page}");
        let r = desk.get(&format!("/ho-so/{id}/truy-cap")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The head reads it: who, through what, which fields.
        let head = app.login("tl.truong").await;
        let page = head.get(&format!("/ho-so/{id}")).await.text();
        assert!(page.contains("access-log-link"), "{page}");
        let log = head.get(&format!("/ho-so/{id}/truy-cap")).await;
        assert_eq!(log.status, StatusCode::OK);
        let html = log.text();
        assert!(html.contains("Nguyễn Thị Lan"), "{html}");
        for via in ["Trang hồ sơ", "In Mẫu 01", "Phần mềm kết nối (API)"] {
            assert!(html.contains(via), "{via}: {html}");
        }
        assert!(
            html.contains("họ tên, số định danh, địa chỉ, điện thoại, thư điện tử"),
            "{html}"
        );
        // Another commune's head does not see the dossier at all.
        let other = app.login("mn.truong").await;
        assert_eq!(
            other.get(&format!("/ho-so/{id}/truy-cap")).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

app_test!(a_citizen_receives_their_data_and_who_viewed_it, |app| {
    app.set_local_time("2026-03-02T09:00");
    let api = app.token_client("tl.motcua1").await;
    let d = create(&api, ID_NO, "An@Example.vn", &["email"]).await;
    let id = d["id"].as_str().unwrap();
    let code = d["code"].as_str().unwrap().to_string();
    // A relative's dossier under the same number but another contact stays out.
    let other = create(&api, ID_NO, "em@example.vn", &[]).await;
    let desk = app.login("tl.motcua1").await;
    desk.get(&format!("/ho-so/{id}")).await;

    let (citizen, base) = open_export(&app, "an@example.vn").await;
    let page = citizen.get(&base).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&code), "{html}");
    assert!(!html.contains(other["code"].as_str().unwrap()), "{html}");
    assert!(
        html.contains("Bản Na Sang") && html.contains("0912345678"),
        "{html}"
    );
    // The access log names the officer who opened the dossier.
    assert!(
        html.contains("Nguyễn Thị Lan") && html.contains("Trang hồ sơ"),
        "{html}"
    );
    // The consent to e-mail notices, with its notice version.
    assert!(html.contains("Nhận thông báo về hồ sơ (email)"), "{html}");

    // The same as a JSON file.
    let file = citizen.get(&format!("{base}/tai-ve")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let x = file.json();
    assert_eq!(x["dossiers"].as_array().unwrap().len(), 1);
    assert_eq!(x["dossiers"][0]["applicant"]["id_number"], ID_NO);
    assert_eq!(x["access_log"][0]["who"], "Nguyễn Thị Lan");
    assert_eq!(x["consents"][0]["purpose"], "notify");

    // Without the cookie (another device) the export is closed; after 30 minutes too.
    let stranger = app.anon();
    let r = stranger.get(&base).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.advance_minutes(31);
    assert_eq!(citizen.get(&base).await.status, StatusCode::NOT_FOUND);
});

app_test!(
    another_persons_data_is_refused_and_nothing_is_written,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let api = app.token_client("tl.motcua1").await;
        create(&api, ID_NO, "an@example.vn", &[]).await;
        let before = (app.audit_len().await, count(&app, "privacy_requests").await);
        // The right number with someone else's e-mail: refused, next to the contact field, kept.
        let r = app
            .anon()
            .post_form(
                "/du-lieu-cua-toi",
                &[("id_number", ID_NO), ("contact", "ke.gian@example.vn")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("Không có hồ sơ nào mang số định danh này"),
            "{html}"
        );
        assert!(html.contains(r#"id="err-contact""#), "{html}");
        assert!(html.contains(&format!("value=\"{ID_NO}\"")), "{html}");
        assert!(html.contains("value=\"ke.gian@example.vn\""), "{html}");
        // A malformed number.
        let r = app
            .anon()
            .post_form(
                "/du-lieu-cua-toi",
                &[("id_number", "12ab"), ("contact", "an@example.vn")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="err-id_number""#));
        assert_eq!(
            (app.audit_len().await, count(&app, "privacy_requests").await),
            before,
            "nothing written"
        );

        // A wrong code is counted; after five the request is locked even for the right code.
        let r = app
            .anon()
            .post_form(
                "/du-lieu-cua-toi",
                &[("id_number", ID_NO), ("contact", "an@example.vn")],
            )
            .await;
        let confirm = r.header("location").unwrap().to_string();
        let right = code_sent_to(&app, "an@example.vn").await;
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let r = app.anon().post_form(&confirm, &[("code", wrong)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Mã xác nhận không đúng"));
        for _ in 0..4 {
            app.anon().post_form(&confirm, &[("code", wrong)]).await;
        }
        let r = app.anon().post_form(&confirm, &[("code", &right)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("sai quá nhiều lần"), "{}", r.text());
    }
);

app_test!(a_withdrawn_consent_stops_the_notices, |app| {
    app.set_local_time("2026-03-02T09:00");
    let api = app.token_client("tl.motcua1").await;
    let d = create(&api, ID_NO, "an@example.vn", &["email", "sms"]).await;
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(count(&app, "consents").await, 1);
    let (citizen, base) = open_export(&app, "an@example.vn").await;
    let x = citizen.get(&format!("{base}/tai-ve")).await.json();
    let consent = x["consents"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(x["consents"][0]["detail"], "email,sms");

    // An unknown consent: not found, nothing changed.
    let before = app.audit_len().await;
    let r = citizen
        .post_form(&format!("{base}/dong-y/{}/rut", uuid::Uuid::now_v7()), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_len().await, before);

    let r = citizen
        .post_form(&format!("{base}/dong-y/{consent}/rut"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let x = citizen.get(&format!("{base}/tai-ve")).await.json();
    assert!(x["consents"][0]["withdrawn_at"].is_string());
    assert_eq!(x["dossiers"][0]["notify"], "");
    // Twice: refused.
    let r = citizen
        .post_form(&format!("{base}/dong-y/{consent}/rut"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The result is ready: no notice goes to the citizen any more.
    let mut tx = app.db().read().await.unwrap();
    let before = congbo_store::repo::outbox::for_dossier(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .len();
    tx.commit().await.unwrap();
    let specialist = app.user_id("tl.chuyenvien").await;
    let r = api
        .post_json(
            &format!("/api/v1/dossiers/{id}/transfer"),
            &json!({"assignee_id": specialist}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let sp = app.token_client("tl.chuyenvien").await;
    let r = sp
        .post_json(&format!("/api/v1/dossiers/{id}/finish"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut tx = app.db().read().await.unwrap();
    let after = congbo_store::repo::outbox::for_dossier(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .len();
    tx.commit().await.unwrap();
    assert_eq!(after, before, "no notice after the consent was withdrawn");
});

app_test!(a_correction_goes_to_the_head_with_its_deadlines, |app| {
    // Friday 6 March 2026: acknowledged by Tuesday 10 March, answered by 21 March.
    app.set_local_time("2026-03-06T09:00");
    let api = app.token_client("tl.motcua1").await;
    create(&api, ID_NO, "an@example.vn", &[]).await;
    let (citizen, base) = open_export(&app, "an@example.vn").await;
    // Too short: kept, next to the field, nothing filed.
    let r = citizen
        .post_form(
            &format!("{base}/yeu-cau"),
            &[("kind", "rectify"), ("detail", "ab")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r#"id="err-detail""#), "{}", r.text());
    let r = citizen
        .post_form(
            &format!("{base}/yeu-cau"),
            &[
                ("kind", "rectify"),
                ("detail", "Địa chỉ đúng là Bản Na Sang 2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // The desk has no such list; the head has it, with the deadlines.
    let desk = app.login("tl.motcua1").await;
    assert_eq!(
        desk.get("/du-lieu-ca-nhan").await.status,
        StatusCode::FORBIDDEN
    );
    let head = app.login("tl.truong").await;
    let html = head.get("/du-lieu-ca-nhan").await.text();
    assert!(html.contains("Địa chỉ đúng là Bản Na Sang 2"), "{html}");
    assert!(
        html.contains("10/03/2026") && html.contains("21/03/2026"),
        "{html}"
    );
    let req = first_request(&html);
    // Extended once, with a reason the citizen is told: 21/03 → 05/04.
    let ext = format!("/du-lieu-ca-nhan/yeu-cau/{req}/gia-han");
    let r = head.post_form(&ext, &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r#"id="err-reason""#), "{}", r.text());
    let other = app.login("mn.truong").await;
    let r = other
        .post_form(&ext, &[("reason", "Cần xác minh thêm")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = head
        .post_form(&ext, &[("reason", "Cần xác minh giấy tờ gốc")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = head.get("/du-lieu-ca-nhan").await.text();
    assert!(
        html.contains("05/04/2026") && !html.contains("21/03/2026"),
        "{html}"
    );
    assert!(html.contains("Đã gia hạn một lần."), "{html}");
    let r = head
        .post_form(&ext, &[("reason", "Lần gia hạn thứ hai")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("đã được gia hạn một lần"), "{}", r.text());
    // Another commune's head cannot answer it.
    let r = other
        .post_form(
            &format!("/du-lieu-ca-nhan/yeu-cau/{req}"),
            &[("outcome", "done"), ("answer", "Đã sửa địa chỉ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = head
        .post_form(
            &format!("/du-lieu-ca-nhan/yeu-cau/{req}"),
            &[
                ("outcome", "done"),
                ("answer", "Đã sửa địa chỉ trong hồ sơ"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // The citizen is told at the contact they confirmed, and sees the answer.
    let mut tx = app.db().read().await.unwrap();
    let sent = congbo_store::repo::outbox::due(&mut tx, i64::MAX, 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(sent.iter().any(|m| m.topic == "privacy.extended"
        && m.recipient == "an@example.vn"
        && m.body.contains("05/04/2026")));
    assert!(sent.iter().any(|m| m.topic == "privacy.answer"
        && m.recipient == "an@example.vn"
        && m.body.contains("Đã sửa địa chỉ trong hồ sơ")));
    let x = citizen.get(&format!("{base}/tai-ve")).await.json();
    assert_eq!(x["requests"][0]["state"], "done");
    // Answered twice: refused.
    let r = head
        .post_form(
            &format!("/du-lieu-ca-nhan/yeu-cau/{req}"),
            &[("outcome", "refused"), ("answer", "Lần hai")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

app_test!(
    a_granted_erasure_clears_the_contacts_and_keeps_the_dossier,
    |app| {
        app.set_local_time("2026-03-06T09:00");
        let api = app.token_client("tl.motcua1").await;
        let d = create(&api, ID_NO, "an@example.vn", &["email", "sms"]).await;
        let id = d["id"].as_str().unwrap().to_string();
        let (citizen, base) = open_export(&app, "an@example.vn").await;
        let r = citizen
            .post_form(
                &format!("{base}/yeu-cau"),
                &[
                    ("kind", "erase"),
                    ("detail", "Xin xoá số điện thoại và thư điện tử của tôi"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let head = app.login("tl.truong").await;
        let html = head.get("/du-lieu-ca-nhan").await.text();
        let req = html
            .split("/du-lieu-ca-nhan/yeu-cau/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        // Without an answer text: refused next to the field, nothing erased.
        let r = head
            .post_form(
                &format!("/du-lieu-ca-nhan/yeu-cau/{req}"),
                &[("outcome", "done"), ("answer", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="err-answer""#), "{}", r.text());
        let r = head
            .post_form(
                &format!("/du-lieu-ca-nhan/yeu-cau/{req}"),
                &[
                    ("outcome", "done"),
                    ("answer", "Đã xoá số điện thoại và thư điện tử"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        // The dossier stays, with the name and number; the contacts and the consent are gone.
        let got = api.get(&format!("/api/v1/dossiers/{id}")).await.json();
        assert_eq!(got["applicant"]["name"], "Nguyễn Văn An");
        assert_eq!(got["applicant"]["id_number"], ID_NO);
        assert!(got["applicant"]["phone"].is_null(), "{got}");
        assert!(got["applicant"]["email"].is_null(), "{got}");
        let mut tx = app.db().read().await.unwrap();
        let shard = congbo_domain::office::OfficePath::from_stored(
            congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
                .await
                .unwrap()
                .unwrap()
                .office_path,
        )
        .shard_key();
        let k = congbo_store::repo::privacy::consent_of_record(
            &mut tx,
            shard,
            id.parse().unwrap(),
            "notify",
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(k.withdrawn_via.as_deref(), Some("officer"));
    }
);
