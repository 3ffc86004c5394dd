//! What an office decides about ratings (scale, what counts as low, the reasons offered, the
//! recovery deadline), and the checks a submitted rating must pass before anything is stored.

use serde::{Deserialize, Serialize};

use super::{Scale, Score};
use crate::DomainError;
use crate::conduct::CodeOfConduct;
use crate::text;

/// How a rating reached us. One rating per (ticket or dossier, criterion, channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// The paired tablet at the counter (thiết bị tại quầy).
    CounterDevice,
    /// The QR code or link on the receipt and the result (one-time link).
    Qr,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::CounterDevice => "counter-device",
            Channel::Qr => "qr",
        }
    }
    pub fn parse(s: &str) -> Result<Channel, DomainError> {
        match s {
            "counter-device" => Ok(Channel::CounterDevice),
            "qr" => Ok(Channel::Qr),
            _ => Err(DomainError::field("rating-unknown-channel", "channel")),
        }
    }
}

/// What is rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// The service as a whole (the counter tablet asks only this).
    Overall,
    /// Results on time (đúng hẹn).
    Timeliness,
    /// The officer's attitude (thái độ).
    Attitude,
}

impl Criterion {
    pub const ALL: [Criterion; 3] = [
        Criterion::Overall,
        Criterion::Timeliness,
        Criterion::Attitude,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Overall => "overall",
            Criterion::Timeliness => "timeliness",
            Criterion::Attitude => "attitude",
        }
    }
    pub fn parse(s: &str) -> Result<Criterion, DomainError> {
        text::by_name(
            &Criterion::ALL,
            Criterion::as_str,
            s,
            DomainError::field("rating-unknown-criterion", "criterion"),
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Criterion::Overall => "Mức độ hài lòng chung",
            Criterion::Timeliness => "Thời gian giải quyết",
            Criterion::Attitude => "Thái độ của công chức",
        }
    }
}

/// A reason a citizen may give for a low score, citing the clause of a code of conduct it
/// concerns (`code/item`), when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub cites: Option<String>,
}

/// An office's rating settings; stored as data, edited by the head or an administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingSettings {
    pub scale: Scale,
    /// A normalised score (0–100) at or below which a rating is low; `None`: the default rule
    /// ("Không hài lòng" or worse, ≤ 2 stars).
    pub low_at_or_below: Option<f64>,
    /// A low score must come with at least one reason.
    pub reasons_required: bool,
    /// The reasons offered on a low score.
    pub reasons: Vec<Reason>,
    /// The codes of conduct this office follows (rating reasons and complaints cite them).
    pub conduct_codes: Vec<String>,
    /// Working days the head has to call the citizen back and record what was done.
    pub recovery_working_days: u32,
    /// Days after a dossier is closed during which its rating link works.
    pub link_valid_days: u32,
}

impl Default for RatingSettings {
    fn default() -> Self {
        let r = |code: &str, label: &str, cites: &str| Reason {
            code: code.into(),
            label: label.into(),
            cites: Some(cites.into()),
        };
        Self {
            scale: Scale::Level3,
            low_at_or_below: None,
            reasons_required: true,
            reasons: vec![
                r(
                    "khong-chao-hoi",
                    "Không được chào hỏi",
                    "10-nguyen-tac/chao-hoi",
                ),
                r("cho-lau", "Phải chờ lâu", "10-nguyen-tac/giai-quyet-nhanh"),
                r(
                    "huong-dan-khong-ro",
                    "Hướng dẫn không rõ",
                    "10-nguyen-tac/tu-van",
                ),
                r(
                    "thai-do",
                    "Thái độ không tôn trọng",
                    "10-nguyen-tac/tuoi-cuoi",
                ),
                r("phien-ha", "Bị gây phiền hà", "10-nguyen-tac/tan-tam"),
            ],
            conduct_codes: vec!["10-nguyen-tac".into(), "5xin-3biet".into()],
            recovery_working_days: 2,
            link_valid_days: 30,
        }
    }
}

/// The most characters a comment may have.
pub const COMMENT_MAX: usize = 1000;

