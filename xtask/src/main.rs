//! `cargo xtask <task>`: project chores that need only cargo.
//!
//! - `ci`: what CI runs (`.ci/run`: fmt, clippy, then every test with PostgreSQL and Chromium).
//! - `e2e`: only the real-browser test, required (fails if Chromium is missing).

use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let task = std::env::args().nth(1).unwrap_or_default();
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
        _ => bail!("usage: cargo xtask <ci|e2e>"),
    }
    .with_context(|| format!("cannot run task {task}"))?;
    if !status.success() {
        bail!("task {task} failed: {status}");
    }
    Ok(())
}
