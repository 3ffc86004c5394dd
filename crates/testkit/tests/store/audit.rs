//! The audit log: appends are sealed into a chain, listing filters (sealed or not), unsealed
//! rows are reported, and tampering is detected.

use congbo_app::audit::anchor::{self, AnchorFailure, AnchorKey, check_file};
use congbo_app::audit::{Report, Verdict, check, seal_now, verify};
use congbo_domain::audit::{AnchorBreak, Break, GENESIS, Verifier, chain_hash};
use congbo_store::Db;
use congbo_store::repo::audit::{self, AuditFilter, AuditRow, NewAudit};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, new_audit, raw, seed_office};

/// Append each entry in its own committed transaction; returns the insertion ids.
pub async fn append_all(db: &Db, entries: &[NewAudit]) -> Vec<i64> {
    let mut ids = Vec::new();
    for e in entries {
        let mut tx = db.begin().await.unwrap();
        ids.push(audit::append(&mut tx, e).await.unwrap());
        tx.commit().await.unwrap();
    }
    ids
}

/// The unsealed rows, by id.
async fn unsealed_rows(db: &Db) -> Vec<AuditRow> {
    let mut tx = db.read().await.unwrap();
    let rows = audit::unsealed(&mut tx, 10_000).await.unwrap();
    tx.commit().await.unwrap();
    rows
}

/// The sealed rows, in chain order.
async fn all_rows(db: &Db) -> Vec<AuditRow> {
    let mut tx = db.read().await.unwrap();
    let rows = audit::page(&mut tx, 0, 10_000).await.unwrap();
    tx.commit().await.unwrap();
    rows
}

/// Five appended and sealed rows, for the tampering tests.
async fn five(db: &Db) {
    let entries: Vec<NewAudit> = (1..=5)
        .map(|n| new_audit(n, None, "office.create", "lan"))
        .collect();
    assert_eq!(append_all(db, &entries).await, vec![1, 2, 3, 4, 5]);
    assert_eq!(verify(db).await.unwrap(), Verdict::Ok(5));
}