impl RatingSettings {
    /// Check the settings an editor submits against the codes of conduct known to the
    /// installation. Errors name the field.
    pub fn validate(&self, codes: &[CodeOfConduct]) -> Result<(), DomainError> {
        if let Some(t) = self.low_at_or_below
            && !(0.0..100.0).contains(&t)
        {
            return Err(DomainError::field(
                "rating-setting-range",
                "low_at_or_below",
            ));
        }
        if self.recovery_working_days == 0 || self.recovery_working_days > 30 {
            return Err(DomainError::field(
                "rating-setting-range",
                "recovery_working_days",
            ));
        }
        if self.link_valid_days == 0 || self.link_valid_days > 365 {
            return Err(DomainError::field(
                "rating-setting-range",
                "link_valid_days",
            ));
        }
        for c in &self.conduct_codes {
            if !codes.iter().any(|k| &k.code == c) {
                return Err(DomainError::field(
                    "rating-unknown-conduct",
                    "conduct_codes",
                ));
            }
        }
        if self.reasons.is_empty() || self.reasons.len() > 20 {
            return Err(DomainError::field("rating-reasons-list", "reasons"));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &self.reasons {
            let code_ok = !r.code.is_empty()
                && r.code.len() <= 40
                && r.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !code_ok || !seen.insert(r.code.as_str()) || r.label.trim().is_empty() {
                return Err(DomainError::field("rating-reasons-list", "reasons"));
            }
            if let Some(cite) = &r.cites {
                let cited = codes
                    .iter()
                    .filter(|k| self.conduct_codes.contains(&k.code))
                    .any(|k| k.item(cite).is_some());
                if !cited {
                    return Err(DomainError::field("rating-unknown-conduct", "reasons"));
                }
            }
        }
        Ok(())
    }

    pub fn reason(&self, code: &str) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.code == code)
    }

    /// The labels of reason codes, unknown codes kept as they are (an office may have
    /// removed a reason since).
    pub fn labels(&self, codes: &[String]) -> Vec<String> {
        codes
            .iter()
            .map(|c| self.reason(c).map(|r| r.label.clone()).unwrap_or(c.clone()))
            .collect()
    }
}

/// A rating as the citizen submitted it, before checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Submission {
    /// Raw values by criterion, on the office's scale.
    pub values: Vec<(Criterion, u8)>,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    /// Trips to the office the dossier needed (1, 2, 3 = three or more).
    pub trips: Option<u8>,
}

/// A submission that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub scores: Vec<(Criterion, Score)>,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub trips: Option<u8>,
    /// At least one score is low: a recovery case opens.
    pub low: bool,
}

/// Check a submission against the office's settings. Errors: `rating-value-range` (`value`),
/// `required` (`value`) with no score, `rating-unknown-reason` (`reasons`),
/// `rating-reasons-required` (`reasons`), `too-long` (`comment`), `rating-trips-range`
/// (`trips`).
pub fn check(s: &RatingSettings, sub: &Submission) -> Result<Checked, DomainError> {
    if sub.values.is_empty() {
        return Err(DomainError::field("required", "value"));
    }
    let mut scores = Vec::with_capacity(sub.values.len());
    for (c, v) in &sub.values {
        if scores.iter().any(|(k, _)| k == c) {
            return Err(DomainError::field("rating-unknown-criterion", "criterion"));
        }
        scores.push((*c, Score::new(s.scale, *v)?));
    }
    let mut reasons: Vec<String> = Vec::new();
    for r in &sub.reasons {
        let r = r.trim();
        if r.is_empty() {
            continue;
        }
        if s.reason(r).is_none() {
            return Err(DomainError::field("rating-unknown-reason", "reasons"));
        }
        if !reasons.iter().any(|x| x == r) {
            reasons.push(r.to_string());
        }
    }
    let low = scores.iter().any(|(_, sc)| sc.is_low(s.low_at_or_below));
    if low && s.reasons_required && reasons.is_empty() {
        return Err(DomainError::field("rating-reasons-required", "reasons"));
    }
    let comment = match sub.comment.as_deref() {
        Some(c) => {
            // A textarea's line breaks are kept as spaces; other control characters refused.
            let one_line = c.replace(['\r', '\n', '\t'], " ");
            Some(crate::text::clean(&one_line, "comment", 0, COMMENT_MAX)?)
                .filter(|c| !c.is_empty())
        }
        None => None,
    };
    if let Some(t) = sub.trips
        && !(1..=3).contains(&t)
    {
        return Err(DomainError::field("rating-trips-range", "trips"));
    }
    Ok(Checked {
        scores,
        reasons,
        comment,
        trips: sub.trips,
        low,
    })
}

/// The counter tablet's rating window: open from the moment the officer finishes serving the
/// ticket until `window_seconds` later (both instants in microseconds).
pub fn window_open(finished_at: i64, now: i64, window_seconds: u32) -> bool {
    now >= finished_at && now - finished_at <= i64::from(window_seconds) * 1_000_000
}

/// Seconds left in the window (0 once closed).
pub fn window_left(finished_at: i64, now: i64, window_seconds: u32) -> u32 {
    let end = finished_at + i64::from(window_seconds) * 1_000_000;
    (((end - now).max(0) + 999_999) / 1_000_000) as u32
}

