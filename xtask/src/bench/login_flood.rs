//! `cargo xtask bench login-flood`: dossier intake latency with and without a sign-in flood
//! (issue 15.1). Per backend: the demo province behind the real server; `--n` dossiers are
//! received one after another through the API (the p50 is the number issue 15 asks about),
//! first alone, then while `--threads` tasks sign in with wrong passwords as fast as they can.
//!
//! The flood goes straight to `app::auth::login`, under a new made-up name each time: as from
//! many addresses, so the web's per-address and per-name allowances (which would refuse a
//! flood from one address after 20 tries) do not help, and every try costs a full argon2 check.
//! Nothing here asserts a speed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{bail, ensure};
use axum::http::StatusCode;
use congbo_store::Backend;

use super::env::Env;
use super::http::{Api, excerpt, on_client};
use super::stats::{Summary, ms, us};

const CREATE: &str = r#"{"procedure_code":"1.004884","applicant":{"name":"Nguyễn Văn An","phone":"0912345678","notify":["sms"]}}"#;

const USAGE: &str = "\
usage: cargo xtask bench login-flood [options]

  --backend sqlite|postgres|both   (default both)
  --n N                            dossiers received per phase (default 300)
  --threads T                      sign-in flood tasks (default 12)";

pub fn main(args: &[String]) -> anyhow::Result<()> {
    let mut backends = vec![Backend::Sqlite, Backend::Postgres];
    let (mut n, mut threads) = (300usize, 12usize);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next() else {
            bail!("{USAGE}");
        };
        match flag.as_str() {
            "--backend" => {
                backends = match value.as_str() {
                    "sqlite" => vec![Backend::Sqlite],
                    "postgres" => vec![Backend::Postgres],
                    "both" => vec![Backend::Sqlite, Backend::Postgres],
                    _ => bail!("--backend: sqlite, postgres or both"),
                }
            }
            "--n" => n = value.parse()?,
            "--threads" => threads = value.parse()?,
            _ => bail!("unknown option {flag}\n{USAGE}"),
        }
    }
    let pg_url = std::env::var("CONGBO_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        for b in backends {
            let env = Env::start(b, &pg_url).await?;
            let result = run(&env, n.max(1), threads).await;
            env.stop().await?;
            result?;
        }
        Ok(())
    })
}

async fn run(env: &Env, n: usize, threads: usize) -> anyhow::Result<()> {
    let token = env.heads[0].token.clone();
    receive(env, &token, 20).await?; // warm-up
    let alone = receive(env, &token, n).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let tries = Arc::new(AtomicUsize::new(0));
    let mut flood = Vec::new();
    for t in 0..threads {
        let (app, stop, tries) = (env.app.clone(), stop.clone(), tries.clone());
        flood.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let name = format!("flood.{t}.{i}");
                let r = congbo_app::auth::login(&app, &name, "wrong-password", None).await;
                if !matches!(r, Err(congbo_app::AppError::Unauthorized(_))) {
                    return Err(anyhow::anyhow!("flood sign-in: {:?}", r.err()));
                }
                tries.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
            Ok(())
        }));
    }
    let started = Instant::now();
    let flooded = receive(env, &token, n).await;
    stop.store(true, Ordering::Relaxed);
    for f in flood {
        f.await??;
    }
    let flooded = flooded?;
    let secs = started.elapsed().as_secs_f64();
    let (a, f) = (Summary::of(&alone), Summary::of(&flooded));
    println!(
        "  {}: dossier receive p50 {} (p99 {}) alone; p50 {} (p99 {}, max {}) under {threads} \
         sign-in threads ({:.0} failed sign-ins/s) — {:.2}× (target ≤ 2×)",
        env.backend.name(),
        ms(a.p50),
        ms(a.p99),
        ms(f.p50),
        ms(f.p99),
        ms(f.max),
        tries.load(Ordering::Relaxed) as f64 / secs,
        f.p50 as f64 / a.p50.max(1) as f64,
    );
    Ok(())
}

/// Receive `n` dossiers one after another; each request's latency in microseconds.
async fn receive(env: &Env, token: &str, n: usize) -> anyhow::Result<Vec<u64>> {
    let api = Api::new(&env.base);
    let token = token.to_string();
    on_client(async move {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let (status, body) = api.post("/api/v1/dossiers", &token, CREATE).await?;
            out.push(us(t.elapsed()));
            ensure!(
                status == StatusCode::CREATED,
                "receive: {status} {}",
                excerpt(&body)
            );
        }
        Ok(out)
    })
    .await?
}
