//! The benchmark's database: created and loaded once, kept between runs (`--reuse`).
//!
//! Loading runs the generator ([`super::datagen`]) on a blocking thread, one working day at a
//! time, while the async side writes the previous day: on PostgreSQL the dossiers with their
//! timelines, the queue tables and the finished days' counters go over three connections at
//! once (one transaction each per day); SQLite takes them one after the other (one writer).
//! The counters go through `repo::rollup::add_days`, the month counters through
//! `repo::rollup::derive_months`: the writes `rollup rebuild` makes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use congbo_app::App;
use congbo_domain::report::rollup::Delta;
use congbo_store::repo::rollup as rollup_repo;
use congbo_store::{Backend, Db};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::Connection;
use uuid::Uuid;

use super::datagen::{self, Commune, Counts, Generator};
use super::rows::{self, Rows, V};
use crate::bench::stats;

/// What to load.
#[derive(Debug, Clone)]
pub struct Shape {
    pub communes: usize,
    pub dossiers: u64,
    pub seed: u64,
}

impl Shape {
    /// Stored with a loaded database: `--reuse` takes only the same shape.
    fn key(&self) -> String {
        format!(
            "v1 year={} communes={} dossiers={} seed={}",
            datagen::YEAR,
            self.communes,
            self.dossiers,
            self.seed
        )
    }
}

/// A loaded database.
pub struct Loaded {
    /// The demo province, above the benchmark's communes.
    pub province: Uuid,
    /// The largest commune (the worst commune-month).
    pub busiest_commune: Uuid,
    pub counts: Counts,
}

/// The kept database of a shape: its PostgreSQL name or SQLite file.
fn kept_name(backend: Backend, shape: &Shape) -> String {
    match backend {
        Backend::Postgres => format!(
            "congbo_bench_reports_{}c_{}",
            shape.communes, shape.dossiers
        ),
        Backend::Sqlite => format!("commune-{}.db", shape.dossiers),
    }
}

fn sqlite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-reports")
}

/// Connect to the shape's kept database, migrated: as it is with `reuse` when a previous run
/// loaded it completely, else emptied first.
pub async fn open(
    backend: Backend,
    shape: &Shape,
    pg_url: &str,
    reuse: bool,
) -> anyhow::Result<App> {
    let name = kept_name(backend, shape);
    let url = match backend {
        Backend::Postgres => {
            let mut u = url::Url::parse(pg_url)?;
            u.set_path(&name);
            u.to_string()
        }
        Backend::Sqlite => {
            let dir = sqlite_dir();
            std::fs::create_dir_all(&dir)?;
            format!("sqlite:{}", dir.join(&name).display())
        }
    };
    if reuse && complete(backend, &url, shape).await {
        println!("  reusing {name}: loaded by an earlier run with the same shape");
    } else {
        println!("  {name}: a fresh database");
        match backend {
            Backend::Postgres => recreate_pg(pg_url, &name).await?,
            Backend::Sqlite => {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(sqlite_dir().join(format!("{name}{ext}")));
                }
            }
        }
    }
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(App::new(db))
}

/// Whether the database at `url` exists and holds a complete load of `shape`.
async fn complete(backend: Backend, url: &str, shape: &Shape) -> bool {
    if backend == Backend::Sqlite {
        let path = url.trim_start_matches("sqlite:");
        if !std::path::Path::new(path).exists() {
            return false;
        }
    }
    let Ok(db) = Db::connect(url).await else {
        return false;
    };
    let found = meta(&db, "shape").await.ok().flatten();
    db.close().await;
    found.as_deref() == Some(shape.key().as_str())
}

async fn recreate_pg(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .context("cannot reach PostgreSQL at CONGBO_BENCH_PG_URL")?;
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(&*sql))
            .execute(&mut admin)
            .await?;
    }
    admin.close().await?;
    Ok(())
}

