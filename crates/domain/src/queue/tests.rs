use uuid::Uuid;

use super::*;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn cand(n: u128, group: u128, priority: bool, at: i64) -> Candidate {
    Candidate {
        id: id(n),
        group_id: id(group),
        target_counter: None,
        priority,
        enqueued_at: at,
        serial: n as i64,
    }
}

fn ctx(groups: &[Uuid], streak: u32) -> CallContext<'_> {
    CallContext {
        counter_id: id(900),
        groups,
        priority_streak: streak,
        priority_burst: 2,
    }
}

#[test]
fn numbers_and_letters() {
    assert_eq!(ticket_number('A', 1), "A001");
    assert_eq!(ticket_number('B', 42), "B042");
    assert_eq!(ticket_number('C', 1000), "C1000");
    assert_eq!(parse_letter(" B ").unwrap(), 'B');
    for bad in ["", "a", "AB", "Đ", "1"] {
        assert_eq!(parse_letter(bad).unwrap_err().code, "queue-letter-format");
    }
}

#[test]
fn oldest_ticket_of_the_counters_services_is_called() {
    let groups = [id(1)];
    let waiting = vec![
        cand(10, 2, false, 100), // another service: not this counter's
        cand(11, 1, false, 300),
        cand(12, 1, false, 200),
    ];
    assert_eq!(pick_next(&waiting, &ctx(&groups, 0)).unwrap().id, id(12));
    assert!(pick_next(&waiting[..1], &ctx(&groups, 0)).is_none());
}

#[test]
fn priority_goes_first_but_never_starves_ordinary_tickets() {
    let groups = [id(1)];
    let waiting = vec![
        cand(10, 1, false, 100),
        cand(11, 1, true, 500),
        cand(12, 1, true, 600),
        cand(13, 1, true, 700),
    ];
    // Priority first while the streak is short.
    assert_eq!(pick_next(&waiting, &ctx(&groups, 0)).unwrap().id, id(11));
    assert_eq!(pick_next(&waiting, &ctx(&groups, 1)).unwrap().id, id(11));
    // After `priority_burst` priority calls in a row, the oldest ordinary ticket.
    assert_eq!(pick_next(&waiting, &ctx(&groups, 2)).unwrap().id, id(10));
    // The whole order: P P O P.
    assert_eq!(
        queue_order(&waiting, 0, 2),
        vec![id(11), id(12), id(10), id(13)]
    );
    // With no ordinary ticket waiting the streak does not matter.
    assert_eq!(
        pick_next(&waiting[1..], &ctx(&groups, 5)).unwrap().id,
        id(11)
    );
}

#[test]
fn a_ticket_sent_to_a_counter_is_called_there_first_and_only_there() {
    let groups = [id(1)];
    let mut sent = cand(20, 2, false, 900);
    sent.target_counter = Some(id(900));
    let mut elsewhere = cand(21, 1, false, 50);
    elsewhere.target_counter = Some(id(901));
    let waiting = vec![cand(10, 1, true, 100), sent, elsewhere];
    assert_eq!(pick_next(&waiting, &ctx(&groups, 0)).unwrap().id, id(20));
    let rest = [waiting[0].clone(), waiting[2].clone()];
    assert_eq!(pick_next(&rest, &ctx(&groups, 0)).unwrap().id, id(10));
    assert!(pick_next(&rest[1..], &ctx(&groups, 0)).is_none());
}

#[test]
fn a_transferred_ticket_keeps_its_place() {
    // Transferred from another service: its key is the time it first took a number.
    let groups = [id(1)];
    let waiting = vec![cand(30, 1, false, 400), cand(31, 1, false, 150)];
    assert_eq!(pick_next(&waiting, &ctx(&groups, 0)).unwrap().id, id(31));
}

#[test]
fn ticket_state_rules() {
    let s = QueueSettings::default();
    use TicketAction as A;
    use TicketState as S;
    assert_eq!(apply(S::Called, 0, false, A::Start, &s), Ok(S::Serving));
    assert_eq!(apply(S::Called, 0, false, A::Recall, &s), Ok(S::Called));
    assert_eq!(apply(S::Serving, 0, false, A::Finish, &s), Ok(S::Done));
    assert_eq!(apply(S::Serving, 0, false, A::Transfer, &s), Ok(S::Waiting));
    assert_eq!(apply(S::Called, 2, false, A::NoShow, &s), Ok(S::NoShow));
    let err = |st, rec, ap, a| apply(st, rec, ap, a, &s).unwrap_err().code;
    assert_eq!(err(S::Done, 0, false, A::Finish), "queue-ticket-closed");
    assert_eq!(err(S::NoShow, 0, false, A::Recall), "queue-ticket-closed");
    assert_eq!(
        err(S::Waiting, 0, false, A::Finish),
        "queue-ticket-not-called"
    );
    assert_eq!(err(S::Called, 0, false, A::Finish), "queue-not-serving");
    assert_eq!(err(S::Called, 1, false, A::NoShow), "queue-recall-first");
    assert_eq!(
        err(S::Serving, 0, false, A::Recall),
        "queue-already-serving"
    );
    assert_eq!(
        err(S::Serving, 0, true, A::Apologize),
        "queue-already-apologized"
    );
    assert_eq!(
        apply(S::Serving, 0, false, A::Apologize, &s),
        Ok(S::Serving)
    );
}

