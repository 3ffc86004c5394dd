//! Dossiers go to people (issue 16, items 4, 5, 8): "Chuyển xử lý" names the officer who takes
//! the step, the dossier shows its step and holder and appears in that officer's "Hồ sơ của
//! tôi"; the head sees who holds what; a late result at the desk goes to the head for the
//! apology instead of a dead end; badges and labels read right.

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::json;

/// A five-working-day procedure of the demo (received Mon 02/03/2026 → due Mon 09/03/2026).
const FIVE_DAYS: &str = "1.004884";

/// Received at the desk through the API; returns (id, code).
async fn received(desk: &Client<'_>, name: &str) -> (String, String) {
    let r = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": FIVE_DAYS, "applicant": {"name": name}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let d = r.json();
    (
        d["id"].as_str().unwrap().to_string(),
        d["code"].as_str().unwrap().to_string(),
    )
}

async fn post(c: &Client<'_>, path: &str, fields: &[(&str, &str)]) {
    let r = c.post_form(path, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.text());
}

/// Holder names in the dossier list's holder column.
fn listed(html: &str, code: &str) -> bool {
    html.contains(&format!(">{code}</a>"))
}

async fn ids(app: &TestApp) -> (String, String, String) {
    (
        app.user_id("tl.chuyenvien").await.to_string(),
        app.user_id("tl.truong").await.to_string(),
        app.user_id("tl.motcua1").await.to_string(),
    )
}

