//! `congbo`: one binary. `cargo run` serves on 127.0.0.1:8080 with SQLite under `./data/`;
//! `DATABASE_URL=postgres://…` selects PostgreSQL. Every command takes the same `--data-dir`
//! and `DATABASE_URL`, so it works on the same database as the server.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use congbo_app::App;
use congbo_app::notify::{NotifyConfig, SmtpConfig, WebhookConfig};
use congbo_domain::calendar::{DeadlineRules, TimeLimit, WorkCalendar, due_date, tet};
use congbo_store::{Db, redact_url};
use congbo_web::{AppState, WebConfig};

mod audit;
mod retention;
use audit::AuditCmd;
use retention::RetentionCmd;

#[derive(Parser)]
#[command(
    name = "congbo",
    version,
    about = "congbo — one-stop-shop software: công bộc của dân"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

/// The one configuration struct: flags, or `CONGBO_*` environment variables.
#[derive(Args, Debug, Clone)]
struct Settings {
    /// Directory for the SQLite database (used when DATABASE_URL is not set).
    #[arg(long, env = "CONGBO_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// postgres://… selects PostgreSQL; unset means SQLite in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Address to serve on.
    #[arg(
        long,
        env = "CONGBO_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    bind: String,
    /// Public base URL when behind a proxy (https://… turns on Secure cookies and HSTS).
    #[arg(long, env = "CONGBO_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// Log format: text or json.
    #[arg(long, env = "CONGBO_LOG_FORMAT", default_value = "text", global = true)]
    log_format: String,
    /// How many Form 04 new dates a dossier may get (not confirmed in law: default 1).
    #[arg(
        long,
        env = "CONGBO_MAX_REAPPOINTMENTS",
        default_value_t = 1,
        global = true
    )]
    max_reappointments: u32,
    /// Working days before the appointment from which an open dossier is flagged "due soon".
    #[arg(
        long,
        env = "CONGBO_WARN_WORKING_DAYS",
        default_value_t = 1,
        global = true
    )]
    warn_working_days: u32,
    /// Public dossier lookups allowed per client address per minute (0: no limit).
    #[arg(long, env = "CONGBO_LOOKUPS_PER_MINUTE", default_value_t = congbo_web::DEFAULT_LOOKUPS_PER_MINUTE, global = true)]
    lookups_per_minute: u32,
    /// Queue numbers a client address may take per minute without signing in (0: no limit).
    #[arg(long, env = "CONGBO_TICKETS_PER_MINUTE", default_value_t = congbo_web::DEFAULT_TICKETS_PER_MINUTE, global = true)]
    tickets_per_minute: u32,
    /// Feedback a client address may send per minute without signing in (0: no limit).
    #[arg(long, env = "CONGBO_FEEDBACK_PER_MINUTE", default_value_t = congbo_web::DEFAULT_FEEDBACK_PER_MINUTE, global = true)]
    feedback_per_minute: u32,
    /// Follows of a feedback case (code and secret) per client address per minute (0: no limit).
    #[arg(long, env = "CONGBO_FEEDBACK_FOLLOWS_PER_MINUTE", default_value_t = congbo_web::DEFAULT_FEEDBACK_FOLLOWS_PER_MINUTE, global = true)]
    feedback_follows_per_minute: u32,
    /// The sender's actions on a feedback case per client address per minute (0: no limit).
    #[arg(long, env = "CONGBO_FEEDBACK_ACTIONS_PER_MINUTE", default_value_t = congbo_web::DEFAULT_FEEDBACK_ACTIONS_PER_MINUTE, global = true)]
    feedback_actions_per_minute: u32,
    /// Attachment MiB a client address may send a day without signing in (0: no limit).
    #[arg(long, env = "CONGBO_ATTACHMENT_MIB_PER_DAY", default_value_t = congbo_web::DEFAULT_ATTACHMENT_BYTES_PER_DAY / (1024 * 1024), global = true)]
    attachment_mib_per_day: u64,
    /// Feedback attachments kept at most, in MiB; past it new attachments are refused and
    /// congbo_attachment_stored_bytes reaches congbo_attachment_quota_bytes (0: no quota).
    #[arg(long, env = "CONGBO_ATTACHMENT_QUOTA_MIB", default_value_t = 20 * 1024, global = true)]
    attachment_quota_mib: u64,
    /// Reverse proxies (CIDRs or addresses, comma-separated) whose X-Forwarded-For names the
    /// client; rate limits then count the rightmost untrusted address. Unset: the header is
    /// ignored and the TCP peer is the client.
    #[arg(long, env = "CONGBO_TRUSTED_PROXY", global = true, value_parser = congbo_web::ratelimit::TrustedProxies::parse, default_value = "")]
    trusted_proxy: congbo_web::ratelimit::TrustedProxies,
    /// E-mail notifications: smtps://user:pass@host[:465]?from=ADDR[&name=…] (implicit TLS),
    /// smtp+starttls://…[:587] (STARTTLS required) or smtp://…[:25] (no TLS: local relay).
    /// Unset: e-mails are written to the log.
    #[arg(long, env = "CONGBO_SMTP_URL", global = true, hide_env_values = true)]
    smtp_url: Option<String>,
    /// SMS notifications: an http(s) URL that receives one JSON POST per message
    /// ({"channel","to","subject","body","id"}). Unset: SMS are written to the log.
    #[arg(
        long,
        env = "CONGBO_SMS_WEBHOOK",
        global = true,
        hide_env_values = true
    )]
    sms_webhook: Option<String>,
    /// Zalo notifications: like --sms-webhook. Unset: Zalo messages are written to the log.
    #[arg(
        long,
        env = "CONGBO_ZALO_WEBHOOK",
        global = true,
        hide_env_values = true
    )]
    zalo_webhook: Option<String>,
    /// Bearer token sent to the SMS and Zalo webhooks.
    #[arg(
        long,
        env = "CONGBO_WEBHOOK_TOKEN",
        global = true,
        hide_env_values = true
    )]
    webhook_token: Option<String>,
    /// The Ed25519 key that signs the audit chain's anchors (made on first use, mode 0600);
    /// by default `audit-anchor.key` in --data-dir. Keep it where the database's
    /// administrators cannot read it.
    #[arg(long, env = "CONGBO_AUDIT_ANCHOR_KEY", global = true)]
    audit_anchor_key: Option<PathBuf>,
    /// The file anchors are appended to; by default `audit-anchors.jsonl` in --data-dir.
    #[arg(long, env = "CONGBO_AUDIT_ANCHOR_FILE", global = true)]
    audit_anchor_file: Option<PathBuf>,
    /// Minutes between the anchors `serve` writes (0: none).
    #[arg(
        long,
        env = "CONGBO_AUDIT_ANCHOR_MINUTES",
        default_value_t = 60,
        global = true
    )]
    audit_anchor_minutes: u64,
}

