//! Leaders and administrators (issue 16, items 20 and 22): the menu offers only what the role
//! may open; "ratings about me" only to roles citizens rate; the audit log reads as sentences
//! with the raw JSON behind a toggle; the staff list has search; no new district after the
//! two-level reform; "Giao vai trò" starts with no role chosen.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

/// The links of the main menu on the home page.
fn menu_links(html: &str) -> Vec<String> {
    let start = html.find("<nav aria-label=").expect("a menu");
    let end = start + html[start..].find("</nav>").unwrap();
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

app_test!(every_menu_link_opens_for_its_role, |app| {
    for user in [
        "tl.motcua1",
        "tl.chuyenvien",
        "tl.truong",
        "tl.pho",
        "quantri",
        "thanhtra",
        "kiemtoan",
    ] {
        let c = app.login(user).await;
        let links = menu_links(&c.get("/").await.text());
        assert!(links.len() >= 4, "{user}: {links:?}");
        for l in &links {
            let r = c.get(l).await;
            assert!(
                r.status == StatusCode::OK
                    || (r.status.is_redirection()
                        && !r.header("location").unwrap_or("").starts_with("/dang-nhap")),
                "{user}: {l} answers {}",
                r.status
            );
        }
        let rated = user.starts_with("tl.");
        assert_eq!(
            links.iter().any(|l| l == "/danh-gia"),
            rated || user == "thanhtra",
            "{user}: the ratings page only for the rated and those who read ratings"
        );
        if links.iter().any(|l| l == "/danh-gia") {
            let page = c.get("/danh-gia").await.text();
            assert_eq!(page.contains("Đánh giá về tôi"), rated, "{user}");
        }
    }
    // Reception takes feedback through the form; the list is not theirs (403 before).
    let desk = app.login("tl.motcua1").await;
    assert!(!menu_links(&desk.get("/").await.text()).contains(&"/phan-anh".to_string()));
    assert_eq!(desk.get("/phan-anh").await.status, StatusCode::FORBIDDEN);
});

app_test!(
    audit_log_reads_as_sentences_with_the_raw_data_behind_a_toggle,
    |app| {
        let admin = app.login("quantri").await;
        let tl = app.office_id("DB-TL").await;
        let r = admin
            .patch_json(
                &format!("/api/v1/offices/{tl}"),
                &json!({"name": "Xã Thanh Luông (mới)"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let auditor = app.login("kiemtoan").await;
        let html = auditor.get("/nhat-ky?action=office.rename").await.text();
        assert!(
            html.contains("<p class=\"sentence\">quantri đổi tên đơn vị DB-TL</p>"),
            "{html}"
        );
        assert!(
            html.contains("<details><summary>Dữ liệu gốc (JSON)</summary>")
                && html.contains("Xã Thanh Luông (mới)"),
            "the raw summary is still there, behind the toggle"
        );
        let en = auditor
            .clone()
            .lang("en")
            .get("/nhat-ky?action=office.rename")
            .await
            .text();
        assert!(
            en.contains("<p class=\"sentence\">quantri renamed office DB-TL</p>"),
            "{en}"
        );
    }
);

app_test!(staff_search_office_kinds_and_role_choice, |app| {
    let admin = app.login("quantri").await;
    // Search ignores case and accents.
    let found = admin.get("/can-bo?q=nguyen+thi+lan").await.text();
    assert!(
        found.contains(">tl.motcua1</a>") && !found.contains(">tl.chuyenvien</a>"),
        "{found}"
    );
    assert!(
        found.contains("value=\"nguyen thi lan\""),
        "the query is kept"
    );
    let none = admin.get("/can-bo?q=zzz").await.text();
    assert!(none.contains("Không có cán bộ nào phù hợp."));
    assert!(
        admin
            .get("/can-bo")
            .await
            .text()
            .contains(">tl.chuyenvien</a>")
    );
    // "Giao vai trò" starts with no role: not the most powerful one.
    let id = app.user_id("tl.chuyenvien").await;
    let page = admin.get(&format!("/can-bo/{id}")).await.text();
    assert!(
        page.contains("<select id=\"role\" name=\"role\" required><option value=\"\" selected disabled>— Chọn vai trò —</option>"),
        "{page}"
    );
    // Two-level local government: no new district.
    let offices = admin.get("/don-vi").await.text();
    assert!(
        offices.contains("value=\"commune\"") && !offices.contains("value=\"district\""),
        "{offices}"
    );
    let province = app.office_id("DB").await;
    let r = admin
        .post_json(
            "/api/v1/offices",
            &json!({"code": "DB-MC", "name": "Huyện Mường Chà", "kind": "district", "parent_id": province}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "office-kind-abolished");
});
