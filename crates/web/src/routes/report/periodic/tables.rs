//! The periodic report as tables (one model for the printed page, the XLSX and the CSV): part
//! a, receipt and handling by field and procedure; b, satisfaction and feedback; c, the queue;
//! d, the sơ kết / tổng kết narrative skeleton with the figures filled in and blanks for the
//! leader. The document is Vietnamese, as filed.

use congbo_app::report::periodic::PeriodicReport;
use congbo_domain::report::PeriodKind;
use congbo_domain::report::periodic::HandlingRow;
use congbo_domain::time::dmy;
use jiff::civil::Date;

use crate::export::{Cell, Column, Kind, NationalHeader, Table, Workbook};
use crate::forms::date_phrase;

/// Dotted blank for what the leader writes.
pub const BLANK: &str = "…………………………………………………………………………………………………";
const SMALL_SAMPLE: &str = "Mẫu nhỏ (dưới 30 lượt đánh giá)";
const ROMAN: [&str; 20] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX",
];

/// The report and how it is named.
pub struct Doc<'a> {
    pub r: &'a PeriodicReport,
    /// "Tháng 3/2026", "Quý I/2026" …
    pub period_label: String,
    pub kind: PeriodKind,
    /// The day the report is drawn up.
    pub today: Date,
}

/// "UBND XÃ THANH LUÔNG".
fn body(name: &str) -> String {
    format!("UBND {}", name.to_uppercase())
}

impl Doc<'_> {
    /// The name without its kind: "Thanh Luông" for "Xã Thanh Luông".
    pub fn place(&self) -> String {
        let name = &self.r.office.name;
        ["Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(name)
            .to_string()
    }

    pub fn header(&self) -> NationalHeader {
        NationalHeader {
            agency_above: self
                .r
                .parent
                .as_ref()
                .map(|p| body(&p.name))
                .unwrap_or_default(),
            agency: body(&self.r.office.name),
            place_date: date_phrase(&self.place(), self.today),
        }
    }

    /// Sơ kết for a part of the year, tổng kết for a whole year.
    pub fn review(&self) -> &'static str {
        if self.kind == PeriodKind::Year {
            "tổng kết"
        } else {
            "sơ kết"
        }
    }

    pub fn subtitle(&self) -> Vec<String> {
        let r = self.r;
        let scope = if r.subtree {
            " và các đơn vị trực thuộc"
        } else {
            ""
        };
        vec![
            format!(
                "Kỳ báo cáo: {} (từ ngày {} đến ngày {})",
                self.period_label,
                dmy(r.from),
                dmy(r.to)
            ),
            format!("Đơn vị báo cáo: {}{scope}", r.office.name),
        ]
    }
}

fn int(v: i64) -> Cell {
    Cell::Int(v)
}

fn handling_cells(stt: String, name: String, code: String, r: &HandlingRow) -> Vec<Cell> {
    let mut cells = vec![stt.into(), name.into(), code.into()];
    cells.extend(
        [
            r.received(),
            r.carried_over,
            r.new_online,
            r.new_direct,
            r.handled(),
            r.early,
            r.on_time,
            r.late,
            r.open(),
            r.open_within,
            r.open_overdue,
            r.withdrawn,
            r.refused,
            r.stopped,
        ]
        .into_iter()
        .map(int),
    );
    cells.push(Cell::num(r.handled_in_time_pct()));
    cells
}

/// The column headers of part a (the page groups them under three headings).
pub const HANDLING_HEADERS: [&str; 18] = [
    "STT",
    "Lĩnh vực, thủ tục",
    "Mã thủ tục",
    "Nhận giải quyết: tổng số",
    "Kỳ trước chuyển qua",
    "Mới tiếp nhận trực tuyến",
    "Mới tiếp nhận trực tiếp, bưu chính",
    "Đã giải quyết: tổng số",
    "Trả trước hạn",
    "Trả đúng hạn",
    "Trả quá hạn",
    "Đang giải quyết: tổng số",
    "Trong hạn",
    "Quá hạn",
    "Rút hồ sơ",
    "Từ chối",
    "Dừng giải quyết",
    "Tỷ lệ đúng hạn",
];

