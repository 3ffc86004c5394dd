use jiff::civil::{Date, date};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::DomainError;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const OFFICER: u128 = 1;
const HEAD: u128 = 2;
const CHAIR: u128 = 3;

fn rules() -> RuleSet {
    RuleSet::nd_335_2025()
}

fn catalogue() -> OutputCatalogue {
    OutputCatalogue::one_stop_default("one_stop")
}

fn march() -> Period {
    Period::month(2026, 3).unwrap()
}

fn failures(n: u32) -> Vec<QualityFailure> {
    (0..n)
        .map(|i| QualityFailure {
            item: format!("D-{i}"),
            on: date(2026, 3, 10),
            reason: "sai thành phần hồ sơ".into(),
            excuse: None,
        })
        .collect()
}

fn delays(n: u32) -> Vec<Delay> {
    (0..n)
        .map(|i| Delay {
            item: format!("L-{i}"),
            days: 1,
            excuse: None,
        })
        .collect()
}

fn line(assigned: u32, completed: u32, fails: u32, late: u32) -> TaskLine {
    TaskLine {
        product: "dossier_received".into(),
        assigned,
        completed,
        quality_failures: failures(fails),
        delays: delays(late),
        evidence: Vec::new(),
    }
}

/// General criteria split over (a), (b), (c), in milli-points.
fn general(a: i64, b: i64, c: i64) -> Vec<GeneralEntry> {
    [
        ("ethics_discipline", a),
        ("competence_service_attitude", b),
        ("innovation", c),
    ]
    .into_iter()
    .map(|(criterion, p)| GeneralEntry {
        criterion: criterion.into(),
        points: Points(p),
    })
    .collect()
}

fn input(lines: Vec<TaskLine>, general: Vec<GeneralEntry>) -> ScoreInput {
    ScoreInput {
        officer: id(OFFICER),
        position: "one_stop".into(),
        period: march(),
        task_lines: lines,
        general,
        leader: None,
    }
}

fn score(i: &ScoreInput) -> Result<ScoreSnapshot, DomainError> {
    compute(i, &catalogue(), &rules())
}

fn e1_input() -> ScoreInput {
    input(vec![line(120, 120, 2, 6)], general(9_000, 9_000, 9_000))
}

fn e3_input() -> ScoreInput {
    input(vec![line(100, 90, 5, 10)], general(8_000, 8_000, 8_000))
}

// ---- §8.3 worked examples ----

/// E1: a = 100, b = 99.58, c = 98.75, task 69.61, total 96.61 → excellent. We keep three
/// decimals (floor): b = 99.583, task 69.611, total 96.611 (96.61 at two decimals).
#[test]
fn e1_strong_officer_one_month_is_excellent() {
    let s = score(&e1_input()).unwrap();
    assert_eq!(s.quantity, Pct::FULL);
    assert_eq!(s.quality, Pct(99_583));
    assert_eq!(s.progress, Pct(98_750));
    assert_eq!(s.formula, Formula::Avg3X70);
    assert_eq!(s.task, Points(69_611));
    assert_eq!(s.general, Points::whole(27));
    assert_eq!(s.total, Points(96_611));
    assert_eq!(
        s.total.0 / 10,
        9_661,
        "96.61 at the reference's two decimals"
    );
    assert_eq!(s.level, Level::Excellent);
    assert_eq!(s.total.to_string(), "96.611");
    assert_eq!(
        (s.lines[0].failures_counted, s.lines[0].delays_counted),
        (2, 6)
    );
}

/// E2: the same officer reprimanded in the year → not_completed, whatever the score.
#[test]
fn e2_reprimand_in_the_year_forces_not_completed() {
    let dr = DisciplineRules::default();
    let case = reprimand_case(date(2026, 2, 1), date(2026, 3, 2));
    let case = discipline::apply(
        &case,
        &CaseAction::DecideDirectly {
            on: date(2026, 4, 20),
            number: "12/QĐ-UBND".into(),
            sanction: Sanction::Reprimand,
            effective_from: date(2026, 4, 20),
            basis: SkipBasis::PartySanction,
        },
        &dr,
    )
    .unwrap();
    let scores = (1..=12)
        .map(|m| PeriodScore {
            period: Period::month(2026, m).unwrap(),
            total: Points(96_611),
        })
        .collect();
    let input = AnnualInput {
        officer: id(OFFICER),
        year: 2026,
        scores,
        overrides: case.ranking_override(2026).into_iter().collect(),
        qualitative: None,
    };
    let r = rank_annual(&input, &rules()).unwrap();
    assert_eq!(r.average, Some(Points(96_611)));
    assert_eq!(r.suggested, Some(Level::Excellent));
    assert_eq!(r.level, Some(Level::NotCompleted));
    assert_eq!(
        r.adjustments,
        vec![Adjustment {
            from: Level::Excellent,
            to: Level::NotCompleted,
            reason: AdjustReason::Override(OverrideKind::Sanction),
        }]
    );
    assert_eq!(r.overrides[0].reference, "12/QĐ-UBND");
}

/// E3: a = 90, b = 88.75, c = 87.5, task 62.125, total 86.125 → good (exact).
#[test]
fn e3_weaker_officer_one_month_is_good() {
    let s = score(&e3_input()).unwrap();
    assert_eq!(
        (s.quantity, s.quality, s.progress),
        (Pct(90_000), Pct(88_750), Pct(87_500))
    );
    assert_eq!(s.task, Points(62_125));
    assert_eq!(s.total, Points(86_125));
    assert_eq!(s.level, Level::Good);
}

fn ranked(officer: u128, avg: i64) -> AnnualRanking {
    let input = AnnualInput {
        officer: id(officer),
        year: 2026,
        scores: (1..=12)
            .map(|m| PeriodScore {
                period: Period::month(2026, m).unwrap(),
                total: Points(avg),
            })
            .collect(),
        overrides: Vec::new(),
        qualitative: None,
    };
    rank_annual(&input, &rules()).unwrap()
}

/// Ten officers: five excellent (95, 94, 93, 92, 91) and five good.
fn e4_group() -> Vec<AnnualRanking> {
    (0u8..10)
        .map(|i| {
            let avg = if i < 5 {
                95_000 - i64::from(i) * 1_000
            } else {
                80_000
            };
            ranked(100 + u128::from(i), avg)
        })
        .collect()
}

