//! Public statistics and the TV's lobby mode in Chromium: an anonymous citizen opens
//! `/thong-ke`, finds the commune and opens its page; the lobby TV (`/man-hinh/{code}?sanh=1`)
//! shows the month's figures between calls, and a call brings the counters and the call
//! banner back at once. Screenshots go to `/tmp/shots-public/`.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{shot, until};
use fantoccini::Locator;
use serde_json::{Value, json};

const SHOTS: &str = "/tmp/shots-public";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_reads_the_statistics_and_the_lobby_tv_rotates_them_between_calls() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);

    // A dossier received and returned at Thanh Luông this month.
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let post = |who: u8, path: String, body: Value| {
        let client = if who == 0 { &desk } else { &head };
        async move {
            let r = client.post_json(&path, &body).await;
            assert!(r.status.is_success(), "{path}: {}", r.text());
            if r.body.is_empty() {
                Value::Null
            } else {
                r.json()
            }
        }
    };
    let d = post(
        0,
        "/api/v1/dossiers".into(),
        json!({"procedure_code": "1.004884", "applicant": {"name": "Nguyễn Văn An"}}),
    )
    .await;
    let id = d["id"].as_str().unwrap();
    for (action, body) in [
        ("transfer", json!({"to_step": 2})),
        ("finish", json!({})),
        ("return", json!({})),
    ] {
        post(1, format!("/api/v1/dossiers/{id}/{action}"), body).await;
    }
    let office = app.office_id("DB-TL").await;

    // The citizen, signed out, follows "Thống kê" from the lookup page.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/tra-cuu")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("a.public-link[href='/thong-ke']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let row = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#stats-table tr[data-office='DB-TL']"))
        .await
        .unwrap();
    let text = row.text().await.unwrap();
    assert!(text.contains("Xã Thanh Luông"), "{text}");
    assert!(text.contains("100,00 %"), "on time: {text}");
    shot(c, SHOTS, "thong-ke").await;
    c.execute(
        "document.querySelector(\"tr[data-office='DB-TL']\").scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(c, SHOTS, "thong-ke-row").await;
    row.find(Locator::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // (the link is boosted by htmx: wait for the office page's own content)
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("dd[data-figure='handled']"))
        .await
        .unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.starts_with("Xã Thanh Luông"), "{h1}");
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("/thong-ke/{office}")
    );
    let handled = c
        .find(Locator::Css("dd[data-figure='handled']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(handled, "1");
    assert!(c.find(Locator::Css(".chart svg")).await.is_ok());
    shot(c, SHOTS, "thong-ke-office").await;

    // The lobby TV at 1920×1080, figures after 4 s without a call.
    c.set_window_size(1920, 1080).await.unwrap();
    c.goto(&format!("{base}/man-hinh/DB-TL?voice=0&sanh=1&nghi=4"))
        .await
        .unwrap();
    assert!(
        until(
            c,
            "var p = document.getElementById('d-stats'); return !!p && !p.hidden \
             && document.querySelector('.board .now').hidden \
             && document.getElementById('s-handled').textContent === '1'",
            20,
        )
        .await,
        "the figures panel shows between calls"
    );
    let panel = c
        .find(Locator::Id("d-stats"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(panel.contains("Hồ sơ đã giải quyết"), "{panel}");
    shot(c, SHOTS, "tv-lobby").await;

    // The panel rotates: the satisfied share with its sample size comes round.
    // (slides change every 8 s; the satisfied share is the third)
    assert!(
        until(
            c,
            "return !document.querySelector('.slide[data-k=satisfied]').hidden",
            30,
        )
        .await,
        "the slides rotate"
    );
    shot(c, SHOTS, "tv-lobby-satisfied").await;

    // A number is taken and called at counter 1: the counters and the banner are back.
    let layout = app
        .anon()
        .get("/api/v1/public/offices/DB-TL/queue")
        .await
        .json();
    let k1 = layout["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["number"] == 1)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let group = layout["groups"][0]["id"].as_str().unwrap().to_string();
    let r = app
        .anon()
        .post_json(
            "/api/v1/public/offices/DB-TL/tickets?channel=kiosk",
            &json!({"group_id": group}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    post(0, format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    post(0, format!("/api/v1/counters/{k1}/call-next"), json!({})).await;
    assert!(
        until(
            c,
            "return document.getElementById('d-stats').hidden \
             && !document.querySelector('.board .now').hidden \
             && document.getElementById('d-call').textContent === 'Mời số A001 đến quầy số 1'",
            10,
        )
        .await,
        "a call brings the counters and the banner back"
    );
    shot(c, SHOTS, "tv-call").await;
    browser.close().await;
}
