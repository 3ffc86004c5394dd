//! A form's data from a dossier as the use cases return it: the header from the offices, the
//! fields from the event that issued the form, the control sheet from the hand-overs, the
//! tracking book from a day's list. Route handlers call these and [`super::render()`].

use congbo_app::dossier::{Book, DossierView};
use congbo_app::{App, AppError};
use congbo_domain::time::local;
use jiff::civil::Date;

use super::kind::FormKind;
use super::model::{BookRow, ControlRow, FormData, FormDocument, FormHeader};

/// The forms the dossier page offers (number, title): the control sheet always, the others
/// once issued; the tracking book is a day's, not a dossier's.
pub fn offered(v: &DossierView) -> Vec<(&'static str, &'static str)> {
    FormKind::ALL
        .into_iter()
        .filter(|f| *f != FormKind::TrackingBook)
        .filter(|f| *f == FormKind::ControlSheet || issued(v, *f))
        .map(|f| (f.number(), f.title_vi()))
        .collect()
}

fn issued(v: &DossierView, kind: FormKind) -> bool {
    v.events
        .iter()
        .any(|e| e.form.as_deref() == Some(kind.number()))
}

/// Form `number` (01–06) of dossier `v`. Errors: `not-found` for another number,
/// `form-not-issued` for a form the timeline has not issued (the control sheet always is).
pub fn dossier_form(
    app: &App,
    v: &DossierView,
    number: &str,
) -> Result<(FormKind, FormData), AppError> {
    let kind = FormKind::parse(number)
        .filter(|k| *k != FormKind::TrackingBook)
        .ok_or(AppError::NotFound("not-found"))?;
    if !issued(v, kind) && kind != FormKind::ControlSheet {
        return Err(AppError::NotFound("form-not-issued"));
    }
    Ok((kind, form_data(app, v, kind)))
}

/// Header lines of the forms from the office names: "UBND TỈNH ĐIỆN BIÊN" above
/// "UBND XÃ THANH LUÔNG"; the place is the name without its kind ("Thanh Luông").
fn header(v: &DossierView, issued_on: Date, number: Option<String>) -> FormHeader {
    let body = |name: &str| format!("UBND {}", name.to_uppercase());
    let place = ["Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "]
        .iter()
        .find_map(|p| v.office.name.strip_prefix(p))
        .unwrap_or(&v.office.name)
        .to_string();
    FormHeader {
        parent_body: v
            .parent_office
            .as_ref()
            .map(|p| body(&p.name))
            .unwrap_or_default(),
        issuing_body: body(&v.office.name),
        unit: "BỘ PHẬN MỘT CỬA".into(),
        place,
        issued_on,
        number,
    }
}

fn signer_title(role: Option<&str>) -> String {
    match role {
        Some("head") => "CHỦ TỊCH".into(),
        Some("deputy") => "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
        _ => "CÔNG CHỨC TIẾP NHẬN".into(),
    }
}

