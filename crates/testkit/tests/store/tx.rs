//! Transactions: rollback leaves nothing; audit appends do not wait for each other and are
//! sealed into one chain, even by several sealers (processes) at once.

use std::time::Duration;

use congbo_app::audit::{Report, Verdict, check, seal_now, verify};
use congbo_domain::audit::GENESIS;
use congbo_store::repo::{audit, office, staff};
use congbo_store::{Backend, Db, Tx};
use congbo_testkit::{TestDb, db_test};
use uuid::Uuid;

use crate::{T0, new_audit, office_row_with_id, seed_office, user_row};

/// Write an office, a user and an audit row in `tx` and check they are visible inside it.
async fn write_some(tx: &mut Tx, code: &str) {
    let o = office_row_with_id(Uuid::now_v7(), None, code);
    office::insert(tx, &o, "x").await.unwrap();
    staff::insert(tx, &user_row(&o, code), "x").await.unwrap();
    let id = audit::append(tx, &new_audit(1, Some(o.id), "office.create", "lan"))
        .await
        .unwrap();
    let waiting = audit::unsealed(tx, 10).await.unwrap();
    assert_eq!(waiting.iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
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
    assert_eq!(audit::count(&mut tx).await.unwrap(), 0);
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

/// Wait for `f`, failing (not hanging) if it is blocked, e.g. on a lock another open
/// transaction holds. A deadlock guard, not a timing assertion: it allows 60 s.
async fn unblocked<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .unwrap_or_else(|_| panic!("{what} was blocked"))
}

db_test!(
    a_row_that_commits_late_is_sealed_after_the_rows_before_it,
    |db| {
        let office = seed_office(&db, None, "R").await;
        let mut first = db.begin().await.unwrap();
        let first_id = audit::append(&mut first, &new_audit(1, Some(office.id), "a.first", "lan"))
            .await
            .unwrap();
        if db.backend() == Backend::Sqlite {
            // One writer at a time: the first commits before anyone else may write.
            first.commit().await.unwrap();
            let mut tx = db.begin().await.unwrap();
            let second_id = audit::append(&mut tx, &new_audit(2, None, "a.second", "minh"))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert!(second_id > first_id);
            assert_eq!(seal_now(&db).await.unwrap(), 2);
        } else {
            // The second writer appends and commits while the first is still open: appends no
            // longer queue on the chain head.
            let second_id = unblocked("the second append", async {
                let mut tx = db.begin().await.unwrap();
                let id = audit::append(&mut tx, &new_audit(2, None, "a.second", "minh"))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                id
            })
            .await;
            assert!(second_id > first_id);
            // The sealer sees only the committed row; sealing does not wait for the open one.
            assert_eq!(unblocked("sealing", seal_now(&db)).await.unwrap(), 1);
            assert_eq!(
                check(&db).await.unwrap(),
                Report {
                    verdict: Verdict::Ok(1),
                    unsealed: 0
                }
            );
            // The first (smaller id) commits late: it is sealed after the row already sealed.
            first.commit().await.unwrap();
            assert_eq!(
                check(&db).await.unwrap(),
                Report {
                    verdict: Verdict::Ok(1),
                    unsealed: 1
                }
            );
            assert_eq!(seal_now(&db).await.unwrap(), 1);
        }

        let mut tx = db.read().await.unwrap();
        let rows = audit::page(&mut tx, 0, 10).await.unwrap();
        tx.commit().await.unwrap();
        let order: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        match db.backend() {
            Backend::Sqlite => assert_eq!(order, ["a.first", "a.second"]),
            Backend::Postgres => assert_eq!(order, ["a.second", "a.first"]),
        }
        assert_eq!(rows[1].prev_hash, rows[0].hash);
        assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(2));
    }
);

