//! The strengths-and-weaknesses register (*sổ theo dõi ưu, khuyết điểm*; issue 14, item 2):
//! what an entry is and what it may carry.
//!
//! Errors (code, field): `register-kind-unknown` (`kind`), `evidence-link` (`evidence`: a link
//! to evidence is a path of congbo itself, `/…`, never another site or a script),
//! `clause-format` (`clause`: `code/item`, letters, digits, `.`, `-`, `_`).

use serde::{Deserialize, Serialize};

use super::suggestions::SuggestionKind;
use crate::DomainError;

/// What an entry says about the officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Biểu dương: a strength.
    Praise,
    /// Nhắc nhở: a reminder.
    Reminder,
    /// Khuyết điểm: a weakness.
    Weakness,
}

impl EntryKind {
    pub const ALL: [EntryKind; 3] = [Self::Praise, Self::Reminder, Self::Weakness];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Praise => "praise",
            Self::Reminder => "reminder",
            Self::Weakness => "weakness",
        }
    }

    /// Error: `register-kind-unknown` (`kind`).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or(DomainError::field("register-kind-unknown", "kind"))
    }

    /// The entry an accepted suggestion becomes.
    pub fn of_suggestion(kind: SuggestionKind) -> Self {
        match kind {
            SuggestionKind::Strength => Self::Praise,
            SuggestionKind::Weakness => Self::Weakness,
        }
    }
}

/// A link to evidence: a path on congbo (`/ho-so/…`), trimmed; empty → none.
/// Error: `evidence-link` (`evidence`).
pub fn evidence_link(s: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let ok = s.starts_with('/')
        && !s.starts_with("//")
        && s.len() <= 300
        && s.chars()
            .all(|c| c.is_ascii_graphic() && c != '\\' && c != '"' && c != '<');
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err(DomainError::field("evidence-link", "evidence"))
    }
}

/// A cited code-of-conduct clause, `code/item`; empty → none. Error: `clause-format` (`clause`).
pub fn clause(s: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.len() <= 40
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    match s.split_once('/') {
        Some((code, item)) if part(code) && part(item) => Ok(Some(s.to_owned())),
        _ => Err(DomainError::field("clause-format", "clause")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_links_and_clauses_are_checked() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(
            EntryKind::parse("blame").unwrap_err().code,
            "register-kind-unknown"
        );
        assert_eq!(evidence_link(Some(" ")), Ok(None));
        assert_eq!(
            evidence_link(Some("/ho-so/abc")),
            Ok(Some("/ho-so/abc".into()))
        );
        for bad in [
            "https://x.example",
            "//x.example",
            "javascript:alert(1)",
            "/a b",
        ] {
            assert_eq!(evidence_link(Some(bad)).unwrap_err().code, "evidence-link");
        }
        assert_eq!(clause(Some("qd-1847/3.2")), Ok(Some("qd-1847/3.2".into())));
        assert_eq!(clause(None), Ok(None));
        for bad in ["3.2", "a/", "/b", "a/b c"] {
            assert_eq!(clause(Some(bad)).unwrap_err().code, "clause-format");
        }
    }
}
