//! The queue (xếp hàng, lấy số thứ tự): service groups with a ticket letter, tickets numbered
//! daily per group, the ticket's states, who is called next (fair priority), wait estimates from
//! recent service times, and the Vietnamese voice call.
//!
//! Everything here is pure: callers pass the waiting tickets, the clock and the settings in.

mod estimate;
mod select;
mod voice;

#[cfg(test)]
mod tests;

pub use estimate::{ServiceSample, WaitEstimate, estimate_wait, percentile};
pub use select::{CallContext, Candidate, pick_next, queue_order};
pub use voice::{Announcement, announce, spell_number};

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A service group's ticket letter: one ASCII capital, `A`–`Z`.
pub fn parse_letter(s: &str) -> Result<char, DomainError> {
    let s = s.trim();
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Ok(c),
        _ => Err(DomainError::field("queue-letter-format", "letter")),
    }
}

/// A service group's name: 1–120 characters.
pub fn parse_group_name(s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 120 {
        return Err(DomainError::field("queue-group-name", "name"));
    }
    Ok(s.to_string())
}

/// The printed number: the letter and the serial, at least three digits (`A001`, `A1000`).
pub fn ticket_number(letter: char, serial: i64) -> String {
    format!("{letter}{serial:03}")
}

/// Does a service group serve procedures of this catalogue field (lĩnh vực)? A group's `field`
/// lists the catalogue fields it serves, separated by `;` ("Hộ tịch; Chứng thực"), compared
/// without accents or case. A group with no field serves every procedure.
pub fn serves_field(group_field: Option<&str>, procedure_field: &str) -> bool {
    let fields: Vec<String> = group_field
        .unwrap_or_default()
        .split(';')
        .map(|f| crate::text::fold(f.trim()))
        .filter(|f| !f.is_empty())
        .collect();
    fields.is_empty() || fields.contains(&crate::text::fold(procedure_field.trim()))
}

/// An officer's place at a counter lasts until the end of the local day they signed in on:
/// the next morning every counter starts closed, and the lobby display never shows a counter
/// open because someone forgot to sign out. `since` and `now` in micros.
pub fn duty_current(since: i64, now: i64) -> bool {
    crate::time::local_date(since) == crate::time::local_date(now)
}

/// The short code printed on a ticket for a phone without a QR reader: the number, then its
/// follow secret in groups of four (`A012-K3Q9-XZ7M`).
pub fn short_code(number: &str, secret: &str) -> String {
    let groups: Vec<String> = secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect())
        .collect();
    format!("{number}-{}", groups.join("-"))
}

/// The (number, secret) readings of a typed short code: spaces, dashes and dots are ignored and
/// case does not matter, so a number's digits may run into the secret (`a012k3q9xz7m`): every
/// split after the letter and at least three digits is a candidate. Empty when it cannot be a
/// code.
pub fn split_short_code(code: &str) -> Vec<(String, String)> {
    let s: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '·'))
        .flat_map(char::to_uppercase)
        .collect();
    let mut chars = s.chars();
    let Some(letter) = chars.next().filter(char::is_ascii_uppercase) else {
        return Vec::new();
    };
    let rest: String = chars.collect();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (3..=digits.min(6))
        .filter(|&k| k < rest.len())
        .map(|k| (format!("{letter}{}", &rest[..k]), rest[k..].to_string()))
        .collect()
}

/// How a ticket was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TicketChannel {
    /// The touch kiosk in the lobby.
    Kiosk,
    /// A phone or the web, from the QR code at the door.
    Web,
    /// An officer, for a walk-in.
    Staff,
}

impl TicketChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Web => "web",
            Self::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "kiosk" => Ok(Self::Kiosk),
            "web" => Ok(Self::Web),
            "staff" => Ok(Self::Staff),
            _ => Err(DomainError::field("queue-unknown-channel", "channel")),
        }
    }
}

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TicketState {
    /// Waiting to be called (also after a transfer).
    Waiting,
    /// Called to a counter, not yet being served.
    Called,
    /// Being served at a counter.
    Serving,
    /// Served and finished.
    Done,
    /// Called and recalled, never came.
    NoShow,
}

impl TicketState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Done => "done",
            Self::NoShow => "no-show",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "waiting" => Ok(Self::Waiting),
            "called" => Ok(Self::Called),
            "serving" => Ok(Self::Serving),
            "done" => Ok(Self::Done),
            "no-show" => Ok(Self::NoShow),
            _ => Err(DomainError::field("queue-unknown-state", "state")),
        }
    }
    /// At a counter: called or being served.
    pub fn at_counter(self) -> bool {
        matches!(self, Self::Called | Self::Serving)
    }
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::NoShow)
    }
}

/// What an officer does to the ticket at their counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    Recall,
    Start,
    Transfer,
    NoShow,
    Finish,
    Apologize,
}

impl TicketAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recall => "recall",
            Self::Start => "start",
            Self::Transfer => "transfer",
            Self::NoShow => "no-show",
            Self::Finish => "finish",
            Self::Apologize => "apologize",
        }
    }
}

