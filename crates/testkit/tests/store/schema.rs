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

/// (table, columns in order, constraint name) of every unique constraint (not primary keys).
/// On SQLite the name is what the store reports for it (PostgreSQL's default name).
type Uniques = BTreeSet<(String, Vec<String>, String)>;

async fn unique_constraints(db: &Db) -> Uniques {
    let mut out = Uniques::new();
    match db {
        Db::Sqlite(p) => {
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, i.name FROM sqlite_master m, pragma_index_list(m.name) i
                 WHERE m.type = 'table' AND i.origin = 'u'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for (table, index) in indexes {
                let cols: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
                )))
                .fetch_all(p)
                .await
                .unwrap();
                let cols: Vec<String> = cols.into_iter().map(|c| c.0).collect();
                let message = format!(
                    "UNIQUE constraint failed: {}",
                    cols.iter()
                        .map(|c| format!("{table}.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let name = congbo_store::unique_constraint(None, &message);
                out.insert((table, cols, name));
            }
        }
        Db::Postgres(p) => {
            let rows: Vec<(String, String, Vec<String>)> = sqlx::query_as(
                "SELECT c.conname::text, t.relname::text,
                        array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                              ORDER BY k.o)
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                 JOIN pg_namespace s ON s.oid = t.relnamespace
                 WHERE c.contype = 'u' AND s.nspname = 'public'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for (name, table, cols) in rows {
                out.insert((table, cols, name));
            }
        }
    }
    out
}

/// A duplicate is identified by its constraint's name on both backends: SQLite reports only
/// the columns, from which the store rebuilds PostgreSQL's default name. That holds only if
/// both schemas have the same unique constraints and PostgreSQL's all carry the default name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unique_constraints_match_and_carry_their_default_names() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let s = unique_constraints(&sqlite.db).await;
    let p = unique_constraints(&pg.db).await;
    for (table, cols, name) in &p {
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        assert_eq!(
            name,
            &congbo_store::default_unique_name(table, &cols),
            "a unique constraint on {table} has its own name; SQLite cannot report it"
        );
    }
    for (name, _) in congbo_app::error::DUPLICATES {
        assert!(
            p.iter().any(|(_, _, n)| n == name),
            "{name} is mapped to an error code but is no constraint of the schema"
        );
    }
    assert!(p.len() >= 15, "only {} unique constraints found", p.len());
    assert_eq!(
        s,
        p,
        "only on SQLite: {:?}; only on PostgreSQL: {:?}",
        s.difference(&p).collect::<Vec<_>>(),
        p.difference(&s).collect::<Vec<_>>()
    );
}
