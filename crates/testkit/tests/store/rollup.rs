//! `repo::rollup`: deltas add up in the day and month tables (one upsert per key, and under
//! each ancestor), land under
//! the office's top-level office as shard key, cancel out to zero, are summed by subtree,
//! office and period, and a rebuild's clear + re-add + month derivation gives the same tables.

use congbo_domain::report::rollup::{Delta, Metric, diff};
use congbo_store::repo::rollup::{self as repo, Dims, Grain, GroupBy, SumQuery};
use congbo_testkit::db_test;
use jiff::civil::{Date, date};
use uuid::Uuid;

use crate::seed_office;

fn d(office: Uuid, day: Date, metric: Metric, dim: &str, n: i64, total: i64) -> Delta {
    Delta {
        office_id: office,
        day,
        metric,
        dim: dim.into(),
        n,
        total,
    }
}

db_test!(deltas_add_up_by_day_month_and_subtree, |db| {
    let p = seed_office(&db, None, "P").await;
    let a = seed_office(&db, Some(&p), "P-A").await;
    let b = seed_office(&db, Some(&p), "P-B").await;
    let m = Metric::DossierReceived;
    let first = vec![
        d(a.id, date(2026, 3, 2), m, "", 2, 0),
        d(a.id, date(2026, 3, 2), m, "ch:online", 1, 0),
        d(a.id, date(2026, 3, 20), m, "", 1, 0),
        d(b.id, date(2026, 4, 1), m, "", 5, 0),
        d(b.id, date(2026, 3, 3), Metric::TicketWait, "", 1, 300),
    ];
    let mut tx = db.begin().await.unwrap();
    repo::apply(&mut tx, &first).await.unwrap();
    // The same keys again: added, not duplicated.
    repo::apply(&mut tx, &[d(a.id, date(2026, 3, 2), m, "", 1, 0)])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    let q = SumQuery {
        office_id: p.id,
        path: &p.path,
        subtree: true,
        grain: Grain::Month,
        from: "2026-03",
        to: "2026-03",
        dims: Dims::Totals,
        metrics: &[],
    };
    let s = repo::sums(&mut tx, &q, GroupBy::Nothing).await.unwrap();
    let get = |s: &[repo::Sum], metric: &str| {
        s.iter()
            .filter(|r| r.metric == metric)
            .map(|r| (r.n, r.total))
            .next()
    };
    assert_eq!(get(&s, "dossier.received"), Some((4, 0)));
    assert_eq!(get(&s, "ticket.wait"), Some((1, 300)));
    // The office alone, by day, one day: only A's three on 2 March.
    let qa = SumQuery {
        office_id: a.id,
        path: &a.path,
        subtree: false,
        grain: Grain::Day,
        from: "2026-03-02",
        to: "2026-03-02",
        dims: Dims::Whole,
        metrics: &["dossier.received"],
    };
    let s = repo::sums(&mut tx, &qa, GroupBy::Nothing).await.unwrap();
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s.iter().any(|r| r.dim == "ch:online" && r.n == 1));
    assert!(s.iter().any(|r| r.dim.is_empty() && r.n == 3));
    // By office and by period.
    let by_office = repo::sums(
        &mut tx,
        &SumQuery {
            to: "2026-04",
            ..q.clone()
        },
        GroupBy::Office,
    )
    .await
    .unwrap();
    let of = |id: Uuid| {
        by_office
            .iter()
            .filter(|r| r.key == id.simple().to_string() && r.metric == "dossier.received")
            .map(|r| r.n)
            .sum::<i64>()
    };
    assert_eq!((of(a.id), of(b.id)), (4, 5));
    let by_month = repo::sums(
        &mut tx,
        &SumQuery {
            to: "2026-04",
            ..q.clone()
        },
        GroupBy::Period,
    )
    .await
    .unwrap();
    let months: Vec<_> = by_month
        .iter()
        .filter(|r| r.metric == "dossier.received")
        .map(|r| (r.key.clone(), r.n))
        .collect();
    assert!(months.contains(&("2026-03".into(), 4)) && months.contains(&("2026-04".into(), 5)));
    tx.commit().await.unwrap();

    // The shard key is the top-level office.
    let mut tx = db.read().await.unwrap();
    let keys: Vec<Uuid> = congbo_store::on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT DISTINCT shard_key FROM rollup_day").fetch_all(c).await)
    .unwrap();
    assert_eq!(keys, vec![p.id]);
    let before = repo::snapshot(&mut tx).await.unwrap();
    tx.commit().await.unwrap();

    // Undoing a delta leaves zero rows, which the snapshot ignores.
    let mut tx = db.begin().await.unwrap();
    let undo = diff(&[d(a.id, date(2026, 3, 20), m, "", 1, 0)], &[]);
    repo::apply(&mut tx, &undo).await.unwrap();
    let after = repo::snapshot(&mut tx).await.unwrap();
    assert_eq!(
        before.len() - after.len(),
        2,
        "the day row of 20 March is zero, A's own and P's under row"
    );
    tx.commit().await.unwrap();

    // A rebuild from 2026-03-15: clear, re-add the later days, derive months again.
    let mut tx = db.begin().await.unwrap();
    repo::lock_for_rebuild(&mut tx).await.unwrap();
    repo::clear_from(&mut tx, Some("2026-03-15")).await.unwrap();
    repo::add_days(&mut tx, &[d(b.id, date(2026, 4, 1), m, "", 5, 0)])
        .await
        .unwrap();
    repo::derive_months(&mut tx, "2026-03").await.unwrap();
    assert_eq!(repo::snapshot(&mut tx).await.unwrap(), after);
    tx.commit().await.unwrap();
});