impl Settings {
    fn anchor_paths(&self) -> audit::AnchorPaths {
        let in_data = |name: &str| {
            let _ = std::fs::create_dir_all(&self.data_dir);
            self.data_dir.join(name)
        };
        audit::AnchorPaths {
            key: self
                .audit_anchor_key
                .clone()
                .unwrap_or_else(|| in_data("audit-anchor.key")),
            file: self
                .audit_anchor_file
                .clone()
                .unwrap_or_else(|| in_data("audit-anchors.jsonl")),
        }
    }
    fn database_url(&self) -> anyhow::Result<String> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data directory {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite:{}",
            self.data_dir.join("congbo.db").display()
        ))
    }
    fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
    fn notify_config(&self) -> anyhow::Result<NotifyConfig> {
        let token = self.webhook_token.as_deref();
        let webhook = |url: &Option<String>, what: &str| {
            url.as_deref()
                .filter(|u| !u.trim().is_empty())
                .map(|u| WebhookConfig::new(u, token))
                .transpose()
                .with_context(|| format!("invalid --{what}-webhook"))
        };
        Ok(NotifyConfig {
            smtp: self
                .smtp_url
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .map(SmtpConfig::from_url)
                .transpose()
                .context("invalid --smtp-url")?,
            sms_webhook: webhook(&self.sms_webhook, "sms")?,
            zalo_webhook: webhook(&self.zalo_webhook, "zalo")?,
            ..NotifyConfig::default()
        })
    }
    async fn db(&self, migrate: bool) -> anyhow::Result<Db> {
        let url = self.database_url()?;
        let db = Db::connect(&url)
            .await
            .with_context(|| format!("cannot open database {}", redact_url(&url)))?;
        if migrate {
            db.migrate().await.context("migration failed")?;
        }
        Ok(db)
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web application and API (the default).
    Serve {
        /// Do not run migrations at start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Fill a realistic demo: a province, communes and wards, counters, staff in every role.
    Demo {
        /// Also fill the last MONTHS months (1–24) with dossiers, tickets, ratings and feedback,
        /// on twenty communes and wards, through the real use cases.
        #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(1..=24))]
        history: Option<u32>,
        /// Seed of the history (the same seed gives the same history).
        #[arg(long, default_value_t = congbo_app::demo::history::DEFAULT_SEED, requires = "history")]
        seed: u64,
    },
    /// Apply database migrations.
    Migrate,
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Show the effective configuration.
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
    /// Write an online backup of the SQLite database.
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Working days, deadlines and Tết (built-in announced schedules 2020–2027).
    Calendar {
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// The rollups the figures are read from.
    Rollup {
        #[command(subcommand)]
        cmd: RollupCmd,
    },
    /// Retention of personal data: what has outlived its period (`plan`), and the purge
    /// (`run`) that `serve` runs daily.
    Retention {
        #[command(subcommand)]
        cmd: RetentionCmd,
    },
}

#[derive(Subcommand)]
enum RollupCmd {
    /// Recompute the counters from the raw dossiers, tickets, ratings and feedback cases.
    Rebuild {
        /// Only the counters of this local day and later (YYYY-MM-DD); all when absent.
        #[arg(long)]
        from: Option<jiff::civil::Date>,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    Show,
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Due date of N working days from a receipt time; without --from, reads "FROM DAYS" lines.
    Due {
        /// Receipt time, local (UTC+7): 2026-02-12T09:00.
        #[arg(long)]
        from: Option<String>,
        #[arg(long, default_value_t = 0)]
        days: u32,
    },
    /// The first day of the lunar new year (Vietnam, UTC+7).
    Tet { year: i32 },
    /// Every non-working weekday and every make-up working day of a year, with its reason.
    Year { year: i32 },
}

fn print_demo(r: &congbo_app::demo::DemoReport) {
    println!(
        "demo: {} offices, {} counters, {} staff, {} procedure versions",
        r.offices,
        r.counters,
        r.staff.len(),
        r.procedures
    );
    println!("password for every demo account: {}", r.password);
    for (user, name, role, office) in &r.staff {
        println!("  {user:<16} {role:<11} {office:<7} {name}");
    }
}

/// `congbo demo --history MONTHS`: the demo with twenty units, then their last months.
async fn demo_history(db: Db, months: u32, seed: u64) -> anyhow::Result<()> {
    use congbo_app::demo::history::{self, HistoryOptions};
    let (app, clock) = history::app_at_start(db, months)?;
    let r = congbo_app::demo::fill_for_history(&app).await?;
    print_demo(&r);
    let started = std::time::Instant::now();
    let mut progress = progress::Reporter::new(started);
    let opts = HistoryOptions { months, seed };
    let h = history::generate(&app, &clock, &opts, &mut |p| progress.update(p)).await?;
    progress.finish();
    // The rollups are already current: every use case the history ran applied its diff.
    let t = &h.totals;
    println!(
        "demo history: {} months, {} dossiers, {} tickets, {} ratings, {} feedback cases",
        h.months,
        progress::thousands(t.dossiers),
        progress::thousands(t.tickets),
        progress::thousands(t.ratings),
        progress::thousands(t.feedback)
    );
    println!(
        "  {} to {}, {} working days, {} s: {} returned, {} late with Form 04 ({} missed the new date), {} supplements, {} refused, {} withdrawn, {} no-shows, {} low ratings, {} complaints upheld, {} planned actions refused by a rule",
        h.from,
        h.to,
        t.days,
        started.elapsed().as_secs(),
        thousands(t.returned),
        t.apologies,
        t.late_missed,
        t.supplements,
        t.refused,
        t.withdrawn,
        t.no_shows,
        t.low_ratings,
        t.upheld,
        t.skipped
    );
    if !t.skipped_codes.is_empty() {
        let codes: Vec<String> = t
            .skipped_codes
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        println!("  refused: {}", codes.join(", "));
    }
    app.db.close().await;
    Ok(())
}

use progress::thousands;

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

mod progress;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let s = cli.settings;
    match cli.cmd.unwrap_or(Cmd::Serve { no_migrate: false }) {
        Cmd::Serve { no_migrate } => {
            init_logs(&s.log_format);
            serve(&s, !no_migrate).await?;
        }
        Cmd::Demo { history, seed } => {
            let db = s.db(true).await?;
            match history {
                None => {
                    let app = App::new(db);
                    let r = congbo_app::demo::fill(&app).await?;
                    print_demo(&r);
                    app.db.close().await;
                }
                Some(months) => demo_history(db, months, seed).await?,
            }
        }
        Cmd::Migrate => {
            let db = s.db(true).await?;
            congbo_app::calendar::seed_if_empty(&db, jiff::Timestamp::now().as_microsecond())
                .await?;
            for (v, name) in congbo_store::migration_names(db.backend()) {
                println!("{v:04} {name}");
            }
            println!("migrations applied on {}", db.backend().name());
            db.close().await;
        }
        Cmd::Audit { cmd } => {
            let db = s.db(false).await?;
            let code = audit::run(&db, cmd, &s.anchor_paths()).await;
            db.close().await;
            return code;
        }
        Cmd::Config {
            cmd: ConfigCmd::Show,
        } => {
            let url = s.database_url()?;
            let backend = if url.starts_with("postgres") {
                "postgres"
            } else {
                "sqlite"
            };
            println!("bind            = {}", s.bind);
            println!("data_dir        = {}", s.data_dir.display());
            println!("database        = {}", redact_url(&url));
            println!("backend         = {backend}");
            println!(
                "public_url      = {}",
                s.public_url.as_deref().unwrap_or("(none)")
            );
            println!("secure_cookies  = {}", s.secure_cookies());
            println!("log_format      = {}", s.log_format);
            println!("trusted_proxy   = {}", s.trusted_proxy);
            match s.notify_config() {
                Ok(n) => {
                    let shown = |v: Option<String>| {
                        v.unwrap_or_else(|| "(none: written to the log)".into())
                    };
                    println!("smtp            = {}", shown(n.smtp.map(|c| c.redacted())));
                    println!(
                        "sms_webhook     = {}",
                        shown(n.sms_webhook.map(|w| w.redacted()))
                    );
                    println!(
                        "zalo_webhook    = {}",
                        shown(n.zalo_webhook.map(|w| w.redacted()))
                    );
                }
                Err(e) => println!("notifications   = invalid: {e:#}"),
            }
        }
        Cmd::Backup { to } => {
            if to.exists() {
                bail!("{} already exists; choose a new file", to.display());
            }
            let db = s.db(false).await?;
            if db.backend() == congbo_store::Backend::Postgres {
                db.close().await;
                println!(
                    "congbo backup is for SQLite. On PostgreSQL use pg_dump, e.g.: pg_dump --format=custom --file={} \"$DATABASE_URL\"",
                    to.display()
                );
                return Ok(ExitCode::from(2));
            }
            db.backup_sqlite(&to.to_string_lossy()).await?;
            db.close().await;
            let size = std::fs::metadata(&to).map(|m| m.len()).unwrap_or_default();
            println!("backup written to {} ({size} bytes)", to.display());
        }
        Cmd::Rollup {
            cmd: RollupCmd::Rebuild { from },
        } => {
            let app = App::new(s.db(true).await?);
            let r = rollup_rebuild(&app, from).await;
            app.db.close().await;
            let r = r?;
            let from = r
                .from
                .map(|d| d.to_string())
                .unwrap_or_else(|| "the start".into());
            println!(
                "rollup rebuild: {} rows from {from} in {:.1} s ({} counter writes)",
                r.rows, r.seconds, r.counters
            );
        }
        Cmd::Calendar { cmd } => {
            let cal = work_calendar(&s).await?;
            calendar(cmd, &cal)?;
        }
        Cmd::Retention { cmd } => {
            let app = App::new(s.db(true).await?);
            let r = retention::run(&app, cmd).await;
            app.db.close().await;
            r?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Rebuild with a progress bar on a terminal, else a plain line every 10,000 rows (on stderr,
/// so stdout carries only the summary line).
async fn rollup_rebuild(
    app: &App,
    from: Option<jiff::civil::Date>,
) -> anyhow::Result<congbo_app::report::rollup::Rebuilt> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {human_pos} rows ({per_sec})",
            )?,
        );
        let mut progress = |n: u64| bar.set_position(n);
        let r = congbo_app::report::rollup::rebuild(app, from, &mut progress).await;
        bar.finish_and_clear();
        Ok(r?)
    } else {
        let mut next = 10_000;
        let mut progress = |n: u64| {
            if n >= next {
                eprintln!("rollup rebuild: {n} rows read");
                next = n + 10_000;
            }
        };
        Ok(congbo_app::report::rollup::rebuild(app, from, &mut progress).await?)
    }
}

async fn serve(s: &Settings, migrate: bool) -> anyhow::Result<()> {
    let notify = s.notify_config()?;
    let db = s.db(migrate).await?;
    let listener = tokio::net::TcpListener::bind(&s.bind)
        .await
        .with_context(|| format!("cannot listen on {}", s.bind))?;
    let addr = listener.local_addr()?;
    let base = s
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let app = App::new(db).with_settings(congbo_app::Settings {
        dossier: congbo_domain::dossier::DossierRules {
            max_reappointments: s.max_reappointments,
            warn_working_days: s.warn_working_days,
        },
        public_url: base.trim_end_matches('/').to_string(),
        attachment_quota_bytes: s.attachment_quota_mib * 1024 * 1024,
        ..congbo_app::Settings::default()
    });
    congbo_app::calendar::seed_if_empty(&app.db, app.now()).await?;
    if let Some(token) = congbo_app::auth::issue_setup_link(&app).await? {
        println!();
        println!(
            "  No administrator exists yet. Open this one-time link (valid 24 hours) to create one:"
        );
        println!("  {}/kich-hoat/{token}", base.trim_end_matches('/'));
        println!();
    }
    tracing::info!(%addr, backend = app.db.backend().name(), "congbo serving");
    let state = AppState::new(
        app,
        WebConfig {
            public_url: s.public_url.clone(),
            secure_cookies: s.secure_cookies(),
            lookup_per_minute: Some(s.lookups_per_minute),
            tickets_per_minute: Some(s.tickets_per_minute),
            feedback_per_minute: Some(s.feedback_per_minute),
            feedback_follow_per_minute: Some(s.feedback_follows_per_minute),
            feedback_action_per_minute: Some(s.feedback_actions_per_minute),
            trusted_proxies: s.trusted_proxy.clone(),
            attachment_bytes_per_day: Some(s.attachment_mib_per_day * 1024 * 1024),
        },
    );
    // The notification dispatcher stops first (finishing its round), then the server drains
    // its requests and closes the database. The audit sealer stops with the dispatcher after a
    // last round; rows committed by requests still draining are sealed at the next start.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = congbo_app::notify::spawn(state.app.clone(), notify, async move {
        let _ = stopped.await;
    })?;
    let (stop_sealer, sealer_stopped) = tokio::sync::oneshot::channel::<()>();
    let sealer = congbo_app::audit::spawn_sealer(state.app.db.clone(), async move {
        let _ = sealer_stopped.await;
    });
    // Personal data (issue 18): the daily retention job and the breach reminders.
    let (stop_privacy, privacy_stopped) = tokio::sync::watch::channel(false);
    let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let retention = congbo_app::privacy::retention::spawn_daily(
        state.app.clone(),
        wait(privacy_stopped.clone()),
    );
    let reminders =
        congbo_app::privacy::breach::spawn_reminders(state.app.clone(), wait(privacy_stopped));
    let (stop_anchorer, anchorer_stopped) = tokio::sync::oneshot::channel::<()>();
    let anchorer = audit::spawn_anchorer(
        state.app.db.clone(),
        s.anchor_paths(),
        std::time::Duration::from_secs(s.audit_anchor_minutes * 60),
        async move {
            let _ = anchorer_stopped.await;
        },
    )?;
    // Counters close at the end of the day even when nobody signed out (checked every minute).
    let day_ender = {
        let app = state.app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = congbo_app::queue::end_of_day(&app).await {
                    tracing::warn!(error = %e, "signing out yesterday's counters failed");
                }
            }
        })
    };
    let shutdown = async move {
        shutdown_signal().await;
        day_ender.abort();
        let _ = stop.send(());
        let _ = stop_sealer.send(());
        let _ = stop_privacy.send(true);
        let _ = retention.await;
        let _ = reminders.await;
        let _ = dispatcher.await;
        let _ = sealer.await;
        let _ = stop_anchorer.send(());
        if let Some(a) = anchorer {
            let _ = a.await;
        }
    };
    congbo_web::serve(listener, state, shutdown).await?;
    tracing::info!("congbo stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

fn parse_receipt(s: &str) -> anyhow::Result<jiff::civil::DateTime> {
    let s = s.trim();
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return Ok(dt);
    }
    let d: jiff::civil::Date = s
        .parse()
        .with_context(|| format!("not a local date or time: {s:?} (use 2026-02-12T09:00)"))?;
    Ok(d.to_datetime(jiff::civil::time(8, 0, 0, 0)))
}

