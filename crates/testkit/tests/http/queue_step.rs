//! The queue and the counter stay in step (issue 16, items 10–15), through pages and the API on
//! both backends: an intake from a ticket finishes it and opens Form 01 to print; the intake
//! offers the ticket's service's procedures; a walk-in ticket prints and goes back to the
//! counter; the lobby board drops an old call, lists transferred numbers and closes yesterday's
//! counters; the citizen's page names the counter after a transfer, says waits in words and
//! follows a short code; the tablet thanks and locks again.

use axum::http::StatusCode;
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";

/// (letter → group id), (number → counter id) of the office's queue.
async fn layout(app: &TestApp) -> (Vec<(String, String)>, Vec<(i64, String)>) {
    let v = app
        .anon()
        .get(&format!("/api/v1/public/offices/{TL}/queue"))
        .await
        .json();
    let groups = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["letter"].as_str().unwrap().into(),
                g["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let counters = v["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["number"].as_i64().unwrap(),
                c["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    (groups, counters)
}

fn group<'a>(l: &'a [(String, String)], letter: &str) -> &'a str {
    &l.iter().find(|(x, _)| x == letter).unwrap().1
}

fn counter(l: &[(i64, String)], n: i64) -> &str {
    &l.iter().find(|(k, _)| *k == n).unwrap().1
}

