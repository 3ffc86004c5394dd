//! One-time first-administrator links.

use congbo_store::repo::setup;
use congbo_testkit::db_test;

use crate::T0;

db_test!(replace_is_live_consume, |db| {
    let mut tx = db.read().await.unwrap();
    assert!(!setup::is_live(&mut tx, "h1", T0).await.unwrap());
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    setup::replace(&mut tx, "h1", T0, T0 + 100).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert!(setup::is_live(&mut tx, "h1", T0).await.unwrap());
    assert!(setup::is_live(&mut tx, "h1", T0 + 99).await.unwrap());
    assert!(!setup::is_live(&mut tx, "h1", T0 + 100).await.unwrap());
    assert!(!setup::is_live(&mut tx, "other", T0).await.unwrap());
    tx.commit().await.unwrap();

    // A new link kills the old one.
    let mut tx = db.begin().await.unwrap();
    setup::replace(&mut tx, "h2", T0 + 10, T0 + 200)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(!setup::is_live(&mut tx, "h1", T0 + 20).await.unwrap());
    assert!(setup::is_live(&mut tx, "h2", T0 + 20).await.unwrap());
    tx.commit().await.unwrap();

    // Replacing with the same hash again is fine (the old row goes first).
    let mut tx = db.begin().await.unwrap();
    setup::replace(&mut tx, "h2", T0 + 10, T0 + 200)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert!(
        !setup::consume(&mut tx, "h1", T0 + 20).await.unwrap(),
        "a dead link"
    );
    assert!(setup::consume(&mut tx, "h2", T0 + 20).await.unwrap());
    assert!(
        !setup::consume(&mut tx, "h2", T0 + 21).await.unwrap(),
        "one use only"
    );
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(!setup::is_live(&mut tx, "h2", T0 + 20).await.unwrap());
    tx.commit().await.unwrap();
});

db_test!(expired_link_cannot_be_consumed, |db| {
    let mut tx = db.begin().await.unwrap();
    setup::replace(&mut tx, "h3", T0, T0 + 300).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert!(!setup::consume(&mut tx, "h3", T0 + 300).await.unwrap());
    assert!(!setup::consume(&mut tx, "h3", T0 + 1000).await.unwrap());
    tx.commit().await.unwrap();
    // The failed attempts did not remove it: it is still live before its expiry.
    let mut tx = db.read().await.unwrap();
    assert!(setup::is_live(&mut tx, "h3", T0 + 299).await.unwrap());
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert!(setup::consume(&mut tx, "h3", T0 + 299).await.unwrap());
    tx.commit().await.unwrap();
});
