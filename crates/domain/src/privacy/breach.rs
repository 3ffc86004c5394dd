//! The breach register (issue 18): an incident concerning personal data, its scope, the
//! measures taken, and the notice to the authority — the Department of Cybersecurity and
//! High-tech Crime Prevention (A05) of the Ministry of Public Security — due 72 hours after
//! detection (Law 91/2025/QH15; see `shared/reference/domain-vn.md` §7.2). The data subjects
//! are told too when their data was affected.
//!
//! Who keeps it: administrators, and the head of a top-level office ([`may_keep`]).
//!
//! Refusals (each at its field): `breach-detected-invalid` and `breach-detected-in-future`
//! (`detected_at`), `required` / `too-long` / `control-characters` (`description`,
//! `offices_affected`, `measures`, `authority_reference`), `breach-kind-unknown` and
//! `breach-kinds-required` (`record_kinds`), `breach-people-invalid` (`people_estimate`),
//! `breach-notified-in-future` (`notified_at`); `breach-already-notified` and
//! `breach-subjects-already-notified` when the mark is set already.

use jiff::civil::DateTime;
use unicode_normalization::UnicodeNormalization;

use crate::error::DomainError;
use crate::identity::{Assignment, Role};
use crate::time::micros;

/// Hours from detection to the authority's deadline.
pub const NOTICE_HOURS: i64 = 72;
/// The reminder goes out when this many hours are left.
pub const REMIND_HOURS_LEFT: i64 = 24;

const HOUR: i64 = 3_600_000_000;

/// The longest free text of an incident, in characters.
pub const TEXT_MAX: usize = 4000;

/// May this role, held here, keep the register? Administrators anywhere (over their
/// subtree) and the head of a top-level office (over the province).
pub fn may_keep(a: &Assignment) -> bool {
    match a.role {
        Role::Admin => true,
        Role::Head => a.office_path.depth() == 1,
        _ => false,
    }
}

/// The kinds of record an incident may concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreachKind {
    Dossiers,
    Feedback,
    Attachments,
    Ratings,
    Queue,
    Accounts,
    Other,
}

impl BreachKind {
    pub const ALL: [BreachKind; 7] = [
        BreachKind::Dossiers,
        BreachKind::Feedback,
        BreachKind::Attachments,
        BreachKind::Ratings,
        BreachKind::Queue,
        BreachKind::Accounts,
        BreachKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            BreachKind::Dossiers => "dossiers",
            BreachKind::Feedback => "feedback",
            BreachKind::Attachments => "attachments",
            BreachKind::Ratings => "ratings",
            BreachKind::Queue => "queue",
            BreachKind::Accounts => "accounts",
            BreachKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Result<BreachKind, DomainError> {
        crate::text::by_name(
            &BreachKind::ALL,
            BreachKind::as_str,
            s.trim(),
            DomainError::field("breach-kind-unknown", "record_kinds"),
        )
    }
}

/// An incident as typed (pages and the API).
#[derive(Debug, Clone, Default)]
pub struct RawBreach {
    /// Local (UTC+7) date and time, `YYYY-MM-DDTHH:MM`.
    pub detected_at: String,
    pub description: String,
    pub offices_affected: String,
    pub record_kinds: Vec<String>,
    /// Approximate number of people concerned; empty when unknown.
    pub people_estimate: String,
    pub measures: String,
}

/// An incident that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub detected_at: i64,
    pub description: String,
    pub offices_affected: String,
    pub record_kinds: Vec<BreachKind>,
    pub people_estimate: Option<i64>,
    pub measures: String,
}

