//! Staff identity: usernames, password policy, roles, permissions and office scope.
//!
//! A role is always held at an office and reaches that office's whole subtree. A handler asks
//! `principal.require(Perm::X, &target_office_path)`; the answer names the role that allowed it,
//! which goes into the audit row.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::office::OfficePath;
use crate::text;
use crate::{DomainError, Forbidden};

/// Failed sign-ins in a row heard without waiting; each further try waits
/// [`sign_in_delay_secs`].
pub const SIGN_IN_FREE_FAILURES: i64 = 5;
/// The first wait after the free failures, in seconds; each further failure doubles it.
pub const SIGN_IN_FIRST_DELAY_SECS: i64 = 10;
/// The longest wait, in seconds. There is no hard lock: whoever fails on purpose can only
/// slow a name down, and the wait ends by itself.
pub const SIGN_IN_MAX_DELAY_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống.
    Admin,
    /// Thủ trưởng đơn vị.
    Head,
    /// Phó thủ trưởng.
    Deputy,
    /// Công chức một cửa.
    Reception,
    /// Chuyên viên.
    Specialist,
    /// Thanh tra, giám sát.
    Supervisor,
    /// Kiểm toán (read-only).
    Auditor,
}

/// What a role may do. Handlers check exactly one of these, explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// See offices and their counters.
    OfficeRead,
    /// Create, rename, move offices; manage counters.
    OfficeManage,
    /// See staff and their role assignments.
    StaffRead,
    /// Create staff, assign and revoke roles, unlock accounts.
    StaffManage,
    /// Read the audit log.
    AuditRead,
    /// Edit the national working calendar (announced days off and make-up days).
    CalendarManage,
    /// Import and change the procedure catalogue (TTHC) published for the province.
    CatalogManage,
    /// See dossiers, with the applicant's personal data (officers who handle or supervise them).
    DossierRead,
    /// Receive dossiers at the desk, accept online submissions, hand results over (một cửa).
    DossierIntake,
    /// Work on a dossier: check, request supplements, transfer, finish, refuse.
    DossierHandle,
    /// Sign for the unit: Form 04 apologies, a second supplement request, Form 05 stop notices.
    DossierSign,
    /// Work a queue counter: sign in at it, call, serve, transfer, finish; issue walk-in tickets.
    QueueServe,
    /// Configure an office's queue: service groups, the services of each counter, settings.
    QueueManage,
    /// See an office's satisfaction ratings, figures and recovery cases (never who rated).
    RatingRead,
    /// Set an office's rating scale and reasons, pair counter tablets; at a top-level office,
    /// define the codes of conduct.
    RatingManage,
    /// Call back a citizen who gave a low score and record what was done (sees the contact the
    /// citizen left); set a rating aside with a reason.
    RecoveryHandle,
    /// Enter feedback that came by letter, the mailbox, phone or a meeting.
    FeedbackIntake,
    /// See an office's feedback cases (never the sender's identity, never a case about oneself).
    FeedbackRead,
    /// Classify, ask for information, answer and publish feedback (the head of unit: a conduct
    /// complaint goes to the officer's superior).
    FeedbackHandle,
    /// See a sender's identity, each time with a recorded reason (the roles the law and the
    /// office designate: head of unit, inspector).
    FeedbackIdentity,
    /// See an office's figures, dashboards, reports and the Decision 766 index (counts only:
    /// never an applicant, a complainant or who rated).
    FiguresRead,
    /// See officers' evaluations: scorecards, the strengths-and-weaknesses register, period
    /// scores (heads over their office, supervisors read-only over the subtree). An officer
    /// always sees their own without it; the head of an office is seen from the level above.
    EvaluationRead,
    /// Evaluate officers: register entries, review, approve, return and lock period scores
    /// (heads; a head of an office is evaluated from the level above, never by themselves).
    EvaluationManage,
    /// Answer citizens' requests about their personal data (correction, erasure) and read who
    /// viewed the personal data of an office's records (the access log): heads and deputies.
    PrivacyManage,
    /// Set how long each kind of record keeps personal data (issue 18; administrators of a
    /// top-level office: the periods are the installation's).
    RetentionManage,
    /// Keep the personal data breach register (issue 18): administrators, and the head of a
    /// top-level office (`privacy::breach::may_keep`).
    BreachManage,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Head,
        Role::Deputy,
        Role::Reception,
        Role::Specialist,
        Role::Supervisor,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Head => "head",
            Role::Deputy => "deputy",
            Role::Reception => "reception",
            Role::Specialist => "specialist",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Result<Role, DomainError> {
        text::by_name(
            &Role::ALL,
            Role::as_str,
            s,
            DomainError::field("unknown-role", "role"),
        )
    }

    /// The one table of who may do what.
    pub fn grants(self, perm: Perm) -> bool {
        use Perm::*;
        match self {
            // System administrators run the installation; they do not handle citizens' matters
            // and so do not see their personal data.
            Role::Admin => {
                !office_work(perm)
                    && !matches!(perm, EvaluationRead | EvaluationManage | PrivacyManage)
            }
            Role::Head => {
                office_work(perm)
                    || matches!(
                        perm,
                        OfficeRead
                            | StaffRead
                            | QueueManage
                            | RatingManage
                            | EvaluationRead
                            | EvaluationManage
                            | PrivacyManage
                            | BreachManage
                    )
            }
            // The head's rights, but for setting up the queue and the ratings, for seeing a
            // sender's identity and for evaluating officers.
            Role::Deputy => {
                Role::Head.grants(perm)
                    && !matches!(
                        perm,
                        QueueManage
                            | RatingManage
                            | FeedbackIdentity
                            | EvaluationRead
                            | EvaluationManage
                            | BreachManage
                    )
            }
            Role::Reception => matches!(
                perm,
                OfficeRead
                    | DossierRead
                    | DossierIntake
                    | DossierHandle
                    | QueueServe
                    | FeedbackIntake
            ),
            Role::Specialist => matches!(perm, OfficeRead | DossierRead | DossierHandle),
            Role::Supervisor => matches!(
                perm,
                OfficeRead
                    | StaffRead
                    | AuditRead
                    | DossierRead
                    | RatingRead
                    | FeedbackRead
                    | FeedbackIdentity
                    | FiguresRead
                    | EvaluationRead
            ),
            Role::Auditor => matches!(perm, OfficeRead | StaffRead | AuditRead | FiguresRead),
        }
    }
}

