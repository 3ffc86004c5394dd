//! Public statistics on both backends: `/api/v1/public/statistics`, `/thong-ke`,
//! `/thong-ke/{id}` and `/thong-ke.csv` answer without signing in, give the same numbers as the
//! authenticated figures and 766 APIs for the same office and period, agree with each other
//! (CSV = JSON), carry the small-sample flag, never name a complainant, an applicant or an
//! officer, and refuse a bad period with 422 (the page keeps what was typed).

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const FIVE_DAYS: &str = "1.004884";
/// Personal names that must never appear: the applicant, the complainant, the officer
/// complained about, the officer at the desk.
const NAMES: [&str; 4] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Quàng Thị Mai",
    "Nguyễn Thị Lan",
];

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

/// Two dossiers received and returned (one rated satisfied through its link), and a conduct
/// complaint by a named sender about the deputy, answered on time.
async fn activity(app: &TestApp) {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    for n in 0..2 {
        let d = ok(
            &desk,
            "/api/v1/dossiers",
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": "Nguyễn Văn An"}}),
        )
        .await;
        let id = d["id"].as_str().unwrap().to_string();
        for (action, body) in [
            ("transfer", json!({"to_step": 2})),
            ("finish", json!({})),
            ("return", json!({})),
        ] {
            ok(&head, &format!("/api/v1/dossiers/{id}/{action}"), body).await;
        }
        if n == 0 {
            let mut tx = app.db().read().await.unwrap();
            let row = congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
                .await
                .unwrap()
                .unwrap();
            tx.commit().await.unwrap();
            let token = congbo_app::links::rating_token(row.id, &row.secret);
            let code = d["code"].as_str().unwrap();
            let r = app
                .anon()
                .post_json(
                    &format!("/api/v1/public/dossier-ratings/{code}?t={token}"),
                    &json!({"overall": 1}),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text());
        }
    }
    let pho = app.user_id("tl.pho").await;
    let r = app
        .anon()
        .post_json(
            "/api/v1/public/feedback",
            &json!({"office_code": TL, "category": "conduct", "officer_id": pho,
                    "privacy": "named", "name": "Trần Thị Bình", "contact": "0912345678",
                    "content": "Cán bộ không chào hỏi người dân."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    ok(&head, &format!("/api/v1/feedback/{id}/accept"), json!({})).await;
    ok(
        &head,
        &format!("/api/v1/feedback/{id}/answer"),
        json!({"text": "Đã làm việc với cán bộ, phản ánh đúng.", "upheld": true}),
    )
    .await;
    app.set_local_time("2026-03-10T09:00");
}

fn office<'a>(j: &'a Value, code: &str) -> &'a Value {
    j["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {j}"))
}

/// The public figures of a period must be the authenticated figures and scorecard.
fn assert_same(public: &Value, figures: &Value, card: &Value) {
    let f = &figures["figures"];
    let n = |k: &str| f[k].as_i64().unwrap();
    assert_eq!(public["handled"], f["closed"], "{public} vs {f}");
    assert_eq!(
        public["returned"].as_i64().unwrap(),
        n("returned_early") + n("returned_on_time") + n("returned_late")
    );
    assert_eq!(
        public["on_time"].as_i64().unwrap(),
        n("returned_early") + n("returned_on_time")
    );
    assert_eq!(public["ratings"], f["ratings"]["n"]);
    assert_eq!(public["satisfied"], f["ratings"]["total"]);
    assert_eq!(public["small_sample"], figures["small_sample"]);
    assert_eq!(
        public["complaints_answered"].as_i64().unwrap(),
        n("feedback_answered_on_time") + n("feedback_answered_late")
    );
    assert_eq!(public["complaints_on_time"], f["feedback_answered_on_time"]);
    assert_eq!(public["score_pct"], card["scorecard"]["score_pct"]);
    assert_eq!(public["band"], card["scorecard"]["band"]);
}