impl Breach {
    /// When the authority must have been notified.
    pub fn authority_due_at(&self) -> i64 {
        authority_due_at(self.detected_at)
    }
    /// The kinds as stored: comma-separated codes.
    pub fn kinds_text(&self) -> String {
        self.record_kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Detection + 72 hours.
pub fn authority_due_at(detected_at: i64) -> i64 {
    detected_at.saturating_add(NOTICE_HOURS * HOUR)
}

/// Free text of a few lines: trimmed, NFC, line ends as `\n`, no other control character.
pub fn text(input: &str, field: &'static str, required: bool) -> Result<String, DomainError> {
    let s: String = input.replace("\r\n", "\n").trim().nfc().collect();
    if s.is_empty() && required {
        return Err(DomainError::field("required", field));
    }
    if s.chars().count() > TEXT_MAX {
        return Err(DomainError::field("too-long", field));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::field("control-characters", field));
    }
    Ok(s)
}

/// A local (UTC+7) `YYYY-MM-DDTHH:MM` (seconds allowed) not after `now`, as micros.
pub fn past_instant(
    typed: &str,
    now: i64,
    field: &'static str,
    invalid: &'static str,
    future: &'static str,
) -> Result<i64, DomainError> {
    let t: DateTime = typed
        .trim()
        .parse()
        .map_err(|_| DomainError::field(invalid, field))?;
    let at = micros(t);
    if at > now {
        return Err(DomainError::field(future, field));
    }
    Ok(at)
}

/// Check an incident typed at `now`.
pub fn check(raw: &RawBreach, now: i64) -> Result<Breach, DomainError> {
    let detected_at = past_instant(
        &raw.detected_at,
        now,
        "detected_at",
        "breach-detected-invalid",
        "breach-detected-in-future",
    )?;
    let description = text(&raw.description, "description", true)?;
    let offices_affected = text(&raw.offices_affected, "offices_affected", false)?;
    let mut record_kinds = Vec::new();
    for k in raw.record_kinds.iter().filter(|k| !k.trim().is_empty()) {
        let k = BreachKind::parse(k)?;
        if !record_kinds.contains(&k) {
            record_kinds.push(k);
        }
    }
    if record_kinds.is_empty() {
        return Err(DomainError::field("breach-kinds-required", "record_kinds"));
    }
    let people = raw.people_estimate.trim();
    let people_estimate = if people.is_empty() {
        None
    } else {
        match people.replace(['.', ' '], "").parse::<i64>() {
            Ok(n) if (0..=1_000_000_000).contains(&n) => Some(n),
            _ => {
                return Err(DomainError::field(
                    "breach-people-invalid",
                    "people_estimate",
                ));
            }
        }
    };
    let measures = text(&raw.measures, "measures", false)?;
    Ok(Breach {
        detected_at,
        description,
        offices_affected,
        record_kinds,
        people_estimate,
        measures,
    })
}

/// Where an incident stands against the authority's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// The authority was notified (`late`: after the deadline).
    Notified { late: bool },
    /// Not yet notified; microseconds left.
    Open { left: i64 },
    /// Not notified and past the deadline by this many microseconds.
    Overdue { by: i64 },
}

impl Deadline {
    pub fn of(due_at: i64, notified_at: Option<i64>, now: i64) -> Deadline {
        match notified_at {
            Some(at) => Deadline::Notified { late: at > due_at },
            None if now <= due_at => Deadline::Open { left: due_at - now },
            None => Deadline::Overdue { by: now - due_at },
        }
    }
    /// `notified`, `notified-late`, `open`, `due-soon` (24 hours or less left), `overdue`.
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::Notified { late: false } => "notified",
            Deadline::Notified { late: true } => "notified-late",
            Deadline::Open { left } if left <= REMIND_HOURS_LEFT * HOUR => "due-soon",
            Deadline::Open { .. } => "open",
            Deadline::Overdue { .. } => "overdue",
        }
    }
    /// Whole hours and minutes left (open) or past (overdue); zero once notified.
    pub fn hours_minutes(self) -> (i64, i64) {
        let m = match self {
            Deadline::Open { left } => left,
            Deadline::Overdue { by } => by,
            Deadline::Notified { .. } => 0,
        } / 60_000_000;
        (m / 60, m % 60)
    }
}