/// The work of an office with its citizens: their dossiers, the queue, ratings, feedback and
/// the figures drawn from them. Heads and deputies do it; administrators never do.
fn office_work(perm: Perm) -> bool {
    use Perm::*;
    matches!(
        perm,
        DossierRead
            | DossierIntake
            | DossierHandle
            | DossierSign
            | QueueServe
            | RatingRead
            | RecoveryHandle
            | FeedbackIntake
            | FeedbackRead
            | FeedbackHandle
            | FeedbackIdentity
            | FiguresRead
    )
}

/// One role held at one office (and so over its subtree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: Uuid,
    pub role: Role,
    pub office_id: Uuid,
    pub office_path: OfficePath,
}

/// The signed-in staff member (or API token owner) as far as rules are concerned.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub username: String,
    pub full_name: String,
    pub assignments: Vec<Assignment>,
}

impl Principal {
    /// The first role that grants `perm` over `target`, or [`Forbidden`].
    pub fn require(&self, perm: Perm, target: &OfficePath) -> Result<&Assignment, Forbidden> {
        self.assignments
            .iter()
            .find(|a| a.role.grants(perm) && a.office_path.contains(target))
            .ok_or(Forbidden)
    }

    pub fn can(&self, perm: Perm, target: &OfficePath) -> bool {
        self.require(perm, target).is_ok()
    }

