//! What a form shows: filled in by [`super::data`] or a test, rendered by [`super::render()`].

use jiff::civil::{Date, DateTime};

/// The national-style header: issuing body on the left, motto and place/date on the right.
#[derive(Debug, Clone, Default)]
pub struct FormHeader {
    /// The body above the issuer, e.g. "UBND TỈNH ĐIỆN BIÊN" (may be empty).
    pub parent_body: String,
    /// e.g. "UBND XÃ THANH LUÔNG".
    pub issuing_body: String,
    /// e.g. "BỘ PHẬN MỘT CỬA" (may be empty).
    pub unit: String,
    /// The place in the date line, e.g. "Thanh Luông".
    pub place: String,
    pub issued_on: Date,
    /// The document number, "Số: 3/PXL" or just "3/PXL" ("Số: " is added when missing).
    pub number: Option<String>,
}

/// One paper of the dossier (form 01's table).
#[derive(Debug, Clone, Default)]
pub struct FormDocument {
    pub name: String,
    /// "Bản chính", "Bản sao", "Bản chụp"…
    pub form_label: String,
    pub count: u32,
    /// Only provided documents are listed on the receipt.
    pub provided: bool,
}

/// One hand-over on the control sheet (form 06). Times are local (Vietnam).
#[derive(Debug, Clone, Default)]
pub struct ControlRow {
    pub step_no: u32,
    pub from_unit: String,
    pub to_unit: String,
    pub at: DateTime,
    pub due: Option<DateTime>,
    /// "Trước hạn", "Đúng hạn", "Quá hạn" or empty while the step runs.
    pub result: String,
    pub note: String,
}

/// One line of the tracking book (form 07).
#[derive(Debug, Clone, Default)]
pub struct BookRow {
    pub serial: u32,
    pub code: String,
    pub procedure_name: String,
    pub sets: u32,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_phone: String,
    pub processing_office: String,
    pub received_on: Option<Date>,
    pub due_on: Option<Date>,
    pub transferred_on: Option<Date>,
    pub result_on: Option<Date>,
    pub returned_on: Option<Date>,
    pub note: String,
}

/// Everything any form may print; each form uses its part. Times are local (Vietnam).
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub header: FormHeader,
    /// Printed with the QR code when not empty (form 07 usually leaves it empty).
    pub dossier_code: String,
    /// Printed on the applicant's copy of form 01 only (not on the copy the office keeps).
    pub lookup_secret: Option<String>,
    pub applicant_name: String,
    /// CCCD number or tax code.
    pub applicant_id_no: String,
    pub applicant_address: String,
    pub applicant_phone: String,
    pub applicant_email: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The legal time limit, e.g. "05 ngày làm việc".
    pub limit_text: String,
    pub documents: Vec<FormDocument>,
    pub sets: u32,
    pub received_at: Option<DateTime>,
    /// The appointment to return the result.
    pub due_at: Option<DateTime>,
    /// e.g. "Tại Bộ phận Một cửa".
    pub return_method: String,
    /// The receiving or guiding officer.
    pub officer_name: String,
    pub officer_phone: String,
    /// Who signs forms 04 and 05.
    pub signer_name: String,
    /// "CHỦ TỊCH", "PHÓ CHỦ TỊCH"; a line break starts a new line ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH").
    pub signer_title: String,
    /// Forms 02, 03, 04, 05.
    pub reason: String,
    pub legal_basis: String,
    /// Form 02: one numbered line each.
    pub missing_items: Vec<String>,
    /// Form 04: the original appointment (defaults to the date of `due_at`).
    pub original_due: Option<Date>,
    /// Form 04: the new appointment.
    pub new_due: Option<Date>,
    /// Form 05: when processing stops.
    pub effective_at: Option<DateTime>,
    /// Form 06.
    pub control_rows: Vec<ControlRow>,
    /// Form 07.
    pub book_rows: Vec<BookRow>,
    /// The absolute public lookup URL encoded in the QR code (no QR when empty).
    pub lookup_url: String,
    /// Form 01, the applicant's copy: the dossier's one-time rating link (no QR when empty).
    pub rating_url: String,
}
