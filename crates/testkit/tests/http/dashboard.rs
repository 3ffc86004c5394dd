//! Dashboards over HTTP (`/bao-cao`, the comparison, the drill-down and their JSON): who may
//! open them (another commune 404, reception 403), filters refused next to their field with
//! the values kept, every drill-down list as long as its figure, and privacy (a low rating's
//! list shows no contact, ticket or dossier; the feedback list leaves out the viewer's own
//! case but still counts it).

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const FIVE_DAYS: &str = "1.004884";
const CONTACT: &str = "0987 654 321";

async fn act(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

async fn rating_token(app: &TestApp, id: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let d = congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    congbo_app::links::rating_token(d.id, &d.secret)
}

/// March 2026 at Thanh Luông: three dossiers (one returned early, one late with an apology,
/// one left overdue), a low rating with a contact, a procedure complaint and a conduct
/// complaint about the head. Returns the dossier codes (early, late, overdue).
async fn month(app: &TestApp) -> Vec<(String, String)> {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let mut ds = Vec::new();
    for n in 0..3 {
        let d = act(
            &desk,
            "/api/v1/dossiers",
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {n}")}}),
        )
        .await;
        ds.push((
            d["id"].as_str().unwrap().to_string(),
            d["code"].as_str().unwrap().to_string(),
        ));
    }
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/finish", ds[0].0),
        json!({}),
    )
    .await;
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/return", ds[0].0),
        json!({}),
    )
    .await;
    let token = rating_token(app, &ds[0].0).await;
    let r = app
        .anon()
        .post_json(
            &format!("/api/v1/public/dossier-ratings/{}?t={token}", ds[0].1),
            &json!({"overall": 3, "timeliness": 2, "attitude": 1, "trips": 1,
                    "reasons": ["cho-lau"], "contact": CONTACT, "comment": "Chờ lâu"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    assert_eq!(r.json()["low"], true);
    app.set_local_time("2026-03-10T09:00");
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/finish", ds[1].0),
        json!({}),
    )
    .await;
    act(
        &head,
        &format!("/api/v1/dossiers/{}/apologize", ds[1].0),
        json!({"reason": "Chờ xác minh", "new_due": "2026-03-12"}),
    )
    .await;
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/return", ds[1].0),
        json!({}),
    )
    .await;
    let truong = app.user_id("tl.truong").await;
    for body in [
        json!({"office_code": TL, "category": "procedure",
               "content": "Thủ tục chậm, đề nghị xem lại."}),
        json!({"office_code": TL, "category": "conduct", "officer_id": truong,
               "clause": "10-nguyen-tac/chao-hoi",
               "content": "Chủ tịch xã không tiếp dân đúng lịch."}),
    ] {
        let r = app.anon().post_json("/api/v1/public/feedback", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    ds
}

app_test!(every_drill_down_list_is_as_long_as_its_figure, |app| {
    let ds = month(&app).await;
    let head = app.token_client("tl.truong").await;
    let office = app.office_id(TL).await;
    let q = "period=2026-03";
    let f = head
        .get(&format!("/api/v1/offices/{office}/figures?{q}"))
        .await
        .json()["figures"]
        .clone();
    assert_eq!(
        (f["returned_late"].as_i64(), f["open_overdue"].as_i64()),
        (Some(1), Some(1)),
        "{f}"
    );
    for (slug, field) in [
        ("returned-late", "returned_late"),
        ("open-overdue", "open_overdue"),
        ("apologies", "apologies"),
        ("no-show", "tickets_no_show"),
        ("low-ratings", "ratings_low"),
        ("feedback", "feedback_received"),
    ] {
        let r = head
            .get(&format!(
                "/api/v1/offices/{office}/figures/drill/{slug}?{q}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{slug}: {}", r.text());
        let d = r.json();
        assert_eq!(d["total"], f[field], "{slug}: {d}");
    }
    assert!(f["ratings_low"].as_i64().unwrap() >= 1, "{f}");
    assert_eq!(f["feedback_received"], 2);
    // The late list is the late dossier, linked to its page.
    let late = head
        .get(&format!(
            "/api/v1/offices/{office}/figures/drill/returned-late?{q}"
        ))
        .await
        .json();
    assert_eq!(late["dossiers"][0]["code"], ds[1].1.as_str());
    let overdue = head
        .get(&format!(
            "/api/v1/offices/{office}/figures/drill/open-overdue?{q}"
        ))
        .await
        .json();
    assert_eq!(overdue["dossiers"][0]["code"], ds[2].1.as_str());
    // A procedure nobody used: the figure and the list are both empty.
    let none = head
        .get(&format!(
            "/api/v1/offices/{office}/figures/drill/returned-late?{q}&procedure=9.999999"
        ))
        .await
        .json();
    assert_eq!(none["total"], 0);

    // The page: the figure links to its list, the list has as many rows as the figure says.
    let page = app.login("tl.truong").await;
    let dash = page.get(&format!("/bao-cao/{office}?{q}")).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.text());
    let html = dash.text();
    assert!(html.contains("Tỉ lệ đúng hạn"), "{html}");
    let link = format!("/bao-cao/{office}/chi-tiet/returned-late?kind=month&#38;period=2026-03");
    assert!(html.contains(&link), "{html}");
    let list = page
        .get(&format!(
            "/bao-cao/{office}/chi-tiet/returned-late?kind=month&period=2026-03"
        ))
        .await
        .text();
    assert_eq!(list.matches("class=\"drill-row\"").count(), 1, "{list}");
    assert!(list.contains(&format!("href=\"/ho-so/{}\"", ds[1].0)));
    assert!(list.contains(&ds[1].1));
    // An unknown figure has no list.
    let r = page
        .get(&format!("/bao-cao/{office}/chi-tiet/everything"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

app_test!(
    drill_downs_never_show_who_rated_nor_the_viewers_own_case,
    |app| {
        let ds = month(&app).await;
        let office = app.office_id(TL).await;
        let head = app.token_client("tl.truong").await;
        let q = "period=2026-03";
        let r = head
            .get(&format!(
                "/api/v1/offices/{office}/figures/drill/low-ratings?{q}"
            ))
            .await;
        let text = r.text();
        let j = r.json();
        let n = j["total"].as_u64().unwrap() as usize;
        assert!(n >= 1, "{j}");
        assert_eq!(j["ratings"].as_array().unwrap().len(), n);
        let row = &j["ratings"][0];
        assert_eq!(row["officer"], "Nguyễn Thị Lan", "{row}");
        for leak in [CONTACT, ds[0].1.as_str(), ds[0].0.as_str(), "Chờ lâu"] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        for key in [
            "ticket",
            "ticket_id",
            "dossier",
            "dossier_id",
            "contact",
            "comment",
        ] {
            assert!(row.get(key).is_none(), "{key} in {row}");
        }
        let page = app.login("tl.truong").await;
        let html = page
            .get(&format!("/bao-cao/{office}/chi-tiet/low-ratings?{q}"))
            .await
            .text();
        assert_eq!(html.matches("class=\"drill-row\"").count(), n, "{html}");
        assert!(!html.contains(CONTACT) && !html.contains(&ds[0].1));

        // The head's own case is counted, not listed; a supervisor sees both.
        let mine = head
            .get(&format!(
                "/api/v1/offices/{office}/figures/drill/feedback?{q}"
            ))
            .await
            .json();
        assert_eq!(
            (mine["total"].as_i64(), mine["hidden"].as_i64()),
            (Some(2), Some(1))
        );
        let cases = mine["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0]["category"], "procedure");
        assert!(!mine.to_string().contains("Chủ tịch xã"), "no content");
        let sup = app.token_client("thanhtra").await;
        let all = sup
            .get(&format!(
                "/api/v1/offices/{office}/figures/drill/feedback?{q}"
            ))
            .await
            .json();
        assert_eq!(
            (all["total"].as_i64(), all["hidden"].as_i64()),
            (Some(2), Some(0))
        );

        // Each list needs its own permission: an auditor reads figures, not dossiers.
        let auditor = app.token_client("kiemtoan").await;
        let fig = auditor
            .get(&format!("/api/v1/offices/{office}/figures?{q}"))
            .await;
        assert_eq!(fig.status, StatusCode::OK);
        let r = auditor
            .get(&format!(
                "/api/v1/offices/{office}/figures/drill/returned-late?{q}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

app_test!(
    dashboards_are_scoped_and_refuse_bad_filters_in_place,
    |app| {
        month(&app).await;
        let office = app.office_id(TL).await;
        let province = app.office_id("DB").await;
        // Where /bao-cao leads: a head to the office, a supervisor to the comparison.
        let head = app.login("tl.truong").await;
        let r = head.get("/bao-cao").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.header("location"),
            Some(format!("/bao-cao/{office}").as_str())
        );
        assert!(head.get("/").await.text().contains("href=\"/bao-cao\""));
        let sup = app.login("thanhtra").await;
        let r = sup.get("/bao-cao").await;
        assert_eq!(
            r.header("location"),
            Some(format!("/bao-cao/{province}/so-sanh").as_str())
        );
        // Another commune's head: not found; reception: forbidden (and no menu entry).
        let other = app.login("mn.truong").await;
        for path in [
            format!("/bao-cao/{office}"),
            format!("/bao-cao/{office}/so-sanh"),
            format!("/bao-cao/{office}/chi-tiet/returned-late"),
        ] {
            assert_eq!(
                other.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let desk = app.login("tl.motcua1").await;
        assert_eq!(
            desk.get(&format!("/bao-cao/{office}")).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(desk.get("/bao-cao").await.status, StatusCode::FORBIDDEN);
        assert!(!desk.get("/").await.text().contains("href=\"/bao-cao\""));
        let api = app.token_client("tl.motcua1").await;
        let r = api.get(&format!("/api/v1/offices/{office}/figures")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // A bad period: 422, the message next to its field, what was typed kept.
        let r = head.get(&format!("/bao-cao/{office}?period=2026-13")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("id=\"period-error\""), "{html}");
        assert!(html.contains("value=\"2026-13\""));
        assert!(html.contains("Kỳ báo cáo không đúng định dạng"));
        let r = head
            .get(&format!(
                "/bao-cao/{office}?kind=custom&from=2026-03-05&to=2026-03-01"
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"to-error\""));
        let r = head
            .get(&format!("/bao-cao/{office}?service_group=abc"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"service_group-error\""));
        let r = sup
            .get(&format!("/bao-cao/{province}/so-sanh?sort=best"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("id=\"sort-error\""));
        let api = app.token_client("thanhtra").await;
        let r = api
            .get(&format!(
                "/api/v1/offices/{province}/figures/by-office?sort=best"
            ))
            .await;
        assert_eq!(r.error_code(), "report-sort");

        // The comparison: Thanh Luông (the only commune with returns) first by on-time share.
        let j = api
            .get(&format!(
                "/api/v1/offices/{province}/figures/by-office?period=2026-03&sort=on-time"
            ))
            .await
            .json();
        let rows = j["offices"].as_array().unwrap();
        assert_eq!(rows[0]["own"], true);
        assert_eq!(rows[1]["code"], TL, "{j}");
        assert_eq!(rows[1]["headline"]["on_time_pct"], 50.0);
        assert!(rows[1]["headline"]["small_sample"].as_bool().unwrap());
        let page = sup
            .get(&format!(
                "/bao-cao/{province}/so-sanh?period=2026-03&sort=on-time"
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(&format!("data-office=\"{TL}\"")));
        // The trend: one entry per month.
        let t = api
            .get(&format!(
                "/api/v1/offices/{office}/figures/trend?kind=quarter&period=2026-Q1"
            ))
            .await
            .json();
        let months = t["months"].as_array().unwrap();
        assert_eq!(months.len(), 3);
        assert_eq!(months[2]["month"], "2026-03");
        assert_eq!(months[2]["figures"]["returned_late"], 1);
    }
);
