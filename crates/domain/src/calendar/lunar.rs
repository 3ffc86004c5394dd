//! The Vietnamese lunisolar calendar (âm lịch), computed from astronomy.
//!
//! Written from the published rules of the Vietnamese/Chinese lunisolar calendar and from Jean
//! Meeus, *Astronomical Algorithms* (2nd ed.): chapter 49 for the times of new moons, chapter 25
//! (low-accuracy method) for the apparent longitude of the sun, and the Espenak–Meeus
//! polynomials for ΔT (TT − UT). Dates are handled as Julian Day Numbers (JDN, an integer day
//! count whose day starts at local midnight in this module).
//!
//! The rules:
//! 1. A lunar month starts on the *local* calendar day that contains the astronomical new moon.
//!    Vietnam reckons in UTC+7; China in UTC+8, so the two calendars differ when a new moon
//!    (or a solar term) falls between 00:00 and 01:00 Beijing time.
//! 2. Month 11 is the month containing the December solstice (sun longitude 270°).
//! 3. When two consecutive months 11 are 13 lunations apart, one of the 12 months between them
//!    is a leap month (tháng nhuận): the first one after month 11 that contains no principal
//!    solar term (trung khí, sun longitude a multiple of 30°). It takes the number of the month
//!    before it.
//!
//! A month "contains" an instant when the instant lies in `[first day 00:00, first day of the
//! next month 00:00)` local time, so every test below is made at local midnights.
//!
//! Accuracy: the new-moon series is good to well under a minute and ΔT to a few seconds for
//! 1900–2199 (the supported range); outside it the same formulas are used with growing error
//! (ΔT is an extrapolation), so results far from the present may differ from historical
//! almanacs.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Vietnam's time offset used by the calendar (UTC+7, no daylight saving).
pub const VN_TZ_HOURS: f64 = crate::time::VN_OFFSET_HOURS as f64;
/// China's time offset (UTC+8), for comparisons with the Chinese calendar.
pub const CN_TZ_HOURS: f64 = 8.0;

/// A date in the lunisolar calendar.
///
/// `year` is the Gregorian year in which that lunar year's Tết falls (so 1/1 of lunar year
/// 2026 is 2026-02-17). Months 11 and 12 of lunar year `Y` lie in Gregorian `Y` or early `Y+1`.
/// `leap` marks the leap month (tháng nhuận), which repeats the number of the month before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub leap: bool,
}

impl LunarDate {
    /// A regular (non-leap) lunar date.
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            day,
            leap: false,
        }
    }

    /// The year's name in the sexagenary cycle, e.g. "Bính Ngọ" for 2026.
    pub fn year_name_vi(&self) -> String {
        year_name_vi(self.year)
    }
}

impl std::fmt::Display for LunarDate {
    /// `day/month/year`, with " nhuận" after the month of a leap month: "29/12/2025",
    /// "15/6 nhuận/2025".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.leap {
            write!(f, "{}/{} nhuận/{}", self.day, self.month, self.year)
        } else {
            write!(f, "{}/{}/{}", self.day, self.month, self.year)
        }
    }
}

const STEMS: [&str; 10] = [
    "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
];
const BRANCHES: [&str; 12] = [
    "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
];

/// The Can Chi name of a lunar year, e.g. `year_name_vi(2026) == "Bính Ngọ"`.
pub fn year_name_vi(year: i32) -> String {
    let stem = STEMS[(i64::from(year) + 6).rem_euclid(10) as usize];
    let branch = BRANCHES[(i64::from(year) + 8).rem_euclid(12) as usize];
    format!("{stem} {branch}")
}

/// Converts a Gregorian date to the lunar calendar reckoned at `tz_hours` east of UTC
/// ([`VN_TZ_HOURS`] for Vietnam).
pub fn solar_to_lunar(date: Date, tz_hours: f64) -> LunarDate {
    let d = jdn_from_date(date);
    let k = lunation_containing(d, tz_hours);
    let y = i32::from(date.year());
    let k11 = month11_lunation(y, tz_hours);
    // The span between two months 11 holds months 11 and 12 of one lunar year and months
    // 1..=10 of the next; `span_year` is the latter.
    let span = if k >= k11 {
        Span::new(k11, month11_lunation(y + 1, tz_hours), tz_hours)
    } else {
        Span::new(month11_lunation(y - 1, tz_hours), k11, tz_hours)
    };
    let span_year = if k >= k11 { y + 1 } else { y };
    let (month, leap) = span.month_of_offset(k - span.k11);
    let day = d - new_moon_day(k, tz_hours) + 1;
    LunarDate {
        year: if month >= 11 {
            span_year - 1
        } else {
            span_year
        },
        month,
        day: day as u8,
        leap,
    }
}

