//! `congbo retention …`: what the retention job would treat now (`plan`) and running it
//! (`run`); `serve` runs the same job once a day (`congbo_app::privacy::retention`).

use clap::Subcommand;
use congbo_app::App;
use congbo_app::privacy::retention;
use congbo_domain::time::dmy_hm;

#[derive(Subcommand)]
pub enum RetentionCmd {
    /// Show, per kind of record, its period and how many records have outlived it now.
    Plan,
    /// Pseudonymise, clear or delete what has outlived its period, in batches of 500 (each
    /// batch one transaction with its audit row).
    Run,
}

pub async fn run(app: &App, cmd: RetentionCmd) -> anyhow::Result<()> {
    match cmd {
        RetentionCmd::Plan => {
            println!(
                "{:<22} {:>10} {:<14} {:<17} {:>8}",
                "kind", "period", "treatment", "before", "due"
            );
            let mut total = 0;
            for l in retention::plan(app).await? {
                let r = l.period.rule;
                let period = format!("{} {}", l.period.amount, r.unit.as_str());
                println!(
                    "{:<22} {:>10} {:<14} {:<17} {:>8}",
                    r.kind.as_str(),
                    period,
                    r.treatment.as_str(),
                    dmy_hm(l.cutoff),
                    l.due
                );
                total += l.due;
            }
            println!("retention plan: {total} records would be treated");
        }
        RetentionCmd::Run => {
            let mut total = 0;
            for l in retention::run(app).await? {
                println!(
                    "{:<22} {:>8} rows in {} batches",
                    l.kind.as_str(),
                    l.rows,
                    l.batches
                );
                total += l.rows;
            }
            println!("retention run: {total} records treated");
        }
    }
    Ok(())
}
