//! Retention of personal data (issue 18): how long each kind of record keeps the personal data
//! it holds, the shortest period the law (or the record's purpose) allows, and what happens
//! when the period ends. Periods are data: [`rule`] gives the default and the minimum of each
//! kind, an administrator may store another period (never below the minimum), and the
//! retention job applies [`cutoff`].
//!
//! What the job does never changes a figure: dossiers and feedback cases are archive records
//! and are *pseudonymised* (the personal columns are cleared, the code, procedure, dates,
//! states and on-time status stay, so the rollups, the Decision 766 index and a rollup rebuild
//! give the same numbers); attachments, delivered notices and expired sessions are deleted;
//! contacts are cleared; failed sign-in counters are reset.
//!
//! Refusals: `retention-unknown-kind`, `retention-period-invalid` (not a whole number),
//! `retention-period-below-minimum`, `retention-period-too-long` (more than 100 years); the
//! field is the kind's [`RecordKind::field`].

use jiff::ToSpan;

use crate::error::DomainError;
use crate::time::{local, micros};

/// Rows changed per transaction (each with its audit row).
pub const BATCH: i64 = 500;

/// What an applicant's name becomes on a pseudonymised dossier.
pub const PLACEHOLDER_NAME: &str = "(đã ẩn danh)";

/// The kinds of record that hold personal data with a period of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// A closed dossier's applicant: name, ID number, address, phone, e-mail.
    Dossier,
    /// A closed feedback case's sender: name, contact, address.
    FeedbackIdentity,
    /// The files attached to a closed feedback case.
    FeedbackAttachment,
    /// The contact a citizen left with a low rating (recovery case).
    RecoveryContact,
    /// The contact a ticket holder left to be told when their turn is near.
    TicketContact,
    /// Notices delivered (or given up on): recipient and text.
    Outbox,
    /// Sign-in sessions after they expired.
    Session,
    /// An account's count of failed sign-ins and its wait.
    FailedLogins,
    /// The access log: who viewed a citizen's personal data.
    AccessLog,
    /// A data subject's requests (identity number, contact, what they asked), once closed.
    PrivacyRequest,
}

/// The unit a kind's period is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Months,
    Years,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Months => "months",
            Unit::Years => "years",
        }
    }
}

/// What the job does to a record whose period has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Clear the personal columns, keep the record and a marker.
    Pseudonymise,
    /// Delete the row.
    Delete,
    /// Clear one contact column.
    Clear,
    /// Reset a counter.
    Reset,
}

impl Treatment {
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Pseudonymise => "pseudonymise",
            Treatment::Delete => "delete",
            Treatment::Clear => "clear",
            Treatment::Reset => "reset",
        }
    }
}

/// A kind's period rule: unit, default, legal (or purpose) minimum and treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub kind: RecordKind,
    pub unit: Unit,
    pub default: u32,
    pub minimum: u32,
    pub treatment: Treatment,
}

impl RecordKind {
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Dossier,
        RecordKind::FeedbackIdentity,
        RecordKind::FeedbackAttachment,
        RecordKind::RecoveryContact,
        RecordKind::TicketContact,
        RecordKind::Outbox,
        RecordKind::Session,
        RecordKind::FailedLogins,
        RecordKind::AccessLog,
        RecordKind::PrivacyRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Dossier => "dossier",
            RecordKind::FeedbackIdentity => "feedback-identity",
            RecordKind::FeedbackAttachment => "feedback-attachment",
            RecordKind::RecoveryContact => "recovery-contact",
            RecordKind::TicketContact => "ticket-contact",
            RecordKind::Outbox => "outbox",
            RecordKind::Session => "session",
            RecordKind::FailedLogins => "failed-logins",
            RecordKind::AccessLog => "access-log",
            RecordKind::PrivacyRequest => "privacy-request",
        }
    }

    /// The form field (and error field) of the kind's period.
    pub fn field(self) -> &'static str {
        match self {
            RecordKind::Dossier => "period-dossier",
            RecordKind::FeedbackIdentity => "period-feedback-identity",
            RecordKind::FeedbackAttachment => "period-feedback-attachment",
            RecordKind::RecoveryContact => "period-recovery-contact",
            RecordKind::TicketContact => "period-ticket-contact",
            RecordKind::Outbox => "period-outbox",
            RecordKind::Session => "period-session",
            RecordKind::FailedLogins => "period-failed-logins",
            RecordKind::AccessLog => "period-access-log",
            RecordKind::PrivacyRequest => "period-privacy-request",
        }
    }

    pub fn parse(s: &str) -> Result<RecordKind, DomainError> {
        crate::text::by_name(
            &RecordKind::ALL,
            RecordKind::as_str,
            s,
            DomainError::field("retention-unknown-kind", "kind"),
        )
    }

    /// The kind's rule. The reasons are on the retention page and in docs/ARCHITECTURE.md.
    pub fn rule(self) -> Rule {
        use RecordKind::*;
        let (unit, default, minimum, treatment) = match self {
            // Archive records (Law on Archives 33/2024/QH15): the applicant's data is kept
            // as long as the archive period of procedure dossiers; 10 years is the shortest
            // period assumed for them (not checked against the official table), 20 years
            // the default.
            Dossier => (Unit::Years, 20, 10, Treatment::Pseudonymise),
            // A closed case may be reopened, complained about or inspected for years.
            FeedbackIdentity => (Unit::Years, 5, 3, Treatment::Pseudonymise),
            // Photos and documents: evidence until the answer can no longer be contested.
            FeedbackAttachment => (Unit::Years, 2, 1, Treatment::Delete),
            // A recovery call is due within days; the contact stays for a year of reviews.
            RecoveryContact => (Unit::Months, 12, 3, Treatment::Clear),
            // Only for the day's "your turn is near" notice.
            TicketContact => (Unit::Days, 30, 1, Treatment::Clear),
            // Proof that a notice went out, for a citizen who says it never came.
            Outbox => (Unit::Days, 90, 30, Treatment::Delete),
            // Kept a while after expiry to investigate an incident.
            Session => (Unit::Days, 30, 7, Treatment::Delete),
            // Serves only the sign-in wait (at most 5 minutes).
            FailedLogins => (Unit::Days, 30, 1, Treatment::Reset),
            // The citizen may ask who viewed their data, and inspections look back years.
            AccessLog => (Unit::Years, 5, 2, Treatment::Delete),
            // Proof that a request was answered in time (a complaint about it, an inspection).
            PrivacyRequest => (Unit::Years, 3, 1, Treatment::Delete),
        };
        Rule {
            kind: self,
            unit,
            default,
            minimum,
            treatment,
        }
    }
}