/// A value of the benchmark's own table (not part of the schema; only in its databases).
async fn meta(db: &Db, key: &str) -> anyhow::Result<Option<String>> {
    let sql = "SELECT v FROM bench_meta WHERE k = $1";
    Ok(match db {
        Db::Postgres(p) => sqlx::query_scalar(sql).bind(key).fetch_optional(p).await?,
        Db::Sqlite(p) => sqlx::query_scalar(sql).bind(key).fetch_optional(p).await?,
    })
}

async fn set_meta(db: &Db, pairs: &[(&str, String)]) -> anyhow::Result<()> {
    let create = "CREATE TABLE IF NOT EXISTS bench_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)";
    let put = "INSERT INTO bench_meta (k, v) VALUES ($1, $2)
               ON CONFLICT (k) DO UPDATE SET v = excluded.v";
    match db {
        Db::Postgres(p) => {
            sqlx::query(create).execute(p).await?;
            for (k, v) in pairs {
                sqlx::query(put).bind(k).bind(v).execute(p).await?;
            }
        }
        Db::Sqlite(p) => {
            sqlx::query(create).execute(p).await?;
            for (k, v) in pairs {
                sqlx::query(put).bind(k).bind(v).execute(p).await?;
            }
        }
    }
    Ok(())
}

/// The demo province (code `DB`): id and path.
async fn province(db: &Db) -> anyhow::Result<(Uuid, String)> {
    let mut tx = db.read().await?;
    let o = congbo_store::repo::office::get_by_code(&mut tx, congbo_app::demo::PROVINCE_CODE)
        .await?
        .context("the demo province is missing")?;
    tx.commit().await?;
    Ok((o.id, o.path))
}

fn loaded(province: (Uuid, String), shape: &Shape, counts: Counts) -> Loaded {
    let communes = datagen::communes(&province.1, shape.communes, shape.seed);
    let busiest = communes
        .iter()
        .max_by(|a, b| a.size.total_cmp(&b.size))
        .map_or(province.0, |c| c.id);
    Loaded {
        province: province.0,
        busiest_commune: busiest,
        counts,
    }
}

/// Load the shape unless the database already holds it; `verify`: run `rollup rebuild` after
/// and compare (`None`: up to 300,000 dossiers).
pub async fn ensure_loaded(
    app: &App,
    shape: &Shape,
    verify: Option<bool>,
) -> anyhow::Result<Loaded> {
    let db = &app.db;
    if meta(db, "shape").await.ok().flatten().as_deref() == Some(shape.key().as_str()) {
        let counts = meta(db, "counts").await?.unwrap_or_default();
        let c: Vec<u64> = counts
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        ensure!(c.len() == 6, "bench_meta.counts unreadable: {counts}");
        let counts = Counts {
            dossiers: c[0],
            events: c[1],
            tickets: c[2],
            ratings: c[3],
            feedback: c[4],
            counters: c[5],
        };
        print_counts(db, &counts, meta(db, "loaded").await?.unwrap_or_default()).await?;
        return Ok(loaded(province(db).await?, shape, counts));
    }
    congbo_app::demo::fill(app).await?;
    let p = province(db).await?;
    let started = Instant::now();
    let counts = load(app, &p, shape).await?;
    let load_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    maintain(db).await?;
    let how = format!(
        "in {load_secs:.0} s ({:.0} dossiers/s, all rows {:.0}/s), then {:.0} s of ANALYZE or \
         checkpoint; load average {}",
        counts.dossiers as f64 / load_secs,
        (counts.dossiers + counts.events + counts.tickets + counts.ratings + counts.feedback)
            as f64
            / load_secs,
        started.elapsed().as_secs_f64(),
        stats::loadavg()
    );
    print_counts(db, &counts, how.clone()).await?;
    if verify.unwrap_or(shape.dossiers <= 300_000) {
        verify_rebuild(app).await?;
    }
    set_meta(
        db,
        &[
            (
                "counts",
                format!(
                    "{} {} {} {} {} {}",
                    counts.dossiers,
                    counts.events,
                    counts.tickets,
                    counts.ratings,
                    counts.feedback,
                    counts.counters
                ),
            ),
            ("loaded", how),
            ("shape", shape.key()),
        ],
    )
    .await?;
    Ok(loaded(p, shape, counts))
}