/// Converts a lunar date (reckoned at `tz_hours`) to the Gregorian calendar.
///
/// `None` when the date does not exist: month outside 1..=12, `leap` set on a month that is
/// not leap that year, a day beyond the month's length (29 or 30), or a result outside the
/// range of [`jiff::civil::Date`].
pub fn lunar_to_solar(l: LunarDate, tz_hours: f64) -> Option<Date> {
    let (start, len) = month_start_jdn(l.year, l.month, l.leap, tz_hours)?;
    if l.day == 0 || i64::from(l.day) > len {
        return None;
    }
    date_from_jdn(start + i64::from(l.day) - 1)
}

/// Tết Nguyên đán (1/1 of lunar `year`) in Vietnam (UTC+7); `None` only outside jiff's range.
pub fn tet(year: i32) -> Option<Date> {
    lunar_to_solar(LunarDate::new(year, 1, 1), VN_TZ_HOURS)
}

/// The number of days (29 or 30) of a lunar month, or `None` if that month does not exist.
pub fn month_length(year: i32, month: u8, leap: bool, tz_hours: f64) -> Option<u8> {
    month_start_jdn(year, month, leap, tz_hours).map(|(_, len)| len as u8)
}

/// The leap month of lunar `year`, if it has one (e.g. `Some(6)` for 2025).
pub fn leap_month(year: i32, tz_hours: f64) -> Option<u8> {
    // A leap month numbered 1..=10 lies in the span ending in `year`; one numbered 11 or 12
    // (rare, e.g. 2033) lies at the start of the span ending in `year + 1`.
    let here = Span::new(
        month11_lunation(year - 1, tz_hours),
        month11_lunation(year, tz_hours),
        tz_hours,
    );
    if let Some(off) = here.leap_offset {
        let (m, _) = here.month_of_offset(off);
        if m <= 10 {
            return Some(m);
        }
    }
    let next = Span::new(
        month11_lunation(year, tz_hours),
        month11_lunation(year + 1, tz_hours),
        tz_hours,
    );
    let off = next.leap_offset?;
    let (m, _) = next.month_of_offset(off);
    (m >= 11).then_some(m)
}

/// First JDN and length of a lunar month.
fn month_start_jdn(year: i32, month: u8, leap: bool, tz: f64) -> Option<(i64, i64)> {
    if !(1..=12).contains(&month) {
        return None;
    }
    // Regular-month index counted from month 11 of the span: 11→0, 12→1, 1→2, …, 10→11.
    let (span, n) = if month >= 11 {
        let span = Span::new(
            month11_lunation(year, tz),
            month11_lunation(year + 1, tz),
            tz,
        );
        (span, i64::from(month) - 11)
    } else {
        let span = Span::new(
            month11_lunation(year - 1, tz),
            month11_lunation(year, tz),
            tz,
        );
        (span, i64::from(month) + 1)
    };
    let offset = match (leap, span.leap_offset) {
        (true, Some(l)) if l - 1 == n => l,
        (true, _) => return None,
        (false, Some(l)) if n >= l => n + 1,
        (false, _) => n,
    };
    let k = span.k11 + offset;
    let start = new_moon_day(k, tz);
    Some((start, new_moon_day(k + 1, tz) - start))
}

/// The lunations from one month 11 (inclusive) to the next (exclusive).
struct Span {
    /// Lunation number of the first month 11.
    k11: i64,
    /// Offset (from `k11`) of the leap month, in a 13-month span.
    leap_offset: Option<i64>,
}

impl Span {
    fn new(k11: i64, k11_next: i64, tz: f64) -> Self {
        let leap_offset = if k11_next - k11 == 13 {
            // Month at offset i lacks a principal term iff the sun stays in the same 30°
            // sector from its first local midnight to the next month's first local midnight.
            // Between the two solstice months there are 11 principal terms for 12 months, so
            // one always exists; the fallback is unreachable.
            (1..=12).find(|&i| {
                sun_sector_at_day_start(new_moon_day(k11 + i, tz), tz)
                    == sun_sector_at_day_start(new_moon_day(k11 + i + 1, tz), tz)
            })
        } else {
            None
        };
        Self { k11, leap_offset }
    }

