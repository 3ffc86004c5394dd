//! Consent (sự đồng ý) for uses of personal data beyond the procedure itself. Handling a
//! dossier the citizen filed is a state function and needs no consent; telling them about it
//! by SMS, Zalo or email is a secondary use and does. Consent is affirmative (a tick the citizen
//! asked for, never a default), recorded with the version of the notice shown, and can be
//! withdrawn at any time; after withdrawal no message for that purpose is sent.
//!
//! Refusals: `consent-not-found` (no such consent on the citizen's records),
//! `consent-withdrawn-already`.

use crate::DomainError;

/// What a consent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Notices about the dossier's progress and result by email, SMS or Zalo.
    Notify,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Notify => "notify",
        }
    }
}

/// May a consent given at `given_at` and maybe withdrawn be withdrawn now?
pub fn check_withdraw(withdrawn_at: Option<i64>) -> Result<(), DomainError> {
    match withdrawn_at {
        Some(_) => Err(DomainError::new("consent-withdrawn-already")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consent_is_withdrawn_once() {
        assert!(check_withdraw(None).is_ok());
        assert_eq!(
            check_withdraw(Some(1)).unwrap_err().code,
            "consent-withdrawn-already"
        );
    }
}
