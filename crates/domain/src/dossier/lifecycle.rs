//! States, actions and guards of a dossier (reference §1 "Implementation notes (§1)").
//!
//! ```text
//! Submitted ──Receive──▶ Received ──Transfer──▶ InProcess(step) ──Finish──▶ Done ──Return──▶ Returned
//!     │                     │   ╲──Finish──────────────────────────────▲
//!     │                     │          InProcess(i) ──Transfer──▶ InProcess(j)
//!     └──RequestSupplement──┴──────────────┴──▶ AwaitingSupplement ──SupplementReceived──▶ (back)
//! side exits: Refuse (Form 03), Stop (Form 05), Withdraw → Refused / Stopped / Withdrawn
//! Apologize (Form 04 + new date) in Received, AwaitingSupplement, InProcess, Done.
//! ```

use jiff::civil::{Date, DateTime};

use super::ontime::{self, OnTime};
use crate::DomainError;
use crate::calendar::WorkCalendar;
use crate::identity::Role;

/// Where a dossier waiting for a supplement goes back to once it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resume {
    Submitted,
    Received,
    Step(u16),
}

/// Lifecycle state. Names follow the national sync vocabulary ([`DossierState::national`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierState {
    /// `MOI_NOP`: submitted online (or by post), waiting for the desk to accept it.
    Submitted,
    /// `DA_TIEP_NHAN`: valid dossier received, Form 01 issued, clock running.
    Received,
    /// `YEU_CAU_BO_SUNG`: Form 02 issued, waiting for the citizen (clock paused).
    AwaitingSupplement { resume: Resume },
    /// `DANG_XU_LY`: at step `step` of the internal process (control sheet row).
    InProcess { step: u16 },
    /// `DA_XU_LY_XONG`: processing finished, result ready for the citizen.
    Done,
    /// `DA_TRA_KET_QUA`: result handed over. Terminal.
    Returned,
    /// `TU_CHOI`: refused (Form 03). Terminal.
    Refused,
    /// `DUNG_XU_LY`: processing stopped (Form 05, 2025). Terminal.
    Stopped,
    /// `CONG_DAN_RUT`: withdrawn by the citizen. Terminal.
    Withdrawn,
}

impl DossierState {
    /// Stable kebab-case identifier.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// The status name of the national sync vocabulary.
    pub fn national(self) -> &'static str {
        self.names().1
    }

    /// Both names of the state, side by side: (kebab-case identifier, national status).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Submitted => ("submitted", "MOI_NOP"),
            Self::Received => ("received", "DA_TIEP_NHAN"),
            Self::AwaitingSupplement { .. } => ("awaiting-supplement", "YEU_CAU_BO_SUNG"),
            Self::InProcess { .. } => ("in-process", "DANG_XU_LY"),
            Self::Done => ("done", "DA_XU_LY_XONG"),
            Self::Returned => ("returned", "DA_TRA_KET_QUA"),
            Self::Refused => ("refused", "TU_CHOI"),
            Self::Stopped => ("stopped", "DUNG_XU_LY"),
            Self::Withdrawn => ("withdrawn", "CONG_DAN_RUT"),
        }
    }

    /// The actions the state accepts (guards such as a reason or a head's signature may still
    /// refuse one). Kept next to [`apply`]; a test checks the two agree.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Self::Submitted => &["receive", "request-supplement", "refuse", "withdraw"],
            Self::AwaitingSupplement { .. } => &[
                "supplement-received",
                "refuse",
                "stop",
                "withdraw",
                "apologize",
                "request-apology",
            ],
            Self::Received | Self::InProcess { .. } => &[
                "request-supplement",
                "refuse",
                "transfer",
                "finish",
                "stop",
                "withdraw",
                "apologize",
                "request-apology",
            ],
            Self::Done => &["return", "apologize", "request-apology"],
            Self::Returned | Self::Refused | Self::Stopped | Self::Withdrawn => &[],
        }
    }

    /// No action is accepted any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Returned | Self::Refused | Self::Stopped | Self::Withdrawn
        )
    }

    /// Processing has ended (the on-time status is stored): done or terminal.
    pub fn is_closed(self) -> bool {
        self == Self::Done || self.is_terminal()
    }
}

