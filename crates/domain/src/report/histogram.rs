//! Fixed duration buckets for queue waits and service times, stored as counts per bucket so
//! that rollups of days, offices and months merge by addition, and medians and 90th
//! percentiles are read back without keeping every duration.
//!
//! Bucket `i` holds durations `BOUNDS[i] <= secs < BOUNDS[i + 1]`; the last bucket is open
//! (4 hours and more). Negative durations count in bucket 0. The lower bounds, in seconds:
//! 0, 30 s, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240 min, then ∞.
//!
//! VERSION 1. Stored histograms are only counts by bucket index, so these bounds must never
//! change once data is stored. A different set needs a new version with its own column or
//! table, never an edit of this array.

use crate::report::shares::Share;

/// Lower bounds of the buckets in seconds (version 1; never edit, see the module docs).
pub const BOUNDS: [i64; 17] = [
    0,
    30,
    60,
    2 * 60,
    3 * 60,
    5 * 60,
    7 * 60,
    10 * 60,
    15 * 60,
    20 * 60,
    30 * 60,
    45 * 60,
    60 * 60,
    90 * 60,
    120 * 60,
    180 * 60,
    240 * 60,
];

/// Number of buckets.
pub const BUCKETS: usize = BOUNDS.len();

/// The bucket a duration falls in.
pub fn bucket_of(secs: i64) -> u8 {
    BOUNDS.partition_point(|&b| b <= secs).saturating_sub(1) as u8
}

