//! The procedure catalogue: public accent-insensitive search, detail pages, all-or-nothing
//! import with a report naming each bad row, export that round-trips.

use axum::http::{Method, StatusCode};
use congbo_testkit::app_test;

app_test!(public_search_ignores_accents_and_needs_no_sign_in, |app| {
    let anon = app.anon();
    let page = anon.get("/thu-tuc?q=dang+ky+khai+sinh").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Đăng ký khai sinh"), "{html}");
    assert!(
        !html.contains("Đăng ký kết hôn"),
        "only matching procedures"
    );
    assert!(
        html.contains("Trong ngày"),
        "birth registration is same-day"
    );
    // With accents, and through the API.
    let api = anon
        .get("/api/v1/procedures?q=ch%E1%BB%A9ng%20th%E1%BB%B1c")
        .await
        .json();
    let names: Vec<&str> = api
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["procedure"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.len() >= 3
            && names
                .iter()
                .all(|n| n.to_lowercase().contains("chứng thực")),
        "{names:?}"
    );
    let all = anon.get("/api/v1/procedures").await.json();
    assert!(
        all.as_array().unwrap().len() >= 20,
        "the demo has at least 20 procedures"
    );
    // Detail page of the version in force today.
    let detail = anon.get("/thu-tuc/2.000815").await.text();
    assert!(
        detail.contains("Chứng thực bản sao") && detail.contains("2.000"),
        "{detail}"
    );
    assert_eq!(
        anon.get("/thu-tuc/9.999999").await.status,
        StatusCode::NOT_FOUND
    );
    // Versions: birth registration kept its pre-2025 version.
    let versions = anon.get("/api/v1/procedures/1.001193").await.json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    // On a date before 1 July 2025 the older version is the one in force.
    let old = anon
        .get("/api/v1/procedures?q=khai%20sinh&on=2024-03-01")
        .await
        .json();
    assert!(
        old.as_array()
            .unwrap()
            .iter()
            .any(|v| v["procedure"]["code"] == "1.001193" && v["version"] == 1)
    );
});

app_test!(import_is_all_or_nothing_with_a_row_report, |app| {
    let admin = app.login("quantri").await;
    let csv = admin.get("/danh-muc/xuat?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("thu-tuc.csv")
    );
    let csv = csv.text();
    // Re-importing the export changes nothing and is accepted.
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=csv",
            Some("text/csv"),
            csv.clone().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.json()["errors"].as_array().unwrap().is_empty());
    // Break two data rows: a bad code and a zero document count.
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("1.", "X.", 1);
    lines[4] = lines[4].replace(") x1", ") x0");
    let before = app.audit_len().await;
    let bad = lines.join("\n");
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=csv",
            Some("text/csv"),
            bad.clone().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = res.json();
    let rows: Vec<u64> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert!(rows.contains(&2) && rows.contains(&4), "{report}");
    assert_eq!(app.audit_len().await, before, "nothing stored");
    // The page shows the same report in Vietnamese.
    let page = admin
        .post_form("/danh-muc/nhap", &[("format", "csv"), ("content", &bad)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(
        html.contains("Tệp có lỗi nên chưa nhập dòng nào")
            && html.contains("Số lượng giấy tờ phải từ 1 trở lên"),
        "{html}"
    );
    // A JSON import of one changed procedure replaces its versions and is audited.
    let json = admin.get("/danh-muc/xuat?format=json").await.json();
    let mut one = json
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["procedure"]["code"] == "2.000884")
        .unwrap()
        .clone();
    one["procedure"]["name"] = "Chứng thực chữ ký (đã cập nhật)".into();
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=json",
            Some("application/json"),
            serde_json::json!([one]).to_string().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(
        app.anon()
            .get("/thu-tuc?q=da+cap+nhat")
            .await
            .text()
            .contains("Chứng thực chữ ký (đã cập nhật)")
    );
    let audit = app
        .login("kiemtoan")
        .await
        .get("/api/v1/audit?action=catalog.import")
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 2);
});

app_test!(only_top_level_admins_import, |app| {
    for user in ["tl.truong", "thanhtra", "kiemtoan"] {
        let c = app.login(user).await;
        let res = c
            .send(
                Method::POST,
                "/api/v1/procedures/import?format=json",
                Some("application/json"),
                b"[]".to_vec(),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(
            c.get("/danh-muc/nhap").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    let admin = app.login("quantri").await;
    assert_eq!(admin.get("/danh-muc/nhap").await.status, StatusCode::OK);
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=xml",
            Some("text/xml"),
            b"<x/>".to_vec(),
        )
        .await;
    assert_eq!(res.error_code(), "unknown-format");
    let res = admin
        .send(
            Method::POST,
            "/api/v1/procedures/import?format=csv",
            Some("text/csv"),
            vec![0xff, 0xfe],
        )
        .await;
    assert_eq!(res.error_code(), "not-utf8");
});
