//! `cargo xtask bench lifecycle`, `cargo xtask bench queue` (see [`queue`]) and `cargo xtask
//! bench reports` (see [`reports`]): benchmarks, not tests (nothing here asserts a speed).
//!
//! Per backend (SQLite in a temporary file, PostgreSQL in a database created for the run and
//! dropped after it): migrate, load the demo province, start the real router on a real TCP
//! port, then
//!
//! 1. drive N dossier lifecycles (receive → transfer → finish → return: four API requests with
//!    a Bearer token) through HTTP at the chosen concurrency;
//! 2. write the same rows with plain SQL through sqlx, one transaction per step, at the same
//!    concurrency: the floor, i.e. what the database alone costs;
//! 3. bulk-load `--lookup-rows` dossiers (each with a five-event timeline) and time the public
//!    lookup by code and secret over HTTP, next to the same SELECTs in plain SQL.
//!
//! It prints throughput and latency percentiles next to the targets of issue 3 and exits
//! non-zero only on errors (a missed target is printed, not failed).

mod env;
mod http;
mod lifecycle;
mod login_flood;
mod lookup;
mod queue;
mod reports;
mod stats;

use std::time::Instant;

use anyhow::{Context, bail};
use congbo_store::Backend;

use crate::bench::lifecycle::Mode;
use crate::bench::stats::{Summary, ms};

/// Targets from issue 3, for this 2-core machine.
const TARGET_PG_PER_SEC: f64 = 500.0;
const TARGET_SQLITE_PER_SEC: f64 = 300.0;
const TARGET_LOOKUP_P99_MS: f64 = 20.0;

const USAGE: &str = "\
usage: cargo xtask bench lifecycle [options]

  --backend sqlite|postgres|both   (default both)
  --n N                            lifecycles per backend (default 2000)
  --concurrency C                  lifecycles in flight (default 32)
  --lookup-rows R                  dossiers stored for the lookup (default 1000000; 0 skips)
  --lookups K                      timed lookups (default 2000)
  --lookup-concurrency C           lookups in flight (default 8)

cargo xtask bench queue --help: live display fan-out across server processes.
cargo xtask bench reports --help: dashboards and the 766 index on a province-year of data.
cargo xtask bench login-flood --help: dossier intake under a sign-in flood (issue 15).

