//! The report on receiving and handling administrative procedures (part a of the periodic
//! reports): one row of counts per procedure, grouped by field (lĩnh vực), with a subtotal per
//! field and a total row.
//!
//! The columns follow the layout provinces use for the periodic report on the handling of
//! administrative procedures (the "tình hình, kết quả giải quyết TTHC" table that Circular
//! 01/2020/TT-VPCP is believed to set; the form could not be checked against the official
//! text here, see `docs/ARCHITECTURE.md`): received = carried over from the previous period +
//! new online + new direct or by post; handled = early + on time + late; in process = within
//! the limit + overdue; then withdrawn, refused and stopped.
//!
//! Pure: the caller passes the counts in.

use std::collections::BTreeMap;

use serde::Serialize;

use super::shares::pct;

/// The counts of one procedure, one field or the whole report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HandlingRow {
    /// In process at the end of the day before the period (số kỳ trước chuyển qua).
    pub carried_over: i64,
    /// Received in the period online.
    pub new_online: i64,
    /// Received in the period at the desk or by post.
    pub new_direct: i64,
    /// Returned in the period before, on or after the date.
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    /// In process at the end of the period (or today): within the limit, overdue.
    pub open_within: i64,
    pub open_overdue: i64,
    /// Withdrawn by the applicant, refused (Form 03), stopped (Form 05) in the period.
    pub withdrawn: i64,
    pub refused: i64,
    pub stopped: i64,
}

impl HandlingRow {
    /// Carried over + new.
    pub fn received(&self) -> i64 {
        self.carried_over + self.new_received()
    }

    pub fn new_received(&self) -> i64 {
        self.new_online + self.new_direct
    }

    /// Returned early, on time or late.
    pub fn handled(&self) -> i64 {
        self.early + self.on_time + self.late
    }

    pub fn open(&self) -> i64 {
        self.open_within + self.open_overdue
    }

    /// Share of the handled dossiers returned early or on time (percent, 2 decimals).
    pub fn handled_in_time_pct(&self) -> Option<f64> {
        pct(n(self.early + self.on_time), n(self.handled()))
    }

    pub fn is_empty(&self) -> bool {
        *self == HandlingRow::default()
    }

    pub fn add(&mut self, o: &HandlingRow) {
        self.carried_over += o.carried_over;
        self.new_online += o.new_online;
        self.new_direct += o.new_direct;
        self.early += o.early;
        self.on_time += o.on_time;
        self.late += o.late;
        self.open_within += o.open_within;
        self.open_overdue += o.open_overdue;
        self.withdrawn += o.withdrawn;
        self.refused += o.refused;
        self.stopped += o.stopped;
    }
}

fn n(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// One procedure's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureLine {
    pub code: String,
    /// The name in the catalogue (empty when the code is not in it).
    pub name: String,
    #[serde(flatten)]
    pub row: HandlingRow,
}

/// A field with its subtotal and its procedures (by code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldBlock {
    /// The field (lĩnh vực) in the catalogue; empty when the procedure is not in it.
    pub field: String,
    pub total: HandlingRow,
    pub procedures: Vec<ProcedureLine>,
}

/// The whole table: the fields by name (an unknown field last) and the total row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HandlingTable {
    pub fields: Vec<FieldBlock>,
    pub total: HandlingRow,
}

/// Groups procedure rows (with their field) by field. Procedures with nothing to count are
/// left out; the subtotals and the total are the sums of the rows shown.
pub fn by_field(lines: impl IntoIterator<Item = (String, ProcedureLine)>) -> HandlingTable {
    // (unknown field last, field name) → procedures by code.
    let mut groups: BTreeMap<(bool, String), BTreeMap<String, ProcedureLine>> = BTreeMap::new();
    for (field, line) in lines.into_iter().filter(|(_, l)| !l.row.is_empty()) {
        let field = field.trim().to_string();
        groups
            .entry((field.is_empty(), field))
            .or_default()
            .insert(line.code.clone(), line);
    }
    let mut table = HandlingTable::default();
    for ((_, field), procedures) in groups {
        let mut total = HandlingRow::default();
        procedures.values().for_each(|p| total.add(&p.row));
        table.total.add(&total);
        table.fields.push(FieldBlock {
            field,
            total,
            procedures: procedures.into_values().collect(),
        });
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, row: HandlingRow) -> ProcedureLine {
        ProcedureLine {
            code: code.into(),
            name: format!("Thủ tục {code}"),
            row,
        }
    }

    #[test]
    fn rows_add_up_by_field_and_in_total() {
        let a = HandlingRow {
            carried_over: 2,
            new_online: 3,
            new_direct: 5,
            early: 4,
            on_time: 3,
            late: 1,
            open_within: 1,
            open_overdue: 1,
            withdrawn: 0,
            refused: 0,
            stopped: 0,
        };
        let b = HandlingRow {
            new_direct: 1,
            refused: 1,
            ..HandlingRow::default()
        };
        let c = HandlingRow {
            carried_over: 1,
            late: 1,
            ..HandlingRow::default()
        };
        let t = by_field([
            ("Hộ tịch".to_string(), line("1.004884", a)),
            ("Chứng thực".to_string(), line("2.000815", b)),
            ("Hộ tịch".to_string(), line("1.001193", c)),
            (String::new(), line("9.999999", c)),
            (
                "Đất đai".to_string(),
                line("1.000001", HandlingRow::default()),
            ),
        ]);
        let fields: Vec<&str> = t.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["Chứng thực", "Hộ tịch", ""], "empty rows left out");
        let hotich = &t.fields[1];
        let codes: Vec<&str> = hotich.procedures.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["1.001193", "1.004884"]);
        assert_eq!(hotich.total.received(), 11);
        assert_eq!(hotich.total.new_received(), 8);
        assert_eq!(hotich.total.handled(), 9);
        assert_eq!(hotich.total.late, 2);
        assert_eq!(hotich.total.open(), 2);
        assert_eq!(t.total.received(), 13);
        assert_eq!(t.total.refused, 1);
        assert_eq!(t.total.handled(), 10);
        // (4 + 3) of 10 handled were early or on time.
        assert_eq!(t.total.handled_in_time_pct(), Some(70.0));
        assert_eq!(HandlingRow::default().handled_in_time_pct(), None);
    }

    #[test]
    fn nothing_to_count_is_an_empty_table() {
        let t = by_field(Vec::new());
        assert!(t.fields.is_empty());
        assert!(t.total.is_empty());
    }
}