db_test!(append_builds_a_valid_chain, |db| {
    let mut tx = db.read().await.unwrap();
    assert_eq!(
        audit::head(&mut tx).await.unwrap(),
        (0, GENESIS.to_string())
    );
    assert!(audit::page(&mut tx, 0, 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(0));

    let office = seed_office(&db, None, "R").await;
    let entries = vec![
        new_audit(1, Some(office.id), "office.create", "lan"),
        NewAudit {
            actor_id: None,
            role: None,
            target_id: None,
            request_id: None,
            ..new_audit(2, None, "auth.login_failed", "ghost")
        },
        NewAudit {
            summary: r#"{"name":"Phường Bến Nghé","quote":"\"x\""}"#.into(),
            ..new_audit(3, Some(office.id), "office.rename", "minh")
        },
        new_audit(4, Some(office.id), "staff.create", "lan"),
    ];
    // Two appends in one transaction chain as well as separate ones.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(audit::append(&mut tx, &entries[0]).await.unwrap(), 1);
    assert_eq!(audit::append(&mut tx, &entries[1]).await.unwrap(), 2);
    tx.commit().await.unwrap();
    assert_eq!(append_all(&db, &entries[2..]).await, vec![3, 4]);

    // Appended rows wait, unsealed, with their fields and no chain position.
    let waiting = unsealed_rows(&db).await;
    assert_eq!(
        waiting.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(waiting.iter().all(|r| !r.is_sealed() && r.hash.is_none()));
    assert!(all_rows(&db).await.is_empty());
    assert_eq!(seal_now(&db).await.unwrap(), 4);
    assert_eq!(seal_now(&db).await.unwrap(), 0);
    assert!(unsealed_rows(&db).await.is_empty());

    let rows = all_rows(&db).await;
    assert_eq!(rows.len(), 4);
    let mut prev = GENESIS.to_string();
    let mut v = Verifier::default();
    for (row, e) in rows.iter().zip(&entries) {
        // The stored fields are the appended ones.
        let want = AuditRow {
            id: row.id,
            seq: row.seq,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name.clone(),
            role: e.role.clone(),
            office_id: e.office_id,
            action: e.action.clone(),
            target_type: e.target_type.clone(),
            target_id: e.target_id.clone(),
            summary: e.summary.clone(),
            request_id: e.request_id.clone(),
            prev_hash: Some(prev.clone()),
            hash: Some(chain_hash(&prev, &row.fields())),
        };
        assert_eq!(row, &want);
        let hash = row.hash.clone().unwrap();
        assert_eq!(hash.len(), 64);
        v.push(&row.fields(), &hash).unwrap();
        prev = hash;
    }
    // Sealed in id order (all four were visible to the one sealing round).
    assert_eq!(
        rows.iter().map(|r| (r.id, r.seq)).collect::<Vec<_>>(),
        [(1, Some(1)), (2, Some(2)), (3, Some(3)), (4, Some(4))]
    );

    let mut tx = db.read().await.unwrap();
    let head = audit::head(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(head, (4, prev.clone()));
    assert_eq!(v.finish(head.0, &head.1), Ok(4));
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(4));
});

db_test!(page_is_ordered_and_paged, |db| {
    let entries: Vec<NewAudit> = (1..=7).map(|n| new_audit(n, None, "x.y", "lan")).collect();
    append_all(&db, &entries).await;
    seal_now(&db).await.unwrap();

    let mut tx = db.read().await.unwrap();
    let seqs = |rows: Vec<AuditRow>| rows.into_iter().map(|r| r.seq.unwrap()).collect::<Vec<_>>();
    assert_eq!(
        seqs(audit::page(&mut tx, 0, 100).await.unwrap()),
        [1, 2, 3, 4, 5, 6, 7]
    );
    assert_eq!(seqs(audit::page(&mut tx, 0, 3).await.unwrap()), [1, 2, 3]);
    assert_eq!(seqs(audit::page(&mut tx, 3, 3).await.unwrap()), [4, 5, 6]);
    assert_eq!(seqs(audit::page(&mut tx, 6, 3).await.unwrap()), [7]);
    assert!(audit::page(&mut tx, 7, 3).await.unwrap().is_empty());
    // Walking in pages sees every row once, in order.
    let mut walked = Vec::new();
    let mut after = 0;
    loop {
        let page = audit::page(&mut tx, after, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq.unwrap();
        walked.extend(page);
    }
    assert_eq!(walked, audit::page(&mut tx, 0, 100).await.unwrap());
    assert_eq!(walked.len(), 7);
    tx.commit().await.unwrap();
});

db_test!(list_filters, |db| {
    let root = seed_office(&db, None, "R").await;
    let a = seed_office(&db, Some(&root), "A").await;
    let a1 = seed_office(&db, Some(&a), "A1").await;
    let b = seed_office(&db, Some(&root), "B").await;
    let s = seed_office(&db, None, "S").await;
    let entries = vec![
        new_audit(1, Some(root.id), "office.create", "lan"),
        new_audit(2, Some(a.id), "office.rename", "minh"),
        new_audit(3, Some(a1.id), "staff.create", "lan"),
        new_audit(4, Some(b.id), "staff.role_assigned", "hoa"),
        new_audit(5, Some(s.id), "office.create", "lan"),
        new_audit(6, None, "auth.login_failed", "ghost"),
        new_audit(7, Some(a.id), "auth.login", "minh"),
        // An office id that names no office row (not in any subtree).
        new_audit(8, Some(Uuid::now_v7()), "office.create", "lan"),
    ];
    assert_eq!(append_all(&db, &entries).await, (1..=8).collect::<Vec<_>>());
    // Listing shows rows whether or not they are sealed: seal only the first five.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(audit::seal(&mut tx, 5).await.unwrap(), 5);
    tx.commit().await.unwrap();
    let mut by_seq = all_rows(&db).await;
    by_seq.extend(unsealed_rows(&db).await);
    assert_eq!(
        by_seq.iter().map(|r| r.id).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    assert_eq!(by_seq.iter().filter(|r| r.is_sealed()).count(), 5);

    let all = AuditFilter {
        limit: 100,
        ..Default::default()
    };
    let mut tx = db.read().await.unwrap();
    let mut list = async |root_path: &str, unscoped: bool, f: &AuditFilter| -> Vec<i64> {
        let rows = audit::list(&mut tx, root_path, unscoped, f).await.unwrap();
        for r in &rows {
            assert_eq!(r, &by_seq[(r.id - 1) as usize], "row {} as listed", r.id);
        }
        rows.into_iter().map(|r| r.id).collect()
    };

    // Office scoping, newest first.
    assert_eq!(list(&root.path, false, &all).await, [7, 4, 3, 2, 1]);
    assert_eq!(list(&root.path, true, &all).await, [7, 6, 4, 3, 2, 1]);
    assert_eq!(list(&a.path, false, &all).await, [7, 3, 2]);
    assert_eq!(list(&a.path, true, &all).await, [7, 6, 3, 2]);
    assert_eq!(list(&a1.path, false, &all).await, [3]);
    assert_eq!(list(&b.path, false, &all).await, [4]);
    assert_eq!(list(&s.path, false, &all).await, [5]);
    assert_eq!(list(&s.path, true, &all).await, [6, 5]);

    // Action prefix.
    let f = |p: &str| AuditFilter {
        action_prefix: Some(p.into()),
        ..all.clone()
    };
    assert_eq!(list(&root.path, false, &f("office.")).await, [2, 1]);
    assert_eq!(list(&root.path, true, &f("auth.")).await, [7, 6]);
    assert_eq!(list(&root.path, true, &f("auth.login_")).await, [6]);
    assert_eq!(list(&root.path, false, &f("staff.role")).await, [4]);
    assert_eq!(list(&root.path, false, &f("staff.create")).await, [3]);
    assert!(list(&root.path, true, &f("token.")).await.is_empty());
    // A prefix is exact on both backends: case matters and LIKE wildcards are plain text.
    assert!(list(&root.path, true, &f("AUTH.")).await.is_empty());
    assert!(list(&root.path, true, &f("Office.")).await.is_empty());
    assert!(list(&root.path, true, &f("office_")).await.is_empty());
    assert!(list(&root.path, true, &f("%fail")).await.is_empty());

    // Actor name (exact).
    let f = |n: &str| AuditFilter {
        actor_name: Some(n.into()),
        ..all.clone()
    };
    assert_eq!(list(&root.path, true, &f("lan")).await, [3, 1]);
    assert_eq!(list(&root.path, true, &f("minh")).await, [7, 2]);
    assert_eq!(list(&root.path, true, &f("ghost")).await, [6]);
    assert!(list(&root.path, true, &f("la")).await.is_empty());

    // Time window: from inclusive, to exclusive.
    let f = |from: Option<i64>, to: Option<i64>| AuditFilter {
        from,
        to,
        ..all.clone()
    };
    assert_eq!(
        list(&root.path, false, &f(Some(T0 + 3), None)).await,
        [7, 4, 3]
    );
    assert_eq!(
        list(&root.path, false, &f(None, Some(T0 + 3))).await,
        [2, 1]
    );
    assert_eq!(
        list(&root.path, true, &f(Some(T0 + 2), Some(T0 + 7))).await,
        [6, 4, 3, 2]
    );
    assert!(
        list(&root.path, true, &f(Some(T0 + 4), Some(T0 + 4)))
            .await
            .is_empty()
    );

    // Paging backwards with before_id and limit.
    let f = |before_id: Option<i64>, limit: i64| AuditFilter {
        before_id,
        limit,
        ..Default::default()
    };
    assert_eq!(list(&root.path, true, &f(None, 2)).await, [7, 6]);
    assert_eq!(list(&root.path, true, &f(Some(6), 2)).await, [4, 3]);
    assert_eq!(list(&root.path, true, &f(Some(3), 2)).await, [2, 1]);
    assert!(list(&root.path, true, &f(Some(1), 2)).await.is_empty());
    assert_eq!(list(&root.path, false, &f(Some(4), 100)).await, [3, 2, 1]);

    // Filters combine.
    let f = AuditFilter {
        action_prefix: Some("office.".into()),
        actor_name: Some("minh".into()),
        from: Some(T0 + 1),
        to: Some(T0 + 10),
        before_id: Some(8),
        limit: 10,
    };
    assert_eq!(list(&root.path, true, &f).await, [2]);
    tx.commit().await.unwrap();
});

db_test!(tamper_edited_summary_is_a_hash_mismatch, |db| {
    five(&db).await;
    let n = raw(
        &db,
        "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 3",
    )
    .await;
    assert_eq!(n, 1);
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::HashMismatch { seq: 3 })
    );
});

db_test!(tamper_edited_time_is_a_hash_mismatch, |db| {
    five(&db).await;
    assert_eq!(
        raw(&db, "UPDATE audit_log SET at = at - 1 WHERE seq = 1").await,
        1
    );
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::HashMismatch { seq: 1 })
    );
});

