//! The officers' dossier pages, the printable forms and the public lookup page.

use axum::http::StatusCode;
use congbo_testkit::app_test;

app_test!(intake_page_to_printed_forms_and_public_lookup, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.login("tl.motcua1").await;
    let form = desk.get("/ho-so/tiep-nhan?thu-tuc=1.004884").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(
        html.contains("Đăng ký lại khai sinh") && html.contains("name=\"doc\""),
        "{html}"
    );
    // The second document is not ticked: it becomes the Form 02 text.
    let r = desk
        .post_form(
            "/ho-so",
            &[
                ("procedure_code", "1.004884"),
                ("doc", "0"),
                ("name", "Phạm Thị Thu"),
                ("phone", "0987654321"),
                ("notify", "sms"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // "Tiếp nhận và in phiếu" opens the paper to print: Form 02, as a document is missing.
    let printed = r.header("location").unwrap().to_string();
    assert!(printed.ends_with("/mau/02?in=1"), "{printed}");
    let page_url = printed.split("/mau/").next().unwrap().to_string();
    let page = desk.get(&page_url).await.text();
    assert!(
        page.contains("Chờ bổ sung") && page.contains("DB-TL-260302-0001"),
        "{page}"
    );
    let form02 = desk.get(&format!("{page_url}/mau/02")).await;
    assert_eq!(form02.status, StatusCode::OK);
    let f2 = form02.text();
    assert!(
        f2.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && f2.contains("<svg"),
        "{f2}"
    );
    assert!(f2.contains("UBND XÃ THANH LUÔNG") && f2.contains("UBND TỈNH ĐIỆN BIÊN"));
    assert!(f2.contains("Phạm Thị Thu"));
    assert_eq!(
        desk.get(&format!("{page_url}/mau/01")).await.status,
        StatusCode::NOT_FOUND,
        "no receipt before the dossier is received"
    );
    // The citizen brings it; the desk receives it from the page and prints Form 01.
    for a in ["supplement-received", "receive"] {
        let r = desk.post_form(&format!("{page_url}/{a}"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{a}: {}", r.text());
    }
    let f1 = desk.get(&format!("{page_url}/mau/01")).await.text();
    assert!(
        f1.contains("DB-TL-260302-0001") && f1.contains("09/03/2026"),
        "{f1}"
    );
    let v = desk
        .get(&format!(
            "/api/v1/dossiers/{}",
            page_url.trim_start_matches("/ho-so/")
        ))
        .await;
    // The page's session also works for the JSON read.
    let secret = v.json()["secret"].as_str().unwrap().to_string();
    assert!(f1.contains(&secret));
    // Lists.
    let all = desk.get("/ho-so?ds=all").await.text();
    assert!(all.contains("DB-TL-260302-0001"));
    let mine = desk.get("/ho-so").await.text();
    assert!(mine.contains("DB-TL-260302-0001"), "the receiver holds it");
    // Refused action from the page: a specialist cannot return.
    let sv = app.login("tl.chuyenvien").await;
    let r = sv.post_form(&format!("{page_url}/return"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Public lookup page: no sign-in, initials only; the code may be typed in lower case, and
    // the secret goes in the form's body, never in the address.
    let anon = app.anon();
    let form = anon.get("/tra-cuu?ma=DB-TL-260302-0001").await.text();
    assert!(
        form.contains(r#"method="post" action="/tra-cuu""#),
        "{form}"
    );
    assert!(form.contains(r#"value="DB-TL-260302-0001""#), "{form}");
    let found = anon
        .post_form(
            "/tra-cuu",
            &[
                ("ma", " db-tl-260302-0001 "),
                ("bi-mat", &secret.to_lowercase()),
            ],
        )
        .await;
    assert_eq!(found.status, StatusCode::OK);
    let found = found.text();
    assert!(
        found.contains("P. T. T.") && found.contains("Đã tiếp nhận"),
        "{found}"
    );
    assert!(!found.contains("Phạm Thị Thu") && !found.contains("0987654321"));
    // An empty secret: told next to the field, the code kept, the secret never echoed.
    let empty = anon
        .post_form("/tra-cuu", &[("ma", "DB-TL-260302-0001"), ("bi-mat", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text();
    assert!(html.contains(r#"id="err-secret""#), "{html}");
    assert!(html.contains(r#"value="DB-TL-260302-0001""#), "{html}");
    let wrong = anon
        .post_form(
            "/tra-cuu",
            &[("ma", "DB-TL-260302-0001"), ("bi-mat", "ZZZZZZZZ")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let wrong = wrong.text();
    assert!(wrong.contains("Không tìm thấy hồ sơ"), "{wrong}");
});

app_test!(head_sees_apologies_to_sign_and_signs_form_04, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let d = desk
        .post_json(
            "/api/v1/dossiers",
            &serde_json::json!({"procedure_code": "1.004884", "applicant": {"name": "Vàng A Páo"}}),
        )
        .await
        .json();
    let id = d["id"].as_str().unwrap();
    app.set_local_time("2026-03-10T08:00");
    let head = app.login("tl.truong").await;
    let list = head.get("/ho-so?ds=apologies").await.text();
    assert!(
        list.contains(d["code"].as_str().unwrap()) && list.contains("Quá hạn"),
        "{list}"
    );
    let r = head
        .post_form(
            &format!("/ho-so/{id}/apologize"),
            &[
                ("reason", "Chờ kết quả xác minh"),
                ("new_due", "2026-03-13"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let f4 = head.get(&format!("/ho-so/{id}/mau/04")).await.text();
    assert!(
        f4.contains("1/PXL") && f4.contains("Chờ kết quả xác minh") && f4.contains("13/03/2026"),
        "{f4}"
    );
    assert!(
        f4.contains("CHỦ TỊCH") && f4.contains("Lò Văn Thắng"),
        "signed by the head"
    );
    let control = head.get(&format!("/ho-so/{id}/mau/06")).await;
    assert_eq!(control.status, StatusCode::OK);
    assert!(
        !head
            .get("/ho-so?ds=apologies")
            .await
            .text()
            .contains(d["code"].as_str().unwrap())
    );
});

app_test!(tracking_book_lists_the_days_dossiers, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.login("tl.motcua1").await;
    for name in ["Hà Văn Một", "Lý Thị Hai"] {
        let r = desk
            .post_json(
                "/api/v1/dossiers",
                &serde_json::json!({"procedure_code": "1.004884", "applicant": {"name": name}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let book = desk.get("/ho-so/so-theo-doi?ngay=2026-03-02").await.text();
    assert!(
        book.contains("DB-TL-260302-0001") && book.contains("DB-TL-260302-0002"),
        "{book}"
    );
    assert!(book.contains("Lý Thị Hai"));
    let other_day = desk.get("/ho-so/so-theo-doi?ngay=2026-03-03").await.text();
    assert!(!other_day.contains("DB-TL-260302-0001"));
    // Another commune's book does not show them.
    let mn = app.login("mn.motcua1").await;
    assert!(
        !mn.get("/ho-so/so-theo-doi?ngay=2026-03-02")
            .await
            .text()
            .contains("DB-TL-260302")
    );
});
