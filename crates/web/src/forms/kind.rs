//! The seven forms and their paper.

/// The seven forms, numbered as in Circular 03/2025/TT-VPCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    /// 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.
    Apology,
    /// 05 Thông báo dừng giải quyết hồ sơ.
    StopNotice,
    /// 06 Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSheet,
    /// 07 Sổ theo dõi hồ sơ.
    TrackingBook,
}

impl FormKind {
    pub const ALL: [FormKind; 7] = [
        FormKind::Receipt,
        FormKind::SupplementRequest,
        FormKind::Refusal,
        FormKind::Apology,
        FormKind::StopNotice,
        FormKind::ControlSheet,
        FormKind::TrackingBook,
    ];

    /// "01" … "07".
    pub fn number(self) -> &'static str {
        match self {
            FormKind::Receipt => "01",
            FormKind::SupplementRequest => "02",
            FormKind::Refusal => "03",
            FormKind::Apology => "04",
            FormKind::StopNotice => "05",
            FormKind::ControlSheet => "06",
            FormKind::TrackingBook => "07",
        }
    }

    /// The form number, with or without its leading zero ("01" or "1").
    pub fn parse(s: &str) -> Option<Self> {
        let n: u8 = s.trim().parse().ok()?;
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The official title, in sentence case (pages print it in capitals).
    pub fn title_vi(self) -> &'static str {
        match self {
            FormKind::Receipt => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            FormKind::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            FormKind::Refusal => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            FormKind::Apology => "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            FormKind::StopNotice => "Thông báo dừng giải quyết hồ sơ",
            FormKind::ControlSheet => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            FormKind::TrackingBook => "Sổ theo dõi hồ sơ",
        }
    }

    pub fn paper(self) -> Paper {
        match self {
            FormKind::ControlSheet => Paper::A4Portrait,
            FormKind::TrackingBook => Paper::A4Landscape,
            _ => Paper::A5Portrait,
        }
    }
}

/// The sheet a form is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    A5Portrait,
    A4Portrait,
    A4Landscape,
}

impl Paper {
    /// The class on `<body>` that selects the page size in `forms.css`.
    pub fn css_class(self) -> &'static str {
        match self {
            Paper::A5Portrait => "paper-a5",
            Paper::A4Portrait => "paper-a4",
            Paper::A4Landscape => "paper-a4l",
        }
    }
}
