//! The access log (nhật ký truy cập dữ liệu cá nhân): every time congbo shows a citizen's
//! personal data to someone, one row says who, when, which record, through what and which
//! fields. Lists show names only and are not logged; a page, a printed form, the API, an
//! identity reveal and a recovery-case contact are.

/// Where personal data was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The dossier page.
    Page,
    /// `GET /api/v1/dossiers/{id}`.
    Api,
    /// A printed form of the dossier (01–06); the number.
    Form(u8),
    /// The tracking book (Form 07), one row per dossier in it.
    Book,
    /// A complainant's identity revealed, with its reason.
    Reveal,
    /// The contact a citizen left with a low rating, shown on the recovery case.
    Contact,
}

impl Via {
    pub fn as_str(self) -> String {
        match self {
            Via::Page => "page".into(),
            Via::Api => "api".into(),
            Via::Form(n) => format!("form-{n:02}"),
            Via::Book => "book".into(),
            Via::Reveal => "reveal".into(),
            Via::Contact => "contact".into(),
        }
    }
}

/// The personal fields of a dossier's applicant that are on record (and so shown), in a fixed
/// order: `name,id_no,address,phone,email`.
pub fn dossier_fields(id_no: bool, address: bool, phone: bool, email: bool) -> String {
    let mut f = vec!["name"];
    for (on, name) in [
        (id_no, "id_no"),
        (address, "address"),
        (phone, "phone"),
        (email, "email"),
    ] {
        if on {
            f.push(name);
        }
    }
    f.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_numbered_with_two_digits() {
        assert_eq!(Via::Form(1).as_str(), "form-01");
        assert_eq!(Via::Page.as_str(), "page");
    }

    #[test]
    fn only_the_fields_on_record_are_listed() {
        assert_eq!(dossier_fields(true, false, true, false), "name,id_no,phone");
        assert_eq!(dossier_fields(false, false, false, false), "name");
    }
}
