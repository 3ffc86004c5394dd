//! One backend ready to measure: a fresh database, migrated and filled with the demo province,
//! an API token per receiving office's head, and the real router on a real TCP port.

use anyhow::Context;
use congbo_app::{Actor, App};
use congbo_store::repo::{office as office_repo, staff as staff_repo};
use congbo_store::{Backend, Db};
use congbo_web::{AppState, WebConfig};
use sqlx::Connection;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The heads of the four demo units: each may receive, transfer, finish and return dossiers
/// of their own office.
const HEADS: [&str; 4] = ["tl.truong", "mn.truong", "tp.truong", "dbp.truong"];

/// A receiving office's head, with what the floor writes in their name.
#[derive(Debug, Clone)]
pub struct Head {
    pub user_id: Uuid,
    pub username: String,
    pub full_name: String,
    pub office_id: Uuid,
    pub office_code: String,
    pub office_path: String,
    /// API token (Bearer).
    pub token: String,
}

enum Place {
    Sqlite(tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// A database kept between runs (`bench reports`): nothing to remove.
    Kept,
}

pub struct Env {
    pub backend: Backend,
    pub app: App,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub heads: Vec<Head>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    place: Place,
}

impl Env {
    pub async fn start(backend: Backend, pg_admin_url: &str) -> anyhow::Result<Env> {
        let (url, place) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::Builder::new().prefix("congbo-bench-").tempdir()?;
                let url = format!("sqlite:{}", dir.path().join("bench.db").display());
                (url, Place::Sqlite(dir))
            }
            Backend::Postgres => {
                let (url, name) = create_database(pg_admin_url).await?;
                (
                    url,
                    Place::Postgres {
                        admin_url: pg_admin_url.to_string(),
                        name,
                    },
                )
            }
        };
        match Self::start_in(backend, &url, place).await {
            Ok(env) => Ok(env),
            Err((e, place)) => {
                drop_place(place).await;
                Err(e)
            }
        }
    }

    async fn start_in(
        backend: Backend,
        url: &str,
        place: Place,
    ) -> Result<Env, (anyhow::Error, Place)> {
        let ready = async {
            let db = Db::connect(url).await?;
            db.migrate().await?;
            let app = App::new(db);
            congbo_app::demo::fill(&app).await?;
            Ok::<_, anyhow::Error>(app)
        }
        .await;
        match ready {
            Ok(app) => Self::serve(backend, app, place).await,
            Err(e) => Err((e, place)),
        }
    }

    /// Serve an application whose database is migrated and holds the demo province, and keep
    /// the database afterwards (`bench reports`).
    pub async fn serve_kept(backend: Backend, app: App) -> anyhow::Result<Env> {
        Self::serve(backend, app, Place::Kept)
            .await
            .map_err(|(e, _)| e)
    }

    async fn serve(
        backend: Backend,
        app: App,
        place: Place,
    ) -> Result<Env, (anyhow::Error, Place)> {
        let ready = async {
            let mut heads = Vec::new();
            for username in HEADS {
                heads.push(head(&app, username).await?);
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let base = format!("http://{}", listener.local_addr()?);
            // The public lookup's per-address limit would refuse a load test from one address.
            let state = AppState::new(
                app.clone(),
                WebConfig {
                    lookup_per_minute: Some(0),
                    ..WebConfig::default()
                },
            );
            Ok::<_, anyhow::Error>((app, heads, listener, base, state))
        }
        .await;
        let (app, heads, listener, base, state) = match ready {
            Ok(r) => r,
            Err(e) => return Err((e, place)),
        };
        // The audit sealer runs beside the server, as in `congbo serve`, and stops first.
        let (stop, stopped) = oneshot::channel::<()>();
        let (stop_sealer, sealer_stopped) = oneshot::channel::<()>();
        let sealer = congbo_app::audit::spawn_sealer(app.db.clone(), async move {
            let _ = sealer_stopped.await;
        });
        let server = tokio::spawn(congbo_web::serve(listener, state, async move {
            let _ = stopped.await;
            let _ = stop_sealer.send(());
            let _ = sealer.await;
        }));
        println!(
            "  {} ready: demo province loaded, {} API tokens, server at {base}",
            backend.name(),
            heads.len()
        );
        Ok(Env {
            backend,
            app,
            base,
            heads,
            stop,
            server,
            place,
        })
    }

    /// Stop the server (it closes the pool), then remove the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let served = self.server.await;
        drop_place(self.place).await;
        served??;
        Ok(())
    }
}

/// A demo user as the use cases see them (for calls made in-process).
pub async fn actor(app: &App, username: &str) -> anyhow::Result<Actor> {
    let mut tx = app.db.read().await?;
    let user = staff_repo::get_by_username(&mut tx, username)
        .await?
        .with_context(|| format!("demo user {username} missing"))?;
    let principal = congbo_app::auth::load_principal(&mut tx, user.id)
        .await?
        .with_context(|| format!("demo user {username} inactive"))?;
    tx.commit().await?;
    Ok(Actor {
        principal,
        request_id: None,
        session_hash: None,
    })
}

/// An API token for a demo user, with what the floor writes in their name.
pub async fn head(app: &App, username: &str) -> anyhow::Result<Head> {
    let mut tx = app.db.read().await?;
    let user = staff_repo::get_by_username(&mut tx, username)
        .await?
        .with_context(|| format!("demo user {username} missing"))?;
    let principal = congbo_app::auth::load_principal(&mut tx, user.id)
        .await?
        .with_context(|| format!("demo user {username} inactive"))?;
    let assignment = principal
        .assignments
        .first()
        .with_context(|| format!("demo user {username} has no role"))?
        .clone();
    let office = office_repo::get(&mut tx, assignment.office_id)
        .await?
        .context("office missing")?;
    tx.commit().await?;
    let actor = Actor {
        principal: principal.clone(),
        request_id: None,
        session_hash: None,
    };
    let token = congbo_app::token::create(app, &actor, "bench").await?;
    Ok(Head {
        user_id: user.id,
        username: principal.username,
        full_name: principal.full_name,
        office_id: office.id,
        office_code: office.code,
        office_path: office.path,
        token: token.secret,
    })
}

async fn drop_place(place: Place) {
    match place {
        Place::Sqlite(dir) => drop(dir),
        Place::Postgres { admin_url, name } => drop_database(&admin_url, &name).await,
        Place::Kept => {}
    }
}

/// A fresh database `congbo_bench_<pid>_<time>` on the PostgreSQL server at `admin_url`: its
/// URL and name.
pub async fn create_database(admin_url: &str) -> anyhow::Result<(String, String)> {
    let name = format!(
        "congbo_bench_{}_{}",
        std::process::id(),
        jiff::Timestamp::now().as_second()
    );
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| {
            "cannot reach PostgreSQL at CONGBO_BENCH_PG_URL (default \
             postgres://postgres:postgres@127.0.0.1:5432/postgres)"
        })?;
    let sql = format!("CREATE DATABASE {name}");
    sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let mut u = url::Url::parse(admin_url)?;
    u.set_path(&name);
    Ok((u.to_string(), name))
}

/// Drop a database made by [`create_database`], closing whatever is still connected to it; a
/// failure is printed, not returned.
pub async fn drop_database(admin_url: &str, name: &str) {
    let result = async {
        let mut admin = sqlx::PgConnection::connect(admin_url).await?;
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        sqlx::query(sqlx::AssertSqlSafe(&*sql))
            .execute(&mut admin)
            .await?;
        admin.close().await
    }
    .await;
    if let Err(e) = result {
        eprintln!("warning: could not drop the benchmark database {name}: {e}");
    }
}
