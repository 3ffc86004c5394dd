//! Periodic reports over HTTP (`/api/v1/offices/{id}/reports/periodic`, the page
//! `/bao-cao/{id}/dinh-ky` and its XLSX / CSV downloads) and the Decision 766 page: a dossier
//! left open in February is carried over into March, new ones are split online / direct, the
//! XLSX (opened with calamine) and the CSV hold the numbers of the JSON, bad periods and
//! formats are refused naming the field, another commune's office is not found.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};

const TL: &str = "DB-TL";
const FIVE_DAYS: &str = "1.004884";

async fn act(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    r.json()
}

async fn new_dossier(c: &Client<'_>, channel: &str, name: &str) -> String {
    let d = act(
        c,
        "/api/v1/dossiers",
        json!({"procedure_code": FIVE_DAYS, "channel": channel, "applicant": {"name": name}}),
    )
    .await;
    let id = d["id"].as_str().unwrap().to_string();
    if d["state"] == "submitted" {
        act(c, &format!("/api/v1/dossiers/{id}/receive"), json!({})).await;
    }
    id
}

async fn finish_and_return(c: &Client<'_>, id: &str) {
    act(c, &format!("/api/v1/dossiers/{id}/finish"), json!({})).await;
    act(c, &format!("/api/v1/dossiers/{id}/return"), json!({})).await;
}

/// February: one dossier left open. March: two at the desk, one online; the February one and
/// one of March returned early; two left open past their date.
pub(crate) async fn history(app: &TestApp) {
    let desk = app.token_client("tl.motcua1").await;
    app.set_local_time("2026-02-25T09:00");
    let carried = new_dossier(&desk, "counter", "Người tháng Hai").await;
    app.set_local_time("2026-03-02T09:00");
    let early = new_dossier(&desk, "counter", "Người 1").await;
    new_dossier(&desk, "counter", "Người 2").await;
    new_dossier(&desk, "online", "Người 3").await;
    finish_and_return(&desk, &carried).await;
    finish_and_return(&desk, &early).await;
    app.set_local_time("2026-03-20T09:00");
}

/// The counts of a JSON row in the order of the XLSX / CSV columns 3–16.
pub(crate) fn columns(r: &Value) -> Vec<i64> {
    let n = |k: &str| r[k].as_i64().unwrap_or_else(|| panic!("{k} in {r}"));
    let received = n("carried_over") + n("new_online") + n("new_direct");
    let handled = n("early") + n("on_time") + n("late");
    vec![
        received,
        n("carried_over"),
        n("new_online"),
        n("new_direct"),
        handled,
        n("early"),
        n("on_time"),
        n("late"),
        n("open_within") + n("open_overdue"),
        n("open_within"),
        n("open_overdue"),
        n("withdrawn"),
        n("refused"),
        n("stopped"),
    ]
}

fn xlsx(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a valid xlsx")
}

/// The numbers of the sheet row whose column 1 (or 2, for a procedure code) reads `label`.
pub(crate) fn sheet_row(range: &calamine::Range<Data>, col: usize, label: &str) -> Vec<Data> {
    range
        .rows()
        .find(|r| r.get(col) == Some(&Data::String(label.into())))
        .unwrap_or_else(|| panic!("no row {label:?} in column {col}"))
        .to_vec()
}

pub(crate) fn numbers(row: &[Data]) -> Vec<i64> {
    row[3..17]
        .iter()
        .map(|c| match c {
            Data::Float(f) => *f as i64,
            Data::Int(i) => *i,
            other => panic!("a number cell, not {other:?}"),
        })
        .collect()
}