/// E4: max_XS = floor(0.2 × 5) = 1; the other four drop to good in score order with the
/// reason; the other reading (denominator 10) gives 2.
#[test]
fn e4_quota_moves_four_down_in_score_order() {
    let mut group = e4_group();
    let q = apply_quota(&mut group, &rules().quota, false);
    assert_eq!((q.base, q.base_count, q.cap), (QuotaBase::GoodOnly, 5, 1));
    assert_eq!(q.other_reading_cap, 2);
    assert_eq!(q.kept, vec![id(100)]);
    let moved: Vec<(Uuid, Option<Points>)> =
        q.moved_down.iter().map(|m| (m.officer, m.score)).collect();
    assert_eq!(
        moved,
        vec![
            (id(101), Some(Points(94_000))),
            (id(102), Some(Points(93_000))),
            (id(103), Some(Points(92_000))),
            (id(104), Some(Points(91_000))),
        ]
    );
    assert!(
        q.moved_down
            .iter()
            .all(|m| m.reason == AdjustReason::QuotaExceeded)
    );
    assert!(!q.tie_at_cut);
    assert_eq!(group[0].level, Some(Level::Excellent));
    for r in &group[1..5] {
        assert_eq!(r.level, Some(Level::Good));
        assert_eq!(r.adjustments[0].reason.as_str(), "quota_exceeded");
    }
}

#[test]
fn e4_alternative_reading_counts_the_candidates_too() {
    let mut group = e4_group();
    let quota = QuotaRules {
        base: QuotaBase::GoodAndExcellent,
        ..rules().quota
    };
    let q = apply_quota(&mut group, &quota, false);
    assert_eq!((q.base_count, q.cap, q.other_reading_cap), (10, 2, 1));
    assert_eq!(q.kept, vec![id(100), id(101)]);
    assert_eq!(q.moved_down.len(), 3);
}

#[test]
fn quota_of_an_outstanding_unit_is_25_percent_and_ties_are_flagged() {
    let mut group: Vec<AnnualRanking> = (0..4)
        .map(|i| ranked(200 + i, 92_000))
        .chain((0..8).map(|i| ranked(300 + i, 75_000)))
        .collect();
    let q = apply_quota(&mut group, &rules().quota, true);
    assert_eq!((q.base_count, q.cap), (8, 2), "floor(0.25 × 8)");
    assert!(q.tie_at_cut, "all four excellent have 92.000");
    assert_eq!(q.kept, vec![id(200), id(201)], "ties broken by officer id");
}

fn reprimand_case(violation_end: Date, detected_on: Date) -> DisciplineCase {
    DisciplineCase::open(
        NewCase {
            officer: id(OFFICER),
            is_leader: false,
            violation_end,
            detected_on,
            severity: Severity::LessSerious,
            limitation: LimitationClass::ReprimandLevel,
            duty_related: true,
        },
        &DisciplineRules::default(),
    )
    .unwrap()
}

/// E5: detected 2026-03-02 → due 2026-05-31, or 2026-07-30 extended; a reprimand-level
/// violation ended 2026-01-10 → limitation ends 2031-01-10.
#[test]
fn e5_discipline_dates() {
    let dr = DisciplineRules::default();
    let case = reprimand_case(date(2026, 1, 10), date(2026, 3, 2));
    assert_eq!(case.decision_due(&dr), date(2026, 5, 31));
    let extended = discipline::apply(&case, &CaseAction::Extend, &dr).unwrap();
    assert_eq!(extended.decision_due(&dr), date(2026, 7, 30));
    assert_eq!(case.limitation_ends(&dr), Some(date(2031, 1, 10)));
    assert_eq!(
        discipline::apply(&extended, &CaseAction::Extend, &dr),
        Err(DomainError::new("discipline-illegal-transition")),
        "extended once only"
    );
}

/// E6: 20 advanced workers → at most 3 grassroots emulation fighters.
#[test]
fn e6_fighters_capped_at_15_percent_of_advanced_workers() {
    let cr = CommendationRules::default();
    assert_eq!(cr.fighter_cap(20), 3);
    let candidates: Vec<Candidate> = (0..20)
        .map(|i| Candidate {
            officer: id(400 + i),
            level: Some(if i < 5 { Level::Excellent } else { Level::Good }),
            average: Some(Points(95_000 - i64::try_from(i).unwrap() * 1_000)),
            meets_emulation_conduct: true,
            recognised_initiative: false,
        })
        .collect();
    let p = propose(&candidates, &cr);
    assert_eq!(p.advanced_workers.len(), 20);
    assert_eq!(p.fighter_cap, 3);
    assert_eq!(p.fighters, vec![id(400), id(401), id(402)]);
    assert_eq!(
        p.moved_down,
        vec![
            (id(403), TitleReason::QuotaExceeded),
            (id(404), TitleReason::QuotaExceeded)
        ]
    );
    assert!(p.ineligible.is_empty());
}

/// E7 (OUR PROPOSAL, not law): criterion (b) suggestion from evidence; never applied.
#[test]
fn e7_our_proposal_service_attitude_suggestion() {
    let ar = AttitudeRules::default();
    let max = rules()
        .criterion_max("competence_service_attitude")
        .unwrap();
    let ev = |ratings, satisfied, upheld| AttitudeEvidence {
        ratings,
        satisfied,
        upheld_conduct_complaints: upheld,
        ..AttitudeEvidence::default()
    };
    // ≥ 95 % satisfied and no upheld complaint → full marks.
    let s = suggest_service_attitude(&ev(40, 38, 0), max, &ar);
    assert_eq!(s.suggested, Some(Points::whole(10)));
    assert!(!s.low_satisfaction_flag);
    // −1 per upheld conduct complaint.
    let s = suggest_service_attitude(&ev(40, 39, 2), max, &ar);
    assert_eq!(s.suggested, Some(Points::whole(8)));
    // Never below 0.
    let s = suggest_service_attitude(&ev(40, 40, 15), max, &ar);
    assert_eq!(s.suggested, Some(Points::ZERO));
    // Below 80 % on ≥ 30 ratings: a flag only, no number.
    let s = suggest_service_attitude(&ev(30, 23, 0), max, &ar);
    assert_eq!((s.suggested, s.low_satisfaction_flag), (None, true));
    // Below 80 % on fewer than 30 ratings: no flag.
    let s = suggest_service_attitude(&ev(29, 10, 0), max, &ar);
    assert_eq!((s.suggested, s.low_satisfaction_flag), (None, false));
    // Between 80 and 95 %: no number, no flag; the evaluator judges.
    let s = suggest_service_attitude(&ev(100, 90, 0), max, &ar);
    assert_eq!((s.suggested, s.low_satisfaction_flag), (None, false));
}

