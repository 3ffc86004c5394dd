//! Catalogue as JSON: an array of [`ProcedureVersion`] objects, exactly their serde form
//! (snake_case names and enum values, ISO dates, `HH:MM:SS` cut-off or `null`):
//!
//! ```json
//! [{"procedure": {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
//!    "level": "commune", "documents": [{"name": "Tờ khai đăng ký khai sinh",
//!    "form": "original", "count": 1}], "limit": {"amount": 0, "unit": "working_days"},
//!    "cutoff": null, "fees": [], "online_level": "full",
//!    "steps": [{"name": "Tiếp nhận", "role": "reception",
//!               "limit": {"amount": 1, "unit": "working_hours"}}],
//!    "legal_basis": "Luật Hộ tịch 2014"},
//!   "version": 1, "effective_from": "2025-07-01", "effective_to": null, "source_note": ""}]
//! ```
//!
//! Import reads each element on its own: row n is the n-th element (1-based); unknown keys
//! are refused (`json-shape`), so a misspelt key does not vanish silently. A file that is not
//! a JSON array is one `json-syntax` error on row 0.

use serde::Deserialize;
use serde_json::{Number, Value};

use super::raw::{RawDoc, RawFee, RawStep, RawVersion};
use super::{ImportReport, ProcedureVersion, RowError};

/// Pretty-printed JSON array, UTF-8 as is (no `\u` escapes for Vietnamese letters).
pub fn to_json(versions: &[ProcedureVersion]) -> String {
    serde_json::to_string_pretty(versions).expect("catalogue values always serialise")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JVersion {
    procedure: JProcedure,
    version: Number,
    effective_from: String,
    #[serde(default)]
    effective_to: Option<String>,
    #[serde(default)]
    source_note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JProcedure {
    code: String,
    name: String,
    field: String,
    level: String,
    #[serde(default)]
    documents: Vec<JDoc>,
    limit: JLimit,
    #[serde(default)]
    cutoff: Option<String>,
    #[serde(default)]
    fees: Vec<JFee>,
    online_level: String,
    #[serde(default)]
    steps: Vec<JStep>,
    legal_basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JDoc {
    name: String,
    form: String,
    count: Number,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JLimit {
    amount: Number,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JFee {
    description: String,
    amount_vnd: Number,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JStep {
    name: String,
    role: String,
    limit: JLimit,
}

impl From<JVersion> for RawVersion {
    fn from(j: JVersion) -> Self {
        let p = j.procedure;
        RawVersion {
            code: p.code,
            name: p.name,
            field: p.field,
            level: p.level,
            documents: p
                .documents
                .into_iter()
                .map(|d| RawDoc {
                    name: d.name,
                    form: d.form,
                    count: d.count.to_string(),
                })
                .collect(),
            limit_amount: p.limit.amount.to_string(),
            limit_unit: p.limit.unit,
            cutoff: p.cutoff.unwrap_or_default(),
            fees: p
                .fees
                .into_iter()
                .map(|f| RawFee {
                    description: f.description,
                    amount: f.amount_vnd.to_string(),
                })
                .collect(),
            online_level: p.online_level,
            steps: p
                .steps
                .into_iter()
                .map(|s| RawStep {
                    name: s.name,
                    role: s.role,
                    amount: s.limit.amount.to_string(),
                    unit: s.limit.unit,
                })
                .collect(),
            legal_basis: p.legal_basis,
            version: j.version.to_string(),
            effective_from: j.effective_from,
            effective_to: j.effective_to.unwrap_or_default(),
            source_note: j.source_note,
        }
    }
}

/// The key named in a serde message such as "missing field `name`".
fn field_of(message: &str) -> String {
    message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field `"))
        .unwrap_or_default()
        .to_owned()
}

/// Reads a catalogue JSON array. Every problem is reported with its row (array index + 1);
/// rows without problems are returned, also when other rows are bad.
pub fn from_json(text: &str) -> ImportReport {
    let mut report = ImportReport::default();
    let elements = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(elements)) => elements,
        Ok(_) => {
            report.file_error("", "json-syntax", "the document is not a JSON array".into());
            return report;
        }
        Err(e) => {
            report.file_error("", "json-syntax", e.to_string());
            return report;
        }
    };
    for (i, element) in elements.into_iter().enumerate() {
        let row = i + 1;
        let code = element
            .pointer("/procedure/code")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        match serde_json::from_value::<JVersion>(element) {
            Ok(j) => {
                let raw = RawVersion::from(j);
                report.push_row(row, code, raw.build());
            }
            Err(e) => {
                let detail = e.to_string();
                report.errors.push(RowError {
                    row,
                    code,
                    field: field_of(&detail),
                    error_code: "json-shape",
                    detail,
                });
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_the_key() {
        assert_eq!(field_of("missing field `name`"), "name");
        assert_eq!(
            field_of("unknown field `limt`, expected one of `code`, `name`"),
            "limt"
        );
        assert_eq!(field_of("invalid type: string \"a\", expected u64"), "");
    }

    #[test]
    fn a_non_array_is_one_file_error() {
        for text in ["{}", "not json", "[1, 2"] {
            let r = from_json(text);
            assert!(r.valid.is_empty());
            assert_eq!(r.errors.len(), 1, "{text}");
            assert_eq!(
                (r.errors[0].row, r.errors[0].error_code),
                (0, "json-syntax")
            );
        }
    }
}
