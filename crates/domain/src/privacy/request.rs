//! Data subject requests (yêu cầu của chủ thể dữ liệu, Law 91/2025 Art. 4; Decree 356): a
//! citizen proves who they are with their identity number and a contact on file, receives a
//! one-time code there, and then sees and downloads their data (access). From there they may
//! ask for a correction or an erasure, which an officer answers within the legal time.
//!
//! Deadlines: acknowledged within 2 working days; answered within 15 days, extended once by
//! up to 15 days for a complex case.
//!
//! Refusals: `invalid-id-number` (`id_number`), `invalid-contact` (`contact`),
//! `privacy-no-match` (`contact`: no record holds this identity number with this contact),
//! `privacy-code-wrong` (`code`), `privacy-code-expired`, `privacy-code-locked` (too many
//! tries), `required`/`too-long` (`detail`), `privacy-request-closed`,
//! `privacy-extended-already`, `unknown-request-kind` (`kind`).

use jiff::ToSpan;
use jiff::civil::Date;

use crate::DomainError;
use crate::calendar::WorkCalendar;
use crate::dossier::{parse_email, parse_phone};

/// How long the one-time code is valid, and how many wrong tries it takes.
pub const CODE_MINUTES: i64 = 15;
pub const CODE_TRIES: i64 = 5;
/// How long the verified export stays open (a cookie on the citizen's device).
pub const ACCESS_MINUTES: i64 = 30;

/// What the data subject asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Access,
    Rectify,
    Erase,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Rectify => "rectify",
            Kind::Erase => "erase",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "access" => Ok(Kind::Access),
            "rectify" => Ok(Kind::Rectify),
            "erase" => Ok(Kind::Erase),
            _ => Err(DomainError::field("unknown-request-kind", "kind")),
        }
    }
}

/// An identity number as the applicant gave it at intake: 9 (old ID card), 10 or 13 (tax
/// code) or 12 (citizen identity card) digits.
pub fn parse_id_number(s: &str) -> Result<String, DomainError> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.chars().all(|c| c.is_ascii_digit()) && matches!(s.len(), 9 | 10 | 12 | 13) {
        Ok(s)
    } else {
        Err(DomainError::field("invalid-id-number", "id_number"))
    }
}

/// A contact on file: an email (compared without case) or a Vietnamese phone, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Phone(String),
}

impl Contact {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let bad = || DomainError::field("invalid-contact", "contact");
        if s.contains('@') {
            parse_email(s)
                .map(|e| Contact::Email(e.to_lowercase()))
                .map_err(|_| bad())
        } else {
            parse_phone(s).map(Contact::Phone).map_err(|_| bad())
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Contact::Email(s) | Contact::Phone(s) => s,
        }
    }
    /// The outbox channel a code goes out on.
    pub fn channel(&self) -> &'static str {
        match self {
            Contact::Email(_) => "email",
            Contact::Phone(_) => "sms",
        }
    }
    /// Is this the contact a record holds?
    pub fn matches(&self, email: Option<&str>, phone: Option<&str>) -> bool {
        match self {
            Contact::Email(e) => email.is_some_and(|x| x.trim().eq_ignore_ascii_case(e)),
            Contact::Phone(p) => phone.is_some_and(|x| x == p),
        }
    }
    /// The contact as shown back on the page: `n***@example.vn`, `09******67`.
    pub fn masked(&self) -> String {
        match self {
            Contact::Email(e) => match e.split_once('@') {
                Some((l, d)) => format!("{}***@{d}", l.chars().next().unwrap_or('*')),
                None => "***".into(),
            },
            Contact::Phone(p) => {
                let n = p.len();
                format!(
                    "{}{}{}",
                    &p[..2],
                    "*".repeat(n.saturating_sub(4)),
                    &p[n - 2..]
                )
            }
        }
    }
}

/// A one-time code as typed: six digits, spaces ignored.
pub fn parse_code(s: &str) -> Result<String, DomainError> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.len() == 6 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s)
    } else {
        Err(DomainError::field("privacy-code-wrong", "code"))
    }
}