/// A dossier's rating link works from receipt until `valid_days` after the dossier closed.
pub fn link_open(closed_at: Option<i64>, now: i64, valid_days: u32) -> bool {
    match closed_at {
        None => true,
        Some(c) => now <= c + i64::from(valid_days) * 86_400 * 1_000_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conduct::builtin;

    fn sub(values: &[(Criterion, u8)], reasons: &[&str]) -> Submission {
        Submission {
            values: values.to_vec(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            comment: None,
            trips: None,
        }
    }

    #[test]
    fn default_settings_are_valid_and_cite_the_shipped_codes() {
        let s = RatingSettings::default();
        s.validate(&builtin()).unwrap();
        assert_eq!(s.reasons.len(), 5);
        let mut bad = s.clone();
        bad.reasons[0].cites = Some("10-nguyen-tac/khong-co".into());
        assert_eq!(
            bad.validate(&builtin()).unwrap_err().code,
            "rating-unknown-conduct"
        );
        let mut bad = s.clone();
        bad.conduct_codes = vec!["5xin-3biet".into()];
        assert_eq!(
            bad.validate(&builtin()).unwrap_err().field,
            Some("reasons"),
            "a reason may cite only a code the office follows"
        );
        let mut bad = s.clone();
        bad.recovery_working_days = 0;
        assert_eq!(
            bad.validate(&builtin()).unwrap_err().field,
            Some("recovery_working_days")
        );
    }

    #[test]
    fn low_scores_need_reasons_that_the_office_offers() {
        let s = RatingSettings::default();
        let low = sub(&[(Criterion::Overall, 3)], &[]);
        assert_eq!(check(&s, &low).unwrap_err().code, "rating-reasons-required");
        let c = check(
            &s,
            &sub(&[(Criterion::Overall, 3)], &["cho-lau", "cho-lau"]),
        )
        .unwrap();
        assert!(c.low);
        assert_eq!(c.reasons, vec!["cho-lau".to_string()]);
        assert_eq!(
            check(&s, &sub(&[(Criterion::Overall, 3)], &["vip"]))
                .unwrap_err()
                .code,
            "rating-unknown-reason"
        );
        // A good score needs none.
        assert!(
            !check(&s, &sub(&[(Criterion::Overall, 1)], &[]))
                .unwrap()
                .low
        );
        // Stars: 3 is not low by default; an office threshold of 50 makes it low.
        let stars = RatingSettings {
            scale: Scale::Stars5,
            ..s.clone()
        };
        assert!(
            !check(&stars, &sub(&[(Criterion::Overall, 3)], &[]))
                .unwrap()
                .low
        );
        let strict = RatingSettings {
            low_at_or_below: Some(50.0),
            ..stars.clone()
        };
        assert_eq!(
            check(&strict, &sub(&[(Criterion::Overall, 3)], &[]))
                .unwrap_err()
                .code,
            "rating-reasons-required",
            "reference §4: a star rating of 3 requires a reason where the office says so"
        );
        // Values outside the scale, duplicate criteria, trips out of range, long comments.
        assert_eq!(
            check(&s, &sub(&[(Criterion::Overall, 5)], &[]))
                .unwrap_err()
                .code,
            "rating-value-range"
        );
        assert!(check(&s, &sub(&[], &[])).is_err());
        let mut x = sub(&[(Criterion::Overall, 1)], &[]);
        x.trips = Some(0);
        assert_eq!(check(&s, &x).unwrap_err().field, Some("trips"));
        x.trips = Some(2);
        x.comment = Some("x".repeat(COMMENT_MAX + 1));
        assert_eq!(check(&s, &x).unwrap_err().field, Some("comment"));
        x.comment = Some("  ".into());
        assert_eq!(check(&s, &x).unwrap().comment, None);
    }

    #[test]
    fn the_counter_window_and_the_link_validity() {
        let s = 1_000_000;
        // Reference §4 test case: 31 s after the ticket closed, a 30 s window is closed.
        assert!(window_open(0, 30 * s, 30));
        assert!(!window_open(0, 31 * s, 30));
        assert!(!window_open(10 * s, 5 * s, 30), "before the finish");
        assert_eq!(window_left(0, 20 * s + 1, 30), 10);
        assert_eq!(window_left(0, 40 * s, 30), 0);
        let day = 86_400 * s;
        assert!(link_open(None, 1000 * day, 30));
        assert!(link_open(Some(0), 30 * day, 30));
        assert!(!link_open(Some(0), 30 * day + 1, 30));
    }
}
