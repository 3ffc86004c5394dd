//! Feedback and complaints (phản ánh, kiến nghị — PAKN): categories, channels, how much of the
//! sender's identity staff may see, the states of a case and what each action may do, the
//! legal deadlines in working days, what "answered on time" means, the published answer with
//! personal data removed, attachment checks by content, and the national indicators 5.2 and
//! 5.3 of Decision 766.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::calendar::WorkCalendar;
use crate::text;

mod attachment;
mod redact;

pub use attachment::{ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, AttachmentKind, check_attachment};
pub use redact::redact;

/// What the feedback is about (Decision 766 indicator 5.1's two groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Quy định, thủ tục hành chính.
    Procedure,
    /// Hành vi, thái độ của cán bộ, công chức.
    Conduct,
}

impl Category {
    pub const ALL: [Category; 2] = [Category::Procedure, Category::Conduct];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Procedure => "procedure",
            Category::Conduct => "conduct",
        }
    }
    pub fn parse(s: &str) -> Result<Category, DomainError> {
        text::by_name(
            &Category::ALL,
            Category::as_str,
            s.trim(),
            DomainError::field("feedback-unknown-category", "category"),
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Category::Procedure => "Quy định, thủ tục hành chính",
            Category::Conduct => "Hành vi, thái độ của cán bộ, công chức",
        }
    }
}

/// How the feedback arrived. Staff enter the paper, phone and meeting channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Web,
    Kiosk,
    Letter,
    Mailbox,
    Phone,
    Meeting,
    Open311,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Kiosk,
        Channel::Letter,
        Channel::Mailbox,
        Channel::Phone,
        Channel::Meeting,
        Channel::Open311,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Kiosk => "kiosk",
            Channel::Letter => "letter",
            Channel::Mailbox => "mailbox",
            Channel::Phone => "phone",
            Channel::Meeting => "meeting",
            Channel::Open311 => "open311",
        }
    }
    pub fn parse(s: &str) -> Result<Channel, DomainError> {
        text::by_name(
            &Channel::ALL,
            Channel::as_str,
            s.trim(),
            DomainError::field("feedback-unknown-channel", "channel"),
        )
    }
    /// Letters, the mailbox, phone calls and meetings are entered by staff.
    pub fn staff_entered(self) -> bool {
        matches!(
            self,
            Channel::Letter | Channel::Mailbox | Channel::Phone | Channel::Meeting
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::Web => "Trang thông tin điện tử",
            Channel::Kiosk => "Ki-ốt tại sảnh",
            Channel::Letter => "Đơn, thư",
            Channel::Mailbox => "Hòm thư góp ý",
            Channel::Phone => "Điện thoại",
            Channel::Meeting => "Trực tiếp, tiếp công dân",
            Channel::Open311 => "Ứng dụng (Open311)",
        }
    }
}

/// How much of the sender's identity is kept and who sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Privacy {
    /// Name and contact given; those who handle the case see them.
    Named,
    /// Name and contact given but withheld from staff: only the roles the office designates
    /// see them, each time with a recorded reason.
    Withheld,
    /// Nothing kept; the sender follows the case with its code and secret.
    Anonymous,
}

impl Privacy {
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Named => "named",
            Privacy::Withheld => "withheld",
            Privacy::Anonymous => "anonymous",
        }
    }
    pub fn parse(s: &str) -> Result<Privacy, DomainError> {
        match s.trim() {
            "named" => Ok(Privacy::Named),
            "withheld" => Ok(Privacy::Withheld),
            "anonymous" | "" => Ok(Privacy::Anonymous),
            _ => Err(DomainError::field("feedback-unknown-privacy", "privacy")),
        }
    }
}

/// The states of a case (trạng thái).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Mới tiếp nhận: to classify.
    Received,
    /// Yêu cầu bổ sung thông tin: waiting for the sender.
    InfoRequested,
    /// Đang xử lý.
    Accepted,
    /// Từ chối tiếp nhận (with a reason).
    Refused,
    /// Ngoài thẩm quyền: forwarded to the competent body.
    Forwarded,
    /// Đã trả lời, chờ công khai.
    Answered,
    /// Đã công khai.
    Published,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Received,
        State::InfoRequested,
        State::Accepted,
        State::Refused,
        State::Forwarded,
        State::Answered,
        State::Published,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::InfoRequested => "info-requested",
            State::Accepted => "accepted",
            State::Refused => "refused",
            State::Forwarded => "forwarded",
            State::Answered => "answered",
            State::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Result<State, DomainError> {
        text::by_name(
            &State::ALL,
            State::as_str,
            s,
            DomainError::field("feedback-unknown-state", "state"),
        )
    }
    /// Open311's two statuses.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            State::Refused | State::Forwarded | State::Answered | State::Published
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            State::Received => "Mới tiếp nhận",
            State::InfoRequested => "Chờ bổ sung thông tin",
            State::Accepted => "Đang xử lý",
            State::Refused => "Từ chối tiếp nhận",
            State::Forwarded => "Chuyển cơ quan có thẩm quyền",
            State::Answered => "Đã trả lời",
            State::Published => "Đã công khai",
        }
    }
}

