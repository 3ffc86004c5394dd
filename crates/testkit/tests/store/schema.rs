//! Schema parity: both migration sets make the same tables with the same columns.

use std::collections::BTreeSet;

use congbo_store::Db;
use congbo_testkit::TestDb;

/// (table, column, type, nullable). Types are mapped to one vocabulary: SQLite stores UUIDs as
/// BLOB where PostgreSQL has UUID.
type Columns = BTreeSet<(String, String, String, bool)>;

async fn columns(db: &Db) -> Columns {
    match db {
        Db::Sqlite(p) => {
            let rows: Vec<(String, String, String, bool, i64)> = sqlx::query_as(
                "SELECT m.name, c.name, upper(c.type), c.\"notnull\", c.pk
                 FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            rows.into_iter()
                .map(|(t, c, ty, not_null, pk)| {
                    let ty = match ty.as_str() {
                        "BLOB" => "UUID".to_string(),
                        other => other.to_string(),
                    };
                    // A primary key is never NULL in the schema's intent (PostgreSQL enforces it).
                    (t, c, ty, !not_null && pk == 0)
                })
                .collect()
        }
        Db::Postgres(p) => {
            let rows: Vec<(String, String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
                 FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            rows.into_iter()
                .map(|(t, c, ty, nullable)| (t, c, ty.to_uppercase(), nullable == "YES"))
                .collect()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let s = columns(&sqlite.db).await;
    let p = columns(&pg.db).await;

    let tables: BTreeSet<&str> = s.iter().map(|c| c.0.as_str()).collect();
    for t in [
        "offices",
        "office_history",
        "counters",
        "users",
        "role_assignments",
        "sessions",
        "api_tokens",
        "setup_tokens",
        "audit_head",
        "audit_log",
    ] {
        assert!(tables.contains(t), "SQLite lacks table {t}");
    }
    assert!(!tables.contains("_sqlx_migrations"));

    let names = |c: &Columns| {
        c.iter()
            .map(|(t, c, ..)| (t.clone(), c.clone()))
            .collect::<BTreeSet<_>>()
    };
    let (sn, pn) = (names(&s), names(&p));
    assert_eq!(
        sn,
        pn,
        "columns only on SQLite: {:?}; only on PostgreSQL: {:?}",
        sn.difference(&pn).collect::<Vec<_>>(),
        pn.difference(&sn).collect::<Vec<_>>()
    );
    assert_eq!(
        s,
        p,
        "types or nullability differ; only on SQLite: {:?}; only on PostgreSQL: {:?}",
        s.difference(&p).collect::<Vec<_>>(),
        p.difference(&s).collect::<Vec<_>>()
    );
}
