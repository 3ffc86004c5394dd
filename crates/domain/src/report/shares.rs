//! Shares (tỷ lệ) as published: a count over a count, in percent with 2 decimals, "N/A" (shown
//! as "—") when nothing was counted — never 0 — and the small-sample warning. The one home of
//! these rules: ratings, feedback and the 766 index use them.
//!
//! Rounding (reference domain-vn.md §3 "Keep 2 decimals", checked against the published Long
//! An vectors: 1,614 / 1,645 = 98.12 %, 16,110 / 41,111 = 39.19 %): round half away from zero
//! at the second decimal, computed from the integer counts.

use serde::{Deserialize, Serialize};

/// Under this many observations a share is shown only with a small-sample warning.
pub const SMALL_SAMPLE: u64 = 30;

/// Fewer than [`SMALL_SAMPLE`] observations.
pub fn is_small_sample(n: u64) -> bool {
    n < SMALL_SAMPLE
}

/// `x` rounded to 2 decimals, half away from zero (non-finite values pass through).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `num / den` in percent with 2 decimals; `None` when `den` is 0.
pub fn pct(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| (num as f64 * 10_000.0 / den as f64).round() / 100.0)
}

/// `num / den` per thousand (‰) with 2 decimals; `None` when `den` is 0.
pub fn per_thousand(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| (num as f64 * 100_000.0 / den as f64).round() / 100.0)
}

/// A count out of a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Share {
    pub num: u64,
    pub den: u64,
}

impl Share {
    pub const fn new(num: u64, den: u64) -> Share {
        Share { num, den }
    }
    /// Percent with 2 decimals; `None` (shown "—") when the denominator is 0.
    pub fn pct(&self) -> Option<f64> {
        pct(self.num, self.den)
    }
    /// Unrounded 0–1 ratio, for charts; `None` when the denominator is 0.
    pub fn ratio(&self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 / self.den as f64)
    }
    pub fn is_small_sample(&self) -> bool {
        is_small_sample(self.den)
    }
    /// Both counts added (shares over disjoint populations combine this way, never by
    /// averaging percentages).
    pub fn merge(&mut self, other: Share) {
        self.num += other.num;
        self.den += other.den;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors_round_to_two_decimals() {
        // Long An H1 (reference §3 test case 5): 41,111 solved.
        assert_eq!(pct(16_110, 41_111), Some(39.19));
        assert_eq!(pct(24_885, 41_111), Some(60.53));
        assert_eq!(pct(116, 41_111), Some(0.28));
        assert_eq!(Share::new(97, 100).pct(), Some(97.0));
        // Half away from zero: 1/8 = 12.5 %, 1/800 = 0.125 % → 0.13.
        assert_eq!(pct(1, 800), Some(0.13));
        assert_eq!(round2(86.0 / 90.0 * 6.0), 5.73);
        assert_eq!(round2(-0.125), -0.13);
    }

    #[test]
    fn nothing_counted_is_none_not_zero() {
        assert_eq!(Share::new(0, 0).pct(), None);
        assert_eq!(Share::default().ratio(), None);
        assert_eq!(per_thousand(0, 0), None);
        assert_eq!(Share::new(0, 5).pct(), Some(0.0));
    }

    #[test]
    fn per_thousand_and_small_samples_and_merge() {
        assert_eq!(per_thousand(3, 1_234), Some(2.43));
        assert!(is_small_sample(29) && !is_small_sample(30));
        assert!(Share::new(1, 29).is_small_sample());
        let mut s = Share::new(1, 2);
        s.merge(Share::new(3, 8));
        assert_eq!((s, s.pct()), (Share::new(4, 10), Some(40.0)));
    }
}
