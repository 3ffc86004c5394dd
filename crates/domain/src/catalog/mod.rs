//! Procedure catalogue (danh mục thủ tục hành chính, TTHC).
//!
//! A [`Procedure`] is what the National TTHC Database publishes for one procedure: its code,
//! name, field, competent level, required documents, time limit, fees, online level, the
//! internal process steps and the legal basis. Procedures change over time, so the catalogue
//! holds [`ProcedureVersion`]s with effective dates; a dossier stores the [`VersionRef`] of the
//! version it was received under and keeps it for life (see [`find_version`]).
//!
//! Rules enforced here (pure, no IO):
//! - the code has the national shape (see [`ProcedureCode`]);
//! - texts are trimmed, NFC, bounded and free of control characters;
//! - every document is asked for at least once; roles of steps are real roles
//!   ([`crate::identity::Role`]);
//! - the steps fit the legal limit: when a step is counted in the same unit as the procedure
//!   (working days, or working hours), the sum of those steps may not exceed the limit
//!   (`steps-exceed-limit`); same-day procedures (0 working days) with 0-day steps are fine;
//! - versions of one code do not overlap in time and do not reuse a number.
//!
//! Import and export: [`from_json`]/[`to_json`] and [`from_csv`]/[`to_csv`]; the CSV layout is
//! described in [`csv`]. Imports never stop at the first problem: they return an
//! [`ImportReport`] with every valid row and one [`RowError`] per problem, naming the row.
//!
//! The shipped demo data ([`demo_procedures`]) holds real commune-level procedures.

pub mod csv;
mod demo;
pub mod json;
mod raw;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::calendar::{LimitUnit, TimeLimit};
use crate::identity::Role;
use crate::text;

pub use csv::{from_csv, to_csv};
pub use demo::demo_procedures;
pub use json::{from_json, to_json};

/// Largest accepted time-limit amount (any unit). Real limits are far below; the bound keeps
/// deadline arithmetic away from absurd values typed by mistake.
pub const MAX_LIMIT_AMOUNT: u32 = 999;

/// National procedure code (mã TTHC) as published in the National TTHC Database:
/// one or two digits, a dot and six digits, e.g. `1.001193` (đăng ký khai sinh) or `2.000815`.
///
/// Portals also show provincial variants with suffixes (`1.000948.H38`,
/// `2.001218.000.00.00.H38`); those identify the local publication of the same national
/// procedure and are **not** accepted here: store the national base code (the part before the
/// second dot) and keep local details in the version's `source_note`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

impl ProcedureCode {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let ok = match s.split_once('.') {
            Some((head, tail)) => {
                (1..=2).contains(&head.len())
                    && head.bytes().all(|b| b.is_ascii_digit())
                    && tail.len() == 6
                    && tail.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::field("procedure-code-format", "code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Self::parse(&s)
    }
}

impl From<ProcedureCode> for String {
    fn from(c: ProcedureCode) -> String {
        c.0
    }
}

impl std::fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ProcedureCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Self::parse(s)
    }
}

/// Level of the competent authority (cấp thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeLevel {
    /// Cấp xã (xã, phường, đặc khu), including commune police.
    Commune,
    /// Cấp tỉnh.
    Province,
    /// Cấp trung ương (bộ, ngành).
    Central,
    /// Cấp huyện: only for versions in force before 1 July 2025.
    District,
}

impl OfficeLevel {
    pub const ALL: [OfficeLevel; 4] = [
        OfficeLevel::Commune,
        OfficeLevel::Province,
        OfficeLevel::Central,
        OfficeLevel::District,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeLevel::Commune => "commune",
            OfficeLevel::Province => "province",
            OfficeLevel::Central => "central",
            OfficeLevel::District => "district",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s,
            DomainError::field("unknown-office-level", "level"),
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            OfficeLevel::Commune => "Cấp xã",
            OfficeLevel::Province => "Cấp tỉnh",
            OfficeLevel::Central => "Cấp trung ương",
            OfficeLevel::District => "Cấp huyện",
        }
    }
}

/// Form in which a document is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocForm {
    /// Bản chính.
    Original,
    /// Bản sao (or a scan / photocopy presented with the original).
    Copy,
    /// Bản sao có chứng thực.
    CertifiedCopy,
    /// Bản chính hoặc bản sao.
    OriginalOrCopy,
}