/// Is the "24 hours left" reminder due for an incident not yet reminded?
pub fn reminder_due(
    due_at: i64,
    notified_at: Option<i64>,
    reminded_at: Option<i64>,
    now: i64,
) -> bool {
    notified_at.is_none() && reminded_at.is_none() && now >= due_at - REMIND_HOURS_LEFT * HOUR
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn raw() -> RawBreach {
        RawBreach {
            detected_at: "2026-03-02T09:00".into(),
            description: "Máy tính bàn một cửa bị nhiễm mã độc.\r\nDòng hai".into(),
            offices_affected: "Xã Thanh Luông".into(),
            record_kinds: vec!["dossiers".into(), "dossiers".into(), "accounts".into()],
            people_estimate: "1.200".into(),
            measures: "".into(),
        }
    }

    #[test]
    fn an_incident_is_due_72_hours_after_detection() {
        let now = micros(date(2026, 3, 2).at(10, 0, 0, 0));
        let b = check(&raw(), now).unwrap();
        assert_eq!(b.detected_at, micros(date(2026, 3, 2).at(9, 0, 0, 0)));
        assert_eq!(
            b.authority_due_at(),
            micros(date(2026, 3, 5).at(9, 0, 0, 0))
        );
        assert_eq!(b.kinds_text(), "dossiers,accounts");
        assert_eq!(b.people_estimate, Some(1200));
        assert!(b.description.contains('\n') && !b.description.contains('\r'));
    }

    #[test]
    fn bad_input_is_refused_at_its_field() {
        let now = micros(date(2026, 3, 2).at(8, 0, 0, 0));
        let e = check(&raw(), now).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            ("breach-detected-in-future", Some("detected_at"))
        );
        let now = micros(date(2026, 3, 3).at(8, 0, 0, 0));
        let e = check(
            &RawBreach {
                description: "  ".into(),
                ..raw()
            },
            now,
        )
        .unwrap_err();
        assert_eq!((e.code, e.field), ("required", Some("description")));
        let e = check(
            &RawBreach {
                detected_at: "hôm qua".into(),
                ..raw()
            },
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, "breach-detected-invalid");
        let e = check(
            &RawBreach {
                record_kinds: vec![],
                ..raw()
            },
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, "breach-kinds-required");
        let e = check(
            &RawBreach {
                record_kinds: vec!["x".into()],
                ..raw()
            },
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, "breach-kind-unknown");
        let e = check(
            &RawBreach {
                people_estimate: "-3".into(),
                ..raw()
            },
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, "breach-people-invalid");
    }

    #[test]
    fn the_deadline_counts_down_then_turns_overdue() {
        let due = micros(date(2026, 3, 5).at(9, 0, 0, 0));
        let at = |d: i8, h: i8| micros(date(2026, 3, d).at(h, 0, 0, 0));
        assert_eq!(Deadline::of(due, None, at(3, 9)).as_str(), "open");
        assert_eq!(Deadline::of(due, None, at(3, 9)).hours_minutes(), (48, 0));
        assert_eq!(Deadline::of(due, None, at(4, 10)).as_str(), "due-soon");
        assert_eq!(Deadline::of(due, None, at(5, 11)).as_str(), "overdue");
        assert_eq!(Deadline::of(due, None, at(5, 11)).hours_minutes(), (2, 0));
        assert_eq!(
            Deadline::of(due, Some(at(4, 9)), at(6, 9)).as_str(),
            "notified"
        );
        assert_eq!(
            Deadline::of(due, Some(at(5, 10)), at(6, 9)).as_str(),
            "notified-late"
        );
        assert!(!reminder_due(due, None, None, at(4, 8)));
        assert!(reminder_due(due, None, None, at(4, 9)));
        assert!(!reminder_due(due, None, Some(at(4, 9)), at(4, 10)));
        assert!(!reminder_due(due, Some(at(3, 9)), None, at(4, 10)));
    }

    #[test]
    fn admins_and_the_province_head_keep_the_register() {
        use crate::office::OfficePath;
        let top = OfficePath::root(uuid::Uuid::now_v7());
        let commune = top.child(uuid::Uuid::now_v7());
        let a = |role, office_path: &OfficePath| Assignment {
            id: uuid::Uuid::now_v7(),
            role,
            office_id: office_path.office_id(),
            office_path: office_path.clone(),
        };
        assert!(may_keep(&a(Role::Admin, &commune)));
        assert!(may_keep(&a(Role::Head, &top)));
        assert!(!may_keep(&a(Role::Head, &commune)));
        assert!(!may_keep(&a(Role::Supervisor, &top)));
    }
}
