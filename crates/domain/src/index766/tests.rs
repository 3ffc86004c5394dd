//! Reference §3 worked examples and the rules as data.

use jiff::civil::{DateTime, date};

use super::*;
use crate::calendar::WorkCalendar;
use crate::dossier::{OnTime, on_time_status};

fn rules() -> Rules766 {
    Rules766::default()
}

fn result(card: &Scorecard, i: Indicator) -> IndicatorResult {
    *card.indicators.iter().find(|r| r.id == i).unwrap()
}

fn dossiers(early: u64, on_time: u64, late: u64) -> Inputs {
    Inputs {
        dossiers: DossierCounts {
            closed_early: early,
            closed_on_time: on_time,
            closed_late: late,
            ..DossierCounts::default()
        },
        ..Inputs::default()
    }
}

#[test]
fn the_2022_rules_are_consistent_and_hold_the_confirmed_figures() {
    let r = rules();
    r.validate().unwrap();
    assert_eq!(r.effective_from, date(2022, 6, 23));
    let maxima: Vec<f64> = Group::ALL.iter().map(|&g| r.group_max(g)).collect();
    assert_eq!(maxima, vec![18.0, 20.0, 22.0, 22.0, 18.0]);
    let s54 = r.rule(Indicator::HandlingSatisfaction).unwrap();
    assert_eq!((s54.max_points, s54.full_at_pct), (6.0, 90.0));
    assert_eq!(r.rule(Indicator::PublishedOnTime).unwrap().max_points, 4.0);
    for (i, full_at) in [
        (Indicator::ProceduresOnline, 80.0),
        (Indicator::DossiersOnline, 50.0),
        (Indicator::FeesOnline, 80.0),
        (Indicator::DigitisedDossiers, 80.0),
        (Indicator::DataReused, 80.0),
    ] {
        assert_eq!(r.rule(i).unwrap().full_at_pct, full_at, "{}", i.id());
    }
    // Every indicator is weighted, in its group.
    assert_eq!(r.indicators.len(), Indicator::ALL.len());
    assert_eq!(
        Indicator::parse("5.4"),
        Some(Indicator::HandlingSatisfaction)
    );
    assert_eq!(Indicator::OnTime.group(), Group::Progress);
    assert_eq!(Indicator::PopulationData.group(), Group::Digitisation);
    assert_eq!(
        serde_json::to_string(&Indicator::OnTime).unwrap(),
        "\"2.1\""
    );
}

#[test]
fn inconsistent_rules_are_refused_with_a_code() {
    let code = |r: Rules766| r.validate().unwrap_err();
    let mut r = rules();
    r.indicators[4].max_points = 19.0; // 2.1: group 2 no longer adds up to 20
    assert_eq!(
        code(r),
        crate::DomainError::field("index766-rules-points", "indicators")
    );
    let mut r = rules();
    r.groups[0].max_points = 20.0;
    assert_eq!(code(r).code, "index766-rules-points");
    let mut r = rules();
    r.indicators[7].full_at_pct = 0.0;
    assert_eq!(code(r).code, "index766-rules-threshold");
    let mut r = rules();
    r.indicators.push(r.indicators[0]);
    assert_eq!(code(r).code, "index766-rules-duplicate");
    let mut r = rules();
    r.bands.swap(0, 1);
    assert_eq!(code(r).code, "index766-rules-bands");
    let mut r = rules();
    r.bands[3].band = Band::Weak;
    assert_eq!(code(r).code, "index766-rules-bands");
}

#[test]
fn the_version_in_force_is_chosen_by_date() {
    let mut later = rules();
    later.effective_from = date(2026, 7, 1);
    later.source = "hypothetical".into();
    let versions = vec![rules(), later];
    assert_eq!(
        Rules766::select(&versions, date(2026, 6, 30))
            .unwrap()
            .source,
        "766/QĐ-TTg"
    );
    assert_eq!(
        Rules766::select(&versions, date(2026, 7, 1))
            .unwrap()
            .source,
        "hypothetical"
    );
    assert_eq!(
        Rules766::select(&Rules766::builtin(), date(2022, 6, 22))
            .unwrap_err()
            .code,
        "index766-no-rules"
    );
}

#[test]
fn bands_follow_the_decision() {
    let r = rules();
    for (score, band) in [
        (100.0, Band::Excellent),
        (90.0, Band::Excellent),
        (89.99, Band::Good),
        (84.2, Band::Good), // Quảng Nam, reported as "good"
        (80.0, Band::Good),
        (79.99, Band::Fair),
        (70.0, Band::Fair),
        (69.99, Band::Average),
        (50.0, Band::Average),
        (49.99, Band::Weak),
        (0.0, Band::Weak),
    ] {
        assert_eq!(r.band(score), band, "{score}");
    }
    assert_eq!(Band::Average.as_str(), "average");
}