/// The verification state of a request when a code is typed.
pub fn check_code(
    now: i64,
    expires: Option<i64>,
    attempts: i64,
    matches: bool,
) -> Result<(), DomainError> {
    if attempts >= CODE_TRIES {
        return Err(DomainError::field("privacy-code-locked", "code"));
    }
    if expires.is_none_or(|e| now > e) {
        return Err(DomainError::field("privacy-code-expired", "code"));
    }
    if !matches {
        return Err(DomainError::field("privacy-code-wrong", "code"));
    }
    Ok(())
}

/// What the citizen wrote in a correction or erasure request: 5–2,000 characters.
pub fn parse_detail(s: &str) -> Result<String, DomainError> {
    let s = crate::text::clean(s, "detail", 0, 2000)?;
    if s.chars().count() < 5 {
        return Err(DomainError::field("required", "detail"));
    }
    Ok(s)
}

/// The two deadlines of a request received on `received` (a Vietnam date): acknowledged by
/// the end of the second working day after it, answered within 15 days.
pub fn deadlines(received: Date, cal: &WorkCalendar) -> (Date, Date) {
    let ack = cal.add_working_days(received, 2);
    let due = received.checked_add(15.days()).unwrap_or(received);
    (ack, due)
}

/// The one extension (up to 15 days more) of an open request.
pub fn extend(due: Date, extended: bool) -> Result<Date, DomainError> {
    if extended {
        return Err(DomainError::new("privacy-extended-already"));
    }
    Ok(due.checked_add(15.days()).unwrap_or(due))
}

/// A six-digit code from 4 random bytes (uniform enough: 2^32 mod 10^6 bias is < 0.03 %).
pub fn code_from(bytes: [u8; 4]) -> String {
    format!("{:06}", u32::from_be_bytes(bytes) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_request_received_on_friday_is_acknowledged_by_tuesday() {
        let cal = WorkCalendar::new(vec![]);
        // 4/12/2026 is a Friday.
        let (ack, due) = deadlines(date(2026, 12, 4), &cal);
        assert_eq!(ack, date(2026, 12, 8));
        assert_eq!(due, date(2026, 12, 19));
        assert_eq!(extend(due, false).unwrap(), date(2027, 1, 3));
        assert_eq!(
            extend(due, true).unwrap_err().code,
            "privacy-extended-already"
        );
    }

    #[test]
    fn contacts_match_records_whatever_their_case_or_spacing() {
        let e = Contact::parse(" An.Nguyen@Example.VN ").unwrap();
        assert!(e.matches(Some("an.nguyen@example.vn"), None));
        assert!(!e.matches(Some("other@example.vn"), Some("0912345678")));
        let p = Contact::parse("+84 912 345 678").unwrap();
        assert_eq!(p, Contact::Phone("0912345678".into()));
        assert!(p.matches(None, Some("0912345678")));
        assert_eq!(p.masked(), "09******78");
        assert_eq!(e.masked(), "a***@example.vn");
        assert_eq!(Contact::parse("abc").unwrap_err().code, "invalid-contact");
    }

    #[test]
    fn identity_numbers_have_the_lengths_of_real_papers() {
        assert_eq!(parse_id_number("0010 9001 2345").unwrap(), "001090012345");
        assert!(parse_id_number("12345").is_err());
        assert!(parse_id_number("00109001234a").is_err());
    }

    #[test]
    fn a_code_fails_when_wrong_expired_or_tried_too_often() {
        assert!(check_code(10, Some(20), 0, true).is_ok());
        assert_eq!(
            check_code(10, Some(20), 0, false).unwrap_err().code,
            "privacy-code-wrong"
        );
        assert_eq!(
            check_code(30, Some(20), 0, true).unwrap_err().code,
            "privacy-code-expired"
        );
        assert_eq!(
            check_code(10, Some(20), CODE_TRIES, true).unwrap_err().code,
            "privacy-code-locked"
        );
        assert_eq!(code_from([0, 0, 0, 7]), "000007");
        assert_eq!(parse_code(" 123 456 ").unwrap(), "123456");
    }
}
