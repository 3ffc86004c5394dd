//! API tokens.

use congbo_store::repo::token::{self, TokenRow};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office, seed_user};

fn tok(user_id: Uuid, name: &str, created: i64) -> TokenRow {
    TokenRow {
        id: Uuid::now_v7(),
        user_id,
        name: name.into(),
        prefix: format!("cb_{name}"),
        created_at: T0 + created,
        last_used_at: None,
        revoked_at: None,
    }
}

db_test!(tokens, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let minh = seed_user(&db, &home, "minh").await;
    let t1 = tok(lan.id, "first", 0);
    let t2 = tok(lan.id, "newest", 10);
    let t3 = tok(lan.id, "middle", 5);
    let other = tok(minh.id, "other", 20);

    let mut tx = db.read().await.unwrap();
    assert!(
        token::list_for_user(&mut tx, lan.id)
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    token::insert(&mut tx, &t1, "hash-1").await.unwrap();
    token::insert(&mut tx, &t2, "hash-2").await.unwrap();
    token::insert(&mut tx, &t3, "hash-3").await.unwrap();
    token::insert(&mut tx, &other, "hash-o").await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        token::insert(&mut tx, &tok(lan.id, "again", 1), "hash-1").await,
        "api_tokens_token_hash_key",
    );
    drop(tx);

    let mut tx = db.read().await.unwrap();
    // Newest first, only this user's.
    assert_eq!(
        token::list_for_user(&mut tx, lan.id).await.unwrap(),
        vec![t2.clone(), t3.clone(), t1.clone()]
    );
    assert_eq!(
        token::list_for_user(&mut tx, minh.id).await.unwrap(),
        vec![other.clone()]
    );
    assert_eq!(token::get(&mut tx, t1.id).await.unwrap(), Some(t1.clone()));
    assert_eq!(token::get(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        token::find_live(&mut tx, "hash-1").await.unwrap(),
        Some(t1.clone())
    );
    assert_eq!(
        token::find_live(&mut tx, "hash-o").await.unwrap(),
        Some(other.clone())
    );
    assert_eq!(token::find_live(&mut tx, "nope").await.unwrap(), None);
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    token::touch(&mut tx, t1.id, T0 + 30).await.unwrap();
    tx.commit().await.unwrap();
    let t1_used = TokenRow {
        last_used_at: Some(T0 + 30),
        ..t1.clone()
    };
    let mut tx = db.read().await.unwrap();
    assert_eq!(
        token::get(&mut tx, t1.id).await.unwrap(),
        Some(t1_used.clone())
    );
    assert_eq!(token::get(&mut tx, t2.id).await.unwrap(), Some(t2.clone()));
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(token::revoke(&mut tx, t1.id, T0 + 40).await.unwrap(), 1);
    assert_eq!(token::revoke(&mut tx, t1.id, T0 + 50).await.unwrap(), 0);
    assert_eq!(
        token::revoke(&mut tx, Uuid::now_v7(), T0 + 50)
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();

    let t1_revoked = TokenRow {
        revoked_at: Some(T0 + 40),
        ..t1_used
    };
    let mut tx = db.read().await.unwrap();
    // The first revocation time stays.
    assert_eq!(
        token::get(&mut tx, t1.id).await.unwrap(),
        Some(t1_revoked.clone())
    );
    assert_eq!(token::find_live(&mut tx, "hash-1").await.unwrap(), None);
    assert_eq!(
        token::find_live(&mut tx, "hash-2").await.unwrap(),
        Some(t2.clone())
    );
    // Revoked tokens are still listed.
    assert_eq!(
        token::list_for_user(&mut tx, lan.id).await.unwrap(),
        vec![t2, t3, t1_revoked]
    );
    tx.commit().await.unwrap();
});