PostgreSQL: a database is created on the server at CONGBO_BENCH_PG_URL
(default postgres://postgres:postgres@127.0.0.1:5432/postgres) and dropped afterwards.";

#[derive(Debug, Clone)]
pub struct Options {
    pub backends: Vec<Backend>,
    pub n: usize,
    pub concurrency: usize,
    pub lookup_rows: usize,
    pub lookups: usize,
    pub lookup_concurrency: usize,
    pub pg_url: String,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut o = Options {
            backends: vec![Backend::Sqlite, Backend::Postgres],
            n: 2000,
            concurrency: 32,
            lookup_rows: 1_000_000,
            lookups: 2000,
            lookup_concurrency: 8,
            pg_url: std::env::var("CONGBO_BENCH_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into()),
        };
        let mut it = args.iter();
        match it.next().map(String::as_str) {
            Some("lifecycle") => {}
            Some("--help" | "-h") | None => bail!("{USAGE}"),
            Some(other) => bail!("unknown benchmark {other:?}\n{USAGE}"),
        }
        while let Some(flag) = it.next() {
            if flag == "--help" || flag == "-h" {
                bail!("{USAGE}");
            }
            let value = it
                .next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number = || -> anyhow::Result<usize> {
                value
                    .replace('_', "")
                    .parse()
                    .with_context(|| format!("{flag}: not a number: {value}"))
            };
            match flag.as_str() {
                "--backend" => {
                    o.backends = match value.as_str() {
                        "sqlite" => vec![Backend::Sqlite],
                        "postgres" => vec![Backend::Postgres],
                        "both" => vec![Backend::Sqlite, Backend::Postgres],
                        _ => bail!("--backend: sqlite, postgres or both"),
                    }
                }
                "--n" => o.n = number()?,
                "--concurrency" => o.concurrency = number()?.max(1),
                "--lookup-rows" => o.lookup_rows = number()?,
                "--lookups" => o.lookups = number()?,
                "--lookup-concurrency" => o.lookup_concurrency = number()?.max(1),
                _ => bail!("unknown option {flag}\n{USAGE}"),
            }
        }
        if o.n == 0 {
            bail!("--n must be at least 1");
        }
        // Four receiving offices, 9 999 dossier codes each per day.
        if o.n + warmup(o.n) > 4 * 9999 {
            bail!("--n: at most {} lifecycles per run", 4 * 9999 - 1000);
        }
        if o.lookup_rows > lookup::MAX_ROWS {
            bail!("--lookup-rows: at most {}", lookup::MAX_ROWS);
        }
        Ok(o)
    }
}

/// Untimed lifecycles before each timed run (connections, prepared statements, caches).
fn warmup(n: usize) -> usize {
    (n / 10).clamp(10, 200)
}

pub fn main(args: &[String]) -> anyhow::Result<()> {
    if args.first().map(String::as_str) == Some("queue") {
        return queue::main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("reports") {
        return reports::main(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("login-flood") {
        return login_flood::main(&args[1..]);
    }
    let opts = Options::parse(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(opts))
}

/// What one backend measured.
struct Report {
    backend: Backend,
    api: lifecycle::Run,
    floor: lifecycle::Run,
    serial_commits: f64,
    /// The floor with the audit chain's head row locked until commit (the design before 0007).
    head_locked: f64,
    parallel_commits: f64,
    /// SQLite: the floor with write transactions queued in-process.
    queued: Option<lifecycle::Run>,
    lookup: Option<LookupReport>,
}

struct LookupReport {
    rows: usize,
    fill_secs: f64,
    api: lookup::Run,
    floor: lookup::Run,
}

async fn run(opts: Options) -> anyhow::Result<()> {
    println!(
        "congbo bench lifecycle: {} cores, load average {} (other processes compete for the \
         same cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        stats::loadavg()
    );
    println!(
        "  {} lifecycles per backend at concurrency {}; lookup: {} rows, {} requests at \
         concurrency {}",
        opts.n, opts.concurrency, opts.lookup_rows, opts.lookups, opts.lookup_concurrency
    );
    let mut reports = Vec::new();
    let mut failed = false;
    for &backend in &opts.backends {
        println!();
        println!("== {} ==", backend.name());
        let env = env::Env::start(backend, &opts.pg_url).await?;
        let result = bench_backend(&env, &opts).await;
        let stopped = env.stop().await;
        let report = result?;
        stopped?;
        failed |= report.api.errors > 0
            || report.floor.errors > 0
            || report
                .lookup
                .as_ref()
                .is_some_and(|l| l.api.errors > 0 || l.floor.errors > 0);
        reports.push(report);
    }
    println!();
    println!("== summary ==");
    for r in &reports {
        print_summary(r);
    }
    if failed {
        bail!("some requests failed (see above)");
    }
    Ok(())
}

async fn bench_backend(env: &env::Env, opts: &Options) -> anyhow::Result<Report> {
    let name = env.backend.name();
    let w = warmup(opts.n);

    println!(
        "  lifecycles through the API (warm-up {w}, then {})…",
        opts.n
    );
    lifecycle::api(env, w, opts.concurrency)
        .await?
        .ok("warm-up")?;
    let api = lifecycle::api(env, opts.n, opts.concurrency).await?;
    print_lifecycles("api  ", &api);

    println!(
        "  the same rows in plain SQL (warm-up {w}, then {})…",
        opts.n
    );
    let template = lifecycle::FloorTemplate::capture(env).await?;
    lifecycle::floor(env, &template, w, opts.concurrency, Mode::Floor)
        .await?
        .ok("warm-up")?;
    let floor = lifecycle::floor(env, &template, opts.n, opts.concurrency, Mode::Floor).await?;
    print_lifecycles("floor", &floor);
    println!(
        "  {name:<8} api/floor {:.2}   {}",
        api.per_sec() / floor.per_sec(),
        target_text(env.backend, api.per_sec())
    );

    println!("  diagnostics (where the floor's time goes; not targets):");
    let serial = lifecycle::commits(env, 500, 1).await?.ok("commits")?;
    let parallel = lifecycle::commits(env, 2000, opts.concurrency)
        .await?
        .ok("commits")?;
    println!(
        "    single-row write transactions: 1 writer {:.0}/s (p50 {}), {} writers {:.0}/s (p50 \
         {}); before 0007 a lifecycle committed 4 times through the one audit_head row, so even if \
         holding that lock cost only the commit: at most ≈ {:.0} lifecycles/s",
        serial.per_sec(),
        ms(Summary::of(&serial.step_us[0]).p50),
        opts.concurrency,
        parallel.per_sec(),
        ms(Summary::of(&parallel.step_us[0]).p50),
        serial.per_sec() / 4.0
    );
    let head_locked = lifecycle::floor(env, &template, opts.n, opts.concurrency, Mode::HeadLocked)
        .await?
        .ok("head-locked floor")?;
    print_lifecycles(
        "floor, chained in the transaction through audit_head (before 0007)",
        &head_locked,
    );
    let queued = if env.backend == Backend::Sqlite {
        let q = lifecycle::floor(env, &template, opts.n, opts.concurrency, Mode::Queued)
            .await?
            .ok("queued floor")?;
        print_lifecycles("floor, writers queued in-process", &q);
        Some(q)
    } else {
        None
    };
    let extra = opts.n * (1 + usize::from(queued.is_some()));
    lifecycle::check(env, 2 * (w + opts.n) + extra - api.errors - floor.errors).await?;

    let lookup = if opts.lookup_rows > 0 {
        println!(
            "  storing {} dossiers for the lookup (plain SQL, one statement each for dossiers \
             and timelines)…",
            opts.lookup_rows
        );
        let started = Instant::now();
        lookup::fill(env, opts.lookup_rows).await?;
        let fill_secs = started.elapsed().as_secs_f64();
        println!(
            "    stored in {fill_secs:.0} s; load average {}",
            stats::loadavg()
        );
        let k = opts.lookups;
        let c = opts.lookup_concurrency;
        lookup::api(env, opts.lookup_rows, (k / 10).max(10), c, 1)
            .await?
            .ok("warm-up")?;
        let api = lookup::api(env, opts.lookup_rows, k, c, 2).await?;
        print_lookup("api", &api);
        lookup::floor(env, opts.lookup_rows, (k / 10).max(10), c, 3)
            .await?
            .ok("warm-up")?;
        let floor = lookup::floor(env, opts.lookup_rows, k, c, 4).await?;
        print_lookup("floor", &floor);
        let p99 = Summary::of(&api.us).p99_ms();
        println!(
            "  {name:<8} lookup p99 {} with {} rows   {}",
            ms(Summary::of(&api.us).p99),
            opts.lookup_rows,
            if p99 <= TARGET_LOOKUP_P99_MS {
                format!("target ≤ {TARGET_LOOKUP_P99_MS} ms: met")
            } else {
                format!("target ≤ {TARGET_LOOKUP_P99_MS} ms: BELOW TARGET")
            }
        );
        Some(LookupReport {
            rows: opts.lookup_rows,
            fill_secs,
            api,
            floor,
        })
    } else {
        None
    };
    let verified = congbo_app::audit::verify(&env.app.db).await?;
    println!("  audit chain after the run: {verified:?}");
    Ok(Report {
        backend: env.backend,
        api,
        floor,
        serial_commits: serial.per_sec(),
        head_locked: head_locked.per_sec(),
        parallel_commits: parallel.per_sec(),
        queued,
        lookup,
    })
}

fn target(backend: Backend) -> f64 {
    match backend {
        Backend::Sqlite => TARGET_SQLITE_PER_SEC,
        Backend::Postgres => TARGET_PG_PER_SEC,
    }
}

fn target_text(backend: Backend, per_sec: f64) -> String {
    let t = target(backend);
    if per_sec >= t {
        format!("target ≥ {t:.0}/s: met")
    } else {
        format!(
            "target ≥ {t:.0}/s: BELOW TARGET ({:.0}% of it)",
            100.0 * per_sec / t
        )
    }
}

fn print_lifecycles(label: &str, r: &lifecycle::Run) {
    let l = Summary::of(&r.lifecycle_us);
    println!(
        "    {label} {:>6.0} lifecycles/s  {} done in {:.1} s  lifecycle p50 {} p99 {} max {}  \
         errors {}",
        r.per_sec(),
        r.done,
        r.elapsed.as_secs_f64(),
        ms(l.p50),
        ms(l.p99),
        ms(l.max),
        r.errors
    );
    let per = |secs: f64| 1000.0 * secs / r.done.max(1) as f64;
    println!(
        "           CPU per lifecycle: this process {:.2} ms{}; all cores busy {:.0}% of the time",
        per(r.cpu_secs),
        if r.client_cpu_secs > 0.0 {
            format!(
                " (HTTP client {:.2} ms, the rest {:.2} ms)",
                per(r.client_cpu_secs),
                per(r.cpu_secs - r.client_cpu_secs)
            )
        } else {
            String::new()
        },
        100.0 * r.machine_busy
    );
    let mut all = Vec::new();
    let mut parts = Vec::new();
    for (name, us) in lifecycle::STEPS.iter().zip(&r.step_us) {
        let s = Summary::of(us);
        parts.push(format!("{name} {}/{}", ms(s.p50), ms(s.p99)));
        all.extend_from_slice(us);
    }
    let a = Summary::of(&all);
    println!(
        "           per request p50/p99: all {}/{}; {}",
        ms(a.p50),
        ms(a.p99),
        parts.join("; ")
    );
    if let Some(e) = &r.first_error {
        println!("           first error: {e}");
    }
}

fn print_lookup(label: &str, r: &lookup::Run) {
    let s = Summary::of(&r.us);
    println!(
        "    {label:<6} {:>6.0} lookups/s  p50 {} p99 {} max {}  errors {}",
        r.done as f64 / r.elapsed.as_secs_f64(),
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        r.errors
    );
    let per = |secs: f64| 1000.0 * secs / r.done.max(1) as f64;
    println!(
        "           CPU per lookup: this process {:.2} ms{}; all cores busy {:.0}% of the time",
        per(r.cpu_secs),
        if r.client_cpu_secs > 0.0 {
            format!(
                " (HTTP client {:.2} ms, the rest {:.2} ms)",
                per(r.client_cpu_secs),
                per(r.cpu_secs - r.client_cpu_secs)
            )
        } else {
            String::new()
        },
        100.0 * r.machine_busy
    );
    if let Some(e) = &r.first_error {
        println!("           first error: {e}");
    }
}

fn print_summary(r: &Report) {
    let a = Summary::of(&r.api.lifecycle_us);
    let req: Vec<u64> = r.api.step_us.iter().flatten().copied().collect();
    let q = Summary::of(&req);
    println!(
        "{:<8} lifecycles {}  api {:.0}/s (lifecycle p50 {}, p99 {}; request p50 {}, p99 {})  \
         floor {:.0}/s  ratio {:.2}  {}",
        r.backend.name(),
        r.api.done,
        r.api.per_sec(),
        ms(a.p50),
        ms(a.p99),
        ms(q.p50),
        ms(q.p99),
        r.floor.per_sec(),
        r.api.per_sec() / r.floor.per_sec(),
        target_text(r.backend, r.api.per_sec())
    );
    println!(
        "{:<8} diagnostics: commits/s 1 writer {:.0}, many {:.0}; floor chained in the \
         transaction (before 0007) {:.0} lifecycles/s{}",
        r.backend.name(),
        r.serial_commits,
        r.parallel_commits,
        r.head_locked,
        r.queued.as_ref().map_or(String::new(), |q| format!(
            "; floor with writers queued in-process {:.0} lifecycles/s",
            q.per_sec()
        ))
    );
    if let Some(l) = &r.lookup {
        let s = Summary::of(&l.api.us);
        let f = Summary::of(&l.floor.us);
        println!(
            "{:<8} lookup {} rows (stored in {:.0} s)  api p50 {}, p99 {}, max {}  floor p50 {}, \
             p99 {}  {}",
            r.backend.name(),
            l.rows,
            l.fill_secs,
            ms(s.p50),
            ms(s.p99),
            ms(s.max),
            ms(f.p50),
            ms(f.p99),
            if s.p99_ms() <= TARGET_LOOKUP_P99_MS {
                format!("target p99 ≤ {TARGET_LOOKUP_P99_MS} ms: met")
            } else {
                format!("target p99 ≤ {TARGET_LOOKUP_P99_MS} ms: BELOW TARGET")
            }
        );
    }
}