// ---- bad input: refusals ----

#[test]
fn a_score_above_a_criterion_maximum_is_refused() {
    let i = input(vec![line(10, 10, 0, 0)], general(11_000, 9_000, 9_000));
    assert_eq!(
        score(&i),
        Err(DomainError::field("criterion-above-max", "general"))
    );
    let i = input(vec![line(10, 10, 0, 0)], general(10_001, 0, 0));
    assert_eq!(
        score(&i).unwrap_err().code,
        "criterion-above-max",
        "one thousandth over"
    );
    let i = input(vec![line(10, 10, 0, 0)], general(10_000, 10_000, 10_000));
    assert_eq!(score(&i).unwrap().total, Points::whole(100));
}

#[test]
fn other_bad_score_inputs_are_refused() {
    let mut unknown = general(1_000, 1_000, 1_000);
    unknown[0].criterion = "charisma".into();
    let cases = [
        (
            input(vec![line(10, 10, 0, 0)], unknown),
            "criterion-unknown",
        ),
        (
            input(vec![line(10, 10, 0, 0)], general(-1, 0, 0)),
            "points-negative",
        ),
        (
            input(vec![line(0, 0, 0, 0)], general(0, 0, 0)),
            "task-nothing-assigned",
        ),
        (
            input(vec![line(10, 2, 3, 0)], general(0, 0, 0)),
            "task-failures-exceed-completed",
        ),
        (
            input(vec![line(10, 10, 0, 0), line(5, 5, 0, 0)], general(0, 0, 0)),
            "task-product-duplicate",
        ),
        (
            input(
                vec![TaskLine {
                    product: "coffee".into(),
                    ..line(10, 10, 0, 0)
                }],
                general(0, 0, 0),
            ),
            "task-product-unknown",
        ),
    ];
    for (i, code) in cases {
        assert_eq!(score(&i).unwrap_err().code, code);
    }
    let mut dup = general(1_000, 1_000, 1_000);
    dup[1].criterion = dup[0].criterion.clone();
    assert_eq!(
        score(&input(vec![line(1, 1, 0, 0)], dup)).unwrap_err().code,
        "criterion-duplicate"
    );
    assert_eq!(
        compute(&e1_input(), &catalogue(), &RuleSet::nd_90_2020()),
        Err(DomainError::new("rule-set-not-scored"))
    );
}

#[test]
fn an_excuse_counts_only_once_approved_and_never_by_the_officer() {
    let mut l = line(100, 100, 1, 1);
    l.quality_failures[0].excuse = Some(Excuse {
        reason: "lỗi hệ thống một cửa".into(),
        approved_by: Some(id(HEAD)),
    });
    l.delays[0].excuse = Some(Excuse {
        reason: "mất điện".into(),
        approved_by: None,
    });
    let s = score(&input(vec![l.clone()], general(0, 0, 0))).unwrap();
    assert_eq!(s.quality, Pct::FULL, "approved excuse: failure not counted");
    assert_eq!(s.progress, Pct(99_750), "pending excuse: the delay counts");
    assert_eq!(
        (s.lines[0].failures_excused, s.lines[0].delays_counted),
        (1, 1)
    );
    l.delays[0].excuse = Some(Excuse {
        reason: "mất điện".into(),
        approved_by: Some(id(OFFICER)),
    });
    assert_eq!(
        score(&input(vec![l], general(0, 0, 0))),
        Err(DomainError::field("excuse-approved-by-self", "excuse"))
    );
}

#[test]
fn an_item_loses_at_most_its_own_points() {
    let mut l = line(4, 4, 0, 0);
    l.quality_failures = (0..6)
        .map(|_| QualityFailure {
            item: "D-same".into(),
            on: date(2026, 3, 3),
            reason: "sai".into(),
            excuse: None,
        })
        .collect();
    let s = score(&input(vec![l], general(0, 0, 0))).unwrap();
    assert_eq!(
        s.quality,
        Pct(75_000),
        "3 of 4 items intact, the fourth at 0"
    );
}

#[test]
fn conversion_factors_weight_the_products_and_over_fulfilment_is_capped() {
    let mut cat = catalogue();
    cat.items[1].factor = Factor(2_000); // dossier_returned counts double
    let lines = vec![
        line(10, 10, 0, 0),
        TaskLine {
            product: "dossier_returned".into(),
            ..line(10, 5, 0, 0)
        },
    ];
    let s = compute(&input(lines, general(0, 0, 0)), &cat, &rules()).unwrap();
    // (10 + 5×2) / (10 + 10×2) = 20 / 30.
    assert_eq!(s.quantity, Pct(66_666));
    let s = score(&input(vec![line(10, 14, 0, 0)], general(0, 0, 0))).unwrap();
    assert_eq!((s.quantity, s.task), (Pct::FULL, Points::whole(70)));
}

#[test]
fn a_task_line_is_filled_from_dossier_outcomes() {
    use crate::dossier::OnTime;
    let item = |n: u32, completed, on_time, failures: usize| ItemOutcome {
        reference: format!("TL-260302-{n:04}"),
        completed,
        on_time,
        days_late: if on_time == Some(OnTime::Late) { 2 } else { 0 },
        failures: vec![(date(2026, 3, 20), "trả lại do sai kết quả".to_owned()); failures],
    };
    let items = [
        item(1, true, Some(OnTime::Early), 0),
        item(2, true, Some(OnTime::Late), 1),
        item(3, true, Some(OnTime::OnTime), 0),
        item(4, false, None, 0),
    ];
    let l = TaskLine::from_items("dossier_received", &items);
    assert_eq!((l.assigned, l.completed), (4, 3));
    assert_eq!(l.delays.len(), 1);
    assert_eq!(l.delays[0].item, "TL-260302-0002");
    assert_eq!(l.quality_failures.len(), 1);
    assert_eq!(l.evidence.len(), 4);
    let s = score(&input(vec![l], general(0, 0, 0))).unwrap();
    // a = 3/4, b = c = 2.75/4.
    assert_eq!(
        (s.quantity, s.quality, s.progress),
        (Pct(75_000), Pct(68_750), Pct(68_750))
    );
}