async fn print_counts(db: &Db, c: &Counts, how: String) -> anyhow::Result<()> {
    println!(
        "  loaded {} dossiers, {} timeline events, {} tickets, {} ratings, {} feedback cases, {} \
         day counters {how}",
        c.dossiers, c.events, c.tickets, c.ratings, c.feedback, c.counters
    );
    const COUNT: &str =
        "SELECT (SELECT COUNT(*) FROM rollup_day), (SELECT COUNT(*) FROM rollup_month),
        (SELECT COUNT(*) FROM rollup_under_day), (SELECT COUNT(*) FROM rollup_under_month)";
    let (days, months, under_days, under_months): (i64, i64, i64, i64) = match db {
        Db::Postgres(p) => sqlx::query_as(COUNT).fetch_one(p).await?,
        Db::Sqlite(p) => sqlx::query_as(COUNT).fetch_one(p).await?,
    };
    let bytes: i64 = match db {
        Db::Postgres(p) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(p)
                .await?
        }
        Db::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(p)
            .await?
        }
    };
    println!(
        "  rollup_day {days} rows, rollup_month {months} rows, rollup_under_day {under_days} \
         rows, rollup_under_month {under_months} rows; the database takes {} MB",
        bytes / 1_000_000
    );
    Ok(())
}

/// Statistics (PostgreSQL, as autovacuum would gather them) or a WAL checkpoint (SQLite).
async fn maintain(db: &Db) -> anyhow::Result<()> {
    match db {
        Db::Postgres(p) => {
            sqlx::query("ANALYZE").execute(p).await?;
        }
        Db::Sqlite(p) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
    }
    Ok(())
}

/// The benchmark's communes (kind `commune`, under the province) and four queue services each.
async fn offices(db: &Db, province: &(Uuid, String), communes: &[Commune]) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now().as_microsecond();
    let mut o = Rows::new(
        "offices",
        &[
            "id",
            "code",
            "name",
            "name_folded",
            "kind",
            "parent_id",
            "path",
            "created_at",
            "updated_at",
        ],
    );
    let mut g = Rows::new(
        "service_groups",
        &[
            "id",
            "office_id",
            "letter",
            "name",
            "field",
            "active",
            "created_at",
        ],
    );
    for (i, c) in communes.iter().enumerate() {
        o.push(vec![
            V::U(c.id),
            V::T(c.code.clone()),
            V::T(format!("Xã Thử Nghiệm {:03}", i + 1)),
            V::T(format!("xa thu nghiem {:03}", i + 1)),
            V::T("commune".into()),
            V::OU(Some(province.0)),
            V::T(c.path.clone()),
            V::I(now),
            V::I(now),
        ]);
        for (k, (id, name)) in c
            .groups
            .iter()
            .zip(["Hộ tịch", "Đất đai", "Chứng thực", "Khác"])
            .enumerate()
        {
            g.push(vec![
                V::U(*id),
                V::U(c.id),
                V::T(["A", "B", "C", "D"][k].into()),
                V::T(name.into()),
                V::OT(None),
                V::B(true),
                V::I(now),
            ]);
        }
    }
    rows::write(db, vec![o, g]).await
}

async fn add_counters(db: &Db, deltas: Vec<Delta>) -> anyhow::Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    rollup_repo::add_days(&mut tx, &deltas).await?;
    tx.commit().await?;
    Ok(())
}