    /// Month number and leap flag of the month at `offset` lunations after `k11`.
    fn month_of_offset(&self, offset: i64) -> (u8, bool) {
        let (n, leap) = match self.leap_offset {
            Some(l) if offset == l => (offset - 1, true),
            Some(l) if offset > l => (offset - 1, false),
            _ => (offset, false),
        };
        let m = (10 + n).rem_euclid(12) + 1; // 0 → 11, 1 → 12, 2 → 1, …
        (m as u8, leap)
    }
}

// ---------------------------------------------------------------------------------------------
// Julian Day Numbers.

/// JDN of 1970-01-01.
const JDN_UNIX_EPOCH: i64 = 2_440_588;

/// The Julian Day Number of a Gregorian date.
pub fn jdn_from_date(date: Date) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    ) + JDN_UNIX_EPOCH
}

/// The Gregorian date of a Julian Day Number, `None` outside jiff's range.
pub fn date_from_jdn(jdn: i64) -> Option<Date> {
    let (y, m, d) = civil_from_days(jdn - JDN_UNIX_EPOCH);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (era-based integer arithmetic).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (m + 9) % 12; // March = 0 … February = 11
    let doy = (153 * mp + 2) / 5 + d - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Astronomy.

/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_861;
/// JDE of the mean new moon of lunation 0 (2000-01-06).
const LUNATION_ZERO_JDE: f64 = 2_451_550.097_66;

fn sin_deg(x: f64) -> f64 {
    x.to_radians().sin()
}

/// Time of the true new moon of lunation `k` (k = 0 is the new moon of 2000-01-06), as a
/// Julian Ephemeris Day (TT). Meeus ch. 49 (phase = new moon, all periodic and planetary terms).
fn new_moon_jde(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let t4 = t3 * t;
    let mean = LUNATION_ZERO_JDE + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
        + 0.000_000_000_73 * t4;
    // Eccentricity of the Earth's orbit.
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    // Sun's mean anomaly, Moon's mean anomaly, Moon's argument of latitude, ascending node.
    let m = 2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3;
    let mp =
        201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4;
    let f =
        160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4;
    let om = 124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3;

    let periodic = -0.40720 * sin_deg(mp)
        + 0.17241 * e * sin_deg(m)
        + 0.01608 * sin_deg(2.0 * mp)
        + 0.01039 * sin_deg(2.0 * f)
        + 0.00739 * e * sin_deg(mp - m)
        - 0.00514 * e * sin_deg(mp + m)
        + 0.00208 * e * e * sin_deg(2.0 * m)
        - 0.00111 * sin_deg(mp - 2.0 * f)
        - 0.00057 * sin_deg(mp + 2.0 * f)
        + 0.00056 * e * sin_deg(2.0 * mp + m)
        - 0.00042 * sin_deg(3.0 * mp)
        + 0.00042 * e * sin_deg(m + 2.0 * f)
        + 0.00038 * e * sin_deg(m - 2.0 * f)
        - 0.00024 * e * sin_deg(2.0 * mp - m)
        - 0.00017 * sin_deg(om)
        - 0.00007 * sin_deg(mp + 2.0 * m)
        + 0.00004 * sin_deg(2.0 * mp - 2.0 * f)
        + 0.00004 * sin_deg(3.0 * m)
        + 0.00003 * sin_deg(mp + m - 2.0 * f)
        + 0.00003 * sin_deg(2.0 * mp + 2.0 * f)
        - 0.00003 * sin_deg(mp + m + 2.0 * f)
        + 0.00003 * sin_deg(mp - m + 2.0 * f)
        - 0.00002 * sin_deg(mp - m - 2.0 * f)
        - 0.00002 * sin_deg(3.0 * mp + m)
        + 0.00002 * sin_deg(4.0 * mp);

    // Planetary arguments: (constant, rate per lunation, coefficient).
    const PLANETARY: [(f64, f64, f64); 13] = [
        (251.88, 0.016_321, 0.000_165),
        (251.83, 26.651_886, 0.000_164),
        (349.42, 36.412_478, 0.000_126),
        (84.66, 18.206_239, 0.000_110),
        (141.74, 53.303_771, 0.000_062),
        (207.14, 2.453_732, 0.000_060),
        (154.84, 7.306_860, 0.000_056),
        (34.52, 27.261_239, 0.000_047),
        (207.19, 0.121_824, 0.000_042),
        (291.34, 1.844_379, 0.000_040),
        (161.72, 24.198_154, 0.000_037),
        (239.56, 25.513_099, 0.000_035),
        (331.55, 3.592_518, 0.000_023),
    ];
    let a1 = 299.77 + 0.107_408 * k - 0.009_173 * t2;
    let planetary = 0.000_325 * sin_deg(a1)
        + PLANETARY
            .iter()
            .map(|&(c, r, coef)| coef * sin_deg(c + r * k))
            .sum::<f64>();

    mean + periodic + planetary
}

/// ΔT = TT − UT in days, at Julian Day `jd`, from the Espenak–Meeus polynomials (NASA,
/// "Polynomial expressions for Delta T"). Outside 1800–2150 the long-term parabola is used.
fn delta_t_days(jd: f64) -> f64 {
    let y = 2000.0 + (jd - 2_451_545.0) / 365.25;
    let seconds = if !(1800.0..2150.0).contains(&y) {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    } else if y < 1860.0 {
        let t = y - 1800.0;
        13.72 - 0.332_447 * t + 0.006_861_2 * t.powi(2) + 0.004_111_6 * t.powi(3)
            - 0.000_374_36 * t.powi(4)
            + 0.000_012_127_2 * t.powi(5)
            - 0.000_000_169_9 * t.powi(6)
            + 0.000_000_000_875 * t.powi(7)
    } else if y < 1900.0 {
        let t = y - 1860.0;
        7.62 + 0.5737 * t - 0.251_754 * t.powi(2) + 0.016_806_68 * t.powi(3)
            - 0.000_447_362_4 * t.powi(4)
            + t.powi(5) / 233_174.0
    } else if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3)
            - 0.000_197 * t.powi(4)
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86 + 0.3345 * t - 0.060_374 * t.powi(2)
            + 0.001_727_5 * t.powi(3)
            + 0.000_651_814 * t.powi(4)
            + 0.000_023_735_99 * t.powi(5)
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
    } else {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u - 0.5628 * (2150.0 - y)
    };
    seconds / 86_400.0
}