db_test!(tamper_deleted_middle_row_is_a_gap, |db| {
    five(&db).await;
    assert_eq!(raw(&db, "DELETE FROM audit_log WHERE seq = 3").await, 1);
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::Gap {
            expected: 3,
            found: 4
        })
    );
});

db_test!(tamper_deleted_last_row_is_a_head_break, |db| {
    five(&db).await;
    assert_eq!(raw(&db, "DELETE FROM audit_log WHERE seq = 5").await, 1);
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::Head {
            expected_seq: 5,
            found_seq: 4
        })
    );
    // Rewinding the head's seq too is still caught: its hash is the deleted row's.
    assert_eq!(
        raw(&db, "UPDATE audit_head SET seq = 4 WHERE id = 1").await,
        1
    );
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::Head {
            expected_seq: 4,
            found_seq: 4
        })
    );
});

db_test!(append_after_tampering_does_not_heal, |db| {
    five(&db).await;
    raw(
        &db,
        "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2",
    )
    .await;
    append_all(&db, &[new_audit(6, None, "office.create", "lan")]).await;
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::HashMismatch { seq: 2 })
    );
});

db_test!(unsealed_rows_are_reported_then_sealed, |db| {
    five(&db).await;
    let entries: Vec<NewAudit> = (6..=8)
        .map(|n| new_audit(n, None, "office.rename", "minh"))
        .collect();
    assert_eq!(append_all(&db, &entries).await, vec![6, 7, 8]);
    // Checking only reads: the sealed chain is fine, three rows wait.
    let waiting = Report {
        verdict: Verdict::Ok(5),
        unsealed: 3,
    };
    assert_eq!(check(&db).await.unwrap(), waiting);
    assert_eq!(check(&db).await.unwrap(), waiting);
    assert_eq!(seal_now(&db).await.unwrap(), 3);
    assert_eq!(
        check(&db).await.unwrap(),
        Report {
            verdict: Verdict::Ok(8),
            unsealed: 0
        }
    );
    let rows = all_rows(&db).await;
    assert_eq!(
        rows.iter().map(|r| r.seq.unwrap()).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    for w in rows.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
});

db_test!(
    tamper_edited_sealed_row_is_caught_even_after_more_sealing,
    |db| {
        five(&db).await;
        raw(
            &db,
            "UPDATE audit_log SET target_type = 'nothing' WHERE seq = 4",
        )
        .await;
        append_all(&db, &[new_audit(6, None, "office.create", "lan")]).await;
        assert_eq!(seal_now(&db).await.unwrap(), 1);
        assert_eq!(
            check(&db).await.unwrap(),
            Report {
                verdict: Verdict::Broken(Break::HashMismatch { seq: 4 }),
                unsealed: 0
            }
        );
    }
);

db_test!(tamper_unsealing_a_sealed_row_is_a_gap, |db| {
    five(&db).await;
    // Clearing a sealed row's chain fields does not make it "new": its place is missing.
    assert_eq!(
        raw(
            &db,
            "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = 3"
        )
        .await,
        1
    );
    assert_eq!(
        check(&db).await.unwrap(),
        Report {
            verdict: Verdict::Broken(Break::Gap {
                expected: 3,
                found: 4
            }),
            unsealed: 1
        }
    );
    // Sealing it again puts it at the end; the gap stays.
    assert_eq!(
        verify(&db).await.unwrap(),
        Verdict::Broken(Break::Gap {
            expected: 3,
            found: 4
        })
    );
});

/// A key in a fresh folder, and the anchor file beside it after anchoring `db` once.
async fn anchored(db: &Db) -> (tempfile::TempDir, AnchorKey, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = AnchorKey::load_or_create(&dir.path().join("anchor.key")).unwrap();
    let file = dir.path().join("anchors.jsonl");
    let a = anchor::anchor(db, &key, T0).await.unwrap();
    anchor::append(&file, &a).unwrap();
    (dir, key, file)
}

db_test!(anchor_holds_while_the_chain_only_grows, |db| {
    five(&db).await;
    let (_dir, key, file) = anchored(&db).await;
    let trusted = key.public_hex();
    assert_eq!(check_file(&db, &file, &trusted).await.unwrap(), Ok(1));
    let more: Vec<NewAudit> = (6..=7)
        .map(|n| new_audit(n, None, "office.create", "lan"))
        .collect();
    append_all(&db, &more).await;
    let a = anchor::anchor(&db, &key, T0 + 1).await.unwrap();
    assert_eq!((a.point.seq, a.at.len() > 10), (7, true));
    anchor::append(&file, &a).unwrap();
    assert_eq!(check_file(&db, &file, &trusted).await.unwrap(), Ok(2));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&_dir.path().join("anchor.key")) & 0o777, 0o600);
        assert_eq!(mode(&file) & 0o777, 0o600);
    }
});

