//! The string-level form of one version, shared by the JSON and CSV importers, and its
//! conversion into a checked [`ProcedureVersion`].
//!
//! Conversion never stops at the first problem: parse failures and rule violations of the
//! whole row are collected (see [`RawVersion::build`]).

use jiff::civil::{Date, Time};
use unicode_normalization::UnicodeNormalization;

use super::{
    DocForm, Fee, Issue, OfficeLevel, OnlineLevel, Procedure, ProcedureCode, ProcedureVersion,
    ProcessStep, RequiredDocument, RowResult,
};
use crate::DomainError;
use crate::calendar::{LimitUnit, TimeLimit};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawDoc {
    pub name: String,
    pub form: String,
    pub count: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawFee {
    pub description: String,
    pub amount: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawStep {
    pub name: String,
    pub role: String,
    pub amount: String,
    pub unit: String,
}

/// Every value as text, as it came from the file. Empty `cutoff` / `effective_to` = none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawVersion {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub documents: Vec<RawDoc>,
    pub limit_amount: String,
    pub limit_unit: String,
    pub cutoff: String,
    pub fees: Vec<RawFee>,
    pub online_level: String,
    pub steps: Vec<RawStep>,
    pub legal_basis: String,
    pub version: String,
    pub effective_from: String,
    pub effective_to: String,
    pub source_note: String,
}

/// Trimmed and NFC-normalised.
pub(crate) fn norm(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Plain digits (`20000`), or digits grouped by threes with `.` or `,` as Vietnamese and
/// English spreadsheets write them (`20.000`, `1,000,000`). Never a decimal fraction.
pub(crate) fn parse_amount(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    for sep in ['.', ','] {
        let groups: Vec<&str> = s.split(sep).collect();
        let well_grouped = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if well_grouped {
            return groups.concat().parse().ok();
        }
    }
    None
}

/// ISO `2025-07-01`, or `01/07/2025` (day first, as written in Vietnam).
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let mut parts = s.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// `15:00` or `15:00:00`.
pub(crate) fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    let mut parts = s.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let sec = parts.next().unwrap_or("0");
    if parts.next().is_some() || h.is_empty() || h.len() > 2 || m.len() != 2 || sec.len() > 2 {
        return None;
    }
    let all_digits = [h, m, sec]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !all_digits {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?, 0).ok()
}

/// `HH:MM`, or `HH:MM:SS` when the seconds are not zero (sub-seconds are not kept).
pub(crate) fn format_time(t: Time) -> String {
    if t.second() == 0 {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// Collects parse failures and remembers which paths failed.
struct Parser {
    issues: Vec<Issue>,
}

impl Parser {
    fn fail(&mut self, path: String, code: &'static str, field: &'static str, value: &str) {
        self.issues.push(Issue::new(
            path,
            DomainError::field(code, field),
            format!("cannot read {value:?}"),
        ));
    }

    fn failed(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.issues.iter().any(|i| pred(&i.field))
    }

    fn limit(&mut self, path: String, field: &'static str, amount: &str, unit: &str) -> TimeLimit {
        let amount_ok = amount.trim().parse::<u32>().ok();
        let unit_ok = LimitUnit::parse(unit.trim()).ok();
        if amount_ok.is_none() {
            self.fail(path.clone(), "limit-amount", field, amount);
        }
        if unit_ok.is_none() {
            self.fail(path, "unknown-limit-unit", field, unit);
        }
        TimeLimit {
            amount: amount_ok.unwrap_or(0),
            unit: unit_ok.unwrap_or(LimitUnit::WorkingDays),
        }
    }
}

impl RawVersion {
    /// The procedure code as written, for naming a row in a report.
    pub fn code_hint(&self) -> Option<String> {
        let c = self.code.trim();
        (!c.is_empty()).then(|| c.to_owned())
    }

    /// Parses every value and checks every rule; all problems of the row at once.
    pub fn build(&self) -> RowResult {
        let mut p = Parser { issues: Vec::new() };

        let code = ProcedureCode::parse(&self.code).unwrap_or_else(|e| {
            p.issues
                .push(Issue::new("code", e, format!("{:?}", self.code)));
            ProcedureCode("0.000000".into())
        });
        let level = OfficeLevel::parse(self.level.trim()).unwrap_or_else(|_| {
            p.fail("level".into(), "unknown-office-level", "level", &self.level);
            OfficeLevel::Commune
        });
        let documents = self
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let path = format!("documents[{}]", i + 1);
                let form = DocForm::parse(&d.form).unwrap_or_else(|_| {
                    p.fail(
                        format!("{path}.form"),
                        "unknown-doc-form",
                        "documents",
                        &d.form,
                    );
                    DocForm::Original
                });
                let count = d.count.trim().parse::<u8>().unwrap_or_else(|_| {
                    p.fail(
                        format!("{path}.count"),
                        "document-count",
                        "documents",
                        &d.count,
                    );
                    1
                });
                RequiredDocument {
                    name: norm(&d.name),
                    form,
                    count,
                }
            })
            .collect();
        let limit = p.limit(
            "limit".into(),
            "limit",
            &self.limit_amount,
            &self.limit_unit,
        );
        let cutoff = if self.cutoff.trim().is_empty() {
            None
        } else {
            parse_time(&self.cutoff).or_else(|| {
                p.fail("cutoff".into(), "cutoff-format", "cutoff", &self.cutoff);
                None
            })
        };
        let fees = self
            .fees
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let amount_vnd = parse_amount(&f.amount).unwrap_or_else(|| {
                    p.fail(
                        format!("fees[{}].amount_vnd", i + 1),
                        "fee-amount",
                        "fees",
                        &f.amount,
                    );
                    0
                });
                Fee {
                    description: norm(&f.description),
                    amount_vnd,
                }
            })
            .collect();
        let online_level = OnlineLevel::parse(self.online_level.trim()).unwrap_or_else(|_| {
            p.fail(
                "online_level".into(),
                "unknown-online-level",
                "online_level",
                &self.online_level,
            );
            OnlineLevel::None
        });
        let steps = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let path = format!("steps[{}].limit", i + 1);
                let limit = p.limit(path, "steps", &s.amount, &s.unit);
                ProcessStep {
                    name: norm(&s.name),
                    role: s.role.trim().to_owned(),
                    limit,
                }
            })
            .collect();
        let version = self.version.trim().parse::<u32>().unwrap_or_else(|_| {
            p.fail("version".into(), "version-number", "version", &self.version);
            1
        });
        let effective_from = parse_date(&self.effective_from).unwrap_or_else(|| {
            p.fail(
                "effective_from".into(),
                "date-format",
                "effective_from",
                &self.effective_from,
            );
            Date::MIN
        });
        let effective_to = if self.effective_to.trim().is_empty() {
            None
        } else {
            parse_date(&self.effective_to).or_else(|| {
                p.fail(
                    "effective_to".into(),
                    "date-format",
                    "effective_to",
                    &self.effective_to,
                );
                None
            })
        };

        let v = ProcedureVersion {
            procedure: Procedure {
                code,
                name: norm(&self.name),
                field: norm(&self.field),
                level,
                documents,
                limit,
                cutoff,
                fees,
                online_level,
                steps,
                legal_basis: norm(&self.legal_basis),
            },
            version,
            effective_from,
            effective_to,
            source_note: norm(&self.source_note),
        };

        // Rule checks on the parsed values; skip those whose inputs could not be read (their
        // placeholders would only add noise).
        let limits_failed = p.failed(|f| f == "limit" || f.ends_with(".limit"));
        let dates_failed = p.failed(|f| f.starts_with("effective_"));
        let rule_issues: Vec<Issue> = v
            .issues()
            .into_iter()
            .filter(|i| !(limits_failed && i.error.code == "steps-exceed-limit"))
            .filter(|i| !(dates_failed && i.error.code == "effective-range"))
            .filter(|i| !p.issues.iter().any(|f| f.field == i.field))
            .collect();
        let mut issues = p.issues;
        issues.extend(rule_issues);
        if issues.is_empty() {
            Ok(v)
        } else {
            Err(issues)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn amounts_dates_and_times_read_the_usual_spellings() {
        assert_eq!(parse_amount("20000"), Some(20_000));
        assert_eq!(parse_amount("20.000"), Some(20_000));
        assert_eq!(parse_amount("1,000,000"), Some(1_000_000));
        assert_eq!(parse_amount("1.5"), None);
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_date("2025-07-01"), Some(date(2025, 7, 1)));
        assert_eq!(parse_date("01/07/2025"), Some(date(2025, 7, 1)));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("1/7/25"), None);
        assert_eq!(parse_time("15:00"), Some(time(15, 0, 0, 0)));
        assert_eq!(parse_time("7:30"), Some(time(7, 30, 0, 0)));
        assert_eq!(parse_time("15:00:30"), Some(time(15, 0, 30, 0)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("15h"), None);
        assert_eq!(format_time(time(15, 0, 0, 0)), "15:00");
        assert_eq!(format_time(time(9, 5, 7, 0)), "09:05:07");
    }
}
