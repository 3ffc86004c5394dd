use jiff::civil::{Date, date, time};

use super::*;

fn code(s: &str) -> ProcedureCode {
    ProcedureCode::parse(s).unwrap()
}

fn step(name: &str, role: &str, limit: TimeLimit) -> ProcessStep {
    ProcessStep {
        name: name.into(),
        role: role.into(),
        limit,
    }
}

fn sample(c: &str, version: u32, from: Date, to: Option<Date>) -> ProcedureVersion {
    ProcedureVersion {
        procedure: Procedure {
            code: code(c),
            name: "Đăng ký nhận cha, mẹ, con".into(),
            field: "Hộ tịch".into(),
            level: OfficeLevel::Commune,
            documents: vec![
                RequiredDocument {
                    name: "Tờ khai đăng ký nhận cha, mẹ, con".into(),
                    form: DocForm::Original,
                    count: 1,
                },
                RequiredDocument {
                    name: "Chứng cứ chứng minh quan hệ cha, mẹ, con (nếu có)".into(),
                    form: DocForm::OriginalOrCopy,
                    count: 2,
                },
            ],
            limit: TimeLimit::working_days(3),
            cutoff: Some(time(15, 0, 0, 0)),
            fees: vec![Fee {
                description: "Lệ phí đăng ký hộ tịch".into(),
                amount_vnd: 10_000,
            }],
            online_level: OnlineLevel::Partial,
            steps: vec![
                step("Tiếp nhận hồ sơ", "reception", TimeLimit::working_days(0)),
                step(
                    "Thẩm định, xác minh",
                    "specialist",
                    TimeLimit::working_days(2),
                ),
                step("Ký cấp trích lục", "head", TimeLimit::working_days(1)),
            ],
            legal_basis: "Luật Hộ tịch 2014, Điều 25".into(),
        },
        version,
        effective_from: from,
        effective_to: to,
        source_note: "thử nghiệm".into(),
    }
}

fn v1() -> ProcedureVersion {
    sample("1.001022", 1, date(2025, 7, 1), None)
}

fn code_of(p: &ProcedureVersion) -> Result<(), &'static str> {
    p.validate().map_err(|e| e.code)
}

// ---------------------------------------------------------------------------------------------
// Field rules

#[test]
fn procedure_codes_follow_the_national_pattern() {
    for good in [
        "1.001612",
        "2.000986",
        "1.001193",
        "12.345678",
        " 2.000815 ",
    ] {
        assert!(ProcedureCode::parse(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "1.00161",
        "1.0016123",
        "a.001612",
        "1.00161a",
        "123.001612",
        "1-001612",
        "1.000948.H38",
        "2.001218.000.00.00.H38",
        ".001612",
    ] {
        let e = ProcedureCode::parse(bad).unwrap_err();
        assert_eq!(
            (e.code, e.field),
            ("procedure-code-format", Some("code")),
            "{bad}"
        );
    }
    assert_eq!(code(" 2.000815 ").as_str(), "2.000815");
    // Serde refuses a bad code too.
    assert!(serde_json::from_str::<ProcedureCode>("\"1.23\"").is_err());
    assert_eq!(
        serde_json::to_string(&code("1.001612")).unwrap(),
        "\"1.001612\""
    );
}

#[test]
fn the_sample_is_valid() {
    assert_eq!(v1().validate(), Ok(()));
}

#[test]
fn names_must_be_present_and_bounded() {
    let mut v = v1();
    v.procedure.name = "   ".into();
    assert_eq!(code_of(&v), Err("required"));
    v.procedure.name = "ab".into();
    assert_eq!(code_of(&v), Err("too-short"));
    v.procedure.name = "x".repeat(501);
    assert_eq!(code_of(&v), Err("too-long"));
    v.procedure.name = "x".repeat(500);
    assert_eq!(code_of(&v), Ok(()));
    v.procedure.legal_basis = String::new();
    assert_eq!(code_of(&v), Err("required"));
}

#[test]
fn every_document_is_asked_for_at_least_once() {
    let mut v = v1();
    v.procedure.documents[1].count = 0;
    let issues = v.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field, "documents[2].count");
    assert_eq!(issues[0].error.code, "document-count");
}

#[test]
fn step_roles_are_real_roles() {
    let mut v = v1();
    v.procedure.steps[1].role = "clerk".into();
    let issues = v.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field, "steps[2].role");
    assert_eq!(issues[0].error, DomainError::field("unknown-role", "steps"));
    for role in crate::identity::Role::ALL {
        v.procedure.steps[1].role = role.as_str().into();
        assert_eq!(code_of(&v), Ok(()));
    }
}