db_test!(anchor_detects_rows_cut_off_with_the_head_moved_back, |db| {
    five(&db).await;
    let (_dir, key, file) = anchored(&db).await;
    assert_eq!(raw(&db, "DELETE FROM audit_log WHERE seq > 3").await, 2);
    raw(
        &db,
        "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE id = 1",
    )
    .await;
    // The chain alone looks whole; the anchor knows it had five entries.
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(3));
    assert_eq!(
        check_file(&db, &file, &key.public_hex()).await.unwrap(),
        Err((
            1,
            AnchorFailure::Chain(AnchorBreak::Cut {
                anchored_seq: 5,
                head_seq: 3
            })
        ))
    );
});

db_test!(anchor_detects_a_deleted_and_reset_log, |db| {
    five(&db).await;
    let (_dir, key, file) = anchored(&db).await;
    raw(&db, "DELETE FROM audit_log").await;
    raw(
        &db,
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1",
    )
    .await;
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(0));
    assert_eq!(
        check_file(&db, &file, &key.public_hex()).await.unwrap(),
        Err((
            1,
            AnchorFailure::Chain(AnchorBreak::Cut {
                anchored_seq: 5,
                head_seq: 0
            })
        ))
    );
});

db_test!(anchor_detects_an_edited_row_with_the_chain_resealed, |db| {
    five(&db).await;
    let (_dir, key, file) = anchored(&db).await;
    // Edit a row, then unseal everything and reset the head: the sealer rebuilds a chain
    // that verifies, with other hashes.
    raw(
        &db,
        "UPDATE audit_log SET summary = '{\"x\":1}' WHERE seq = 2",
    )
    .await;
    raw(
        &db,
        "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL",
    )
    .await;
    raw(
        &db,
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1",
    )
    .await;
    assert_eq!(verify(&db).await.unwrap(), Verdict::Ok(5));
    assert_eq!(
        check_file(&db, &file, &key.public_hex()).await.unwrap(),
        Err((1, AnchorFailure::Chain(AnchorBreak::Rewritten { seq: 5 })))
    );
});

db_test!(anchor_from_another_key_or_edited_is_refused, |db| {
    five(&db).await;
    let (dir, key, file) = anchored(&db).await;
    let line = std::fs::read_to_string(&file).unwrap();
    // A line edited to claim fewer entries no longer matches its signature.
    let edited = dir.path().join("edited.jsonl");
    std::fs::write(&edited, line.replace("\"seq\":5", "\"seq\":4")).unwrap();
    assert_eq!(
        check_file(&db, &edited, &key.public_hex()).await.unwrap(),
        Err((1, AnchorFailure::BadSignature))
    );
    // An anchor signed by a key the verifier does not trust.
    let other = AnchorKey::load_or_create(&dir.path().join("other.key")).unwrap();
    assert_eq!(
        check_file(&db, &file, &other.public_hex()).await.unwrap(),
        Err((1, AnchorFailure::Untrusted))
    );
    let junk = dir.path().join("junk.jsonl");
    std::fs::write(&junk, "not json\n").unwrap();
    assert_eq!(
        check_file(&db, &junk, &key.public_hex()).await.unwrap(),
        Err((1, AnchorFailure::Unreadable))
    );
});
