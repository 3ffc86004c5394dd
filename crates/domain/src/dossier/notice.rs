//! The notices a citizen gets about their dossier (Vietnamese templates), for every channel
//! they chose. Pure: the use case puts the text into the outbox in the same transaction.

use jiff::civil::Date;

/// What happened, with what the notice needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Form 01: received, with the appointment date and the lookup secret.
    Received { due: Date, secret: String },
    /// Form 02: documents to add or correct.
    SupplementRequested { items: String },
    /// Form 03.
    Refused { reason: String },
    /// Form 04: apology with a new appointment date.
    Apology { reason: String, new_due: Date },
    /// The result is ready at the desk; the citizen is invited to rate the service.
    ResultReady { rating_url: String },
    /// Form 05.
    Stopped { reason: String },
    /// The appointment fell on a day announced as a day off after the receipt: it moves to the
    /// next working day (Civil Code 2015, Art. 148(5)).
    Rescheduled { old_due: Date, new_due: Date },
}

impl Notice {
    /// Outbox topic.
    pub fn topic(&self) -> &'static str {
        match self {
            Self::Received { .. } => "dossier.received",
            Self::SupplementRequested { .. } => "dossier.supplement-requested",
            Self::Refused { .. } => "dossier.refused",
            Self::Apology { .. } => "dossier.apology",
            Self::ResultReady { .. } => "dossier.result-ready",
            Self::Stopped { .. } => "dossier.stopped",
            Self::Rescheduled { .. } => "dossier.rescheduled",
        }
    }

    /// `(subject, body)` in Vietnamese. `office` is the receiving office's name,
    /// `procedure` the procedure's name, `lookup_url` the public lookup page.
    pub fn render(
        &self,
        code: &str,
        office: &str,
        procedure: &str,
        lookup_url: &str,
    ) -> (String, String) {
        let d = |d: &Date| crate::time::dmy(*d);
        let (subject, lines) = match self {
            Self::Received { due, secret } => (
                format!("Hồ sơ {code} đã được tiếp nhận"),
                vec![
                    format!("{office} đã tiếp nhận hồ sơ {code} ({procedure})."),
                    format!("Ngày hẹn trả kết quả: {}.", d(due)),
                    format!("Mã tra cứu: {secret}."),
                ],
            ),
            Self::SupplementRequested { items } => (
                format!("Hồ sơ {code} cần bổ sung"),
                vec![
                    format!("Hồ sơ {code} ({procedure}) cần bổ sung, hoàn thiện:"),
                    items.clone(),
                    format!("Xin vui lòng mang giấy tờ đến {office}."),
                ],
            ),
            Self::Refused { reason } => (
                format!("Hồ sơ {code} bị từ chối"),
                vec![
                    format!("{office} từ chối tiếp nhận, giải quyết hồ sơ {code} ({procedure})."),
                    format!("Lý do: {reason}"),
                ],
            ),
            Self::Apology { reason, new_due } => (
                format!("Thư xin lỗi: hồ sơ {code} chậm trả kết quả"),
                vec![
                    format!(
                        "{office} thành thật xin lỗi vì hồ sơ {code} ({procedure}) chưa có kết quả đúng hẹn."
                    ),
                    format!("Lý do: {reason}"),
                    format!("Ngày hẹn trả kết quả mới: {}.", d(new_due)),
                ],
            ),
            Self::ResultReady { rating_url } => (
                format!("Hồ sơ {code} đã có kết quả"),
                vec![
                    format!(
                        "Hồ sơ {code} ({procedure}) đã có kết quả. Mời ông/bà đến {office} để nhận."
                    ),
                    format!("Xin ông/bà đánh giá sự hài lòng: {rating_url}"),
                ],
            ),
            Self::Stopped { reason } => (
                format!("Thông báo dừng giải quyết hồ sơ {code}"),
                vec![
                    format!("{office} dừng giải quyết hồ sơ {code} ({procedure})."),
                    format!("Lý do: {reason}"),
                ],
            ),
            Self::Rescheduled { old_due, new_due } => (
                format!(
                    "Hồ sơ {code}: ngày hẹn trả kết quả chuyển sang {}",
                    d(new_due)
                ),
                vec![
                    format!(
                        "Ngày {} đã được công bố là ngày nghỉ. Theo quy định, thời hạn kết thúc vào ngày làm việc tiếp theo.",
                        d(old_due)
                    ),
                    format!(
                        "Hồ sơ {code} ({procedure}) tại {office} có ngày hẹn trả kết quả mới: {}.",
                        d(new_due)
                    ),
                ],
            ),
        };
        let mut body = lines.join("\n");
        body.push_str(&format!("\nTra cứu tình trạng hồ sơ: {lookup_url}"));
        (subject, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_notice_names_the_date_and_secret() {
        let n = Notice::Received {
            due: jiff::civil::date(2026, 2, 26),
            secret: "7K2QD9".into(),
        };
        let (s, b) = n.render(
            "DB-TL-260212-0001",
            "UBND xã Thanh Luông",
            "Đăng ký khai sinh",
            "https://x/tra-cuu",
        );
        assert_eq!(s, "Hồ sơ DB-TL-260212-0001 đã được tiếp nhận");
        assert!(
            b.contains("26/02/2026") && b.contains("7K2QD9") && b.contains("https://x/tra-cuu")
        );
        assert_eq!(n.topic(), "dossier.received");
    }

    #[test]
    fn apology_names_reason_and_new_date() {
        let n = Notice::Apology {
            reason: "Chờ xác minh".into(),
            new_due: jiff::civil::date(2026, 3, 5),
        };
        let (s, b) = n.render("C", "O", "P", "U");
        assert!(s.starts_with("Thư xin lỗi"));
        assert!(b.contains("Lý do: Chờ xác minh") && b.contains("05/03/2026"));
    }
}
