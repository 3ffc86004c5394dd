//! The tamper-evident audit chain. Each row's hash is SHA-256 over the previous row's hash and
//! this row's fields in a length-prefixed canonical form, so changing, deleting or reordering
//! any row breaks every hash after it.

use sha2::{Digest, Sha256};

/// The hash the first row chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields that an audit row commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields {
    pub seq: i64,
    pub at_micros: i64,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub role: Option<String>,
    pub office_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    pub request_id: Option<String>,
}

pub fn chain_hash(prev_hash: &str, f: &AuditFields) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    put(prev_hash);
    put(&f.seq.to_string());
    put(&f.at_micros.to_string());
    for opt in [&f.actor_id, &f.role, &f.office_id] {
        put(opt.as_deref().unwrap_or("\u{0}"));
    }
    put(&f.actor_name);
    put(&f.action);
    put(&f.target_type);
    put(f.target_id.as_deref().unwrap_or("\u{0}"));
    put(&f.summary);
    put(f.request_id.as_deref().unwrap_or("\u{0}"));
    hex::encode(h.finalize())
}

/// Why the chain is broken at a given row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's fields no longer match its hash (edited), or its predecessor changed.
    HashMismatch { seq: i64 },
    /// Sequence numbers skip (a row was deleted) or repeat.
    Gap { expected: i64, found: i64 },
    /// The recorded head (last seq and hash) does not match the last row (rows cut off the end).
    Head { expected_seq: i64, found_seq: i64 },
}

/// Walks the rows in `seq` order. Stops at the first break.
#[derive(Debug)]
pub struct Verifier {
    prev_hash: String,
    expected_seq: i64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS.to_string(),
            expected_seq: 1,
        }
    }
}

impl Verifier {
    pub fn push(&mut self, fields: &AuditFields, stored_hash: &str) -> Result<(), Break> {
        if fields.seq != self.expected_seq {
            return Err(Break::Gap {
                expected: self.expected_seq,
                found: fields.seq,
            });
        }
        if chain_hash(&self.prev_hash, fields) != stored_hash {
            return Err(Break::HashMismatch { seq: fields.seq });
        }
        self.prev_hash = stored_hash.to_string();
        self.expected_seq += 1;
        Ok(())
    }

    /// Checks the walked rows against the recorded head; returns the number of rows.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, Break> {
        let walked = self.expected_seq - 1;
        if walked != head_seq || (walked > 0 && head_hash != self.prev_hash) {
            return Err(Break::Head {
                expected_seq: head_seq,
                found_seq: walked,
            });
        }
        Ok(walked)
    }
}

/// The chain head as published outside the database: at `at_micros` the chain held `seq`
/// sealed rows and the last one's hash was `hash`. `congbo audit anchor` signs it (Ed25519);
/// a later check against it detects rows cut off the end, a reset chain and a rewritten one,
/// which the chain alone cannot show once its recorded head is moved too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnchorPoint {
    pub seq: i64,
    pub hash: String,
    pub at_micros: i64,
}

impl AnchorPoint {
    /// The bytes signed: a versioned, line-separated statement.
    pub fn message(&self) -> Vec<u8> {
        format!(
            "congbo-audit-anchor/1\n{}\n{}\n{}",
            self.seq, self.hash, self.at_micros
        )
        .into_bytes()
    }

    /// Check the chain as it is now (`head_seq`, and the hash of its row `self.seq`, if any)
    /// against this anchor.
    pub fn check(&self, head_seq: i64, hash_at_seq: Option<&str>) -> Result<(), AnchorBreak> {
        if head_seq < self.seq || (self.seq > 0 && hash_at_seq.is_none()) {
            return Err(AnchorBreak::Cut {
                anchored_seq: self.seq,
                head_seq,
            });
        }
        let now = if self.seq == 0 {
            GENESIS
        } else {
            hash_at_seq.unwrap_or_default()
        };
        if now != self.hash {
            return Err(AnchorBreak::Rewritten { seq: self.seq });
        }
        Ok(())
    }
}

/// How the chain disagrees with an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorBreak {
    /// The chain is shorter than it was when anchored (rows cut off the end, or all reset).
    Cut { anchored_seq: i64, head_seq: i64 },
    /// The anchored row's hash changed: the chain was rewritten up to it.
    Rewritten { seq: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, summary: &str) -> AuditFields {
        AuditFields {
            seq,
            at_micros: 1_700_000_000_000_000 + seq,
            actor_id: Some("u1".into()),
            actor_name: "lan".into(),
            role: Some("admin".into()),
            office_id: None,
            action: "office.create".into(),
            target_type: "office".into(),
            target_id: Some("o1".into()),
            summary: summary.into(),
            request_id: Some("r".into()),
        }
    }

    fn chain(n: i64) -> Vec<(AuditFields, String)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|s| {
                let f = row(s, &format!("change {s}"));
                prev = chain_hash(&prev, &f);
                (f, prev.clone())
            })
            .collect()
    }

    fn verify(rows: &[(AuditFields, String)], head: i64) -> Result<i64, Break> {
        let mut v = Verifier::default();
        for (f, h) in rows {
            v.push(f, h)?;
        }
        let head_hash = rows.iter().find(|r| r.0.seq == head).map(|r| r.1.clone());
        v.finish(head, head_hash.as_deref().unwrap_or(GENESIS))
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5), 5), Ok(5));
        assert_eq!(verify(&[], 0), Ok(0));
    }

    #[test]
    fn edited_row_is_named() {
        let mut c = chain(5);
        c[2].0.summary = "changed behind the app's back".into();
        assert_eq!(verify(&c, 5), Err(Break::HashMismatch { seq: 3 }));
    }

    #[test]
    fn deleted_row_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c, 5),
            Err(Break::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn truncated_tail_is_caught_by_head() {
        let mut c = chain(5);
        c.pop();
        assert!(matches!(verify(&c, 5), Err(Break::Head { .. })));
    }

    #[test]
    fn field_boundaries_matter() {
        let mut a = row(1, "ab");
        a.action = "x".into();
        let mut b = row(1, "ab");
        b.action = "x\u{0}".into();
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &b));
    }

    #[test]
    fn anchor_detects_a_cut_a_reset_and_a_rewrite() {
        let a = AnchorPoint {
            seq: 5,
            hash: "h5".into(),
            at_micros: 1,
        };
        assert_eq!(a.check(5, Some("h5")), Ok(()));
        assert_eq!(a.check(9, Some("h5")), Ok(()));
        assert_eq!(
            a.check(4, None),
            Err(AnchorBreak::Cut {
                anchored_seq: 5,
                head_seq: 4
            })
        );
        assert_eq!(
            a.check(0, None),
            Err(AnchorBreak::Cut {
                anchored_seq: 5,
                head_seq: 0
            })
        );
        assert_eq!(
            a.check(7, Some("other")),
            Err(AnchorBreak::Rewritten { seq: 5 })
        );
        let empty = AnchorPoint {
            seq: 0,
            hash: GENESIS.into(),
            at_micros: 1,
        };
        assert_eq!(empty.check(0, None), Ok(()));
        assert_ne!(a.message(), empty.message());
    }
}