#[test]
fn steps_may_not_take_longer_than_the_limit() {
    let mut v = v1();
    v.procedure.steps[1].limit = TimeLimit::working_days(3);
    assert_eq!(code_of(&v), Err("steps-exceed-limit"));
    // Exactly the limit is fine.
    v.procedure.steps[1].limit = TimeLimit::working_days(2);
    assert_eq!(code_of(&v), Ok(()));
    // Steps in another unit are not added to working days.
    v.procedure.steps[0].limit = TimeLimit::working_hours(4);
    assert_eq!(code_of(&v), Ok(()));
    // Same-day procedures with same-day steps are allowed…
    v.procedure.limit = TimeLimit::working_days(0);
    for s in &mut v.procedure.steps {
        s.limit = TimeLimit::working_days(0);
    }
    assert_eq!(code_of(&v), Ok(()));
    // …but not with a one-day step.
    v.procedure.steps[2].limit = TimeLimit::working_days(1);
    assert_eq!(code_of(&v), Err("steps-exceed-limit"));
    // Hours are compared with hours.
    v.procedure.limit = TimeLimit::working_hours(4);
    for s in &mut v.procedure.steps {
        s.limit = TimeLimit::working_hours(2);
    }
    assert_eq!(code_of(&v), Err("steps-exceed-limit"));
    // Calendar-day and month limits are not compared.
    v.procedure.limit = TimeLimit::calendar_days(1);
    assert_eq!(code_of(&v), Ok(()));
}

#[test]
fn other_version_rules() {
    let mut v = v1();
    v.version = 0;
    assert_eq!(code_of(&v), Err("version-number"));
    let mut v = v1();
    v.effective_to = Some(date(2025, 6, 30));
    assert_eq!(code_of(&v), Err("effective-range"));
    v.effective_to = Some(date(2025, 7, 1));
    assert_eq!(code_of(&v), Ok(()));
    let mut v = v1();
    v.procedure.limit = TimeLimit::months(MAX_LIMIT_AMOUNT + 1);
    assert_eq!(code_of(&v), Err("limit-amount"));
    let mut v = v1();
    v.procedure.cutoff = Some(time(15, 0, 0, 5));
    assert_eq!(code_of(&v), Err("cutoff-format"));
}

// ---------------------------------------------------------------------------------------------
// Versions

#[test]
fn overlapping_or_repeated_versions_are_refused() {
    let a = sample("1.001022", 1, date(2016, 1, 1), Some(date(2025, 6, 30)));
    let b = sample("1.001022", 2, date(2025, 7, 1), None);
    assert_eq!(check_versions(&[a.clone(), b.clone()]), Ok(()));

    let early = sample("1.001022", 2, date(2025, 6, 30), None);
    assert_eq!(
        check_versions(&[a.clone(), early]),
        Err(DomainError::field("version-overlap", "effective_from"))
    );
    let open_before = sample("1.001022", 1, date(2016, 1, 1), None);
    assert_eq!(
        check_versions(&[b.clone(), open_before]).unwrap_err().code,
        "version-overlap"
    );
    let same_number = sample("1.001022", 2, date(2030, 1, 1), None);
    assert_eq!(
        check_versions(&[b.clone(), same_number]).unwrap_err().code,
        "version-duplicate"
    );
    // Another code may use the same dates and numbers.
    let other = sample("1.001193", 2, date(2025, 7, 1), None);
    assert_eq!(check_versions(&[a, b, other]), Ok(()));
}

