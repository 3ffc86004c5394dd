//! The `congbo` binary as scripts and operators use it: exact outputs and exit codes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use congbo_store::Backend;
use congbo_testkit::TestDb;

fn congbo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_congbo"));
    // No database unless a test names one (the calendar then uses its built-in data).
    c.env_remove("DATABASE_URL")
        .env("CONGBO_DATA_DIR", "/nonexistent/congbo-cli-test")
        .env("RUST_LOG", "warn");
    c
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run congbo");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `congbo demo`, then `congbo audit verify` seals and is ok; a row changed behind the
/// application's back is named; on both backends.
async fn audit_verify_catches_tampering(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else {
        return;
    };
    let (code, out, err) = run(congbo().args(["demo"]).env("DATABASE_URL", &t.url));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("demo: 5 offices, 12 counters, 23 staff, 28 procedure versions"),
        "{out}"
    );
    // Nothing seals outside `serve`: a read-only check counts the two rows waiting; a plain
    // verify seals them first.
    let (code, out, _) = run(congbo()
        .args(["audit", "verify", "--no-seal"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(
        (code, out.trim()),
        (0, "2 entries not sealed yet\naudit chain ok: 0 entries")
    );
    let (code, out, _) = run(congbo()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &t.url));
    assert_eq!((code, out.trim()), (0, "audit chain ok: 2 entries"));
    // Add rows through the application, then tamper with the first one directly in SQL.
    let app = congbo_app::App::new(t.db.clone());
    for _ in 0..3 {
        let _ = congbo_app::auth::login(&app, "quantri", "wrong-password", None).await;
    }
    let (code, out, _) = run(congbo()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &t.url));
    assert_eq!((code, out.trim()), (0, "audit chain ok: 5 entries"));
    let mut tx = t.db.begin().await.unwrap();
    congbo_store::exec!(&mut tx, c => sqlx::query("UPDATE audit_log SET summary = '{\"forged\":true}' WHERE seq = 2").execute(c).await).unwrap();
    tx.commit().await.unwrap();
    let (code, out, _) = run(congbo()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim(),
        "audit chain BROKEN: entry 2 does not match its hash (changed, or its predecessor was)"
    );
    // Deleting the last row (and so hiding it) is caught by the head as well.
    let mut tx = t.db.begin().await.unwrap();
    congbo_store::exec!(&mut tx, c => sqlx::query("DELETE FROM audit_log WHERE seq >= 2").execute(c).await).unwrap();
    tx.commit().await.unwrap();
    let (code, out, _) = run(congbo()
        .args(["audit", "verify"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(code, 1);
    assert!(
        out.contains("the log ends at entry 1 but the chain head records 5 entries"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_sqlite() {
    audit_verify_catches_tampering(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_postgres() {
    audit_verify_catches_tampering(Backend::Postgres).await;
}

/// `congbo audit anchor` signs the head into a file; after rows are cut off the end and the head
/// moved back, `audit verify` alone is ok but `audit verify --anchor` names the anchor and
/// fails; an anchor from another key is refused.
async fn audit_anchor_catches_a_cut(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cli = || {
        let mut c = congbo();
        c.env("DATABASE_URL", &t.url)
            .env("CONGBO_DATA_DIR", dir.path());
        c
    };
    let (code, out, err) = run(cli().args(["demo"]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(cli().args(["audit", "anchor"]));
    assert_eq!(code, 0, "{err}");
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (line["seq"].as_i64(), line["format"].as_str()),
        (Some(2), Some("congbo-audit-anchor/1"))
    );
    let file = dir.path().join("audit-anchors.jsonl");
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), out.trim());
    let (code, out, _) = run(cli().args(["audit", "verify", "--anchor"]).arg(&file));
    assert_eq!(
        (code, out.trim()),
        (0, "audit chain ok: 2 entries\nanchors ok: 1 checked")
    );
    // Cut the last entry and move the head back: the chain alone cannot tell.
    let mut tx = t.db.begin().await.unwrap();
    congbo_store::exec!(&mut tx, c => sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(c).await).unwrap();
    congbo_store::exec!(&mut tx, c => sqlx::query("UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE id = 1").execute(c).await).unwrap();
    tx.commit().await.unwrap();
    let (code, out, _) = run(cli().args(["audit", "verify"]));
    assert_eq!((code, out.trim()), (0, "audit chain ok: 1 entries"));
    let (code, out, _) = run(cli().args(["audit", "verify", "--anchor"]).arg(&file));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("audit chain BROKEN against anchor line 1: the chain had 2 entries when anchored and now has 1"),
        "{out}"
    );
    // Trusting another key refuses the anchor itself.
    let (code, out, _) = run(cli()
        .args(["audit", "verify", "--anchor"])
        .arg(&file)
        .args(["--public-key", &"ab".repeat(32)]));
    assert_eq!(code, 1);
    assert!(
        out.contains("signed by another key than the trusted one"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_anchor_sqlite() {
    audit_anchor_catches_a_cut(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_anchor_postgres() {
    audit_anchor_catches_a_cut(Backend::Postgres).await;
}

/// The counts line of `congbo demo --history`.
fn history_line(out: &str) -> String {
    out.lines()
        .find(|l| l.starts_with("demo history: 2 months,"))
        .unwrap_or_else(|| panic!("no history line in {out}"))
        .to_string()
}

async fn count(db: &congbo_store::Db, sql: &'static str) -> i64 {
    let mut tx = db.read().await.unwrap();
    let (n,): (i64,) =
        congbo_store::on_tx!(&mut tx, c => sqlx::query_as(sql).fetch_one(c).await).unwrap();
    tx.commit().await.unwrap();
    n
}

/// `congbo demo --history 2 --seed 7`: the same seed gives the same history on a fresh
/// database; it has late dossiers with Form 04, mostly satisfied ratings, and nothing happens on
/// a day off.
async fn demo_history_is_reproducible_and_realistic(backend: Backend) {
    // The history ends today (Vietnam time): two runs compare only when they ran on one day,
    // so a pair that straddles midnight in Vietnam is made again.
    let today = || congbo_domain::time::date_of(jiff::Timestamp::now());
    let (mut lines, mut dbs) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let day = today();
        (lines, dbs) = (Vec::new(), Vec::new());
        for _ in 0..2 {
            let Some(t) = TestDb::new(backend).await else {
                return;
            };
            let (code, out, err) = run(congbo()
                .args(["demo", "--history", "2", "--seed", "7"])
                .env("DATABASE_URL", &t.url));
            assert_eq!(code, 0, "{out}{err}");
            assert!(
                out.starts_with("demo: 21 offices, 60 counters, 103 staff,"),
                "{out}"
            );
            lines.push(history_line(&out));
            dbs.push(t);
        }
        if today() == day {
            break;
        }
    }
    assert_eq!(lines[0], lines[1], "the same seed gives the same history");
    let db = &dbs[0].db;
    let dossiers = count(db, "SELECT COUNT(*) FROM dossiers").await;
    assert!(dossiers > 500, "{}", lines[0]);
    let late_with_apology = count(
        db,
        "SELECT COUNT(*) FROM dossiers WHERE apologies > 0 AND on_time = 'late'",
    )
    .await;
    assert!(late_with_apology > 0, "late dossiers with Form 04");
    let ratings = count(db, "SELECT COUNT(*) FROM ratings").await;
    let satisfied = count(db, "SELECT COUNT(*) FROM ratings WHERE satisfied").await;
    assert!(ratings > 100, "{ratings} ratings");
    let share = satisfied as f64 / ratings as f64;
    assert!((0.8..1.0).contains(&share), "satisfied share {share}");
    let calendar = congbo_domain::calendar::WorkCalendar::builtin();
    let mut tx = db.read().await.unwrap();
    let days: Vec<(String,)> = congbo_store::on_tx!(&mut tx, c => sqlx::query_as("SELECT DISTINCT day FROM tickets").fetch_all(c).await).unwrap();
    let received: Vec<(i64,)> = congbo_store::on_tx!(&mut tx, c => sqlx::query_as("SELECT submitted_at FROM dossiers").fetch_all(c).await).unwrap();
    tx.commit().await.unwrap();
    assert!(days.len() > 30, "{} days with tickets", days.len());
    for (day,) in &days {
        let d: jiff::civil::Date = day.parse().unwrap();
        assert!(calendar.is_working_day(d), "tickets on {d}");
    }
    for (at,) in &received {
        let d = congbo_domain::time::local_date(*at);
        assert!(
            calendar.is_working_day(d) && d.weekday() != jiff::civil::Weekday::Sunday,
            "a dossier received on {d}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_history_sqlite() {
    demo_history_is_reproducible_and_realistic(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_history_postgres() {
    demo_history_is_reproducible_and_realistic(Backend::Postgres).await;
}

#[test]
fn calendar_commands_print_exactly_what_scripts_expect() {
    let (code, out, _) = run(congbo().args([
        "calendar",
        "due",
        "--from",
        "2026-02-12T09:00",
        "--days",
        "5",
    ]));
    assert_eq!((code, out.as_str()), (0, "2026-02-26\n"));
    let (_, out, _) = run(congbo().args(["calendar", "tet", "2030"]));
    assert_eq!(out, "2030-02-02\n");
    let (_, out, _) = run(congbo().args(["calendar", "year", "2026"]));
    assert!(out.contains("2026-08-22 Sat makeup_workday"), "{out}");
    assert!(out.contains("2026-08-31 Mon swapped_off"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("2026-02-17 Tue holiday") && l.contains("Tết")),
        "{out}"
    );
    // Batch mode: one date per line, in order.
    let mut child = congbo()
        .args(["calendar", "due"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"2026-02-12T09:00 5\n2026-02-13T09:00 1\n2026-04-24T09:00 3\n2026-12-30T09:00 2\n2026-02-12T16:00 5\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2026-02-26\n2026-02-23\n2026-05-04\n2027-01-04\n2026-02-27\n"
    );
    let (code, _, err) =
        run(congbo().args(["calendar", "due", "--from", "yesterday", "--days", "1"]));
    assert_eq!(code, 1);
    assert!(err.contains("not a local date or time"), "{err}");
}

#[test]
fn migrate_backup_and_config_show_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    let (code, out, _) = run(congbo().args(["migrate", "--data-dir", d]));
    assert_eq!(code, 0);
    assert!(
        out.contains("0001 foundation") && out.contains("migrations applied on sqlite"),
        "{out}"
    );
    let (code, _, _) = run(congbo().args(["demo", "--data-dir", d]));
    assert_eq!(code, 0);
    let backup = dir.path().join("backup.db");
    let (code, out, _) =
        run(congbo().args(["backup", "--data-dir", d, "--to", backup.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("backup written to"));
    // The database, its WAL and the backup are readable by the owner only (issue 15).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [
            data.join("congbo.db"),
            data.join("congbo.db-wal"),
            backup.clone(),
        ] {
            if let Ok(m) = std::fs::metadata(&f) {
                assert_eq!(m.permissions().mode() & 0o777, 0o600, "{}", f.display());
            } else {
                assert!(f.ends_with("congbo.db-wal"), "{} missing", f.display());
            }
        }
    }
    // The backup is a working database: the chain verifies there too.
    let (code, out, _) = run(congbo()
        .args(["audit", "verify"])
        .env("DATABASE_URL", format!("sqlite:{}", backup.display())));
    assert_eq!((code, out.trim()), (0, "audit chain ok: 2 entries"));
    // Never overwrites.
    let (code, _, err) =
        run(congbo().args(["backup", "--data-dir", d, "--to", backup.to_str().unwrap()]));
    assert_eq!(code, 1);
    assert!(err.contains("already exists"));
    let (_, out, _) = run(congbo()
        .args(["config", "show", "--data-dir", d])
        .env("DATABASE_URL", "postgres://congbo:s3cret@db.local/congbo"));
    assert!(
        out.contains("postgres://congbo:***@db.local/congbo") && !out.contains("s3cret"),
        "{out}"
    );
    assert!(out.contains("bind            = 127.0.0.1:8080"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_on_postgres_points_to_pg_dump() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (code, out, _) = run(congbo()
        .args(["backup", "--to", "/tmp/congbo-never-written.db"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(code, 2);
    assert!(out.contains("pg_dump"));
}

/// `congbo serve` on a fresh data dir prints a one-time setup link, answers /healthz and
/// /readyz, and on SIGTERM finishes and checkpoints SQLite (the WAL file is emptied).
#[test]
fn serve_prints_setup_link_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = congbo()
        .args([
            "serve",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--bind",
            &bind,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let link = loop {
        let l = lines.next().expect("setup link printed").unwrap();
        if let Some(pos) = l.find("http://") {
            break l[pos..].to_string();
        }
    };
    assert!(
        link.starts_with(&format!("http://{bind}/kich-hoat/")),
        "{link}"
    );
    let get = |path: &str| -> String {
        for _ in 0..50 {
            if let Ok(mut s) = std::net::TcpStream::connect(&bind) {
                write!(
                    s,
                    "GET {path} HTTP/1.1\r\nHost: {bind}\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut buf = String::new();
                std::io::Read::read_to_string(&mut s, &mut buf).unwrap();
                return buf;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server did not answer");
    };
    assert!(get("/healthz").starts_with("HTTP/1.1 200"));
    assert!(get("/readyz").starts_with("HTTP/1.1 200"));
    let setup_path = link.trim_start_matches(&format!("http://{bind}"));
    assert!(get(setup_path).starts_with("HTTP/1.1 200"));
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let wal = dir.path().join("congbo.db-wal");
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal_len, 0, "WAL was not checkpointed at shutdown");
}

/// `congbo retention plan` lists every kind with its period and what is due; `run` treats it
/// (an expired session here) and writes one audit row for the batch; a second run does
/// nothing. On both backends.
async fn retention_plan_and_run(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else {
        return;
    };
    let (code, out, err) = run(congbo().args(["demo"]).env("DATABASE_URL", &t.url));
    assert_eq!(code, 0, "{out}{err}");
    let mut tx = t.db.begin().await.unwrap();
    let user = congbo_store::repo::staff::get_by_username(&mut tx, "quantri")
        .await
        .unwrap()
        .unwrap();
    let old = jiff::Timestamp::now().as_microsecond() - 40 * 86_400_000_000;
    congbo_store::repo::session::insert(
        &mut tx,
        &congbo_store::repo::session::SessionRow {
            token_hash: "expired-long-ago".into(),
            user_id: user.id,
            created_at: old,
            expires_at: old,
            last_seen_at: old,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (code, out, err) = run(congbo()
        .args(["retention", "plan"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("dossier") && out.contains("20 years"), "{out}");
    assert!(out.contains("session") && out.contains("30 days"), "{out}");
    assert!(
        out.ends_with("retention plan: 1 records would be treated\n"),
        "{out}"
    );
    let (code, out, err) = run(congbo()
        .args(["retention", "run"])
        .env("DATABASE_URL", &t.url));
    assert_eq!(code, 0, "{out}{err}");
    let line = format!("{:<22} {:>8} rows in 1 batches", "session", 1);
    assert!(out.contains(&line), "{out}");
    assert!(out.ends_with("retention run: 1 records treated\n"), "{out}");
    let batches = count(
        &t.db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.batch'",
    )
    .await;
    assert_eq!(batches, 1);
    let (_, out, _) = run(congbo()
        .args(["retention", "run"])
        .env("DATABASE_URL", &t.url));
    assert!(out.ends_with("retention run: 0 records treated\n"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_sqlite() {
    retention_plan_and_run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_postgres() {
    retention_plan_and_run(Backend::Postgres).await;
}
