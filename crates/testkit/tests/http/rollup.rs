//! Rollups kept by the use cases equal a rebuild from the raw rows: a seeded random sequence of
//! real changes through the API (dossiers received, finished early, on time or late with
//! apologies, supplements, refusals, withdrawals; tickets served and no-shows; ratings and a
//! set-aside; feedback answered and upheld), then `rollup rebuild` (whole and `--from`) must
//! give the same tables, on both databases. The figures read API then reports what the test
//! did, and refuses an inverted period and another commune's office.

use axum::http::StatusCode;
use congbo_app::Actor;
use congbo_app::report::figures::{self, FigureQuery};
use congbo_app::report::rollup;
use congbo_store::repo::rollup as repo;
use congbo_testkit::{Client, TestApp, app_test};
use jiff::civil::date;
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const FIVE_DAYS: &str = "1.004884";

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

async fn post(c: &Client<'_>, path: &str, body: Value) -> Option<Value> {
    let r = c.post_json(path, &body).await;
    match r.status {
        s if s.is_success() && s != StatusCode::NO_CONTENT => Some(r.json()),
        s if s.is_success() => Some(Value::Null),
        _ => None,
    }
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

async fn actor(app: &TestApp, username: &str) -> Actor {
    let id = app.user_id(username).await;
    let mut tx = app.db().read().await.unwrap();
    let principal = congbo_app::auth::load_principal(&mut tx, id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    Actor {
        principal,
        request_id: None,
        session_hash: None,
    }
}

async fn snapshot(app: &TestApp) -> Vec<repo::Counter> {
    let mut tx = app.db().read().await.unwrap();
    let s = repo::snapshot(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    s
}

async fn rating_ids(app: &TestApp) -> Vec<String> {
    let sql = "SELECT CAST(id AS TEXT) FROM ratings ORDER BY id";
    match app.db() {
        congbo_store::Db::Sqlite(p) => {
            let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM ratings ORDER BY id")
                .fetch_all(p)
                .await
                .unwrap();
            ids.into_iter().map(|i| i.to_string()).collect()
        }
        congbo_store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

async fn dossier_secret(app: &TestApp, id: &str) -> (uuid::Uuid, String) {
    let mut tx = app.db().read().await.unwrap();
    let d = congbo_store::repo::dossier::get(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    (d.id, d.secret)
}

/// What the test did, to check the figures against.
#[derive(Default, Debug)]
struct Made {
    received: i64,
    late: i64,
    early_or_on_time: i64,
    refused: i64,
    withdrawn: i64,
    apologies: i64,
    tickets: i64,
    served: i64,
    no_show: i64,
    feedback: i64,
    upheld: i64,
    rated: i64,
    set_aside: i64,
}

app_test!(rebuild_equals_incremental_after_random_changes, |app| {
    let mut rng = Rng(0x5EED_2026_0302);
    let mut made = Made::default();
    app.set_local_time("2026-03-02T08:00");
    let desk = app.token_client("tl.motcua1").await;
    let head = app.token_client("tl.truong").await;
    let pho = app.user_id("tl.pho").await;
    let office = app.office_id(TL).await;
    let q = app
        .anon()
        .get(&format!("/api/v1/public/offices/{TL}/queue"))
        .await
        .json();
    let id_of = |list: &str, key: &str, v: Value| {
        q[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[key] == v)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let k1 = id_of("counters", "number", json!(1));
    let group = id_of("groups", "letter", json!("A"));
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;

    let mut open: Vec<String> = Vec::new();
    let mut finished: Vec<(String, String)> = Vec::new(); // (id, code)
    for step in 0..150 {
        // Time moves on: minutes within a day, sometimes a day or more (dossiers turn late).
        match rng.below(6) {
            0 => app.advance_minutes(60 * 24 * (1 + rng.below(4) as i64)),
            _ => app.advance_minutes(5 + rng.below(40) as i64),
        }
        match rng.below(12) {
            0..=2 => {
                let d = ok(
                    &desk,
                    "/api/v1/dossiers",
                    json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {step}")}}),
                )
                .await;
                made.received += 1;
                open.push(d["id"].as_str().unwrap().to_string());
            }
            3 | 4 if !open.is_empty() => {
                let id = open.remove(rng.below(open.len() as u64) as usize);
                let d = ok(&head, &format!("/api/v1/dossiers/{id}/finish"), json!({})).await;
                if d["on_time"] == "late" {
                    made.late += 1;
                    let today = congbo_domain::time::local_date(app.app.now());
                    let new_due = today.checked_add(jiff::Span::new().days(5)).unwrap();
                    if post(
                        &head,
                        &format!("/api/v1/dossiers/{id}/apologize"),
                        json!({"reason": "Chậm do xác minh", "new_due": new_due.to_string()}),
                    )
                    .await
                    .is_some()
                    {
                        made.apologies += 1;
                    }
                } else {
                    made.early_or_on_time += 1;
                }
                if post(&desk, &format!("/api/v1/dossiers/{id}/return"), json!({}))
                    .await
                    .is_some()
                {
                    finished.push((id, d["code"].as_str().unwrap().to_string()));
                }
            }
            5 if !open.is_empty() => {
                let id = open[rng.below(open.len() as u64) as usize].clone();
                let due = format!("2026-{:02}-{:02}", 4 + rng.below(3), 1 + rng.below(28));
                if post(
                    &head,
                    &format!("/api/v1/dossiers/{id}/apologize"),
                    json!({"reason": "Cần thêm thời gian", "new_due": due}),
                )
                .await
                .is_some()
                {
                    made.apologies += 1;
                }
            }
            6 if !open.is_empty() => {
                let id = open.remove(rng.below(open.len() as u64) as usize);
                if rng.below(2) == 0 {
                    ok(
                        &head,
                        &format!("/api/v1/dossiers/{id}/refuse"),
                        json!({"reason": "Không đủ điều kiện"}),
                    )
                    .await;
                    made.refused += 1;
                } else {
                    ok(&desk, &format!("/api/v1/dossiers/{id}/withdraw"), json!({})).await;
                    made.withdrawn += 1;
                }
            }
            7 if !open.is_empty() => {
                let id = open[rng.below(open.len() as u64) as usize].clone();
                if post(
                    &head,
                    &format!("/api/v1/dossiers/{id}/request-supplement"),
                    json!({"reason": "Thiếu bản sao"}),
                )
                .await
                .is_some()
                {
                    app.advance_minutes(60 * 24);
                    ok(
                        &desk,
                        &format!("/api/v1/dossiers/{id}/supplement-received"),
                        json!({}),
                    )
                    .await;
                }
            }
            8 | 9 => {
                let r = app
                    .anon()
                    .post_json(
                        &format!("/api/v1/public/offices/{TL}/tickets?channel=kiosk"),
                        &json!({"group_id": group}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
                made.tickets += 1;
                app.advance_minutes(1 + rng.below(30) as i64);
                let called = ok(
                    &desk,
                    &format!("/api/v1/counters/{k1}/call-next"),
                    json!({}),
                )
                .await;
                let t = called["id"].as_str().unwrap().to_string();
                if rng.below(4) == 0 {
                    for _ in 0..2 {
                        ok(&desk, &format!("/api/v1/tickets/{t}/recall"), json!({})).await;
                    }
                    ok(&desk, &format!("/api/v1/tickets/{t}/no-show"), json!({})).await;
                    made.no_show += 1;
                } else {
                    ok(&desk, &format!("/api/v1/tickets/{t}/start"), json!({})).await;
                    app.advance_minutes(3 + rng.below(20) as i64);
                    ok(&desk, &format!("/api/v1/tickets/{t}/finish"), json!({})).await;
                    made.served += 1;
                }
            }
            10 if !finished.is_empty() => {
                // The most recent result: the link closes some days after the return.
                let (id, code) = finished.pop().unwrap();
                let (did, secret) = dossier_secret(&app, &id).await;
                let token = congbo_app::links::rating_token(did, &secret);
                let value = 1 + rng.below(2) as i64;
                let rated = post(
                    &app.anon(),
                    &format!("/api/v1/public/dossier-ratings/{code}?t={token}"),
                    json!({"overall": value, "timeliness": 1}),
                )
                .await;
                made.rated += i64::from(rated.is_some());
                if rng.below(3) == 0 {
                    let ids = rating_ids(&app).await;
                    let rid = &ids[rng.below(ids.len() as u64) as usize];
                    let aside = post(
                        &head,
                        &format!("/api/v1/ratings/{rid}/set-aside"),
                        json!({"reason": "Bấm thử"}),
                    )
                    .await;
                    made.set_aside += i64::from(aside.is_some());
                }
            }
            11 => {
                let conduct = rng.below(2) == 0;
                // Entered by the desk (a letter or a call): the public form is rate-limited.
                let channel = if rng.below(2) == 0 { "letter" } else { "phone" };
                let mut body = json!({"office_id": office, "category": "procedure", "channel": channel,
                    "content": "Thủ tục cần nhiều giấy tờ quá."});
                if conduct {
                    body["category"] = json!("conduct");
                    body["officer_id"] = json!(pho);
                    body["content"] = json!("Cán bộ không hướng dẫn tận tình.");
                }
                let r = ok(&desk, "/api/v1/feedback", body).await;
                made.feedback += 1;
                let id = r["id"].as_str().unwrap().to_string();
                if rng.below(3) > 0 {
                    app.advance_minutes(60 * 24 * rng.below(8) as i64);
                    ok(&head, &format!("/api/v1/feedback/{id}/accept"), json!({})).await;
                    let upheld = conduct && rng.below(2) == 0;
                    let mut answer = json!({"text": "Cơ quan đã xem xét và trả lời ông/bà."});
                    if conduct {
                        answer["upheld"] = json!(upheld);
                    }
                    ok(&head, &format!("/api/v1/feedback/{id}/answer"), answer).await;
                    made.upheld += i64::from(upheld);
                }
            }
            _ => {}
        }
    }

    let incremental = snapshot(&app).await;
    assert!(!incremental.is_empty());
    let r = rollup::rebuild(&app.app, None, &mut |_| {}).await.unwrap();
    assert!(r.rows > 0);
    assert_eq!(
        snapshot(&app).await,
        incremental,
        "rebuild equals incremental"
    );
    let r = rollup::rebuild(&app.app, Some(date(2026, 3, 20)), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(r.from, Some(date(2026, 3, 20)));
    assert_eq!(snapshot(&app).await, incremental, "a partial rebuild too");

    // The figures report what the test did.
    let who = actor(&app, "tl.truong").await;
    let today = congbo_domain::time::local_date(app.app.now());
    let q = FigureQuery {
        office_id: office,
        from: date(2026, 3, 1),
        to: today,
        procedure: None,
        service_group: None,
        subtree: false,
    };
    let f = figures::figures(&app.app, &who, &q).await.unwrap();
    eprintln!("{made:?}");
    assert_eq!(f.received, made.received);
    assert_eq!(f.returned_late, made.late);
    assert_eq!(f.returned_early + f.returned_on_time, made.early_or_on_time);
    assert_eq!(f.refusals, made.refused);
    assert_eq!(f.withdrawals, made.withdrawn);
    assert_eq!(f.apologies, made.apologies);
    assert_eq!(f.received_by_channel.get("counter"), Some(&made.received));
    assert_eq!(
        f.open_within + f.open_overdue,
        made.received - made.late - made.early_or_on_time - made.refused - made.withdrawn
    );
    assert_eq!(f.tickets_issued, made.tickets);
    assert_eq!(f.tickets_served, made.served);
    assert_eq!(f.tickets_no_show, made.no_show);
    assert_eq!(f.wait.histogram.count(), made.tickets as u64);
    assert_eq!(f.feedback_received, made.feedback);
    assert_eq!(f.feedback_upheld, made.upheld);
    assert!(
        made.rated > 0 && made.set_aside > 0 && made.late > 0,
        "{made:?}"
    );
    assert!(f.ratings.n <= 2 * made.rated && f.ratings.n > 0);
    assert!(f.ratings_small_sample);
    // A procedure filter narrows dossiers; the subtree of the province includes the commune.
    let pf = figures::figures(
        &app.app,
        &who,
        &FigureQuery {
            procedure: Some(FIVE_DAYS.into()),
            ..q.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(pf.received, made.received);
    assert!(pf.received_by_channel.is_empty());
    let sup = actor(&app, "thanhtra").await;
    let province = app.office_id("DB").await;
    let all = figures::figures_by_office(
        &app.app,
        &sup,
        &FigureQuery {
            office_id: province,
            ..q.clone()
        },
    )
    .await
    .unwrap();
    let tl = all
        .iter()
        .find(|(o, _)| o.id == office)
        .expect("the commune's entry");
    assert_eq!(tl.1.received, made.received);
    let trend = figures::trend_by_month(
        &app.app,
        &sup,
        &FigureQuery {
            office_id: province,
            subtree: true,
            ..q.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        trend.iter().map(|(_, f)| f.received).sum::<i64>(),
        made.received
    );

    // Bad input and scope.
    let inverted = FigureQuery {
        from: today,
        to: date(2026, 3, 1),
        ..q.clone()
    };
    let e = figures::figures(&app.app, &who, &inverted)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "report-period");
    let other = actor(&app, "mn.truong").await;
    let e = figures::figures(&app.app, &other, &q).await.unwrap_err();
    assert_eq!(e.code(), "office-not-found");
});

/// Every counter of `office`'s subtree read the fast way (its own rows plus its
/// `rollup_under_*` rows) equals the sum of every office's own rows under it, by day and by
/// month, for every metric and dim.
async fn assert_subtree_rows_agree(app: &TestApp, office: uuid::Uuid) {
    let mut tx = app.db().read().await.unwrap();
    let o = congbo_store::repo::office::get(&mut tx, office)
        .await
        .unwrap()
        .unwrap();
    for (grain, from, to) in [
        (repo::Grain::Day, "0000-01-01", "9999-12-31"),
        (repo::Grain::Month, "0000-01", "9999-12"),
    ] {
        let q = repo::SumQuery {
            office_id: o.id,
            path: &o.path,
            subtree: true,
            grain,
            from,
            to,
            dims: repo::Dims::Breakdown(""),
            metrics: &[],
        };
        let key = |r: &repo::Sum| (r.metric.clone(), r.dim.clone());
        let mut fast: std::collections::BTreeMap<_, (i64, i64)> = Default::default();
        for r in repo::sums(&mut tx, &q, repo::GroupBy::Nothing)
            .await
            .unwrap()
        {
            fast.insert(key(&r), (r.n, r.total));
        }
        let mut slow: std::collections::BTreeMap<_, (i64, i64)> = Default::default();
        for r in repo::sums(&mut tx, &q, repo::GroupBy::Office)
            .await
            .unwrap()
        {
            let e = slow.entry(key(&r)).or_default();
            e.0 += r.n;
            e.1 += r.total;
        }
        fast.retain(|_, v| *v != (0, 0));
        slow.retain(|_, v| *v != (0, 0));
        assert_eq!(fast, slow, "{} {grain:?}", o.code);
    }
    tx.commit().await.unwrap();
}

app_test!(
    province_figures_equal_the_sum_of_its_communes_across_a_move,
    |app| {
        app.set_local_time("2026-03-02T08:00");
        let (tl, mn) = (app.office_id(TL).await, app.office_id("DB-MN").await);
        let province = app.office_id("DB").await;
        let sup = actor(&app, "thanhtra").await;
        let mut ids = Vec::new();
        for (desk, n) in [("tl.motcua1", 3), ("mn.motcua1", 2)] {
            let c = app.token_client(desk).await;
            for i in 0..n {
                let d = ok(
                &c,
                "/api/v1/dossiers",
                json!({"procedure_code": FIVE_DAYS, "applicant": {"name": format!("Người {i}")}}),
            )
            .await;
                ids.push(d["id"].as_str().unwrap().to_string());
            }
        }
        // A day later one of Thanh Luông's is finished, one of Mường Nhé's refused; ten days
        // later the rest are overdue, and one of Thanh Luông's is finished late.
        app.advance_minutes(60 * 24);
        let tl_head = app.token_client("tl.truong").await;
        let mn_head = app.token_client("mn.truong").await;
        ok(
            &tl_head,
            &format!("/api/v1/dossiers/{}/finish", ids[0]),
            json!({}),
        )
        .await;
        ok(
            &mn_head,
            &format!("/api/v1/dossiers/{}/refuse", ids[3]),
            json!({"reason": "Không đủ điều kiện"}),
        )
        .await;
        app.advance_minutes(60 * 24 * 40);
        ok(
            &tl_head,
            &format!("/api/v1/dossiers/{}/finish", ids[1]),
            json!({}),
        )
        .await;

        let today = congbo_domain::time::local_date(app.app.now());
        let q = |office_id, subtree| FigureQuery {
            office_id,
            from: date(2026, 1, 1),
            to: today,
            procedure: None,
            service_group: None,
            subtree,
        };
        // (received, closed, late, refused, open within, overdue) of a figure set.
        let key = |f: &figures::OfficeFigures| {
            (
                f.received,
                f.closed,
                f.returned_late,
                f.refusals,
                f.open_within,
                f.open_overdue,
            )
        };
        let plus = |a: (i64, i64, i64, i64, i64, i64), b: (i64, i64, i64, i64, i64, i64)| {
            (
                a.0 + b.0,
                a.1 + b.1,
                a.2 + b.2,
                a.3 + b.3,
                a.4 + b.4,
                a.5 + b.5,
            )
        };
        let figures_of = |office_id, subtree| {
            let (app, sup, q) = (&app, &sup, q(office_id, subtree));
            async move { key(&figures::figures(&app.app, sup, &q).await.unwrap()) }
        };
        let trend_of = |office_id, subtree| {
            let (app, sup, q) = (&app, &sup, q(office_id, subtree));
            async move {
                figures::trend_by_month(&app.app, sup, &q)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(m, f)| (m, key(&f)))
                    .collect::<Vec<_>>()
            }
        };
        let check = |label: &'static str| {
            let app = &app;
            async move {
                for office in [province, tl, mn] {
                    assert_subtree_rows_agree(app, office).await;
                }
                let (p, t, m) = (
                    figures_of(province, true).await,
                    figures_of(tl, true).await,
                    figures_of(mn, true).await,
                );
                assert_eq!(p, plus(t, m), "{label}: province = Thanh Luông + Mường Nhé");
                assert_eq!(t, (3, 2, 1, 0, 0, 1), "{label}: Thanh Luông");
                assert_eq!(m, (2, 1, 0, 1, 0, 1), "{label}: Mường Nhé");
                let (pt, tt, mt) = (
                    trend_of(province, true).await,
                    trend_of(tl, false).await,
                    trend_of(mn, false).await,
                );
                assert_eq!(pt.len(), 4, "{label}: January to April");
                for ((p, t), m) in pt.iter().zip(&tt).zip(&mt) {
                    assert_eq!(p.1, plus(t.1, m.1), "{label}: {}", p.0);
                }
                // March ends with Thanh Luông's late one still open and overdue.
                assert_eq!(tt[2].1, (3, 1, 0, 0, 0, 2), "{label}: March");
            }
        };
        check("before any move").await;

        // Thanh Luông moves under a district (three tiers), then back under the province. No
        // district is created after 1/7/2025, so this one is made on 30/6/2025.
        let now = app.clock.load(std::sync::atomic::Ordering::SeqCst);
        app.set_local_time("2025-06-30T09:00");
        let district = app
            .login("quantri")
            .await
            .post_json(
                "/api/v1/offices",
                &json!({"code": "DB-HX", "name": "Huyện thử", "kind": "district", "parent_id": province}),
            )
            .await;
        assert_eq!(district.status, StatusCode::CREATED, "{}", district.text());
        app.clock.store(now, std::sync::atomic::Ordering::SeqCst);
        let admin = app.login("quantri").await;
        let district: uuid::Uuid = district.json()["id"].as_str().unwrap().parse().unwrap();
        let to = |parent: uuid::Uuid| {
            let admin = &admin;
            async move {
                let r = admin
                    .patch_json(
                        &format!("/api/v1/offices/{tl}"),
                        &json!({"parent_id": parent}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            }
        };
        to(district).await;
        check("under the district").await;
        assert_subtree_rows_agree(&app, district).await;
        assert_eq!(figures_of(district, true).await, figures_of(tl, true).await);
        // A change after the move reaches the district and the province.
        ok(
            &tl_head,
            &format!("/api/v1/dossiers/{}/finish", ids[2]),
            json!({}),
        )
        .await;
        assert_subtree_rows_agree(&app, district).await;
        assert_subtree_rows_agree(&app, province).await;
        assert_eq!(figures_of(district, true).await, figures_of(tl, true).await);
        assert_eq!(
            figures_of(province, true).await,
            plus(figures_of(tl, true).await, figures_of(mn, true).await)
        );
        to(province).await;
        assert_subtree_rows_agree(&app, district).await;
        assert_subtree_rows_agree(&app, province).await;
        assert_eq!(figures_of(district, true).await, (0, 0, 0, 0, 0, 0));
        assert_eq!(
            figures_of(province, true).await,
            plus(figures_of(tl, true).await, figures_of(mn, true).await)
        );
        // And a rebuild gives the same counters, the ancestors' included.
        let incremental = snapshot(&app).await;
        assert!(incremental.iter().any(|c| c.0 == "under_month"));
        rollup::rebuild(&app.app, None, &mut |_| {}).await.unwrap();
        assert_eq!(snapshot(&app).await, incremental);
    }
);
