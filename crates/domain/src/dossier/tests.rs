use jiff::civil::{Date, DateTime, date, datetime};
use jiff::{Span, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::DomainError;
use crate::calendar::WorkCalendar;
use crate::identity::Role;

fn cal() -> WorkCalendar {
    WorkCalendar::builtin()
}

fn at(d: Date, hour: i8) -> DateTime {
    d.to_datetime(jiff::civil::time(hour, 0, 0, 0))
}

/// Applies a sequence, panicking on refusal.
fn run(start: DossierFacts, steps: &[(Action, DateTime)], rules: &DossierRules) -> DossierFacts {
    let cal = cal();
    steps.iter().fold(start, |f, (a, now)| {
        apply(&f, a, *now, rules, &cal)
            .unwrap_or_else(|e| panic!("{} refused in {:?}: {e}", a.as_str(), f.state))
            .facts
    })
}

fn try_apply(f: &DossierFacts, a: Action, now: DateTime) -> Result<Transition, DomainError> {
    apply(f, &a, now, &DossierRules::default(), &cal())
}

fn err(code: &'static str) -> DomainError {
    DomainError::new(code)
}

fn ferr(code: &'static str, field: &'static str) -> DomainError {
    DomainError::field(code, field)
}

fn transfer(step: u16, due: DateTime) -> Action {
    Action::Transfer {
        to_step: step,
        step_due: due,
    }
}

fn supplement(reason: &str, approved: bool) -> Action {
    Action::RequestSupplement {
        reason: reason.into(),
        approved_by_head: approved,
    }
}

fn apology(new_due: Date, role: Role) -> Action {
    Action::Apologize {
        reason: "chờ ý kiến cơ quan thuế".into(),
        new_due,
        signer_role: role,
    }
}

/// Received Thu 12/02/2026 at 09:00, 5 working days → due Thu 26/02/2026 (reference §1 case 1).
fn feb12() -> DossierFacts {
    DossierFacts::received(at(date(2026, 2, 12), 9), date(2026, 2, 26)).unwrap()
}

// ---- lifecycle: legal paths ----

#[test]
fn receive_transfer_done_return() {
    let f = feb12();
    let t = try_apply(
        &f,
        transfer(1, at(date(2026, 2, 13), 17)),
        at(date(2026, 2, 12), 10),
    )
    .unwrap();
    assert_eq!(t.to, DossierState::InProcess { step: 1 });
    assert_eq!(t.form, Some(FormIssued::ControlSheetRow));
    let f = run(
        t.facts,
        &[
            (
                transfer(2, at(date(2026, 2, 24), 17)),
                at(date(2026, 2, 13), 11),
            ),
            (Action::Finish, at(date(2026, 2, 25), 9)),
        ],
        &DossierRules::default(),
    );
    assert_eq!(f.state, DossierState::Done);
    assert_eq!(f.on_time, Some(OnTime::Early));
    let t = try_apply(&f, Action::Return, at(date(2026, 3, 2), 9)).unwrap();
    assert_eq!(t.to, DossierState::Returned);
    assert_eq!(t.facts.closed_at, Some(at(date(2026, 3, 2), 9)));
    assert_eq!(
        t.facts.on_time,
        Some(OnTime::Early),
        "stored at the end of processing"
    );
}

#[test]
fn online_submission_is_received_then_finished_at_the_desk() {
    let f = DossierFacts::submitted(at(date(2026, 3, 1), 22));
    let t = try_apply(
        &f,
        Action::Receive {
            due: date(2026, 3, 3),
        },
        at(date(2026, 3, 2), 8),
    )
    .unwrap();
    assert_eq!(
        (t.from, t.to),
        (DossierState::Submitted, DossierState::Received)
    );
    assert_eq!(t.form, Some(FormIssued::Receipt));
    assert_eq!(t.facts.received_at, Some(at(date(2026, 3, 2), 8)));
    let f = run(
        t.facts,
        &[
            (Action::Finish, at(date(2026, 3, 3), 16)),
            (Action::Return, at(date(2026, 3, 3), 16)),
        ],
        &DossierRules::default(),
    );
    assert_eq!(f.state, DossierState::Returned);
    assert_eq!(f.on_time, Some(OnTime::OnTime));
}

#[test]
fn receive_due_before_receipt_refused() {
    let f = DossierFacts::submitted(at(date(2026, 3, 1), 22));
    let e = try_apply(
        &f,
        Action::Receive {
            due: date(2026, 3, 1),
        },
        at(date(2026, 3, 2), 8),
    );
    assert_eq!(e.unwrap_err(), ferr("due-before-receipt", "due"));
    assert_eq!(
        DossierFacts::received(at(date(2026, 3, 2), 8), date(2026, 3, 1)).unwrap_err(),
        ferr("due-before-receipt", "due")
    );
}

#[test]
fn supplement_once_pauses_and_resumes_the_step() {
    let f = run(
        feb12(),
        &[(
            transfer(1, at(date(2026, 2, 25), 17)),
            at(date(2026, 2, 12), 10),
        )],
        &DossierRules::default(),
    );
    let t = try_apply(
        &f,
        supplement("thiếu bản sao giấy khai sinh", false),
        at(date(2026, 2, 13), 9),
    )
    .unwrap();
    assert_eq!(
        t.to,
        DossierState::AwaitingSupplement {
            resume: Resume::Step(1)
        }
    );
    assert_eq!(t.form, Some(FormIssued::SupplementRequest));
    let t = try_apply(
        &t.facts,
        Action::SupplementReceived,
        at(date(2026, 2, 24), 9),
    )
    .unwrap();
    assert_eq!(t.to, DossierState::InProcess { step: 1 });
    assert_eq!(t.facts.supplements.len(), 1);
    assert_eq!(
        t.facts.supplements[0].completed_at,
        Some(at(date(2026, 2, 24), 9))
    );
    // Waiting 13/02 → 24/02 covers two working days (23/02 and 24/02): due 26/02 → 02/03.
    assert_eq!(
        t.facts.effective_due(at(date(2026, 2, 24), 9), &cal()),
        Some(date(2026, 3, 2))
    );
    // Finished on 02/03: late against 26/02 without the pause, on time with it.
    let t = try_apply(&t.facts, Action::Finish, at(date(2026, 3, 2), 15)).unwrap();
    assert_eq!(t.facts.on_time, Some(OnTime::OnTime));
    assert!(try_apply(&t.facts, Action::Return, at(date(2026, 3, 3), 8)).is_ok());
}

#[test]
fn supplement_before_receipt_and_from_received() {
    let f = DossierFacts::submitted(at(date(2026, 3, 2), 8));
    let t = try_apply(
        &f,
        supplement("thiếu tờ khai", false),
        at(date(2026, 3, 2), 9),
    )
    .unwrap();
    assert_eq!(
        t.to,
        DossierState::AwaitingSupplement {
            resume: Resume::Submitted
        }
    );
    let t = try_apply(
        &t.facts,
        Action::SupplementReceived,
        at(date(2026, 3, 3), 9),
    )
    .unwrap();
    assert_eq!(t.to, DossierState::Submitted);

    let t = try_apply(
        &feb12(),
        supplement("thiếu tờ khai", false),
        at(date(2026, 2, 12), 9),
    )
    .unwrap();
    let t = try_apply(
        &t.facts,
        Action::SupplementReceived,
        at(date(2026, 2, 13), 9),
    )
    .unwrap();
    assert_eq!(t.to, DossierState::Received);
}

#[test]
fn second_supplement_needs_approval_and_counts_late() {
    let f = run(
        feb12(),
        &[
            (
                supplement("thiếu tờ khai", false),
                at(date(2026, 2, 12), 10),
            ),
            (Action::SupplementReceived, at(date(2026, 2, 12), 11)),
        ],
        &DossierRules::default(),
    );
    let now = at(date(2026, 2, 12), 14);
    assert_eq!(
        try_apply(&f, supplement("thiếu ảnh", false), now).unwrap_err(),
        ferr("supplement-needs-approval", "approved_by_head")
    );
    assert_eq!(
        try_apply(&f, supplement("  ", true), now).unwrap_err(),
        ferr("reason-required", "reason")
    );
    let f = run(
        f,
        &[
            (supplement("thiếu ảnh", true), now),
            (Action::SupplementReceived, at(date(2026, 2, 12), 15)),
            (Action::Finish, at(date(2026, 2, 13), 9)),
        ],
        &DossierRules::default(),
    );
    assert_eq!(
        f.on_time,
        Some(OnTime::Late),
        "more than one supplement request is late"
    );
    // Not late by date, so no apology is needed to hand the result over.
    assert!(try_apply(&f, Action::Return, at(date(2026, 2, 13), 10)).is_ok());
}

#[test]
fn first_supplement_needs_a_reason() {
    assert_eq!(
        try_apply(&feb12(), supplement("", false), at(date(2026, 2, 12), 10)).unwrap_err(),
        ferr("reason-required", "reason")
    );
}

#[test]
fn refuse_stop_withdraw() {
    let now = at(date(2026, 2, 13), 9);
    let t = try_apply(
        &feb12(),
        Action::Refuse {
            reason: "không thuộc thẩm quyền".into(),
        },
        now,
    )
    .unwrap();
    assert_eq!(t.to, DossierState::Refused);
    assert_eq!(t.form, Some(FormIssued::Refusal));
    assert_eq!(t.facts.on_time, Some(OnTime::Early));
    assert_eq!(
        try_apply(&feb12(), Action::Refuse { reason: "".into() }, now).unwrap_err(),
        ferr("reason-required", "reason")
    );

    let f = run(
        feb12(),
        &[(
            transfer(1, at(date(2026, 2, 24), 17)),
            at(date(2026, 2, 12), 10),
        )],
        &DossierRules::default(),
    );
    let t = try_apply(
        &f,
        Action::Stop {
            reason: "có tranh chấp".into(),
        },
        now,
    )
    .unwrap();
    assert_eq!(t.to, DossierState::Stopped);
    assert_eq!(t.form, Some(FormIssued::StopNotice));
    assert_eq!(
        try_apply(&f, Action::Stop { reason: " ".into() }, now).unwrap_err(),
        ferr("reason-required", "reason")
    );

    // Withdrawn while waiting for a supplement: the wait ends then.
    let f = run(
        feb12(),
        &[(
            supplement("thiếu tờ khai", false),
            at(date(2026, 2, 12), 10),
        )],
        &DossierRules::default(),
    );
    let t = try_apply(&f, Action::Withdraw, now).unwrap();
    assert_eq!(t.to, DossierState::Withdrawn);
    assert_eq!(t.facts.supplements[0].completed_at, Some(now));
    assert!(t.facts.on_time.is_some());

    // Withdrawn before receipt: never counted.
    let t = try_apply(&DossierFacts::submitted(now), Action::Withdraw, now).unwrap();
    assert_eq!(t.to, DossierState::Withdrawn);
    assert_eq!(t.facts.on_time, None);
}

// ---- lifecycle: illegal transitions ----

#[test]
fn illegal_transitions_refused() {
    let now = at(date(2026, 2, 13), 9);
    let illegal = err("illegal-transition");
    let received = feb12();
    assert_eq!(
        try_apply(&received, Action::Return, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&received, Action::SupplementReceived, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(
            &received,
            Action::Receive {
                due: date(2026, 3, 1)
            },
            now
        )
        .unwrap_err(),
        illegal
    );
    let submitted = DossierFacts::submitted(now);
    assert_eq!(
        try_apply(&submitted, Action::Finish, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&submitted, transfer(1, at(date(2026, 2, 24), 9)), now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&submitted, Action::Stop { reason: "x".into() }, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&submitted, apology(date(2026, 3, 1), Role::Head), now).unwrap_err(),
        illegal
    );
    let waiting = run(
        received.clone(),
        &[(supplement("thiếu tờ khai", false), now)],
        &DossierRules::default(),
    );
    assert_eq!(
        try_apply(&waiting, Action::Finish, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&waiting, supplement("thiếu ảnh", true), now).unwrap_err(),
        illegal
    );
    let done = run(received, &[(Action::Finish, now)], &DossierRules::default());
    assert_eq!(
        try_apply(&done, transfer(1, at(date(2026, 2, 24), 9)), now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&done, Action::Withdraw, now).unwrap_err(),
        illegal
    );
    assert_eq!(
        try_apply(&done, supplement("thiếu", true), now).unwrap_err(),
        illegal
    );
    let returned = run(done, &[(Action::Return, now)], &DossierRules::default());
    for a in [
        Action::Return,
        Action::Finish,
        Action::Withdraw,
        Action::Refuse { reason: "x".into() },
        apology(date(2026, 3, 9), Role::Head),
    ] {
        assert_eq!(try_apply(&returned, a, now).unwrap_err(), illegal);
    }
}

#[test]
fn transfer_guards() {
    let now = at(date(2026, 2, 12), 10);
    let f = run(
        feb12(),
        &[(transfer(1, at(date(2026, 2, 24), 17)), now)],
        &DossierRules::default(),
    );
    assert_eq!(
        try_apply(&f, transfer(1, at(date(2026, 2, 25), 17)), now).unwrap_err(),
        ferr("transfer-same-step", "to_step")
    );
    assert_eq!(
        try_apply(&f, transfer(2, now), now).unwrap_err(),
        ferr("step-due-in-past", "step_due")
    );
    // Sending back to an earlier step is allowed (rework).
    let t = try_apply(&f, transfer(2, at(date(2026, 2, 24), 17)), now).unwrap();
    let t = try_apply(&t.facts, transfer(1, at(date(2026, 2, 25), 17)), now).unwrap();
    assert_eq!(t.to, DossierState::InProcess { step: 1 });
    assert_eq!(t.facts.step_due, Some(at(date(2026, 2, 25), 17)));
}

// ---- late handling ----

#[test]
fn late_return_needs_apology() {
    let done = run(
        feb12(),
        &[(Action::Finish, at(date(2026, 2, 27), 9))],
        &DossierRules::default(),
    );
    assert_eq!(done.on_time, Some(OnTime::Late));
    assert!(done.finished_late(&cal()));
    let now = at(date(2026, 2, 27), 10);
    assert_eq!(
        try_apply(&done, Action::Return, now).unwrap_err(),
        err("late-return-needs-apology")
    );
    let t = try_apply(&done, apology(date(2026, 3, 2), Role::Head), now).unwrap();
    assert_eq!(t.form, Some(FormIssued::Apology));
    assert_eq!(
        t.facts.on_time,
        Some(OnTime::Late),
        "the original promise stays late"
    );
    assert_eq!(t.facts.on_time_reappointed, Some(OnTime::Early));
    assert_eq!(t.facts.due, Some(date(2026, 2, 26)), "original date kept");
    assert_eq!(t.facts.current_due(), Some(date(2026, 3, 2)));
    let t = try_apply(&t.facts, Action::Return, now).unwrap();
    assert_eq!(t.to, DossierState::Returned);
}

/// A late result at the desk is never a dead end: "return" is not offered, "request-apology"
/// is (and sends it to the head without changing the state); once Form 04 is signed, "return"
/// is offered again and "request-apology" no longer.
#[test]
fn late_result_is_offered_to_the_head_not_returned() {
    let rules = DossierRules::default();
    let done = run(
        feb12(),
        &[(Action::Finish, at(date(2026, 2, 27), 9))],
        &rules,
    );
    let now = at(date(2026, 2, 27), 10);
    assert!(done.needs_apology(now, &rules, &cal()));
    assert_eq!(
        done.offered(now, &rules, &cal()),
        vec!["apologize", "request-apology"]
    );
    let t = try_apply(&done, Action::RequestApology, now).unwrap();
    assert_eq!(
        (t.from, t.to, t.form),
        (DossierState::Done, DossierState::Done, None)
    );
    let signed = try_apply(&done, apology(date(2026, 3, 2), Role::Head), now)
        .unwrap()
        .facts;
    assert!(!signed.needs_apology(now, &rules, &cal()));
    assert_eq!(
        signed.offered(now, &rules, &cal()),
        vec!["return", "apologize"]
    );
    assert_eq!(
        try_apply(&signed, Action::RequestApology, now).unwrap_err(),
        err("apology-not-needed")
    );
    // On time: returned straight away, nothing to send to the head.
    let early = run(
        feb12(),
        &[(Action::Finish, at(date(2026, 2, 20), 9))],
        &rules,
    );
    let later = at(date(2026, 2, 20), 10);
    assert_eq!(
        early.offered(later, &rules, &cal()),
        vec!["return", "apologize"]
    );
    assert_eq!(
        try_apply(&early, Action::RequestApology, later).unwrap_err(),
        err("apology-not-needed")
    );
}

/// A day announced off after receipt: the appointment on it moves to the next working day;
/// one after it is kept; a closed dossier keeps its dates.
#[test]
fn appointment_on_a_new_day_off_moves_to_the_next_working_day() {
    use crate::calendar::{AnnouncedDay, DayKind};
    let f = feb12(); // due Thu 26/02/2026
    assert_eq!(f.rescheduled(&cal()), None, "a working day: kept");
    let off = |d: Date| {
        let mut days = crate::calendar::builtin_announced();
        days.push(AnnouncedDay::new(
            d,
            DayKind::Holiday,
            "Nghỉ bù",
            "Thông báo",
        ));
        WorkCalendar::new(days)
    };
    let (old, moved) = f.rescheduled(&off(date(2026, 2, 26))).unwrap();
    assert_eq!(old, date(2026, 2, 26));
    assert_eq!(moved.current_due(), Some(date(2026, 2, 27)));
    assert_eq!(moved.due, Some(date(2026, 2, 27)));
    assert_eq!(
        f.rescheduled(&off(date(2026, 2, 25))),
        None,
        "the day off is before it"
    );
    let t = try_apply(
        &f,
        apology(date(2026, 3, 2), Role::Head),
        at(date(2026, 2, 25), 9),
    )
    .unwrap();
    let (_, moved) = t.facts.rescheduled(&off(date(2026, 3, 2))).unwrap();
    assert_eq!(
        moved.current_due(),
        Some(date(2026, 3, 3)),
        "the Form 04 date moves"
    );
    assert_eq!(moved.due, Some(date(2026, 2, 26)), "the original stays");
    let w = try_apply(&f, Action::Withdraw, at(date(2026, 2, 13), 9))
        .unwrap()
        .facts;
    assert_eq!(w.rescheduled(&off(date(2026, 2, 26))), None);
}

#[test]
fn apology_before_the_deadline_gives_a_second_promise() {
    let rules = DossierRules::default();
    let f = run(
        feb12(),
        &[
            (
                transfer(1, at(date(2026, 2, 24), 17)),
                at(date(2026, 2, 12), 10),
            ),
            (
                apology(date(2026, 3, 4), Role::Deputy),
                at(date(2026, 2, 25), 9),
            ),
        ],
        &rules,
    );
    assert_eq!(
        f.deadline_flag(at(date(2026, 3, 3), 9), &rules, &cal()),
        DeadlineFlag::DueSoon
    );
    let f = run(f, &[(Action::Finish, at(date(2026, 3, 4), 16))], &rules);
    assert_eq!(f.on_time, Some(OnTime::Late));
    assert_eq!(f.on_time_reappointed, Some(OnTime::OnTime));
    assert!(try_apply(&f, Action::Return, at(date(2026, 3, 5), 9)).is_ok());
}

#[test]
fn apology_guards() {
    let f = run(
        feb12(),
        &[(
            transfer(1, at(date(2026, 2, 24), 17)),
            at(date(2026, 2, 12), 10),
        )],
        &DossierRules::default(),
    );
    let now = at(date(2026, 2, 25), 9);
    for role in [
        Role::Specialist,
        Role::Reception,
        Role::Admin,
        Role::Supervisor,
    ] {
        assert_eq!(
            try_apply(&f, apology(date(2026, 3, 4), role), now).unwrap_err(),
            ferr("apology-signer-role", "signer_role")
        );
    }
    assert_eq!(
        try_apply(&f, apology(date(2026, 2, 26), Role::Head), now).unwrap_err(),
        ferr("apology-new-date", "new_due")
    );
    // Once late (due 26/02, now 03/03), a date after the old one but not after today.
    let late = at(date(2026, 3, 3), 9);
    for d in [date(2026, 3, 2), date(2026, 3, 3)] {
        assert_eq!(
            try_apply(&f, apology(d, Role::Head), late).unwrap_err(),
            ferr("apology-new-date-past", "new_due")
        );
    }
    // A Saturday, a Sunday and a public holiday (Reunification Day) are not working days.
    for d in [date(2026, 3, 7), date(2026, 3, 8), date(2026, 4, 30)] {
        assert_eq!(
            try_apply(&f, apology(d, Role::Head), now).unwrap_err(),
            ferr("apology-new-date-not-working", "new_due"),
            "{d}"
        );
    }
    assert!(try_apply(&f, apology(date(2026, 3, 9), Role::Head), now).is_ok());
    let no_reason = Action::Apologize {
        reason: "".into(),
        new_due: date(2026, 3, 4),
        signer_role: Role::Head,
    };
    assert_eq!(
        try_apply(&f, no_reason, now).unwrap_err(),
        ferr("reason-required", "reason")
    );
}

#[test]
fn reappointment_limit_is_configurable() {
    let now = at(date(2026, 2, 25), 9);
    let once = run(
        feb12(),
        &[(apology(date(2026, 3, 4), Role::Head), now)],
        &DossierRules::default(),
    );
    assert_eq!(
        try_apply(&once, apology(date(2026, 3, 9), Role::Head), now).unwrap_err(),
        err("reappointment-limit")
    );
    let rules = DossierRules {
        max_reappointments: 2,
        ..DossierRules::default()
    };
    let twice = run(
        once,
        &[(apology(date(2026, 3, 9), Role::Head), now)],
        &rules,
    );
    assert_eq!(twice.current_due(), Some(date(2026, 3, 9)));
    assert_eq!(
        apply(
            &twice,
            &apology(date(2026, 3, 10), Role::Head),
            now,
            &rules,
            &cal()
        )
        .unwrap_err(),
        err("reappointment-limit")
    );
    let none = DossierRules {
        max_reappointments: 0,
        ..DossierRules::default()
    };
    assert_eq!(
        apply(
            &feb12(),
            &apology(date(2026, 3, 4), Role::Head),
            now,
            &none,
            &cal()
        )
        .unwrap_err(),
        err("reappointment-limit")
    );
}

// ---- on-time classification ----

#[test]
fn on_time_around_tet_2026() {
    let cal = cal();
    let received = at(date(2026, 2, 12), 9);
    let due = crate::calendar::due_date(
        &cal,
        received,
        crate::calendar::TimeLimit {
            amount: 5,
            unit: crate::calendar::LimitUnit::WorkingDays,
        },
        &crate::calendar::DeadlineRules::default(),
    );
    assert_eq!(due, date(2026, 2, 26));
    let status = |d: Date| on_time_status(received, due, at(d, 16), &[], 0, &cal);
    assert_eq!(status(date(2026, 2, 13)), OnTime::Early);
    assert_eq!(status(date(2026, 2, 25)), OnTime::Early);
    assert_eq!(status(date(2026, 2, 26)), OnTime::OnTime);
    assert_eq!(status(date(2026, 2, 27)), OnTime::Late);
    assert_eq!(
        on_time_status(received, due, at(date(2026, 2, 26), 16), &[], 1, &cal),
        OnTime::OnTime
    );
    assert_eq!(
        on_time_status(received, due, at(date(2026, 2, 13), 9), &[], 2, &cal),
        OnTime::Late
    );
}

#[test]
fn supplement_pause_extends_the_due_date() {
    // Reference §1 case 3: received Mon 02/03/2026, 5 working days → due Mon 09/03.
    // Supplement requested on day 2 (Wed 04/03), completed 3 calendar days later (Sat 07/03):
    // Thu 05 and Fri 06 are paused → due Wed 11/03. Finished on day 6 (Tue 10/03): in time.
    let cal = cal();
    let received = at(date(2026, 3, 2), 9);
    let due = date(2026, 3, 9);
    let pause = [(at(date(2026, 3, 4), 10), at(date(2026, 3, 7), 10))];
    assert_eq!(
        effective_due(received, due, at(date(2026, 3, 10), 9), &pause, &cal),
        date(2026, 3, 11)
    );
    let s = |d: Date| on_time_status(received, due, at(d, 15), &pause, 1, &cal);
    assert_eq!(s(date(2026, 3, 10)), OnTime::Early);
    assert_eq!(s(date(2026, 3, 11)), OnTime::OnTime);
    assert_eq!(s(date(2026, 3, 12)), OnTime::Late);
    assert_eq!(
        on_time_status(received, due, at(date(2026, 3, 10), 15), &[], 0, &cal),
        OnTime::Late
    );
    // Answered the same day: nothing excluded.
    let same_day = [(at(date(2026, 3, 4), 9), at(date(2026, 3, 4), 16))];
    assert_eq!(
        effective_due(received, due, at(date(2026, 3, 10), 9), &same_day, &cal),
        due
    );
    // A wait before receipt does not count; an open wait counts up to the close.
    let before = [(at(date(2026, 2, 20), 9), at(date(2026, 3, 2), 8))];
    assert_eq!(
        effective_due(received, due, at(date(2026, 3, 10), 9), &before, &cal),
        due
    );
    let open = [(at(date(2026, 3, 4), 10), at(date(2026, 3, 20), 10))];
    assert_eq!(
        effective_due(received, due, at(date(2026, 3, 5), 9), &open, &cal),
        date(2026, 3, 10)
    );
}

#[test]
fn deadline_flag_due_soon_and_overdue() {
    let cal = cal();
    let due = date(2026, 2, 26);
    let flag = |d: Date, closed: bool| deadline_flag(due, at(d, 9), closed, 1, &cal);
    assert_eq!(flag(date(2026, 2, 24), false), DeadlineFlag::None);
    assert_eq!(flag(date(2026, 2, 25), false), DeadlineFlag::DueSoon);
    assert_eq!(flag(date(2026, 2, 26), false), DeadlineFlag::DueSoon);
    assert_eq!(flag(date(2026, 2, 27), false), DeadlineFlag::Overdue);
    assert_eq!(flag(date(2026, 2, 27), true), DeadlineFlag::None);
    // Across Tết: on Fri 13/02 the next working day is Mon 23/02.
    assert_eq!(
        deadline_flag(date(2026, 2, 23), at(date(2026, 2, 13), 9), false, 1, &cal),
        DeadlineFlag::DueSoon
    );
    assert_eq!(
        deadline_flag(due, at(date(2026, 2, 24), 9), false, 2, &cal),
        DeadlineFlag::DueSoon
    );
    let rules = DossierRules::default();
    assert_eq!(
        feb12().deadline_flag(at(date(2026, 2, 25), 9), &rules, &cal),
        DeadlineFlag::DueSoon
    );
}

// ---- dossier code and secret ----

#[test]
fn dossier_code_format_and_parse() {
    let c = DossierCode::new("UB", date(2026, 2, 23), 1).unwrap();
    assert_eq!(c.to_string(), "UB-260223-0001");
    let c = DossierCode::new("000.00.15.H13", date(2023, 5, 17), 42).unwrap();
    assert_eq!(c.to_string(), "000.00.15.H13-230517-0042");
    let p = DossierCode::parse(" 000.00.15.H13-230517-0042 ").unwrap();
    assert_eq!(p, c);
    assert_eq!(
        (p.office(), p.date(), p.serial()),
        ("000.00.15.H13", date(2023, 5, 17), 42)
    );
    assert_eq!(
        "UB-260223-9999".parse::<DossierCode>().unwrap().serial(),
        9999
    );
    for bad in [
        "",
        "UB-260223-001",
        "UB-260223-00001",
        "U-260230-0001",
        "UB-260223-0000",
        "-260223-0001",
        "u-260223-0001",
        "U-2602230001",
        "U_X-260223-0001",
        "U-26022a-0001",
        "UB-260223-+001",
    ] {
        assert_eq!(
            DossierCode::parse(bad).unwrap_err(),
            ferr("dossier-code-format", "code"),
            "{bad}"
        );
    }
}

#[test]
fn dossier_serial_limits() {
    let d = date(2026, 2, 23);
    assert_eq!(
        DossierCode::new("UB", d, 9999).unwrap().to_string(),
        "UB-260223-9999"
    );
    for s in [0, 10_000, u32::MAX] {
        assert_eq!(
            DossierCode::new("UB", d, s).unwrap_err(),
            ferr("dossier-serial-exhausted", "serial")
        );
    }
    assert_eq!(next_serial(None), Ok(1));
    assert_eq!(next_serial(Some(9998)), Ok(9999));
    assert_eq!(
        next_serial(Some(9999)).unwrap_err(),
        ferr("dossier-serial-exhausted", "serial")
    );
    assert_eq!(
        DossierCode::new("", d, 1).unwrap_err(),
        ferr("office-code-format", "office_code")
    );
    assert_eq!(
        DossierCode::new("db-tl", d, 1).unwrap_err(),
        ferr("office-code-format", "office_code")
    );
    // Office codes with hyphens (the demo's DB-TL) round-trip: the code is parsed from the right.
    let c = DossierCode::new("DB-TL", d, 42).unwrap();
    assert_eq!(DossierCode::parse(&c.to_string()).unwrap(), c);
    assert_eq!(c.office(), "DB-TL");
    assert_eq!(
        DossierCode::new("UB", date(2100, 1, 1), 1).unwrap_err(),
        ferr("dossier-code-date", "local_date")
    );
}

#[test]
fn serial_day_rolls_over_at_midnight_vietnam_time() {
    use crate::time::date_of;
    let ts = |s: &str| s.parse::<Timestamp>().unwrap();
    assert_eq!(date_of(ts("2026-02-22T16:59:59Z")), date(2026, 2, 22));
    assert_eq!(date_of(ts("2026-02-22T17:00:00Z")), date(2026, 2, 23));
    assert_eq!(date_of(ts("2026-02-23T00:00:00Z")), date(2026, 2, 23));
    assert_eq!(date_of(ts("2026-02-23T16:59:59Z")), date(2026, 2, 23));
}

#[test]
fn lookup_secret_alphabet() {
    assert_eq!(lookup_secret([0; 5]), "00000000");
    assert_eq!(lookup_secret([0xff; 5]), "ZZZZZZZZ");
    assert_eq!(lookup_secret([0, 0, 0, 0, 1]), "00000001");
    assert_eq!(lookup_secret([0, 0, 0, 0, 32]), "00000010");
    for ambiguous in [b'I', b'L', b'O', b'U'] {
        assert!(!SECRET_ALPHABET.contains(&ambiguous));
    }
    let mut sorted = SECRET_ALPHABET.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 32);
    assert_eq!(normalize_secret("abcd-efgh").as_deref(), Some("ABCDEFGH"));
    assert_eq!(normalize_secret("O1IL 0000").as_deref(), Some("01110000"));
    assert_eq!(normalize_secret("ABCDEFG"), None);
    assert_eq!(normalize_secret("ABCDEFGU"), None);
    assert!(secret_matches("0A1B2C3D", "oa1b-2c3d"));
    assert!(secret_matches("0A1B2C3D", "OAIB2C3D"));
    assert!(!secret_matches("0A1B2C3D", "0A1B2C3E"));
    assert!(!secret_matches("0A1B2C3D", ""));
}

// ---- property: random action sequences keep the facts consistent ----

fn action_from(kind: u8, p: u8, f: &DossierFacts, now: DateTime) -> Action {
    let reason = if p.is_multiple_of(7) {
        String::new()
    } else {
        "lý do".to_owned()
    };
    let roles = [Role::Head, Role::Deputy, Role::Specialist, Role::Reception];
    match kind % 10 {
        0 => Action::Receive {
            due: now
                .date()
                .saturating_add(Span::new().days(i64::from(p % 10))),
        },
        1 => Action::RequestSupplement {
            reason,
            approved_by_head: p.is_multiple_of(2),
        },
        2 => Action::SupplementReceived,
        3 => Action::Refuse { reason },
        4 => Action::Transfer {
            to_step: u16::from(p % 4),
            step_due: now.saturating_add(Span::new().hours(i64::from(p % 50) - 2)),
        },
        5 => Action::Finish,
        6 => Action::Return,
        7 => Action::Stop { reason },
        8 => Action::Withdraw,
        _ => Action::Apologize {
            reason,
            new_due: f
                .current_due()
                .unwrap_or(now.date())
                .saturating_add(Span::new().days(i64::from(p % 6) - 1)),
            signer_role: roles[usize::from(p % 4)],
        },
    }
}

fn check_invariants(f: &DossierFacts, rules: &DossierRules, cal: &WorkCalendar) {
    use DossierState as S;
    let waiting = matches!(f.state, S::AwaitingSupplement { .. });
    assert_eq!(
        waiting,
        f.supplements
            .last()
            .is_some_and(|s| s.completed_at.is_none())
    );
    assert!(f.supplements.iter().skip(1).all(|s| s.approved_by_head));
    assert!(f.supplements.iter().all(|s| !s.reason.is_empty()));
    assert!(
        f.supplements
            .iter()
            .rev()
            .skip(1)
            .all(|s| s.completed_at.is_some())
    );
    assert!(f.reappointments.len() <= rules.max_reappointments as usize);
    assert!(
        f.reappointments
            .iter()
            .all(|r| matches!(r.signer_role, Role::Head | Role::Deputy))
    );
    if matches!(
        f.state,
        S::Received | S::InProcess { .. } | S::Done | S::Returned
    ) {
        assert!(f.received_at.is_some() && f.due.is_some());
    }
    assert_eq!(
        f.done_at.is_some(),
        matches!(f.state, S::Done | S::Returned)
    );
    assert_eq!(f.closed_at.is_some(), f.state.is_terminal());
    assert_eq!(
        f.on_time.is_some(),
        f.state.is_closed() && f.received_at.is_some()
    );
    if f.state == S::Returned && f.finished_late(cal) {
        assert!(!f.reappointments.is_empty());
    }
}

proptest! {
    #[test]
    fn random_sequences_keep_facts_consistent(
        online in any::<bool>(),
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u16..3000), 0..40),
        max_reappointments in 0u32..3,
    ) {
        let cal = cal();
        let rules = DossierRules { max_reappointments, ..DossierRules::default() };
        let mut now = datetime(2026, 2, 10, 8, 0, 0, 0);
        let mut f = if online {
            DossierFacts::submitted(now)
        } else {
            DossierFacts::received(now, date(2026, 2, 24)).unwrap()
        };
        for (kind, p, minutes) in steps {
            now = now.saturating_add(Span::new().minutes(i64::from(minutes)));
            let action = action_from(kind, p, &f, now);
            match apply(&f, &action, now, &rules, &cal) {
                Ok(t) => {
                    prop_assert!(!t.from.is_terminal(), "left terminal state {:?}", t.from);
                    prop_assert_eq!(t.from, f.state);
                    prop_assert_eq!(t.to, t.facts.state);
                    if t.to == DossierState::Returned {
                        prop_assert_eq!(t.from, DossierState::Done);
                    }
                    f = t.facts;
                    check_invariants(&f, &rules, &cal);
                }
                Err(e) => {
                    if f.state.is_terminal() {
                        prop_assert_eq!(e, DomainError::new("illegal-transition"));
                    }
                }
            }
        }
    }
}