/// Reference §3 test case 1: 100 dossiers, 97 on time → 2.1 = 97 %.
#[test]
fn case_1_on_time_rate() {
    let card = score(&dossiers(0, 97, 3), &rules()).unwrap();
    let i = result(&card, Indicator::OnTime);
    assert_eq!((i.numerator, i.denominator), (97, 100));
    assert_eq!(i.rate_pct, Some(97.0));
    assert_eq!(i.points, Some(19.4));
    assert_eq!(i.status, Status::Computed);
    assert_eq!(i.formula, "index766-formula-2-1");
}

/// Reference §3 test case 2: online share 40 % with a maximum of 6 → 4.8 points; 60 % → 6.
#[test]
fn case_2_full_points_from_a_threshold() {
    let r = rules().rule(Indicator::DossiersOnline).copied().unwrap();
    assert_eq!(r.max_points, 6.0);
    assert_eq!(r.points(40.0), 4.8);
    assert_eq!(r.points(50.0), 6.0);
    assert_eq!(r.points(60.0), 6.0);
}

/// Reference §3 test case 3: 5.4 = 100 % − (late + dislike); full points at ≥ 90 %.
#[test]
fn case_3_satisfaction_in_handling() {
    let mut full = dossiers(50, 48, 2);
    full.dossiers.closed_complained_or_disliked = 3;
    let i = result(
        &score(&full, &rules()).unwrap(),
        Indicator::HandlingSatisfaction,
    );
    assert_eq!((i.rate_pct, i.points), (Some(95.0), Some(6.0)));

    // Late 8 % and dislike 6 % → 86 % → 86/90 × 6 = 5.73.
    let mut partial = dossiers(50, 42, 8);
    partial.dossiers.closed_complained_or_disliked = 6;
    let i = result(
        &score(&partial, &rules()).unwrap(),
        Indicator::HandlingSatisfaction,
    );
    assert_eq!((i.numerator, i.denominator), (86, 100));
    assert_eq!((i.rate_pct, i.points), (Some(86.0), Some(5.73)));
    assert_eq!(i.max_points, 6.0);
    // The old entry point gives the same figures from the published shares.
    let old = crate::rating::indicator_5_4(8.0, 6.0, 6.0);
    assert_eq!((old.rate, old.points), (86.0, 5.73));
}

/// Reference §3 test case 4: a dossier with two supplement requests finished early is late.
#[test]
fn case_4_two_supplements_count_late() {
    let cal = WorkCalendar::builtin();
    let at = |d: i8| -> DateTime { date(2026, 3, d).at(9, 0, 0, 0) };
    let status = on_time_status(at(2), date(2026, 3, 20), at(5), &[], 2, &cal);
    assert_eq!(status, OnTime::Late);
    let mut inputs = Inputs::default();
    inputs.dossiers.record_closed(status, false);
    inputs.dossiers.record_closed(OnTime::Early, false);
    let i = result(&score(&inputs, &rules()).unwrap(), Indicator::OnTime);
    assert_eq!((i.numerator, i.denominator, i.rate_pct), (1, 2, Some(50.0)));
}

/// Reference §3 test case 5: Long An, first half year: 41,111 solved = 16,110 early
/// (39.19 %) + 24,885 on time (60.53 %) + 116 late (0.28 %).
#[test]
fn case_5_long_an_first_half() {
    let card = score(&dossiers(16_110, 24_885, 116), &rules()).unwrap();
    let t = card.timeliness;
    assert_eq!(t.closed, 41_111);
    assert_eq!(
        (t.early_pct, t.on_time_pct, t.late_pct),
        (Some(39.19), Some(60.53), Some(0.28))
    );
    // §3 gives no score; with the 2022 weights 2.1 is 40,995 ÷ 41,111 = 99.72 % → 19.94 of
    // 20 points, and 5.4 (no dislike recorded) is 99.72 % → full 6 points.
    let i = result(&card, Indicator::OnTime);
    assert_eq!((i.numerator, i.denominator), (40_995, 41_111));
    assert_eq!((i.rate_pct, i.points), (Some(99.72), Some(19.94)));
    let s = result(&card, Indicator::HandlingSatisfaction);
    assert_eq!((s.rate_pct, s.points), (Some(99.72), Some(6.0)));
}

/// Gia Lai's monthly statistics (§3): late rate = (late in process + late done) ÷ needing
/// processing, on-time rate = 100 % − late rate — the same number as 2.1.
#[test]
fn gia_lai_late_rate_is_the_complement_of_2_1() {
    let inputs = Inputs {
        dossiers: DossierCounts {
            closed_early: 300,
            closed_on_time: 120,
            closed_late: 12,
            open_within_limit: 60,
            open_overdue: 8,
            closed_complained_or_disliked: 0,
        },
        ..Inputs::default()
    };
    let late_rate = percent(12 + 8, 500).unwrap();
    let i = result(&score(&inputs, &rules()).unwrap(), Indicator::OnTime);
    assert_eq!(i.denominator, 500);
    assert_eq!(i.rate_pct, Some(100.0 - late_rate));
    assert_eq!(i.rate_pct, Some(96.0));
}

