//! `cargo xtask <task>`: project chores that need only cargo.
//!
//! - `ci`: what CI runs (`.ci/run`: fmt, clippy, then every test with PostgreSQL and Chromium).
//! - `e2e`: only the real-browser test, required (fails if Chromium is missing).
//! - `bench lifecycle [options]`: dossier lifecycles and the public lookup through the HTTP API on
//!   SQLite and PostgreSQL, next to plain SQL (docs/PERFORMANCE.md; `--help` for options). It
//!   rebuilds this crate in release mode with the `bench` feature and runs that binary.
//! - `bench queue [options]`: calls reaching 1,000 lobby displays over SSE across two server
//!   processes on PostgreSQL, and the servers' memory (docs/PERFORMANCE.md).
//! - `bench reports [options]`: dashboards, the 766 index and what keeping the rollups costs, on
//!   a province-year of generated data (docs/PERFORMANCE.md, "Reports").

use std::process::Command;

use anyhow::{Context, bail};

#[cfg(feature = "bench")]
mod bench;

fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().cloned().unwrap_or_default();
    let status = match task.as_str() {
        "ci" => Command::new("bash").arg(root.join(".ci/run")).status(),
        "e2e" => Command::new("cargo")
            .current_dir(&root)
            .args([
                "test",
                "-p",
                "congbo-testkit",
                "--test",
                "http",
                "browser::",
            ])
            .env("CONGBO_REQUIRE_BROWSER", "1")
            .status(),
        #[cfg(feature = "bench")]
        "bench" => return bench::main(&args[1..]),
        #[cfg(not(feature = "bench"))]
        "bench" => {
            eprintln!("==> building the benchmark (release, feature `bench`)");
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(&root)
                .args([
                    "run",
                    "--release",
                    "--package",
                    "xtask",
                    "--features",
                    "bench",
                    "--",
                    "bench",
                ])
                .args(&args[1..])
                .status()
        }
        _ => bail!("usage: cargo xtask <ci|e2e|bench>"),
    }
    .with_context(|| format!("cannot run task {task}"))?;
    if !status.success() {
        bail!("task {task} failed: {status}");
    }
    Ok(())
}
