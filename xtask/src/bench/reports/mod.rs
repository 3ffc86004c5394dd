//! `cargo xtask bench reports`: the figures leaders read (issue 13), on a year of data.
//!
//! 1. **Load** (or `--reuse` a database loaded before): a province of `--communes` communes
//!    on PostgreSQL (`--scale province`, 10,000,000 dossiers by default) or one commune on
//!    SQLite (`--scale commune`, 100,000), with timelines, tickets, ratings and feedback
//!    ([`datagen`]); migrated with the real migrations, under the demo province. The rollups are
//!    written while loading from the contributions `rollup rebuild` computes; with `--verify`
//!    (the default up to 300,000 dossiers) the real `rollup rebuild` then runs, timed, and must
//!    give the same counters.
//! 2. **Measure** over real HTTP against the real server: the province's year figures, 766
//!    index, comparison, trend and dashboard pages (target p99 ≤ 200 ms), a commune's month
//!    (p99 ≤ 20 ms), next to a floor measured in the same run (an authenticated GET of one
//!    office).
//! 3. **Rollup maintenance cost**: `bench lifecycle`'s API workload on a fresh demo database,
//!    passes with and without keeping the rollups, alternating (target ≤ 10 %).

mod datagen;
mod load;
mod rows;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use axum::http::StatusCode;
use congbo_app::App;
use congbo_store::Backend;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::env::{self, Env};
use super::http::{Api, excerpt, on_client};
use super::lifecycle;
use super::stats::{self, Summary, ms, us};

const TARGET_YEAR_P99_MS: f64 = 200.0;
const TARGET_MONTH_P99_MS: f64 = 20.0;
const TARGET_ROLLUP_COST: f64 = 0.10;

const USAGE: &str = "\
usage: cargo xtask bench reports [options]

  --scale province|commune|both  province: PostgreSQL, --communes communes (default 100);
                                 commune: SQLite, one commune (default both)
  --dossiers N                   dossiers in the year (default: province 10000000,
                                 commune 100000); tickets, ratings and feedback follow
  --communes N                   communes of the province (default 100)
  --reuse                        use the database a previous run loaded with the same shape
                                 (every run keeps its database; without --reuse it is loaded
                                 again)
  --verify                       after loading, run the real `rollup rebuild` (timed) and
                                 check it gives the counters written while loading (default
                                 up to 300000 dossiers)
  --no-verify                    never
  --requests K                   timed requests per figure (default 200, after K/10 untimed)
  --concurrency C                requests in flight (default 1)
  --lifecycles N                 lifecycles per pass, rollup cost phase (default 2000; 0 skips)
  --seed S                       (default 766)

PostgreSQL: CONGBO_BENCH_PG_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres);
the database is congbo_bench_reports_<communes>c_<dossiers>, kept. SQLite:
target/bench-reports/commune-<dossiers>.db, kept.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    Province,
    Commune,
}

#[derive(Debug, Clone)]
struct Options {
    scales: Vec<Scale>,
    dossiers: Option<u64>,
    communes: usize,
    reuse: bool,
    verify: Option<bool>,
    requests: usize,
    concurrency: usize,
    lifecycles: usize,
    seed: u64,
    pg_url: String,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut o = Options {
            scales: vec![Scale::Commune, Scale::Province],
            dossiers: None,
            communes: 100,
            reuse: false,
            verify: None,
            requests: 200,
            concurrency: 1,
            lifecycles: 2000,
            seed: 766,
            pg_url: std::env::var("CONGBO_BENCH_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into()),
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--help" | "-h" => bail!("{USAGE}"),
                "--reuse" => {
                    o.reuse = true;
                    continue;
                }
                "--verify" => {
                    o.verify = Some(true);
                    continue;
                }
                "--no-verify" => {
                    o.verify = Some(false);
                    continue;
                }
                _ => {}
            }
            let value = it
                .next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number = || -> anyhow::Result<u64> {
                value
                    .replace(['_', ','], "")
                    .parse()
                    .with_context(|| format!("{flag}: not a number: {value}"))
            };
            match flag.as_str() {
                "--scale" => {
                    o.scales = match value.as_str() {
                        "province" => vec![Scale::Province],
                        "commune" => vec![Scale::Commune],
                        "both" => vec![Scale::Commune, Scale::Province],
                        _ => bail!("--scale: province, commune or both"),
                    }
                }
                "--dossiers" => o.dossiers = Some(number()?.max(1000)),
                "--communes" => o.communes = (number()? as usize).clamp(1, 999),
                "--requests" => o.requests = (number()? as usize).max(10),
                "--concurrency" => o.concurrency = (number()? as usize).max(1),
                "--lifecycles" => o.lifecycles = number()? as usize,
                "--seed" => o.seed = number()?,
                _ => bail!("unknown option {flag}\n{USAGE}"),
            }
        }
        // Four receiving offices, 9 999 dossier codes each per day; four passes and a warm-up.
        if 4 * o.lifecycles + 200 > 4 * 9999 {
            bail!("--lifecycles: at most {}", (4 * 9999 - 200) / 4);
        }
        Ok(o)
    }
}