#[test]
fn a_leader_is_scored_on_six_criteria() {
    let mut i = input(vec![line(100, 100, 0, 0)], general(9_000, 9_000, 9_000));
    i.leader = Some(LeaderInputs {
        subordinate_levels: vec![Level::Good, Level::Completed],
        organising: Pct::whole(80),
        uniting: Pct::whole(90),
    });
    let s = score(&i).unwrap();
    assert_eq!(s.formula, Formula::Avg6X70);
    assert_eq!(s.unit_result, Some(Pct::FULL));
    // (100 × 4 + 80 + 90) / 6 × 0.7 = 66.5
    assert_eq!(s.task, Points(66_500));
    i.leader
        .as_mut()
        .unwrap()
        .subordinate_levels
        .push(Level::NotCompleted);
    let s = score(&i).unwrap();
    assert_eq!(s.unit_result, Some(Pct::HALF));
    assert_eq!(
        s.task,
        Points(60_666),
        "(350 + 50 + 170) / 6 × 0.7 = 60.666…"
    );
    i.leader.as_mut().unwrap().uniting = Pct(100_001);
    assert_eq!(score(&i).unwrap_err().code, "percent-above-max");
}

#[test]
fn the_snapshot_round_trips_through_json() {
    let s = score(&e1_input()).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"formula\":\"avg3_x70\""));
    assert!(json.contains("\"level\":\"excellent\""));
    assert!(json.contains("\"kind\":\"month\""));
    assert_eq!(s.task_max, Points::whole(70));
    assert_eq!(s.bands.excellent, Points::whole(90));
    let back: ScoreSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(score(&back.input).unwrap(), s, "inputs reproduce the score");
}

// ---- rule sets ----

#[test]
fn the_rule_set_is_chosen_by_date() {
    let sets = RuleSet::builtin();
    assert_eq!(
        rule_set_for(&sets, date(2025, 12, 31)).unwrap().code,
        "nd-90-2020"
    );
    assert_eq!(
        rule_set_for(&sets, march().start()).unwrap().code,
        "nd-335-2025"
    );
    assert_eq!(
        rule_set_for(&sets, date(2019, 1, 1)),
        Err(DomainError::new("no-rule-set"))
    );
    for s in &sets {
        s.validate().unwrap();
    }
    let mut bad = rules();
    bad.general_criteria[0].max = Points::whole(11);
    assert_eq!(
        bad.validate(),
        Err(DomainError::field("rule-set-invalid", "general_criteria"))
    );
    let mut bad = rules();
    bad.bands.good = Points::whole(95);
    assert_eq!(bad.validate().unwrap_err().field, Some("bands"));
}

#[test]
fn deadlines_and_reminders() {
    let r = rules();
    assert_eq!(r.rank_before(2026, false), date(2026, 12, 15));
    assert_eq!(r.rank_before(2026, true), date(2027, 1, 15));
    assert_eq!(
        r.reminders(march().end()),
        vec![date(2026, 3, 17), date(2026, 3, 24), date(2026, 3, 29)]
    );
    assert_eq!(Period::quarter(2026, 1).unwrap().end(), date(2026, 3, 31));
    assert_eq!(Period::month(2026, 2).unwrap().end(), date(2026, 2, 28));
    assert_eq!(
        Period::month(2026, 13),
        Err(DomainError::new("period-invalid"))
    );
}

/// The stable codes are the same in `as_str` and in serde (pages, API and storage agree).
#[test]
fn codes_are_the_same_in_as_str_and_serde() {
    fn same<T: serde::Serialize>(v: T, code: &str) {
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(code));
    }
    for l in Level::ALL {
        same(l, l.as_str());
    }
    for s in FlowState::ALL {
        same(s, s.as_str());
    }
    for t in [Title::AdvancedWorker, Title::GrassrootsEmulationFighter] {
        same(t, t.as_str());
    }
    for s in [
        Sanction::Reprimand,
        Sanction::Warning,
        Sanction::Removal,
        Sanction::Dismissal,
    ] {
        same(s, s.as_str());
    }
    for r in [AdjustReason::QuotaExceeded, AdjustReason::AboveUnitLevel] {
        same(r, r.as_str());
    }
    for b in [QuotaBase::GoodOnly, QuotaBase::GoodAndExcellent] {
        same(b, b.as_str());
    }
    same(Formula::Avg6X70, Formula::Avg6X70.as_str());
    same(CaseState::CouncilHeld, CaseState::CouncilHeld.as_str());
    same(Severity::VerySerious, Severity::VerySerious.as_str());
    same(
        TitleReason::LevelBelowGood,
        TitleReason::LevelBelowGood.as_str(),
    );
    same(
        SuggestionCode::RepeatedLowRatingsClause,
        SuggestionCode::RepeatedLowRatingsClause.as_str(),
    );
}

#[test]
fn points_parse_and_print() {
    assert_eq!(Points::parse("8,5"), Ok(Points(8_500)));
    assert_eq!(Points::parse("27"), Ok(Points::whole(27)));
    assert_eq!(Points::parse("62.125").unwrap().to_string(), "62.125");
    for bad in ["", "-1", "1.2345", "abc", "1e3"] {
        assert_eq!(Points::parse(bad), Err(DomainError::new("points-format")));
    }
    assert_eq!(Level::parse("not_completed"), Ok(Level::NotCompleted));
}

// ---- flow ----

fn snapshot_for(officer: u128) -> Box<ScoreSnapshot> {
    let mut i = e3_input();
    i.officer = id(officer);
    Box::new(score(&i).unwrap())
}

fn step(f: &EvaluationForm, a: FlowAction, by: u128) -> Result<EvaluationForm, DomainError> {
    flow::apply(f, &a, id(by), &FlowRules::default()).map(|t| t.form)
}

