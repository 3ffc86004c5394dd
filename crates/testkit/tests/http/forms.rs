//! Page forms never lose what was typed (issue 16 items 1–3, 6): a refused form comes back,
//! 422, with the values typed and the message next to the field; passwords are never sent
//! back. The list of page forms comes from the route table, so a new form must be tried here
//! or classified with its reason.

use axum::http::{Method, StatusCode};
use congbo_testkit::{TestResponse, app_test};
use serde_json::json;

/// The message of the bare error page: a refused form must never answer with it.
const BARE_ERROR_PAGE: &str = "<h1>Không thực hiện được (";

/// Every page `POST` tried with typed values below.
const TRIED: &[&str] = &[
    "/ho-so",
    "/ho-so/{id}/{action}",
    "/can-bo",
    "/can-bo/{id}/vai-tro",
    "/don-vi",
    "/don-vi/{id}/quay",
    "/don-vi/{id}/doi-ten",
    "/lich/ngay",
    "/tai-khoan/mat-khau",
    "/tai-khoan/khoa-truy-cap",
    "/danh-muc/nhap",
    "/phan-anh/gui",
];

/// Page `POST`s that show their own form again (with its own tests), or carry nothing typed
/// (a button: the refusal, if any, is shown above the page by the same layer).
const CLASSIFIED: &[(&str, &str)] = &[
    ("/ngon-ngu/{code}", "button: language switch"),
    ("/dang-nhap", "own form: sign-in keeps the name (auth.rs)"),
    ("/dang-xuat", "button"),
    (
        "/kich-hoat/{token}",
        "own form: first set-up keeps its values (setup.html)",
    ),
    ("/tai-khoan/khoa-truy-cap/{id}/thu-hoi", "button"),
    (
        "/don-vi/{id}/chuyen",
        "a select of allowed parents; refusal shown by the layer",
    ),
    (
        "/don-vi/{id}/xep-hang/dich-vu",
        "queue configuration; refusal shown by the layer",
    ),
    (
        "/don-vi/{id}/xep-hang/quay/{counter}",
        "checkboxes; refusal shown by the layer",
    ),
    (
        "/don-vi/{id}/xep-hang/cai-dat",
        "queue settings; refusal shown by the layer",
    ),
    ("/can-bo/{id}/vai-tro/{assignment}/thu-hoi", "button"),
    ("/can-bo/{id}/mo-khoa", "button"),
    ("/can-bo/{id}/trang-thai", "button"),
    (
        "/can-bo/{id}/danh-gia-cong-viec/so-theo-doi",
        "evaluation register; refusal shown by the layer",
    ),
    (
        "/can-bo/{id}/danh-gia-cong-viec/so-theo-doi/{entry}/tra-loi",
        "evaluation register answer; refusal shown by the layer",
    ),
    ("/can-bo/{id}/danh-gia-cong-viec/goi-y/{decision}", "button"),
    (
        "/can-bo/{id}/cham-diem/{ky}/{action}",
        "own form: scoring keeps its values (evaluation.rs)",
    ),
    (
        "/can-bo/{id}/ky-luat",
        "discipline case form; refusal shown by the layer (evaluation_year.rs)",
    ),
    (
        "/can-bo/{id}/ky-luat/{case}/{action}",
        "discipline steps; refusal shown by the layer",
    ),
    (
        "/don-vi/{id}/xep-loai/{year}/quyet-dinh",
        "ranking decision; refusal shown by the layer (evaluation_year.rs)",
    ),
    ("/don-vi/{id}/xep-loai/{year}/cong-bo", "button"),
    (
        "/don-vi/{id}/xep-loai/{year}/khen-thuong",
        "commendation form; refusal shown by the layer (evaluation_year.rs)",
    ),
    ("/ki-ot/{code}", "kiosk buttons"),
    ("/lay-so/{code}", "phone page buttons"),
    ("/ve/{id}/bao", "ticket notice; refusal shown by the layer"),
    ("/quay/vao", "button"),
    ("/quay/ra", "button"),
    ("/quay/goi", "button"),
    ("/quay/cap-so", "button"),
    ("/quay/ve/{id}/{action}", "counter buttons"),
    ("/may-danh-gia/{counter}", "own form: the rating tablet"),
    (
        "/danh-gia/phuc-hoi/{id}",
        "recovery case note; refusal shown by the layer",
    ),
    ("/danh-gia/{code}", "own form: the rating link"),
    (
        "/don-vi/{id}/danh-gia",
        "rating settings; refusal shown by the layer",
    ),
    ("/don-vi/{id}/danh-gia/quay/{counter}", "button: pairing"),
    ("/don-vi/{id}/danh-gia/thiet-bi/{device}/go", "button"),
    ("/phan-anh/theo-doi/{action}", "own form: the sender's page"),
    (
        "/phan-anh/{id}/{action}",
        "feedback case actions; refusal shown by the layer",
    ),
    ("/lich/ngay/{date}/xoa", "button"),
    (
        "/tra-cuu",
        "own test: the lookup keeps the code, never the secret (dossier_pages.rs)",
    ),
    (
        "/du-lieu-cua-toi",
        "own test: privacy.rs keeps the number and contact",
    ),
    (
        "/du-lieu-cua-toi/{id}/xac-nhan",
        "a one-time code is never kept (privacy.rs)",
    ),
    (
        "/du-lieu-cua-toi/{id}/yeu-cau",
        "own test: privacy.rs keeps the request",
    ),
    ("/du-lieu-cua-toi/{id}/dong-y/{consent}/rut", "button"),
    (
        "/du-lieu-ca-nhan/yeu-cau/{id}",
        "own test: privacy.rs, the answer form",
    ),
    (
        "/du-lieu-ca-nhan/yeu-cau/{id}/gia-han",
        "own test: privacy.rs, the extension keeps its reason",
    ),
    (
        "/du-lieu-ca-nhan/luu-tru",
        "own tests: a period below the minimum is shown again (privacy_retention.rs)",
    ),
    (
        "/du-lieu-ca-nhan/su-co",
        "own tests: a refused incident is shown again (privacy_breach.rs)",
    ),
    (
        "/du-lieu-ca-nhan/su-co/{id}/{action}",
        "own tests: a refused mark is shown again (privacy_breach.rs)",
    ),
];