/// What may happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Within competence: handle it.
    Accept,
    Refuse,
    /// Outside competence: forward.
    Forward,
    /// Ask the sender for more information.
    RequestInfo,
    /// The sender gives it (public, with the secret).
    ProvideInfo,
    Answer,
    Publish,
    /// The sender found the answer unhelpful (once).
    Reopen,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Refuse => "refuse",
            Action::Forward => "forward",
            Action::RequestInfo => "request-info",
            Action::ProvideInfo => "provide-info",
            Action::Answer => "answer",
            Action::Publish => "publish",
            Action::Reopen => "reopen",
        }
    }
    pub fn parse(s: &str) -> Result<Action, DomainError> {
        [
            Action::Accept,
            Action::Refuse,
            Action::Forward,
            Action::RequestInfo,
            Action::ProvideInfo,
            Action::Answer,
            Action::Publish,
            Action::Reopen,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or(DomainError::new("not-found"))
    }
}

/// What the sender is told, when they left a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The office asks for more information.
    InfoRequested { question: String },
    /// The answer is ready.
    Answered,
}

impl Notice {
    /// Outbox topic.
    pub fn topic(&self) -> &'static str {
        match self {
            Notice::InfoRequested { .. } => "feedback.info-requested",
            Notice::Answered => "feedback.answered",
        }
    }

    /// `(subject, body)` in Vietnamese; `url` is the sender's follow page.
    pub fn render(&self, code: &str, office: &str, url: &str) -> (String, String) {
        match self {
            Notice::InfoRequested { question } => (
                format!("Phản ánh {code} cần bổ sung thông tin"),
                format!(
                    "{office} đề nghị ông/bà bổ sung thông tin cho phản ánh {code}: {question}\nTrả lời tại: {url}"
                ),
            ),
            Notice::Answered => (
                format!("Phản ánh {code} đã có câu trả lời"),
                format!("{office} đã trả lời phản ánh {code} của ông/bà.\nXem câu trả lời: {url}"),
            ),
        }
    }
}

/// How many times a sender may reopen a case whose answer did not help.
pub const MAX_REOPEN: u32 = 1;

/// The state an action leads to. Error: `feedback-illegal-transition`, or
/// `feedback-reopen-limit` for a second reopening.
pub fn apply(state: State, reopened: u32, action: Action) -> Result<State, DomainError> {
    use Action as A;
    use State as S;
    let bad = || DomainError::new("feedback-illegal-transition");
    Ok(match (state, action) {
        (S::Received, A::Accept) => S::Accepted,
        (S::Received, A::Refuse) => S::Refused,
        (S::Received | S::Accepted, A::Forward) => S::Forwarded,
        (S::Received | S::Accepted, A::RequestInfo) => S::InfoRequested,
        (S::InfoRequested, A::ProvideInfo) => S::Received,
        (S::Accepted, A::Answer) => S::Answered,
        (S::Answered, A::Publish) => S::Published,
        (S::Answered | S::Published, A::Reopen) if reopened < MAX_REOPEN => S::Accepted,
        (S::Answered | S::Published, A::Reopen) => {
            return Err(DomainError::new("feedback-reopen-limit"));
        }
        _ => return Err(bad()),
    })
}

/// The legal deadlines in working days (reference §6; the national 766 computation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deadlines {
    /// Refuse, or otherwise classify, within this many working days of receipt.
    pub classify: u32,
    /// Ask for more information within this many.
    pub request_info: u32,
    /// Answer within this many of receipt (or of the sender's information, or a reopening).
    pub answer: u32,
    /// Publish within this many of the answer.
    pub publish: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            classify: 2,
            request_info: 5,
            answer: 15,
            publish: 2,
        }
    }
}

impl Deadlines {
    pub fn classify_due(&self, cal: &WorkCalendar, from: Date) -> Date {
        cal.add_working_days(cal.working_day_on_or_after(from), self.classify)
    }
    pub fn answer_due(&self, cal: &WorkCalendar, from: Date) -> Date {
        cal.add_working_days(cal.working_day_on_or_after(from), self.answer)
    }
    pub fn publish_due(&self, cal: &WorkCalendar, from: Date) -> Date {
        cal.add_working_days(cal.working_day_on_or_after(from), self.publish)
    }
}