fn approved_form() -> EvaluationForm {
    let f = EvaluationForm::new(id(OFFICER), march());
    let f = step(
        &f,
        FlowAction::SelfAssess {
            score: snapshot_for(OFFICER),
        },
        OFFICER,
    )
    .unwrap();
    let f = step(
        &f,
        FlowAction::Review {
            score: snapshot_for(OFFICER),
        },
        HEAD,
    )
    .unwrap();
    step(&f, FlowAction::Approve, CHAIR).unwrap()
}

#[test]
fn flow_draft_to_locked() {
    let f = approved_form();
    assert_eq!(f.state, FlowState::Approved);
    assert_eq!((f.reviewer, f.approver), (Some(id(HEAD)), Some(id(CHAIR))));
    assert_eq!(f.final_score().unwrap().total, Points(86_125));
    let t = flow::apply(&f, &FlowAction::Lock, id(CHAIR), &FlowRules::default()).unwrap();
    assert_eq!((t.from, t.to), (FlowState::Approved, FlowState::Locked));
    assert!(t.form.final_score().is_some());
}

#[test]
fn approving_or_reviewing_ones_own_evaluation_is_refused() {
    let f = EvaluationForm::new(id(OFFICER), march());
    let f = step(
        &f,
        FlowAction::SelfAssess {
            score: snapshot_for(OFFICER),
        },
        OFFICER,
    )
    .unwrap();
    assert_eq!(
        step(
            &f,
            FlowAction::Review {
                score: snapshot_for(OFFICER)
            },
            OFFICER
        ),
        Err(DomainError::field("evaluate-own", "actor"))
    );
    let f = step(
        &f,
        FlowAction::Review {
            score: snapshot_for(OFFICER),
        },
        HEAD,
    )
    .unwrap();
    assert_eq!(
        step(&f, FlowAction::Approve, OFFICER),
        Err(DomainError::field("approve-own-evaluation", "actor"))
    );
    assert_eq!(
        step(&f, FlowAction::Return { reason: "x".into() }, OFFICER),
        Err(DomainError::field("return-own", "actor"))
    );
    let strict = FlowRules {
        separate_approver: true,
    };
    assert_eq!(
        flow::apply(&f, &FlowAction::Approve, id(HEAD), &strict)
            .unwrap_err()
            .code,
        "approver-is-reviewer"
    );
    assert!(flow::apply(&f, &FlowAction::Approve, id(HEAD), &FlowRules::default()).is_ok());
}

#[test]
fn only_the_officer_self_assesses_and_only_their_own_score() {
    let f = EvaluationForm::new(id(OFFICER), march());
    assert_eq!(
        step(
            &f,
            FlowAction::SelfAssess {
                score: snapshot_for(OFFICER)
            },
            HEAD
        )
        .unwrap_err()
        .code,
        "self-assessment-not-own"
    );
    assert_eq!(
        step(
            &f,
            FlowAction::SelfAssess {
                score: snapshot_for(HEAD)
            },
            OFFICER
        ),
        Err(DomainError::field("score-wrong-form", "score"))
    );
    assert_eq!(
        step(&f, FlowAction::Approve, CHAIR),
        Err(DomainError::new("evaluation-illegal-transition"))
    );
}

#[test]
fn editing_a_locked_period_is_refused() {
    let f = approved_form();
    assert_eq!(
        check_editable(&f, id(HEAD)),
        Err(DomainError::new("evaluation-approved"))
    );
    let f = step(&f, FlowAction::Lock, CHAIR).unwrap();
    assert_eq!(
        check_editable(&f, id(HEAD)),
        Err(DomainError::new("evaluation-locked"))
    );
    for (a, by) in [
        (
            FlowAction::Review {
                score: snapshot_for(OFFICER),
            },
            HEAD,
        ),
        (
            FlowAction::SelfAssess {
                score: snapshot_for(OFFICER),
            },
            OFFICER,
        ),
        (
            FlowAction::Return {
                reason: "sai số liệu".into(),
            },
            CHAIR,
        ),
        (FlowAction::Approve, CHAIR),
        (FlowAction::Lock, CHAIR),
    ] {
        assert_eq!(step(&f, a, by), Err(DomainError::new("evaluation-locked")));
    }
}

#[test]
fn return_for_correction_then_resubmit() {
    let f = approved_form();
    assert_eq!(
        step(
            &f,
            FlowAction::Return {
                reason: "  ".into()
            },
            CHAIR
        )
        .unwrap_err()
        .code,
        "reason-required"
    );
    let f = step(
        &f,
        FlowAction::Return {
            reason: "thiếu minh chứng".into(),
        },
        CHAIR,
    )
    .unwrap();
    assert_eq!(f.state, FlowState::Returned);
    assert_eq!(f.approver, None);
    assert_eq!(f.returns[0].from, FlowState::Approved);
    assert_eq!(f.final_score(), None);
    assert_eq!(check_editable(&f, id(OFFICER)), Ok(()));
    let f = step(
        &f,
        FlowAction::SelfAssess {
            score: snapshot_for(OFFICER),
        },
        OFFICER,
    )
    .unwrap();
    assert_eq!(f.state, FlowState::SelfAssessed);
}

#[test]
fn the_actions_list_matches_apply() {
    let form = |state| EvaluationForm {
        state,
        ..EvaluationForm::new(id(OFFICER), march())
    };
    for state in FlowState::ALL {
        let f = form(state);
        for a in [
            FlowAction::SelfAssess {
                score: snapshot_for(OFFICER),
            },
            FlowAction::Review {
                score: snapshot_for(OFFICER),
            },
            FlowAction::Approve,
            FlowAction::Return { reason: "r".into() },
            FlowAction::Lock,
        ] {
            let by = if matches!(a, FlowAction::SelfAssess { .. }) {
                OFFICER
            } else {
                HEAD
            };
            let ok = flow::apply(&f, &a, id(by), &FlowRules::default()).is_ok();
            assert_eq!(
                ok,
                state.actions().contains(&a.as_str()),
                "{state:?} {}",
                a.as_str()
            );
        }
    }
}

// ---- annual ranking ----

fn annual(scores: Vec<PeriodScore>) -> AnnualInput {
    AnnualInput {
        officer: id(OFFICER),
        year: 2026,
        scores,
        overrides: Vec::new(),
        qualitative: None,
    }
}