/// `DossierState::actions` (what the pages offer) agrees with `apply` (what is accepted): for
/// every state reachable in the tests and every action with valid arguments, `apply` refuses
/// with `illegal-transition` exactly when the table leaves the action out.
#[test]
fn action_table_agrees_with_apply() {
    let d = date(2026, 2, 12);
    let now = at(date(2026, 2, 13), 9);
    let received = feb12();
    let states = vec![
        DossierFacts::submitted(at(d, 9)),
        received.clone(),
        try_apply(&received, supplement("Thiếu giấy", false), now)
            .unwrap()
            .facts,
        try_apply(&received, transfer(2, at(date(2026, 2, 24), 17)), now)
            .unwrap()
            .facts,
        try_apply(&received, Action::Finish, now).unwrap().facts,
        try_apply(&received, Action::Withdraw, now).unwrap().facts,
    ];
    for f in states {
        let actions = vec![
            Action::Receive {
                due: date(2026, 3, 2),
            },
            supplement("Thiếu giấy", true),
            Action::SupplementReceived,
            Action::Refuse {
                reason: "Không đủ điều kiện".into(),
            },
            transfer(3, at(date(2026, 2, 25), 17)),
            Action::Finish,
            Action::Return,
            Action::Stop {
                reason: "Theo đề nghị".into(),
            },
            Action::Withdraw,
            apology(date(2026, 3, 20), Role::Head),
            Action::RequestApology,
        ];
        for a in actions {
            let listed = f.state.actions().contains(&a.as_str());
            let r = try_apply(&f, a.clone(), now);
            let illegal = matches!(&r, Err(e) if e.code == "illegal-transition");
            assert_eq!(listed, !illegal, "{:?} / {}: {r:?}", f.state, a.as_str());
        }
    }
}
