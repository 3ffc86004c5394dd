//! `cargo xtask bench queue`: calls reaching the lobby displays, across server processes on
//! PostgreSQL. A benchmark, not a test (nothing here asserts a speed).
//!
//! In a fresh PostgreSQL database (migrated, demo province loaded) it starts `--servers` real
//! `congbo serve` processes (default 2), and connects `--displays` clients (default 1000) to
//! office DB-TL's event stream, spread evenly over the servers. Three officers sign in at DB-TL's
//! counters 1–3, and calls are made at a steady `--calls-per-second`, each through the servers in
//! turn; halfway to its counter's next call, the officer starts and finishes the ticket and the
//! kiosk issues a new one, so the line stays as long as it began.
//!
//! For each call the benchmark knows when the request left and when its response came back (the
//! commit is in between), and each display notes when the `call` event with that number
//! arrived. It prints both differences, per display and call, so the commit-to-display time is
//! bracketed; the servers' memory (VmRSS, VmHWM) before and after the displays connect; and,
//! as the floor, a bare PostgreSQL NOTIFY → LISTEN round trip measured in the same run, with a
//! reference pass of one display per server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::body::Body;
use axum::http::StatusCode;
use congbo_app::App;
use congbo_store::Db;
use http_body_util::BodyExt;
use sqlx::Connection;
use sqlx::postgres::PgListener;
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::env;
use super::http::{Api, excerpt};
use super::stats::{self, Summary, ms, us};

/// Targets from issue 4.
const TARGET_P99_MS: f64 = 100.0;
const TARGET_MEMORY_MB: f64 = 200.0;

const OFFICE: &str = "DB-TL";
/// DB-TL staff who may serve the queue, at counters 1, 2 and 3 (services A, B and C).
const OFFICERS: [&str; 3] = ["tl.motcua1", "tl.motcua2", "tl.pho"];
/// Tickets waiting per service when the calls begin (a busy morning's line).
const BACKLOG: usize = 20;
/// Displays connecting at the same time (each connection loads the board once).
const CONNECTING: usize = 50;
/// How long after the last call the displays may still receive it.
const SETTLE: Duration = Duration::from_secs(2);

const USAGE: &str = "\
usage: cargo xtask bench queue [options]

  --displays N            display clients on office DB-TL's event stream (default 1000)
  --servers S             congbo serve processes sharing the database (default 2)
  --calls N               timed calls (default 200)
  --calls-per-second R    steady call rate, all counters together (default 5)
  --reference-calls N     calls with one display per server, before the full run (default 60)

PostgreSQL: a database is created on the server at CONGBO_BENCH_PG_URL
(default postgres://postgres:postgres@127.0.0.1:5432/postgres) and dropped afterwards.
The server is built with `cargo build --release -p congbo` first.";

#[derive(Debug, Clone)]
pub struct Options {
    pub displays: usize,
    pub servers: usize,
    pub calls: usize,
    pub rate: f64,
    pub reference_calls: usize,
    pub pg_url: String,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut o = Options {
            displays: 1000,
            servers: 2,
            calls: 200,
            rate: 5.0,
            reference_calls: 60,
            pg_url: std::env::var("CONGBO_BENCH_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into()),
        };
        let mut it = args.iter();
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
                "--displays" => o.displays = number()?,
                "--servers" => o.servers = number()?,
                "--calls" => o.calls = number()?,
                "--calls-per-second" => {
                    o.rate = value
                        .parse()
                        .with_context(|| format!("{flag}: not a number: {value}"))?
                }
                "--reference-calls" => o.reference_calls = number()?,
                _ => bail!("unknown option {flag}\n{USAGE}"),
            }
        }
        ensure!(o.displays >= 1, "--displays must be at least 1");
        ensure!((1..=8).contains(&o.servers), "--servers: 1 to 8");
        ensure!(o.calls >= 1, "--calls must be at least 1");
        ensure!(
            o.rate > 0.0 && o.rate <= 100.0,
            "--calls-per-second: more than 0, at most 100"
        );
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
    let files = raise_open_files(opts.displays as libc::rlim_t + 256)?;
    println!(
        "congbo bench queue: {} cores, load average {} (other processes compete for the same \
         cores); open files limit {files}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        stats::loadavg()
    );
    println!(
        "  {} displays over {} server processes; {} calls at {}/s (reference: {} calls, one \
         display per server)",
        opts.displays, opts.servers, opts.calls, opts.rate, opts.reference_calls
    );
    let binary = build_server().await?;
    let (url, name) = env::create_database(&opts.pg_url).await?;
    let result = bench(&opts, &binary, &url).await;
    env::drop_database(&opts.pg_url, &name).await;
    result
}

