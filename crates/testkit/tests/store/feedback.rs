//! `repo::feedback`: cases written back only at the version read, lists by either office's
//! subtree, the timeline, attachments kept byte for byte, identity views and officer records.

use congbo_store::repo::feedback::{
    self as repo, AttachmentMeta, CaseRow, EventRow, OfficerRecord,
};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office};

fn case(
    office: &congbo_store::repo::office::OfficeRow,
    handler: &congbo_store::repo::office::OfficeRow,
    code: &str,
) -> CaseRow {
    CaseRow {
        id: Uuid::now_v7(),
        code: code.into(),
        secret: "7KQ2M9XD".into(),
        office_id: office.id,
        office_path: office.path.clone(),
        handler_office_id: handler.id,
        handler_path: handler.path.clone(),
        category: "conduct".into(),
        channel: "web".into(),
        privacy: "withheld".into(),
        sender_name: Some("Lê Văn Cường".into()),
        sender_contact: Some("0987654321".into()),
        sender_address: None,
        title: "Thái độ".into(),
        content: "Nội dung phản ánh".into(),
        officer_id: Some(Uuid::now_v7()),
        clause: Some("10-nguyen-tac/chao-hoi".into()),
        reference: None,
        state: "received".into(),
        reopened: 0,
        helpful: None,
        received_at: T0,
        day: "2026-03-10".into(),
        classify_due: "2026-03-12".into(),
        answer_due: "2026-03-31".into(),
        publish_due: None,
        info_question: None,
        info_reply: None,
        refusal: None,
        forwarded_to: None,
        answer: None,
        answered_at: None,
        answered_on_time: None,
        public_text: None,
        public_answer: None,
        published_at: None,
        upheld: None,
        disclosed: false,
        entered_by: None,
        version: 1,
        updated_at: T0,
    }
}

db_test!(cases_events_attachments_views_and_records, |db| {
    let p = seed_office(&db, None, "P").await;
    let a = seed_office(&db, Some(&p), "P-A").await;
    let b = seed_office(&db, Some(&p), "P-B").await;
    // Received by A, handled by the province (a complaint about A's head).
    let mut k = case(&a, &p, "P-A-PA-260310-0001");
    let mut tx = db.begin().await.unwrap();
    repo::insert(&mut tx, &k).await.unwrap();
    assert_duplicate(
        repo::insert(&mut tx, &case(&a, &a, "P-A-PA-260310-0001")).await,
        "feedback_cases_code_key",
    );
    tx.rollback().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    repo::insert(&mut tx, &k).await.unwrap();
    repo::insert(&mut tx, &case(&b, &b, "P-B-PA-260310-0001"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(repo::get(&mut tx, k.id).await.unwrap(), Some(k.clone()));
    assert_eq!(
        repo::get_by_code(&mut tx, &k.code).await.unwrap(),
        Some(k.clone())
    );
    assert_eq!(
        repo::get_for_update(&mut tx, k.id).await.unwrap(),
        Some(k.clone())
    );
    let n = |rows: Vec<CaseRow>| rows.len();
    assert_eq!(
        n(
            repo::list_under(&mut tx, &a.path, "2026-03-01", "2026-03-31", 100)
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        n(
            repo::list_under(&mut tx, &p.path, "2026-03-01", "2026-03-31", 100)
                .await
                .unwrap()
        ),
        2
    );
    assert_eq!(
        n(
            repo::list_under(&mut tx, &b.path, "2026-03-11", "2026-03-31", 100)
                .await
                .unwrap()
        ),
        0
    );
    assert_eq!(
        n(repo::list_between(&mut tx, "2026-03-10", "2026-03-10", 100)
            .await
            .unwrap()),
        2
    );
    // Written back at the version read, once.
    k.state = "published".into();
    k.public_answer = Some("Đã trả lời".into());
    k.published_at = Some(T0 + 10);
    k.version = 2;
    assert!(repo::update(&mut tx, &k, 1).await.unwrap());
    assert!(
        !repo::update(&mut tx, &k, 1).await.unwrap(),
        "stale version"
    );
    assert_eq!(repo::published(&mut tx, 10).await.unwrap(), vec![k.clone()]);

    for seq in 1..=2 {
        repo::insert_event(
            &mut tx,
            &EventRow {
                case_id: k.id,
                seq,
                at: T0 + seq,
                action: "submit".into(),
                from_state: None,
                to_state: "received".into(),
                actor_id: None,
                actor_name: "Người gửi".into(),
                note: None,
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(repo::events(&mut tx, k.id).await.unwrap().len(), 2);
    assert_eq!(
        repo::events_between(&mut tx, T0 + 2, T0 + 5, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let meta = AttachmentMeta {
        id: Uuid::now_v7(),
        case_id: k.id,
        filename: "anh.jpg".into(),
        mime: "image/jpeg".into(),
        size: bytes.len() as i64,
        sha256: "abc".into(),
        created_at: T0,
    };
    repo::insert_attachment(&mut tx, &meta, &bytes)
        .await
        .unwrap();
    assert_eq!(
        repo::attachments(&mut tx, k.id).await.unwrap(),
        vec![meta.clone()]
    );
    assert_eq!(
        repo::attachment(&mut tx, meta.id).await.unwrap(),
        Some((meta, bytes))
    );

    let viewer = Uuid::now_v7();
    repo::insert_identity_view(&mut tx, Uuid::now_v7(), k.id, viewer, T0 + 3, "Gọi lại")
        .await
        .unwrap();
    assert_eq!(
        repo::identity_views(&mut tx, k.id).await.unwrap(),
        vec![(viewer, T0 + 3, "Gọi lại".to_string())]
    );
    let officer = k.officer_id.unwrap();
    let r = OfficerRecord {
        id: Uuid::now_v7(),
        officer_id: officer,
        office_id: a.id,
        kind: "conduct-upheld".into(),
        clause: k.clause.clone(),
        source_type: "feedback".into(),
        source_id: k.id,
        note: None,
        at: T0,
    };
    repo::insert_officer_record(&mut tx, &r).await.unwrap();
    assert_eq!(
        repo::officer_records(&mut tx, officer).await.unwrap(),
        vec![r]
    );
    tx.commit().await.unwrap();
});
