//! Bulk writes of generated rows into the real tables: one `INSERT … SELECT * FROM UNNEST(…)`
//! per table and batch on PostgreSQL (column arrays), multi-row `INSERT … VALUES` on SQLite.

use anyhow::{Context, bail};
use congbo_store::Db;
use uuid::Uuid;

/// One value of a generated row.
#[derive(Debug, Clone)]
pub enum V {
    U(Uuid),
    OU(Option<Uuid>),
    T(String),
    OT(Option<String>),
    I(i64),
    OI(Option<i64>),
    B(bool),
    OB(Option<bool>),
}

/// Rows for one table, every row with the columns' values in order.
pub struct Rows {
    pub table: &'static str,
    pub cols: &'static [&'static str],
    pub rows: Vec<Vec<V>>,
}

impl Rows {
    pub fn new(table: &'static str, cols: &'static [&'static str]) -> Rows {
        Rows {
            table,
            cols,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.cols.len(), "{}", self.table);
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

/// A column's values as one PostgreSQL array.
enum Array {
    U(Vec<Option<Uuid>>),
    T(Vec<Option<String>>),
    I(Vec<Option<i64>>),
    B(Vec<Option<bool>>),
}

impl Array {
    fn of(first: &V, n: usize) -> Array {
        match first {
            V::U(_) | V::OU(_) => Array::U(Vec::with_capacity(n)),
            V::T(_) | V::OT(_) => Array::T(Vec::with_capacity(n)),
            V::I(_) | V::OI(_) => Array::I(Vec::with_capacity(n)),
            V::B(_) | V::OB(_) => Array::B(Vec::with_capacity(n)),
        }
    }

    fn cast(&self) -> &'static str {
        match self {
            Array::U(_) => "uuid[]",
            Array::T(_) => "text[]",
            Array::I(_) => "int8[]",
            Array::B(_) => "bool[]",
        }
    }

    fn push(&mut self, v: V) -> anyhow::Result<()> {
        match (self, v) {
            (Array::U(a), V::U(x)) => a.push(Some(x)),
            (Array::U(a), V::OU(x)) => a.push(x),
            (Array::T(a), V::T(x)) => a.push(Some(x)),
            (Array::T(a), V::OT(x)) => a.push(x),
            (Array::I(a), V::I(x)) => a.push(Some(x)),
            (Array::I(a), V::OI(x)) => a.push(x),
            (Array::B(a), V::B(x)) => a.push(Some(x)),
            (Array::B(a), V::OB(x)) => a.push(x),
            (_, v) => bail!("column type changed between rows: {v:?}"),
        }
        Ok(())
    }
}

/// Write every row of each table, in order, in one transaction.
pub async fn write(db: &Db, tables: Vec<Rows>) -> anyhow::Result<()> {
    match db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            for t in tables {
                write_pg(&mut *tx, t).await?;
            }
            tx.commit().await?;
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            for t in tables {
                write_sqlite(&mut *tx, t).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}

async fn write_pg(tx: &mut sqlx::PgConnection, t: Rows) -> anyhow::Result<()> {
    let Some(first) = t.rows.first() else {
        return Ok(());
    };
    let n = t.rows.len();
    let mut arrays: Vec<Array> = first.iter().map(|v| Array::of(v, n)).collect();
    for row in t.rows {
        for (a, v) in arrays.iter_mut().zip(row) {
            a.push(v).with_context(|| t.table)?;
        }
    }
    let params = arrays
        .iter()
        .enumerate()
        .map(|(i, a)| format!("${}::{}", i + 1, a.cast()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM UNNEST({params})",
        t.table,
        t.cols.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
    for a in arrays {
        q = match a {
            Array::U(v) => q.bind(v),
            Array::T(v) => q.bind(v),
            Array::I(v) => q.bind(v),
            Array::B(v) => q.bind(v),
        };
    }
    q.execute(tx)
        .await
        .with_context(|| format!("insert into {}", t.table))?;
    Ok(())
}

/// Rows per SQLite statement: under its limit of 32,766 parameters.
fn sqlite_chunk(cols: usize) -> usize {
    (30_000 / cols.max(1)).max(1)
}

async fn write_sqlite(tx: &mut sqlx::SqliteConnection, t: Rows) -> anyhow::Result<()> {
    let one = format!("({})", vec!["?"; t.cols.len()].join(", "));
    for chunk in t.rows.chunks(sqlite_chunk(t.cols.len())) {
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            t.table,
            t.cols.join(", "),
            vec![one.as_str(); chunk.len()].join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for row in chunk {
            for v in row {
                q = match v.clone() {
                    V::U(x) => q.bind(x),
                    V::OU(x) => q.bind(x),
                    V::T(x) => q.bind(x),
                    V::OT(x) => q.bind(x),
                    V::I(x) => q.bind(x),
                    V::OI(x) => q.bind(x),
                    V::B(x) => q.bind(x),
                    V::OB(x) => q.bind(x),
                };
            }
        }
        q.execute(&mut *tx)
            .await
            .with_context(|| format!("insert into {}", t.table))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_statements_stay_under_the_parameter_limit() {
        for cols in [1, 7, 14, 34] {
            assert!(sqlite_chunk(cols) * cols <= 32_766);
        }
        assert_eq!(sqlite_chunk(34), 882);
    }
}
