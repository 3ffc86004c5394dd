//! Satisfaction ratings: the scales offices use, what "satisfied" and "low" mean, scores
//! normalised to 0–100, shares with their sample size, and the national indicator 5.4
//! (Decision 766: satisfaction in receipt and handling).

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::report::shares;

mod rules;
pub use rules::{
    COMMENT_MAX, Channel, Checked, Criterion, RatingSettings, Reason, Submission, check, link_open,
    window_left, window_open,
};

/// A rating scale (reference §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scale {
    /// 1 Rất hài lòng, 2 Hài lòng, 3 Không hài lòng.
    Level3,
    /// 1 Rất hài lòng, 2 Hài lòng, 3 Bình thường, 4 Không hài lòng, 5 Rất không hài lòng.
    Level5,
    /// 1–5 stars (5 best).
    Stars5,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Level3 => "level3",
            Scale::Level5 => "level5",
            Scale::Stars5 => "stars5",
        }
    }
    pub fn parse(s: &str) -> Result<Scale, DomainError> {
        match s.trim() {
            "level3" => Ok(Scale::Level3),
            "level5" => Ok(Scale::Level5),
            "stars5" => Ok(Scale::Stars5),
            _ => Err(DomainError::field("rating-unknown-scale", "scale")),
        }
    }
    /// Valid raw values, best first.
    pub fn values(self) -> Vec<u8> {
        match self {
            Scale::Level3 => vec![1, 2, 3],
            Scale::Level5 => vec![1, 2, 3, 4, 5],
            Scale::Stars5 => vec![5, 4, 3, 2, 1],
        }
    }
    /// The label shown for a raw value.
    pub fn label(self, v: u8) -> &'static str {
        match (self, v) {
            (Scale::Level3, 1) | (Scale::Level5, 1) => "Rất hài lòng",
            (Scale::Level3, 2) | (Scale::Level5, 2) => "Hài lòng",
            (Scale::Level3, 3) | (Scale::Level5, 4) => "Không hài lòng",
            (Scale::Level5, 3) => "Bình thường",
            (Scale::Level5, 5) => "Rất không hài lòng",
            (Scale::Stars5, 5) => "Rất tốt",
            (Scale::Stars5, 4) => "Tốt",
            (Scale::Stars5, 3) => "Bình thường",
            (Scale::Stars5, 2) => "Chưa tốt",
            (Scale::Stars5, 1) => "Kém",
            _ => "",
        }
    }
}

/// A value on a scale, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub scale: Scale,
    pub value: u8,
}

impl Score {
    /// Error: `rating-value-range` (`value`).
    pub fn new(scale: Scale, value: u8) -> Result<Score, DomainError> {
        if scale.values().contains(&value) {
            Ok(Score { scale, value })
        } else {
            Err(DomainError::field("rating-value-range", "value"))
        }
    }

    /// 0 (worst) – 100 (best), evenly spaced on every scale.
    pub fn normalized(self) -> f64 {
        let (best, worst) = match self.scale {
            Scale::Level3 => (1.0, 3.0),
            Scale::Level5 => (1.0, 5.0),
            Scale::Stars5 => (5.0, 1.0),
        };
        // The distance from the worst level, so the worst is 0.0 (never -0.0).
        (f64::from(self.value) - worst).abs() / (best - worst).abs() * 100.0
    }

    /// The national definition: the top two levels; stars ≥ 4.
    pub fn is_satisfied(self) -> bool {
        match self.scale {
            Scale::Level3 | Scale::Level5 => self.value <= 2,
            Scale::Stars5 => self.value >= 4,
        }
    }

    /// Low enough to need reasons and open a recovery case. The default threshold: "Không
    /// hài lòng" or worse on the level scales, ≤ 2 stars; an office may set its own
    /// normalised threshold (`low_at_or_below`, 0–100).
    pub fn is_low(self, low_at_or_below: Option<f64>) -> bool {
        match low_at_or_below {
            Some(t) => self.normalized() <= t,
            None => match self.scale {
                Scale::Level3 => self.value >= 3,
                Scale::Level5 => self.value >= 4,
                Scale::Stars5 => self.value <= 2,
            },
        }
    }
}

/// Counts per raw value and the satisfied share, with its sample size.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub n: u32,
    pub satisfied: u32,
    /// Percentage with 2 decimals; `None` on no ratings.
    pub satisfied_pct: Option<f64>,
    /// Fewer than 30 ratings: a percentage is shown only with this warning.
    pub small_sample: bool,
    pub mean_score: Option<f64>,
}