#[test]
fn the_version_in_force_is_chosen_by_date() {
    let versions = [
        sample("1.001022", 1, date(2016, 1, 1), Some(date(2025, 6, 30))),
        sample("1.001022", 2, date(2025, 7, 1), Some(date(2026, 12, 31))),
        sample("1.001022", 3, date(2027, 1, 1), None),
    ];
    let on = |d: Date| version_in_force(&versions, d).map(|v| v.version);
    assert_eq!(on(date(2015, 12, 31)), None);
    assert_eq!(on(date(2016, 1, 1)), Some(1));
    assert_eq!(on(date(2025, 6, 30)), Some(1));
    assert_eq!(on(date(2025, 7, 1)), Some(2));
    assert_eq!(on(date(2026, 12, 31)), Some(2));
    assert_eq!(on(date(2027, 1, 1)), Some(3));
    assert_eq!(on(date(2099, 1, 1)), Some(3));

    // A gap between versions has no version in force.
    let gap = [sample(
        "1.001022",
        1,
        date(2020, 1, 1),
        Some(date(2020, 12, 31)),
    )];
    assert!(version_in_force(&gap, date(2021, 1, 1)).is_none());
}

#[test]
fn a_dossier_finds_the_version_it_was_received_under() {
    let versions = [
        sample("1.001022", 1, date(2016, 1, 1), Some(date(2025, 6, 30))),
        sample("1.001022", 2, date(2025, 7, 1), None),
    ];
    let received = version_in_force(&versions, date(2025, 6, 30))
        .unwrap()
        .key();
    assert_eq!(
        received,
        VersionRef {
            code: code("1.001022"),
            version: 1
        }
    );
    // Long after the law changed, the dossier still reads version 1.
    assert_eq!(find_version(&versions, &received).unwrap().version, 1);
    let json = serde_json::to_string(&received).unwrap();
    assert_eq!(json, r#"{"code":"1.001022","version":1}"#);
}

// ---------------------------------------------------------------------------------------------
// Import / export

/// Values that stress both formats: separators, quotes, escapes, parentheses, no cut-off.
fn tricky_catalogue() -> Vec<ProcedureVersion> {
    let a = sample("1.001022", 1, date(2016, 1, 1), Some(date(2025, 6, 30)));
    let mut b = sample("1.001022", 2, date(2025, 7, 1), None);
    b.procedure.name = "Đăng ký \"nhận\" cha, mẹ, con; có yếu tố | khác".into();
    b.procedure.documents.push(RequiredDocument {
        name: r"Giấy tờ A; hoặc B \ C | D (bản sao) x3".into(),
        form: DocForm::CertifiedCopy,
        count: 255,
    });
    b.procedure.fees = vec![
        Fee {
            description: "Phí: trang 1 = 2 = 3; tối đa".into(),
            amount_vnd: 0,
        },
        Fee {
            description: "Lệ phí lớn".into(),
            amount_vnd: 1_000_000_000,
        },
    ];
    b.procedure.steps[1].name = r"Thẩm định | xác minh; \ lưu".into();
    b.procedure.cutoff = Some(time(16, 30, 15, 0));
    b.source_note = String::new();
    let mut c = sample("2.000815", 1, date(2025, 7, 1), None);
    c.procedure.cutoff = None;
    c.procedure.documents.clear();
    c.procedure.fees.clear();
    c.procedure.steps.clear();
    c.procedure.limit = TimeLimit::working_hours(4);
    c.procedure.online_level = OnlineLevel::None;
    c.procedure.level = OfficeLevel::Province;
    c.procedure.legal_basis = "  Nghị định 23/2015/NĐ-CP, Điều 7  ".trim().into();
    vec![a, b, c]
}

#[test]
fn json_export_then_import_gives_identical_values() {
    let all = tricky_catalogue();
    let text = to_json(&all);
    assert!(text.contains("Đăng ký"), "UTF-8 is kept as is");
    let back = from_json(&text);
    assert!(back.is_clean(), "{:?}", back.errors);
    assert_eq!(back.valid, all);
}

#[test]
fn csv_export_then_import_gives_identical_values() {
    let all = tricky_catalogue();
    let text = to_csv(&all);
    assert!(text.starts_with("code,version,effective_from,"));
    let back = from_csv(&text);
    assert!(back.is_clean(), "{:?}", back.errors);
    assert_eq!(back.valid, all);
    // The BOM a spreadsheet adds is ignored.
    let with_bom = format!("{}{text}", csv::CSV_BOM);
    assert_eq!(from_csv(&with_bom).valid, all);
}

#[test]
fn csv_cells_are_readable() {
    let mut v = v1();
    v.procedure.steps.truncate(1);
    let text = to_csv(&[v]);
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.contains(
            "\"Tờ khai đăng ký nhận cha, mẹ, con (bản chính) x1; \
             Chứng cứ chứng minh quan hệ cha, mẹ, con (nếu có) (bản chính hoặc bản sao) x2\""
        ),
        "{row}"
    );
    assert!(row.contains("Lệ phí đăng ký hộ tịch = 10000"), "{row}");
    assert!(
        row.contains("Tiếp nhận hồ sơ | reception | 0 working_days"),
        "{row}"
    );
    assert!(row.contains(",15:00,partial,"), "{row}");
}