/// The database's calendar (administrators' edits) when a database is configured — DATABASE_URL
/// is set or the data directory holds one — else the schedules built into the binary.
async fn work_calendar(s: &Settings) -> anyhow::Result<WorkCalendar> {
    if s.database_url.is_none() && !s.data_dir.join("congbo.db").exists() {
        return Ok(WorkCalendar::builtin());
    }
    let db = s.db(true).await?;
    congbo_app::calendar::seed_if_empty(&db, jiff::Timestamp::now().as_microsecond()).await?;
    let cal = congbo_app::calendar::load(&db).await?;
    db.close().await;
    Ok(cal)
}

fn calendar(cmd: CalendarCmd, cal: &WorkCalendar) -> anyhow::Result<()> {
    let rules = DeadlineRules::default();
    match cmd {
        CalendarCmd::Due {
            from: Some(from),
            days,
        } => {
            let d = due_date(
                cal,
                parse_receipt(&from)?,
                TimeLimit::working_days(days),
                &rules,
            );
            println!("{d}");
        }
        CalendarCmd::Due { from: None, .. } => {
            let stdin = std::io::stdin();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for (i, line) in stdin.lock().lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let mut it = line.split_whitespace();
                let (Some(from), Some(days), None) = (it.next(), it.next(), it.next()) else {
                    bail!("line {}: expected \"FROM DAYS\", got {line:?}", i + 1);
                };
                let days: u32 = days
                    .parse()
                    .with_context(|| format!("line {}: days must be a whole number", i + 1))?;
                let d = due_date(
                    cal,
                    parse_receipt(from)?,
                    TimeLimit::working_days(days),
                    &rules,
                );
                writeln!(out, "{d}")?;
            }
            out.flush()?;
        }
        CalendarCmd::Tet { year } => {
            let d = tet(year).with_context(|| format!("year {year} is out of range"))?;
            println!("{d}");
        }
        CalendarCmd::Year { year } => {
            for d in cal.non_working_weekdays_and_makeup_days(year) {
                println!(
                    "{} {:<3} {:<16} {} [{}]",
                    d.date,
                    d.date.strftime("%a"),
                    d.kind.as_str(),
                    d.name_vi,
                    d.notice
                );
            }
        }
    }
    Ok(())
}