fn month_score(m: i8, milli: i64) -> PeriodScore {
    PeriodScore {
        period: Period::month(2026, m).unwrap(),
        total: Points(milli),
    }
}

#[test]
fn fewer_than_six_months_is_not_ranked() {
    let r = rank_annual(
        &annual((1..=5).map(|m| month_score(m, 95_000)).collect()),
        &rules(),
    )
    .unwrap();
    assert_eq!(
        (r.level, r.not_ranked),
        (None, Some(NotRanked::TooFewMonths))
    );
    assert_eq!(r.months_counted, 5);
    let r = rank_annual(
        &annual((1..=6).map(|m| month_score(m, 95_000)).collect()),
        &rules(),
    )
    .unwrap();
    assert_eq!(r.level, Some(Level::Excellent));
}

#[test]
fn quarters_and_months_are_weighted_by_months() {
    // A transfer: Q1 scored 60 at the old unit (3 months), then Apr–Jun monthly at 90.
    let mut scores = vec![PeriodScore {
        period: Period::quarter(2026, 1).unwrap(),
        total: Points::whole(60),
    }];
    scores.extend((4..=6).map(|m| month_score(m, 90_000)));
    let r = rank_annual(&annual(scores.clone()), &rules()).unwrap();
    assert_eq!((r.months_counted, r.average), (6, Some(Points::whole(75))));
    assert_eq!(r.level, Some(Level::Good));
    scores.push(month_score(2, 80_000));
    assert_eq!(
        rank_annual(&annual(scores), &rules()).unwrap_err().code,
        "period-overlap"
    );
    let other_year = vec![PeriodScore {
        period: Period::month(2025, 12).unwrap(),
        total: Points::whole(80),
    }];
    assert_eq!(
        rank_annual(&annual(other_year), &rules()).unwrap_err().code,
        "period-outside-year"
    );
}

#[test]
fn a_head_is_never_above_the_unit() {
    let mut head = ranked(HEAD, 93_000);
    assert!(cap_to_unit(&mut head, Level::Good));
    assert_eq!(head.level, Some(Level::Good));
    assert_eq!(head.adjustments[0].reason, AdjustReason::AboveUnitLevel);
    assert!(!cap_to_unit(&mut head, Level::Excellent), "never raised");
}

#[test]
fn rankings_up_to_2025_follow_90_2020() {
    let set = rule_set_for(&RuleSet::builtin(), date(2025, 1, 1))
        .unwrap()
        .clone();
    let q = QualitativeInput {
        proposed: Level::Excellent,
        months_worked: 12,
        absent_months: 0,
        maternity_leave: false,
        task_criteria: 10,
        task_criteria_missed: 0,
        excellent_conditions_met: true,
    };
    let rank = |q: QualitativeInput| {
        rank_annual(
            &AnnualInput {
                year: 2025,
                qualitative: Some(q),
                ..annual(Vec::new())
            },
            &set,
        )
        .unwrap()
        .level
    };
    assert_eq!(rank(q), Some(Level::Excellent));
    assert_eq!(
        rank(QualitativeInput {
            excellent_conditions_met: false,
            ..q
        }),
        Some(Level::Good)
    );
    assert_eq!(
        rank(QualitativeInput {
            absent_months: 4,
            ..q
        }),
        Some(Level::Completed)
    );
    assert_eq!(
        rank(QualitativeInput {
            absent_months: 4,
            maternity_leave: true,
            ..q
        }),
        Some(Level::Excellent)
    );
    assert_eq!(
        rank(QualitativeInput {
            task_criteria_missed: 6,
            ..q
        }),
        Some(Level::NotCompleted)
    );
    assert_eq!(
        rank(QualitativeInput {
            task_criteria_missed: 5,
            ..q
        }),
        Some(Level::Excellent)
    );
    assert_eq!(
        rank(QualitativeInput {
            months_worked: 5,
            ..q
        }),
        None
    );
    assert_eq!(
        rank_annual(&annual(vec![month_score(1, 90_000)]), &set)
            .unwrap_err()
            .code,
        "rule-set-mismatch"
    );
}

// ---- discipline ----

#[test]
fn discipline_steps_ballots_and_forms() {
    let dr = DisciplineRules::default();
    let c = reprimand_case(date(2026, 1, 10), date(2026, 3, 2));
    assert_eq!(
        discipline::apply(
            &c,
            &CaseAction::HoldReviewMeeting {
                on: date(2026, 3, 1),
                minutes_ref: "BB".into()
            },
            &dr
        )
        .unwrap_err()
        .code,
        "date-order"
    );
    let c = discipline::apply(
        &c,
        &CaseAction::HoldReviewMeeting {
            on: date(2026, 3, 5),
            minutes_ref: "BB-01".into(),
        },
        &dr,
    )
    .unwrap();
    let ballot = |present, chair, yes, no, votes: Vec<FormVote>| Ballot {
        members_present: present,
        chair_present: chair,
        for_discipline: yes,
        against_discipline: no,
        form_votes: votes,
    };
    let council = |b| CaseAction::HoldCouncil {
        on: date(2026, 3, 16),
        ballot: b,
    };
    let vote = |sanction, votes| FormVote { sanction, votes };
    assert_eq!(
        discipline::apply(&c, &council(ballot(2, true, 2, 0, vec![])), &dr)
            .unwrap_err()
            .code,
        "council-quorum"
    );
    assert_eq!(
        discipline::apply(&c, &council(ballot(3, false, 3, 0, vec![])), &dr)
            .unwrap_err()
            .code,
        "council-quorum"
    );
    assert_eq!(
        discipline::apply(&c, &council(ballot(3, true, 3, 1, vec![])), &dr)
            .unwrap_err()
            .code,
        "ballot-count-invalid"
    );
    // Tie between two forms → the lighter.
    let tied = ballot(
        3,
        true,
        2,
        1,
        vec![vote(Sanction::Warning, 1), vote(Sanction::Reprimand, 1)],
    );
    assert_eq!(recommendation(&tied, &dr), Ok(Some(Sanction::Reprimand)));
    assert_eq!(
        recommendation(&ballot(3, true, 1, 2, vec![]), &dr),
        Ok(None)
    );
    let c = discipline::apply(
        &c,
        &council(ballot(3, true, 3, 0, vec![vote(Sanction::Reprimand, 3)])),
        &dr,
    )
    .unwrap();
    assert_eq!(
        c.council.as_ref().unwrap().recommendation,
        Some(Sanction::Reprimand)
    );
    let decide = |sanction, number: &str| CaseAction::Decide {
        on: date(2026, 3, 20),
        number: number.into(),
        sanction,
        effective_from: date(2026, 3, 20),
    };
    assert_eq!(
        discipline::apply(&c, &decide(Some(Sanction::Removal), "1/QĐ"), &dr)
            .unwrap_err()
            .code,
        "removal-leaders-only"
    );
    assert_eq!(
        discipline::apply(&c, &decide(Some(Sanction::Reprimand), " "), &dr)
            .unwrap_err()
            .code,
        "decision-no-required"
    );
    let none = discipline::apply(&c, &decide(None, "2/QĐ"), &dr).unwrap();
    assert_eq!(none.state, CaseState::Closed);
    assert!(!none.affects_ranking(2026));
    let d = discipline::apply(&c, &decide(Some(Sanction::Reprimand), "3/QĐ"), &dr).unwrap();
    assert_eq!(d.state, CaseState::Decided);
    assert_eq!(d.effective_until(&dr), Some(date(2027, 3, 20)));
    assert!(d.in_effect(date(2027, 3, 19), &dr));
    assert!(!d.in_effect(date(2027, 3, 20), &dr), "12 months");
    assert!(d.affects_ranking(2026) && !d.affects_ranking(2027));
    assert_eq!(
        discipline::apply(&d, &CaseAction::Extend, &dr),
        Err(DomainError::new("discipline-illegal-transition"))
    );
}

