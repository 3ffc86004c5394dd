//! Progress of `congbo demo --history`: a bar with rate and time left on a terminal, plain
//! lines once a month otherwise (logs, CI).

use std::io::IsTerminal;
use std::time::Instant;

use congbo_app::demo::history::Progress;
use indicatif::{ProgressBar, ProgressStyle};

pub struct Reporter {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Reporter {
    pub fn new(started: Instant) -> Self {
        Self { bar: None, started }
    }

    pub fn update(&mut self, p: &Progress<'_>) {
        if std::io::stdout().is_terminal() {
            let bar = self.bar.get_or_insert_with(|| {
                let b = ProgressBar::new(p.days as u64);
                b.set_style(
                    ProgressStyle::with_template(
                        "demo history {bar:30} {pos}/{len} days · {per_sec} · {eta} left · {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                b
            });
            bar.set_position(p.day as u64);
            bar.set_message(format!(
                "{} · {} dossiers",
                p.date,
                thousands(p.totals.dossiers)
            ));
        } else if p.month_done {
            println!(
                "demo history: {} done, {} dossiers, {} s",
                p.date.strftime("%Y-%m"),
                thousands(p.totals.dossiers),
                self.started.elapsed().as_secs()
            );
        }
    }

    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// 41230 → "41,230".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