    /// Subtree roots where `perm` holds; list queries filter by these.
    pub fn scopes(&self, perm: Perm) -> Vec<OfficePath> {
        let mut roots: Vec<OfficePath> = Vec::new();
        for a in self.assignments.iter().filter(|a| a.role.grants(perm)) {
            if !roots.iter().any(|r| r.contains(&a.office_path)) {
                roots.retain(|r| !a.office_path.contains(r));
                roots.push(a.office_path.clone());
            }
        }
        roots
    }

    /// A role is granted only by someone who manages staff over that office, and the
    /// administrator role only by an administrator (no escalation beyond one's own scope).
    pub fn may_assign(&self, role: Role, target: &OfficePath) -> Result<(), Forbidden> {
        self.require(Perm::StaffManage, target)?;
        if role == Role::Admin
            && !self
                .assignments
                .iter()
                .any(|a| a.role == Role::Admin && a.office_path.contains(target))
        {
            return Err(Forbidden);
        }
        Ok(())
    }

    /// Granting `role` at `target` to the user `grantee`: [`Self::may_assign`], and never to
    /// oneself — nobody widens their own access (issue 15.3).
    pub fn may_grant(
        &self,
        grantee: Uuid,
        role: Role,
        target: &OfficePath,
    ) -> Result<(), Forbidden> {
        if grantee == self.user_id {
            return Err(Forbidden);
        }
        self.may_assign(role, target)
    }

    /// Data shared by a whole province and its communes (the working calendar, the procedure
    /// catalogue) is changed only through a role held at a top-level office. Returns the
    /// assignment that allows it.
    pub fn require_top_level(&self, perm: Perm) -> Result<&Assignment, Forbidden> {
        self.assignments
            .iter()
            .find(|a| a.role.grants(perm) && a.office_path.depth() == 1)
            .ok_or(Forbidden)
    }

    /// The role shown on audit rows when no single permission check applies.
    pub fn primary_role(&self) -> Option<Role> {
        self.assignments.first().map(|a| a.role)
    }
}

/// Where an officer's evaluation is judged (issue 14, item 8): the officer's home office, except
/// for a head of that office, whose evaluation belongs to the level above (the parent office);
/// a head of a top-level office stays at home (nobody above, and nobody evaluates themselves).
pub fn evaluation_place<'a>(
    home: &'a OfficePath,
    parent: Option<&'a OfficePath>,
    heads_home: bool,
) -> &'a OfficePath {
    match parent {
        Some(p) if heads_home => p,
        _ => home,
    }
}

