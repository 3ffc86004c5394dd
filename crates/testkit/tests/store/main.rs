//! Store tests: every repository function, on SQLite and on PostgreSQL (`db_test!`), plus
//! transactions, the audit chain under tampering and schema parity between the two backends.

mod audit;
mod calendar;
mod catalog;
mod dossier;
mod evaluation_year;
mod feedback;
mod notify;
mod office;
mod privacy;
mod queue;
mod rating;
mod rollup;
mod schema;
mod sequence;
mod session;
mod setup;
mod staff;
mod token;
mod tx;

use congbo_domain::office::OfficePath;
use congbo_store::repo;
use congbo_store::repo::audit::NewAudit;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::staff::UserRow;
use congbo_store::{Db, Result, StoreError};
use uuid::Uuid;

/// A fixed instant (microseconds) that test times are offsets from.
pub const T0: i64 = 1_700_000_000_000_000;

/// The row for a new office under `parent` (a root when `None`), with the given id.
pub fn office_row_with_id(id: Uuid, parent: Option<&OfficeRow>, code: &str) -> OfficeRow {
    let path = match parent {
        Some(p) => OfficePath::from_stored(p.path.clone()).child(id),
        None => OfficePath::root(id),
    };
    OfficeRow {
        id,
        code: code.to_string(),
        name: format!("Office {code}"),
        kind: "commune".to_string(),
        parent_id: parent.map(|p| p.id),
        path: path.as_str().to_string(),
        created_at: T0,
        updated_at: T0,
    }
}

/// Insert and commit an office with the given id.
pub async fn seed_office_with_id(
    db: &Db,
    id: Uuid,
    parent: Option<&OfficeRow>,
    code: &str,
) -> OfficeRow {
    let o = office_row_with_id(id, parent, code);
    let mut tx = db.begin().await.unwrap();
    repo::office::insert(&mut tx, &o, &code.to_lowercase())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    o
}

/// Insert and commit a new office under `parent` (a root when `None`).
pub async fn seed_office(db: &Db, parent: Option<&OfficeRow>, code: &str) -> OfficeRow {
    seed_office_with_id(db, Uuid::now_v7(), parent, code).await
}

/// The row for a new active user at `home`, with no failures and no lock.
pub fn user_row(home: &OfficeRow, username: &str) -> UserRow {
    UserRow {
        id: Uuid::now_v7(),
        username: username.to_string(),
        full_name: format!("Nguyễn {username}"),
        email: Some(format!("{username}@example.test")),
        home_office_id: home.id,
        password_hash: format!("hash-of-{username}"),
        active: true,
        failed_logins: 0,
        locked_until: None,
        password_changed_at: T0,
        created_at: T0,
    }
}

/// Insert and commit a new user at `home`.
pub async fn seed_user(db: &Db, home: &OfficeRow, username: &str) -> UserRow {
    let u = user_row(home, username);
    let mut tx = db.begin().await.unwrap();
    repo::staff::insert(&mut tx, &u, &format!("nguyen {username}"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    u
}

/// A plain audit entry at `T0 + n`.
pub fn new_audit(n: i64, office_id: Option<Uuid>, action: &str, actor: &str) -> NewAudit {
    NewAudit {
        at: T0 + n,
        actor_id: Some(Uuid::now_v7()),
        actor_name: actor.to_string(),
        role: Some("admin".to_string()),
        office_id,
        action: action.to_string(),
        target_type: "office".to_string(),
        target_id: office_id.map(|o| o.to_string()),
        summary: format!(r#"{{"n":{n}}}"#),
        request_id: Some(format!("req-{n}")),
    }
}

/// Run one statement behind the repositories' back, committed; returns the rows affected.
pub async fn raw(db: &Db, sql: &'static str) -> u64 {
    let mut tx = db.begin().await.unwrap();
    let n = congbo_store::exec!(&mut tx, c => sqlx::query(sql).execute(c).await).unwrap();
    tx.commit().await.unwrap();
    n
}

/// Assert a write was refused as a duplicate on the unique constraint `name` (PostgreSQL's
/// name, which the store reports on both backends).
#[track_caller]
pub fn assert_duplicate<T: std::fmt::Debug>(r: Result<T>, name: &str) {
    match r {
        Err(StoreError::Duplicate(constraint)) => assert_eq!(
            constraint, name,
            "the duplicate was reported on another constraint"
        ),
        other => panic!("expected StoreError::Duplicate on {name:?}, got {other:?}"),
    }
}