#[test]
fn apology_is_owed_past_the_threshold() {
    let s = QueueSettings {
        apology_after_minutes: 30,
        ..Default::default()
    };
    let min = 60_000_000;
    assert!(!s.owes_apology(0, 30 * min));
    assert!(s.owes_apology(0, 30 * min + 1));
}

#[test]
fn settings_are_validated() {
    assert!(QueueSettings::default().validate().is_ok());
    let bad = QueueSettings {
        priority_burst: 0,
        ..Default::default()
    };
    assert_eq!(bad.validate().unwrap_err().field, Some("priority_burst"));
    let mut dup = QueueSettings::default();
    dup.priority_reasons.push(dup.priority_reasons[0].clone());
    assert_eq!(dup.validate().unwrap_err().code, "queue-priority-code");
    assert_eq!(
        QueueSettings::default()
            .priority("nobody")
            .unwrap_err()
            .code,
        "queue-unknown-priority"
    );
}

#[test]
fn estimates_come_from_recent_service_times() {
    let samples: Vec<ServiceSample> = [240.0, 300.0, 360.0, 3600.0, 180.0]
        .iter()
        .map(|&s| ServiceSample { seconds: s })
        .collect();
    // Median 300 s; 4 ahead over 2 counters → 2 rounds → 10 minutes.
    let e = estimate_wait(4, 2, &samples, 600);
    assert_eq!((e.minutes, e.service_seconds, e.based_on), (10, 300, 5));
    // No history: the default.
    let e = estimate_wait(3, 1, &[], 120);
    assert_eq!((e.minutes, e.service_seconds, e.based_on), (6, 120, 0));
    // Nobody ahead: no wait; no counter open counts as one.
    assert_eq!(estimate_wait(0, 0, &samples, 600).minutes, 0);
    assert_eq!(
        percentile(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90.0),
        Some(9.0)
    );
    assert_eq!(percentile(&[], 50.0), None);
}

#[test]
fn voice_reads_the_number_digit_by_digit() {
    let a = announce("A012", 3);
    assert_eq!(a.text, "Mời số A012 đến quầy số 3");
    assert_eq!(a.speech, "Mời số A không một hai, đến quầy số ba");
    assert_eq!(spell_number(10), "mười");
    assert_eq!(spell_number(15), "mười lăm");
    assert_eq!(spell_number(21), "hai mươi mốt");
    assert_eq!(spell_number(24), "hai mươi tư");
    assert_eq!(spell_number(11), "mười một");
    assert_eq!(spell_number(14), "mười bốn");
    assert_eq!(spell_number(30), "ba mươi");
    assert_eq!(spell_number(35), "ba mươi lăm");
}

#[test]
fn the_short_code_reads_back_however_it_is_typed() {
    let code = short_code("A012", "K3Q9XZ7M");
    assert_eq!(code, "A012-K3Q9-XZ7M");
    let want = ("A012".to_string(), "K3Q9XZ7M".to_string());
    assert!(split_short_code(&code).contains(&want));
    assert!(split_short_code(" a012 k3q9 xz7m ").contains(&want));
    // The secret starts with a digit: both readings are tried.
    let runs = split_short_code("A0123Q9XZ7M");
    assert!(runs.contains(&("A012".into(), "3Q9XZ7M".into())));
    assert!(runs.contains(&("A0123".into(), "Q9XZ7M".into())));
    assert!(split_short_code("").is_empty());
    assert!(split_short_code("12-ABCD").is_empty());
    assert!(split_short_code("A01-ABCD").is_empty());
}

#[test]
fn a_call_stays_announced_for_its_time_and_a_duty_for_its_day() {
    let s = QueueSettings::default();
    let called = 1_000_000_000;
    assert_eq!(s.call_banner_left(called, called), 60);
    assert_eq!(s.call_banner_left(called, called + 59_500_000), 1);
    assert_eq!(s.call_banner_left(called, called + 60_000_000), 0);
    assert_eq!(s.call_banner_left(called, called + 3_600_000_000), 0);
    let bad = QueueSettings {
        call_banner_seconds: 1,
        ..QueueSettings::default()
    };
    assert!(bad.validate().is_err());
    // 2026-03-10 08:00 and 23:59 local (UTC+7), then 00:01 the next day.
    let at = |h: i64, m: i64| 1_773_104_400_000_000 + ((h - 8) * 60 + m) * 60_000_000;
    assert!(duty_current(at(8, 0), at(23, 59)));
    assert!(!duty_current(at(8, 0), at(24, 1)));
}

#[test]
fn a_group_serves_the_catalogue_fields_it_lists() {
    assert!(serves_field(Some("Hộ tịch; Chứng thực"), "Chứng thực"));
    assert!(serves_field(Some("Hộ tịch; Chứng thực"), "hộ tịch"));
    assert!(serves_field(Some("Ho tich"), "Hộ tịch"));
    assert!(!serves_field(Some("Hộ tịch; Chứng thực"), "Đất đai"));
    // A field name may itself hold a comma.
    assert!(serves_field(
        Some("Đăng ký, quản lý cư trú"),
        "Đăng ký, quản lý cư trú"
    ));
    assert!(serves_field(None, "Đất đai"));
    assert!(serves_field(Some(" ; "), "Đất đai"));
}