/// `cargo build --release -p congbo`; the binary lies next to this one.
async fn build_server() -> anyhow::Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!("  building the server (cargo build --release --package congbo)…");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "--release", "--quiet", "--package", "congbo"])
        .status()
        .await
        .context("cannot run cargo")?;
    ensure!(status.success(), "building the server failed: {status}");
    let binary = std::env::current_exe()?.with_file_name("congbo");
    ensure!(
        binary.exists(),
        "no server binary at {} (it is looked for next to this benchmark's binary)",
        binary.display()
    );
    Ok(binary)
}

/// Raise the soft limit on open files to the hard one (the servers inherit it); fail if
/// `needed` still does not fit.
fn raise_open_files(needed: libc::rlim_t) -> anyhow::Result<libc::rlim_t> {
    let mut l = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } != 0 {
        bail!(
            "cannot read the open-files limit: {}",
            std::io::Error::last_os_error()
        );
    }
    if l.rlim_cur < l.rlim_max {
        l.rlim_cur = l.rlim_max;
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &l) } != 0 {
            bail!(
                "cannot raise the open-files limit: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    let current = l.rlim_cur;
    ensure!(
        current >= needed,
        "open files are limited to {current} (ulimit -n); this run needs about {needed}"
    );
    Ok(current)
}

/// One `congbo serve` process.
struct Server {
    name: char,
    child: Child,
    pid: u32,
    api: Api,
    log: PathBuf,
}

impl Server {
    async fn start(binary: &Path, url: &str, dir: &Path, i: usize) -> anyhow::Result<Server> {
        let name = (b'A' + i as u8) as char;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = dir.join(format!("server-{name}.log"));
        let out = std::fs::File::create(&log)?;
        let child = Command::new(binary)
            .args(["serve", "--no-migrate", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", url)
            .env("CONGBO_DATA_DIR", dir)
            // The kiosk's per-address limit would refuse the benchmark's tickets.
            .env("CONGBO_TICKETS_PER_MINUTE", "0")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let base = format!("http://127.0.0.1:{port}");
        let mut s = Server {
            name,
            child,
            pid,
            api: Api::new(&base),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = s.child.try_wait()? {
                bail!(
                    "server {name} exited at start ({status}):\n{}",
                    s.log_tail()
                );
            }
            if let Ok((StatusCode::OK, _)) = s.api.get("/readyz").await {
                break;
            }
            if Instant::now() > deadline {
                bail!("server {name} not ready after 30 s:\n{}", s.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!("  server {name} ready at {base} (pid {pid})");
        Ok(s)
    }

    fn memory(&self) -> Memory {
        Memory::of(self.pid)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// A process's resident memory now and at its peak (`/proc/PID/status`), in kB.
#[derive(Debug, Clone, Copy, Default)]
struct Memory {
    rss_kb: u64,
    hwm_kb: u64,
}

impl Memory {
    fn of(pid: u32) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kb: field("VmRSS:"),
            hwm_kb: field("VmHWM:"),
        }
    }
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

async fn bench(opts: &Options, binary: &Path, url: &str) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let app = App::new(db);
    congbo_app::demo::fill(&app).await?;
    let mut tokens = Vec::new();
    for username in OFFICERS {
        tokens.push(env::head(&app, username).await?.token);
    }
    app.db.close().await;
    println!("  database ready: demo province loaded, API tokens for {OFFICERS:?}");

    let logs = tempfile::Builder::new()
        .prefix("congbo-bench-queue-")
        .tempdir()?;
    let mut servers = Vec::new();
    let mut result = Ok(());
    for i in 0..opts.servers {
        match Server::start(binary, url, logs.path(), i).await {
            Ok(s) => servers.push(s),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    if result.is_ok() {
        result = measure(opts, url, &servers, &tokens).await;
    }
    if result.is_err() {
        for s in &servers {
            eprintln!("--- server {} log, last lines:\n{}", s.name, s.log_tail());
        }
    }
    for s in servers {
        s.stop().await;
    }
    result
}

/// A counter of DB-TL: its id, number and the service it calls.
#[derive(Debug, Clone)]
struct Counter {
    id: String,
    number: i64,
    group: String,
}

async fn measure(
    opts: &Options,
    url: &str,
    servers: &[Server],
    tokens: &[String],
) -> anyhow::Result<()> {
    let first = &servers[0].api;
    let (status, body) = first
        .get(&format!("/api/v1/public/offices/{OFFICE}/queue"))
        .await?;
    ensure!(
        status == StatusCode::OK,
        "queue layout: {status} {}",
        excerpt(&body)
    );
    let layout: serde_json::Value = serde_json::from_slice(&body)?;
    let mut counters = Vec::new();
    for n in 1..=OFFICERS.len() as i64 {
        let c = layout["counters"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["number"] == n))
            .with_context(|| format!("{OFFICE} has no counter {n}"))?;
        counters.push(Counter {
            id: c["id"].as_str().context("counter id")?.to_string(),
            number: n,
            group: c["group_ids"][0]
                .as_str()
                .context("counter without a service")?
                .to_string(),
        });
    }
    for (k, token) in counters.iter().zip(tokens) {
        let (status, body) = first
            .post(&format!("/api/v1/counters/{}/sign-in", k.id), token, "{}")
            .await?;
        ensure!(
            status == StatusCode::NO_CONTENT,
            "sign-in at counter {}: {status} {}",
            k.number,
            excerpt(&body)
        );
    }
    for k in &counters {
        for j in 0..BACKLOG {
            issue(first, k, &format!("backlog-{}-{j}", k.number)).await?;
        }
    }
    println!(
        "  {} officers signed in at counters 1–{}; {BACKLOG} tickets waiting per service",
        counters.len(),
        counters.len()
    );

    println!("  floor: PostgreSQL NOTIFY → LISTEN round trips from this process…");
    let floor = floor(url, 200).await?;
    let f = Summary::of(&floor);
    println!(
        "    floor  p50 {} p99 {} max {}",
        ms(f.p50),
        ms(f.p99),
        ms(f.max)
    );

    let idle: Vec<Memory> = servers.iter().map(Server::memory).collect();
    let reference = if opts.reference_calls > 0 {
        println!(
            "  reference: {} display(s), one per server, {} calls…",
            servers.len(),
            opts.reference_calls
        );
        let p = pass(
            servers,
            tokens,
            &counters,
            servers.len(),
            opts.reference_calls,
            opts.rate,
            "ref",
        )
        .await?;
        print_pass(&p, servers);
        Some(p)
    } else {
        None
    };
    println!(
        "  full run: {} displays, {} calls at {}/s…",
        opts.displays, opts.calls, opts.rate
    );
    let full = pass(
        servers,
        tokens,
        &counters,
        opts.displays,
        opts.calls,
        opts.rate,
        "run",
    )
    .await?;
    print_pass(&full, servers);

    println!();
    println!("== summary ==");
    let l = Summary::of(&full.latency.sent_us);
    let a = Summary::of(&full.latency.answered_us);
    println!(
        "call → display, {} displays over {} servers: from the request p50 {} p99 {} max {}; \
         from the response p50 {} p99 {}; missing {} of {}",
        opts.displays,
        servers.len(),
        ms(l.p50),
        ms(l.p99),
        ms(l.max),
        ms(a.p50),
        ms(a.p99),
        full.latency.missing,
        full.latency.expected
    );
    let ratio = |x: u64, y: u64| x as f64 / y.max(1) as f64;
    println!(
        "floor (NOTIFY → LISTEN) p50 {} p99 {}; api/floor p50 {:.1} p99 {:.1}",
        ms(f.p50),
        ms(f.p99),
        ratio(l.p50, f.p50),
        ratio(l.p99, f.p99)
    );
    if let Some(r) = &reference {
        let rl = Summary::of(&r.latency.sent_us);
        println!(
            "reference ({} displays) p50 {} p99 {}; full/reference p50 {:.1} p99 {:.1}",
            r.displays,
            ms(rl.p50),
            ms(rl.p99),
            ratio(l.p50, rl.p50),
            ratio(l.p99, rl.p99)
        );
    }
    println!(
        "p99 {} (from the request, an upper bound of commit → display)   {}",
        ms(l.p99),
        if l.p99_ms() <= TARGET_P99_MS {
            format!("target ≤ {TARGET_P99_MS} ms: met")
        } else {
            format!("target ≤ {TARGET_P99_MS} ms: BELOW TARGET")
        }
    );
    let mut total_peak = 0;
    for ((s, before), end) in servers.iter().zip(&idle).zip(&full.memory_end) {
        total_peak += end.hwm_kb;
        println!(
            "server {}: RSS {} before any display, {} with {} displays; peak (VmHWM) {}",
            s.name,
            mb(before.rss_kb),
            mb(end.rss_kb),
            full.displays.div_ceil(servers.len()),
            mb(end.hwm_kb)
        );
    }
    let peak_mb = total_peak as f64 / 1024.0;
    println!(
        "memory for {} displays: {:.0} MB peak, {} server process(es) together   {}",
        opts.displays,
        peak_mb,
        servers.len(),
        if peak_mb < TARGET_MEMORY_MB {
            format!("target < {TARGET_MEMORY_MB} MB: met")
        } else {
            format!("target < {TARGET_MEMORY_MB} MB: BELOW TARGET")
        }
    );
    let errors = full.errors + reference.as_ref().map_or(0, |r| r.errors);
    if errors > 0 {
        bail!("{errors} requests failed (see above)");
    }
    Ok(())
}

/// Take a number at the kiosk for the counter's service.
async fn issue(api: &Api, k: &Counter, key: &str) -> anyhow::Result<()> {
    let (status, body) = api
        .post_json(
            &format!("/api/v1/public/offices/{OFFICE}/tickets?channel=kiosk"),
            None,
            serde_json::json!({"group_id": k.group, "request_key": key}).to_string(),
        )
        .await?;
    ensure!(
        status == StatusCode::CREATED,
        "ticket: {status} {}",
        excerpt(&body)
    );
    Ok(())
}

/// NOTIFY (committed at once) → the LISTENing connection receives it, `n` times, 20 ms apart:
/// what PostgreSQL alone costs between a call's commit and the other processes hearing of it.
async fn floor(url: &str, n: usize) -> anyhow::Result<Vec<u64>> {
    const CHANNEL: &str = "congbo_bench_floor";
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    // The size of a call's signal.
    let payload = serde_json::json!({
        "office": uuid::Uuid::now_v7(), "call": uuid::Uuid::now_v7(), "src": uuid::Uuid::new_v4()
    })
    .to_string();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(&mut conn)
            .await?;
        let got = tokio::time::timeout(Duration::from_secs(5), listener.recv())
            .await
            .context("NOTIFY not received within 5 s")??;
        out.push(us(t.elapsed()));
        ensure!(got.payload() == payload, "unexpected payload");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    listener.unlisten(CHANNEL).await?;
    conn.close().await?;
    Ok(out)
}

/// One call as the officer saw it.
#[derive(Debug, Clone)]
struct Call {
    number: String,
    /// The server it was made through.
    via: usize,
    sent: Instant,
    answered: Instant,
}

/// What one display received.
#[derive(Debug, Default)]
struct Shown {
    server: usize,
    /// Called numbers and when their `call` event arrived (the first time).
    calls: HashMap<String, Instant>,
    boards: usize,
    bytes: usize,
    error: Option<String>,
}

/// Per (call × display): from the request and from the response, in µs.
#[derive(Debug, Default)]
struct Latency {
    sent_us: Vec<u64>,
    answered_us: Vec<u64>,
    /// From the request, split by whether the display is on the server that made the call.
    same_us: Vec<u64>,
    other_us: Vec<u64>,
    /// Arrived before the caller had the response.
    early: usize,
    expected: usize,
    missing: usize,
}

struct Pass {
    displays: usize,
    connect_secs: f64,
    calls: usize,
    /// How late the calls were sent (the schedule slipped), µs.
    late_us: Vec<u64>,
    calls_secs: f64,
    latency: Latency,
    boards: usize,
    bytes: usize,
    display_errors: usize,
    memory_connected: Vec<Memory>,
    memory_end: Vec<Memory>,
    /// CPU seconds each server used while the calls were made.
    server_cpu: Vec<f64>,
    /// This process (displays and officers) and the machine's busy share.
    bench_cpu: f64,
    machine_busy: f64,
    errors: usize,
    first_error: Option<String>,
}

/// Connect `displays`, make `calls` calls at `rate`, and match what arrived.
async fn pass(
    servers: &[Server],
    tokens: &[String],
    counters: &[Counter],
    displays: usize,
    calls: usize,
    rate: f64,
    round: &str,
) -> anyhow::Result<Pass> {
    let (stop, stopped) = watch::channel(false);
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<Result<(), String>>();
    let mut shown = JoinSet::new();
    let started = Instant::now();
    let mut connected = 0;
    for d in 0..displays {
        if d >= connected + CONNECTING {
            wait_ready(&mut ready).await?;
            connected += 1;
        }
        let server = d % servers.len();
        shown.spawn(display(
            servers[server].api.clone(),
            server,
            stopped.clone(),
            ready_tx.clone(),
        ));
    }
    while connected < displays {
        wait_ready(&mut ready).await?;
        connected += 1;
    }
    let connect_secs = started.elapsed().as_secs_f64();
    let memory_connected: Vec<Memory> = servers.iter().map(Server::memory).collect();

    let cpu_before: Vec<f64> = servers
        .iter()
        .map(|s| stats::process_cpu_secs(s.pid))
        .collect();
    let machine = stats::Cpu::now();
    let period = Duration::from_secs_f64(1.0 / rate);
    let t0 = Instant::now() + Duration::from_millis(200);
    let apis: Vec<Api> = servers.iter().map(|s| s.api.clone()).collect();
    let mut officers = JoinSet::new();
    for (c, (k, token)) in counters.iter().zip(tokens).enumerate() {
        let plan = Plan {
            apis: apis.clone(),
            token: token.clone(),
            counter: k.clone(),
            calls: (c..calls).step_by(counters.len()).collect(),
            every: counters.len() as u32,
            t0,
            period,
            round: round.to_string(),
        };
        officers.spawn(officer(plan));
    }
    let mut made = Vec::new();
    let mut late_us = Vec::new();
    let (mut errors, mut first_error) = (0, None);
    while let Some(r) = officers.join_next().await {
        let r = r?;
        made.extend(r.calls);
        late_us.extend(r.late_us);
        errors += r.errors;
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    let calls_secs = t0.elapsed().as_secs_f64();
    let (bench_cpu, _, machine_busy) = stats::Cpu::now().since(&machine);
    let server_cpu: Vec<f64> = servers
        .iter()
        .zip(&cpu_before)
        .map(|(s, b)| stats::process_cpu_secs(s.pid) - b)
        .collect();
    tokio::time::sleep(SETTLE).await;
    let memory_end: Vec<Memory> = servers.iter().map(Server::memory).collect();
    let _ = stop.send(true);
    let mut all = Vec::new();
    while let Some(s) = shown.join_next().await {
        all.push(s?);
    }

    let mut latency = Latency::default();
    for call in &made {
        for d in &all {
            latency.expected += 1;
            let Some(&at) = d.calls.get(&call.number) else {
                latency.missing += 1;
                continue;
            };
            let from_sent = us(at.saturating_duration_since(call.sent));
            latency.sent_us.push(from_sent);
            latency
                .answered_us
                .push(us(at.saturating_duration_since(call.answered)));
            if at < call.answered {
                latency.early += 1;
            }
            if d.server == call.via {
                latency.same_us.push(from_sent);
            } else {
                latency.other_us.push(from_sent);
            }
        }
    }
    let display_errors = all.iter().filter(|d| d.error.is_some()).count();
    if let Some(e) = all.iter().find_map(|d| d.error.clone()) {
        eprintln!("    a display's stream failed: {e}");
    }
    Ok(Pass {
        displays,
        connect_secs,
        calls: made.len(),
        late_us,
        calls_secs,
        latency,
        boards: all.iter().map(|d| d.boards).sum(),
        bytes: all.iter().map(|d| d.bytes).sum(),
        display_errors,
        memory_connected,
        memory_end,
        server_cpu,
        bench_cpu,
        machine_busy,
        errors,
        first_error,
    })
}

async fn wait_ready(ready: &mut mpsc::UnboundedReceiver<Result<(), String>>) -> anyhow::Result<()> {
    match tokio::time::timeout(Duration::from_secs(30), ready.recv()).await {
        Ok(Some(Ok(()))) => Ok(()),
        Ok(Some(Err(e))) => bail!("a display could not connect: {e}"),
        Ok(None) => bail!("displays stopped"),
        Err(_) => bail!("a display got no board within 30 s"),
    }
}

/// A lobby display: follow the event stream, note when each `call` event arrives.
async fn display(
    api: Api,
    server: usize,
    mut stop: watch::Receiver<bool>,
    ready: mpsc::UnboundedSender<Result<(), String>>,
) -> Shown {
    let mut shown = Shown {
        server,
        ..Shown::default()
    };
    let mut ready = Some(ready);
    let path = format!("/api/v1/public/offices/{OFFICE}/events");
    let mut body: Body = match api.stream(&path).await {
        Ok((StatusCode::OK, b)) => b,
        Ok((status, _)) => {
            shown.error = Some(format!("events: {status}"));
            Body::empty()
        }
        Err(e) => {
            shown.error = Some(format!("events: {e:#}"));
            Body::empty()
        }
    };
    let mut buf: Vec<u8> = Vec::new();
    while shown.error.is_none() {
        let frame = tokio::select! {
            f = body.frame() => f,
            _ = stop.changed() => break,
        };
        // The time the bytes completing an event arrived.
        let at = Instant::now();
        match frame {
            Some(Ok(f)) => {
                if let Ok(data) = f.into_data() {
                    shown.bytes += data.len();
                    buf.extend_from_slice(&data);
                }
            }
            Some(Err(e)) => shown.error = Some(format!("stream: {e}")),
            None => shown.error = Some("the stream ended".into()),
        }
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let event = &buf[..end];
            match kind(event) {
                Some(b"call") => {
                    if let Some(n) = called_number(event) {
                        shown.calls.entry(n).or_insert(at);
                    }
                }
                Some(b"board") => shown.boards += 1,
                _ => {}
            }
            buf.drain(..end + 2);
        }
        if shown.boards + shown.calls.len() > 0
            && let Some(r) = ready.take()
        {
            let _ = r.send(Ok(()));
        }
    }
    if let Some(r) = ready.take() {
        let _ = r.send(Err(shown
            .error
            .clone()
            .unwrap_or_else(|| "stopped before the first board".into())));
    }
    shown
}

/// The `event:` field of a server-sent event.
fn kind(event: &[u8]) -> Option<&[u8]> {
    event
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"event:"))
        .map(<[u8]>::trim_ascii)
}

/// The number a `call` event announces: its data is `{"seq":…,"view":{…},"call":{"number":"A001",…}}`.
fn called_number(event: &[u8]) -> Option<String> {
    const KEY: &[u8] = br#""call":{"number":""#;
    let start = event.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = event[start..].iter().position(|&b| b == b'"')?;
    String::from_utf8(event[start..start + len].to_vec()).ok()
}

/// One officer's calls: indexes into the run's schedule, one every `period`, all counters
/// together.
struct Plan {
    apis: Vec<Api>,
    token: String,
    counter: Counter,
    calls: Vec<usize>,
    /// Counters taking turns (this one calls every `every` periods).
    every: u32,
    t0: Instant,
    period: Duration,
    round: String,
}

#[derive(Default)]
struct Made {
    calls: Vec<Call>,
    late_us: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
}

/// Call at the scheduled time through the servers in turn; halfway to this counter's next
/// call, start and finish the ticket and have the kiosk issue one more for the service.
async fn officer(p: Plan) -> Made {
    let mut made = Made::default();
    for i in p.calls {
        let due = p.t0 + p.period * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let via = i % p.apis.len();
        let api = &p.apis[via];
        let r = async {
            let sent = Instant::now();
            let (status, body) = api
                .post(
                    &format!("/api/v1/counters/{}/call-next", p.counter.id),
                    &p.token,
                    "{}",
                )
                .await?;
            let answered = Instant::now();
            ensure!(
                status == StatusCode::OK,
                "call-next: {status} {}",
                excerpt(&body)
            );
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            let call = Call {
                number: v["number"].as_str().context("no number")?.to_string(),
                via,
                sent,
                answered,
            };
            let id = v["id"].as_str().context("no id")?.to_string();
            Ok::<_, anyhow::Error>((call, id))
        }
        .await;
        let (call, id) = match r {
            Ok(c) => c,
            Err(e) => {
                made.errors += 1;
                made.first_error.get_or_insert_with(|| format!("{e:#}"));
                continue;
            }
        };
        made.late_us
            .push(us(call.sent.saturating_duration_since(due)));
        made.calls.push(call);
        tokio::time::sleep_until((due + p.period * p.every / 2).into()).await;
        let r = async {
            for action in ["start", "finish"] {
                let (status, body) = api
                    .post(&format!("/api/v1/tickets/{id}/{action}"), &p.token, "{}")
                    .await?;
                ensure!(
                    status == StatusCode::OK,
                    "{action}: {status} {}",
                    excerpt(&body)
                );
            }
            issue(api, &p.counter, &format!("{}-{i}", p.round)).await
        }
        .await;
        if let Err(e) = r {
            made.errors += 1;
            made.first_error.get_or_insert_with(|| format!("{e:#}"));
        }
    }
    made
}

fn print_pass(p: &Pass, servers: &[Server]) {
    let l = &p.latency;
    let sent = Summary::of(&l.sent_us);
    let answered = Summary::of(&l.answered_us);
    let same = Summary::of(&l.same_us);
    let other = Summary::of(&l.other_us);
    let late = Summary::of(&p.late_us);
    println!(
        "    {} displays connected in {:.1} s; {} calls in {:.1} s (sent late by p50 {}, max {})",
        p.displays,
        p.connect_secs,
        p.calls,
        p.calls_secs,
        ms(late.p50),
        ms(late.max)
    );
    println!(
        "    call → display, from the request  p50 {} p99 {} max {}",
        ms(sent.p50),
        ms(sent.p99),
        ms(sent.max)
    );
    println!(
        "                    from the response p50 {} p99 {} max {}  ({} arrived before the \
         response)",
        ms(answered.p50),
        ms(answered.p99),
        ms(answered.max),
        l.early
    );
    if !l.other_us.is_empty() {
        println!(
            "    displays on the calling server p50 {} p99 {}; on another server (via NOTIFY) \
             p50 {} p99 {}",
            ms(same.p50),
            ms(same.p99),
            ms(other.p50),
            ms(other.p99)
        );
    }
    println!(
        "    arrivals {} of {} (missing {}); {} board events, {:.1} MB received; display \
         errors {}; request errors {}{}",
        l.expected - l.missing,
        l.expected,
        l.missing,
        p.boards,
        p.bytes as f64 / 1e6,
        p.display_errors,
        p.errors,
        p.first_error
            .as_ref()
            .map_or(String::new(), |e| format!(" (first: {e})"))
    );
    for (((s, c), e), cpu) in servers
        .iter()
        .zip(&p.memory_connected)
        .zip(&p.memory_end)
        .zip(&p.server_cpu)
    {
        println!(
            "    server {}: RSS {} connected, {} at the end (peak {}); CPU {:.0}% of a core \
             during the calls",
            s.name,
            mb(c.rss_kb),
            mb(e.rss_kb),
            mb(e.hwm_kb),
            100.0 * cpu / p.calls_secs
        );
    }
    println!(
        "    this process (displays and officers) CPU {:.0}% of a core; both cores busy {:.0}% \
         of the time",
        100.0 * p.bench_cpu / p.calls_secs,
        100.0 * p.machine_busy
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_call_event() {
        let e = br#"id: 7
event: call
data: {"seq":7,"view":{"last_call":{"number":"B002"}},"call":{"number":"A001","counter":1}}"#;
        assert_eq!(kind(e), Some(&b"call"[..]));
        assert_eq!(called_number(e).as_deref(), Some("A001"));
        let b = b"id: 1\nevent: board\ndata: {\"call\":null}";
        assert_eq!(kind(b), Some(&b"board"[..]));
        assert_eq!(called_number(b), None);
        assert_eq!(kind(b":"), None);
    }
}