/// Login name: 3–64 characters of a–z, 0–9, '.', '_' or '-', stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim().to_lowercase();
        let n = s.chars().count();
        if n == 0 {
            return Err(DomainError::field("required", "username"));
        }
        if !(3..=64).contains(&n) {
            return Err(DomainError::field("username-length", "username"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        {
            return Err(DomainError::field("username-chars", "username"));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub use crate::password::check_new_password;

/// After `failures` consecutive failed sign-ins on one name (this one included), the seconds
/// before the next try is heard: none for the first [`SIGN_IN_FREE_FAILURES`], then 10 s,
/// 20 s, 40 s … up to [`SIGN_IN_MAX_DELAY_SECS`]. The same for known and unknown names.
pub fn sign_in_delay_secs(failures: i64) -> i64 {
    if failures < SIGN_IN_FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - SIGN_IN_FREE_FAILURES).min(20) as u32;
    (SIGN_IN_FIRST_DELAY_SECS << doublings).min(SIGN_IN_MAX_DELAY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(ids: &[u128]) -> OfficePath {
        OfficePath::root(Uuid::from_u128(ids[0])).child_many(
            &ids[1..]
                .iter()
                .map(|i| Uuid::from_u128(*i))
                .collect::<Vec<_>>(),
        )
    }

    fn principal(role: Role, at: OfficePath) -> Principal {
        Principal {
            user_id: Uuid::from_u128(99),
            username: "u".into(),
            full_name: "U".into(),
            assignments: vec![Assignment {
                id: Uuid::from_u128(7),
                role,
                office_id: at.office_id(),
                office_path: at,
            }],
        }
    }

    #[test]
    fn scope_reaches_subtree_only() {
        let province = path(&[1]);
        let commune_a = path(&[1, 2]);
        let commune_b = path(&[1, 3]);
        let head_a = principal(Role::Head, commune_a.clone());
        assert!(head_a.can(Perm::StaffRead, &commune_a));
        assert!(!head_a.can(Perm::StaffRead, &commune_b));
        assert!(!head_a.can(Perm::StaffRead, &province));
        let admin = principal(Role::Admin, province.clone());
        assert!(admin.can(Perm::OfficeManage, &commune_b));
    }

    #[test]
    fn auditor_is_read_only() {
        let p = principal(Role::Auditor, path(&[1]));
        assert!(p.can(Perm::AuditRead, &path(&[1, 2])));
        assert!(!p.can(Perm::OfficeManage, &path(&[1])));
        assert!(!p.can(Perm::StaffManage, &path(&[1])));
    }

    #[test]
    fn only_admins_grant_admin_and_only_in_scope() {
        let admin_a = principal(Role::Admin, path(&[1, 2]));
        assert!(admin_a.may_assign(Role::Admin, &path(&[1, 2, 5])).is_ok());
        assert!(admin_a.may_assign(Role::Reception, &path(&[1, 3])).is_err());
        let head = principal(Role::Head, path(&[1, 2]));
        assert!(head.may_assign(Role::Reception, &path(&[1, 2])).is_err());
        // Nobody grants themselves a role, not even an administrator where they administer.
        assert_eq!(
            admin_a.may_grant(admin_a.user_id, Role::Reception, &path(&[1, 2])),
            Err(Forbidden)
        );
        assert!(
            admin_a
                .may_grant(Uuid::from_u128(98), Role::Reception, &path(&[1, 2]))
                .is_ok()
        );
    }

    #[test]
    fn a_missing_permission_is_refused_as_forbidden_by_type() {
        let head = principal(Role::Head, path(&[1, 2]));
        // Not a rule refusal with a code to compare: its own type, whatever the check.
        assert_eq!(head.may_assign(Role::Admin, &path(&[1, 2])), Err(Forbidden));
        assert_eq!(
            head.require(Perm::StaffManage, &path(&[1, 2])).err(),
            Some(Forbidden)
        );
        assert_eq!(
            principal(Role::Admin, path(&[1, 2]))
                .require_top_level(Perm::CalendarManage)
                .err(),
            Some(Forbidden)
        );
        assert_eq!(Forbidden.to_string(), Forbidden::CODE);
    }

    #[test]
    fn scopes_are_minimal_roots() {
        let mut p = principal(Role::Auditor, path(&[1, 2]));
        p.assignments.push(Assignment {
            id: Uuid::from_u128(8),
            role: Role::Supervisor,
            office_id: Uuid::from_u128(1),
            office_path: path(&[1]),
        });
        assert_eq!(p.scopes(Perm::AuditRead), vec![path(&[1])]);
        assert!(p.scopes(Perm::OfficeManage).is_empty());
    }

    #[test]
    fn only_top_level_admins_edit_shared_data() {
        let top = |r, p, perm| principal(r, p).require_top_level(perm).is_ok();
        assert!(top(Role::Admin, path(&[1]), Perm::CalendarManage));
        assert!(top(Role::Admin, path(&[1]), Perm::CatalogManage));
        assert!(!top(Role::Admin, path(&[1, 2]), Perm::CalendarManage));
        assert!(!top(Role::Head, path(&[1]), Perm::CatalogManage));
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(Username::parse(" Lan.NT ").unwrap().as_str(), "lan.nt");
        assert_eq!(Username::parse("ab").unwrap_err().code, "username-length");
        assert_eq!(
            Username::parse("lan nt").unwrap_err().code,
            "username-chars"
        );
        assert!(check_new_password("short", "lan").is_err());
        assert!(check_new_password("12345678901", "lan").is_err());
        assert!(check_new_password("lan.nt-2026!", "lan.nt").is_err());
        assert!(check_new_password("Hoa-sen-nở-2026", "lan.nt").is_ok());
    }

    #[test]
    fn sign_in_delay_grows_and_is_capped() {
        let d: Vec<i64> = (0..13).map(sign_in_delay_secs).collect();
        assert_eq!(d, [0, 0, 0, 0, 0, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(sign_in_delay_secs(i64::MAX), SIGN_IN_MAX_DELAY_SECS);
    }

    #[test]
    fn ratings_are_read_by_heads_and_supervisors_and_never_by_administrators() {
        let at = path(&[1, 2]);
        let can = |r, perm| principal(r, at.clone()).can(perm, &at);
        assert!(can(Role::Head, Perm::RatingRead) && can(Role::Head, Perm::RecoveryHandle));
        assert!(can(Role::Deputy, Perm::RecoveryHandle) && !can(Role::Deputy, Perm::RatingManage));
        assert!(
            can(Role::Supervisor, Perm::RatingRead) && !can(Role::Supervisor, Perm::RecoveryHandle)
        );
        // Administrators configure (scale, tablets) but see no ratings or contacts.
        assert!(can(Role::Admin, Perm::RatingManage));
        assert!(!can(Role::Admin, Perm::RatingRead) && !can(Role::Admin, Perm::RecoveryHandle));
        // The officers rated see only their own ratings, not the office's.
        assert!(
            !can(Role::Reception, Perm::RatingRead) && !can(Role::Specialist, Perm::RatingRead)
        );
    }

    #[test]
    fn figures_are_read_by_leaders_supervisors_and_auditors_only() {
        let at = path(&[1, 2]);
        let can = |r| principal(r, at.clone()).can(Perm::FiguresRead, &at);
        for r in [Role::Head, Role::Deputy, Role::Supervisor, Role::Auditor] {
            assert!(can(r), "{r:?}");
        }
        for r in [Role::Admin, Role::Reception, Role::Specialist] {
            assert!(!can(r), "{r:?}");
        }
    }

    #[test]
    fn evaluations_are_read_by_heads_and_supervisors_managed_by_heads_never_by_admins() {
        let at = path(&[1, 2]);
        let can = |r, perm| principal(r, at.clone()).can(perm, &at);
        assert!(can(Role::Head, Perm::EvaluationRead) && can(Role::Head, Perm::EvaluationManage));
        assert!(
            can(Role::Supervisor, Perm::EvaluationRead)
                && !can(Role::Supervisor, Perm::EvaluationManage)
        );
        for r in [
            Role::Admin,
            Role::Deputy,
            Role::Reception,
            Role::Specialist,
            Role::Auditor,
        ] {
            assert!(!can(r, Perm::EvaluationRead), "{r:?}");
            assert!(!can(r, Perm::EvaluationManage), "{r:?}");
        }
        // A head is evaluated from the level above; others at home.
        let (home, parent) = (path(&[1, 2]), path(&[1]));
        assert_eq!(evaluation_place(&home, Some(&parent), true), &parent);
        assert_eq!(evaluation_place(&home, Some(&parent), false), &home);
        assert_eq!(evaluation_place(&parent, None, true), &parent);
        // The head of commune 2 cannot reach their own evaluation; a head at 1 can.
        let head_2 = principal(Role::Head, home.clone());
        assert!(!head_2.can(
            Perm::EvaluationManage,
            evaluation_place(&home, Some(&parent), true)
        ));
        let head_1 = principal(Role::Head, parent.clone());
        assert!(head_1.can(
            Perm::EvaluationManage,
            evaluation_place(&home, Some(&parent), true)
        ));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