/// Check an action against the ticket's state and recall count. Returns the state after it.
///
/// Errors: `queue-ticket-closed` (a second finish, or anything on a closed ticket),
/// `queue-ticket-not-called` (the ticket is still waiting), `queue-not-serving` (finish before
/// start), `queue-already-serving` (recall or start while serving), `queue-recall-first`
/// (no-show before the configured number of recalls), `queue-already-apologized`.
pub fn apply(
    state: TicketState,
    recalls: u32,
    apologized: bool,
    action: TicketAction,
    settings: &QueueSettings,
) -> Result<TicketState, DomainError> {
    use TicketAction as A;
    use TicketState as S;
    if state.is_closed() {
        return Err(DomainError::new("queue-ticket-closed"));
    }
    if state == S::Waiting {
        return Err(DomainError::new("queue-ticket-not-called"));
    }
    match (action, state) {
        (A::Recall, S::Called) => Ok(S::Called),
        (A::Recall | A::Start | A::NoShow, S::Serving) => {
            Err(DomainError::new("queue-already-serving"))
        }
        (A::Start, S::Called) => Ok(S::Serving),
        (A::NoShow, S::Called) if recalls < settings.no_show_after_recalls => {
            Err(DomainError::new("queue-recall-first"))
        }
        (A::NoShow, S::Called) => Ok(S::NoShow),
        (A::Finish, S::Serving) => Ok(S::Done),
        (A::Finish, _) => Err(DomainError::new("queue-not-serving")),
        (A::Transfer, _) => Ok(S::Waiting),
        (A::Apologize, _) if apologized => Err(DomainError::new("queue-already-apologized")),
        (A::Apologize, s) => Ok(s),
        (_, s) => Ok(s),
    }
}

/// A priority reason an office accepts (người cao tuổi, người khuyết tật, phụ nữ mang thai…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityReason {
    /// Stable code, e.g. `elderly`.
    pub code: String,
    /// What the kiosk and the counter show.
    pub label: String,
}

/// An office's queue settings; stored as data, edited by the head or an administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueSettings {
    /// Priority reasons offered at the kiosk and the counter.
    pub priority_reasons: Vec<PriorityReason>,
    /// After this many priority calls in a row while ordinary tickets wait, the oldest ordinary
    /// ticket is called (no starvation).
    pub priority_burst: u32,
    /// A citizen who has waited longer than this (minutes) is owed an apology.
    pub apology_after_minutes: u32,
    /// A called ticket may be marked no-show only after this many recalls.
    pub no_show_after_recalls: u32,
    /// The lobby display speaks calls aloud.
    pub voice: bool,
    /// Service time (seconds) assumed for a group with no recent history.
    pub default_service_seconds: u32,
    /// A follower who asked to be told is notified when this many people or fewer are ahead.
    pub notify_when_ahead: u32,
    /// How long the counter tablet accepts a rating after a ticket is finished (seconds).
    pub rating_window_seconds: u32,
    /// How long the lobby display keeps "Mời số … đến quầy …" up after a call (seconds); it
    /// goes at once when that ticket leaves the counter.
    pub call_banner_seconds: u32,
}

impl Default for QueueSettings {
    fn default() -> Self {
        let r = |code: &str, label: &str| PriorityReason {
            code: code.into(),
            label: label.into(),
        };
        Self {
            priority_reasons: vec![
                r("elderly", "Người cao tuổi"),
                r("disabled", "Người khuyết tật"),
                r("pregnant", "Phụ nữ mang thai"),
                r("child", "Người đi cùng trẻ nhỏ dưới 36 tháng"),
                r("merit", "Người có công với cách mạng"),
            ],
            priority_burst: 2,
            apology_after_minutes: 30,
            no_show_after_recalls: 2,
            voice: true,
            default_service_seconds: 300,
            notify_when_ahead: 3,
            rating_window_seconds: 60,
            call_banner_seconds: 60,
        }
    }
}

impl QueueSettings {
    /// Check the settings an editor submits. Errors name the field.
    pub fn validate(&self) -> Result<(), DomainError> {
        let ranges = [
            (self.priority_burst, 1..=20, "priority_burst"),
            (self.apology_after_minutes, 1..=600, "apology_after_minutes"),
            (self.no_show_after_recalls, 0..=10, "no_show_after_recalls"),
            (
                self.default_service_seconds,
                30..=7200,
                "default_service_seconds",
            ),
            (self.notify_when_ahead, 0..=50, "notify_when_ahead"),
            (
                self.rating_window_seconds,
                10..=600,
                "rating_window_seconds",
            ),
            (self.call_banner_seconds, 5..=600, "call_banner_seconds"),
        ];
        if let Some((_, _, field)) = ranges.iter().find(|(v, r, _)| !r.contains(v)) {
            return Err(DomainError::field("queue-setting-range", field));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.priority_reasons {
            let ok_code = !r.code.is_empty()
                && r.code.len() <= 40
                && r.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok_code || !seen.insert(r.code.clone()) {
                return Err(DomainError::field(
                    "queue-priority-code",
                    "priority_reasons",
                ));
            }
            if r.label.trim().is_empty() || r.label.chars().count() > 120 {
                return Err(DomainError::field(
                    "queue-priority-label",
                    "priority_reasons",
                ));
            }
        }
        Ok(())
    }

    /// The accepted reason with this code. Error: `queue-unknown-priority` (`priority`).
    pub fn priority(&self, code: &str) -> Result<&PriorityReason, DomainError> {
        self.priority_reasons
            .iter()
            .find(|r| r.code == code.trim())
            .ok_or(DomainError::field("queue-unknown-priority", "priority"))
    }

    /// Seconds the call made at `called` (micros) stays announced on the lobby display at `now`;
    /// 0 once its time is over.
    pub fn call_banner_left(&self, called: i64, now: i64) -> u32 {
        let end = called + i64::from(self.call_banner_seconds) * 1_000_000;
        ((end - now).max(0) as f64 / 1_000_000.0).ceil() as u32
    }

    /// Has a citizen who took a number at `issued` and is still waiting at `now` (micros) waited
    /// past the apology threshold?
    pub fn owes_apology(&self, issued: i64, now: i64) -> bool {
        now - issued > i64::from(self.apology_after_minutes) * 60_000_000
    }
}
