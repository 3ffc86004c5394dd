//! What the desk records at intake: the channel, the applicant and how they want to be told,
//! the checklist; plus who may take which action, and what the public may see of a name.

use serde::{Deserialize, Serialize};

use super::lifecycle::Action;
use crate::DomainError;
use crate::identity::{Perm, Role};
use crate::text;

/// How the dossier reached the office (`kenh`: 1 in person, 2 online, 3 postal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Counter,
    Online,
    Postal,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Online => "online",
            Self::Postal => "postal",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        [Self::Counter, Self::Online, Self::Postal]
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(DomainError::field("unknown-channel", "channel"))
    }
    /// The national sync code (`KenhThucHien`).
    pub fn national(self) -> u8 {
        match self {
            Self::Counter => 1,
            Self::Online => 2,
            Self::Postal => 3,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Counter => "Trực tiếp",
            Self::Online => "Trực tuyến",
            Self::Postal => "Bưu chính công ích",
        }
    }
}

/// A channel the citizen chose for notices (`nhan_thong_bao`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    Email,
    Sms,
    Zalo,
}

impl NotifyChannel {
    pub const ALL: [NotifyChannel; 3] = [Self::Email, Self::Sms, Self::Zalo];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Zalo => "zalo",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s.trim(),
            DomainError::field("unknown-notify-channel", "notify"),
        )
    }
}

/// The person who submits the dossier (người nộp hồ sơ), as validated at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    /// CCCD (12 digits), old CMND (9) or tax code (10 or 13 digits).
    pub id_number: Option<String>,
    pub address: Option<String>,
    /// Vietnamese phone number, stored as digits starting with 0 (`+84` is converted).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Where notices go; each needs its contact (email → email; SMS and Zalo → phone).
    pub notify: Vec<NotifyChannel>,
}

fn optional(
    v: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => text::clean(s, field, 1, max).map(Some),
    }
}

impl Applicant {
    /// Errors (field): `required`/`too-long` (`name`, `address`), `invalid-id-number`
    /// (`id_number`), `invalid-phone` (`phone`), `invalid-email` (`email`),
    /// `unknown-notify-channel` and `notify-needs-contact` (`notify`).
    pub fn parse(
        name: &str,
        id_number: Option<&str>,
        address: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        notify: &[String],
    ) -> Result<Self, DomainError> {
        let name = text::name(name, "name", 2, 120)?;
        let id_number = match optional(id_number, "id_number", 20)? {
            None => None,
            Some(s) => {
                let ok =
                    s.chars().all(|c| c.is_ascii_digit()) && matches!(s.len(), 9 | 10 | 12 | 13);
                if !ok {
                    return Err(DomainError::field("invalid-id-number", "id_number"));
                }
                Some(s)
            }
        };
        let address = optional(address, "address", 300)?;
        let phone = match optional(phone, "phone", 24)? {
            None => None,
            Some(s) => Some(parse_phone(&s)?),
        };
        let email = match optional(email, "email", 254)? {
            None => None,
            Some(s) => Some(parse_email(&s)?),
        };
        let mut channels = Vec::new();
        for c in notify {
            let c = NotifyChannel::parse(c)?;
            let has_contact = match c {
                NotifyChannel::Email => email.is_some(),
                NotifyChannel::Sms | NotifyChannel::Zalo => phone.is_some(),
            };
            if !has_contact {
                return Err(DomainError::field("notify-needs-contact", "notify"));
            }
            if !channels.contains(&c) {
                channels.push(c);
            }
        }
        channels.sort();
        Ok(Self {
            name,
            id_number,
            address,
            phone,
            email,
            notify: channels,
        })
    }

    /// Where a notice on `channel` goes, if the citizen gave that contact.
    pub fn contact(&self, channel: NotifyChannel) -> Option<&str> {
        match channel {
            NotifyChannel::Email => self.email.as_deref(),
            NotifyChannel::Sms | NotifyChannel::Zalo => self.phone.as_deref(),
        }
    }
}

/// A Vietnamese phone number, normalised ([`crate::phone::Phone`], the one rule).
pub fn parse_phone(s: &str) -> Result<String, DomainError> {
    crate::phone::Phone::parse(s).map(crate::phone::Phone::into_string)
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn parse_email(s: &str) -> Result<String, DomainError> {
    let bad = || DomainError::field("invalid-email", "email");
    let (local, domain) = s.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace);
    if ok { Ok(s.to_string()) } else { Err(bad()) }
}

