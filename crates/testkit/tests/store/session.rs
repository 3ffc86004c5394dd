//! Sign-in sessions.

use congbo_store::Db;
use congbo_store::repo::session::{self, SessionRow};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, seed_office, seed_user};

fn sess(hash: &str, user_id: Uuid, expires_in: i64) -> SessionRow {
    SessionRow {
        token_hash: hash.into(),
        user_id,
        created_at: T0,
        expires_at: T0 + expires_in,
        last_seen_at: T0,
    }
}

async fn insert_all(db: &Db, rows: &[&SessionRow]) {
    let mut tx = db.begin().await.unwrap();
    for s in rows {
        session::insert(&mut tx, s).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The hashes of the sessions still stored (live or not), sorted.
async fn stored(db: &Db) -> Vec<String> {
    let mut tx = db.read().await.unwrap();
    let mut v: Vec<String> =
        congbo_store::on_tx!(&mut tx, c => sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(c).await)
        .unwrap();
    tx.commit().await.unwrap();
    v.sort();
    v
}

db_test!(get_live_respects_expiry, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let s1 = sess("h1", lan.id, 100);
    let s2 = sess("h2", lan.id, 50);
    insert_all(&db, &[&s1, &s2]).await;

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        session::get_live(&mut tx, "h1", T0).await.unwrap(),
        Some(s1.clone())
    );
    assert_eq!(
        session::get_live(&mut tx, "h1", T0 + 99).await.unwrap(),
        Some(s1.clone())
    );
    // Expired at exactly expires_at.
    assert_eq!(
        session::get_live(&mut tx, "h1", T0 + 100).await.unwrap(),
        None
    );
    assert_eq!(
        session::get_live(&mut tx, "h1", T0 + 5000).await.unwrap(),
        None
    );
    assert_eq!(
        session::get_live(&mut tx, "h2", T0 + 49).await.unwrap(),
        Some(s2.clone())
    );
    assert_eq!(
        session::get_live(&mut tx, "h2", T0 + 60).await.unwrap(),
        None
    );
    assert_eq!(session::get_live(&mut tx, "nope", T0).await.unwrap(), None);
    tx.commit().await.unwrap();
});

db_test!(touch_extends, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let s1 = sess("h1", lan.id, 100);
    let s2 = sess("h2", lan.id, 100);
    insert_all(&db, &[&s1, &s2]).await;

    let mut tx = db.begin().await.unwrap();
    session::touch(&mut tx, "h1", T0 + 90, T0 + 500)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        session::get_live(&mut tx, "h1", T0 + 200).await.unwrap(),
        Some(SessionRow {
            last_seen_at: T0 + 90,
            expires_at: T0 + 500,
            ..s1
        })
    );
    // Only the touched session moved.
    assert_eq!(
        session::get_live(&mut tx, "h2", T0 + 200).await.unwrap(),
        None
    );
    assert_eq!(
        session::get_live(&mut tx, "h2", T0 + 10).await.unwrap(),
        Some(s2)
    );
    tx.commit().await.unwrap();
});

db_test!(delete_and_delete_others, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let minh = seed_user(&db, &home, "minh").await;
    let rows = [
        sess("lan-1", lan.id, 100),
        sess("lan-2", lan.id, 100),
        sess("lan-3", lan.id, 100),
        sess("lan-4", lan.id, 100),
        sess("minh-1", minh.id, 100),
    ];
    insert_all(&db, &rows.iter().collect::<Vec<_>>()).await;

    let mut tx = db.begin().await.unwrap();
    assert_eq!(session::delete(&mut tx, "lan-4").await.unwrap(), 1);
    assert_eq!(session::delete(&mut tx, "lan-4").await.unwrap(), 0);
    assert_eq!(session::delete(&mut tx, "nope").await.unwrap(), 0);
    tx.commit().await.unwrap();
    assert_eq!(stored(&db).await, ["lan-1", "lan-2", "lan-3", "minh-1"]);

    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        session::delete_others(&mut tx, lan.id, "lan-2")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        session::delete_others(&mut tx, lan.id, "lan-2")
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
    assert_eq!(stored(&db).await, ["lan-2", "minh-1"]);

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        session::get_live(&mut tx, "lan-2", T0).await.unwrap(),
        Some(rows[1].clone())
    );
    tx.commit().await.unwrap();
});

db_test!(delete_expired, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let rows = [
        sess("e10", lan.id, 10),
        sess("e20", lan.id, 20),
        sess("e30", lan.id, 30),
        sess("e40", lan.id, 40),
    ];
    insert_all(&db, &rows.iter().collect::<Vec<_>>()).await;

    let mut tx = db.begin().await.unwrap();
    assert_eq!(session::delete_expired(&mut tx, T0 + 5).await.unwrap(), 0);
    // expires_at <= now is expired.
    assert_eq!(session::delete_expired(&mut tx, T0 + 20).await.unwrap(), 2);
    assert_eq!(session::delete_expired(&mut tx, T0 + 20).await.unwrap(), 0);
    tx.commit().await.unwrap();
    assert_eq!(stored(&db).await, ["e30", "e40"]);

    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        session::delete_expired(&mut tx, T0 + 1000).await.unwrap(),
        2
    );
    tx.commit().await.unwrap();
    assert!(stored(&db).await.is_empty());
});
