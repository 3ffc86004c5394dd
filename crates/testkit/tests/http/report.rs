//! Reports over HTTP: an office's figures as JSON (`/api/v1/offices/{id}/figures`) count what
//! was done through the API (dossiers returned early and late, one left overdue, an
//! apology), read the period from the query, refuse a bad period with the translated field
//! error, and answer 404 for another commune's office.

use axum::http::StatusCode;
use congbo_testkit::{Client, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const FIVE_DAYS: &str = "1.004884";

async fn act(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

app_test!(figures_json_counts_what_was_done, |app| {
    app.set_local_time("2026-03-02T09:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let d = act(
            &desk,
            "/api/v1/dossiers",
            json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {n}")}}),
        )
        .await;
        ids.push(d["id"].as_str().unwrap().to_string());
    }
    // One returned early, one late with Form 04, one left open past its date (2026-03-09).
    let early = act(
        &desk,
        &format!("/api/v1/dossiers/{}/finish", ids[0]),
        json!({}),
    )
    .await;
    assert_eq!(early["on_time"], "early");
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/return", ids[0]),
        json!({}),
    )
    .await;
    app.set_local_time("2026-03-10T09:00");
    let late = act(
        &desk,
        &format!("/api/v1/dossiers/{}/finish", ids[1]),
        json!({}),
    )
    .await;
    assert_eq!(late["on_time"], "late");
    act(
        &head,
        &format!("/api/v1/dossiers/{}/apologize", ids[1]),
        json!({"reason": "Chờ xác minh", "new_due": "2026-03-12"}),
    )
    .await;
    act(
        &desk,
        &format!("/api/v1/dossiers/{}/return", ids[1]),
        json!({}),
    )
    .await;

    let office = app.office_id(TL).await;
    let path = format!("/api/v1/offices/{office}/figures");
    let r = head.get(&format!("{path}?period=2026-03")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(
        (j["kind"].as_str(), j["from"].as_str()),
        (Some("month"), Some("2026-03-01"))
    );
    assert_eq!(j["to"], "2026-03-31");
    let f = &j["figures"];
    assert_eq!(f["received"], 3, "{f}");
    assert_eq!(f["returned_early"], 1);
    assert_eq!(f["returned_on_time"], 0);
    assert_eq!(f["returned_late"], 1);
    assert_eq!(f["open_overdue"], 1);
    assert_eq!(f["open_within"], 0);
    assert_eq!(f["open_as_of"], "2026-03-10", "open dossiers as of today");
    assert_eq!(f["apologies"], 1);
    assert_eq!(j["small_sample"], true, "no ratings");
    // The month by default; the previous month is empty; a quarter starts in January.
    assert_eq!(head.get(&path).await.json()["figures"]["received"], 3);
    let feb = head.get(&format!("{path}?period=2026-02")).await.json();
    assert_eq!(feb["figures"]["received"], 0);
    let q = head
        .get(&format!("{path}?kind=quarter&period=2026-Q1&subtree=true"))
        .await
        .json();
    assert_eq!(
        (q["from"].as_str(), q["subtree"].as_bool()),
        (Some("2026-01-01"), Some(true))
    );
    assert_eq!(q["figures"]["returned_late"], 1);
    // A procedure nobody used narrows the dossier figures to nothing.
    let p = head.get(&format!("{path}?procedure=9.999999")).await.json();
    assert_eq!(p["figures"]["received"], 0);

    // Bad periods: the field named, the message translated.
    let bad = head.get(&format!("{path}?period=2026-13")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.error_code(), "period-format");
    assert_eq!(bad.json()["error"]["field"], "period");
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Kỳ báo cáo"),
        "{}",
        bad.text()
    );
    let inverted = head
        .get(&format!("{path}?kind=custom&from=2026-03-05&to=2026-03-01"))
        .await;
    assert_eq!(inverted.error_code(), "period-inverted");
    assert_eq!(inverted.json()["error"]["field"], "to");
    let kind = head.get(&format!("{path}?kind=week")).await;
    assert_eq!(kind.json()["error"]["field"], "kind");

    // Another commune's head does not see the office; nobody signed out does.
    let other = app.token_client("mn.truong").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.anon().get(&path).await.status, StatusCode::UNAUTHORIZED);
});

app_test!(
    index766_json_scores_the_figures_and_marks_missing_data,
    |app| {
        app.set_local_time("2026-03-02T09:00");
        let desk = app.token_client("tl.motcua1").await;
        let head = app.token_client("tl.truong").await;
        let mut ids = Vec::new();
        for n in 0..2 {
            let d = act(
                &desk,
                "/api/v1/dossiers",
                json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {n}")}}),
            )
            .await;
            ids.push(d["id"].as_str().unwrap().to_string());
        }
        act(
            &desk,
            &format!("/api/v1/dossiers/{}/finish", ids[0]),
            json!({}),
        )
        .await;
        act(
            &desk,
            &format!("/api/v1/dossiers/{}/return", ids[0]),
            json!({}),
        )
        .await;
        app.set_local_time("2026-03-10T09:00");

        let office = app.office_id(TL).await;
        let path = format!("/api/v1/offices/{office}/index766");
        let r = head.get(&format!("{path}?period=2026-03")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let j = r.json();
        assert_eq!(j["inputs"]["dossiers"]["closed_early"], 1, "{j}");
        assert_eq!(j["inputs"]["dossiers"]["open_overdue"], 1);
        let card = &j["scorecard"];
        let indicators = card["indicators"].as_array().unwrap();
        // 2.1: (early + on time + open within) ÷ (closed + open) = 1 ÷ 2.
        let on_time = indicators
            .iter()
            .find(|i| i["status"]["status"] == "computed" && i["denominator"] == 2)
            .unwrap_or_else(|| panic!("2.1 computed: {card}"));
        assert_eq!(on_time["numerator"], 1);
        assert_eq!(on_time["rate_pct"], 50.0);
        assert!(on_time["formula"].as_str().is_some_and(|f| !f.is_empty()));
        // No feedback this month: nothing to count, never a zero.
        let nothing: Vec<&Value> = indicators
            .iter()
            .filter(|i| i["status"]["why"] == "nothing-to-count")
            .collect();
        assert!(!nothing.is_empty(), "{card}");
        assert!(
            nothing
                .iter()
                .all(|i| i["points"].is_null() && i["rate_pct"].is_null())
        );
        // Groups congbo does not collect are no-data.
        assert!(
            indicators
                .iter()
                .any(|i| i["status"]["why"] == "not-collected" && i["points"].is_null())
        );
        assert!(
            card["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["computed"] == 0)
        );
        assert!(card["total"].as_f64().unwrap() > 0.0);
        assert!(card["band"].is_string(), "{card}");

        let bad = head.get(&format!("{path}?kind=half&period=2026-H3")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["error"]["field"], "period");
        let other = app.token_client("mn.truong").await;
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    }
);
