//! Feedback and complaints through the API and pages, on both backends: a conduct complaint
//! goes to the officer's superior and never reaches the officer; the sender's identity is seen
//! only by designated roles with each view logged; deadlines in working days; answers
//! published without personal data; the sender's verdict and one reopening; the officer's
//! record; attachments checked by content; a flood refused; staff entry; and figures.

use axum::http::{Method, StatusCode};
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 2, 3,
];

async fn send_public(app: &TestApp, body: Value) -> Value {
    let r = app.anon().post_json("/api/v1/public/feedback", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

async fn case_count(app: &TestApp) -> i64 {
    let sql = "SELECT COUNT(*) FROM feedback_cases";
    match app.db() {
        congbo_store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        congbo_store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

app_test!(
    a_conduct_complaint_goes_to_the_superior_never_to_the_officer,
    |app| {
        app.set_local_time("2026-03-10T09:00");
        let pho = app.user_id("tl.pho").await;
        let r = send_public(
        &app,
        json!({"office_code": TL, "category": "conduct", "officer_id": pho,
               "clause": "10-nguyen-tac/chao-hoi", "reference": "A012",
               "content": "Cán bộ không chào hỏi, quát người dân.\nTôi là Trần Thị Bình, 0912345678."}),
    )
    .await;
        let (id, code, secret) = (
            r["id"].as_str().unwrap().to_string(),
            r["code"].as_str().unwrap().to_string(),
            r["secret"].as_str().unwrap().to_string(),
        );
        assert!(code.starts_with("DB-TL-PA-260310-"), "{code}");
        assert_eq!(r["answer_due"], "2026-03-31");

        // The officer complained about (a deputy, who reads the office's cases) cannot see it.
        let accused = app.token_client("tl.pho").await;
        let r = accused.get(&format!("/api/v1/feedback/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let list = accused.get("/api/v1/feedback").await.json();
        assert!(
            !list.to_string().contains(&code),
            "not in the accused's list"
        );
        let r = accused
            .post_json(&format!("/api/v1/feedback/{id}/accept"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = app.login("tl.pho").await;
        assert_eq!(
            page.get(&format!("/phan-anh/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        // Another commune's head cannot either.
        let other = app.token_client("mn.truong").await;
        assert_eq!(
            other.get(&format!("/api/v1/feedback/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // The superior (head) handles it: accept, answer (upheld), publish.
        let head = app.token_client("tl.truong").await;
        let v = head.get(&format!("/api/v1/feedback/{id}")).await.json();
        assert_eq!(v["state"], "received");
        // The clause reads as its text, not as an identifier (issue 16 item 21).
        let page = app
            .login("tl.truong")
            .await
            .get(&format!("/phan-anh/{id}"))
            .await
            .text();
        assert!(page.contains("«Dân đến được chào hỏi»"), "{page}");
        assert!(!page.contains(": 10-nguyen-tac/chao-hoi<"), "{page}");
        assert_eq!(v["officer_name"], "Quàng Thị Mai");
        assert_eq!(
            v["actions"],
            json!(["accept", "refuse", "forward", "request-info", "disclose"])
        );
        ok(&head, &format!("/api/v1/feedback/{id}/accept"), json!({})).await;
        let r = head
            .post_json(
                &format!("/api/v1/feedback/{id}/answer"),
                &json!({"text": "Đã làm rõ, phê bình cán bộ."}),
            )
            .await;
        assert_eq!(r.error_code(), "feedback-upheld-required");
        let v = ok(
        &head,
        &format!("/api/v1/feedback/{id}/answer"),
        json!({"text": "Cơ quan đã làm việc với bà Quàng Thị Mai; phản ánh đúng, đã phê bình và xin lỗi ông/bà.", "upheld": true}),
    )
    .await;
        assert_eq!(v["state"], "answered");
        assert_eq!(v["answered_on_time"], true);
        assert_eq!(v["publish_due"], "2026-03-12");
        // The upheld complaint is on the officer's record, with its clause.
        let record = app
            .token_client("tl.pho")
            .await
            .get(&format!("/api/v1/staff/{pho}/conduct-record"))
            .await
            .json();
        assert_eq!(record[0]["kind"], "conduct-upheld");
        assert_eq!(record[0]["clause"], "10-nguyen-tac/chao-hoi");
        ok(&head, &format!("/api/v1/feedback/{id}/publish"), json!({})).await;

        // Published without personal data: the sender's name and phone and the officer's name.
        let answers = app
            .anon()
            .get("/api/v1/public/feedback-answers?q=chao%20hoi")
            .await
            .json();
        let a = &answers[0];
        assert_eq!(a["code"], code.as_str());
        let text = a.to_string();
        for personal in ["Trần Thị Bình", "0912345678", "Quàng Thị Mai"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
        assert!(a["question"].as_str().unwrap().contains("không chào hỏi"));
        let html = app
            .anon()
            .get("/phan-anh/cong-khai?q=quat%20nguoi%20dan")
            .await
            .text();
        assert!(html.contains(&code) && !html.contains("0912345678"));

        // The sender reads the answer with the code and secret; a wrong secret is not found.
        let f = app
            .anon()
            .get(&format!("/api/v1/public/feedback/{code}?k={secret}"))
            .await
            .json();
        assert_eq!(f["state"], "published");
        assert!(f["answer"].as_str().unwrap().contains("phản ánh đúng"));
        let r = app
            .anon()
            .get(&format!("/api/v1/public/feedback/{code}?k=AAAAAAAA"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Not helpful → reopened once; the second time it is refused.
        let path = |a: &str| format!("/api/v1/public/feedback/{code}/{a}?k={secret}");
        let r = app.anon().post_json(&path("reopen"), &json!({})).await;
        assert_eq!(r.error_code(), "feedback-verdict-first");
        let v = ok(&app.anon(), &path("helpful"), json!({"helpful": false})).await;
        assert_eq!(v["may_reopen"], true);
        let v = ok(
            &app.anon(),
            &path("reopen"),
            json!({"text": "Tôi chưa được xin lỗi."}),
        )
        .await;
        assert_eq!(v["state"], "accepted");
        ok(
            &head,
            &format!("/api/v1/feedback/{id}/answer"),
            json!({"text": "Đã xin lỗi trực tiếp.", "upheld": true}),
        )
        .await;
        ok(&head, &format!("/api/v1/feedback/{id}/publish"), json!({})).await;
        ok(&app.anon(), &path("helpful"), json!({"helpful": false})).await;
        let r = app.anon().post_json(&path("reopen"), &json!({})).await;
        assert_eq!(r.error_code(), "feedback-reopen-limit");

        // Disclosed, the officer may read the case, never the sender.
        ok(&head, &format!("/api/v1/feedback/{id}/disclose"), json!({})).await;
        let v = accused.get(&format!("/api/v1/feedback/{id}")).await;
        assert_eq!(v.status, StatusCode::OK);
        assert_eq!(v.json()["actions"], json!([]));
        let r = accused
            .post_json(
                &format!("/api/v1/feedback/{id}/identity"),
                &json!({"reason": "Muốn biết ai"}),
            )
            .await;
        assert_ne!(r.status, StatusCode::OK);

        // A complaint about the head goes to the office above, out of the head's sight.
        let head_id = app.user_id("tl.truong").await;
        let r = send_public(
            &app,
            json!({"office_code": TL, "category": "conduct", "officer_id": head_id,
               "content": "Chủ tịch xã không tiếp dân đúng lịch."}),
        )
        .await;
        let about_head = r["id"].as_str().unwrap();
        assert_eq!(
            head.get(&format!("/api/v1/feedback/{about_head}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let sup = app.token_client("thanhtra").await;
        let v = sup
            .get(&format!("/api/v1/feedback/{about_head}"))
            .await
            .json();
        assert_eq!(v["handler_office_name"], "Tỉnh Điện Biên");

        let v = congbo_app::audit::verify(app.db()).await.unwrap();
        assert!(matches!(v, congbo_app::audit::Verdict::Ok(_)));
    }
);

app_test!(
    identity_is_seen_by_designated_roles_and_every_view_is_logged,
    |app| {
        app.set_local_time("2026-03-10T09:00");
        let withheld = send_public(
            &app,
            json!({"office_code": TL, "category": "procedure", "privacy": "withheld",
               "name": "Lê Văn Cường", "contact": "0987 654 321",
               "content": "Thủ tục chứng thực phải đi lại nhiều lần."}),
        )
        .await;
        let id = withheld["id"].as_str().unwrap();
        // Named or withheld needs a name or a contact.
        let r = app
            .anon()
            .post_json(
                "/api/v1/public/feedback",
                &json!({"office_code": TL, "category": "procedure", "privacy": "named",
                    "content": "Không để lại gì cả nhưng chọn có tên."}),
            )
            .await;
        assert_eq!(r.error_code(), "feedback-needs-contact");

        // Nobody's view of the case carries the identity.
        let pho = app.token_client("tl.pho").await;
        let head = app.token_client("tl.truong").await;
        for c in [&pho, &head] {
            let t = c.get(&format!("/api/v1/feedback/{id}")).await.text();
            assert!(
                !t.contains("Lê Văn Cường") && !t.contains("0987654321"),
                "{t}"
            );
        }
        // Withheld: a deputy who handles it may not see who sent it; the head may, with a reason.
        let r = pho
            .post_json(
                &format!("/api/v1/feedback/{id}/identity"),
                &json!({"reason": "Để gọi lại"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = head
            .post_json(
                &format!("/api/v1/feedback/{id}/identity"),
                &json!({"reason": "x"}),
            )
            .await;
        assert_eq!(r.error_code(), "reason-required");
        let who = ok(
            &head,
            &format!("/api/v1/feedback/{id}/identity"),
            json!({"reason": "Gọi điện hẹn lịch làm việc"}),
        )
        .await;
        assert_eq!(who["name"], "Lê Văn Cường");
        assert_eq!(who["contact"], "0987654321");
        let log = head
            .get(&format!("/api/v1/feedback/{id}/identity-log"))
            .await
            .json();
        assert_eq!(log.as_array().unwrap().len(), 1);
        assert_eq!(log[0]["by"], "Lò Văn Thắng");
        assert_eq!(log[0]["reason"], "Gọi điện hẹn lịch làm việc");
        // The view is in the audit log too, without the identity itself.
        let audit = app
            .token_client("thanhtra")
            .await
            .get("/api/v1/audit?action=feedback.identity-view")
            .await
            .text();
        assert!(audit.contains("Gọi điện hẹn lịch làm việc") && !audit.contains("Lê Văn Cường"));

        // Named: those handling it may see it (logged); anonymous keeps nothing.
        let named = send_public(
            &app,
            json!({"office_code": TL, "category": "procedure", "privacy": "named",
               "name": "Phạm Thu", "contact": "thu@example.vn",
               "content": "Đề nghị niêm yết phí chứng thực rõ hơn."}),
        )
        .await;
        let nid = named["id"].as_str().unwrap();
        let who = ok(
            &pho,
            &format!("/api/v1/feedback/{nid}/identity"),
            json!({"reason": "Trả lời qua thư điện tử"}),
        )
        .await;
        assert_eq!(who["contact"], "thu@example.vn");
        let anon = send_public(
            &app,
            json!({"office_code": TL, "category": "procedure", "name": "Bỏ qua",
               "content": "Ẩn danh thì không lưu tên dù có gửi."}),
        )
        .await;
        let aid = anon["id"].as_str().unwrap();
        let r = head
            .post_json(
                &format!("/api/v1/feedback/{aid}/identity"),
                &json!({"reason": "Thử xem tên"}),
            )
            .await;
        assert_eq!(r.error_code(), "feedback-anonymous");
        // The supervisor (inspector) may see a withheld identity too.
        let who = ok(
            &app.token_client("thanhtra").await,
            &format!("/api/v1/feedback/{id}/identity"),
            json!({"reason": "Thanh tra xác minh"}),
        )
        .await;
        assert_eq!(who["name"], "Lê Văn Cường");

        // Senders who left a contact are told when the office asks them something or answers;
        // anonymous ones are not (they follow the case themselves).
        ok(
            &head,
            &format!("/api/v1/feedback/{id}/request-info"),
            json!({"text": "Ông cho biết ngày nộp hồ sơ."}),
        )
        .await;
        for k in [nid, aid] {
            ok(&head, &format!("/api/v1/feedback/{k}/accept"), json!({})).await;
            ok(
                &head,
                &format!("/api/v1/feedback/{k}/answer"),
                json!({"text": "Đã niêm yết lại phí chứng thực."}),
            )
            .await;
        }
        let mut tx = app.db().read().await.unwrap();
        let rows = congbo_store::repo::outbox::due(&mut tx, i64::MAX, 100)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let sent: Vec<(String, String, String)> = rows
            .iter()
            .filter(|r| r.topic.starts_with("feedback."))
            .map(|r| (r.topic.clone(), r.channel.clone(), r.recipient.clone()))
            .collect();
        assert_eq!(
            sent,
            vec![
                (
                    "feedback.info-requested".into(),
                    "sms".into(),
                    "0987654321".into()
                ),
                (
                    "feedback.answered".into(),
                    "email".into(),
                    "thu@example.vn".into()
                ),
            ]
        );
        let answered = rows
            .iter()
            .find(|r| r.topic == "feedback.answered")
            .unwrap();
        let code = named["code"].as_str().unwrap();
        assert_eq!(
            answered.subject,
            format!("Phản ánh {code} đã có câu trả lời")
        );
        assert!(
            answered
                .body
                .contains(&format!("/phan-anh/theo-doi?ma={code}&k="))
        );
    }
);

/// The script in the content is there as escaped text, never as a tag.
fn escaped(html: &str) -> bool {
    !html.contains("<script>alert")
        && (html.contains("&lt;script&gt;alert") || html.contains("&#60;script&#62;alert"))
}

/// A multipart body with text fields and files: (content type, body).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let b = "----congbo-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

app_test!(
    the_form_checks_attachments_by_content_and_shows_text_as_text,
    |app| {
        app.set_local_time("2026-03-10T09:00");
        let fields = [
            ("office_code", TL),
            ("category", "conduct"),
            ("privacy", "anonymous"),
            (
                "content",
                "Cán bộ <script>alert('x')</script> gây phiền hà, xem ảnh.",
            ),
        ];
        let send = |files: Vec<(&'static str, &'static str, Vec<u8>)>| {
            let app = &app;
            async move {
                let files: Vec<(&str, &str, &[u8])> = files
                    .iter()
                    .map(|(k, n, b)| (*k, *n, b.as_slice()))
                    .collect();
                let (ct, body) = multipart(&fields, &files);
                app.anon()
                    .send(Method::POST, "/phan-anh/gui", Some(&ct), body)
                    .await
            }
        };
        // A script named .jpg, and a file over 5 MB: refused with the reason, nothing stored.
        let r = send(vec![(
            "attachments",
            "anh.jpg",
            b"#!/bin/sh\necho pwned".to_vec(),
        )])
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF"));
        let mut big = JPEG.to_vec();
        big.resize(5 * 1024 * 1024 + 1, 7);
        let r = send(vec![("attachments", "to.jpg", big)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("vượt quá 5 MB"));
        assert_eq!(case_count(&app).await, 0);

        // A real photo: received, the follow page shows the code and secret.
        let r = send(vec![("attachments", "anh chup.jpg", JPEG.to_vec())]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let loc = r.header("location").unwrap().to_string();
        assert!(loc.starts_with("/phan-anh/theo-doi?ma=DB-TL-PA-"), "{loc}");
        let page = app.anon().get(&loc).await.text();
        assert!(page.contains("id=\"case-secret\""));
        // The script in the text is shown as text, never run.
        assert!(escaped(&page), "shown as text");

        // The head sees the attachment with its hash and downloads it as it was.
        let head = app.token_client("tl.truong").await;
        let list = head.get("/api/v1/feedback").await.json();
        let id = list[0]["id"].as_str().unwrap();
        let v = head.get(&format!("/api/v1/feedback/{id}")).await.json();
        let a = &v["attachments"][0];
        assert_eq!(a["mime"], "image/jpeg");
        assert_eq!(a["filename"], "anh_chup.jpg");
        assert_eq!(a["sha256"], congbo_app::feedback::content_hash(JPEG));
        let page = app.login("tl.truong").await;
        let file = page
            .get(&format!("/phan-anh/tep/{}", a["id"].as_str().unwrap()))
            .await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body, JPEG);
        assert_eq!(file.header("content-type"), Some("image/jpeg"));
        assert!(
            file.header("content-disposition")
                .unwrap()
                .starts_with("attachment")
        );
        let html = page.get(&format!("/phan-anh/{id}")).await.text();
        assert!(escaped(&html), "shown as text");
        // An officer of another commune cannot download it.
        let other = app.login("mn.truong").await;
        let r = other
            .get(&format!("/phan-anh/tep/{}", a["id"].as_str().unwrap()))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

app_test!(
    a_flood_from_one_address_is_refused_with_a_clear_message,
    |app| {
        for i in 0..5 {
            send_public(
                &app,
                json!({"office_code": TL, "category": "procedure",
                   "content": format!("Phản ánh số {i} về thủ tục.")}),
            )
            .await;
        }
        let r = app
        .anon()
        .post_json(
            "/api/v1/public/feedback",
            &json!({"office_code": TL, "category": "procedure", "content": "Thêm một phản ánh nữa."}),
        )
        .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.error_code(), "rate-limited");
        assert_eq!(case_count(&app).await, 5);
    }
);

app_test!(staff_entry_deadlines_steps_and_figures, |app| {
    // Friday 13 February 2026, the day before the Tết break.
    app.set_local_time("2026-02-13T09:00");
    let office = app.office_id(TL).await;
    let desk = app.token_client("tl.motcua1").await;
    let letter = ok(
        &desk,
        "/api/v1/feedback",
        json!({"office_id": office, "category": "procedure", "channel": "letter",
               "privacy": "named", "name": "Hoàng Văn Dũng", "address": "Bản Hát",
               "content": "Đơn đề nghị hướng dẫn thủ tục đăng ký khai sinh muộn."}),
    )
    .await;
    // Reference §6: 15 working days from Friday 13/2/2026, Tết skipped.
    assert_eq!(letter["answer_due"], "2026-03-13");
    // The public may not claim a letter.
    let r = app
        .anon()
        .post_json(
            "/api/v1/public/feedback",
            &json!({"office_code": TL, "category": "procedure", "channel": "letter",
                    "content": "Giả làm đơn thư gửi qua bưu điện."}),
        )
        .await;
    assert_eq!(r.error_code(), "feedback-unknown-channel");
    // Bad input changes nothing.
    let before = case_count(&app).await;
    for (body, code) in [
        (
            json!({"office_id": office, "category": "khac", "channel": "phone", "content": "Nội dung đủ dài rồi."}),
            "feedback-unknown-category",
        ),
        (
            json!({"office_id": office, "category": "procedure", "channel": "phone", "content": "ngắn"}),
            "too-short",
        ),
        (
            json!({"office_id": office, "category": "conduct", "channel": "phone", "clause": "khong-co/muc", "content": "Nội dung đủ dài rồi."}),
            "feedback-unknown-clause",
        ),
        (
            json!({"office_id": office, "category": "procedure", "channel": "phone", "privacy": "named", "contact": "12", "content": "Nội dung đủ dài rồi."}),
            "invalid-phone",
        ),
    ] {
        let r = desk.post_json("/api/v1/feedback", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.error_code(), code);
    }
    assert_eq!(case_count(&app).await, before);

    let head = app.token_client("tl.truong").await;
    let id = letter["id"].as_str().unwrap();
    let v = head.get(&format!("/api/v1/feedback/{id}")).await.json();
    assert_eq!(v["channel"], "letter");
    assert_eq!(v["classify_due"], "2026-02-24");
    // Ask the sender for more: the case waits; their reply restarts the clock.
    ok(
        &head,
        &format!("/api/v1/feedback/{id}/request-info"),
        json!({"text": "Đề nghị cho biết năm sinh của cháu."}),
    )
    .await;
    let secret = {
        let mut tx = app.db().read().await.unwrap();
        let k = congbo_store::repo::feedback::get(&mut tx, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        (k.code, k.secret)
    };
    app.set_local_time("2026-02-24T10:00");
    let v = ok(
        &app.anon(),
        &format!("/api/v1/public/feedback/{}/info?k={}", secret.0, secret.1),
        json!({"text": "Cháu sinh năm 2019."}),
    )
    .await;
    assert_eq!(v["state"], "received");
    assert_eq!(v["answer_due"], "2026-03-17");
    ok(&head, &format!("/api/v1/feedback/{id}/accept"), json!({})).await;
    // Overdue: not classified two working days later; the supervisor sees it escalated.
    let procedure = ok(
        &desk,
        "/api/v1/feedback",
        json!({"office_id": office, "category": "procedure", "channel": "phone",
               "content": "Gọi điện phản ánh niêm yết thủ tục cũ."}),
    )
    .await;
    let pid = procedure["id"].as_str().unwrap();
    app.set_local_time("2026-02-27T10:00");
    let sup = app.token_client("thanhtra").await;
    let overdue = sup.get("/api/v1/feedback?overdue=true").await.json();
    let codes: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&pid) && !codes.contains(&id), "{overdue}");
    // Refused and forwarded cases are outside the indicators.
    ok(
        &head,
        &format!("/api/v1/feedback/{pid}/forward"),
        json!({"to": "Sở Tư pháp tỉnh Điện Biên"}),
    )
    .await;
    ok(
        &head,
        &format!("/api/v1/feedback/{id}/answer"),
        json!({"text": "Hướng dẫn: nộp tờ khai và giấy chứng sinh tại Bộ phận Một cửa."}),
    )
    .await;
    let r = head
        .post_json(&format!("/api/v1/feedback/{id}/accept"), &json!({}))
        .await;
    assert_eq!(r.error_code(), "feedback-illegal-transition");
    let f = head
        .get(&format!(
            "/api/v1/offices/{office}/feedback-stats?from=2026-02-01&to=2026-02-28"
        ))
        .await
        .json();
    assert_eq!(f["received"], 2);
    assert_eq!(f["by_channel"], json!({"letter": 1, "phone": 1}));
    assert_eq!(f["forwarded"], 1);
    assert_eq!(f["answered_on_time"], 1);
    assert_eq!(f["indicators"]["cases"], 1);
    assert_eq!(f["indicators"]["on_time_pct"], 100.0);
    assert_eq!(f["indicators"]["satisfaction_pct"], 100.0);
    // A reception officer takes letters in but does not read the office's cases.
    assert_eq!(
        desk.get(&format!("/api/v1/feedback/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.get(&format!("/api/v1/offices/{office}/feedback-stats"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});

// Issue 15 item 10: the officer complained about cannot infer the complaint from figures.
// Their feedback figures leave the case out while the head's count it; once the head
// discloses it, it counts for them too.
app_test!(the_accused_cannot_count_a_complaint_about_them, |app| {
    app.set_local_time("2026-03-10T09:00");
    let office = app.office_id(TL).await;
    let pho = app.user_id("tl.pho").await;
    send_public(
        &app,
        json!({"office_code": TL, "category": "procedure", "privacy": "anonymous",
               "content": "Bảng niêm yết thủ tục đã cũ, khó đọc."}),
    )
    .await;
    let k = send_public(
        &app,
        json!({"office_code": TL, "category": "conduct", "officer_id": pho,
               "clause": "10-nguyen-tac/chao-hoi", "content": "Cán bộ quát người dân ở bộ phận một cửa."}),
    )
    .await;
    let stats = format!("/api/v1/offices/{office}/feedback-stats?from=2026-03-01&to=2026-03-31");
    let head = app.token_client("tl.truong").await;
    let accused = app.token_client("tl.pho").await;
    let f = head.get(&stats).await.json();
    assert_eq!(f["received"], 2, "{f}");
    assert_eq!(f["by_category"]["conduct"], 1);
    let f = accused.get(&stats).await.json();
    assert_eq!(f["received"], 1, "{f}");
    assert!(f["by_category"].get("conduct").is_none(), "{f}");
    assert_eq!(f["by_channel"]["web"], 1);
    // The dashboard's open complaints, likewise.
    let open = async |user: &str| {
        let page = app
            .login(user)
            .await
            .get(&format!("/bao-cao/{office}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        let at = text
            .find("data-figure=\"complaints-open\">")
            .expect("open complaints");
        text[at + 30..].split(' ').next().unwrap().to_string()
    };
    assert_eq!(open("tl.truong").await, "2");
    assert_eq!(open("tl.pho").await, "1");
    let id = k["id"].as_str().unwrap();
    ok(&head, &format!("/api/v1/feedback/{id}/disclose"), json!({})).await;
    let f = accused.get(&stats).await.json();
    assert_eq!(f["received"], 2, "told now: counted like any case {f}");
});

// Issue 15 item 7: an anonymous sender's attachments count against their address's daily
// volume, and the installation's quota refuses attachments past it (sending without files
// still works). Before, 3 × 5 MiB a submission, 5 a minute, kept forever.
app_test!(
    attachments_have_a_daily_volume_per_address_and_a_quota,
    |app| {
        app.set_local_time("2026-03-10T09:00");
        let app = app.with_web_config(congbo_web::WebConfig {
            attachment_bytes_per_day: Some(3 * 1024),
            ..congbo_web::WebConfig::default()
        });
        let mut photo = JPEG.to_vec();
        photo.resize(2048, 7);
        let fields = [
            ("office_code", TL),
            ("category", "procedure"),
            ("privacy", "anonymous"),
            ("content", "Bảng niêm yết thủ tục đã cũ, xem ảnh chụp."),
        ];
        let send = async |app: &TestApp, from: &str, with_photo: bool| {
            let files: Vec<(&str, &str, &[u8])> = if with_photo {
                vec![("attachments", "anh.jpg", photo.as_slice())]
            } else {
                vec![]
            };
            let (ct, body) = multipart(&fields, &files);
            app.anon()
                .from_addr(from)
                .send(Method::POST, "/phan-anh/gui", Some(&ct), body)
                .await
        };
        assert_eq!(
            send(&app, "192.0.2.1", true).await.status,
            StatusCode::SEE_OTHER
        );
        let r = send(&app, "192.0.2.1", true).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().contains("dung lượng tệp đính kèm"), "{}", r.text());
        assert_eq!(case_count(&app).await, 1, "the refused one was not stored");
        assert_eq!(
            send(&app, "192.0.2.1", false).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            send(&app, "192.0.2.2", true).await.status,
            StatusCode::SEE_OTHER
        );
        app.advance_minutes(24 * 60);
        assert_eq!(
            send(&app, "192.0.2.1", true).await.status,
            StatusCode::SEE_OTHER
        );
        // 3 photos of 2 KiB are stored; a quota just above that refuses the next photo.
        let app = app.with_settings(congbo_app::Settings {
            attachment_quota_bytes: 3 * 2048 + 1000,
            ..congbo_app::Settings::default()
        });
        let r = send(&app, "192.0.2.3", true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("Hiện không thể nhận thêm tệp"),
            "{}",
            r.text()
        );
        assert_eq!(case_count(&app).await, 4);
        assert_eq!(
            send(&app, "192.0.2.3", false).await.status,
            StatusCode::SEE_OTHER
        );
        let metrics = app.anon().get("/metrics").await.text();
        assert!(
            metrics.contains("congbo_attachment_stored_bytes"),
            "{metrics}"
        );
    }
);
