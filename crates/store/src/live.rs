//! Live signals between server processes: PostgreSQL `NOTIFY` inside the writing transaction
//! (delivered only if it commits) and a `LISTEN`ing connection per process. SQLite runs in one
//! process, so it needs neither.

use sqlx::postgres::PgListener;

use crate::{Db, Result, Tx};

/// The channel every congbo process listens on.
pub const CHANNEL: &str = "congbo_live";

/// Queue `payload` for delivery to every listening process when `tx` commits (PostgreSQL);
/// nothing on SQLite.
pub async fn notify(tx: &mut Tx, payload: &str) -> Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// A process's subscription to the other processes' signals.
pub struct Listener(PgListener);

impl Listener {
    /// `None` on SQLite (one process; nothing to listen to).
    pub async fn connect(db: &Db) -> Result<Option<Listener>> {
        match db {
            Db::Sqlite(_) => Ok(None),
            Db::Postgres(p) => {
                let mut l = PgListener::connect_with(p).await?;
                l.listen(CHANNEL).await?;
                Ok(Some(Listener(l)))
            }
        }
    }

    /// The next payload. `Ok(None)` means the connection was lost and re-established:
    /// signals may have been missed, so the caller should refresh everything it shows.
    pub async fn recv(&mut self) -> Result<Option<String>> {
        match self.0.try_recv().await? {
            Some(n) => Ok(Some(n.payload().to_string())),
            None => Ok(None),
        }
    }
}
