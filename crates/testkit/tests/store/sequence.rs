//! `repo::sequence`: serial numbers that are never handed out twice.

use congbo_store::repo::sequence;
use congbo_testkit::db_test;

db_test!(next_counts_per_scope, |db| {
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        sequence::current(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        sequence::next(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sequence::next(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        sequence::next(&mut tx, "dossier:MN:2026-11-23")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sequence::current(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        Some(2)
    );
    tx.commit().await.unwrap();
    // A rolled-back increment is not seen by anyone.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        sequence::next(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        3
    );
    tx.rollback().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        sequence::next(&mut tx, "dossier:TL:2026-11-23")
            .await
            .unwrap(),
        3
    );
    tx.commit().await.unwrap();
});

db_test!(concurrent_callers_never_share_a_number, |db| {
    let mut tasks = vec![];
    for _ in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = vec![];
            for _ in 0..20 {
                let mut tx = db.begin().await.unwrap();
                got.push(sequence::next(&mut tx, "ticket:A").await.unwrap());
                tx.commit().await.unwrap();
            }
            got
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (1..=80).collect::<Vec<i64>>());
});
