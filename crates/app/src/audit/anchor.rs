//! The audit chain anchored outside the database (issue 15). `congbo audit anchor` (and
//! `serve`, on a schedule) signs the chain head with an Ed25519 key kept in a file, not in the
//! database, and appends the signed statement to an anchor file, one JSON line each.
//! `audit verify --anchor FILE` then checks the chain against every anchor in the file: rows cut
//! off the end with the recorded head moved back, a chain deleted and reset, or one rewritten
//! and resealed all disagree with an earlier anchor, and whoever can write the database but not
//! read the key cannot make a new one.

use std::io::Write;
use std::path::Path;

use congbo_domain::audit::{AnchorBreak, AnchorPoint};
use congbo_domain::time::iso_local;
use congbo_store::Db;
use congbo_store::repo::audit as repo;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

use crate::{AppError, Result};

/// The format tag of an anchor line.
pub const FORMAT: &str = "congbo-audit-anchor/1";

/// The signing key (PKCS#8, in a file readable only by its owner).
pub struct AnchorKey {
    pair: Ed25519KeyPair,
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what} {}: {e}", path.display()))
}

impl AnchorKey {
    /// The key in `path`, made (mode 0600) when the file does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<AnchorKey> {
        if !path.exists() {
            let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| AppError::Internal("cannot generate an Ed25519 key".into()))?;
            write_private(path, doc.as_ref())?;
        }
        Self::load(path)
    }

    pub fn load(path: &Path) -> Result<AnchorKey> {
        let bytes = std::fs::read(path).map_err(|e| io("cannot read the anchor key", path, e))?;
        let pair = Ed25519KeyPair::from_pkcs8(&bytes)
            .map_err(|e| io("not an Ed25519 PKCS#8 key", path, e))?;
        Ok(AnchorKey { pair })
    }

    /// The public half, hex: what a verifier trusts.
    pub fn public_hex(&self) -> String {
        hex::encode(self.pair.public_key().as_ref())
    }
}

/// Open `path` readable by its owner only if it is created: new (refusing an existing file) or
/// for appending.
fn open_private(path: &Path, append: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    if append {
        o.append(true).create(true);
    } else {
        o.write(true).create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Create `path` (mode 0600) and write `bytes`; an existing file is never overwritten.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    open_private(path, false)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| io("cannot write the anchor key", path, e))
}

/// One line of an anchor file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedAnchor {
    pub format: String,
    #[serde(flatten)]
    pub point: AnchorPoint,
    /// `at_micros` in Vietnam local time, for people reading the file.
    pub at: String,
    pub public_key: String,
    pub signature: String,
}

/// Seal what is committed, then sign the chain head as of `now`.
pub async fn anchor(db: &Db, key: &AnchorKey, now: i64) -> Result<SignedAnchor> {
    super::seal_now(db).await?;
    let mut tx = db.read().await?;
    let (seq, hash) = repo::head(&mut tx).await?;
    tx.commit().await?;
    let point = AnchorPoint {
        seq,
        hash,
        at_micros: now,
    };
    let signature = hex::encode(key.pair.sign(&point.message()).as_ref());
    Ok(SignedAnchor {
        format: FORMAT.into(),
        at: iso_local(now),
        public_key: key.public_hex(),
        signature,
        point,
    })
}

/// Append `a` as one line to the anchor file `path` (made 0600 if new).
pub fn append(path: &Path, a: &SignedAnchor) -> Result<()> {
    let line = serde_json::to_string(a).map_err(|e| AppError::Internal(e.to_string()))?;
    open_private(path, true)
        .and_then(|mut f| writeln!(f, "{line}"))
        .map_err(|e| io("cannot write the anchor file", path, e))
}

/// Why an anchor line does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorFailure {
    /// Not an anchor line this version reads.
    Unreadable,
    /// Signed by another key than the trusted one.
    Untrusted,
    /// The signature does not match the statement (the line was edited).
    BadSignature,
    /// The chain no longer agrees with what was anchored.
    Chain(AnchorBreak),
}

/// Check the chain against every line of the anchor file `path`, trusting only anchors signed
/// by `trusted` (the public key, hex). Returns how many anchors hold, or the first line (from
/// 1) that does not, and why.
pub async fn check_file(
    db: &Db,
    path: &Path,
    trusted: &str,
) -> Result<std::result::Result<usize, (usize, AnchorFailure)>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| io("cannot read the anchor file", path, e))?;
    let mut tx = db.read().await?;
    let (head_seq, _) = repo::head(&mut tx).await?;
    let mut held = 0;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let failure = match serde_json::from_str::<SignedAnchor>(line) {
            Err(_) => Some(AnchorFailure::Unreadable),
            Ok(a) if a.format != FORMAT => Some(AnchorFailure::Unreadable),
            Ok(a) if a.public_key != trusted => Some(AnchorFailure::Untrusted),
            Ok(a) if !signed(&a) => Some(AnchorFailure::BadSignature),
            Ok(a) => {
                let hash = repo::hash_at(&mut tx, a.point.seq).await?;
                a.point
                    .check(head_seq, hash.as_deref())
                    .err()
                    .map(AnchorFailure::Chain)
            }
        };
        if let Some(f) = failure {
            tx.commit().await?;
            return Ok(Err((i + 1, f)));
        }
        held += 1;
    }
    tx.commit().await?;
    Ok(Ok(held))
}

/// Whether `a`'s signature is its public key's over its statement.
fn signed(a: &SignedAnchor) -> bool {
    let (Ok(key), Ok(sig)) = (hex::decode(&a.public_key), hex::decode(&a.signature)) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, key)
        .verify(&a.point.message(), &sig)
        .is_ok()
}
