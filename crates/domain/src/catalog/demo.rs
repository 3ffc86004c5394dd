//! The shipped demo catalogue: real commune-level procedures (civil status, certification,
//! residence) with their legal time limits and fees. Each version's `source_note` says where
//! its code, limit and fees come from and how sure they are ([C] checked against the legal
//! text, [C2] from a secondary source, [B] background knowledge still to be checked).

use super::{ProcedureVersion, from_json};

const DEMO_JSON: &str = include_str!("demo_procedures.json");

/// The demo procedures, checked by the same importer as any uploaded file. The file is tested
/// to import without errors, so nothing is dropped here.
pub fn demo_procedures() -> Vec<ProcedureVersion> {
    let report = from_json(DEMO_JSON);
    debug_assert!(report.is_clean(), "demo catalogue: {:?}", report.errors);
    report.valid
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use jiff::civil::date;

    use super::*;
    use crate::calendar::{LimitUnit, TimeLimit};
    use crate::catalog::{
        OfficeLevel, check_versions, from_csv, to_csv, to_json, version_in_force,
    };

    fn by_code(all: &[ProcedureVersion], code: &str) -> Vec<ProcedureVersion> {
        all.iter()
            .filter(|v| v.procedure.code.as_str() == code)
            .cloned()
            .collect::<Vec<_>>()
    }

    #[test]
    fn demo_file_imports_without_any_error() {
        let report = from_json(DEMO_JSON);
        assert!(report.is_clean(), "{:#?}", report.errors);
        let all = report.valid;
        assert!(all.len() >= 20);
        for v in &all {
            assert_eq!(v.validate(), Ok(()), "{}", v.procedure.code);
            assert!(
                !v.source_note.is_empty(),
                "{} has no source note",
                v.procedure.code
            );
        }
        assert_eq!(check_versions(&all), Ok(()));
    }

    #[test]
    fn demo_has_twenty_commune_procedures_in_force_today() {
        let all = demo_procedures();
        let codes: BTreeSet<&str> = all.iter().map(|v| v.procedure.code.as_str()).collect();
        assert!(codes.len() >= 20, "{} codes", codes.len());
        assert!(
            all.iter()
                .all(|v| v.procedure.level == OfficeLevel::Commune)
        );
        for code in &codes {
            let versions = by_code(&all, code);
            assert!(
                version_in_force(&versions, date(2026, 3, 2)).is_some(),
                "{code} has no version in force"
            );
        }
    }

    #[test]
    fn demo_includes_the_everyday_procedures_with_their_legal_limits() {
        let all = demo_procedures();
        let today = date(2026, 3, 2);
        let limit_of = |code: &str| {
            let versions = by_code(&all, code);
            let v = version_in_force(&versions, today)
                .unwrap_or_else(|| panic!("{code} missing"))
                .clone();
            v.procedure.limit
        };
        // Khai sinh, kết hôn, khai tử: same day (Luật Hộ tịch Art. 16, 18, 34).
        assert_eq!(limit_of("1.001193"), TimeLimit::working_days(0));
        assert_eq!(limit_of("1.000894"), TimeLimit::working_days(0));
        assert_eq!(limit_of("1.000656"), TimeLimit::working_days(0));
        // Chứng thực bản sao, chữ ký: same day (Decree 23/2015 Art. 7).
        assert_eq!(limit_of("2.000815"), TimeLimit::working_days(0));
        assert_eq!(limit_of("2.000884"), TimeLimit::working_days(0));
        // Hợp đồng, giao dịch: 2 working days (Art. 37).
        assert_eq!(limit_of("2.001035"), TimeLimit::working_days(2));
        // Cư trú: thường trú 7, tạm trú 3 working days; confirmation half a working day.
        assert_eq!(limit_of("1.004222"), TimeLimit::working_days(7));
        assert_eq!(limit_of("1.004194"), TimeLimit::working_days(3));
        assert_eq!(limit_of("1.010041").unit, LimitUnit::WorkingHours);
        // Giám hộ 3, nhận cha mẹ con 3, thay đổi cải chính 3, xác nhận TTHN 3, đăng ký lại 5.
        for code in ["1.004837", "1.001022", "1.004859", "1.004873"] {
            assert_eq!(limit_of(code), TimeLimit::working_days(3), "{code}");
        }
        assert_eq!(limit_of("1.004884"), TimeLimit::working_days(5));
        assert_eq!(limit_of("2.000635"), TimeLimit::working_days(0));
    }

    #[test]
    fn birth_registration_keeps_its_pre_reform_version_for_old_dossiers() {
        let versions = by_code(&demo_procedures(), "1.001193");
        let old = version_in_force(&versions, date(2025, 6, 30)).unwrap();
        let new = version_in_force(&versions, date(2025, 7, 1)).unwrap();
        assert_eq!((old.version, new.version), (1, 2));
        assert!(new.procedure.fees.iter().all(|f| f.amount_vnd == 0));
    }

    #[test]
    fn fees_follow_the_national_circulars() {
        let all = demo_procedures();
        let fees = |code: &str| -> Vec<u64> {
            by_code(&all, code)
                .last()
                .unwrap()
                .procedure
                .fees
                .iter()
                .map(|f| f.amount_vnd)
                .collect()
        };
        assert_eq!(fees("2.000815"), vec![2_000, 1_000]);
        assert_eq!(fees("2.000884"), vec![10_000]);
        assert_eq!(fees("2.001035"), vec![50_000]);
        assert_eq!(fees("2.000635"), vec![8_000]);
        assert_eq!(fees("1.004222"), vec![20_000, 10_000]);
    }

    #[test]
    fn demo_round_trips_through_both_formats() {
        let all = demo_procedures();
        let via_json = from_json(&to_json(&all));
        assert!(via_json.is_clean(), "{:?}", via_json.errors);
        assert_eq!(via_json.valid, all);
        let via_csv = from_csv(&to_csv(&all));
        assert!(via_csv.is_clean(), "{:?}", via_csv.errors);
        assert_eq!(via_csv.valid, all);
    }
}
