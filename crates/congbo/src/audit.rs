//! `congbo audit …`: verify the chain (and, with `--anchor`, against signed anchors kept outside
//! the database), write an anchor, and the schedule on which `serve` writes them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use congbo_app::audit::Verdict;
use congbo_app::audit::anchor::{self, AnchorFailure, AnchorKey};
use congbo_domain::audit::{AnchorBreak, Break};
use congbo_store::Db;

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Seal committed entries, then walk the hash chain; exit 1 at the first broken entry.
    Verify {
        /// Only read: do not seal waiting entries first (they are counted instead).
        #[arg(long)]
        no_seal: bool,
        /// Also check the chain against every signed anchor in this file (from `audit anchor`
        /// or `serve`): a chain cut short, reset or rewritten since then fails.
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
        /// The public key (hex) that anchors must be signed with; by default that of the
        /// anchor key file.
        #[arg(long, value_name = "HEX", requires = "anchor")]
        public_key: Option<String>,
    },
    /// Seal, then sign the chain head with the anchor key and append it to the anchor file
    /// (and print it): copy it somewhere the database's administrators cannot write.
    Anchor {
        /// The anchor file; by default the one `serve` writes.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Where anchors and their key live.
pub struct AnchorPaths {
    pub key: PathBuf,
    pub file: PathBuf,
}

pub async fn run(db: &Db, cmd: AuditCmd, paths: &AnchorPaths) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCmd::Verify {
            no_seal,
            anchor,
            public_key,
        } => verify(db, no_seal, anchor.as_deref(), public_key, paths).await,
        AuditCmd::Anchor { out } => {
            let key = AnchorKey::load_or_create(&paths.key)?;
            let a = anchor::anchor(db, &key, jiff::Timestamp::now().as_microsecond()).await?;
            anchor::append(out.as_deref().unwrap_or(&paths.file), &a)?;
            println!("{}", serde_json::to_string(&a)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(
    db: &Db,
    no_seal: bool,
    anchors: Option<&Path>,
    public_key: Option<String>,
    paths: &AnchorPaths,
) -> anyhow::Result<ExitCode> {
    if !no_seal {
        congbo_app::audit::seal_now(db).await?;
    }
    let report = congbo_app::audit::check(db).await?;
    if report.unsealed > 0 {
        println!("{} entries not sealed yet", report.unsealed);
    }
    match report.verdict {
        Verdict::Ok(n) => println!("audit chain ok: {n} entries"),
        Verdict::Broken(b) => {
            println!("audit chain BROKEN: {}", describe(&b));
            return Ok(ExitCode::FAILURE);
        }
    }
    let Some(file) = anchors else {
        return Ok(ExitCode::SUCCESS);
    };
    let trusted = match public_key {
        Some(k) => k.trim().to_lowercase(),
        None => AnchorKey::load(&paths.key)?.public_hex(),
    };
    match anchor::check_file(db, file, &trusted).await? {
        Ok(n) => {
            println!("anchors ok: {n} checked");
            Ok(ExitCode::SUCCESS)
        }
        Err((line, f)) => {
            println!(
                "audit chain BROKEN against anchor line {line}: {}",
                failure(&f)
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn describe(b: &Break) -> String {
    match b {
        Break::HashMismatch { seq } => {
            format!("entry {seq} does not match its hash (changed, or its predecessor was)")
        }
        Break::Gap { expected, found } => {
            format!("entry {expected} is missing (next entry found is {found})")
        }
        Break::Head {
            expected_seq,
            found_seq,
        } => format!(
            "the log ends at entry {found_seq} but the chain head records {expected_seq} entries"
        ),
    }
}

fn failure(f: &AnchorFailure) -> String {
    match f {
        AnchorFailure::Unreadable => "not an anchor this version reads".into(),
        AnchorFailure::Untrusted => "signed by another key than the trusted one".into(),
        AnchorFailure::BadSignature => "its signature does not match (the line was edited)".into(),
        AnchorFailure::Chain(AnchorBreak::Cut {
            anchored_seq,
            head_seq,
        }) => format!(
            "the chain had {anchored_seq} entries when anchored and now has {head_seq} (entries were cut off or the log was reset)"
        ),
        AnchorFailure::Chain(AnchorBreak::Rewritten { seq }) => {
            format!("entry {seq} no longer has the anchored hash (the chain was rewritten)")
        }
    }
}

/// `serve`'s anchorer: an anchor every `every` (none when zero), and one at shutdown.
pub fn spawn_anchorer(
    db: Db,
    paths: AnchorPaths,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if every.is_zero() {
        return Ok(None);
    }
    let key = std::sync::Arc::new(AnchorKey::load_or_create(&paths.key)?);
    let file = paths.file;
    Ok(Some(congbo_app::audit::spawn_rounds(
        every,
        shutdown,
        move || {
            let (db, key, file) = (db.clone(), key.clone(), file.clone());
            async move {
                let now = jiff::Timestamp::now().as_microsecond();
                let written = match anchor::anchor(&db, &key, now).await {
                    Ok(a) => anchor::append(&file, &a),
                    Err(e) => Err(e),
                };
                if let Err(e) = written {
                    tracing::error!(error = %e, "anchoring the audit chain failed");
                }
            }
        },
    )))
}