/// Thừa Thiên Huế's published shares (§3) come out of the same rounding.
#[test]
fn percentages_round_like_the_published_figures() {
    let one_decimal = |p: f64| (p * 10.0).round() / 10.0;
    assert_eq!(percent(124_907, 257_141).map(one_decimal), Some(48.6));
    assert_eq!(percent(102_770, 257_141).map(one_decimal), Some(40.0));
    assert_eq!(percent(19_852, 257_141).map(one_decimal), Some(7.7));
    assert_eq!(percent(1, 0), None);
}

#[test]
fn feedback_indicators_5_2_and_5_3() {
    let inputs = Inputs {
        feedback: FeedbackCounts {
            cases: 10,
            on_time: 9,
            satisfied: 7,
        },
        ..Inputs::default()
    };
    let card = score(&inputs, &rules()).unwrap();
    let on_time = result(&card, Indicator::FeedbackOnTime);
    assert_eq!((on_time.rate_pct, on_time.points), (Some(90.0), Some(5.4)));
    let sat = result(&card, Indicator::FeedbackSatisfaction);
    assert_eq!((sat.rate_pct, sat.points), (Some(70.0), Some(4.2)));
}

#[test]
fn missing_facts_are_no_data_not_zero() {
    let card = score(&Inputs::default(), &rules()).unwrap();
    for i in &card.indicators {
        assert_eq!((i.rate_pct, i.points), (None, None), "{}", i.id.id());
        let want = match i.id {
            Indicator::OnTime
            | Indicator::FeedbackOnTime
            | Indicator::FeedbackSatisfaction
            | Indicator::HandlingSatisfaction => NoData::NothingToCount,
            _ => NoData::NotCollected,
        };
        assert_eq!(i.status, Status::NoData(want), "{}", i.id.id());
    }
    assert_eq!((card.total, card.max), (0.0, 0.0));
    assert_eq!((card.score_pct, card.band), (None, None));
    assert_eq!(card.timeliness.early_pct, None);
    let json = serde_json::to_value(card.indicators[0]).unwrap();
    assert_eq!(
        json["status"],
        serde_json::json!({"status": "no-data", "why": "not-collected"})
    );
}

#[test]
fn the_total_and_band_cover_the_computed_indicators_only() {
    let mut inputs = dossiers(50, 42, 8);
    inputs.dossiers.closed_complained_or_disliked = 6;
    inputs.feedback = FeedbackCounts {
        cases: 10,
        on_time: 9,
        satisfied: 7,
    };
    let card = score(&inputs, &rules()).unwrap();
    // 2.1: 92 % → 18.4; 5.2: 5.4; 5.3: 4.2; 5.4: 5.73.
    assert_eq!(card.total, 33.73);
    assert_eq!(card.max, 38.0);
    assert_eq!(card.score_pct, Some(88.76));
    assert_eq!(card.band, Some(Band::Good));
    let g5 = card
        .groups
        .iter()
        .find(|g| g.group == Group::Satisfaction)
        .unwrap();
    assert_eq!(
        (g5.points, g5.computed_max, g5.max_points),
        (15.33, 18.0, 18.0)
    );
    assert_eq!((g5.computed, g5.no_data), (3, 0));
    let g3 = card
        .groups
        .iter()
        .find(|g| g.group == Group::Online)
        .unwrap();
    assert_eq!(
        (g3.points, g3.computed_max, g3.computed, g3.no_data),
        (0.0, 0.0, 0, 5)
    );
    assert_eq!(card.rules_effective_from, date(2022, 6, 23));
}

#[test]
fn impossible_counts_are_refused() {
    let mut inputs = dossiers(1, 0, 0);
    inputs.dossiers.closed_complained_or_disliked = 2;
    assert_eq!(
        score(&inputs, &rules()).unwrap_err(),
        crate::DomainError::field("index766-count-exceeds", "closed_complained_or_disliked")
    );
    let mut inputs = Inputs::default();
    inputs.feedback.cases = 1;
    inputs.feedback.satisfied = 2;
    assert_eq!(
        score(&inputs, &rules()).unwrap_err().field,
        Some("satisfied")
    );
}

#[test]
fn a_subtree_is_scored_from_its_summed_counts() {
    // A commune with 10 dossiers, half late, and one with 90, none late: the unit above is
    // at 95 %, not at the 75 % mean of the two rates.
    let small = dossiers(0, 5, 5);
    let large = dossiers(45, 45, 0);
    let above = Inputs::aggregate([&small, &large]);
    assert_eq!(above.dossiers.closed(), 100);
    let i = result(&score(&above, &rules()).unwrap(), Indicator::OnTime);
    assert_eq!(i.rate_pct, Some(95.0));
    assert_eq!(Inputs::aggregate([]), Inputs::default());
}
