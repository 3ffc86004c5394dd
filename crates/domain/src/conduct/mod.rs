//! Codes of conduct (quy tắc ứng xử) as data: a title, items, the issuing document and when it
//! took effect. Rating reasons, complaint categories and evaluation criteria cite items as
//! `code/item` (e.g. `10-nguyen-tac/xin-loi-khi-cho`). The built-in codes are the slogans of the
//! seed articles; each office picks its own and may add others.

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConductItem {
    pub code: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeOfConduct {
    pub code: String,
    pub title: String,
    pub issuer: String,
    pub doc_ref: String,
    /// `YYYY-MM-DD`
    pub effective_from: String,
    #[serde(default)]
    pub effective_to: Option<String>,
    pub items: Vec<ConductItem>,
}

/// The codes shipped with congbo, written from the seed articles.
pub fn builtin() -> Vec<CodeOfConduct> {
    serde_json::from_str(include_str!("builtin.json")).expect("built-in codes of conduct")
}

fn slug_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl CodeOfConduct {
    /// Check a code an administrator defines. Errors name the field.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !slug_ok(&self.code) {
            return Err(DomainError::field("conduct-code-format", "code"));
        }
        if self.title.trim().is_empty() || self.title.chars().count() > 200 {
            return Err(DomainError::field("conduct-title", "title"));
        }
        if jiff::civil::Date::strptime("%Y-%m-%d", &self.effective_from).is_err() {
            return Err(DomainError::field("invalid-date", "effective_from"));
        }
        if self.items.is_empty() {
            return Err(DomainError::field("conduct-items", "items"));
        }
        let mut seen = std::collections::HashSet::new();
        for i in &self.items {
            if !slug_ok(&i.code) || !seen.insert(i.code.as_str()) {
                return Err(DomainError::field("conduct-item-code", "items"));
            }
            if i.text.trim().is_empty() || i.text.chars().count() > 300 {
                return Err(DomainError::field("conduct-items", "items"));
            }
        }
        Ok(())
    }

    /// The item cited as `code/item`, if it belongs to this code.
    pub fn item(&self, citation: &str) -> Option<&ConductItem> {
        let (code, item) = citation.split_once('/')?;
        (code == self.code)
            .then(|| self.items.iter().find(|i| i.code == item))
            .flatten()
    }
}

/// A citation `code/item` as people read it: "«item text» (code title)", from the codes known;
/// `None` for a citation no code holds (shown as written then).
pub fn describe(codes: &[CodeOfConduct], citation: &str) -> Option<String> {
    codes.iter().find_map(|c| {
        c.item(citation)
            .map(|i| format!("«{}» ({})", i.text, c.title))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citation_reads_as_its_item_and_code() {
        let codes = builtin();
        let c = &codes[0];
        let item = &c.items[0];
        let citation = format!("{}/{}", c.code, item.code);
        assert_eq!(
            describe(&codes, &citation).unwrap(),
            format!("«{}» ({})", item.text, c.title)
        );
        assert_eq!(describe(&codes, "khong-co/gi"), None);
    }

    #[test]
    fn the_seed_codes_are_shipped_whole_and_valid() {
        let codes = builtin();
        assert_eq!(codes.len(), 4);
        for c in &codes {
            c.validate().unwrap_or_else(|e| panic!("{}: {e}", c.code));
        }
        let ten = codes.iter().find(|c| c.code == "10-nguyen-tac").unwrap();
        assert_eq!(ten.items.len(), 10);
        assert_eq!(
            ten.item("10-nguyen-tac/xin-loi-khi-cho").unwrap().text,
            "Dân chờ được xin lỗi"
        );
        assert!(ten.item("5xin-3biet/xin-chao").is_none());
        let dien_bien = codes
            .iter()
            .find(|c| c.code == "4xin-4luon-5khong")
            .unwrap();
        assert_eq!(dien_bien.items.len(), 13, "4 xin + 4 luôn + 5 không");
        let cam_tam = codes
            .iter()
            .find(|c| c.code == "5biet-4tang-4thehien-3khong")
            .unwrap();
        assert_eq!(cam_tam.items.len(), 16, "5 + 4 + 4 + 3");
    }

    #[test]
    fn bad_codes_are_refused_with_the_field() {
        let mut c = builtin().remove(0);
        c.code = "Bad Code".into();
        assert_eq!(c.validate().unwrap_err().field, Some("code"));
        let mut c = builtin().remove(0);
        c.items.push(c.items[0].clone());
        assert_eq!(c.validate().unwrap_err().code, "conduct-item-code");
        let mut c = builtin().remove(0);
        c.effective_from = "2018-13-01".into();
        assert_eq!(c.validate().unwrap_err().field, Some("effective_from"));
    }
}