app_test!(periodic_report_json_xlsx_and_csv_agree, |app| {
    history(&app).await;
    let head = app.token_client("tl.truong").await;
    let office = app.office_id(TL).await;
    let api = format!("/api/v1/offices/{office}/reports/periodic?period=2026-03");
    let r = head.get(&api).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["carried_as_of"], "2026-02-28", "{j}");
    assert_eq!(j["open_as_of"], "2026-03-20");
    let total = &j["handling"]["total"];
    assert_eq!(total["carried_over"], 1, "open at the end of February: {j}");
    assert_eq!(total["new_online"], 1);
    assert_eq!(total["new_direct"], 2);
    assert_eq!(
        total["early"].as_i64().unwrap() + total["on_time"].as_i64().unwrap(),
        2
    );
    assert_eq!(total["open_overdue"], 2, "{total}");
    let field = &j["handling"]["fields"][0];
    let procedure = &field["procedures"][0];
    assert_eq!(procedure["code"], FIVE_DAYS);
    assert!(!field["field"].as_str().unwrap().is_empty(), "{field}");
    assert_eq!(columns(procedure), columns(total));
    assert_eq!(j["satisfaction"]["small_sample"], true, "no ratings");
    // February saw one dossier received and nothing carried in.
    let feb = head
        .get(&format!(
            "/api/v1/offices/{office}/reports/periodic?period=2026-02"
        ))
        .await
        .json();
    assert_eq!(feb["handling"]["total"]["carried_over"], 0);
    assert_eq!(feb["handling"]["total"]["new_direct"], 1);

    // The XLSX: four sheets under the national header, real numbers equal to the JSON.
    let page = format!("/bao-cao/{office}/dinh-ky?period=2026-03");
    let x = head.get(&format!("{page}&format=xlsx")).await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.text());
    assert!(
        x.header("content-disposition")
            .unwrap()
            .contains("bao-cao-dinh-ky-DB-TL-2026-03.xlsx")
    );
    let mut book = xlsx(&x.body);
    let names = book.sheet_names();
    assert_eq!(names.len(), 4, "{names:?}");
    let a = book.worksheet_range(&names[0]).unwrap();
    assert_eq!(
        a.get_value((0, 9)),
        Some(&Data::String("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into()))
    );
    assert_eq!(numbers(&sheet_row(&a, 1, "Tổng cộng")), columns(total));
    assert_eq!(
        numbers(&sheet_row(&a, 2, FIVE_DAYS)),
        columns(procedure),
        "the procedure's row"
    );
    let b = book.worksheet_range(&names[1]).unwrap();
    let ratings = sheet_row(&b, 0, "Lượt đánh giá");
    assert_eq!(
        ratings[1],
        Data::Float(j["satisfaction"]["ratings"].as_f64().unwrap())
    );
    assert_eq!(
        ratings[3],
        Data::String("Mẫu nhỏ (dưới 30 lượt đánh giá)".into()),
        "the small-sample flag is in the export"
    );
    let c = book.worksheet_range(&names[2]).unwrap();
    let issued = sheet_row(&c, 0, "Số thứ tự đã cấp");
    assert_eq!(
        issued[1],
        Data::Float(j["queue"]["issued"].as_f64().unwrap())
    );

    // The CSV of part a: BOM, header, the same total row.
    let csv = head.get(&format!("{page}&format=csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(&csv.body[..3], &[0xEF, 0xBB, 0xBF]);
    let text = csv.text();
    let total_line = text
        .lines()
        .find(|l| l.contains(",Tổng cộng,"))
        .unwrap_or_else(|| panic!("{text}"));
    let fields: Vec<i64> = total_line
        .split(',')
        .skip(3)
        .take(14)
        .map(|f| f.parse().unwrap())
        .collect();
    assert_eq!(fields, columns(total));
    let sat = head
        .get(&format!("{page}&format=csv&part=satisfaction"))
        .await
        .text();
    assert!(sat.contains("Mẫu nhỏ (dưới 30 lượt đánh giá)"), "{sat}");
    let narrative = head
        .get(&format!("{page}&format=csv&part=narrative"))
        .await
        .text();
    assert!(narrative.contains("kỳ trước chuyển qua 1;"), "{narrative}");

    // The printed page: national header, the figures, the narrative filled in.
    let html = head.get(&page).await;
    assert_eq!(html.status, StatusCode::OK);
    let html = html.text();
    for s in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ THANH LUÔNG",
        "Số: ……/BC-UBND",
        "Tổng cộng",
        "/static/report.css",
        "BÁO CÁO SƠ KẾT",
    ] {
        assert!(html.contains(s), "{s} missing");
    }
});

app_test!(periodic_report_refuses_bad_input_and_other_offices, |app| {
    let head = app.token_client("tl.truong").await;
    let office = app.office_id(TL).await;
    let api = format!("/api/v1/offices/{office}/reports/periodic");
    let bad = head.get(&format!("{api}?period=2026-13")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "period");
    let inverted = head
        .get(&format!("{api}?kind=custom&from=2026-03-05&to=2026-03-01"))
        .await;
    assert_eq!(inverted.error_code(), "period-inverted");
    // The page shows the error next to the period fields and keeps what was typed.
    let page = format!("/bao-cao/{office}/dinh-ky");
    let shown = head.get(&format!("{page}?period=2026-13")).await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = shown.text();
    assert!(html.contains("id=\"period-error\""), "{html}");
    assert!(html.contains("value=\"2026-13\""));
    assert!(!html.contains("Tổng cộng"), "no figures for a bad period");
    // Downloads answer with the error.
    let x = head
        .get(&format!("{page}?period=2026-13&format=xlsx"))
        .await;
    assert_eq!(x.status, StatusCode::UNPROCESSABLE_ENTITY);
    let f = head.get(&format!("{page}?format=pdf")).await;
    assert_eq!(f.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        f.text().contains("Định dạng tải về không hợp lệ"),
        "{}",
        f.text()
    );
    let p = head.get(&format!("{page}?format=csv&part=all")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.text().contains("Phần báo cáo không hợp lệ"),
        "{}",
        p.text()
    );
    // The 766 page refuses the same way.
    let r766 = head
        .get(&format!("/bao-cao/{office}/chi-so-766?kind=week"))
        .await;
    assert_eq!(r766.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another commune's head: not found everywhere; signed out: not let in.
    let other = app.token_client("mn.truong").await;
    for path in [
        api.clone(),
        page.clone(),
        format!("{page}?format=xlsx"),
        format!("{page}?format=csv"),
        format!("/bao-cao/{office}/chi-so-766"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.anon().get(&api).await.status, StatusCode::UNAUTHORIZED);
});

app_test!(index766_page_shows_formulas_no_data_and_children, |app| {
    history(&app).await;
    let office = app.office_id(TL).await;
    let head = app.token_client("tl.truong").await;
    let r = head
        .get(&format!("/bao-cao/{office}/chi-so-766?period=2026-03"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    let j = head
        .get(&format!("/api/v1/offices/{office}/index766?period=2026-03"))
        .await
        .json();
    let total = j["scorecard"]["total"].as_f64().unwrap();
    assert!(
        html.contains(&format!(
            "id=\"r766-total\">{}<",
            format!("{total:.2}").replace('.', ",")
        )),
        "{total}: {html}"
    );
    for s in [
        "Chưa có dữ liệu (congbo chưa thu thập)",
        "(Hồ sơ đã giải quyết trước hạn + đúng hạn + đang giải quyết còn trong hạn)",
        "766/QĐ-TTg, hiệu lực từ 23/06/2022",
        "Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính",
    ] {
        assert!(html.contains(s), "{s} missing");
    }
    // The province with its subtree: one line per commune.
    let supervisor = app.token_client("thanhtra").await;
    let province = app.office_id("DB").await;
    let p = supervisor
        .get(&format!(
            "/bao-cao/{province}/chi-so-766?period=2026-03&subtree=true"
        ))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let html = p.text();
    assert!(html.contains("Theo đơn vị trực thuộc"), "{html}");
    assert!(html.contains("Xã Thanh Luông"));
});