impl Rule {
    /// The longest period accepted: 100 years.
    pub fn maximum(&self) -> u32 {
        match self.unit {
            Unit::Days => 36_500,
            Unit::Months => 1_200,
            Unit::Years => 100,
        }
    }

    /// Check a period typed for this kind: a whole number of the kind's unit, at least the
    /// minimum, at most 100 years.
    pub fn check(&self, typed: &str) -> Result<u32, DomainError> {
        let field = self.kind.field();
        let n: u32 = typed
            .trim()
            .parse()
            .map_err(|_| DomainError::field("retention-period-invalid", field))?;
        if n < self.minimum {
            return Err(DomainError::field("retention-period-below-minimum", field));
        }
        if n > self.maximum() {
            return Err(DomainError::field("retention-period-too-long", field));
        }
        Ok(n)
    }

    /// The instant before which this kind's records have outlived a period of `amount` units
    /// at `now` (calendar arithmetic in Vietnam time).
    pub fn cutoff(&self, now: i64, amount: u32) -> i64 {
        let n = i64::from(amount);
        let span = match self.unit {
            Unit::Days => n.days(),
            Unit::Months => n.months(),
            Unit::Years => n.years(),
        };
        local(now).checked_sub(span).map(micros).unwrap_or(i64::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_kind_parses_back_and_its_default_respects_its_minimum() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Ok(k));
            let r = k.rule();
            assert!(r.default >= r.minimum, "{k:?}");
            assert!(r.default <= r.maximum(), "{k:?}");
            assert_eq!(r.check(&r.default.to_string()), Ok(r.default));
        }
        assert_eq!(
            RecordKind::parse("nope").unwrap_err().code,
            "retention-unknown-kind"
        );
    }

    #[test]
    fn a_period_below_the_minimum_or_not_a_number_is_refused_at_its_field() {
        let r = RecordKind::Dossier.rule();
        let e = r.check("5").unwrap_err();
        assert_eq!(e.code, "retention-period-below-minimum");
        assert_eq!(e.field, Some("period-dossier"));
        assert_eq!(r.check(" 10 "), Ok(10));
        assert_eq!(r.check("x").unwrap_err().code, "retention-period-invalid");
        assert_eq!(r.check("-1").unwrap_err().code, "retention-period-invalid");
        assert_eq!(
            r.check("101").unwrap_err().code,
            "retention-period-too-long"
        );
        assert_eq!(
            RecordKind::Outbox.rule().check("29").unwrap_err().code,
            "retention-period-below-minimum"
        );
    }

    #[test]
    fn the_cutoff_counts_calendar_units_in_vietnam_time() {
        let now = micros(date(2026, 3, 31).at(10, 0, 0, 0));
        let years = RecordKind::Dossier.rule();
        assert_eq!(
            years.cutoff(now, 20),
            micros(date(2006, 3, 31).at(10, 0, 0, 0))
        );
        let months = RecordKind::RecoveryContact.rule();
        // 31 March minus one month is the last day of February.
        assert_eq!(
            months.cutoff(now, 1),
            micros(date(2026, 2, 28).at(10, 0, 0, 0))
        );
        let days = RecordKind::Session.rule();
        assert_eq!(
            days.cutoff(now, 30),
            micros(date(2026, 3, 1).at(10, 0, 0, 0))
        );
    }
}