impl DocForm {
    pub const ALL: [DocForm; 4] = [
        DocForm::Original,
        DocForm::Copy,
        DocForm::CertifiedCopy,
        DocForm::OriginalOrCopy,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DocForm::Original => "original",
            DocForm::Copy => "copy",
            DocForm::CertifiedCopy => "certified_copy",
            DocForm::OriginalOrCopy => "original_or_copy",
        }
    }
    /// Vietnamese label, as printed on receipts and in the CSV `documents` cell.
    pub fn label_vi(self) -> &'static str {
        match self {
            DocForm::Original => "bản chính",
            DocForm::Copy => "bản sao",
            DocForm::CertifiedCopy => "bản sao có chứng thực",
            DocForm::OriginalOrCopy => "bản chính hoặc bản sao",
        }
    }
    /// Accepts the stable code or the Vietnamese label (any case).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s || f.label_vi() == s)
            .ok_or(DomainError::field("unknown-doc-form", "documents"))
    }
}

/// How far the procedure can be done online (Decree 118/2025 wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Dịch vụ công trực tuyến toàn trình.
    Full,
    /// Dịch vụ công trực tuyến một phần.
    Partial,
    /// Not offered online.
    None,
}

impl OnlineLevel {
    pub const ALL: [OnlineLevel; 3] = [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::None];
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::None => "none",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s,
            DomainError::field("unknown-online-level", "online_level"),
        )
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            OnlineLevel::Full => "toàn trình",
            OnlineLevel::Partial => "một phần",
            OnlineLevel::None => "không cung cấp trực tuyến",
        }
    }
}

/// One document of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDocument {
    pub name: String,
    pub form: DocForm,
    /// Number of copies asked for, at least 1.
    pub count: u8,
}

/// A fee or charge (phí, lệ phí) with a nationally fixed amount. Several rows when the amount
/// depends on the channel or the page count; a row of 0 đồng records an explicit exemption
/// ("miễn lệ phí"). Amounts set by the provincial People's Council differ per province and are
/// not listed: an empty list means "no fixed national amount", and the legal basis says why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub description: String,
    pub amount_vnd: u64,
}

/// One step of the internal process (quy trình nội bộ) with the role that performs it and the
/// time it is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStep {
    pub name: String,
    /// A [`Role`] code: admin, head, deputy, reception, specialist, supervisor or auditor.
    pub role: String,
    pub limit: TimeLimit,
}

/// A published administrative procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    /// Official name, NFC, 3–500 characters.
    pub name: String,
    /// Field (lĩnh vực), e.g. "Hộ tịch", "Chứng thực", "Đăng ký, quản lý cư trú".
    pub field: String,
    pub level: OfficeLevel,
    pub documents: Vec<RequiredDocument>,
    /// Legal time limit (thời hạn giải quyết); 0 working days = same day.
    pub limit: TimeLimit,
    /// Cut-off time for same-day handling; `None` = the office default (15:00).
    pub cutoff: Option<Time>,
    pub fees: Vec<Fee>,
    pub online_level: OnlineLevel,
    pub steps: Vec<ProcessStep>,
    /// Legal basis (căn cứ pháp lý), including the basis of fees.
    pub legal_basis: String,
}

/// A procedure as in force during `[effective_from, effective_to]` (both days inclusive;
/// `effective_to = None` means open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureVersion {
    pub procedure: Procedure,
    /// 1, 2, 3… per code.
    pub version: u32,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    /// Where the data comes from and how sure it is (free text; may be empty).
    #[serde(default)]
    pub source_note: String,
}

/// What a dossier stores to keep the version it was received under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VersionRef {
    pub code: ProcedureCode,
    pub version: u32,
}

/// Bounds of the text fields (characters, after trimming and NFC).
const NAME_LEN: (usize, usize) = (3, 500);
const FIELD_LEN: (usize, usize) = (2, 200);
const ITEM_LEN: (usize, usize) = (2, 500);
const LEGAL_BASIS_LEN: (usize, usize) = (3, 4000);
const SOURCE_NOTE_LEN: (usize, usize) = (0, 4000);

/// One validation problem: the field path (`documents[2].count`, 1-based index), the error and a
/// short English detail for logs and import reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub field: String,
    pub error: DomainError,
    pub detail: String,
}

impl Issue {
    fn new(field: impl Into<String>, error: DomainError, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            error,
            detail: detail.into(),
        }
    }
}

fn check_text(
    out: &mut Vec<Issue>,
    path: String,
    field: &'static str,
    value: &str,
    (min, max): (usize, usize),
) {
    if let Err(e) = text::clean(value, field, min, max) {
        out.push(Issue::new(
            path,
            e,
            format!("{} characters", value.chars().count()),
        ));
    }
}