/// Progress: a bar with rate and time left on a terminal, a line per month otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let bar = std::io::stdout().is_terminal().then(|| {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "  loading {bar:30} {human_pos}/{human_len} dossiers · {per_sec} · {eta} left \
                     · {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    fn update(&self, day: jiff::civil::Date, month_done: bool, total: &Counts) {
        match &self.bar {
            Some(b) => {
                b.set_position(total.dossiers);
                b.set_message(format!("{day} · {} tickets", total.tickets));
            }
            None if month_done => {
                let secs = self.started.elapsed().as_secs_f64();
                println!(
                    "  loaded {}: {} dossiers, {} tickets, {} ratings, {} counters; {secs:.0} s, \
                     {:.0} dossiers/s",
                    day.strftime("%Y-%m"),
                    total.dossiers,
                    total.tickets,
                    total.ratings,
                    total.counters,
                    total.dossiers as f64 / secs.max(0.001)
                );
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

async fn load(app: &App, p: &(Uuid, String), shape: &Shape) -> anyhow::Result<Counts> {
    let db = &app.db;
    let communes = datagen::communes(&p.1, shape.communes, shape.seed);
    offices(db, p, &communes).await?;
    let mut g = Generator::new(communes, shape.seed);
    let volume = datagen::daily_volume(g.days(), shape.dossiers);
    let (send, mut recv) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        for (idx, &n) in volume.iter().enumerate() {
            let batch = g.day(idx, n);
            let failed = batch.is_err();
            if send.blocking_send(batch).is_err() || failed {
                return Vec::new();
            }
        }
        g.finish()
    });
    let progress = Progress::new(shape.dossiers);
    let mut total = Counts::default();
    let concurrent = db.backend() == Backend::Postgres;
    while let Some(batch) = recv.recv().await {
        let b = batch?;
        if concurrent {
            tokio::try_join!(
                rows::write(db, b.dossiers),
                rows::write(db, b.queue),
                add_counters(db, b.rollups),
            )?;
        } else {
            rows::write(db, b.dossiers).await?;
            rows::write(db, b.queue).await?;
            add_counters(db, b.rollups).await?;
        }
        total.add(&b.counts);
        let next = b.day.tomorrow().unwrap_or(b.day);
        progress.update(b.day, next.month() != b.day.month(), &total);
    }
    progress.finish();
    let rest = producer.await?;
    total.counters += rest.len() as u64;
    add_counters(db, rest).await?;
    let mut tx = db.begin().await?;
    rollup_repo::derive_months(&mut tx, "").await?;
    tx.commit().await?;
    if total.dossiers != shape.dossiers {
        bail!(
            "generated {} dossiers, not {}",
            total.dossiers,
            shape.dossiers
        );
    }
    Ok(total)
}

/// Run the real `rollup rebuild` (timed) and check it gives the counters written while loading.
async fn verify_rebuild(app: &App) -> anyhow::Result<()> {
    let before = snapshot(&app.db).await?;
    println!("  verify: `rollup rebuild` from the raw rows (the real code path, one transaction)…");
    let mut last = Instant::now();
    let started = Instant::now();
    let mut progress = |rows: u64| {
        if last.elapsed().as_secs() >= 30 {
            last = Instant::now();
            println!(
                "    rebuild: {rows} rows read, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let r = congbo_app::report::rollup::rebuild(app, None, &mut progress).await?;
    let after = snapshot(&app.db).await?;
    println!(
        "    rebuild read {} rows and wrote {} day counters in {:.1} s ({:.0} rows/s)",
        r.rows,
        r.counters,
        r.seconds,
        r.rows as f64 / r.seconds.max(0.001)
    );
    ensure!(
        before == after,
        "the counters written while loading differ from `rollup rebuild`'s ({} and {} rows)",
        before.len(),
        after.len()
    );
    println!(
        "    the counters written while loading equal `rollup rebuild`'s: {} day and month rows \
         (own and under)",
        after.len()
    );
    Ok(())
}

async fn snapshot(db: &Db) -> anyhow::Result<Vec<rollup_repo::Counter>> {
    let mut tx = db.read().await?;
    let s = rollup_repo::snapshot(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}
