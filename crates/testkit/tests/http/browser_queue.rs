//! The queue and the counter in Chromium (issue 16, items 10–15): the officer's morning at
//! the counter (a walk-in ticket prints, styled, and the screen comes back; an intake from the
//! ticket prints Form 01 and frees the counter); the lobby TV at 1920 × 1080 (the board fills
//! the screen, the call goes when the citizen is served, a transferred number shows among the
//! next) with the citizen's phone following the transfer live; the tablet counting down,
//! thanking and locking again.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, fill, shot, sign_in, text, text_with, until};
use fantoccini::Client;
use serde_json::{Value, json};

const SHOTS: &str = "/tmp/shots-queue";

async fn path_is(c: &Client, path: &str, secs: u64) -> bool {
    until(c, &format!("return location.pathname === '{path}'"), secs).await
}

/// (letter → group id, number → counter id) of DB-TL's queue.
async fn layout(app: &TestApp) -> (Value, Value) {
    let v = app
        .anon()
        .get("/api/v1/public/offices/DB-TL/queue")
        .await
        .json();
    (v["groups"].clone(), v["counters"].clone())
}

fn id_where(list: &Value, key: &str, value: Value) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_prints_a_walk_in_ticket_and_form_01_and_carries_on() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/quay")).await.unwrap();
    click(c, "form[action='/quay/vao'] button").await;
    text(c, "form[action='/quay/goi'] button").await;

    // A walk-in: the ticket opens as the printed ticket, styled, then the counter comes back.
    click(c, "form[action='/quay/cap-so'] button").await;
    assert!(
        until(c, "return location.pathname.startsWith('/ve/')", 20).await,
        "the ticket never opened"
    );
    assert_eq!(text(c, "#t-number").await, "A001");
    let size = c
        .execute(
            "return getComputedStyle(document.getElementById('t-number')).fontSize",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(size, json!("64px"), "the ticket's own stylesheet applies");
    let code = text(c, "#t-code").await;
    assert!(code.starts_with("A001-"), "{code}");
    shot(c, SHOTS, "01-walk-in-ticket").await;
    assert!(path_is(c, "/quay", 15).await, "never back at the counter");

    // Call it, serve it and receive a dossier from it.
    click(c, "form[action='/quay/goi'] button").await;
    text_with(c, "p.current", "A001").await;
    click(c, "form[action$='/start'] button").await;
    click(c, "a[href^='/ho-so/tiep-nhan?ve=']").await;
    text_with(c, "p.notice", "A001").await;
    // The list holds civil status procedures (the ticket's service), not land or social ones.
    let options = text(c, "#thu-tuc").await;
    assert!(options.contains("Đăng ký khai sinh"), "{options}");
    assert!(!options.contains("mai táng"), "{options}");
    click(c, "form[action='/ho-so/tiep-nhan'] button[type=submit]").await;
    fill(c, "name", "Lò Thị Hoa").await;
    shot(c, SHOTS, "02-intake").await;
    click(c, "form[action='/ho-so'] button[type=submit]").await;
    assert!(
        until(c, "return location.pathname.endsWith('/mau/01')", 20).await,
        "Form 01 never opened"
    );
    let bar = text(c, "#print-bar").await;
    assert!(bar.contains("Về quầy tiếp dân"), "{bar}");
    let page = text(c, "body").await;
    assert!(page.contains("Lò Thị Hoa"), "{page}");
    shot(c, SHOTS, "03-form-01").await;
    click(c, "#print-bar a.main").await;
    assert!(path_is(c, "/quay", 20).await);
    // The ticket was finished with the intake: the counter calls the next citizen.
    text(c, "form[action='/quay/goi'] button").await;
    shot(c, SHOTS, "04-counter-free").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lobby_tv_fills_the_screen_and_the_phone_follows_a_transfer() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let (groups, counters) = layout(&app).await;
    let a = id_where(&groups, "letter", json!("A"));
    let k1 = id_where(&counters, "number", json!(1));
    let k2 = id_where(&counters, "number", json!(2));
    let desk = app.token_client("tl.motcua1").await;
    let post = async |path: String, body: Value| -> Value {
        let r = desk.post_json(&path, &body).await;
        assert!(r.status.is_success(), "{path}: {}", r.text());
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    };
    let t = app
        .anon()
        .post_json(
            "/api/v1/public/offices/DB-TL/tickets?channel=kiosk",
            &json!({"group_id": a}),
        )
        .await
        .json();
    let id = t["id"].as_str().unwrap().to_string();
    let follow = t["follow_url"].as_str().unwrap();
    let follow = &follow[follow.find("/ve/").unwrap()..];

    // The citizen's phone.
    c.set_window_size(420, 900).await.unwrap();
    c.goto(&format!("{base}{follow}")).await.unwrap();
    text_with(c, "#t-minutes", "sắp đến lượt").await;
    let phone = c.window().await.unwrap();

    // The TV, full HD.
    let tv = c.new_window(true).await.unwrap();
    c.switch_to_window(tv.handle.clone()).await.unwrap();
    c.set_window_size(1920, 1080).await.unwrap();
    c.goto(&format!("{base}/man-hinh/DB-TL?voice=0"))
        .await
        .unwrap();
    text(c, "#d-counters tr[data-counter='1']").await;
    let fits = c
        .execute(
            "var b = document.querySelector('.board').getBoundingClientRect();
             return [document.documentElement.scrollHeight <= innerHeight,
                     Math.round(innerHeight - b.bottom),
                     parseFloat(getComputedStyle(document.querySelector('.ticketno')).fontSize)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits[0], json!(true), "no scrolling: {fits}");
    assert!(
        fits[1].as_i64().unwrap().abs() <= 2,
        "the board fills the height: {fits}"
    );
    assert!(
        fits[2].as_f64().unwrap() >= 90.0,
        "numbers read from afar: {fits}"
    );

    post(format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    post(format!("/api/v1/counters/{k1}/call-next"), json!({})).await;
    text_with(c, "#d-call", "Mời số A001 đến quầy số 1").await;
    shot(c, SHOTS, "05-tv-call").await;
    // The citizen arrives: the call goes at once, without a reload.
    c.execute("window.__same = true; return true", vec![])
        .await
        .unwrap();
    post(format!("/api/v1/tickets/{id}/start"), json!({})).await;
    assert!(
        until(
            c,
            "return document.getElementById('d-call').textContent === ''",
            10
        )
        .await,
        "the call stayed up"
    );
    // Sent to counter 2: the number is among the next.
    post(
        format!("/api/v1/tickets/{id}/transfer"),
        json!({"counter_id": k2}),
    )
    .await;
    text_with(c, "#d-next", "A001 → Quầy 2").await;
    assert_eq!(
        c.execute("return window.__same === true", vec![])
            .await
            .unwrap(),
        json!(true)
    );
    shot(c, SHOTS, "06-tv-next").await;

    // The phone, left open, now says where to go.
    c.switch_to_window(phone).await.unwrap();
    text_with(c, "#t-status", "Mời Ông/Bà chờ tại quầy số 2").await;
    shot(c, SHOTS, "07-phone-transferred").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tablet_counts_down_thanks_and_locks_again() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let (groups, counters) = layout(&app).await;
    let a = id_where(&groups, "letter", json!("A"));
    let k1 = id_where(&counters, "number", json!(1));
    let head = app.token_client("tl.truong").await;
    let p = head
        .post_json(&format!("/api/v1/counters/{k1}/rating-devices"), &json!({}))
        .await
        .json();
    let url = p["pair_url"].as_str().unwrap();
    c.goto(&format!(
        "{base}{}",
        &url[url.find("/may-danh-gia/").unwrap()..]
    ))
    .await
    .unwrap();
    text(c, "section.locked").await;

    let desk = app.token_client("tl.motcua1").await;
    let post = async |path: String| -> Value {
        let r = desk.post_json(&path, &json!({})).await;
        assert!(r.status.is_success(), "{path}: {}", r.text());
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    };
    app.anon()
        .post_json(
            "/api/v1/public/offices/DB-TL/tickets?channel=kiosk",
            &json!({"group_id": a}),
        )
        .await;
    post(format!("/api/v1/counters/{k1}/sign-in")).await;
    let t = post(format!("/api/v1/counters/{k1}/call-next")).await;
    let id = t["id"].as_str().unwrap().to_string();
    post(format!("/api/v1/tickets/{id}/start")).await;
    post(format!("/api/v1/tickets/{id}/finish")).await;

    // The tablet opens (it looks every few seconds) and counts its window down.
    let seconds = |s: &str| -> u32 {
        s.split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no seconds in {s:?}"))
    };
    let first = seconds(&text(c, "#window-left").await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let later = seconds(&text(c, "#window-left").await);
    assert!(later + 2 <= first, "{first} → {later}");
    shot(c, SHOTS, "08-tablet-counting").await;
    click(c, "button.level-1").await;
    text_with(c, "section.thanks", "Xin cảm ơn").await;
    shot(c, SHOTS, "09-tablet-thanks").await;
    // Then the locked screen again, at its own address.
    assert!(
        until(
            c,
            "return !!document.querySelector('section.locked') && location.search === ''",
            15
        )
        .await,
        "the tablet never locked again"
    );
    shot(c, SHOTS, "10-tablet-locked").await;
    browser.close().await;
}