#[test]
fn discipline_deferral_limitation_and_counting_once() {
    let dr = DisciplineRules::default();
    let c = reprimand_case(date(2026, 1, 10), date(2026, 3, 2));
    let deferred = discipline::apply(
        &c,
        &CaseAction::Defer {
            on: date(2026, 3, 10),
            reason: DeferralReason::Maternity,
        },
        &dr,
    )
    .unwrap();
    assert_eq!(
        discipline::apply(&deferred, &CaseAction::Extend, &dr)
            .unwrap_err()
            .code,
        "discipline-deferred"
    );
    let resumed = discipline::apply(
        &deferred,
        &CaseAction::Resume {
            on: date(2026, 4, 9),
        },
        &dr,
    )
    .unwrap();
    assert_eq!(resumed.state, CaseState::Open);
    assert_eq!(
        resumed.decision_due(&dr),
        date(2026, 6, 30),
        "30 days deferred"
    );
    assert!(resumed.overdue(date(2026, 7, 1), &dr) && !resumed.overdue(date(2026, 6, 30), &dr));

    let barred = DisciplineCase::open(
        NewCase {
            officer: id(OFFICER),
            is_leader: false,
            violation_end: date(2020, 1, 10),
            detected_on: date(2025, 1, 11),
            severity: Severity::LessSerious,
            limitation: LimitationClass::ReprimandLevel,
            duty_related: true,
        },
        &dr,
    );
    assert_eq!(
        barred,
        Err(DomainError::field("discipline-time-barred", "detected_on"))
    );
    let unlimited = DisciplineCase::open(
        NewCase {
            officer: id(OFFICER),
            is_leader: true,
            violation_end: date(2000, 1, 10),
            detected_on: date(2026, 1, 11),
            severity: Severity::VerySerious,
            limitation: LimitationClass::Unlimited,
            duty_related: true,
        },
        &dr,
    )
    .unwrap();
    assert_eq!(unlimited.limitation_ends(&dr), None);
    // A court conviction skips the meeting and council; removal is allowed for a leader.
    let mut d = discipline::apply(
        &unlimited,
        &CaseAction::DecideDirectly {
            on: date(2026, 12, 20),
            number: "9/QĐ".into(),
            sanction: Sanction::Removal,
            effective_from: date(2027, 1, 1),
            basis: SkipBasis::CourtConviction,
        },
        &dr,
    )
    .unwrap();
    assert!(d.affects_ranking(2026), "decided in 2026");
    d.counted_in_year = Some(2025);
    assert!(
        !d.affects_ranking(2026),
        "the same violation is never counted twice"
    );
    assert_eq!(Sanction::Warning.next_heavier(true), Sanction::Removal);
    assert_eq!(Sanction::Warning.next_heavier(false), Sanction::Dismissal);
}

// ---- commendation ----

#[test]
fn title_eligibility() {
    let c = Candidate {
        officer: id(OFFICER),
        level: Some(Level::Good),
        average: Some(Points::whole(80)),
        meets_emulation_conduct: true,
        recognised_initiative: false,
    };
    assert_eq!(eligible(&c, Title::AdvancedWorker), Ok(()));
    assert_eq!(
        eligible(&c, Title::GrassrootsEmulationFighter),
        Err(TitleReason::NoExcellenceOrInitiative)
    );
    let with_initiative = Candidate {
        recognised_initiative: true,
        ..c
    };
    assert_eq!(
        eligible(&with_initiative, Title::GrassrootsEmulationFighter),
        Ok(())
    );
    let completed = Candidate {
        level: Some(Level::Completed),
        ..with_initiative
    };
    assert_eq!(
        eligible(&completed, Title::AdvancedWorker),
        Err(TitleReason::LevelBelowGood)
    );
    let unranked = Candidate { level: None, ..c };
    assert_eq!(
        eligible(&unranked, Title::AdvancedWorker),
        Err(TitleReason::NotRanked)
    );
    let from_ranking = Candidate::from_ranking(&ranked(OFFICER, 80_000), true, false);
    assert_eq!(from_ranking.level, Some(Level::Good));
    assert_eq!(from_ranking.average, Some(Points::whole(80)));
    let p = propose(&[c, completed], &CommendationRules::default());
    assert_eq!(p.advanced_workers, vec![id(OFFICER)]);
    assert_eq!(p.fighter_cap, 0);
    assert_eq!(
        p.ineligible,
        vec![(completed.officer, TitleReason::LevelBelowGood)]
    );
}

// ---- suggestions ----

