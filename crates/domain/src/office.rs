//! Offices (cơ quan, đơn vị): a tree of any depth. Today province → commune/ward/special zone;
//! the older province → district → commune fits too. Scope checks use the materialised path.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;
use crate::text;

/// Kinds of office. Stored as their `as_str` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    /// Tỉnh / thành phố trực thuộc trung ương.
    Province,
    /// Huyện / quận / thị xã (the pre-2025 middle tier).
    District,
    /// Xã.
    Commune,
    /// Phường.
    Ward,
    /// Đặc khu.
    SpecialZone,
    /// Trung tâm Phục vụ hành chính công or another unit.
    ServiceCenter,
}

impl OfficeKind {
    pub const ALL: [OfficeKind; 6] = [
        OfficeKind::Province,
        OfficeKind::District,
        OfficeKind::Commune,
        OfficeKind::Ward,
        OfficeKind::SpecialZone,
        OfficeKind::ServiceCenter,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeKind::Province => "province",
            OfficeKind::District => "district",
            OfficeKind::Commune => "commune",
            OfficeKind::Ward => "ward",
            OfficeKind::SpecialZone => "special_zone",
            OfficeKind::ServiceCenter => "service_center",
        }
    }
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s,
            DomainError::field("unknown-kind", "kind"),
        )
    }

    /// The kinds a new office may take on local day `day`. From 1 July 2025 local government
    /// has two levels (province; commune, ward, special zone: the Law on the Organisation of
    /// Local Government 2025), so no new district ("huyện, quận") is created; existing ones
    /// stay readable for history.
    pub fn offered_on(day: Date) -> Vec<OfficeKind> {
        Self::ALL
            .into_iter()
            .filter(|k| k.check_new(day).is_ok())
            .collect()
    }

    /// Error `office-kind-abolished` (`kind`): a district created on or after 1 July 2025.
    pub fn check_new(self, day: Date) -> Result<(), DomainError> {
        if self == OfficeKind::District && day >= TWO_LEVEL_FROM {
            Err(DomainError::field("office-kind-abolished", "kind"))
        } else {
            Ok(())
        }
    }
}

/// The first day of two-level local government (no district tier).
pub const TWO_LEVEL_FROM: Date = jiff::civil::date(2025, 7, 1);

/// Office code: 2–40 characters of A–Z, 0–9, '-' and '.', stored upper-case, so both short
/// local codes (`DB-TL`) and national agency identifiers (`000.00.15.H13`) fit. It prefixes
/// dossier codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeCode(String);

impl OfficeCode {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim().to_uppercase();
        if s.is_empty() {
            return Err(DomainError::field("required", "code"));
        }
        if !(2..=40).contains(&s.len())
            || !s
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            return Err(DomainError::field("office-code-format", "code"));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Office name: 2–200 characters, NFC.
pub fn parse_office_name(s: &str) -> Result<String, DomainError> {
    text::name(s, "name", 2, 200)
}

/// The chain of office ids from the root to this office, written `/id/id/…/`.
/// `a.contains(b)` holds when `b` is `a` or lies in `a`'s subtree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficePath(String);

impl OfficePath {
    pub fn root(id: Uuid) -> Self {
        Self(format!("/{}/", id.simple()))
    }
    pub fn child(&self, id: Uuid) -> Self {
        Self(format!("{}{}/", self.0, id.simple()))
    }
    pub fn child_many(&self, ids: &[Uuid]) -> Self {
        ids.iter().fold(self.clone(), |p, id| p.child(*id))
    }
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn contains(&self, other: &OfficePath) -> bool {
        other.0.starts_with(&self.0)
    }
    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }
    /// The office this path ends at.
    pub fn office_id(&self) -> Uuid {
        let last = self
            .0
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        Uuid::parse_str(last).unwrap_or_default()
    }
    /// The province shard key of records kept under this office: its top-level office (the
    /// first id of the path). See `shared/reference/scale-citus.md`.
    pub fn shard_key(&self) -> Uuid {
        let first = self
            .0
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        Uuid::parse_str(first).unwrap_or_default()
    }
}

/// May `office` move under `new_parent`? Not under itself or its own subtree.
pub fn check_move(office: &OfficePath, new_parent: &OfficePath) -> Result<(), DomainError> {
    if office.contains(new_parent) {
        return Err(DomainError::field("office-move-cycle", "parent_id"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shard_key_is_the_top_level_office() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let path = OfficePath::root(a).child(b).child(c);
        assert_eq!(path.shard_key(), a);
        assert_eq!(OfficePath::root(b).shard_key(), b);
        assert_eq!(path.office_id(), c);
    }

    #[test]
    fn no_new_district_after_the_two_level_reform() {
        use jiff::civil::date;
        let before = date(2025, 6, 30);
        assert!(OfficeKind::offered_on(before).contains(&OfficeKind::District));
        let after = date(2025, 7, 1);
        assert!(!OfficeKind::offered_on(after).contains(&OfficeKind::District));
        assert_eq!(
            OfficeKind::offered_on(after).len(),
            OfficeKind::ALL.len() - 1
        );
        assert_eq!(
            OfficeKind::District.check_new(after).unwrap_err(),
            DomainError::field("office-kind-abolished", "kind")
        );
        assert!(OfficeKind::Ward.check_new(after).is_ok());
    }

    #[test]
    fn paths_nest() {
        let p = OfficePath::root(Uuid::from_u128(1));
        let c = p.child(Uuid::from_u128(2));
        assert!(p.contains(&c));
        assert!(!c.contains(&p));
        assert!(c.contains(&c));
        assert_eq!(c.depth(), 2);
        assert_eq!(c.office_id(), Uuid::from_u128(2));
        // A sibling whose id string shares a prefix is not inside.
        let s = p.child(Uuid::from_u128(0x20));
        assert!(!c.contains(&s));
    }

    #[test]
    fn no_move_into_own_subtree() {
        let p = OfficePath::root(Uuid::from_u128(1));
        let c = p.child(Uuid::from_u128(2));
        assert!(check_move(&p, &c).is_err());
        assert!(check_move(&p, &p).is_err());
        assert!(check_move(&c, &p).is_ok());
    }

    #[test]
    fn codes() {
        assert_eq!(OfficeCode::parse(" tl-01 ").unwrap().as_str(), "TL-01");
        assert!(OfficeCode::parse("X").is_err());
        assert!(OfficeCode::parse("THANH LUONG").is_err());
        assert_eq!(
            OfficeCode::parse("000.00.15.h13").unwrap().as_str(),
            "000.00.15.H13"
        );
        assert!(OfficeCode::parse(&"A".repeat(41)).is_err());
        assert!(OfficeKind::parse("ward").is_ok());
        assert!(parse_office_name("Xã Thanh Luông").is_ok());
    }
}