/// Counts per bucket (`counts.len() == BUCKETS`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Histogram {
    pub counts: Vec<u64>,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; BUCKETS],
        }
    }

    /// From stored counts; missing buckets are 0, counts past the last bucket join it.
    pub fn from_counts(counts: &[u64]) -> Histogram {
        let mut h = Histogram::new();
        for (i, &n) in counts.iter().enumerate() {
            h.add_n(i.min(BUCKETS - 1) as u8, n);
        }
        h
    }

    /// Counts one duration.
    pub fn add(&mut self, secs: i64) {
        self.add_n(bucket_of(secs), 1);
    }

    /// Counts `n` durations in `bucket` (an index past the last counts in the last).
    pub fn add_n(&mut self, bucket: u8, n: u64) {
        if self.counts.len() < BUCKETS {
            self.counts.resize(BUCKETS, 0);
        }
        self.counts[usize::from(bucket).min(BUCKETS - 1)] += n;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Histogram) {
        for (i, &n) in other.counts.iter().enumerate() {
            self.add_n(i.min(BUCKETS - 1) as u8, n);
        }
    }

    /// Durations counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The `q`-quantile (0.0–1.0) in seconds; `None` when empty or `q` is outside 0–1.
    ///
    /// The rank `q × count` is located in the cumulative counts, and the value is linearly
    /// interpolated inside its bucket, as if the bucket's durations were spread evenly between
    /// its bounds: a bucket [5 min, 7 min) holding ranks 10–20 puts rank 15 at 6 min. The
    /// open last bucket has no upper bound, so any rank in it reads as its lower bound (4 h):
    /// "at least". Results are rounded to whole seconds and never decrease as `q` grows.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let total = self.count();
        if total == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = q * total as f64;
        let mut below = 0u64;
        for (i, &c) in self.counts.iter().enumerate().take(BUCKETS) {
            if c == 0 {
                continue;
            }
            if rank <= (below + c) as f64 || i == BUCKETS - 1 {
                let lo = BOUNDS[i] as f64;
                let Some(&hi) = BOUNDS.get(i + 1) else {
                    return Some(BOUNDS[i]);
                };
                let frac = ((rank - below as f64) / c as f64).clamp(0.0, 1.0);
                return Some((lo + frac * (hi as f64 - lo)).round() as i64);
            }
            below += c;
        }
        None
    }

    pub fn median(&self) -> Option<i64> {
        self.quantile(0.5)
    }

    pub fn p90(&self) -> Option<i64> {
        self.quantile(0.9)
    }

    /// Durations at or over `threshold_secs` out of all ("waits over 15 minutes"). Exact when
    /// the threshold is one of [`BOUNDS`] (offer those on pages); otherwise it is rounded up
    /// to the next bound, so the share is never overstated.
    pub fn share_over(&self, threshold_secs: i64) -> Share {
        let num = self
            .counts
            .iter()
            .enumerate()
            .filter(|&(i, _)| BOUNDS[i.min(BUCKETS - 1)] >= threshold_secs)
            .map(|(_, &c)| c)
            .sum();
        Share::new(num, self.count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buckets_by_lower_bound() {
        assert_eq!(BUCKETS, 17);
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(29), 0);
        assert_eq!(bucket_of(30), 1);
        assert_eq!(bucket_of(59), 1);
        assert_eq!(bucket_of(60), 2);
        assert_eq!(bucket_of(15 * 60), 8);
        assert_eq!(bucket_of(4 * 3600 - 1), 15);
        assert_eq!(bucket_of(4 * 3600), 16);
        assert_eq!(bucket_of(i64::MAX), 16);
        assert!(BOUNDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quantiles_interpolate_inside_the_bucket() {
        let mut h = Histogram::new();
        assert_eq!((h.median(), h.p90()), (None, None));
        // 10 waits in [5 min, 7 min): the median is rank 5 of 10 → halfway → 6 min.
        h.add_n(bucket_of(300), 10);
        assert_eq!(h.median(), Some(360));
        assert_eq!(h.quantile(0.0), Some(300));
        assert_eq!(h.quantile(1.0), Some(420));
        // 10 more over 4 h: p90 is in the open bucket and reads as 4 h.
        h.add_n(16, 10);
        assert_eq!(h.p90(), Some(4 * 3600));
        assert_eq!(h.median(), Some(420));
        assert_eq!(h.quantile(1.5), None);
        assert_eq!(h.quantile(f64::NAN), None);
    }

    #[test]
    fn share_over_a_bound_and_between_bounds() {
        let mut h = Histogram::new();
        for secs in [10, 100, 899, 900, 1000, 5000, 20_000] {
            h.add(secs);
        }
        assert_eq!(h.share_over(15 * 60), Share::new(4, 7));
        // 16 min is not a bound: rounded up to 20 min → 1000 s (in [15, 20 min)) not counted.
        assert_eq!(h.share_over(16 * 60), Share::new(2, 7));
        assert_eq!(Histogram::new().share_over(60).pct(), None);
    }

    #[test]
    fn stored_counts_round_trip() {
        let mut h = Histogram::new();
        h.add(45);
        h.add(7200);
        assert_eq!(Histogram::from_counts(&h.counts), h);
        assert_eq!(Histogram::from_counts(&[1, 2]).count(), 3);
        let mut long = vec![0; BUCKETS + 2];
        long[BUCKETS + 1] = 4;
        assert_eq!(Histogram::from_counts(&long).counts[BUCKETS - 1], 4);
    }

    proptest! {
        #[test]
        fn quantile_is_monotone_in_q(
            secs in proptest::collection::vec(-10i64..30_000, 1..60),
            a in 0.0f64..=1.0,
            b in 0.0f64..=1.0,
        ) {
            let mut h = Histogram::new();
            secs.iter().for_each(|&s| h.add(s));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(h.quantile(lo).unwrap() <= h.quantile(hi).unwrap());
        }

        #[test]
        fn merge_equals_adding_all(
            x in proptest::collection::vec(0i64..30_000, 0..40),
            y in proptest::collection::vec(0i64..30_000, 0..40),
        ) {
            let (mut hx, mut hy, mut all) = (Histogram::new(), Histogram::new(), Histogram::new());
            x.iter().for_each(|&s| { hx.add(s); all.add(s); });
            y.iter().for_each(|&s| { hy.add(s); all.add(s); });
            hx.merge(&hy);
            prop_assert_eq!(hx.count(), (x.len() + y.len()) as u64);
            prop_assert_eq!(hx, all);
        }
    }
}
