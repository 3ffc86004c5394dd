//! One form as a whole HTML document, and the phrases of administrative documents.

use askama::Template;
use jiff::civil::{Date, DateTime};

use super::dmy;
use super::kind::FormKind;
use super::model::{FormData, FormDocument};
use super::qr::qr_svg;

/// The path of the print stylesheet (served by [`crate::assets`]).
pub const STYLESHEET: &str = "/static/forms.css";

/// Dotted blanks for what is filled in by hand.
const BLANK_DATE: &str = "……/……/………";
pub(super) const BLANK_TIME: &str = "…… giờ …… phút, ngày ……/……/………";

/// Rows form 06 shows at least, the missing ones blank for handwriting.
pub(super) const CONTROL_MIN_ROWS: usize = 6;

/// One printed copy of form 01.
struct ReceiptCopy {
    label: &'static str,
    /// The applicant's copy carries the lookup secret.
    for_applicant: bool,
}

const RECEIPT_COPIES: &[ReceiptCopy] = &[
    ReceiptCopy {
        label: "Liên 1: Lưu",
        for_applicant: false,
    },
    ReceiptCopy {
        label: "Liên 2: Giao người nộp hồ sơ",
        for_applicant: true,
    },
];

#[derive(Template)]
#[template(path = "forms/page.html")]
struct Page<'a> {
    kind: FormKind,
    d: &'a FormData,
    number: &'static str,
    title: String,
    title_upper: String,
    paper: &'static str,
    stylesheet: &'static str,
    place_date: String,
    doc_no: Option<String>,
    qr: String,
    rating_qr: String,
    copies: &'static [ReceiptCopy],
    signer_lines: Vec<&'a str>,
    blank_rows: usize,
    bar: Option<&'a PrintBar>,
}

/// What the screen shows above a form opened to be printed at once (after an intake): the
/// print dialog opens by itself, and links lead on (back to the counter, to the dossier).
#[derive(Debug, Clone, Default)]
pub struct PrintBar {
    /// Open the browser's print dialog when the page has loaded.
    pub autoprint: bool,
    /// (href, label) links after printing, the first one the main way on.
    pub links: Vec<(String, String)>,
    /// The label of the button that prints again.
    pub print_label: String,
}

// Askama passes fields to methods by reference, hence the `&Option<…>` parameters.
impl Page<'_> {
    fn day(&self, d: &Option<Date>) -> String {
        d.map(dmy).unwrap_or_default()
    }

    fn day_or_blank(&self, d: &Option<Date>) -> String {
        d.map(dmy).unwrap_or_else(|| BLANK_DATE.to_owned())
    }

    fn at(&self, t: &DateTime) -> String {
        time_phrase(*t)
    }

    fn when(&self, t: &Option<DateTime>) -> String {
        t.map(time_phrase).unwrap_or_default()
    }

    fn when_or_blank(&self, t: &Option<DateTime>) -> String {
        t.map(time_phrase).unwrap_or_else(|| self.blank_time())
    }

    fn blank_time(&self) -> String {
        BLANK_TIME.to_owned()
    }

    fn received_day(&self) -> String {
        self.day_or_blank(&self.d.received_at.map(|t| t.date()))
    }

    fn original_due(&self) -> String {
        self.day_or_blank(&self.d.original_due.or(self.d.due_at.map(|t| t.date())))
    }

    fn documents(&self) -> Vec<&FormDocument> {
        self.d.documents.iter().filter(|x| x.provided).collect()
    }
}

/// Render one form as a whole HTML document.
pub fn render(kind: FormKind, data: &FormData) -> Result<String, askama::Error> {
    render_with(kind, data, None)
}

/// [`render`], with the screen's print bar.
pub fn render_with(
    kind: FormKind,
    data: &FormData,
    bar: Option<&PrintBar>,
) -> Result<String, askama::Error> {
    let h = &data.header;
    let doc_no = h
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| {
            if n.starts_with("Số") {
                n.to_owned()
            } else {
                format!("Số: {n}")
            }
        });
    let qr = if data.lookup_url.is_empty() {
        String::new()
    } else {
        qr_svg(&data.lookup_url)
    };
    Page {
        kind,
        d: data,
        number: kind.number(),
        title: kind.title_vi().to_owned(),
        title_upper: kind.title_vi().to_uppercase(),
        paper: kind.paper().css_class(),
        stylesheet: STYLESHEET,
        place_date: date_phrase(&h.place, h.issued_on),
        doc_no,
        qr,
        rating_qr: if data.rating_url.is_empty() {
            String::new()
        } else {
            qr_svg(&data.rating_url)
        },
        copies: match kind {
            FormKind::Receipt => RECEIPT_COPIES,
            _ => &RECEIPT_COPIES[..1],
        },
        signer_lines: data
            .signer_title
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect(),
        blank_rows: CONTROL_MIN_ROWS.saturating_sub(data.control_rows.len()),
        bar,
    }
    .render()
}

/// "Thanh Luông, ngày 05 tháng 3 năm 2026": the date line of an administrative document.
/// Days below 10 and the months 1 and 2 take a leading zero (Decree 30/2020/NĐ-CP, App. I).
pub fn date_phrase(place: &str, date: Date) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    let place = place.trim();
    let sep = if place.is_empty() { "" } else { ", " };
    format!(
        "{place}{sep}ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// "08 giờ 30 phút, ngày 23/11/2026".
pub fn time_phrase(at: DateTime) -> String {
    format!(
        "{:02} giờ {:02} phút, ngày {}",
        at.hour(),
        at.minute(),
        dmy(at.date())
    )
}