app_test!(transfer_names_the_officer_who_takes_the_step, |app| {
    app.set_local_time("2026-03-02T09:00");
    let (specialist, head, desk_id) = ids(&app).await;
    let desk = app.login("tl.motcua1").await;
    let (id, code) = received(&desk, "Vàng Thị Mỷ").await;
    let page = desk.get(&format!("/ho-so/{id}")).await.text();
    // The choice is a step and a named officer of the office who performs it; the next step's
    // officer comes first.
    assert!(
        page.contains(&format!(
            "value=\"2:{specialist}\" selected>2. Trần Minh Đức<"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"3:{head}\">3. Lò Văn Thắng<")));
    assert!(
        !page.contains(&format!("value=\"2:{head}\"")),
        "the head does not perform the specialist's step"
    );
    // Someone who does not perform the step is refused, and nothing changes.
    let r = desk
        .post_form(
            &format!("/ho-so/{id}/transfer"),
            &[("to", &format!("2:{head}"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Người được chọn không thực hiện bước này"),
        "{}",
        r.text()
    );
    let api = desk.get(&format!("/api/v1/dossiers/{id}")).await.json();
    assert_eq!(
        (api["state"].as_str(), api["assignee_id"].as_str()),
        (Some("received"), Some(desk_id.as_str()))
    );
    // The API refuses the same.
    let r = desk
        .post_json(
            &format!("/api/v1/dossiers/{id}/transfer"),
            &json!({"to_step": 2, "assignee_id": head}),
        )
        .await;
    assert_eq!(r.error_code(), "assignee-not-eligible");

    post(
        &desk,
        &format!("/ho-so/{id}/transfer"),
        &[
            ("to", &format!("2:{specialist}")),
            ("note", "Kiểm tra hộ tịch"),
        ],
    )
    .await;
    let page = desk.get(&format!("/ho-so/{id}")).await.text();
    assert!(
        page.contains("Bước đang xử lý: 2. Công chức tư pháp")
            && page.contains("Người đang giữ hồ sơ: <span class=\"holder\">Trần Minh Đức</span>"),
        "{page}"
    );
    assert!(
        page.contains("Trần Minh Đức · Kiểm tra hộ tịch"),
        "the timeline names who took it"
    );
    let api = desk.get(&format!("/api/v1/dossiers/{id}")).await.json();
    assert_eq!(api["assignee_name"], "Trần Minh Đức");

    // The specialist finds it in "Hồ sơ của tôi"; the desk no longer does.
    let sv = app.login("tl.chuyenvien").await;
    assert!(listed(&sv.get("/ho-so").await.text(), &code));
    assert!(!listed(&desk.get("/ho-so").await.text(), &code));

    // The head sees who holds what, and filters by holder.
    let (_, other) = received(&desk, "Lò Văn Pọm").await;
    let head_c = app.login("tl.truong").await;
    let all = head_c.get("/ho-so?ds=all").await.text();
    assert!(
        all.contains(&format!("nguoi={specialist}\">Trần Minh Đức</a>"))
            && all.contains(&format!("nguoi={desk_id}\">Nguyễn Thị Lan</a>")),
        "{all}"
    );
    let held = head_c
        .get(&format!("/ho-so?ds=all&nguoi={specialist}"))
        .await
        .text();
    assert!(listed(&held, &code) && !listed(&held, &other), "{held}");
    assert!(held.contains("Người đang giữ hồ sơ: <strong>Trần Minh Đức</strong>"));
});

app_test!(
    late_result_at_the_desk_goes_to_the_head_for_the_apology,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let (specialist, head, _) = ids(&app).await;
        let desk = app.login("tl.motcua1").await;
        let (id, code) = received(&desk, "Quàng Văn Ơn").await;
        post(
            &desk,
            &format!("/ho-so/{id}/transfer"),
            &[("to", &format!("2:{specialist}"))],
        )
        .await;
        // Finished a day after the appointment (Mon 09/03): back at the desk, late.
        app.set_local_time("2026-03-10T10:00");
        let sv = app.login("tl.chuyenvien").await;
        post(&sv, &format!("/ho-so/{id}/finish"), &[]).await;
        // A new working day: a new session.
        let desk = app.login("tl.motcua1").await;
        let page = desk.get(&format!("/ho-so/{id}")).await.text();
        assert!(
            !page.contains(&format!("action=\"/ho-so/{id}/return\"")),
            "no hand-over without the apology: {page}"
        );
        assert!(
            page.contains(&format!("action=\"/ho-so/{id}/request-apology\""))
                && page.contains("Chuyển thủ trưởng ký thư xin lỗi")
                && page.contains(&format!("value=\"{head}\">Lò Văn Thắng<")),
            "{page}"
        );
        // The refusal itself still holds.
        let r = desk.post_form(&format!("/ho-so/{id}/return"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        post(
            &desk,
            &format!("/ho-so/{id}/request-apology"),
            &[("signer_id", &head)],
        )
        .await;
        let head_c = app.login("tl.truong").await;
        assert!(
            listed(&head_c.get("/ho-so").await.text(), &code),
            "in the head's own list"
        );
        let to_sign = head_c.get("/ho-so?ds=apologies").await.text();
        assert!(listed(&to_sign, &code), "{to_sign}");
        let page = head_c.get(&format!("/ho-so/{id}")).await.text();
        assert!(page.contains("Người đang giữ hồ sơ: <span class=\"holder\">Lò Văn Thắng</span>"));
        // Sending it again when nothing is needed any more is refused once signed.
        post(
            &head_c,
            &format!("/ho-so/{id}/apologize"),
            &[("reason", "Chờ xác minh"), ("new_due", "2026-03-12")],
        )
        .await;
        assert!(!listed(
            &head_c.get("/ho-so?ds=apologies").await.text(),
            &code
        ));
        let r = desk
            .post_json(
                &format!("/api/v1/dossiers/{id}/request-apology"),
                &json!({}),
            )
            .await;
        assert_eq!(r.error_code(), "apology-not-needed");
        // Signed: back at the desk, which now hands the result over.
        assert!(listed(&desk.get("/ho-so").await.text(), &code));
        let page = desk.get(&format!("/ho-so/{id}")).await.text();
        assert!(
            page.contains(&format!("action=\"/ho-so/{id}/return\"")),
            "{page}"
        );
        assert!(
            page.contains("Tiến độ giải quyết") && page.contains("flag-late\">Trễ hạn"),
            "the late result reads as a label: {page}"
        );
        post(&desk, &format!("/ho-so/{id}/return"), &[]).await;
    }
);

app_test!(
    closed_without_result_never_reads_early_and_badges_have_colours,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.login("tl.motcua1").await;
        let (id, _) = received(&desk, "Lò Thị Dung").await;
        let page = desk.get(&format!("/ho-so/{id}")).await.text();
        assert!(page.contains("badge flag-ok\">Trong hạn"), "{page}");
        // Destructive actions look different from the others.
        assert!(
            page.contains("class=\"danger\">Từ chối")
                && page.contains("class=\"danger\">Rút hồ sơ"),
            "{page}"
        );
        assert!(page.contains("<button type=\"submit\">Chuyển xử lý"));
        let list = desk.get("/ho-so").await.text();
        assert!(list.contains("badge flag-ok\">Trong hạn"), "{list}");
        app.set_local_time("2026-03-06T09:00");
        let desk = app.login("tl.motcua1").await;
        let list = desk.get("/ho-so").await.text();
        assert!(list.contains("badge flag-soon\">Sắp quá hạn"), "{list}");
        app.set_local_time("2026-03-10T09:00");
        let desk = app.login("tl.motcua1").await;
        let list = desk.get("/ho-so").await.text();
        assert!(list.contains("badge flag-late\">Quá hạn"), "{list}");

        app.set_local_time("2026-03-03T09:00");
        let desk = app.login("tl.motcua1").await;
        let (early, _) = received(&desk, "Lò Văn Chiến").await;
        post(&desk, &format!("/ho-so/{early}/withdraw"), &[]).await;
        let page = desk.get(&format!("/ho-so/{early}")).await.text();
        assert!(page.contains("Công dân rút hồ sơ"), "{page}");
        assert!(
            !page.contains("Trước hạn") && !page.contains("Tiến độ giải quyết"),
            "a withdrawn dossier has no result to be early with: {page}"
        );
        assert!(!page.contains("Trong hạn"), "nor a running deadline");
        let book = desk.get("/ho-so/so-theo-doi?ngay=2026-03-03").await.text();
        assert!(
            book.contains("Công dân rút hồ sơ") && !book.contains("Trước hạn"),
            "{book}"
        );
    }
);