/// What an officer (or the citizen) does to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Accept an online or postal submission after checking it against the checklist; Form 01
    /// with the appointment date `due` (computed by the caller with `calendar::due_date`).
    Receive { due: Date },
    /// Form 02. The first request needs only its content; any further one ("guide once")
    /// needs a reason and the head's approval.
    RequestSupplement {
        reason: String,
        approved_by_head: bool,
    },
    /// The citizen brought the missing documents.
    SupplementReceived,
    /// Form 03, at receipt or on the merits.
    Refuse { reason: String },
    /// Hand over to step `to_step` (another unit or office), due by `step_due` (control sheet).
    Transfer { to_step: u16, step_due: DateTime },
    /// Processing finished; the result is ready.
    Finish,
    /// Hand the result over. A dossier finished late needs an apology (Form 04) on file.
    Return,
    /// Form 05 (2025): notice that processing stops.
    Stop { reason: String },
    /// The citizen withdraws the dossier.
    Withdraw,
    /// Form 04: apology with reason and a new appointment date, signed by the head or deputy.
    Apologize {
        reason: String,
        new_due: Date,
        signer_role: Role,
    },
    /// Send a dossier that needs Form 04 to the head (or deputy) to sign it; the state stays.
    RequestApology,
}

impl Action {
    /// Stable kebab-case identifier.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Receive { .. } => "receive",
            Self::RequestSupplement { .. } => "request-supplement",
            Self::SupplementReceived => "supplement-received",
            Self::Refuse { .. } => "refuse",
            Self::Transfer { .. } => "transfer",
            Self::Finish => "finish",
            Self::Return => "return",
            Self::Stop { .. } => "stop",
            Self::Withdraw => "withdraw",
            Self::Apologize { .. } => "apologize",
            Self::RequestApology => "request-apology",
        }
    }
}

/// One Form 02 request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Supplement {
    pub requested_at: DateTime,
    /// `None` while the citizen has not answered.
    pub completed_at: Option<DateTime>,
    pub reason: String,
    pub approved_by_head: bool,
}

/// One Form 04: apology and new appointment date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reappointment {
    pub at: DateTime,
    pub reason: String,
    pub new_due: Date,
    pub signer_role: Role,
}

/// Configurable rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DossierRules {
    /// How many Form 04 new dates a dossier may get (reference §1.5: "at most once" is not
    /// confirmed, so configurable). Default 1.
    pub max_reappointments: u32,
    /// Working days before the due date from which an open dossier is flagged. Default 1.
    pub warn_working_days: u32,
}

impl Default for DossierRules {
    fn default() -> Self {
        Self {
            max_reappointments: 1,
            warn_working_days: 1,
        }
    }
}

/// The facts the rules need. Build with [`DossierFacts::submitted`] or
/// [`DossierFacts::received`]; change only through [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DossierFacts {
    pub state: DossierState,
    pub submitted_at: DateTime,
    /// Receipt of the valid dossier: starts the clock.
    pub received_at: Option<DateTime>,
    /// The original appointment date (`ngay_hen_tra_goc`), never overwritten.
    pub due: Option<Date>,
    pub supplements: Vec<Supplement>,
    /// Form 04 records; the last one carries the current appointment date.
    pub reappointments: Vec<Reappointment>,
    /// Deadline of the current step (control sheet).
    pub step_due: Option<DateTime>,
    /// End of processing (`Finish`).
    pub done_at: Option<DateTime>,
    /// Time of the terminal transition (returned, refused, stopped, withdrawn).
    pub closed_at: Option<DateTime>,
    /// Status against the original date by the national rule, stored when processing ends
    /// (finish, or refuse / stop / withdraw after receipt).
    pub on_time: Option<OnTime>,
    /// Status against the last Form 04 date (the second promise), stored at the same time.
    pub on_time_reappointed: Option<OnTime>,
}

impl DossierFacts {
    /// A dossier submitted online or by post, waiting for the desk.
    pub fn submitted(at: DateTime) -> Self {
        Self {
            state: DossierState::Submitted,
            submitted_at: at,
            received_at: None,
            due: None,
            supplements: Vec::new(),
            reappointments: Vec::new(),
            step_due: None,
            done_at: None,
            closed_at: None,
            on_time: None,
            on_time_reappointed: None,
        }
    }

    /// A dossier received at the counter after checking it: Form 01 with `due`.
    /// Error: `due-before-receipt` (`due`).
    pub fn received(at: DateTime, due: Date) -> Result<Self, DomainError> {
        check_due(at, due)?;
        Ok(Self {
            state: DossierState::Received,
            received_at: Some(at),
            due: Some(due),
            ..Self::submitted(at)
        })
    }

    /// The current appointment date: the last Form 04 date, else the original one.
    pub fn current_due(&self) -> Option<Date> {
        self.reappointments.last().map(|r| r.new_due).or(self.due)
    }