async fn take(app: &TestApp, group: &str) -> Value {
    let r = app
        .anon()
        .post_json(
            &format!("/api/v1/public/offices/{TL}/tickets?channel=kiosk"),
            &json!({"group_id": group}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    if r.status == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        r.json()
    }
}

/// The desk officer signs in at counter `n` and calls the next number; returns its id.
async fn call_at(app: &TestApp, desk: &Client<'_>, n: i64) -> String {
    let (_, counters) = layout(app).await;
    let k = counter(&counters, n).to_string();
    ok(desk, &format!("/api/v1/counters/{k}/sign-in"), json!({})).await;
    let t = ok(desk, &format!("/api/v1/counters/{k}/call-next"), json!({})).await;
    t["id"].as_str().unwrap().to_string()
}

async fn state_of(app: &TestApp, id: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let t = congbo_store::repo::queue::ticket(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    t.state
}

fn secret_of(t: &Value) -> String {
    let url = t["follow_url"].as_str().unwrap();
    url.split("k=").nth(1).unwrap().to_string()
}

async fn board(app: &TestApp) -> Value {
    app.anon()
        .get(&format!("/api/v1/public/offices/{TL}/display"))
        .await
        .json()
}

app_test!(
    an_intake_from_the_ticket_finishes_it_and_opens_form_01_to_print,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, _) = layout(&app).await;
        let first = take(&app, group(&groups, "A")).await;
        let second = take(&app, group(&groups, "A")).await;
        let desk = app.token_client("tl.motcua1").await;
        let id = call_at(&app, &desk, 1).await;
        assert_eq!(id, first["id"].as_str().unwrap());
        ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
        let page = app.login("tl.motcua1").await;
        let form = page
            .get(&format!("/ho-so/tiep-nhan?ve={id}&thu-tuc=1.004884"))
            .await
            .text();
        // The intake form posts as a whole page (the printed form is a page of its own), and
        // offers to keep the ticket for a second dossier.
        assert!(
            form.contains("action=\"/ho-so\" class=\"card\" hx-boost=\"false\""),
            "{form}"
        );
        assert!(form.contains("name=\"keep_ticket\""), "{form}");
        let r = page
            .post_form(
                "/ho-so",
                &[
                    ("procedure_code", "1.004884"),
                    ("ticket_id", &id),
                    ("name", "Nguyễn Văn An"),
                    ("doc", "0"),
                    ("doc", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let to = r.header("location").unwrap().to_string();
        assert!(
            to.starts_with("/ho-so/") && to.ends_with("/mau/01?in=1&quay=1"),
            "{to}"
        );
        // The ticket is finished: the board's counter is free, the phone page says so.
        assert_eq!(state_of(&app, &id).await, "done");
        let b = board(&app).await;
        let k1 = b["counters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["number"] == 1)
            .unwrap()
            .clone();
        assert_eq!(k1["ticket"], Value::Null, "{b}");
        let phone = app
            .anon()
            .get(&format!("/ve/{id}?k={}", secret_of(&first)))
            .await
            .text();
        assert!(phone.contains("Đã phục vụ xong"), "{phone}");
        // Form 01 opens to print, with the way back to the counter.
        let printed = page.get(&to).await;
        assert_eq!(printed.status, StatusCode::OK, "{to}: {}", printed.text());
        let printed = printed.text();
        assert!(printed.contains("data-autoprint=\"1\""), "{printed}");
        assert!(printed.contains("/static/print.js"), "{printed}");
        assert!(printed.contains("href=\"/quay\""), "{printed}");
        assert!(printed.contains("Mẫu số 01"), "{printed}");
        // The plain form (opened from the dossier page) has no bar.
        let plain = page.get(to.split('?').next().unwrap()).await.text();
        assert!(!plain.contains("print-bar"), "{plain}");

        // A citizen with a second dossier: the officer keeps the ticket.
        let (_, counters) = layout(&app).await;
        let k1 = counter(&counters, 1).to_string();
        let t2 = ok(
            &desk,
            &format!("/api/v1/counters/{k1}/call-next"),
            json!({}),
        )
        .await;
        let id2 = t2["id"].as_str().unwrap().to_string();
        assert_eq!(id2, second["id"].as_str().unwrap());
        let r = page
            .post_form(
                "/ho-so",
                &[
                    ("procedure_code", "1.004884"),
                    ("ticket_id", &id2),
                    ("keep_ticket", "1"),
                    ("name", "Trần Thị Bình"),
                    ("doc", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(state_of(&app, &id2).await, "called");
        // A document missing: the paper to print is Form 02 (what to bring), not Form 01.
        let to = r.header("location").unwrap();
        assert!(to.ends_with("/mau/02?in=1&quay=1"), "{to}");
        // Through the API the same: the intake finishes the ticket unless asked to keep it.
        let r = desk
            .post_json(
                "/api/v1/dossiers",
                &json!({"procedure_code": "1.004884", "ticket_id": id2,
                    "applicant": {"name": "Trần Thị Bình"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(state_of(&app, &id2).await, "done");
        let t = desk.get(&format!("/api/v1/tickets/{id2}")).await.json();
        assert_eq!(t["dossiers"].as_array().unwrap().len(), 2, "{t}");
    }
);

app_test!(
    the_intake_offers_the_procedures_of_the_tickets_service,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, _) = layout(&app).await;
        let desk = app.token_client("tl.motcua1").await;
        let page = app.login("tl.motcua1").await;
        // (letter, counter, a procedure of the service, one of another service)
        let cases = [
            ("A", 1, "1.001193", "1.001731"),
            ("B", 2, "Hòa giải tranh chấp đất đai", "1.001193"),
            ("C", 3, "1.001731", "1.000894"),
        ];
        for (letter, n, own, other) in cases {
            take(&app, group(&groups, letter)).await;
            let id = call_at(&app, &desk, n).await;
            let form = page.get(&format!("/ho-so/tiep-nhan?ve={id}")).await.text();
            assert!(form.contains(own), "{letter}: {form}");
            assert!(!form.contains(other), "{letter}: {form}");
            assert!(form.contains("id=\"all-procedures\""), "{form}");
            let all = page
                .get(&format!("/ho-so/tiep-nhan?ve={id}&tat-ca=1"))
                .await
                .text();
            assert!(all.contains(own) && all.contains(other), "{letter}: {all}");
            ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
            ok(&desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
        }
        // Without a ticket, every procedure.
        let plain = page.get("/ho-so/tiep-nhan").await.text();
        assert!(plain.contains("1.001193") && plain.contains("1.001731"));
    }
);

app_test!(
    a_walk_in_ticket_prints_and_goes_back_to_the_counter,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, _) = layout(&app).await;
        let page = app.login("tl.motcua1").await;
        let desk = page.get("/quay").await.text();
        assert!(
            desk.contains("action=\"/quay/cap-so\" class=\"card\" hx-boost=\"false\""),
            "{desk}"
        );
        let office = app.office_id(TL).await.to_string();
        let r = page
            .post_form(
                "/quay/cap-so",
                &[("office_id", &office), ("group_id", group(&groups, "B"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let to = r.header("location").unwrap().to_string();
        assert!(to.contains("&in=1&quay=1"), "{to}");
        let ticket = app.anon().get(&to).await.text();
        assert!(ticket.contains("data-back=\"/quay\""), "{ticket}");
        assert!(ticket.contains("href=\"/quay\""), "{ticket}");
        assert!(ticket.contains("/static/queue.css"), "{ticket}");
        // The kiosk's own ticket still goes back to the kiosk.
        let r = app
            .anon()
            .post_form(
                &format!("/ki-ot/{TL}"),
                &[("group_id", group(&groups, "A"))],
            )
            .await;
        let to = r.header("location").unwrap().to_string();
        let ticket = app.anon().get(&to).await.text();
        assert!(
            ticket.contains(&format!("data-back=\"/ki-ot/{TL}\"")),
            "{ticket}"
        );
    }
);

app_test!(
    the_board_drops_an_old_call_and_lists_transferred_numbers,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, counters) = layout(&app).await;
        let a1 = take(&app, group(&groups, "A")).await;
        let desk = app.token_client("tl.motcua1").await;
        let id = call_at(&app, &desk, 1).await;
        let b = board(&app).await;
        assert_eq!(b["last_call"]["number"], "A001", "{b}");
        assert_eq!(b["last_call"]["left"], 60, "{b}");
        // The set time passes with the citizen not yet there: the call is no longer announced.
        app.advance_minutes(2);
        assert_eq!(board(&app).await["last_call"], Value::Null);
        ok(&desk, &format!("/api/v1/tickets/{id}/recall"), json!({})).await;
        assert_eq!(board(&app).await["last_call"]["number"], "A001");
        // Served: no longer called.
        ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
        assert_eq!(board(&app).await["last_call"], Value::Null);
        // Sent to counter 2: it is listed among the next numbers, first.
        take(&app, group(&groups, "A")).await;
        let k2 = counter(&counters, 2).to_string();
        ok(
            &desk,
            &format!("/api/v1/tickets/{id}/transfer"),
            json!({"counter_id": k2}),
        )
        .await;
        let b = board(&app).await;
        assert_eq!(b["next"], json!(["A001", "A002"]), "{b}");
        assert_eq!(b["next_counters"], json!([2, null]), "{b}");
        let tv = app.anon().get(&format!("/man-hinh/{TL}")).await.text();
        assert!(
            tv.contains("A001 <span class=\"to\">→ Quầy 2</span>"),
            "{tv}"
        );
        // The citizen's page says where to go, the JSON too.
        let secret = secret_of(&a1);
        let phone = app.anon().get(&format!("/ve/{id}?k={secret}")).await.text();
        assert!(phone.contains("Mời Ông/Bà chờ tại quầy số 2"), "{phone}");
        let t = app
            .anon()
            .get(&format!("/api/v1/public/tickets/{id}?k={secret}"))
            .await
            .json();
        assert_eq!(t["sent_to"]["number"], 2, "{t}");
    }
);

app_test!(counters_left_open_close_at_the_end_of_the_day, |app| {
    app.set_local_time("2026-03-10T16:30");
    let (_, counters) = layout(&app).await;
    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter(&counters, 1).to_string();
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    let open = |b: &Value| {
        b["counters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["number"] == 1)
            .unwrap()["open"]
            .clone()
    };
    assert_eq!(open(&board(&app).await), json!(true));
    assert_eq!(congbo_app::queue::end_of_day(&app.app).await.unwrap(), 0);
    // The next morning the board shows the counter closed, and the task signs the officer out.
    app.set_local_time("2026-03-11T07:00");
    assert_eq!(open(&board(&app).await), json!(false));
    let before = app.audit_len().await;
    assert_eq!(congbo_app::queue::end_of_day(&app.app).await.unwrap(), 1);
    assert_eq!(app.audit_len().await, before + 1);
    assert_eq!(congbo_app::queue::end_of_day(&app.app).await.unwrap(), 0);
    let page = app.login("tl.motcua1").await.get("/quay").await.text();
    assert!(page.contains("action=\"/quay/vao\""), "{page}");
});

app_test!(
    waits_read_in_words_and_the_ticket_carries_a_short_code,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, _) = layout(&app).await;
        for _ in 0..3 {
            take(&app, group(&groups, "A")).await;
        }
        let t = take(&app, group(&groups, "A")).await;
        let (id, secret) = (t["id"].as_str().unwrap(), secret_of(&t));
        let page = app.anon().get(&format!("/ve/{id}?k={secret}")).await.text();
        // Three ahead at the default 5 minutes each, one counter open (none: counted as one).
        assert!(page.contains(">khoảng 15 phút<"), "{page}");
        assert!(!page.contains('~') && !page.contains('′'), "{page}");
        let en = app
            .anon()
            .lang("en")
            .get(&format!("/ve/{id}?k={secret}"))
            .await
            .text();
        assert!(en.contains(">about 15 minutes<"), "{en}");
        let kiosk = app.anon().get(&format!("/ki-ot/{TL}")).await.text();
        assert!(kiosk.contains("4 người · khoảng 20 phút"), "{kiosk}");
        assert!(!kiosk.contains('′'), "{kiosk}");
        // The ticket prints a short code and where to type it, never the long address.
        let code = congbo_domain::queue::short_code("A004", &secret);
        assert!(page.contains(&code), "{page}");
        assert!(page.contains("/so và nhập mã"), "{page}");
        assert!(!page.contains(&format!("{}</a>", t["follow_url"].as_str().unwrap())));
        // Typed on a phone (any case, any spacing), it opens the ticket.
        for typed in [code.clone(), code.to_lowercase().replace('-', " ")] {
            let r = app
                .anon()
                .get(&format!("/so?ma={}", typed.replace(' ', "+")))
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{typed}: {}", r.text());
            assert_eq!(
                r.header("location").unwrap(),
                format!("/ve/{id}?k={secret}")
            );
        }
        let wrong = app.anon().get("/so?ma=A004-AAAA-AAAA").await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        let wrong = wrong.text();
        assert!(wrong.contains("Không tìm thấy số thứ tự"), "{wrong}");
        assert!(wrong.contains("value=\"A004-AAAA-AAAA\""), "{wrong}");
        assert_eq!(app.anon().get("/so").await.status, StatusCode::OK);
    }
);

/// Pair a tablet with the counter as the head; returns the device cookie (`name=value`).
async fn pair(app: &TestApp, counter: &str) -> String {
    let head = app.token_client("tl.truong").await;
    let p = ok(
        &head,
        &format!("/api/v1/counters/{counter}/rating-devices"),
        json!({}),
    )
    .await;
    let url = p["pair_url"].as_str().unwrap();
    let r = app
        .anon()
        .get(&url[url.find("/may-danh-gia/").unwrap()..])
        .await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("congbo_device="))
        .expect("device cookie")
        .to_string();
    cookie.split(';').next().unwrap().to_string()
}

app_test!(
    the_tablet_counts_down_and_locks_again_after_the_thanks,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, counters) = layout(&app).await;
        let k1 = counter(&counters, 1).to_string();
        let mut tablet = app.anon();
        tablet.extra_cookie = Some(pair(&app, &k1).await);
        let path = format!("/may-danh-gia/{k1}");
        let locked = tablet.get(&path).await.text();
        assert!(locked.contains("class=\"locked\""), "{locked}");
        assert!(
            locked.contains(&format!("content=\"3;url={path}\"")),
            "{locked}"
        );
        take(&app, group(&groups, "A")).await;
        let desk = app.token_client("tl.motcua1").await;
        let id = call_at(&app, &desk, 1).await;
        ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
        ok(&desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
        // Open: the window's seconds, for the countdown (script and bar), and the refresh back.
        let open = tablet.get(&path).await.text();
        assert!(open.contains("data-seconds=\"60\""), "{open}");
        assert!(
            open.contains("<progress id=\"window-bar\" max=\"60\" value=\"60\">"),
            "{open}"
        );
        assert!(open.contains("/static/rating.js"), "{open}");
        assert!(
            open.contains(&format!("content=\"60;url={path}\"")),
            "{open}"
        );
        let r = tablet
            .post_form(&path, &[("ticket_id", &id), ("value", "1")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let thanks = tablet.get(r.header("location").unwrap()).await.text();
        assert!(thanks.contains("class=\"thanks\""), "{thanks}");
        // The thanks gives way to the locked screen: the refresh drops `?ok=1`.
        assert!(
            thanks.contains(&format!("content=\"6;url={path}\"")),
            "{thanks}"
        );
        assert!(thanks.contains("data-thanks=\"6\""), "{thanks}");
        assert!(tablet.get(&path).await.text().contains("class=\"locked\""));
    }
);