app_test!(public_statistics_equal_the_authenticated_figures, |app| {
    activity(&app).await;
    let id = app.office_id(TL).await;
    let head = app.token_client("tl.truong").await;
    let anon = app.anon();

    // No sign-in; this month and this year by default, the same as asking for them.
    let r = anon.get("/api/v1/public/statistics").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["month"]["key"], "2026-03");
    assert_eq!(j["year"]["key"], "2026");
    assert_eq!(
        anon.get("/api/v1/public/statistics?period=2026-03")
            .await
            .json(),
        j
    );
    let tl = office(&j, TL);
    assert_eq!(tl["id"], id.to_string());
    assert_eq!(tl["group_name"], "Tỉnh Điện Biên", "{tl}");
    let m = &tl["month"];
    // What was done is counted (so the comparison below is not between two zeros).
    assert_eq!(
        (m["handled"].as_i64(), m["returned"].as_i64()),
        (Some(2), Some(2)),
        "{m}"
    );
    assert_eq!(
        (m["ratings"].as_i64(), m["satisfied"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(m["satisfied_pct"], 100.0);
    assert_eq!(m["small_sample"], true, "one rating is a small sample");
    assert_eq!(
        (
            m["complaints_answered"].as_i64(),
            m["complaints_on_time"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert!(m["score_pct"].is_number() && m["band"].is_string(), "{m}");

    for (public, query) in [
        (&tl["month"], "period=2026-03"),
        (&tl["year"], "kind=year&period=2026"),
    ] {
        let f = head
            .get(&format!("/api/v1/offices/{id}/figures?{query}"))
            .await
            .json();
        let card = head
            .get(&format!("/api/v1/offices/{id}/index766?{query}"))
            .await
            .json();
        assert_same(public, &f, &card);
    }
    // A year alone: no month; the same year figures. Another office: its own counters.
    let y = anon
        .get("/api/v1/public/statistics?period=2026")
        .await
        .json();
    assert!(y["month"].is_null() && office(&y, TL)["month"].is_null());
    assert_eq!(office(&y, TL)["year"], tl["year"]);
    assert_eq!(office(&j, "DB-MN")["month"]["handled"], 0);
    // One office by code or id; a name search without accents.
    let one = anon
        .get(&format!("/api/v1/public/statistics?office={TL}"))
        .await
        .json();
    assert_eq!(one["offices"].as_array().unwrap().len(), 1);
    assert_eq!(one["offices"][0], *tl);
    let by_id = anon
        .get(&format!("/api/v1/public/statistics?office={id}"))
        .await
        .json();
    assert_eq!(by_id["offices"][0], *tl);
    let found = anon
        .get("/api/v1/public/statistics?q=thanh%20luong")
        .await
        .json();
    let codes: Vec<&str> = found["offices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [TL]);
    let unknown = anon.get("/api/v1/public/statistics?office=XX-00").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Pages: the list shows the office, its page the same month with a chart.
    let page = anon.get("/thong-ke").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Xã Thanh Luông") && html.contains(&format!("/thong-ke/{id}")));
    assert!(html.contains("small-sample"), "the flag is shown");
    let one = anon.get(&format!("/thong-ke/{id}")).await;
    assert_eq!(one.status, StatusCode::OK);
    let one = one.text();
    assert!(
        one.contains("<svg") && one.contains("Tháng 3/2026"),
        "{one}"
    );
    assert!(one.contains("dưới 30 lượt đánh giá"));
    let nobody = anon
        .get("/thong-ke/00000000-0000-7000-8000-000000000000")
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);

    // Never a person: not the applicant, the complainant, the officer complained about or
    // the desk officer, by name or by id.
    let csv = anon.get("/thong-ke.csv").await.text();
    let ids = [
        app.user_id("tl.pho").await.to_string(),
        app.user_id("tl.motcua1").await.to_string(),
        app.user_id("tl.pho").await.simple().to_string(),
    ];
    for text in [j.to_string(), html, one, csv] {
        for name in NAMES.iter().copied().chain(ids.iter().map(String::as_str)) {
            assert!(!text.contains(name), "{name} is published");
        }
        assert!(!text.contains("0912345678"));
    }
});

/// A CSV field as the JSON value it stands for.
fn as_json(field: &str) -> Value {
    if field.is_empty() {
        return Value::Null;
    }
    if let Ok(b) = field.parse::<bool>() {
        return Value::Bool(b);
    }
    match field.parse::<f64>() {
        Ok(v) => json!(v),
        Err(_) => Value::String(field.to_string()),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

app_test!(csv_equals_json_and_bad_periods_are_refused, |app| {
    activity(&app).await;
    let anon = app.anon();
    let j = anon.get("/api/v1/public/statistics").await.json();
    let r = anon.get("/thong-ke.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let text = r.text();
    let text = text.strip_prefix('\u{FEFF}').expect("a byte-order mark");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        ["period", "office_id", "office_code", "office_name", "group"]
    );
    let mut rows = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        let o = j["offices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == cells[1])
            .unwrap();
        let which = if cells[0] == "2026" { "year" } else { "month" };
        assert_eq!(o["code"], cells[2]);
        for (name, cell) in header.iter().zip(&cells).skip(5) {
            let want = &o[which][*name];
            assert!(
                same(&as_json(cell), want),
                "{} {which} {name}: csv {cell} json {want}",
                cells[2]
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 2 * j["offices"].as_array().unwrap().len());
    assert!(text.contains("DB-TL"));

    // Bad periods: 422 with the field named and the message translated.
    for (q, code) in [
        ("2026-13", "period-format"),
        ("tháng 3", "period-format"),
        ("2027", "period-future"),
    ] {
        let r = anon
            .get(&format!(
                "/api/v1/public/statistics?period={}",
                q.replace(' ', "%20").replace('á', "%C3%A1")
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(r.error_code(), code);
        assert_eq!(r.json()["error"]["field"], "period");
    }
    assert_eq!(
        anon.get("/thong-ke.csv?period=2026-13").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The page says so next to the field and keeps what was typed.
    let page = anon.get("/thong-ke?period=2026-13&q=luong").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("id=\"period-error\""), "{html}");
    assert!(html.contains("Kỳ báo cáo không đúng định dạng"));
    assert!(html.contains("value=\"2026-13\"") && html.contains("value=\"luong\""));
    assert!(
        !html.contains("id=\"stats-table\""),
        "no figures for a bad period"
    );
});
