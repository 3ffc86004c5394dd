//! Transactions: rollback leaves nothing; concurrent audit appends serialise.

use std::time::Duration;

use congbo_app::audit::{Verdict, verify};
use congbo_domain::audit::GENESIS;
use congbo_store::repo::{audit, office, staff};
use congbo_store::{Db, Tx};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, new_audit, office_row_with_id, seed_office, user_row};

/// Write an office, a user and an audit row in `tx` and check they are visible inside it.
async fn write_some(tx: &mut Tx, code: &str) {
    let o = office_row_with_id(Uuid::now_v7(), None, code);
    office::insert(tx, &o, "x").await.unwrap();
    staff::insert(tx, &user_row(&o, code), "x").await.unwrap();
    let seq = audit::append(tx, &new_audit(1, Some(o.id), "office.create", "lan"))
        .await
        .unwrap();
    assert_eq!(seq, 1);
    assert_eq!(office::get_by_code(tx, code).await.unwrap(), Some(o));
    assert!(staff::get_by_username(tx, code).await.unwrap().is_some());
}

async fn assert_empty(db: &Db) {
    let mut tx = db.read().await.unwrap();
    assert_eq!(office::count(&mut tx).await.unwrap(), 0);
    assert_eq!(staff::count(&mut tx).await.unwrap(), 0);
    assert_eq!(
        audit::head(&mut tx).await.unwrap(),
        (0, GENESIS.to_string())
    );
    assert!(audit::page(&mut tx, 0, 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

db_test!(rollback_leaves_nothing, |db| {
    // Dropped without commit.
    let mut tx = db.begin().await.unwrap();
    write_some(&mut tx, "DROPPED").await;
    drop(tx);
    assert_empty(&db).await;

    // Rolled back explicitly.
    let mut tx = db.begin().await.unwrap();
    write_some(&mut tx, "ROLLED").await;
    tx.rollback().await.unwrap();
    assert_empty(&db).await;

    // The database is still writable and the chain starts at 1.
    let mut tx = db.begin().await.unwrap();
    write_some(&mut tx, "KEPT").await;
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert_eq!(office::count(&mut tx).await.unwrap(), 1);
    assert!(
        office::get_by_code(&mut tx, "DROPPED")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        office::get_by_code(&mut tx, "ROLLED")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        office::get_by_code(&mut tx, "KEPT")
            .await
            .unwrap()
            .is_some()
    );
    tx.commit().await.unwrap();
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(1));
});

db_test!(uncommitted_write_is_invisible_to_readers, |db| {
    let mut w = db.begin().await.unwrap();
    let o = office_row_with_id(Uuid::now_v7(), None, "PENDING");
    office::insert(&mut w, &o, "pending").await.unwrap();

    let mut r = db.read().await.unwrap();
    assert_eq!(office::get(&mut r, o.id).await.unwrap(), None);
    r.commit().await.unwrap();

    w.commit().await.unwrap();
    let mut r = db.read().await.unwrap();
    assert_eq!(office::get(&mut r, o.id).await.unwrap(), Some(o));
    r.commit().await.unwrap();
});

db_test!(a_second_append_waits_for_the_first, |db| {
    let office = seed_office(&db, None, "R").await;
    let mut first = db.begin().await.unwrap();
    let seq = audit::append(&mut first, &new_audit(1, Some(office.id), "a.first", "lan"))
        .await
        .unwrap();
    assert_eq!(seq, 1);

    let db2 = db.clone();
    let second = tokio::spawn(async move {
        let mut tx = db2.begin().await.unwrap();
        let seq = audit::append(&mut tx, &new_audit(2, None, "a.second", "minh"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seq
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "the second append did not wait for the first"
    );

    first.commit().await.unwrap();
    assert_eq!(second.await.unwrap(), 2);

    let mut tx = db.read().await.unwrap();
    let rows = audit::page(&mut tx, 0, 10).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].action.as_str(), rows[1].action.as_str()),
        ("a.first", "a.second")
    );
    assert_eq!(rows[1].prev_hash, rows[0].hash);
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(2));
});

db_test!(concurrent_appends_all_land_and_verify, |db| {
    const TASKS: i64 = 4;
    const EACH: i64 = 15;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TASKS as usize));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (db, barrier) = (db.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut seqs = Vec::new();
                for i in 0..EACH {
                    let mut tx = db.begin().await.unwrap();
                    let mut e = new_audit(t * 100 + i, None, "concurrent.append", "lan");
                    e.summary = format!("task {t} entry {i}");
                    seqs.push(audit::append(&mut tx, &e).await.unwrap());
                    tokio::task::yield_now().await;
                    tx.commit().await.unwrap();
                }
                seqs
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        let mine = t.await.unwrap();
        // Each task's own appends come in increasing order.
        assert!(mine.windows(2).all(|w| w[0] < w[1]), "{mine:?}");
        seqs.extend(mine);
    }
    seqs.sort();
    assert_eq!(seqs, (1..=TASKS * EACH).collect::<Vec<_>>());

    let mut tx = db.read().await.unwrap();
    let rows = audit::page(&mut tx, 0, 1000).await.unwrap();
    let head = audit::head(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(head.0, TASKS * EACH);
    let mut summaries: Vec<String> = rows.iter().map(|r| r.summary.clone()).collect();
    summaries.sort();
    let mut want: Vec<String> = (0..TASKS)
        .flat_map(|t| (0..EACH).map(move |i| format!("task {t} entry {i}")))
        .collect();
    want.sort();
    assert_eq!(summaries, want);
    assert!(rows.iter().all(|r| r.at >= T0));
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(TASKS * EACH));
});
