//! Offices: a tree of any depth; rename and move keep history; counters; pages and API agree.

use axum::http::StatusCode;
use congbo_testkit::app_test;
use serde_json::json;

app_test!(tree_of_any_depth_with_rename_and_move_history, |app| {
    // Before the two-level reform (1/7/2025), when districts were still created.
    app.set_local_time("2025-06-30T09:00");
    let admin = app.login("quantri").await;
    let province = app.office_id("DB").await;
    // The older three-tier shape fits: province → district → commune.
    let district = admin
        .post_json("/api/v1/offices", &json!({"code": "DB-MC", "name": "Huyện Mường Chà", "kind": "district", "parent_id": province}))
        .await;
    assert_eq!(district.status, StatusCode::CREATED, "{}", district.text());
    let district = district.json()["id"].as_str().unwrap().to_string();
    let commune = admin
        .post_json("/api/v1/offices", &json!({"code": "db-sp", "name": "Xã Sá Tổng", "kind": "commune", "parent_id": district}))
        .await
        .json();
    assert_eq!(commune["code"], "DB-SP", "codes are upper-cased");
    let cid = commune["id"].as_str().unwrap().to_string();
    // Rename, then move the commune directly under the province (two-tier reform).
    let r = admin
        .patch_json(
            &format!("/api/v1/offices/{cid}"),
            &json!({"name": "Xã Sá Tổng mới"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let m = admin
        .patch_json(
            &format!("/api/v1/offices/{cid}"),
            &json!({"parent_id": province}),
        )
        .await;
    assert_eq!(m.json()["parent_id"], province.to_string());
    let h = admin
        .get(&format!("/api/v1/offices/{cid}/history"))
        .await
        .json();
    let changes: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["create", "rename", "move"]);
    assert_eq!(h[1]["old_name"], "Xã Sá Tổng");
    assert_eq!(h[2]["old_parent_id"].as_str().unwrap(), district);
    // The page shows the history in Vietnamese.
    let page = admin.get(&format!("/don-vi/{cid}")).await.text();
    assert!(
        page.contains("Lịch sử thay đổi") && page.contains("Xã Sá Tổng → Xã Sá Tổng mới"),
        "{page}"
    );
    // A district admin's scope follows the move: the commune left the district.
    let mut tx = app.db().read().await.unwrap();
    let moved = congbo_store::repo::office::get(&mut tx, cid.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!moved.path.contains(&district.replace('-', "")));
});

app_test!(moves_into_own_subtree_and_of_the_top_are_refused, |app| {
    let admin = app.login("quantri").await;
    let province = app.office_id("DB").await;
    let tl = app.office_id("DB-TL").await;
    let child = admin
        .post_json("/api/v1/offices", &json!({"code": "DB-TL-1", "name": "Tổ một cửa Thanh Luông", "kind": "service_center", "parent_id": tl}))
        .await
        .json();
    let res = admin
        .patch_json(
            &format!("/api/v1/offices/{tl}"),
            &json!({"parent_id": child["id"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_code(), "office-move-cycle");
    let res = admin
        .patch_json(
            &format!("/api/v1/offices/{province}"),
            &json!({"parent_id": tl}),
        )
        .await;
    assert_eq!(res.error_code(), "office-move-root");
    // A refused move in the same request leaves the name untouched (one transaction).
    let before = app.audit_len().await;
    let res = admin
        .patch_json(
            &format!("/api/v1/offices/{tl}"),
            &json!({"name": "Tên mới", "parent_id": child["id"]}),
        )
        .await;
    assert_eq!(res.error_code(), "office-move-cycle");
    let now = admin.get(&format!("/api/v1/offices/{tl}")).await.json();
    assert_eq!(now["name"], "Xã Thanh Luông");
    assert_eq!(app.audit_len().await, before);
});

app_test!(pages_create_rename_and_add_counters, |app| {
    let admin = app.login("quantri").await;
    let province = app.office_id("DB").await.to_string();
    let res = admin
        .post_form(
            "/don-vi",
            &[
                ("code", "DB-NP"),
                ("name", "Xã Nà Pheo"),
                ("kind", "commune"),
                ("parent_id", &province),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let loc = res.header("location").unwrap().to_string();
    let res = admin
        .post_form(
            &format!("{loc}/quay"),
            &[("number", "1"), ("name", "Hộ tịch")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let dup = admin
        .post_form(
            &format!("{loc}/quay"),
            &[("number", "1"), ("name", "Đất đai")],
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.text().contains("Số quầy này đã có ở đơn vị."));
    let bad = admin
        .post_form(
            &format!("{loc}/quay"),
            &[("number", "100"), ("name", "Đất đai")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = admin.get(&loc).await.text();
    assert!(page.contains("Quầy 1 — Hộ tịch"), "{page}");
    let list = admin.get("/don-vi").await.text();
    assert!(list.contains("Xã Nà Pheo") && list.contains("Phường Điện Biên Phủ"));
    let dup = admin
        .post_form(
            "/don-vi",
            &[
                ("code", "DB-NP"),
                ("name", "Trùng"),
                ("kind", "commune"),
                ("parent_id", &province),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.text().contains("Mã đơn vị đã tồn tại."));
});

app_test!(staff_pages_create_assign_and_revoke, |app| {
    let admin = app.login("quantri").await;
    let tl = app.office_id("DB-TL").await.to_string();
    let res = admin
        .post_form(
            "/can-bo",
            &[
                ("username", "tl.motcua3"),
                ("full_name", "Lò Thị Hoa"),
                ("email", "hoa@thanhluong.gov.vn"),
                ("home_office_id", &tl),
                ("password", "Hoa-ban-tay-2026"),
                ("role", "reception"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let loc = res.header("location").unwrap().to_string();
    let res = admin
        .post_form(
            &format!("{loc}/vai-tro"),
            &[("role", "specialist"), ("office_id", &tl)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&loc).await.text();
    assert!(
        page.contains("Chuyên viên") && page.contains("Công chức một cửa"),
        "{page}"
    );
    let hoa = app.login_with("tl.motcua3", "Hoa-ban-tay-2026").await;
    let me = hoa.get("/api/v1/me").await.json();
    assert_eq!(me["roles"].as_array().unwrap().len(), 2);
    // Deactivation ends the session at once.
    let res = admin
        .post_form(&format!("{loc}/trang-thai"), &[("active", "false")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(hoa.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let bad = admin
        .post_form(
            "/can-bo",
            &[
                ("username", "x y"),
                ("full_name", "X"),
                ("home_office_id", &tl),
                ("password", "Hoa-ban-tay-2026"),
                ("role", "reception"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("Tên đăng nhập chỉ gồm chữ thường không dấu")
    );
});

app_test!(each_duplicate_is_named_by_its_constraint, |app| {
    // The store reports the constraint a write broke by name on both databases; each name the
    // user can cause has its own code and message.
    let admin = app.login("quantri").await;
    let province = app.office_id("DB").await;
    let commune = app.office_id("DB-TL").await;
    let res = admin
        .post_json(
            "/api/v1/offices",
            &json!({"code": "DB-TL", "name": "Trùng mã", "kind": "commune", "parent_id": province}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert_eq!(res.error_code(), "duplicate-office-code");
    assert_eq!(res.json()["error"]["message"], "Mã đơn vị đã tồn tại.");

    let res = admin
        .post_json(
            &format!("/api/v1/offices/{commune}/counters"),
            &json!({"number": 31, "name": "Quầy mới"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let res = admin
        .post_json(
            &format!("/api/v1/offices/{commune}/counters"),
            &json!({"number": 31, "name": "Quầy trùng"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert_eq!(res.error_code(), "duplicate-counter-number");

    let res = admin
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.motcua1", "full_name": "Trùng tên", "home_office_id": commune,
                    "password": "Mot-mat-khau-dai", "roles": []}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert_eq!(res.error_code(), "duplicate-username");

    let user = app.user_id("tl.motcua1").await;
    let staff = admin.get(&format!("/api/v1/staff/{user}")).await.json();
    let role = staff["roles"][0]["role"].as_str().unwrap().to_string();
    let office = staff["roles"][0]["office_id"].as_str().unwrap().to_string();
    let res = admin
        .post_json(
            &format!("/api/v1/staff/{user}/roles"),
            &json!({"role": role, "office_id": office}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert_eq!(res.error_code(), "duplicate-assignment");
});

// Issue 15 item 14: a commune moved from one district to another takes its dossiers and
// feedback cases along. The old district's staff no longer see them (404, and not in their
// lists); the new district's staff do.
app_test!(a_moved_commune_takes_its_dossiers_and_cases_along, |app| {
    // Districts are created before the two-level reform (1/7/2025).
    app.set_local_time("2025-06-30T09:00");
    let admin = app.login("quantri").await;
    let province = app.office_id("DB").await;
    let mut districts = vec![];
    for (code, name) in [("DB-H1", "Huyện Một"), ("DB-H2", "Huyện Hai")] {
        let d = admin
            .post_json(
                "/api/v1/offices",
                &json!({"code": code, "name": name, "kind": "district", "parent_id": province}),
            )
            .await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.text());
        let id = d.json()["id"].as_str().unwrap().to_string();
        let user = format!("{}.thanhtra", code.to_lowercase().replace('-', ""));
        let r = admin
            .post_json("/api/v1/staff", &json!({"username": user, "full_name": "Thanh tra huyện", "home_office_id": id,
                                                 "password": "Thanh-tra-huyen-2026", "roles": [{"role": "supervisor", "office_id": id}]}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        districts.push((id, user));
    }
    // Back to today's catalogue (in force from 1/7/2025), with a fresh session.
    app.set_local_time("2026-03-02T09:00");
    let admin = app.login("quantri").await;
    let mn = app.office_id("DB-MN").await;
    let move_to = async |parent: &str| {
        let r = admin
            .patch_json(
                &format!("/api/v1/offices/{mn}"),
                &json!({"parent_id": parent}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    };
    move_to(&districts[0].0).await;
    // Records made while under the first district, and before (received under the province).
    let dossier = app
        .login("mn.motcua1")
        .await
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "1.004884", "applicant": {"name": "Giàng A Chu", "phone": "0911111111"}}),
        )
        .await
        .json();
    let dossier = dossier["id"].as_str().unwrap().to_string();
    let case = app
        .anon()
        .post_json(
            "/api/v1/public/feedback",
            &json!({"office_code": "DB-MN", "category": "procedure", "privacy": "anonymous",
                    "content": "Phản ánh về thủ tục ở xã Mường Nhé."}),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.text());
    let case = case.json()["id"].as_str().unwrap().to_string();
    let old = app
        .login_with(&districts[0].1, "Thanh-tra-huyen-2026")
        .await;
    let new = app
        .login_with(&districts[1].1, "Thanh-tra-huyen-2026")
        .await;
    let sees = async |c: &congbo_testkit::Client<'_>| {
        let d = c.get(&format!("/api/v1/dossiers/{dossier}")).await.status;
        let k = c.get(&format!("/api/v1/feedback/{case}")).await.status;
        let dl = c.get("/api/v1/dossiers").await.text().contains(&dossier);
        let kl = c
            .get("/api/v1/feedback?from=2000-01-01")
            .await
            .text()
            .contains(&case);
        (d, k, dl, kl)
    };
    let yes = (StatusCode::OK, StatusCode::OK, true, true);
    let no = (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND, false, false);
    assert_eq!(sees(&old).await, yes, "the first district sees its commune");
    assert_eq!(sees(&new).await, no);

    move_to(&districts[1].0).await;
    assert_eq!(
        sees(&old).await,
        no,
        "the old district lost the commune's records"
    );
    assert_eq!(sees(&new).await, yes, "the new district has them");
    // The province above both still sees them.
    assert_eq!(sees(&app.login("thanhtra").await).await, yes);
});
