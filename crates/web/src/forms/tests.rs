//! The forms as printed: each one's fields, paper and QR codes.

use super::qr::QR_QUIET;
use super::render::{BLANK_TIME, CONTROL_MIN_ROWS};
use super::*;
use jiff::civil::{date, datetime};
use qrcode::{Color, QrCode};

const MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const MOTTO2: &str = "Độc lập - Tự do - Hạnh phúc";
const CODE: &str = "000.00.15.H13-261123-0003";

fn sample() -> FormData {
    FormData {
        header: FormHeader {
            parent_body: "UBND TỈNH ĐIỆN BIÊN".into(),
            issuing_body: "UBND XÃ THANH LUÔNG".into(),
            unit: "BỘ PHẬN MỘT CỬA".into(),
            place: "Thanh Luông".into(),
            issued_on: date(2026, 11, 23),
            number: None,
        },
        dossier_code: CODE.into(),
        lookup_secret: Some("7KQ2-M9XD".into()),
        applicant_name: "Nguyễn Thị Hường".into(),
        applicant_id_no: "011190004321".into(),
        applicant_address: "Bản Co Luống, xã Thanh Luông, tỉnh Điện Biên".into(),
        applicant_phone: "0912 345 678".into(),
        applicant_email: "huong.nt@example.vn".into(),
        procedure_code: "1.001193.000.00.00.H23".into(),
        procedure_name: "Đăng ký khai sinh".into(),
        limit_text: "01 ngày làm việc".into(),
        documents: vec![
            FormDocument {
                name: "Tờ khai đăng ký khai sinh".into(),
                form_label: "Bản chính".into(),
                count: 1,
                provided: true,
            },
            FormDocument {
                name: "Giấy chứng sinh".into(),
                form_label: "Bản chính".into(),
                count: 1,
                provided: true,
            },
            FormDocument {
                name: "Văn bản ủy quyền (nếu có)".into(),
                form_label: "Bản sao".into(),
                count: 1,
                provided: false,
            },
        ],
        sets: 1,
        received_at: Some(datetime(2026, 11, 23, 8, 30, 0, 0)),
        due_at: Some(datetime(2026, 11, 24, 16, 0, 0, 0)),
        return_method: "Tại Bộ phận Một cửa".into(),
        officer_name: "Lò Văn Thắng".into(),
        officer_phone: "0215 3825 111".into(),
        signer_name: "Quàng Văn Định".into(),
        signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
        reason: "Chờ kết quả xác minh của Công an xã về nơi cư trú.".into(),
        legal_basis: "Khoản 1 Điều 16 Luật Hộ tịch 2014".into(),
        missing_items: vec![
            "Giấy chứng sinh (bản chính) do cơ sở y tế cấp".into(),
            "Giấy tờ chứng minh nơi cư trú của người mẹ".into(),
        ],
        original_due: Some(date(2026, 11, 24)),
        new_due: Some(date(2026, 12, 1)),
        effective_at: Some(datetime(2026, 11, 25, 14, 5, 0, 0)),
        control_rows: vec![
            ControlRow {
                step_no: 1,
                from_unit: "Bộ phận Một cửa".into(),
                to_unit: "Công chức Tư pháp - Hộ tịch".into(),
                at: datetime(2026, 11, 23, 9, 0, 0, 0),
                due: Some(datetime(2026, 11, 24, 10, 0, 0, 0)),
                result: "Đúng hạn".into(),
                note: String::new(),
            },
            ControlRow {
                step_no: 2,
                from_unit: "Công chức Tư pháp - Hộ tịch".into(),
                to_unit: "Lãnh đạo UBND xã".into(),
                at: datetime(2026, 11, 24, 9, 45, 0, 0),
                due: None,
                result: "Trước hạn".into(),
                note: "Trình ký".into(),
            },
        ],
        book_rows: vec![
            BookRow {
                serial: 1,
                code: "000.00.15.H13-261123-0001".into(),
                procedure_name: "Chứng thực bản sao từ bản chính".into(),
                sets: 1,
                applicant_name: "Lường Thị Xuân".into(),
                applicant_address: "Bản Hồng Lếch".into(),
                applicant_phone: "0988 111 222".into(),
                processing_office: "UBND xã Thanh Luông".into(),
                received_on: Some(date(2026, 11, 23)),
                due_on: Some(date(2026, 11, 23)),
                transferred_on: Some(date(2026, 11, 23)),
                result_on: Some(date(2026, 11, 23)),
                returned_on: Some(date(2026, 11, 23)),
                note: String::new(),
            },
            BookRow {
                serial: 2,
                code: CODE.into(),
                procedure_name: "Đăng ký khai sinh".into(),
                sets: 1,
                applicant_name: "Nguyễn Thị Hường".into(),
                applicant_address: "Bản Co Luống".into(),
                applicant_phone: "0912 345 678".into(),
                processing_office: "UBND xã Thanh Luông".into(),
                received_on: Some(date(2026, 11, 23)),
                due_on: Some(date(2026, 11, 24)),
                transferred_on: None,
                result_on: None,
                returned_on: None,
                note: "Đang giải quyết".into(),
            },
        ],
        lookup_url: format!("https://motcua.dienbien.gov.vn/tra-cuu?ma={CODE}"),
        rating_url: format!("https://motcua.dienbien.gov.vn/danh-gia/{CODE}?t=abc"),
    }
}