/// What the public lookup shows of a name: initials only ("Nguyễn Văn An" → "N. V. A.").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The permission an action needs at the dossier's office (one table, checked by the use case):
/// the desk receives and returns; anyone handling it checks, transfers, finishes or refuses;
/// the head or a deputy signs apologies and stop notices.
pub fn required_perm(action: &Action) -> Perm {
    perm_for(action.as_str())
}

/// [`required_perm`] by the action's name ([`Action::as_str`]).
pub fn perm_for(action: &str) -> Perm {
    match action {
        "receive" | "return" | "supplement-received" | "withdraw" => Perm::DossierIntake,
        "stop" | "apologize" => Perm::DossierSign,
        _ => Perm::DossierHandle,
    }
}

/// Whether an officer holding `held` may be handed a step of the internal process performed
/// by `step_role` (a [`Role`] code): the same role; a step of the head also by a deputy.
pub fn step_holder(step_role: &str, held: Role) -> bool {
    held.as_str() == step_role || (step_role == Role::Head.as_str() && held == Role::Deputy)
}

/// The Form 02 text from the checklist: one line per document not provided.
pub fn missing_documents_text(missing: &[String]) -> String {
    missing
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{}. {}", i + 1, m))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line of the intake checklist (a required document of the procedure version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub name: String,
    /// `original`, `copy`, … (catalogue `DocForm`).
    pub form: String,
    pub count: u8,
    /// Ticked at the desk: the citizen brought it.
    pub provided: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        phone: Option<&str>,
        email: Option<&str>,
        notify: &[&str],
    ) -> Result<Applicant, DomainError> {
        let notify: Vec<String> = notify.iter().map(|s| s.to_string()).collect();
        Applicant::parse(
            "Nguyễn Văn An",
            Some("001203004567"),
            None,
            phone,
            email,
            &notify,
        )
    }

    #[test]
    fn applicant_contacts_and_channels() {
        let a = parse(
            Some("+84 912 345 678"),
            Some("an@example.vn"),
            &["sms", "email", "sms"],
        )
        .unwrap();
        assert_eq!(a.phone.as_deref(), Some("0912345678"));
        assert_eq!(a.notify, vec![NotifyChannel::Email, NotifyChannel::Sms]);
        assert_eq!(a.contact(NotifyChannel::Zalo), Some("0912345678"));
        assert_eq!(
            parse(None, None, &["email"]).unwrap_err().code,
            "notify-needs-contact"
        );
        assert_eq!(
            parse(None, None, &["fax"]).unwrap_err().code,
            "unknown-notify-channel"
        );
        assert_eq!(
            parse(Some("12345"), None, &[]).unwrap_err().code,
            "invalid-phone"
        );
        assert_eq!(
            parse(None, Some("an@example"), &[]).unwrap_err().code,
            "invalid-email"
        );
        let bad_id =
            Applicant::parse("Lò Văn Bình", Some("12AB"), None, None, None, &[]).unwrap_err();
        assert_eq!(
            (bad_id.code, bad_id.field),
            ("invalid-id-number", Some("id_number"))
        );
        assert_eq!(
            Applicant::parse(" ", None, None, None, None, &[])
                .unwrap_err()
                .code,
            "required"
        );
    }

    #[test]
    fn initials_hide_the_name() {
        assert_eq!(initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(initials("  đặng   thị  Ánh "), "Đ. T. Á.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn only_heads_sign() {
        use crate::identity::Role;
        let apology = Action::Apologize {
            reason: "x".into(),
            new_due: jiff::civil::date(2026, 12, 1),
            signer_role: Role::Head,
        };
        assert_eq!(required_perm(&apology), Perm::DossierSign);
        assert!(!Role::Reception.grants(required_perm(&apology)));
        assert!(Role::Deputy.grants(required_perm(&apology)));
        assert!(Role::Reception.grants(required_perm(&Action::Return)));
        assert!(!Role::Specialist.grants(required_perm(&Action::Return)));
        assert!(Role::Specialist.grants(required_perm(&Action::Finish)));
        assert!(!Role::Admin.grants(required_perm(&Action::Finish)));
        assert!(!Role::Supervisor.grants(required_perm(&Action::Finish)));
    }

    #[test]
    fn form_02_text_numbers_the_missing_documents() {
        let t = missing_documents_text(&["Giấy chứng sinh".into(), "CCCD của cha".into()]);
        assert_eq!(t, "1. Giấy chứng sinh\n2. CCCD của cha");
    }
}