/// Apparent geocentric longitude of the sun in degrees `[0, 360)` at Julian Ephemeris Day
/// `jde`. Meeus ch. 25, low-accuracy method (about 0.01°).
fn sun_longitude_deg(jde: f64) -> f64 {
    let t = (jde - 2_451_545.0) / 36_525.0;
    let l0 = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let m = 357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t;
    let c = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * sin_deg(m)
        + (0.019_993 - 0.000_101 * t) * sin_deg(2.0 * m)
        + 0.000_289 * sin_deg(3.0 * m);
    let omega = 125.04 - 1934.136 * t;
    let apparent = l0 + c - 0.005_69 - 0.004_78 * sin_deg(omega);
    apparent.rem_euclid(360.0)
}

/// The local day (JDN) containing new moon `k` at `tz` hours east of UTC.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    let jde = new_moon_jde(k);
    let jd_ut = jde - delta_t_days(jde);
    // A JD starts at noon; local civil day number = floor(JD + 0.5 + offset).
    (jd_ut + 0.5 + tz / 24.0).floor() as i64
}

/// The 30° sector (0..=11) the sun is in at local midnight starting day `jdn`.
fn sun_sector_at_day_start(jdn: i64, tz: f64) -> i64 {
    let jd_ut = jdn as f64 - 0.5 - tz / 24.0;
    let jde = jd_ut + delta_t_days(jd_ut);
    (sun_longitude_deg(jde) / 30.0).floor() as i64
}

/// The lunation `k` whose month contains local day `jdn`.
fn lunation_containing(jdn: i64, tz: f64) -> i64 {
    let mut k = ((jdn as f64 - LUNATION_ZERO_JDE) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k, tz) > jdn {
        k -= 1;
    }
    while new_moon_day(k + 1, tz) <= jdn {
        k += 1;
    }
    k
}