#[test]
fn every_page_form_is_tried_or_classified() {
    let mut missing = Vec::new();
    for (path, _) in congbo_web::router::page_forms() {
        let known = TRIED.contains(&path) || CLASSIFIED.iter().any(|(p, _)| *p == path);
        if !known {
            missing.push(path);
        }
    }
    assert!(
        missing.is_empty(),
        "page forms neither tried in tests/http/forms.rs nor classified: {missing:?}"
    );
}

/// A refused form: 422 (or the given status), the form's page, the values and the message.
fn shown_again(r: &TestResponse, values: &[&str], message: &str) -> String {
    let html = r.text();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(!html.contains(BARE_ERROR_PAGE), "bare error page: {html}");
    assert!(
        html.contains("class=\"error-msg form-summary\""),
        "no summary: {html}"
    );
    for v in values {
        assert!(html.contains(v), "{v} not kept: {html}");
    }
    assert!(
        html.contains(message),
        "message {message:?} missing: {html}"
    );
    html
}

fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str)]) -> (String, Vec<u8>) {
    let b = "----congbo-forms-boundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    for (k, name, text) in files {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n"
        ));
    }
    body.push_str(&format!("--{b}--\r\n"));
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

app_test!(intake_keeps_every_typed_value_and_stores_nothing, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.login("tl.motcua1").await;
    let before = app.audit_len().await;
    let r = desk
        .post_form(
            "/ho-so",
            &[
                ("procedure_code", "1.004884"),
                ("doc", "0"),
                ("name", "Phạm Thị Thu"),
                ("id_number", "001203004567"),
                ("phone", "12345"),
                ("address", "Bản Co Chạy, xã Thanh Luông"),
                ("channel", "postal"),
                ("notify", "sms"),
            ],
        )
        .await;
    let html = shown_again(
        &r,
        &[
            "value=\"Phạm Thị Thu\"",
            "value=\"001203004567\"",
            "value=\"12345\"",
            "value=\"Bản Co Chạy, xã Thanh Luông\"",
            "value=\"postal\" selected",
            "value=\"sms\" checked",
        ],
        "Số điện thoại không hợp lệ",
    );
    // The message sits under the phone field, which is marked invalid.
    assert!(
        html.contains(r#"name="phone" maxlength="24" inputmode="tel" value="12345" aria-invalid="true" aria-describedby="err-phone""#)
            && html.contains(r#"<p class="field-error" id="err-phone">"#),
        "{html}"
    );
    // The document not brought stays unticked; the procedure stays chosen.
    assert!(html.contains(r#"name="doc" value="0" checked"#), "{html}");
    assert!(!html.contains(r#"name="doc" value="1" checked"#), "{html}");
    assert!(html.contains("Đăng ký lại khai sinh"), "{html}");
    assert_eq!(app.audit_len().await, before, "nothing was written");
    // Corrected, the same form goes through.
    let ok = desk
        .post_form(
            "/ho-so",
            &[
                ("procedure_code", "1.004884"),
                ("doc", "0"),
                ("name", "Phạm Thị Thu"),
                ("phone", "0211 3825 999"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    // In English the message is English.
    let en = app
        .login("tl.motcua1")
        .await
        .lang("en")
        .post_form(
            "/ho-so",
            &[
                ("procedure_code", "1.004884"),
                ("name", "Phạm Thị Thu"),
                ("phone", "12"),
            ],
        )
        .await;
    shown_again(&en, &["value=\"12\""], "Invalid phone number");
});

app_test!(
    phone_numbers_are_accepted_in_usual_spellings_and_stored_normalised,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.token_client("tl.motcua1").await;
        for (typed, stored) in [
            ("0211 3825 999", "02113825999"),
            ("090.123.4567", "0901234567"),
            ("+84 90 123 4567", "0901234567"),
        ] {
            let d = desk
            .post_json(
                "/api/v1/dossiers",
                &json!({"procedure_code": "1.004884", "applicant": {"name": "Vàng A Páo", "phone": typed}}),
            )
            .await;
            assert_eq!(d.status, StatusCode::CREATED, "{typed}: {}", d.text());
            let id = d.json()["id"].as_str().unwrap().to_string();
            let v = desk.get(&format!("/api/v1/dossiers/{id}")).await.json();
            assert_eq!(v["applicant"]["phone"], stored, "{typed}: {v}");
        }
        let bad = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "1.004884", "applicant": {"name": "Vàng A Páo", "phone": "0211 3825 99"}}),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_code(), "invalid-phone");
        // Feedback: a landline as the sender's contact.
        let (ct, body) = multipart(
            &[
                ("office_code", "DB-TL"),
                ("category", "procedure"),
                ("privacy", "named"),
                ("name", "Lò Thị Mai"),
                ("contact", "0215 3825 111"),
                (
                    "content",
                    "Đề nghị niêm yết thủ tục chứng thực bản sao tại bảng tin.",
                ),
            ],
            &[],
        );
        let r = app
            .anon()
            .send(Method::POST, "/phan-anh/gui", Some(&ct), body)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
);

app_test!(
    staff_office_calendar_and_account_forms_keep_their_values,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let admin = app.login("quantri").await;
        let province = app.office_id("DB").await.to_string();
        // Staff: a name with an invisible character; the password is not sent back.
        let r = admin
            .post_form(
                "/can-bo",
                &[
                    ("username", "nv.moi"),
                    ("full_name", "Nguyễn\u{200b} Văn Mới"),
                    ("email", "moi@example.vn"),
                    ("home_office_id", &province),
                    ("role", "supervisor"),
                    ("password", "Mat-khau-rat-bi-mat-2026"),
                ],
            )
            .await;
        let html = shown_again(
            &r,
            &[
                "value=\"nv.moi\"",
                "value=\"moi@example.vn\"",
                "value=\"supervisor\" selected",
            ],
            "",
        );
        assert!(
            !html.contains("Mat-khau-rat-bi-mat-2026"),
            "password echoed"
        );
        // Office: a code already taken (409) keeps the name typed.
        let r = admin
            .post_form(
                "/don-vi",
                &[
                    ("code", "DB-TL"),
                    ("name", "Xã Thanh Luông mới"),
                    ("kind", "commune"),
                    ("parent_id", &province),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains("value=\"Xã Thanh Luông mới\"") && html.contains("form-summary"),
            "{html}"
        );
        // A counter with number 0, and a rename to an empty name, on the office page.
        let tl = app.office_id("DB-TL").await;
        let r = admin
            .post_form(
                &format!("/don-vi/{tl}/quay"),
                &[("number", "0"), ("name", "Quầy thử nghiệm")],
            )
            .await;
        shown_again(&r, &["value=\"Quầy thử nghiệm\""], "");
        let r = admin
            .post_form(&format!("/don-vi/{tl}/doi-ten"), &[("name", " ")])
            .await;
        shown_again(&r, &[], "Không được để trống");
        // Calendar: a date that is not one.
        let r = admin
            .post_form(
                "/lich/ngay",
                &[
                    ("date", "31/02/2026"),
                    ("kind", "holiday"),
                    ("name_vi", "Ngày thử"),
                    ("notice", "1/TB-BNV"),
                ],
            )
            .await;
        shown_again(
            &r,
            &[
                "value=\"31/02/2026\"",
                "value=\"Ngày thử\"",
                "value=\"1/TB-BNV\"",
            ],
            "",
        );
        // Account: the new passwords differ; nothing typed is sent back.
        let r = admin
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current_password", "sai-mat-khau-cu"),
                    ("new_password", "Mot-mat-khau-moi-2026"),
                    ("confirm_password", "Khac-mat-khau-moi-2026"),
                ],
            )
            .await;
        let html = shown_again(&r, &[], "Hai lần nhập mật khẩu mới không khớp nhau");
        assert!(!html.contains("Mot-mat-khau-moi-2026") && !html.contains("sai-mat-khau-cu"));
        let r = admin
            .post_form("/tai-khoan/khoa-truy-cap", &[("name", "")])
            .await;
        shown_again(&r, &[], "");
        // A role the caller may not grant at that office keeps the choice.
        let lan = app.user_id("tl.motcua1").await;
        let r = admin
            .post_form(
                &format!("/can-bo/{lan}/vai-tro"),
                &[("role", "no-such-role"), ("office_id", &tl.to_string())],
            )
            .await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("form-summary") && !html.contains(BARE_ERROR_PAGE),
            "{html}"
        );
    }
);

app_test!(
    catalog_import_takes_a_file_and_keeps_the_content_after_an_error,
    |app| {
        let admin = app.login("quantri").await;
        // Linked from the catalogue for those who may import.
        let list = admin.get("/thu-tuc").await.text();
        assert!(list.contains("href=\"/danh-muc/nhap\""), "{list}");
        assert!(
            !app.anon()
                .get("/thu-tuc")
                .await
                .text()
                .contains("/danh-muc/nhap")
        );
        let bad = "code,name\nX.1,Thủ tục thiếu cột\n";
        let (ct, body) = multipart(&[("format", "")], &[("file", "thu-tuc.csv", bad)]);
        let r = admin
            .send(Method::POST, "/danh-muc/nhap", Some(&ct), body)
            .await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("Tệp có lỗi nên chưa nhập dòng nào"), "{html}");
        // The file's text is back in the box, and the report is Vietnamese only.
        assert!(html.contains("X.1,Thủ tục thiếu cột"), "{html}");
        assert!(
            html.contains("Dòng tiêu đề của tệp CSV thiếu hoặc sai cột")
                && !html.contains("missing column"),
            "{html}"
        );
        // Pasted JSON that is not an array: kept too, format JSON still chosen.
        let r = admin
            .post_form(
                "/danh-muc/nhap",
                &[("format", "json"), ("content", "{\"code\": 1}")],
            )
            .await;
        let html = r.text();
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(
            html.contains("{&#34;code&#34;: 1}") || html.contains("{&quot;code&quot;: 1}"),
            "{html}"
        );
        assert!(html.contains(r#"value="json" checked"#), "{html}");
        // An unknown format: the layer shows the form again with the content.
        let (ct, body) = multipart(&[("format", "xml"), ("content", "ma;ten;thoi-han")], &[]);
        let r = admin
            .send(Method::POST, "/danh-muc/nhap", Some(&ct), body)
            .await;
        shown_again(&r, &["ma;ten;thoi-han"], "Định dạng tệp không hợp lệ");
        // A good file is imported.
        let export = admin.get("/danh-muc/xuat?format=csv").await.text();
        let (ct, body) = multipart(&[], &[("file", "danh-muc.csv", &export)]);
        let r = admin
            .send(Method::POST, "/danh-muc/nhap", Some(&ct), body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("Đã nhập danh mục"));
    }
);

app_test!(a_new_appointment_date_must_be_a_later_working_day, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let d = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "1.004884", "applicant": {"name": "Vàng A Páo", "phone": "0912345678", "notify": ["sms"]}}),
        )
        .await
        .json();
    let id = d["id"].as_str().unwrap().to_string();
    app.set_local_time("2026-03-10T08:00");
    let head = app.login("tl.truong").await;
    let before = app.audit_len().await;
    // Saturday 14/03/2026.
    let r = head
        .post_form(
            &format!("/ho-so/{id}/apologize"),
            &[
                ("reason", "Chờ kết quả xác minh"),
                ("new_due", "2026-03-14"),
            ],
        )
        .await;
    shown_again(
        &r,
        &["value=\"Chờ kết quả xác minh\"", "value=\"2026-03-14\""],
        "Ngày hẹn mới phải là ngày làm việc",
    );
    // Today is not later than today.
    let r = head
        .post_form(
            &format!("/ho-so/{id}/apologize"),
            &[
                ("reason", "Chờ kết quả xác minh"),
                ("new_due", "2026-03-10"),
            ],
        )
        .await;
    shown_again(
        &r,
        &["value=\"2026-03-10\""],
        "Ngày hẹn mới phải sau hôm nay",
    );
    assert_eq!(app.audit_len().await, before, "nothing was written");
    // A working day: signed, and the citizen's notice states the new date.
    let r = head
        .post_form(
            &format!("/ho-so/{id}/apologize"),
            &[
                ("reason", "Chờ kết quả xác minh"),
                ("new_due", "2026-03-16"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::outbox::for_dossier(&mut tx, id.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        rows.iter().any(|r| r.channel == "sms"
            && r.body.contains("xin lỗi")
            && r.body.contains("Ngày hẹn trả kết quả mới: 16/03/2026")),
        "{:?}",
        rows.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
});