/// The deadline a case in `state` is now held to, and whether it has passed on `today`.
pub fn current_due(
    state: State,
    classify_due: Date,
    answer_due: Date,
    publish_due: Option<Date>,
) -> Option<Date> {
    match state {
        State::Received => Some(classify_due),
        State::Accepted => Some(answer_due),
        State::Answered => publish_due,
        State::InfoRequested | State::Refused | State::Forwarded | State::Published => None,
    }
}

/// The national indicators over a period's cases within competence (not refused, not
/// forwarded).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Indicators {
    pub cases: u32,
    pub on_time: u32,
    /// 5.2: handled on or before the deadline ÷ cases within competence (percent).
    pub on_time_pct: Option<f64>,
    /// 5.3: (cases − rated not helpful − overdue − reopened) ÷ cases (percent).
    pub satisfaction_pct: Option<f64>,
}

/// One case as the indicators see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub within_competence: bool,
    /// Answered on or before its answer deadline.
    pub answered_on_time: bool,
    /// Not answered and past its deadline, or answered late.
    pub overdue: bool,
    pub not_helpful: bool,
    pub reopened: bool,
}

pub fn indicators(cases: &[CaseFacts]) -> Indicators {
    let within: Vec<&CaseFacts> = cases.iter().filter(|c| c.within_competence).collect();
    let n = within.len() as u32;
    let on_time = within.iter().filter(|c| c.answered_on_time).count() as u32;
    let bad = within
        .iter()
        .filter(|c| c.not_helpful || c.overdue || c.reopened)
        .count() as u32;
    let pct = |p: u32| crate::report::pct(p.into(), n.into());
    Indicators {
        cases: n,
        on_time,
        on_time_pct: pct(on_time),
        satisfaction_pct: pct(n - bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_answer_deadline_skips_tet() {
        // Reference §6 test case: received Friday 13/2/2026 → 15 working days → 13/3/2026.
        let cal = WorkCalendar::builtin();
        let d = Deadlines::default();
        assert_eq!(d.answer_due(&cal, date(2026, 2, 13)), date(2026, 3, 13));
        assert_eq!(d.classify_due(&cal, date(2026, 2, 13)), date(2026, 2, 24));
        // Received on a Sunday: counted from Monday.
        assert_eq!(d.classify_due(&cal, date(2026, 3, 8)), date(2026, 3, 11));
    }

    #[test]
    fn states_follow_the_process_and_reopen_once() {
        use Action as A;
        use State as S;
        assert_eq!(apply(S::Received, 0, A::Accept).unwrap(), S::Accepted);
        assert_eq!(
            apply(S::Received, 0, A::RequestInfo).unwrap(),
            S::InfoRequested
        );
        assert_eq!(
            apply(S::InfoRequested, 0, A::ProvideInfo).unwrap(),
            S::Received
        );
        assert_eq!(apply(S::Accepted, 0, A::Answer).unwrap(), S::Answered);
        assert_eq!(apply(S::Answered, 0, A::Publish).unwrap(), S::Published);
        assert_eq!(apply(S::Published, 0, A::Reopen).unwrap(), S::Accepted);
        assert_eq!(
            apply(S::Published, 1, A::Reopen).unwrap_err().code,
            "feedback-reopen-limit"
        );
        for (s, a) in [
            (S::Received, A::Answer),
            (S::Refused, A::Accept),
            (S::Accepted, A::Refuse),
            (S::Published, A::Publish),
            (S::InfoRequested, A::Answer),
        ] {
            assert_eq!(
                apply(s, 0, a).unwrap_err().code,
                "feedback-illegal-transition",
                "{s:?} {a:?}"
            );
        }
        assert!(S::Answered.is_closed() && !S::Accepted.is_closed());
    }

    #[test]
    fn indicators_5_2_and_5_3() {
        let c = |on_time, overdue, not_helpful, reopened| CaseFacts {
            within_competence: true,
            answered_on_time: on_time,
            overdue,
            not_helpful,
            reopened,
        };
        let mut cases = vec![c(true, false, false, false); 7];
        cases.push(c(false, true, false, false));
        cases.push(c(true, false, true, true));
        cases.push(c(true, false, true, false));
        cases.push(CaseFacts {
            within_competence: false,
            ..c(false, false, false, false)
        });
        let i = indicators(&cases);
        assert_eq!((i.cases, i.on_time), (10, 9));
        assert_eq!(i.on_time_pct, Some(90.0));
        assert_eq!(i.satisfaction_pct, Some(70.0));
        assert_eq!(indicators(&[]).on_time_pct, None);
    }
}