fn page(kind: FormKind, d: &FormData) -> String {
    let html = render(kind, d).expect("renders");
    // Rules for every page.
    assert!(html.starts_with("<!DOCTYPE html>"), "{kind:?}");
    assert!(html.contains(r#"<html lang="vi">"#), "{kind:?}");
    assert!(
        html.contains(r#"<link rel="stylesheet" href="/static/forms.css">"#),
        "{kind:?}"
    );
    assert!(!html.contains("style="), "{kind:?}: inline style attribute");
    assert!(!html.contains("<style"), "{kind:?}: inline stylesheet");
    assert!(!html.contains("<script"), "{kind:?}: script");
    assert!(html.contains(MOTTO) && html.contains(MOTTO2), "{kind:?}");
    assert!(html.contains("UBND TỈNH ĐIỆN BIÊN"), "{kind:?}");
    assert!(html.contains("UBND XÃ THANH LUÔNG"), "{kind:?}");
    assert!(
        html.contains("Thanh Luông, ngày 23 tháng 11 năm 2026"),
        "{kind:?}"
    );
    assert!(
        html.contains(&format!("Mẫu số {}", kind.number())),
        "{kind:?}"
    );
    assert!(
        html.contains(&kind.title_vi().to_uppercase()),
        "{kind:?}: title in capitals"
    );
    html
}

/// The body class, from the `<body …>` tag.
fn body_class(html: &str) -> &str {
    let tag = &html[html.find("<body").unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let start = tag.find("class=\"").unwrap() + 7;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

#[test]
fn kinds_number_parse_title_paper() {
    for (i, k) in FormKind::ALL.into_iter().enumerate() {
        assert_eq!(k.number(), format!("{:02}", i + 1));
        assert_eq!(FormKind::parse(k.number()), Some(k));
        assert_eq!(FormKind::parse(&(i + 1).to_string()), Some(k));
    }
    for bad in ["", "0", "00", "8", "08", "x", "-1", "256"] {
        assert_eq!(FormKind::parse(bad), None, "{bad}");
    }
    assert_eq!(
        FormKind::Apology.title_vi(),
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    );
    assert_eq!(FormKind::StopNotice.number(), "05");
    assert_eq!(FormKind::Receipt.paper(), Paper::A5Portrait);
    assert_eq!(FormKind::StopNotice.paper(), Paper::A5Portrait);
    assert_eq!(FormKind::ControlSheet.paper(), Paper::A4Portrait);
    assert_eq!(FormKind::TrackingBook.paper(), Paper::A4Landscape);
}

#[test]
fn stylesheet_sizes_every_paper() {
    let css = include_str!("../../static/forms.css");
    for (paper, page, size) in [
        (Paper::A5Portrait, "a5", "A5 portrait"),
        (Paper::A4Portrait, "a4", "A4 portrait"),
        (Paper::A4Landscape, "a4l", "A4 landscape"),
    ] {
        assert!(
            css.contains(&format!("@page {page} {{ size: {size};")),
            "{page}"
        );
        assert!(
            css.contains(&format!(
                "body.{}, .{} .sheet {{ page: {page}; }}",
                paper.css_class(),
                paper.css_class()
            )),
            "{paper:?}"
        );
    }
    assert!(css.contains(".page-break { break-before: page; }"));
}

#[tokio::test]
async fn stylesheet_is_served() {
    use axum::body::to_bytes;
    let res = crate::assets::serve(crate::extract::PathParam("forms.css".to_owned())).await;
    assert_eq!(res.status(), axum::http::StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(STYLESHEET, "/static/forms.css");
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    assert_eq!(&body[..], include_bytes!("../../static/forms.css"));
}

#[test]
fn date_and_time_phrases() {
    assert_eq!(
        date_phrase("Thanh Luông", date(2026, 11, 23)),
        "Thanh Luông, ngày 23 tháng 11 năm 2026"
    );
    // Leading zero for days below 10 and for January and February only.
    assert_eq!(
        date_phrase("Thanh Luông", date(2026, 2, 5)),
        "Thanh Luông, ngày 05 tháng 02 năm 2026"
    );
    assert_eq!(
        date_phrase("Mường Thanh", date(2027, 3, 9)),
        "Mường Thanh, ngày 09 tháng 3 năm 2027"
    );
    assert_eq!(
        date_phrase("", date(2027, 12, 31)),
        "ngày 31 tháng 12 năm 2027"
    );
    assert_eq!(
        time_phrase(datetime(2026, 11, 23, 8, 5, 0, 0)),
        "08 giờ 05 phút, ngày 23/11/2026"
    );
    assert_eq!(
        time_phrase(datetime(2026, 1, 2, 16, 45, 59, 0)),
        "16 giờ 45 phút, ngày 02/01/2026"
    );
    assert_eq!(dmy(date(2026, 7, 4)), "04/07/2026");
}

#[test]
fn qr_is_inline_svg_of_the_url() {
    let url = "https://motcua.dienbien.gov.vn/tra-cuu?ma=000.00.15.H13-261123-0003";
    let svg = qr_svg(url);
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    assert!(!svg.contains("<?xml") && !svg.contains("style="));
    // Draw the path back into a grid: it must be exactly the code's modules, inside the
    // quiet zone.
    let code = QrCode::new(url.as_bytes()).unwrap();
    let w = code.width();
    let size = w + 2 * QR_QUIET;
    assert!(svg.contains(&format!(r#"viewBox="0 0 {size} {size}""#)));
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let mut grid = vec![false; size * size];
    for cmd in d.split('M').filter(|c| !c.is_empty()) {
        // "x yhNv1h-Nz"
        let (x, rest) = cmd.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (n, rest) = rest.split_once('v').unwrap();
        let n: usize = n.parse().unwrap();
        assert_eq!(rest, format!("1h-{n}z"));
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        for i in x..x + n {
            assert!(!grid[y * size + i], "overlapping runs");
            grid[y * size + i] = true;
        }
    }
    let expected: Vec<bool> = (0..size * size)
        .map(|i| {
            let (x, y) = (i % size, i / size);
            let inside =
                (QR_QUIET..QR_QUIET + w).contains(&x) && (QR_QUIET..QR_QUIET + w).contains(&y);
            inside && code[(x - QR_QUIET, y - QR_QUIET)] == Color::Dark
        })
        .collect();
    assert!(
        grid == expected,
        "the path draws the code's dark modules, nothing else"
    );
    // Different text, different code.
    assert_ne!(svg, qr_svg("https://motcua.dienbien.gov.vn/tra-cuu?ma=X"));
    // Too long for any QR code: nothing rather than a panic.
    assert_eq!(qr_svg(&"x".repeat(8000)), "");
}

#[test]
fn receipt_01_has_both_copies_and_all_fields() {
    let d = sample();
    let html = page(FormKind::Receipt, &d);
    assert_eq!(body_class(&html), "form paper-a5");
    assert!(html.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
    // The <title> names the code too; count in the body.
    let body = &html[html.find("<body").unwrap()..];
    // Two copies, the second starting a new printed page.
    let first = body.find("Liên 1: Lưu").expect("file copy");
    let second = body
        .find("Liên 2: Giao người nộp hồ sơ")
        .expect("applicant copy");
    assert_eq!(body.matches("<section class=\"sheet").count(), 2);
    assert_eq!(body.matches("page-break").count(), 1);
    let pb = body.find(r#"<section class="sheet page-break">"#).unwrap();
    assert!(first < pb && pb < second);
    // Each copy: header, code, QR.
    assert_eq!(body.matches(MOTTO).count(), 2);
    // The code twice, and once more in the rating link printed on the applicant's copy.
    assert_eq!(body.matches(CODE).count(), 3);
    assert_eq!(body.matches("<svg ").count(), 3);
    assert_eq!(body.matches("Quét mã để tra cứu hồ sơ").count(), 2);
    // The rating link's QR: on the applicant's copy only.
    assert_eq!(body.matches("Quét mã để đánh giá sự hài lòng").count(), 1);
    assert!(body.find("Quét mã để đánh giá sự hài lòng").unwrap() > second);
    assert!(body.contains(&format!("/danh-gia/{CODE}?t=abc")));
    // The lookup secret is on the applicant's copy only.
    assert_eq!(
        body.matches("Mã tra cứu: <strong>7KQ2-M9XD</strong>")
            .count(),
        1
    );
    assert!(body.find("7KQ2-M9XD").unwrap() > second);
    // Applicant, request, documents (provided only), times, signatures: on both copies.
    for s in [
        "Nguyễn Thị Hường",
        "011190004321",
        "Bản Co Luống, xã Thanh Luông, tỉnh Điện Biên",
        "0912 345 678",
        "huong.nt@example.vn",
        "Đăng ký khai sinh",
        "1.001193.000.00.00.H23",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Bản chính",
        "01 bộ",
        "01 ngày làm việc",
        "08 giờ 30 phút, ngày 23/11/2026",
        "16 giờ 00 phút, ngày 24/11/2026",
        "Tại Bộ phận Một cửa",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lò Văn Thắng",
    ] {
        assert!(body[..second].contains(s), "{s} missing on the file copy");
        assert!(
            body[second..].contains(s),
            "{s} missing on the applicant's copy"
        );
    }
    assert!(
        !html.contains("Văn bản ủy quyền"),
        "not provided, not listed"
    );
    assert_eq!(html.matches("<td class=\"num\">2</td>").count(), 2, "STT 2");
    for h in ["STT", "Tên giấy tờ", "Hình thức", "Số lượng"] {
        assert!(html.contains(&format!("<th>{h}")), "{h}");
    }
}

#[test]
fn receipt_01_without_times_leaves_blanks_to_fill() {
    let d = FormData {
        received_at: None,
        due_at: None,
        lookup_secret: None,
        ..sample()
    };
    let html = page(FormKind::Receipt, &d);
    assert!(html.contains(BLANK_TIME));
    assert!(!html.contains("Mã tra cứu"));
}

#[test]
fn supplement_02_numbers_missing_items() {
    let d = sample();
    let html = page(FormKind::SupplementRequest, &d);
    assert_eq!(body_class(&html), "form paper-a5");
    assert!(html.contains("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"));
    let one = html
        .find("1. Giấy chứng sinh (bản chính) do cơ sở y tế cấp")
        .expect("item 1");
    let two = html
        .find("2. Giấy tờ chứng minh nơi cư trú của người mẹ")
        .expect("item 2");
    assert!(one < two);
    for s in [
        CODE,
        "<svg ",
        "Nguyễn Thị Hường",
        "Đăng ký khai sinh",
        "Chờ kết quả xác minh của Công an xã về nơi cư trú.",
        "Khoản 1 Điều 16 Luật Hộ tịch 2014",
        "Lò Văn Thắng",
        "0215 3825 111",
        "NGƯỜI HƯỚNG DẪN",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    assert!(!html.contains("Liên 2"), "one copy only");
}

#[test]
fn refusal_03_gives_reason_and_basis() {
    let d = FormData {
        reason: "Thủ tục không thuộc thẩm quyền giải quyết của UBND cấp xã.".into(),
        legal_basis: "Điều 7 Nghị định 123/2015/NĐ-CP".into(),
        ..sample()
    };
    let html = page(FormKind::Refusal, &d);
    assert_eq!(body_class(&html), "form paper-a5");
    for s in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        CODE,
        "<svg ",
        "Nguyễn Thị Hường",
        "Thủ tục không thuộc thẩm quyền giải quyết của UBND cấp xã.",
        "Điều 7 Nghị định 123/2015/NĐ-CP",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lò Văn Thắng",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn apology_04_has_dates_reason_and_signer() {
    let mut d = sample();
    d.header.number = Some("3/PXL".into());
    let html = page(FormKind::Apology, &d);
    assert_eq!(body_class(&html), "form paper-a5");
    for s in [
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Số: 3/PXL",
        "Kính gửi:",
        CODE,
        "<svg ",
        "Nguyễn Thị Hường",
        "Đăng ký khai sinh",
        "Ngày 23/11/2026",
        "ngày 24/11/2026",
        "Chờ kết quả xác minh của Công an xã về nơi cư trú.",
        "xin lỗi",
        "01/12/2026",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Quàng Văn Định",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    // The new date comes after the old one, in the proposal sentence.
    assert!(html.find("01/12/2026").unwrap() > html.find("ngày 24/11/2026").unwrap());
    // "Số: " is not doubled when the caller already wrote it.
    d.header.number = Some("Số: 3/PXL".into());
    let html = render(FormKind::Apology, &d).unwrap();
    assert!(html.contains("Số: 3/PXL") && !html.contains("Số: Số"));
}

#[test]
fn stop_05_has_reason_and_effective_time() {
    let d = FormData {
        reason: "Người nộp hồ sơ có văn bản đề nghị dừng giải quyết.".into(),
        ..sample()
    };
    let html = page(FormKind::StopNotice, &d);
    assert_eq!(body_class(&html), "form paper-a5");
    for s in [
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        CODE,
        "<svg ",
        "Kính gửi:",
        "Nguyễn Thị Hường",
        "Người nộp hồ sơ có văn bản đề nghị dừng giải quyết.",
        "14 giờ 05 phút, ngày 25/11/2026",
        "Quàng Văn Định",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn control_06_lists_steps_with_blank_signatures() {
    let d = sample();
    let html = page(FormKind::ControlSheet, &d);
    assert_eq!(body_class(&html), "form paper-a4");
    for s in [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        CODE,
        "<svg ",
        "Kèm theo hồ sơ của",
        "Nguyễn Thị Hường",
        "Đăng ký khai sinh",
        "Công chức Tư pháp - Hộ tịch",
        "Lãnh đạo UBND xã",
        "09 giờ 00 phút, ngày 23/11/2026",
        "10 giờ 00 phút, ngày 24/11/2026",
        "09 giờ 45 phút, ngày 24/11/2026",
        "Đúng hạn",
        "Trước hạn",
        "Trình ký",
        "Người giao",
        "Người nhận",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    assert_eq!(
        body.matches("<tr").count(),
        CONTROL_MIN_ROWS,
        "2 filled + blank rows"
    );
    assert_eq!(
        body.matches("<td class=\"sign\"></td>").count(),
        CONTROL_MIN_ROWS * 2
    );
    // Step order kept.
    assert!(body.find("Bộ phận Một cửa").unwrap() < body.find("Lãnh đạo UBND xã").unwrap());
}

#[test]
fn book_07_is_a4_landscape_with_one_row_per_dossier() {
    let d = FormData {
        dossier_code: String::new(),
        lookup_url: String::new(),
        rating_url: String::new(),
        ..sample()
    };
    let html = page(FormKind::TrackingBook, &d);
    assert_eq!(body_class(&html), "form paper-a4l");
    assert!(html.contains("SỔ THEO DÕI HỒ SƠ"));
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    assert_eq!(body.matches("<tr").count(), 2);
    for s in [
        "000.00.15.H13-261123-0001",
        CODE,
        "Chứng thực bản sao từ bản chính",
        "Lường Thị Xuân",
        "Bản Hồng Lếch",
        "0988 111 222",
        "UBND xã Thanh Luông",
        "23/11/2026",
        "24/11/2026",
        "Đang giải quyết",
    ] {
        assert!(body.contains(s), "missing {s}");
    }
    // A book covers many dossiers: no single code or QR when none is given.
    assert!(!html.contains("<svg") && !html.contains("Mã hồ sơ:"));
}

#[test]
fn everything_is_escaped() {
    let mut d = sample();
    d.applicant_name = "Nguyễn <script>alert(1)</script> Văn A".into();
    d.reason = "<b onmouseover=x>lý do</b>".into();
    d.missing_items = vec!["<img src=x onerror=alert(1)>".into()];
    d.header.issuing_body = "UBND <i>XÃ</i>".into();
    d.control_rows[0].note = "\"><script>x</script>".into();
    d.book_rows[0].applicant_name = "<script>y</script>".into();
    for k in FormKind::ALL {
        let html = render(k, &d).unwrap();
        assert!(!html.contains("<script"), "{k:?}");
        assert!(
            !html.contains("<b onmouseover") && !html.contains("<img"),
            "{k:?}"
        );
        assert!(!html.contains("<i>XÃ"), "{k:?}");
        assert!(html.contains("UBND &#60;i&#62;XÃ") || html.contains("UBND &lt;i&gt;XÃ"));
    }
    let html = render(FormKind::Receipt, &d).unwrap();
    assert!(
        html.contains("Nguyễn &#60;script&#62;alert(1)&#60;/script&#62; Văn A")
            || html.contains("Nguyễn &lt;script&gt;alert(1)&lt;/script&gt; Văn A"),
        "applicant name escaped"
    );
}

#[test]
fn control_06_judges_each_step_by_the_hand_over_that_ended_it() {
    let row = |to: &str, at, due| ControlRow {
        to_unit: to.into(),
        at,
        due,
        ..ControlRow::default()
    };
    let mut rows = vec![
        // Step 1 due 05/03 17:00, handed on 04/03: before its day.
        row(
            "Công chức Tư pháp - Hộ tịch",
            datetime(2026, 3, 2, 9, 0, 0, 0),
            Some(datetime(2026, 3, 5, 17, 0, 0, 0)),
        ),
        // Step 2 due 06/03 10:00, handed on 06/03 09:00: on its day.
        row(
            "Chủ tịch UBND xã",
            datetime(2026, 3, 4, 9, 0, 0, 0),
            Some(datetime(2026, 3, 6, 10, 0, 0, 0)),
        ),
        // Step 3 due 06/03 17:00, finished 09/03: late.
        row(
            "Bộ phận Một cửa",
            datetime(2026, 3, 6, 9, 0, 0, 0),
            Some(datetime(2026, 3, 6, 17, 0, 0, 0)),
        ),
        row("Bộ phận Một cửa", datetime(2026, 3, 9, 9, 0, 0, 0), None),
        row("Tổ chức, cá nhân", datetime(2026, 3, 9, 10, 0, 0, 0), None),
    ];
    super::data::judge_steps(&mut rows, Some("on-time"));
    let results: Vec<&str> = rows.iter().map(|r| r.result.as_str()).collect();
    assert_eq!(
        results,
        ["Trước hạn", "Đúng hạn", "Quá hạn", "", "Đúng hạn"]
    );
    // A step still running has no result yet.
    let mut running = vec![row(
        "Chủ tịch UBND xã",
        datetime(2026, 3, 4, 9, 0, 0, 0),
        Some(datetime(2026, 3, 6, 10, 0, 0, 0)),
    )];
    super::data::judge_steps(&mut running, None);
    assert_eq!(running[0].result, "");
}
