//! Storage. One `Db` enum over SQLite (embedded default) and PostgreSQL; every repository
//! function takes a `Tx` and runs the same SQL text on either backend through `on_tx!`, with two
//! arms only where the dialects must differ.
//!
//! Placeholders are written `$1, $2, …` on both backends. SQLite treats them as named
//! parameters numbered by first appearance, so each query must mention `$1` before `$2`, and
//! so on (every query here does; the store tests run each one on both backends).

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};

pub mod live;
pub mod repo;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Run `$body` with `$c` bound to the backend's connection, in both arms.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Like `on_tx!` for statements run with `.execute(c)`: yields the number of rows affected.
#[macro_export]
macro_rules! exec {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; carries the constraint's name as PostgreSQL
    /// gives it (see [`unique_constraint`]), on both backends.
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("database: {0}")]
    Db(sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.is_unique_violation()
        {
            return StoreError::Duplicate(unique_constraint(d.constraint(), d.message()));
        }
        StoreError::Db(e)
    }
}

/// The name of the unique constraint a write broke, the same on both backends. PostgreSQL
/// reports the name; SQLite reports only `UNIQUE constraint failed: t.a, t.b`, from which
/// PostgreSQL's default name `t_a_b_key` is rebuilt. Every unique constraint of the schema
/// keeps that default name (a schema test checks so), so the name identifies the constraint
/// whichever backend refused the write. Anything else is passed on as the message.
pub fn unique_constraint(constraint: Option<&str>, message: &str) -> String {
    if let Some(name) = constraint {
        return name.to_string();
    }
    let Some(columns) = message.strip_prefix("UNIQUE constraint failed: ") else {
        return message.to_string();
    };
    let mut table = None;
    let mut names = Vec::new();
    for qualified in columns.split(", ") {
        let Some((t, c)) = qualified.trim().split_once('.') else {
            return message.to_string();
        };
        if table.is_some_and(|seen| seen != t) {
            return message.to_string();
        }
        table = Some(t);
        names.push(c);
    }
    match table {
        Some(t) => default_unique_name(t, &names),
        None => message.to_string(),
    }
}

/// PostgreSQL's default name for `UNIQUE (columns)` on `table`: `table_col1_col2_key`.
pub fn default_unique_name(table: &str, columns: &[&str]) -> String {
    format!("{table}_{}_key", columns.join("_"))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Create `path` empty with mode 0600 (owner read and write) when it does not exist yet, so
/// a database or a backup holding personal data is never world-readable (issue 15). An
/// existing file, or a name that is not a plain file (`:memory:`), is left alone.
fn private_file(path: &std::path::Path) -> Result<()> {
    if path.as_os_str().is_empty() || path.to_str().is_some_and(|p| p.starts_with(':')) {
        return Ok(());
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

impl Db {
    /// Connect by URL: `postgres://…` selects PostgreSQL, `sqlite:…` SQLite (file created).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                // No ping before each use: a broken connection fails its statement instead,
                // and every use case is one transaction that the caller may retry.
                .test_before_acquire(false)
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?;
            // Created readable by the owner only; SQLite gives the -wal and -shm files the
            // database file's permissions.
            private_file(opts.get_filename())?;
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (use sqlite:… or postgres://…): {}",
                redact_url(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so a
    /// read-then-write never fails with a busy snapshot.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A read transaction (a consistent snapshot; takes no write lock).
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Readiness: the database answers a query.
    pub async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(drop)?,
            Db::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(drop)?,
        }
        Ok(())
    }

    /// Close the pool; on SQLite first fold the WAL back into the database file.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => {
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await
                {
                    tracing::warn!(error = %e, "WAL checkpoint failed at shutdown");
                }
                p.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }

    /// An online, consistent copy of the SQLite database into `path` (`VACUUM INTO`).
    pub async fn backup_sqlite(&self, path: &str) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                // VACUUM INTO accepts an empty file: make it first, owner-only.
                private_file(std::path::Path::new(path))?;
                sqlx::query("VACUUM INTO $1").bind(path).execute(p).await?;
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Config(
                "online backup is for SQLite; on PostgreSQL use pg_dump".into(),
            )),
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The URL with any password replaced by `***`, for logs and `config show`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Names of the migrations in each folder (for the parity test and `migrate` output).
pub fn migration_names(backend: Backend) -> Vec<(i64, String)> {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    m.iter()
        .map(|m| (m.version, m.description.to_string()))
        .collect()
}

/// A fingerprint of every migration's version and checksum (test templates are rebuilt when
/// any migration changes).
pub fn migration_fingerprint(backend: Backend) -> String {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    m.iter()
        .map(|m| {
            let sum: u64 = m.checksum.iter().fold(0xcbf29ce484222325, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
            });
            format!("{}:{sum:x}", m.version)
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_folders_match() {
        assert_eq!(
            migration_names(Backend::Sqlite),
            migration_names(Backend::Postgres)
        );
        assert!(!migration_names(Backend::Sqlite).is_empty());
    }

    #[test]
    fn sqlite_unique_failures_read_as_postgresql_constraint_names() {
        let n = |m: &str| unique_constraint(None, m);
        assert_eq!(
            n("UNIQUE constraint failed: offices.code"),
            "offices_code_key"
        );
        assert_eq!(
            n("UNIQUE constraint failed: counters.office_id, counters.number"),
            "counters_office_id_number_key"
        );
        // PostgreSQL names its constraint itself.
        assert_eq!(
            unique_constraint(Some("users_username_key"), "duplicate key value"),
            "users_username_key"
        );
        // Anything unexpected stays the message, never a made-up name.
        assert_eq!(n("something else"), "something else");
        assert_eq!(
            n("UNIQUE constraint failed: a.x, b.y"),
            "UNIQUE constraint failed: a.x, b.y"
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite:data/congbo.db"), "sqlite:data/congbo.db");
    }
}