    /// Supplement waits as `(requested, completed)`, an open wait ending at `until`.
    pub fn supplement_pauses(&self, until: DateTime) -> Vec<(DateTime, DateTime)> {
        self.supplements
            .iter()
            .map(|s| {
                (
                    s.requested_at,
                    s.completed_at.unwrap_or(until).max(s.requested_at),
                )
            })
            .collect()
    }

    /// The original due date extended by the supplement waits up to `now`.
    pub fn effective_due(&self, now: DateTime, calendar: &WorkCalendar) -> Option<Date> {
        let (received, due) = (self.received_at?, self.due?);
        Some(ontime::effective_due(
            received,
            due,
            now,
            &self.supplement_pauses(now),
            calendar,
        ))
    }

    /// The current appointment extended by the supplement waits that began after it was set.
    pub fn effective_current_due(&self, now: DateTime, calendar: &WorkCalendar) -> Option<Date> {
        match self.reappointments.last() {
            None => self.effective_due(now, calendar),
            Some(r) => Some(ontime::effective_due(
                r.at,
                r.new_due,
                now,
                &self.supplement_pauses(now),
                calendar,
            )),
        }
    }

    /// The `SAP_QUA_HAN` / `QUA_HAN` flag at `now`.
    pub fn deadline_flag(
        &self,
        now: DateTime,
        rules: &DossierRules,
        calendar: &WorkCalendar,
    ) -> ontime::DeadlineFlag {
        match self.effective_current_due(now, calendar) {
            Some(due) => ontime::deadline_flag(
                due,
                now,
                self.state.is_closed(),
                rules.warn_working_days,
                calendar,
            ),
            None => ontime::DeadlineFlag::None,
        }
    }

    /// Processing finished after the (supplement-extended) original date: the result may be
    /// handed over only with an apology on file.
    pub fn finished_late(&self, calendar: &WorkCalendar) -> bool {
        self.done_at
            .and_then(|done| Some((done, self.effective_due(done, calendar)?)))
            .is_some_and(|(done, due)| done.date() > due)
    }

    /// Late (finished late, past its date) or due soon, with no Form 04 yet: the head must sign
    /// one. The one rule behind the head's "apologies to sign" list and "request-apology".
    pub fn needs_apology(
        &self,
        now: DateTime,
        rules: &DossierRules,
        calendar: &WorkCalendar,
    ) -> bool {
        use ontime::DeadlineFlag as F;
        let finished_late = self.state == DossierState::Done && self.finished_late(calendar);
        self.reappointments.is_empty()
            && self.state.actions().contains(&"apologize")
            && (finished_late
                || matches!(
                    self.deadline_flag(now, rules, calendar),
                    F::Overdue | F::DueSoon
                ))
    }

    /// The actions to offer now: the state's ([`DossierState::actions`]) less those the facts
    /// refuse anyway — "return" of a dossier finished late with no Form 04 (it goes to the head
    /// instead, "request-apology"), and "request-apology" when no apology is needed.
    pub fn offered(
        &self,
        now: DateTime,
        rules: &DossierRules,
        calendar: &WorkCalendar,
    ) -> Vec<&'static str> {
        let late_return = self.reappointments.is_empty() && self.finished_late(calendar);
        let needs = self.needs_apology(now, rules, calendar);
        self.state
            .actions()
            .iter()
            .copied()
            .filter(|a| match *a {
                "return" => !late_return,
                "request-apology" => needs,
                _ => true,
            })
            .collect()
    }

    /// After the working calendar changed: when the current appointment (the last Form 04
    /// date, else the original) now falls on a day off, the facts with it moved to the next
    /// working day, and the old date. A period whose last day is a day off ends on the next
    /// working day (Civil Code 2015, Art. 148(5)); any other printed appointment is kept (only
    /// Form 04 moves it later, and nothing moves it earlier). None for a closed dossier.
    pub fn rescheduled(&self, calendar: &WorkCalendar) -> Option<(Date, DossierFacts)> {
        let due = self.current_due()?;
        if self.state.is_terminal() || calendar.is_working_day(due) {
            return None;
        }
        let new_due = calendar.working_day_on_or_after(due);
        let mut f = self.clone();
        match f.reappointments.last_mut() {
            Some(r) => r.new_due = new_due,
            None => f.due = Some(new_due),
        }
        Some((due, f))
    }

    /// Number of Form 02 requests.
    pub fn supplement_requests(&self) -> u32 {
        u32::try_from(self.supplements.len()).unwrap_or(u32::MAX)
    }
}