/// Form 02's items: the request's reason, one line per item, without the numbering.
fn missing_items(reason: &str) -> Vec<String> {
    reason
        .lines()
        .map(|l| {
            l.split_once(". ")
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                .map_or(l, |(_, rest)| rest)
                .to_string()
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn documents(v: &DossierView) -> Vec<FormDocument> {
    v.documents
        .iter()
        .map(|d| FormDocument {
            name: d.name.clone(),
            form_label: congbo_domain::catalog::DocForm::parse(&d.form)
                .map(|f| f.label_vi().to_string())
                .unwrap_or_else(|_| d.form.clone()),
            count: u32::from(d.count),
            provided: d.provided,
        })
        .collect()
}

/// The data of form `kind` for dossier `v`, from the event that issued it.
fn form_data(app: &App, v: &DossierView, kind: FormKind) -> FormData {
    let ev = v
        .events
        .iter()
        .rev()
        .find(|e| e.form.as_deref() == Some(kind.number()));
    let detail: serde_json::Value = ev
        .map(|e| serde_json::from_str(&e.detail).unwrap_or_default())
        .unwrap_or_default();
    let text = |k: &str| detail.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let issued_on = ev.map_or_else(|| local(app.now()).date(), |e| local(e.at).date());
    let r = &v.row;
    let reason = text("reason").unwrap_or_default();
    let close = app.settings.deadline.closing_time();
    let actor_name = ev.map(|e| e.actor_name.clone()).unwrap_or_default();
    FormData {
        header: header(v, issued_on, ev.and_then(|e| e.form_no.clone())),
        dossier_code: r.code.clone(),
        lookup_secret: Some(r.secret.clone()),
        applicant_name: r.applicant_name.clone(),
        applicant_id_no: r.applicant_id_no.clone().unwrap_or_default(),
        applicant_address: r.applicant_address.clone().unwrap_or_default(),
        applicant_phone: r.applicant_phone.clone().unwrap_or_default(),
        applicant_email: r.applicant_email.clone().unwrap_or_default(),
        procedure_code: r.procedure_code.clone(),
        procedure_name: r.procedure_name.clone(),
        limit_text: v.version.procedure.limit.to_string(),
        documents: documents(v),
        sets: 1,
        received_at: v.facts.received_at,
        due_at: v.facts.due.map(|d| d.to_datetime(close)),
        return_method: "Tại Bộ phận Một cửa".into(),
        officer_name: actor_name.clone(),
        officer_phone: String::new(),
        signer_name: actor_name,
        signer_title: signer_title(ev.and_then(|e| e.actor_role.as_deref())),
        missing_items: if kind == FormKind::SupplementRequest {
            missing_items(&reason)
        } else {
            Vec::new()
        },
        reason,
        legal_basis: v.version.procedure.legal_basis.clone(),
        original_due: v.facts.due,
        new_due: text("new_due").and_then(|d| d.parse().ok()),
        effective_at: ev.map(|e| local(e.at)),
        control_rows: control_rows(v),
        book_rows: Vec::<BookRow>::new(),
        lookup_url: congbo_app::links::lookup_url(app, &r.code),
        rating_url: congbo_app::links::rating_link(app, r.id, &r.code, &r.secret),
    }
}

/// The control sheet (Form 06): one row per hand-over.
fn control_rows(v: &DossierView) -> Vec<ControlRow> {
    let steps = &v.version.procedure.steps;
    let step_name = |n: Option<i64>| {
        n.and_then(|n| usize::try_from(n).ok())
            .and_then(|n| steps.get(n.saturating_sub(1)))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "Bộ phận Một cửa".into())
    };
    let mut rows = Vec::new();
    let mut from = "Bộ phận Một cửa".to_string();
    for e in &v.events {
        if !matches!(e.action.as_str(), "transfer" | "finish" | "return") {
            continue;
        }
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
        let to = match e.action.as_str() {
            "transfer" => step_name(detail.get("to_step").and_then(|x| x.as_i64())),
            "finish" => "Bộ phận Một cửa".into(),
            _ => "Tổ chức, cá nhân".into(),
        };
        rows.push(ControlRow {
            step_no: rows.len() as u32 + 1,
            from_unit: from.clone(),
            to_unit: to.clone(),
            at: local(e.at),
            due: detail
                .get("step_due")
                .and_then(|x| x.as_str())
                .and_then(|d| d.parse().ok()),
            result: String::new(),
            note: detail
                .get("note")
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string(),
        });
        from = to;
    }
    judge_steps(&mut rows, v.row.on_time.as_deref());
    rows
}

/// The control sheet's result column: a step with a deadline is judged by the hand-over that
/// ended it (before its day: "Trước hạn"; by its deadline: "Đúng hạn"; after: "Quá hạn"); the
/// hand-over to the citizen carries the dossier's result. A step still running stays blank.
pub(super) fn judge_steps(rows: &mut [ControlRow], dossier_on_time: Option<&str>) {
    let ends: Vec<Option<jiff::civil::DateTime>> = (0..rows.len())
        .map(|i| rows.get(i + 1).map(|r| r.at))
        .collect();
    for (row, end) in rows.iter_mut().zip(ends) {
        row.result = match (row.due, end) {
            (Some(due), Some(end)) if end.date() < due.date() => "Trước hạn".into(),
            (Some(due), Some(end)) if end <= due => "Đúng hạn".into(),
            (Some(_), Some(_)) => "Quá hạn".into(),
            _ if row.to_unit == "Tổ chức, cá nhân" => match dossier_on_time {
                Some("early") => "Trước hạn".into(),
                Some("on-time") => "Đúng hạn".into(),
                Some("late") => "Quá hạn".into(),
                _ => String::new(),
            },
            _ => String::new(),
        };
    }
}

/// The tracking book (Form 07) of a day: one row per dossier received that day.
pub fn book(b: &Book) -> FormData {
    let date = |m: Option<i64>| m.map(|m| local(m).date());
    let rows = b
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let r = &it.row;
            let facts: Option<congbo_domain::dossier::DossierFacts> =
                serde_json::from_str(&r.facts).ok();
            BookRow {
                serial: i as u32 + 1,
                code: r.code.clone(),
                procedure_name: r.procedure_name.clone(),
                sets: 1,
                applicant_name: r.applicant_name.clone(),
                applicant_address: r.applicant_address.clone().unwrap_or_default(),
                applicant_phone: r.applicant_phone.clone().unwrap_or_default(),
                processing_office: String::new(),
                received_on: date(r.received_at),
                due_on: r.current_due.as_deref().and_then(|d| d.parse().ok()),
                transferred_on: None,
                result_on: facts.as_ref().and_then(|f| f.done_at).map(|d| d.date()),
                returned_on: (r.state == "returned").then(|| date(r.closed_at)).flatten(),
                // Refused, withdrawn or stopped dossiers have no result to be early with.
                note: match (r.state.as_str(), r.on_time.as_deref()) {
                    ("refused", _) => "Từ chối".into(),
                    ("withdrawn", _) => "Công dân rút hồ sơ".into(),
                    ("stopped", _) => "Dừng giải quyết".into(),
                    (_, Some("late")) => "Trễ hạn".into(),
                    (_, Some("on-time")) => "Đúng hạn".into(),
                    (_, Some("early")) => "Trước hạn".into(),
                    _ => String::new(),
                },
            }
        })
        .collect();
    FormData {
        header: FormHeader {
            parent_body: String::new(),
            issuing_body: format!("UBND {}", b.office.name.to_uppercase()),
            unit: "BỘ PHẬN MỘT CỬA".into(),
            place: b.office.name.clone(),
            issued_on: b.day,
            number: None,
        },
        book_rows: rows,
        ..FormData::default()
    }
}