impl Procedure {
    /// Every problem of this procedure, in field order.
    pub(crate) fn issues(&self) -> Vec<Issue> {
        let mut out = Vec::new();
        check_text(&mut out, "name".into(), "name", &self.name, NAME_LEN);
        check_text(&mut out, "field".into(), "field", &self.field, FIELD_LEN);
        for (i, d) in self.documents.iter().enumerate() {
            let path = format!("documents[{}]", i + 1);
            check_text(
                &mut out,
                format!("{path}.name"),
                "documents",
                &d.name,
                ITEM_LEN,
            );
            if d.count == 0 {
                out.push(Issue::new(
                    format!("{path}.count"),
                    DomainError::field("document-count", "documents"),
                    "count must be at least 1",
                ));
            }
        }
        if self.cutoff.is_some_and(|t| t.subsec_nanosecond() != 0) {
            out.push(Issue::new(
                "cutoff",
                DomainError::field("cutoff-format", "cutoff"),
                "cut-off times are whole seconds",
            ));
        }
        if self.limit.amount > MAX_LIMIT_AMOUNT {
            out.push(Issue::new(
                "limit",
                DomainError::field("limit-amount", "limit"),
                format!("{} is above {MAX_LIMIT_AMOUNT}", self.limit.amount),
            ));
        }
        for (i, f) in self.fees.iter().enumerate() {
            let path = format!("fees[{}].description", i + 1);
            check_text(&mut out, path, "fees", &f.description, ITEM_LEN);
        }
        for (i, s) in self.steps.iter().enumerate() {
            let path = format!("steps[{}]", i + 1);
            check_text(&mut out, format!("{path}.name"), "steps", &s.name, ITEM_LEN);
            if Role::parse(&s.role).is_err() {
                out.push(Issue::new(
                    format!("{path}.role"),
                    DomainError::field("unknown-role", "steps"),
                    format!("role {:?}", s.role),
                ));
            }
            if s.limit.amount > MAX_LIMIT_AMOUNT {
                out.push(Issue::new(
                    format!("{path}.limit"),
                    DomainError::field("limit-amount", "steps"),
                    format!("{} is above {MAX_LIMIT_AMOUNT}", s.limit.amount),
                ));
            }
        }
        if let Some((sum, limit)) = self.steps_overrun() {
            out.push(Issue::new(
                "steps",
                DomainError::field("steps-exceed-limit", "steps"),
                format!(
                    "steps take {sum} {unit}, the limit is {limit} {unit}",
                    unit = self.limit.unit.as_str()
                ),
            ));
        }
        check_text(
            &mut out,
            "legal_basis".into(),
            "legal_basis",
            &self.legal_basis,
            LEGAL_BASIS_LEN,
        );
        out
    }

    /// `Some((sum, limit))` when the steps counted in the procedure's own unit (working days
    /// or working hours) take longer than the limit.
    fn steps_overrun(&self) -> Option<(u64, u64)> {
        let unit = self.limit.unit;
        if !matches!(unit, LimitUnit::WorkingDays | LimitUnit::WorkingHours) {
            return None;
        }
        let sum: u64 = self
            .steps
            .iter()
            .filter(|s| s.limit.unit == unit)
            .map(|s| u64::from(s.limit.amount))
            .sum();
        let limit = u64::from(self.limit.amount);
        (sum > limit).then_some((sum, limit))
    }

    /// The first problem, if any. Imports report all of them (see [`ImportReport`]).
    pub fn validate(&self) -> Result<(), DomainError> {
        match self.issues().into_iter().next() {
            Some(i) => Err(i.error),
            None => Ok(()),
        }
    }
}

impl ProcedureVersion {
    pub(crate) fn issues(&self) -> Vec<Issue> {
        let mut out = Vec::new();
        if self.version == 0 {
            out.push(Issue::new(
                "version",
                DomainError::field("version-number", "version"),
                "version numbers start at 1",
            ));
        }
        if let Some(to) = self.effective_to
            && to < self.effective_from
        {
            out.push(Issue::new(
                "effective_to",
                DomainError::field("effective-range", "effective_to"),
                format!("{to} is before {}", self.effective_from),
            ));
        }
        out.extend(self.procedure.issues());
        check_text(
            &mut out,
            "source_note".into(),
            "source_note",
            &self.source_note,
            SOURCE_NOTE_LEN,
        );
        out
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        match self.issues().into_iter().next() {
            Some(i) => Err(i.error),
            None => Ok(()),
        }
    }

    pub fn key(&self) -> VersionRef {
        VersionRef {
            code: self.procedure.code.clone(),
            version: self.version,
        }
    }