/// A form the transition issues (the caller renders and records it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormIssued {
    /// Form 01: receipt slip with appointment date.
    Receipt,
    /// Form 02: supplement request.
    SupplementRequest,
    /// Form 03: refusal.
    Refusal,
    /// Form 04: apology and new date.
    Apology,
    /// Form 05 (2025): notice of stopping.
    StopNotice,
    /// A row of the control sheet (Form 05 of 2018 / 06 of 2025).
    ControlSheetRow,
}

/// The result of an accepted action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: DossierState,
    pub to: DossierState,
    /// The facts after the action.
    pub facts: DossierFacts,
    pub form: Option<FormIssued>,
}

const ILLEGAL: DomainError = DomainError::new("illegal-transition");

fn check_due(at: DateTime, due: Date) -> Result<(), DomainError> {
    if due < at.date() {
        Err(DomainError::field("due-before-receipt", "due"))
    } else {
        Ok(())
    }
}

fn need_reason(reason: &str) -> Result<(), DomainError> {
    if reason.trim().is_empty() {
        Err(DomainError::field("reason-required", "reason"))
    } else {
        Ok(())
    }
}

/// A Form 04 date: after today, after the date it replaces, on a working day.
fn check_new_due(
    f: &DossierFacts,
    new_due: Date,
    now: DateTime,
    calendar: &WorkCalendar,
) -> Result<(), DomainError> {
    if new_due <= f.current_due().unwrap_or(now.date()) {
        return Err(DomainError::field("apology-new-date", "new_due"));
    }
    if new_due <= now.date() {
        return Err(DomainError::field("apology-new-date-past", "new_due"));
    }
    if !calendar.is_working_day(new_due) {
        return Err(DomainError::field(
            "apology-new-date-not-working",
            "new_due",
        ));
    }
    Ok(())
}