#[test]
fn imports_name_each_bad_row_and_keep_the_good_ones() {
    let good = tricky_catalogue();
    let mut bad_code = sample("1.004837", 1, date(2025, 7, 1), None);
    bad_code.procedure.code = ProcedureCode("1.4837".into());
    let mut zero_count = sample("1.004845", 1, date(2025, 7, 1), None);
    zero_count.procedure.documents[0].count = 0;
    let mut slow_steps = sample("1.004873", 1, date(2025, 7, 1), None);
    slow_steps.procedure.steps[1].role = "clerk".into();
    slow_steps.procedure.steps[1].limit = TimeLimit::working_days(5);
    let rows = vec![
        good[0].clone(),
        bad_code,
        good[1].clone(),
        zero_count,
        slow_steps,
        good[2].clone(),
    ];
    let expected = vec![
        (2, Some("1.4837"), "code", "procedure-code-format"),
        (4, Some("1.004845"), "documents[1].count", "document-count"),
        (5, Some("1.004873"), "steps[2].role", "unknown-role"),
        (5, Some("1.004873"), "steps", "steps-exceed-limit"),
    ];
    let summary = |r: &ImportReport| {
        r.errors
            .iter()
            .map(|e| {
                (
                    e.row,
                    e.code.as_deref().map(str::to_owned),
                    e.field.clone(),
                    e.error_code,
                )
            })
            .collect::<Vec<_>>()
    };
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(r, c, f, e)| (r, c.map(str::to_owned), f.to_owned(), e))
        .collect();

    let via_json = from_json(&to_json(&rows));
    assert_eq!(summary(&via_json), expected);
    assert_eq!(via_json.valid, good);
    assert_eq!(via_json.bad_rows(), vec![2, 4, 5]);

    let via_csv = from_csv(&to_csv(&rows));
    assert_eq!(summary(&via_csv), expected);
    assert_eq!(via_csv.valid, good);
}

#[test]
fn a_row_overlapping_an_earlier_row_is_refused_whole() {
    let a = sample("1.001022", 1, date(2025, 7, 1), None);
    let b = sample("1.001022", 2, date(2026, 1, 1), None);
    let c = sample("1.001022", 1, date(2010, 1, 1), Some(date(2010, 12, 31)));
    let report = from_csv(&to_csv(&[a.clone(), b, c]));
    assert_eq!(report.valid, vec![a]);
    let got: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str(), e.error_code))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "effective_from", "version-overlap"),
            (3, "version", "version-duplicate")
        ]
    );
}

const HEADER: &str = "code,version,effective_from,effective_to,name,field,level,limit_amount,\
limit_unit,cutoff,online_level,documents,fees,steps,legal_basis,source_note";