    /// In force on `day` (both ends inclusive).
    pub fn in_force_on(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    fn overlaps(&self, other: &ProcedureVersion) -> bool {
        let a_before_b = self
            .effective_to
            .is_some_and(|to| to < other.effective_from);
        let b_before_a = other
            .effective_to
            .is_some_and(|to| to < self.effective_from);
        !(a_before_b || b_before_a)
    }
}

/// The version in force on `on`, among versions of **one** procedure. When data is
/// inconsistent (overlaps, which [`check_versions`] refuses) the latest start wins, then the
/// highest version number.
pub fn version_in_force(versions: &[ProcedureVersion], on: Date) -> Option<&ProcedureVersion> {
    versions
        .iter()
        .filter(|v| v.in_force_on(on))
        .max_by_key(|v| (v.effective_from, v.version))
}

/// The exact version a dossier was received under.
pub fn find_version<'a>(
    versions: &'a [ProcedureVersion],
    key: &VersionRef,
) -> Option<&'a ProcedureVersion> {
    versions
        .iter()
        .find(|v| v.version == key.version && v.procedure.code == key.code)
}

/// Why `candidate` cannot join `accepted` (versions of any codes).
fn conflict(accepted: &[&ProcedureVersion], candidate: &ProcedureVersion) -> Option<Issue> {
    let same_code = accepted
        .iter()
        .filter(|v| v.procedure.code == candidate.procedure.code);
    for v in same_code {
        if v.version == candidate.version {
            return Some(Issue::new(
                "version",
                DomainError::field("version-duplicate", "version"),
                format!(
                    "version {} of {} appears twice",
                    v.version, v.procedure.code
                ),
            ));
        }
        if v.overlaps(candidate) {
            return Some(Issue::new(
                "effective_from",
                DomainError::field("version-overlap", "effective_from"),
                format!(
                    "overlaps version {} of {} ({} – {})",
                    v.version,
                    v.procedure.code,
                    v.effective_from,
                    v.effective_to.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
    }
    None
}

/// Versions of the same code must not overlap in time (`version-overlap`) nor share a
/// version number (`version-duplicate`). Codes are checked independently.
pub fn check_versions(versions: &[ProcedureVersion]) -> Result<(), DomainError> {
    let mut accepted: Vec<&ProcedureVersion> = Vec::with_capacity(versions.len());
    for v in versions {
        if let Some(issue) = conflict(&accepted, v) {
            return Err(issue.error);
        }
        accepted.push(v);
    }
    Ok(())
}

/// One problem found by an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based data row: the n-th element of the JSON array, or the n-th CSV record after the
    /// header (spreadsheet row n + 1). Row 0 is the file itself (syntax, CSV header).
    pub row: usize,
    /// The row's procedure code as written, when there is one.
    pub code: Option<String>,
    /// Field path, e.g. `name`, `documents[2].count`, `steps[1].role`, `steps`; for file-level
    /// errors the CSV column concerned, or empty.
    pub field: String,
    /// Stable error code (translated as `err-<code>`).
    pub error_code: &'static str,
    /// Short English explanation for logs and the report screen.
    pub detail: String,
}

/// Result of an import: every valid row, and every problem. A row with any problem is left
/// out whole; rows without problems are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub valid: Vec<ProcedureVersion>,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Rows that have at least one error, ascending, without repeats.
    pub fn bad_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.errors.iter().map(|e| e.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Adds row-level results in order, then refuses rows that overlap or duplicate an
    /// already accepted version of the same code.
    pub(crate) fn push_row(&mut self, row: usize, code: Option<String>, result: RowResult) {
        match result {
            Ok(v) => {
                let accepted: Vec<&ProcedureVersion> = self.valid.iter().collect();
                if let Some(i) = conflict(&accepted, &v) {
                    self.errors.push(row_error(row, code, i));
                } else {
                    self.valid.push(v);
                }
            }
            Err(issues) => {
                for i in issues {
                    self.errors.push(row_error(row, code.clone(), i));
                }
            }
        }
    }

    pub(crate) fn file_error(&mut self, field: &str, error_code: &'static str, detail: String) {
        self.errors.push(RowError {
            row: 0,
            code: None,
            field: field.to_owned(),
            error_code,
            detail,
        });
    }
}

pub(crate) type RowResult = Result<ProcedureVersion, Vec<Issue>>;

fn row_error(row: usize, code: Option<String>, i: Issue) -> RowError {
    RowError {
        row,
        code,
        field: i.field,
        error_code: i.error.code,
        detail: i.detail,
    }
}

#[cfg(test)]
mod tests;