/// The lunation of month 11 that contains the December solstice of Gregorian `year`.
fn month11_lunation(year: i32, tz: f64) -> i64 {
    let dec31 = days_from_civil(i64::from(year), 12, 31) + JDN_UNIX_EPOCH;
    let k = lunation_containing(dec31, tz);
    // The month containing 31 December starts between 2 and 31 December. The sun passes 270°
    // (the solstice) around 21–22 December, before 31 December; if it had already passed when
    // this month began, month 11 is the one before.
    if sun_sector_at_day_start(new_moon_day(k, tz), tz) >= 9 {
        k - 1
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn vn(y: i16, m: i8, d: i8) -> LunarDate {
        solar_to_lunar(date(y, m, d), VN_TZ_HOURS)
    }

    #[test]
    fn jdn_round_trips_and_matches_known_values() {
        assert_eq!(jdn_from_date(date(2000, 1, 1)), 2_451_545);
        assert_eq!(jdn_from_date(date(1970, 1, 1)), 2_440_588);
        assert_eq!(jdn_from_date(date(1582, 10, 15)), 2_299_161);
        for j in [1_000_000, 2_299_161, 2_451_545, 2_460_000, 2_500_000] {
            assert_eq!(jdn_from_date(date_from_jdn(j).unwrap()), j);
        }
        assert_eq!(date_from_jdn(0), Some(date(-4713, 11, 24))); // proleptic Gregorian
        assert_eq!(date_from_jdn(-10_000_000), None); // outside jiff's range
    }

    #[test]
    fn new_moon_matches_meeus_example_49a() {
        // Meeus example 49.a: new moon of 1977 February, k = -283, JDE 2443192.65118.
        let jde = new_moon_jde(-283);
        assert!((jde - 2_443_192.651_18).abs() < 0.000_01, "{jde}");
    }

    #[test]
    fn sun_longitude_matches_meeus_example_25a() {
        // Meeus example 25.a: 1992 October 13.0 TD, apparent longitude 199.90895° (low accuracy).
        assert!((sun_longitude_deg(2_448_908.5) - 199.908_95).abs() < 0.001);
    }

    #[test]
    fn delta_t_is_plausible() {
        let at = |y: f64| delta_t_days(2_451_545.0 + (y - 2000.0) * 365.25) * 86_400.0;
        assert!((at(1900.0) + 2.8).abs() < 1.0);
        assert!((at(2000.0) - 63.9).abs() < 1.0);
        assert!((at(2025.0) - 69.0).abs() < 6.0);
    }

    type Ymd = (i16, i8, i8);

    /// §5.3 of the domain reference: Tết in Vietnam and China.
    #[test]
    fn tet_vectors_vietnam_and_china() {
        let rows: [(i32, Ymd, Ymd); 14] = [
            (1968, (1968, 1, 29), (1968, 1, 30)),
            (1985, (1985, 1, 21), (1985, 2, 20)),
            (2007, (2007, 2, 17), (2007, 2, 18)),
            (2019, (2019, 2, 5), (2019, 2, 5)),
            (2020, (2020, 1, 25), (2020, 1, 25)),
            (2021, (2021, 2, 12), (2021, 2, 12)),
            (2023, (2023, 1, 22), (2023, 1, 22)),
            (2024, (2024, 2, 10), (2024, 2, 10)),
            (2025, (2025, 1, 29), (2025, 1, 29)),
            (2026, (2026, 2, 17), (2026, 2, 17)),
            (2027, (2027, 2, 6), (2027, 2, 6)),
            (2028, (2028, 1, 26), (2028, 1, 26)),
            (2029, (2029, 2, 13), (2029, 2, 13)),
            (2030, (2030, 2, 2), (2030, 2, 3)),
        ];
        for (year, (vy, vm, vd), (cy, cm, cd)) in rows {
            assert_eq!(tet(year), Some(date(vy, vm, vd)), "VN Tết {year}");
            assert_eq!(
                lunar_to_solar(LunarDate::new(year, 1, 1), CN_TZ_HOURS),
                Some(date(cy, cm, cd)),
                "CN new year {year}"
            );
            assert_eq!(vn(vy, vm, vd), LunarDate::new(year, 1, 1));
        }
        assert_eq!(tet(2031), Some(date(2031, 1, 23)));
    }

    #[test]
    fn vietnam_and_china_differ_only_where_expected() {
        assert_ne!(tet(1968), lunar_to_solar(LunarDate::new(1968, 1, 1), 8.0));
        assert_eq!(
            solar_to_lunar(date(2030, 2, 2), CN_TZ_HOURS),
            LunarDate::new(2029, 12, 30)
        );
        assert_eq!(vn(2030, 2, 2), LunarDate::new(2030, 1, 1));
        // 1985: the December 1984 solstice fell on 21 December in UTC+7 but on 22 December, the
        // day of the new moon, in UTC+8, so China's month 11 began a lunation after Vietnam's.
        assert_eq!(vn(1985, 2, 20), LunarDate::new(1985, 2, 1));
        assert_eq!(
            solar_to_lunar(date(1985, 2, 20), CN_TZ_HOURS),
            LunarDate::new(1985, 1, 1)
        );
    }

    /// Chinese New Year dates (UTC+8) as published in Chinese almanacs, 2000–2031.
    #[test]
    fn chinese_new_year_2000_to_2031() {
        let rows: [(i16, i8, i8); 32] = [
            (2000, 2, 5),
            (2001, 1, 24),
            (2002, 2, 12),
            (2003, 2, 1),
            (2004, 1, 22),
            (2005, 2, 9),
            (2006, 1, 29),
            (2007, 2, 18),
            (2008, 2, 7),
            (2009, 1, 26),
            (2010, 2, 14),
            (2011, 2, 3),
            (2012, 1, 23),
            (2013, 2, 10),
            (2014, 1, 31),
            (2015, 2, 19),
            (2016, 2, 8),
            (2017, 1, 28),
            (2018, 2, 16),
            (2019, 2, 5),
            (2020, 1, 25),
            (2021, 2, 12),
            (2022, 2, 1),
            (2023, 1, 22),
            (2024, 2, 10),
            (2025, 1, 29),
            (2026, 2, 17),
            (2027, 2, 6),
            (2028, 1, 26),
            (2029, 2, 13),
            (2030, 2, 3),
            (2031, 1, 23),
        ];
        for (y, m, d) in rows {
            let got = lunar_to_solar(LunarDate::new(i32::from(y), 1, 1), CN_TZ_HOURS);
            assert_eq!(got, Some(date(y, m, d)), "CN {y}");
        }
    }

    #[test]
    fn gio_to_vectors() {
        let rows: [(i32, (i16, i8, i8)); 12] = [
            (2019, (2019, 4, 14)),
            (2020, (2020, 4, 2)),
            (2021, (2021, 4, 21)),
            (2022, (2022, 4, 10)),
            (2023, (2023, 4, 29)),
            (2024, (2024, 4, 18)),
            (2025, (2025, 4, 7)),
            (2026, (2026, 4, 26)),
            (2027, (2027, 4, 16)),
            (2028, (2028, 4, 4)),
            (2029, (2029, 4, 23)),
            (2030, (2030, 4, 12)),
        ];
        for (year, (y, m, d)) in rows {
            let got = lunar_to_solar(LunarDate::new(year, 3, 10), VN_TZ_HOURS);
            assert_eq!(got, Some(date(y, m, d)), "Giỗ Tổ {year}");
        }
        assert_eq!(
            lunar_to_solar(LunarDate::new(2031, 3, 10), VN_TZ_HOURS),
            Some(date(2031, 4, 1))
        );
    }

    #[test]
    fn leap_month_vectors() {
        let rows: [(i32, u8, (i16, i8, i8)); 6] = [
            (2020, 4, (2020, 5, 23)),
            (2023, 2, (2023, 3, 22)),
            (2025, 6, (2025, 7, 25)),
            (2028, 5, (2028, 6, 23)),
            (2031, 3, (2031, 4, 21)),
            (2033, 11, (2033, 12, 22)),
        ];
        for (year, month, (y, m, d)) in rows {
            assert_eq!(leap_month(year, VN_TZ_HOURS), Some(month), "leap {year}");
            let l = LunarDate {
                year,
                month,
                day: 1,
                leap: true,
            };
            assert_eq!(lunar_to_solar(l, VN_TZ_HOURS), Some(date(y, m, d)));
            assert_eq!(vn(y, m, d), l);
        }
        for year in [2019, 2021, 2022, 2024, 2026, 2027, 2029, 2030, 2032] {
            assert_eq!(leap_month(year, VN_TZ_HOURS), None, "no leap in {year}");
        }
        // A leap flag on a month that is not leap that year does not exist.
        let bogus = LunarDate {
            year: 2026,
            month: 4,
            day: 1,
            leap: true,
        };
        assert_eq!(lunar_to_solar(bogus, VN_TZ_HOURS), None);
    }

    #[test]
    fn last_day_of_year_vectors() {
        assert_eq!(vn(2024, 2, 9), LunarDate::new(2023, 12, 30));
        assert_eq!(vn(2026, 2, 16), LunarDate::new(2025, 12, 29));
        assert_eq!(vn(2026, 2, 14), LunarDate::new(2025, 12, 27));
        assert_eq!(vn(2026, 2, 22), LunarDate::new(2026, 1, 6));
        assert_eq!(month_length(2023, 12, false, VN_TZ_HOURS), Some(30));
        assert_eq!(month_length(2025, 12, false, VN_TZ_HOURS), Some(29));
        assert_eq!(
            lunar_to_solar(LunarDate::new(2025, 12, 30), VN_TZ_HOURS),
            None
        );
    }

    #[test]
    fn invalid_lunar_dates_are_none() {
        for (m, d) in [(0, 1), (13, 1), (1, 0), (1, 31)] {
            assert_eq!(lunar_to_solar(LunarDate::new(2026, m, d), 7.0), None);
        }
    }

    #[test]
    fn year_names() {
        assert_eq!(year_name_vi(2026), "Bính Ngọ");
        assert_eq!(year_name_vi(2024), "Giáp Thìn");
        assert_eq!(year_name_vi(2025), "Ất Tỵ");
        assert_eq!(year_name_vi(1984), "Giáp Tý");
        assert_eq!(LunarDate::new(2027, 1, 1).year_name_vi(), "Đinh Mùi");
        assert_eq!(LunarDate::new(2025, 12, 29).to_string(), "29/12/2025");
    }

    /// Walks every lunar month of 1900–2199: months are contiguous, 29 or 30 days long, each
    /// year has 12 or 13 months and 353–355 or 383–385 days, and both conversions agree on the
    /// first and last day of every month.
    #[test]
    fn every_month_1900_to_2199_is_consistent() {
        let mut next_start = tet(1900).map(jdn_from_date).unwrap();
        for year in 1900..=2199 {
            let leap = leap_month(year, VN_TZ_HOURS);
            let year_start = next_start;
            let mut months = 0;
            for month in 1..=12u8 {
                for is_leap in [false, true] {
                    if is_leap && leap != Some(month) {
                        continue;
                    }
                    let first = LunarDate {
                        year,
                        month,
                        day: 1,
                        leap: is_leap,
                    };
                    let start = lunar_to_solar(first, VN_TZ_HOURS).unwrap();
                    assert_eq!(jdn_from_date(start), next_start, "{first:?}");
                    let len = month_length(year, month, is_leap, VN_TZ_HOURS).unwrap();
                    assert!(len == 29 || len == 30, "{first:?}: {len}");
                    assert_eq!(solar_to_lunar(start, VN_TZ_HOURS), first);
                    let last_jdn = next_start + i64::from(len) - 1;
                    let last = LunarDate { day: len, ..first };
                    assert_eq!(
                        solar_to_lunar(date_from_jdn(last_jdn).unwrap(), VN_TZ_HOURS),
                        last
                    );
                    next_start += i64::from(len);
                    months += 1;
                }
            }
            let days = next_start - year_start;
            let expected = if leap.is_some() { 13 } else { 12 };
            assert_eq!(months, expected, "{year}");
            assert!(
                (353..=355).contains(&days) || (383..=385).contains(&days),
                "{year}: {days}"
            );
        }
    }

    /// Every day of 2019–2031 converts and converts back.
    #[test]
    fn round_trip_every_day_2019_to_2031() {
        let start = jdn_from_date(date(2019, 1, 1));
        let end = jdn_from_date(date(2031, 12, 31));
        for j in start..=end {
            let d = date_from_jdn(j).unwrap();
            let l = solar_to_lunar(d, VN_TZ_HOURS);
            assert_eq!(lunar_to_solar(l, VN_TZ_HOURS), Some(d), "{d} {l:?}");
        }
    }
}