/// Part a, with a class per row (`field`, `procedure`, `total`) for the printed page.
pub fn handling(d: &Doc) -> (Table, Vec<&'static str>) {
    let columns = HANDLING_HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let kind = match i {
                0..=2 => Kind::Text,
                17 => Kind::Percent,
                _ => Kind::Integer,
            };
            Column::new(*h, kind)
        })
        .collect();
    let (mut rows, mut classes) = (Vec::new(), Vec::new());
    for (i, f) in d.r.handling.fields.iter().enumerate() {
        let stt = ROMAN
            .get(i)
            .map_or_else(|| (i + 1).to_string(), |s| s.to_string());
        let field = if f.field.is_empty() {
            "Chưa xác định lĩnh vực".to_string()
        } else {
            format!("Lĩnh vực {}", f.field)
        };
        rows.push(handling_cells(stt, field, String::new(), &f.total));
        classes.push("field");
        for (j, p) in f.procedures.iter().enumerate() {
            let name = if p.name.is_empty() {
                "(không có trong danh mục)".to_string()
            } else {
                p.name.clone()
            };
            rows.push(handling_cells(
                (j + 1).to_string(),
                name,
                p.code.clone(),
                &p.row,
            ));
            classes.push("procedure");
        }
    }
    rows.push(handling_cells(
        String::new(),
        "Tổng cộng".into(),
        String::new(),
        &d.r.handling.total,
    ));
    classes.push("total");
    let table = Table {
        title: "Tình hình, kết quả giải quyết thủ tục hành chính".into(),
        subtitle: d.subtitle(),
        columns,
        rows,
        notes: handling_notes(d),
    };
    (table, classes)
}

fn handling_notes(d: &Doc) -> Vec<String> {
    vec![
        format!(
            "Kỳ trước chuyển qua: hồ sơ đang giải quyết đến hết ngày {}. Đang giải quyết: đến hết ngày {}.",
            dmy(d.r.carried_as_of),
            dmy(d.r.open_as_of)
        ),
        "Đã giải quyết: hồ sơ đã trả kết quả trong kỳ (trước hạn, đúng hạn, quá hạn theo ngày hẹn ban đầu); tỷ lệ đúng hạn = (trước hạn + đúng hạn) ÷ đã giải quyết.".into(),
        "Bố cục theo biểu tình hình, kết quả giải quyết TTHC của chế độ báo cáo định kỳ (Thông tư 01/2020/TT-VPCP, chưa đối chiếu với văn bản gốc); cột rút hồ sơ, từ chối, dừng giải quyết bổ sung.".into(),
    ]
}

fn line(label: &str, n: Option<i64>, pct: Option<f64>, note: &str) -> Vec<Cell> {
    vec![
        label.into(),
        n.map_or(Cell::Empty, Cell::Int),
        Cell::num(pct),
        note.into(),
    ]
}

/// Part b: ratings and feedback; the small-sample flag is in its own column and the notes.
pub fn satisfaction(d: &Doc) -> Table {
    let s = &d.r.satisfaction;
    let flag = if s.small_sample { SMALL_SAMPLE } else { "" };
    let mut rows = vec![
        line("Lượt đánh giá", Some(s.ratings), None, flag),
        line("Hài lòng", Some(s.satisfied), s.satisfied_pct, flag),
        line("Đánh giá thấp", Some(s.low), None, ""),
        line(
            "Phản ánh, kiến nghị tiếp nhận",
            Some(s.feedback_received),
            None,
            "",
        ),
    ];
    for (cat, n) in &s.feedback_by_category {
        let label = match cat.as_str() {
            "procedure" => "– về quy định, thủ tục hành chính".to_string(),
            "conduct" => "– về hành vi, thái độ của cán bộ, công chức".to_string(),
            other => format!("– loại {other}"),
        };
        rows.push(line(&label, Some(*n), None, ""));
    }
    rows.extend([
        line(
            "Trả lời đúng hạn",
            Some(s.feedback_answered_on_time),
            s.feedback_on_time_pct,
            "",
        ),
        line("Trả lời quá hạn", Some(s.feedback_answered_late), None, ""),
        line(
            "Phản ánh đúng (có cơ sở)",
            Some(s.feedback_upheld),
            None,
            "",
        ),
    ]);
    let mut notes = vec![
        "Không ghi tên người đánh giá, người phản ánh. Tỷ lệ trả lời đúng hạn tính trên số đã trả lời."
            .to_string(),
    ];
    if s.small_sample {
        notes.push(format!(
            "* {SMALL_SAMPLE}: tỷ lệ hài lòng chỉ để tham khảo."
        ));
    }
    Table {
        title: "Mức độ hài lòng và phản ánh, kiến nghị".into(),
        subtitle: d.subtitle(),
        columns: vec![
            Column::new("Chỉ tiêu", Kind::Text),
            Column::new("Số lượng", Kind::Integer),
            Column::new("Tỷ lệ", Kind::Percent),
            Column::new("Ghi chú", Kind::Text),
        ],
        rows,
        notes,
    }
}