db_test!(concurrent_appends_all_land_and_verify, |db| {
    const TASKS: i64 = 4;
    const EACH: i64 = 15;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TASKS as usize));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (db, barrier) = (db.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut ids = Vec::new();
                for i in 0..EACH {
                    let mut tx = db.begin().await.unwrap();
                    let mut e = new_audit(t * 100 + i, None, "concurrent.append", "lan");
                    e.summary = format!("task {t} entry {i}");
                    ids.push(audit::append(&mut tx, &e).await.unwrap());
                    tokio::task::yield_now().await;
                    tx.commit().await.unwrap();
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        let mine = t.await.unwrap();
        // Each task's own appends come in increasing order.
        assert!(mine.windows(2).all(|w| w[0] < w[1]), "{mine:?}");
        ids.extend(mine);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as i64, TASKS * EACH);
    assert_eq!(seal_now(&db).await.unwrap(), (TASKS * EACH) as u64);

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

/// Several server processes, each with its own pool and its own sealer, sealing while writers
/// append: one chain, every row sealed once, no fork (each seq once, each row chained to the
/// one before), and it verifies.
async fn sealers_in_two_processes_make_one_chain(backend: Backend) {
    const WRITERS: i64 = 4;
    const EACH: i64 = 40;
    let Some(t) = TestDb::new(backend).await else {
        return;
    };
    let other = Db::connect(&t.url).await.unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sealers: Vec<_> = [t.db.clone(), other.clone()]
        .into_iter()
        .map(|db| {
            let done = done.clone();
            tokio::spawn(async move {
                let mut sealed = 0;
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    sealed += seal_now(&db).await.unwrap();
                    tokio::task::yield_now().await;
                }
                sealed
            })
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            // Half the writers use each process's pool.
            let db = if w % 2 == 0 {
                t.db.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                for i in 0..EACH {
                    let mut tx = db.begin().await.unwrap();
                    let mut e = new_audit(w * 1000 + i, None, "concurrent.append", "lan");
                    e.summary = format!("writer {w} entry {i}");
                    audit::append(&mut tx, &e).await.unwrap();
                    tokio::task::yield_now().await;
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut sealed = 0;
    for s in sealers {
        sealed += s.await.unwrap();
    }
    sealed += seal_now(&other).await.unwrap();
    assert_eq!(
        sealed as i64,
        WRITERS * EACH,
        "every row sealed exactly once"
    );

    let mut tx = t.db.read().await.unwrap();
    let rows = audit::page(&mut tx, 0, 10_000).await.unwrap();
    let head = audit::head(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.seq.unwrap()).collect::<Vec<_>>(),
        (1..=WRITERS * EACH).collect::<Vec<_>>()
    );
    assert_eq!(rows[0].prev_hash.as_deref(), Some(GENESIS));
    for w in rows.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash, "fork at seq {:?}", w[1].seq);
    }
    assert_eq!(
        Some(head),
        rows.last()
            .map(|r| (r.seq.unwrap(), r.hash.clone().unwrap()))
    );
    let mut summaries: Vec<String> = rows.iter().map(|r| r.summary.clone()).collect();
    summaries.sort();
    summaries.dedup();
    assert_eq!(summaries.len() as i64, WRITERS * EACH);
    assert_eq!(
        check(&t.db).await.unwrap(),
        Report {
            verdict: Verdict::Ok(WRITERS * EACH),
            unsealed: 0
        }
    );
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealers_in_two_processes_make_one_chain_sqlite() {
    sealers_in_two_processes_make_one_chain(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealers_in_two_processes_make_one_chain_postgres() {
    sealers_in_two_processes_make_one_chain(Backend::Postgres).await;
}

/// Issue 15: a new SQLite database, its WAL and a backup are created readable by the owner
/// only (0600), whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("private.db");
    let db = Db::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let backup = dir.path().join("copy.db");
    db.backup_sqlite(backup.to_str().unwrap()).await.unwrap();
    let wal = dir.path().join("private.db-wal");
    for f in [&file, &wal, &backup] {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    db.close().await;
}