pub fn main(args: &[String]) -> anyhow::Result<()> {
    let opts = Options::parse(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(opts))
}

async fn run(opts: Options) -> anyhow::Result<()> {
    println!(
        "congbo bench reports: {} cores, load average {} (other processes compete for the same \
         cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        stats::loadavg()
    );
    let mut failed = false;
    for &scale in &opts.scales {
        println!();
        let shape = load::Shape {
            communes: if scale == Scale::Province {
                opts.communes
            } else {
                1
            },
            dossiers: opts.dossiers.unwrap_or(if scale == Scale::Province {
                10_000_000
            } else {
                100_000
            }),
            seed: opts.seed,
        };
        let backend = match scale {
            Scale::Province => Backend::Postgres,
            Scale::Commune => Backend::Sqlite,
        };
        println!(
            "== {} on {}: {} communes, {} dossiers in {} ==",
            if scale == Scale::Province {
                "province"
            } else {
                "commune"
            },
            backend.name(),
            shape.communes,
            shape.dossiers,
            datagen::YEAR
        );
        let app = load::open(backend, &shape, &opts.pg_url, opts.reuse).await?;
        let loaded = load::ensure_loaded(&app, &shape, opts.verify).await?;
        failed |= measure(&app, backend, scale, &loaded, &opts).await?;
        app.db.close().await;
    }
    if opts.lifecycles > 0 {
        println!();
        println!("== rollup maintenance cost: bench lifecycle's workload with and without ==");
        let mut backends = Vec::new();
        for s in &opts.scales {
            backends.push(match s {
                Scale::Province => Backend::Postgres,
                Scale::Commune => Backend::Sqlite,
            });
        }
        for backend in backends {
            rollup_cost(backend, &opts).await?;
        }
    }
    if failed {
        bail!("some requests failed (see above)");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Measuring the figures

struct Case {
    name: String,
    target_ms: Option<f64>,
    /// A GET over HTTP with the supervisor's token (pages and API alike).
    path: String,
}

fn get(name: &str, target_ms: Option<f64>, path: String) -> Case {
    Case {
        name: name.to_string(),
        target_ms,
        path,
    }
}

fn cases(scale: Scale, l: &load::Loaded) -> Vec<Case> {
    let y = datagen::YEAR;
    let year = |office: Uuid, what: &str, subtree: bool| {
        format!("/api/v1/offices/{office}/{what}?kind=year&period={y}&subtree={subtree}")
    };
    let month = |office: Uuid, what: &str| {
        format!("/api/v1/offices/{office}/{what}?kind=month&period={y}-06")
    };
    let c = l.busiest_commune;
    let mut v = vec![get(
        "floor: GET /api/v1/offices/{id}",
        None,
        format!("/api/v1/offices/{}", l.province),
    )];
    if scale == Scale::Province {
        let p = l.province;
        v.extend([
            get(
                "province, year: figures (subtree)",
                Some(TARGET_YEAR_P99_MS),
                year(p, "figures", true),
            ),
            get(
                "province, year: 766 index (subtree)",
                Some(TARGET_YEAR_P99_MS),
                year(p, "index766", true),
            ),
            get(
                "province, year: communes side by side",
                Some(TARGET_YEAR_P99_MS),
                format!("/api/v1/offices/{p}/figures/by-office?kind=year&period={y}&sort=on-time"),
            ),
            get(
                "province, year: trend by month",
                Some(TARGET_YEAR_P99_MS),
                format!("/api/v1/offices/{p}/figures/trend?kind=year&period={y}&subtree=true"),
            ),
            get(
                "province, year: comparison page (HTML)",
                Some(TARGET_YEAR_P99_MS),
                format!("/bao-cao/{p}/so-sanh?kind=year&period={y}"),
            ),
            get(
                "province, year: dashboard page (HTML)",
                Some(TARGET_YEAR_P99_MS),
                format!("/bao-cao/{p}?kind=year&period={y}&subtree=true"),
            ),
            get(
                "province, month: figures (subtree)",
                None,
                format!("/api/v1/offices/{p}/figures?kind=month&period={y}-06&subtree=true"),
            ),
            get(
                "province, 100 days (custom, day counters)",
                None,
                format!(
                    "/api/v1/offices/{p}/figures?kind=custom&from={y}-03-10&to={y}-06-17\
                     &subtree=true"
                ),
            ),
        ]);
    }
    v.extend([
        get(
            "commune, month: figures",
            Some(TARGET_MONTH_P99_MS),
            month(c, "figures"),
        ),
        get(
            "commune, month: 766 index",
            Some(TARGET_MONTH_P99_MS),
            month(c, "index766"),
        ),
        get(
            "commune, month: dashboard page (HTML)",
            Some(TARGET_MONTH_P99_MS),
            format!("/bao-cao/{c}?kind=month&period={y}-06"),
        ),
        get("commune, year: figures", None, year(c, "figures", false)),
        get("commune, year: 766 index", None, year(c, "index766", false)),
    ]);
    v
}

#[derive(Default)]
struct Timed {
    us: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
}

/// `k` calls of `one` at `concurrency`, each timed.
async fn drive<F, Fut>(k: usize, concurrency: usize, one: F) -> anyhow::Result<Timed>
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..concurrency.min(k) {
        let (next, one) = (next.clone(), one.clone());
        set.spawn(async move {
            let mut t = Timed::default();
            while next.fetch_add(1, Ordering::Relaxed) < k {
                let started = Instant::now();
                match one().await {
                    Ok(()) => t.us.push(us(started.elapsed())),
                    Err(e) => {
                        t.errors += 1;
                        t.first_error.get_or_insert(format!("{e:#}"));
                    }
                }
            }
            t
        });
    }
    let mut all = Timed::default();
    while let Some(t) = set.join_next().await {
        let t = t?;
        all.us.extend(t.us);
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    Ok(all)
}

async fn time_case(
    api: &Api,
    token: &str,
    case: &Case,
    k: usize,
    concurrency: usize,
) -> anyhow::Result<Timed> {
    let (api, token, path) = (api.clone(), token.to_string(), case.path.clone());
    on_client(drive(k, concurrency, move || {
        let (api, token, path) = (api.clone(), token.clone(), path.clone());
        async move {
            let (status, body) = api.get_auth(&path, &token).await?;
            if status != StatusCode::OK {
                bail!("{path}: {status} {}", excerpt(&body));
            }
            Ok(())
        }
    }))
    .await?
}

/// The province's year figures must count every generated dossier, ticket and rating.
async fn check_totals(api: &Api, token: &str, l: &load::Loaded) -> anyhow::Result<()> {
    let path = format!(
        "/api/v1/offices/{}/figures?kind=year&period={}&subtree=true",
        l.province,
        datagen::YEAR
    );
    let (status, body) = api.get_auth(&path, token).await?;
    ensure!(
        status == StatusCode::OK,
        "{path}: {status} {}",
        excerpt(&body)
    );
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let f = &v["figures"];
    let got = (
        f["received"].as_i64().unwrap_or(-1),
        f["tickets_issued"].as_i64().unwrap_or(-1),
        f["ratings"]["n"].as_i64().unwrap_or(-1),
    );
    let c = &l.counts;
    let want = (c.dossiers as i64, c.tickets as i64, c.ratings as i64);
    println!(
        "  check: the province's {} figures count {} dossiers received, {} tickets, {} ratings \
         (generated {}, {}, {})",
        datagen::YEAR,
        got.0,
        got.1,
        got.2,
        want.0,
        want.1,
        want.2
    );
    ensure!(got == want, "the figures do not count what was loaded");
    Ok(())
}

/// Returns whether any request failed.
async fn measure(
    app: &App,
    backend: Backend,
    scale: Scale,
    l: &load::Loaded,
    opts: &Options,
) -> anyhow::Result<bool> {
    let env = Env::serve_kept(backend, app.clone()).await?;
    let result = async {
        let who = "thanhtra";
        let token = env::head(&env.app, who).await?.token;
        let api = Api::new(&env.base);
        check_totals(&api, &token, l).await?;
        let (k, c) = (opts.requests, opts.concurrency);
        println!(
            "  {k} timed requests per figure at concurrency {c} (after {} untimed), as the \
             province supervisor ({who}); load average {}",
            k / 10,
            stats::loadavg()
        );
        let mut floor = Summary::default();
        let mut failed = false;
        for case in cases(scale, l) {
            time_case(&api, &token, &case, k / 10, c).await?;
            let cpu = stats::Cpu::now();
            let t = time_case(&api, &token, &case, k, c).await?;
            let (_, _, busy) = stats::Cpu::now().since(&cpu);
            let s = Summary::of(&t.us);
            if floor.p50 == 0 {
                floor = s;
            }
            let verdict = match case.target_ms {
                Some(target) if s.p99_ms() <= target => format!("target p99 ≤ {target} ms: met"),
                Some(target) => format!("target p99 ≤ {target} ms: BELOW TARGET"),
                None => String::new(),
            };
            println!(
                "    {:<46} p50 {:>7} p99 {:>7} max {:>7}  p50/floor {:>5.1}  cores busy {:>3.0}%  \
                 errors {}  {verdict}",
                case.name,
                ms(s.p50),
                ms(s.p99),
                ms(s.max),
                s.p50 as f64 / floor.p50.max(1) as f64,
                100.0 * busy,
                t.errors
            );
            if let Some(e) = &t.first_error {
                println!("           first error: {e}");
            }
            failed |= t.errors > 0;
        }
        Ok::<_, anyhow::Error>(failed)
    }
    .await;
    let stopped = env.stop().await;
    let failed = result?;
    stopped?;
    Ok(failed)
}

// ---------------------------------------------------------------------------------------------
// Rollup maintenance cost

async fn rollup_cost(backend: Backend, opts: &Options) -> anyhow::Result<()> {
    let name = backend.name();
    println!(
        "  {name}: fresh demo database; {} lifecycles per pass at concurrency 32, passes with \
         (on) and without (off) rollup maintenance, alternating",
        opts.lifecycles
    );
    let env = Env::start(backend, &opts.pg_url).await?;
    let result = async {
        lifecycle::api(&env, 200, 32).await?.ok("warm-up")?;
        let mut rate = [(0usize, 0f64); 2];
        for maintained in [true, false, false, true] {
            congbo_app::report::rollup::set_maintained_for_benchmark(maintained);
            let run = lifecycle::api(&env, opts.lifecycles, 32).await;
            congbo_app::report::rollup::set_maintained_for_benchmark(true);
            let run = run?;
            crate::bench::print_lifecycles(if maintained { "on " } else { "off" }, &run);
            let slot = &mut rate[usize::from(!maintained)];
            slot.0 += run.done;
            slot.1 += run.elapsed.as_secs_f64();
            ensure!(run.errors == 0, "lifecycles failed");
        }
        let on = rate[0].0 as f64 / rate[0].1;
        let off = rate[1].0 as f64 / rate[1].1;
        let cost = 1.0 - on / off;
        println!(
            "  {name:<8} rollup maintenance: {on:.0} lifecycles/s with, {off:.0} without: costs \
             {:.1} % of throughput   {}",
            100.0 * cost,
            if cost <= TARGET_ROLLUP_COST {
                format!("target ≤ {:.0} %: met", 100.0 * TARGET_ROLLUP_COST)
            } else {
                format!("target ≤ {:.0} %: BELOW TARGET", 100.0 * TARGET_ROLLUP_COST)
            }
        );
        Ok::<_, anyhow::Error>(())
    }
    .await;
    congbo_app::report::rollup::set_maintained_for_benchmark(true);
    let stopped = env.stop().await;
    result?;
    stopped
}