fn minutes(secs: Option<i64>) -> Cell {
    Cell::num(secs.map(|s| (s as f64 / 60.0 * 100.0).round() / 100.0))
}

/// Part c: tickets and durations (minutes, from the histograms).
pub fn queue(d: &Doc) -> Table {
    let q = &d.r.queue;
    let count = |label: &str, n: i64| vec![label.into(), Cell::Int(n), Cell::Empty];
    let time = |label: &str, s: Option<i64>| vec![label.into(), Cell::Empty, minutes(s)];
    Table {
        title: "Tình hình xếp hàng, lấy số thứ tự".into(),
        subtitle: d.subtitle(),
        columns: vec![
            Column::new("Chỉ tiêu", Kind::Text),
            Column::new("Số lượt", Kind::Integer),
            Column::new("Số phút", Kind::Decimal2),
        ],
        rows: vec![
            count("Số thứ tự đã cấp", q.issued),
            count("Đã phục vụ", q.served),
            count("Vắng mặt khi gọi", q.no_show),
            time("Thời gian chờ: trung vị", q.wait_median_secs),
            time("Thời gian chờ: 90 % không quá", q.wait_p90_secs),
            time("Thời gian phục vụ: trung vị", q.service_median_secs),
            time("Thời gian phục vụ: 90 % không quá", q.service_p90_secs),
        ],
        notes: vec![
            "Thời gian chờ: từ khi lấy số đến lần gọi đầu; thời gian phục vụ: từ khi bắt đầu đến khi xong. Giá trị ước từ biểu đồ tần suất.".into(),
        ],
    }
}

fn count(n: i64) -> String {
    crate::routes::catalog::group_thousands(u64::try_from(n).unwrap_or(0))
}

fn share(p: Option<f64>) -> String {
    p.map_or_else(
        || "chưa có số liệu".to_string(),
        |v| format!("{} %", format!("{v:.2}").replace('.', ",")),
    )
}

fn duration(secs: Option<i64>) -> String {
    secs.map_or_else(
        || "chưa có số liệu".to_string(),
        |s| format!("{} phút {:02} giây", s / 60, s % 60),
    )
}