/// The small-sample rule and the rounding of shares live in [`crate::report::shares`].
fn pct(part: u32, whole: u32) -> Option<f64> {
    shares::pct(part.into(), whole.into())
}

pub fn summarize(scores: &[Score]) -> Summary {
    let n = scores.len() as u32;
    let satisfied = scores.iter().filter(|s| s.is_satisfied()).count() as u32;
    let mean = (n > 0).then(|| {
        let m = scores.iter().map(|s| s.normalized()).sum::<f64>() / f64::from(n);
        shares::round2(m)
    });
    Summary {
        n,
        satisfied,
        satisfied_pct: pct(satisfied, n),
        small_sample: shares::is_small_sample(n.into()),
        mean_score: mean,
    }
}

/// Share of `part` in `whole`, in percent with 2 decimals (the way provinces publish).
pub fn share(part: u32, whole: u32) -> Option<f64> {
    pct(part, whole)
}

/// Indicator 5.4 of Decision 766: 100% − (late share + share with a complaint or a
/// dissatisfied rating), and its points: full at ≥ 90%, else rate × max ÷ 90%.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator54 {
    pub rate: f64,
    pub points: f64,
}

/// Indicator 5.4 from the two published shares, with `max_points` and the full-points
/// threshold of the 2022 rules. The rule itself lives in [`crate::index766`].
pub fn indicator_5_4(late_pct: f64, disliked_pct: f64, max_points: f64) -> Indicator54 {
    use crate::index766::{Indicator, IndicatorRule, Rules766, handling_satisfaction_pct};
    let rules = Rules766::default();
    let rule = IndicatorRule {
        max_points,
        // Static data, checked by the index766 tests.
        ..*rules
            .rule(Indicator::HandlingSatisfaction)
            .expect("the 2022 rules weigh 5.4")
    };
    let rate = handling_satisfaction_pct(late_pct, disliked_pct);
    Indicator54 {
        rate,
        points: rule.points(rate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_normalise_and_define_satisfied_and_low() {
        let s = |scale, v| Score::new(scale, v).unwrap();
        assert_eq!(s(Scale::Level3, 1).normalized(), 100.0);
        assert_eq!(s(Scale::Level3, 2).normalized(), 50.0);
        assert_eq!(s(Scale::Level5, 3).normalized(), 50.0);
        assert_eq!(s(Scale::Stars5, 1).normalized(), 0.0);
        assert_eq!(s(Scale::Stars5, 4).normalized(), 75.0);
        assert!(
            s(Scale::Level3, 3).normalized().is_sign_positive(),
            "the worst level is 0, not -0 (shown on pages)"
        );
        assert!(s(Scale::Level5, 2).is_satisfied() && !s(Scale::Level5, 3).is_satisfied());
        assert!(s(Scale::Stars5, 4).is_satisfied() && !s(Scale::Stars5, 3).is_satisfied());
        assert!(s(Scale::Level3, 3).is_low(None) && !s(Scale::Level3, 2).is_low(None));
        assert!(s(Scale::Stars5, 2).is_low(None) && !s(Scale::Stars5, 3).is_low(None));
        assert!(s(Scale::Stars5, 3).is_low(Some(50.0)), "office threshold");
        assert_eq!(
            Score::new(Scale::Level3, 4).unwrap_err().code,
            "rating-value-range"
        );
        assert_eq!(
            Score::new(Scale::Stars5, 0).unwrap_err().field,
            Some("value")
        );
        assert_eq!(Scale::Level5.label(5), "Rất không hài lòng");
    }

    #[test]
    fn long_an_vector_and_small_samples() {
        // Long An centre: 1,645 votes, 1,614 / 16 / 15 → 98.12% / 0.97% / 0.91%.
        assert_eq!(share(1614, 1645), Some(98.12));
        assert_eq!(share(16, 1645), Some(0.97));
        assert_eq!(share(15, 1645), Some(0.91));
        let mut scores = vec![Score::new(Scale::Level3, 1).unwrap(); 20];
        scores.push(Score::new(Scale::Level3, 3).unwrap());
        let s = summarize(&scores);
        assert_eq!((s.n, s.satisfied, s.small_sample), (21, 20, true));
        assert_eq!(s.satisfied_pct, Some(95.24));
        assert_eq!(summarize(&[]).satisfied_pct, None);
    }

    #[test]
    fn indicator_5_4_reference_vectors() {
        // Reference §3 test case 3.
        let full = indicator_5_4(2.0, 3.0, 6.0);
        assert_eq!((full.rate, full.points), (95.0, 6.0));
        let partial = indicator_5_4(8.0, 6.0, 6.0);
        assert_eq!((partial.rate, partial.points), (86.0, 5.73));
    }
}