#[test]
fn three_low_ratings_citing_one_clause_in_a_month_suggest_a_weakness() {
    let low = |day: Date, n: u32, cites: &[&str]| LowRating {
        officer: id(OFFICER),
        on: day,
        reference: format!("R-{n}"),
        cites: cites.iter().map(|s| (*s).to_owned()).collect(),
    };
    let clause = "10-nguyen-tac/xin-loi-khi-cho";
    let ratings = vec![
        low(date(2026, 3, 2), 1, &[clause, "x/y"]),
        low(date(2026, 3, 15), 2, &[clause, clause]),
        low(date(2026, 3, 31), 3, &[clause]),
        low(date(2026, 4, 1), 4, &[clause]),
        low(date(2026, 4, 2), 5, &["x/y"]),
    ];
    let s = register_suggestions(&ratings, &[], &SuggestionRules::default());
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].kind, SuggestionKind::Weakness);
    assert_eq!(s[0].code.as_str(), "repeated_low_ratings_clause");
    assert_eq!(s[0].clause.as_deref(), Some(clause));
    assert_eq!(s[0].period, march());
    assert_eq!(s[0].evidence, vec!["R-1", "R-2", "R-3"]);
    // Two in March and one in April: no suggestion.
    let s = register_suggestions(&ratings[1..4], &[], &SuggestionRules::default());
    assert!(s.is_empty());
    let months = [MonthFigures {
        officer: id(OFFICER),
        period: march(),
        ratings: 40,
        satisfied: 39,
        upheld_conduct_complaints: 0,
    }];
    let s = register_suggestions(&[], &months, &SuggestionRules::default());
    assert_eq!(s[0].code, SuggestionCode::HighSatisfaction);
    let with_complaint = [MonthFigures {
        upheld_conduct_complaints: 1,
        ..months[0]
    }];
    assert!(register_suggestions(&[], &with_complaint, &SuggestionRules::default()).is_empty());
}

// ---- properties ----

fn arb_level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

proptest! {
    #[test]
    fn band_is_monotone_in_score(a in 0i64..=100_000, b in 0i64..=100_000) {
        let bands = rules().bands;
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(bands.level(Points(lo)) <= bands.level(Points(hi)));
    }

    #[test]
    fn quota_never_exceeds_the_cap_and_keeps_the_best(
        scores in prop::collection::vec(50_000i64..=100_000, 0..40),
        both in any::<bool>(),
        outstanding in any::<bool>(),
    ) {
        let mut group: Vec<AnnualRanking> = scores
            .iter()
            .enumerate()
            .map(|(i, s)| ranked(1_000 + i as u128, *s))
            .collect();
        let excellent_before = group.iter().filter(|r| r.level == Some(Level::Excellent)).count();
        let quota = QuotaRules {
            base: if both { QuotaBase::GoodAndExcellent } else { QuotaBase::GoodOnly },
            ..rules().quota
        };
        let q = apply_quota(&mut group, &quota, outstanding);
        let excellent_after = group.iter().filter(|r| r.level == Some(Level::Excellent)).count();
        prop_assert!(excellent_after as u32 <= q.cap);
        prop_assert_eq!(excellent_after, q.kept.len());
        prop_assert_eq!(excellent_before, q.kept.len() + q.moved_down.len());
        let min_kept = group.iter().filter(|r| r.level == Some(Level::Excellent)).filter_map(|r| r.average).min();
        for m in &q.moved_down {
            prop_assert!(min_kept.is_none_or(|k| m.score <= Some(k)));
        }
    }

    #[test]
    fn fighters_never_exceed_the_cap(
        levels in prop::collection::vec((arb_level(), any::<bool>(), any::<bool>()), 0..60),
    ) {
        let candidates: Vec<Candidate> = levels
            .iter()
            .enumerate()
            .map(|(i, (level, conduct, initiative))| Candidate {
                officer: id(5_000 + i as u128),
                level: Some(*level),
                average: None,
                meets_emulation_conduct: *conduct,
                recognised_initiative: *initiative,
            })
            .collect();
        let p = propose(&candidates, &CommendationRules::default());
        prop_assert!(p.fighters.len() as u32 <= p.fighter_cap);
        prop_assert_eq!(p.advanced_workers.len() + p.ineligible.len(), candidates.len());
    }

    #[test]
    fn a_score_stays_within_the_scale(
        assigned in 1u32..300,
        done_pct in 0u32..=120,
        fails in 0u32..50,
        late in 0u32..50,
        g in (0i64..=10_000, 0i64..=10_000, 0i64..=10_000),
    ) {
        let completed = assigned * done_pct / 100;
        let i = input(
            vec![line(assigned, completed, fails.min(completed), late.min(completed))],
            general(g.0, g.1, g.2),
        );
        let s = score(&i).unwrap();
        prop_assert!(s.quality <= s.quantity && s.progress <= s.quantity);
        prop_assert!(s.task <= Points::whole(70) && s.task >= Points::ZERO);
        prop_assert_eq!(s.total, Points(s.general.0 + s.task.0));
        prop_assert!(s.total <= Points::whole(100));
    }
}

#[test]
fn periods_parse_from_kind_and_value_and_refuse_the_rest() {
    assert_eq!(Period::parse("month", "2026-11"), Period::month(2026, 11));
    assert_eq!(
        Period::parse("quarter", "2026-q4"),
        Period::quarter(2026, 4)
    );
    assert_eq!(Period::parse("quarter", "2026-4"), Period::quarter(2026, 4));
    assert_eq!(Period::parse("year", "2026"), Period::year(2026));
    for (k, v) in [
        ("month", "2026-13"),
        ("month", "2026"),
        ("quarter", "2026-q5"),
        ("year", "2026-01"),
        ("week", "2026-01"),
        ("month", "x-01"),
    ] {
        let e = Period::parse(k, v).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            ("period-invalid", Some("period")),
            "{k} {v}"
        );
    }
    let d = date(2026, 11, 20);
    assert_eq!(Period::containing("quarter", d), Period::quarter(2026, 4));
    assert_eq!(Period::containing("month", d), Period::month(2026, 11));
    assert_eq!(Period::containing("year", d), Period::year(2026));
    assert!(Period::containing("week", d).is_err());
    let m = Period::parse("month", "2026-11").unwrap();
    assert_eq!((m.kind(), m.code()), ("month", "2026-11".to_string()));
}