/// Part d: the sơ kết / tổng kết skeleton, as (class, text): `h` headings, `p` paragraphs,
/// `b` paragraphs with a blank to fill in.
pub fn narrative(d: &Doc) -> Vec<(&'static str, String)> {
    let r = d.r;
    let t = &r.handling.total;
    let s = &r.satisfaction;
    let q = &r.queue;
    let f = &r.figures;
    let small = if s.small_sample {
        " (mẫu nhỏ, dưới 30 lượt đánh giá: chỉ để tham khảo)"
    } else {
        ""
    };
    let next = if d.kind == PeriodKind::Year {
        "NĂM TỚI"
    } else {
        "KỲ TỚI"
    };
    vec![
        ("h", "I. KẾT QUẢ THỰC HIỆN".into()),
        ("b", format!("1. Công tác chỉ đạo, điều hành: {BLANK}")),
        (
            "p",
            format!(
                "2. Tiếp nhận, giải quyết hồ sơ thủ tục hành chính: tổng số hồ sơ nhận giải quyết {} hồ sơ (kỳ trước chuyển qua {}; mới tiếp nhận {}, trong đó trực tuyến {}, trực tiếp và qua bưu chính {}). Đã giải quyết {} hồ sơ: trả trước hạn {}, đúng hạn {}, quá hạn {}; tỷ lệ giải quyết đúng hạn {}. Đang giải quyết {} hồ sơ (trong hạn {}, quá hạn {}). Rút hồ sơ {}; từ chối {}; dừng giải quyết {}. Đã gửi {} văn bản xin lỗi, hẹn lại ngày trả kết quả.",
                count(t.received()),
                count(t.carried_over),
                count(t.new_received()),
                count(t.new_online),
                count(t.new_direct),
                count(t.handled()),
                count(t.early),
                count(t.on_time),
                count(t.late),
                share(t.handled_in_time_pct()),
                count(t.open()),
                count(t.open_within),
                count(t.open_overdue),
                count(t.withdrawn),
                count(t.refused),
                count(t.stopped),
                count(f.apologies),
            ),
        ),
        (
            "p",
            format!(
                "3. Mức độ hài lòng: {} lượt đánh giá, {} lượt hài lòng, tỷ lệ hài lòng {}{small}; {} lượt đánh giá thấp đã được xem xét, khắc phục.",
                count(s.ratings),
                count(s.satisfied),
                share(s.satisfied_pct),
                count(s.low),
            ),
        ),
        (
            "p",
            format!(
                "4. Tiếp nhận, xử lý phản ánh, kiến nghị: tiếp nhận {} phản ánh, kiến nghị; trả lời đúng hạn {}, quá hạn {}; {} phản ánh đúng, có cơ sở.",
                count(s.feedback_received),
                count(s.feedback_answered_on_time),
                count(s.feedback_answered_late),
                count(s.feedback_upheld),
            ),
        ),
        (
            "p",
            format!(
                "5. Xếp hàng, lấy số thứ tự: cấp {} số thứ tự, phục vụ {} lượt, {} lượt vắng mặt khi gọi; thời gian chờ trung vị {}, 90 % người dân chờ không quá {}; thời gian phục vụ trung vị {}.",
                count(q.issued),
                count(q.served),
                count(q.no_show),
                duration(q.wait_median_secs),
                duration(q.wait_p90_secs),
                duration(q.service_median_secs),
            ),
        ),
        ("b", format!("6. Đánh giá chung: {BLANK}")),
        ("h", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN".into()),
        ("b", format!("1. Tồn tại, hạn chế: {BLANK}")),
        ("b", format!("2. Nguyên nhân: {BLANK}")),
        ("h", format!("III. PHƯƠNG HƯỚNG, NHIỆM VỤ {next}")),
        ("b", BLANK.into()),
        ("h", "IV. ĐỀ XUẤT, KIẾN NGHỊ".into()),
        ("b", BLANK.into()),
    ]
}

pub fn narrative_title(d: &Doc) -> String {
    format!(
        "Báo cáo {} công tác tiếp nhận, giải quyết thủ tục hành chính — {}",
        d.review(),
        d.period_label
    )
}

pub fn narrative_table(d: &Doc) -> Table {
    Table {
        title: narrative_title(d),
        subtitle: d.subtitle(),
        columns: vec![Column::new("Nội dung", Kind::Text)],
        rows: narrative(d)
            .into_iter()
            .map(|(_, text)| vec![Cell::Text(text)])
            .collect(),
        notes: vec!["Đề cương: các chỗ chấm do lãnh đạo đơn vị hoàn thiện.".into()],
    }
}

/// The four parts as one workbook under the national header.
pub fn workbook(d: &Doc) -> Workbook {
    let mut narrative = narrative_table(d);
    narrative.title = format!("Đề cương {}", d.review());
    Workbook {
        sheets: vec![handling(d).0, satisfaction(d), queue(d), narrative],
        header: Some(d.header()),
    }
}