/// Applies `action` at `now` (Vietnam local time) to `d`.
///
/// Errors (code, field):
/// - `illegal-transition` (none): the action is not allowed in the current state, including
///   any action on a terminal state;
/// - `reason-required` (`reason`): supplement, refusal, stop or apology without a reason;
/// - `supplement-needs-approval` (`approved_by_head`): a second or later Form 02 without the
///   head's approval;
/// - `due-before-receipt` (`due`): appointment date before the receipt date;
/// - `transfer-same-step` (`to_step`), `step-due-in-past` (`step_due`);
/// - `late-return-needs-apology` (none): returning a dossier finished late without Form 04;
/// - `apology-signer-role` (`signer_role`): Form 04 not signed by the head or a deputy;
/// - `apology-new-date` (`new_due`): new date not later than the current one;
/// - `apology-new-date-past` (`new_due`): new date not after today;
/// - `apology-new-date-not-working` (`new_due`): new date not a working day of the calendar;
/// - `reappointment-limit` (none): more Form 04 dates than `rules.max_reappointments`;
/// - `apology-not-needed` (none): sending to the head a dossier that needs no Form 04.
pub fn apply(
    d: &DossierFacts,
    action: &Action,
    now: DateTime,
    rules: &DossierRules,
    calendar: &WorkCalendar,
) -> Result<Transition, DomainError> {
    use DossierState as S;
    let from = d.state;
    let mut f = d.clone();
    let mut form = None;
    match (from, action) {
        (S::Submitted, Action::Receive { due }) => {
            check_due(now, *due)?;
            f.received_at = Some(now);
            f.due = Some(*due);
            f.state = S::Received;
            form = Some(FormIssued::Receipt);
        }
        (
            S::Submitted | S::Received | S::InProcess { .. },
            Action::RequestSupplement {
                reason,
                approved_by_head,
            },
        ) => {
            need_reason(reason)?;
            if !f.supplements.is_empty() && !approved_by_head {
                return Err(DomainError::field(
                    "supplement-needs-approval",
                    "approved_by_head",
                ));
            }
            f.supplements.push(Supplement {
                requested_at: now,
                completed_at: None,
                reason: reason.trim().to_owned(),
                approved_by_head: *approved_by_head,
            });
            let resume = match from {
                S::Submitted => Resume::Submitted,
                S::InProcess { step } => Resume::Step(step),
                _ => Resume::Received,
            };
            f.state = S::AwaitingSupplement { resume };
            form = Some(FormIssued::SupplementRequest);
        }
        (S::AwaitingSupplement { resume }, Action::SupplementReceived) => {
            close_pause(&mut f, now);
            f.state = match resume {
                Resume::Submitted => S::Submitted,
                Resume::Received => S::Received,
                Resume::Step(step) => S::InProcess { step },
            };
        }
        (
            S::Submitted | S::Received | S::AwaitingSupplement { .. } | S::InProcess { .. },
            Action::Refuse { reason },
        ) => {
            need_reason(reason)?;
            end(&mut f, S::Refused, now, calendar);
            form = Some(FormIssued::Refusal);
        }
        (S::Received | S::InProcess { .. }, Action::Transfer { to_step, step_due }) => {
            if from == (S::InProcess { step: *to_step }) {
                return Err(DomainError::field("transfer-same-step", "to_step"));
            }
            if *step_due <= now {
                return Err(DomainError::field("step-due-in-past", "step_due"));
            }
            f.step_due = Some(*step_due);
            f.state = S::InProcess { step: *to_step };
            form = Some(FormIssued::ControlSheetRow);
        }
        (S::Received | S::InProcess { .. }, Action::Finish) => {
            f.done_at = Some(now);
            f.step_due = None;
            f.state = S::Done;
            store_on_time(&mut f, now, calendar);
        }
        (S::Done, Action::Return) => {
            if f.reappointments.is_empty() && f.finished_late(calendar) {
                return Err(DomainError::new("late-return-needs-apology"));
            }
            f.closed_at = Some(now);
            f.state = S::Returned;
        }
        (
            S::Received | S::AwaitingSupplement { .. } | S::InProcess { .. },
            Action::Stop { reason },
        ) => {
            need_reason(reason)?;
            end(&mut f, S::Stopped, now, calendar);
            form = Some(FormIssued::StopNotice);
        }
        (
            S::Submitted | S::Received | S::AwaitingSupplement { .. } | S::InProcess { .. },
            Action::Withdraw,
        ) => {
            end(&mut f, S::Withdrawn, now, calendar);
        }
        (
            S::Received | S::AwaitingSupplement { .. } | S::InProcess { .. } | S::Done,
            Action::Apologize {
                reason,
                new_due,
                signer_role,
            },
        ) => {
            need_reason(reason)?;
            if !matches!(signer_role, Role::Head | Role::Deputy) {
                return Err(DomainError::field("apology-signer-role", "signer_role"));
            }
            check_new_due(&f, *new_due, now, calendar)?;
            if f.reappointments.len() >= rules.max_reappointments as usize {
                return Err(DomainError::new("reappointment-limit"));
            }
            f.reappointments.push(Reappointment {
                at: now,
                reason: reason.trim().to_owned(),
                new_due: *new_due,
                signer_role: *signer_role,
            });
            if f.state == S::Done {
                // The second promise of an already finished dossier is judged at once.
                if let Some(done) = f.done_at {
                    f.on_time_reappointed = Some(ontime::by_date(done.date(), *new_due));
                }
            }
            form = Some(FormIssued::Apology);
        }
        (
            S::Received | S::AwaitingSupplement { .. } | S::InProcess { .. } | S::Done,
            Action::RequestApology,
        ) => {
            if !d.needs_apology(now, rules, calendar) {
                return Err(DomainError::new("apology-not-needed"));
            }
        }
        _ => return Err(ILLEGAL),
    }
    Ok(Transition {
        from,
        to: f.state,
        facts: f,
        form,
    })
}

/// Marks the open supplement wait as answered at `now`.
fn close_pause(f: &mut DossierFacts, now: DateTime) {
    if let Some(s) = f.supplements.last_mut()
        && s.completed_at.is_none()
    {
        s.completed_at = Some(now.max(s.requested_at));
    }
}

/// A terminal exit other than Return: closes an open wait and stores the on-time status if
/// the clock had started.
fn end(f: &mut DossierFacts, to: DossierState, now: DateTime, calendar: &WorkCalendar) {
    close_pause(f, now);
    f.closed_at = Some(now);
    f.step_due = None;
    f.state = to;
    store_on_time(f, now, calendar);
}

/// Stores the on-time statuses against the original date (national rule) and against the
/// last Form 04 date (supplement waits begun after it extend it; the supplement-count rule
/// does not apply to it).
fn store_on_time(f: &mut DossierFacts, now: DateTime, calendar: &WorkCalendar) {
    let (Some(received), Some(due)) = (f.received_at, f.due) else {
        return;
    };
    let pauses = f.supplement_pauses(now);
    f.on_time = Some(ontime::on_time_status(
        received,
        due,
        now,
        &pauses,
        f.supplement_requests(),
        calendar,
    ));
    f.on_time_reappointed = f.reappointments.last().map(|r| {
        ontime::by_date(
            now.date(),
            ontime::effective_due(r.at, r.new_due, now, &pauses, calendar),
        )
    });
}
