//! Vietnamese telephone numbers: the one rule for every place a citizen or officer gives one
//! (dossier intake, ticket notices, feedback, the contact left with a rating, the API).
//!
//! Accepted: a mobile number of 10 digits (`03`, `05`, `07`, `08`, `09` …) or a landline of 11
//! digits (`02` + area code + subscriber, e.g. `0211 3825 999`), written with spaces, dots,
//! dashes or parentheses, and with the country code as `+84`, `0084` or `84` in place of the
//! leading `0`. Stored normalised: the digits, starting with `0`.
//!
//! Refusal: `invalid-phone` (field `phone`; callers that name the field otherwise rename it).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A normalised Vietnamese number: `0` and 9 or 10 more digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// See the module header.
    pub fn parse(s: &str) -> Result<Phone, DomainError> {
        let bad = || DomainError::field("invalid-phone", "phone");
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+84") {
            format!("0{rest}")
        } else if let Some(rest) = compact.strip_prefix("0084") {
            format!("0{rest}")
        } else if let Some(rest) = compact.strip_prefix("84").filter(|r| r.len() >= 9) {
            format!("0{rest}")
        } else {
            compact
        };
        let rest = national.strip_prefix('0').ok_or_else(bad)?;
        // `+84 (0) 912 …` (the trunk 0 kept after the country code) is a common way to write it.
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        if !rest.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let ok = match rest.len() {
            // Mobile (and the 10-digit services numbers that are not landlines).
            9 => !rest.starts_with('0') && !rest.starts_with('1') && !rest.starts_with('2'),
            // Landline: 02 + a 1–3 digit area code and the subscriber, 11 digits in all.
            10 => rest.starts_with('2'),
            _ => false,
        };
        if ok {
            Ok(Phone(format!("0{rest}")))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Phone::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e:?}"))
            .into_string()
    }

    #[test]
    fn mobile_numbers_in_every_usual_spelling() {
        for s in [
            "0912345678",
            "0912 345 678",
            "091.234.5678",
            "0912-345-678",
            "+84912345678",
            "+84 912 345 678",
            "+84 (0) 912 345 678",
            "84912345678",
            "0084 912 345 678",
        ] {
            assert_eq!(ok(s), "0912345678", "{s}");
        }
        assert_eq!(ok("090.123.4567"), "0901234567");
        assert_eq!(ok("+84 90 123 4567"), "0901234567");
        assert_eq!(ok("0387 654 321"), "0387654321");
    }

    #[test]
    fn landlines_have_eleven_digits() {
        assert_eq!(ok("0211 3825 999"), "02113825999");
        assert_eq!(ok("024 3825 1234"), "02438251234");
        assert_eq!(ok("(028) 3829 1234"), "02838291234");
        assert_eq!(ok("+84 24 3825 1234"), "02438251234");
        assert_eq!(ok("+84 211 3825 999"), "02113825999");
        assert_eq!(ok("+84 (0) 24 3825 1234"), "02438251234");
    }

    #[test]
    fn other_strings_are_refused_with_the_phone_field() {
        for s in [
            "",
            "12345",
            "0912 345 67",
            "09123456789",
            "0211 3825 99",
            "0123456789",
            "01234567890",
            "0912a45678",
            "1900 1234",
            "+1 415 555 0100",
            "0212 345 678 901",
        ] {
            let e = Phone::parse(s).unwrap_err();
            assert_eq!((e.code, e.field), ("invalid-phone", Some("phone")), "{s}");
        }
    }

    #[test]
    fn serde_keeps_only_valid_numbers() {
        let p: Phone = serde_json::from_str("\"0211 3825 999\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"02113825999\"");
        assert!(serde_json::from_str::<Phone>("\"12\"").is_err());
    }
}