#[test]
fn hand_written_csv_is_read_leniently_but_checked_strictly() {
    let text = format!(
        "{HEADER}\n\
         2.000884,1,01/07/2025,,Chứng thực chữ ký,Chứng thực,commune,0,working_days,15:00,partial,\
         Giấy tờ cần ký (original) x1,\"Phí = 10.000\",Ký | deputy | 1 working_hours,ND 23/2015,\n\
         \n\
         2.000885,1,2025-07-01,,Chứng thực,Chứng thực,town,two,weeks,3pm,maybe,\
         Giấy tờ x1,Phí 10000,Ký | deputy,,\n"
    );
    let r = from_csv(&text);
    assert_eq!(r.valid.len(), 1);
    let v = &r.valid[0];
    assert_eq!(v.effective_from, date(2025, 7, 1));
    assert_eq!(v.procedure.fees[0].amount_vnd, 10_000);
    assert_eq!(v.procedure.documents[0].form, DocForm::Original);
    assert_eq!(v.procedure.cutoff, Some(time(15, 0, 0, 0)));
    // The bad row is record 3 (a blank record 2 is skipped but counted).
    let got: Vec<_> = r
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str(), e.error_code))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "documents[1]", "csv-list-syntax"),
            (3, "fees[1]", "csv-list-syntax"),
            (3, "steps[1]", "csv-list-syntax"),
            (3, "level", "unknown-office-level"),
            (3, "limit", "limit-amount"),
            (3, "limit", "unknown-limit-unit"),
            (3, "cutoff", "cutoff-format"),
            (3, "online_level", "unknown-online-level"),
            (3, "legal_basis", "required"),
        ]
    );
    assert!(
        r.errors
            .iter()
            .all(|e| e.code.as_deref() == Some("2.000885"))
    );
}

#[test]
fn csv_header_problems_are_file_errors() {
    let r = from_csv("code,name\n1.001193,Đăng ký khai sinh\n");
    assert!(r.valid.is_empty());
    assert!(
        r.errors
            .iter()
            .all(|e| e.row == 0 && e.error_code == "csv-header")
    );
    assert!(r.errors.iter().any(|e| e.field == "legal_basis"));

    let r = from_csv(&format!("{HEADER},extra\n"));
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].field, "extra");

    let r = from_csv("");
    assert_eq!(r.errors[0].error_code, "csv-header");

    let r = from_csv("\"code,version\n");
    assert_eq!((r.errors[0].row, r.errors[0].error_code), (0, "csv-syntax"));

    let r = from_csv(&format!("{HEADER}\n1.001193,1\n"));
    assert_eq!((r.errors[0].row, r.errors[0].error_code), (1, "csv-syntax"));
}

#[test]
fn an_unclosed_quote_keeps_the_rows_before_it() {
    let good = to_csv(&[v1()]);
    let text = format!("{good}1.001193,\"1,2025-07-01\n");
    let r = from_csv(&text);
    assert_eq!(r.valid, vec![v1()]);
    assert_eq!(r.errors.len(), 1);
    assert_eq!((r.errors[0].row, r.errors[0].error_code), (2, "csv-syntax"));
}

#[test]
fn imported_text_is_trimmed_and_nfc() {
    let mut v = v1();
    // "Đăng ký" with a decomposed "ă" + acute accent, and spaces around.
    v.procedure.name = "  Đa\u{0306}\u{0301}ng ký nhận cha, mẹ, con ".into();
    let r = from_json(&to_json(&[v]));
    assert!(r.is_clean(), "{:?}", r.errors);
    assert_eq!(r.valid[0].procedure.name, "Đắng ký nhận cha, mẹ, con");
}

#[test]
fn json_rows_with_the_wrong_shape_are_named() {
    let mut value = serde_json::to_value([v1(), v1()]).unwrap();
    value[0]["procedure"]["limt"] = serde_json::json!(1);
    value[1]["procedure"]["documents"][0]["count"] = serde_json::json!(-1);
    let r = from_json(&value.to_string());
    assert!(r.valid.is_empty());
    let got: Vec<_> = r
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str(), e.error_code))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "limt", "json-shape"),
            (2, "documents[1].count", "document-count")
        ]
    );
    assert_eq!(r.errors[0].code.as_deref(), Some("1.001022"));
}
