//! Figures: an office's feedback over a period (by channel and category, answered on time,
//! reopened, upheld conduct complaints by clause, indicators 5.2 and 5.3), and the officer's
//! record of upheld complaints.

use std::collections::BTreeMap;

use congbo_domain::feedback::{self as dom, CaseFacts, Indicators};
use congbo_domain::identity::Perm;
use congbo_store::repo::feedback::{self as repo, CaseRow, OfficerRecord};
use serde::Serialize;
use uuid::Uuid;

use super::overdue_on;
use crate::access::{office, office_for, path};
use crate::{Actor, App, Result};
use congbo_domain::time::{Days, local_date};

/// An office's feedback figures for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub office_id: Uuid,
    pub from: String,
    pub to: String,
    pub received: u32,
    pub by_channel: BTreeMap<String, u32>,
    pub by_category: BTreeMap<String, u32>,
    pub answered: u32,
    pub answered_on_time: u32,
    pub reopened: u32,
    pub refused: u32,
    pub forwarded: u32,
    /// Upheld conduct complaints by the clause they concern.
    pub upheld_by_clause: BTreeMap<String, u32>,
    /// Decision 766 indicators 5.2 (on time) and 5.3 (satisfaction with the handling).
    pub indicators: Indicators,
}

/// Count one case into the figures; its facts for the indicators.
fn tally(f: &mut Figures, k: &CaseRow, today: &str) -> CaseFacts {
    *f.by_channel.entry(k.channel.clone()).or_default() += 1;
    *f.by_category.entry(k.category.clone()).or_default() += 1;
    if k.answered_at.is_some() {
        f.answered += 1;
    }
    if k.answered_on_time == Some(true) {
        f.answered_on_time += 1;
    }
    if k.reopened > 0 {
        f.reopened += 1;
    }
    match k.state.as_str() {
        "refused" => f.refused += 1,
        "forwarded" => f.forwarded += 1,
        _ => {}
    }
    if k.upheld == Some(true) {
        *f.upheld_by_clause
            .entry(k.clause.clone().unwrap_or_else(|| "—".into()))
            .or_default() += 1;
    }
    let (_, overdue_now) = overdue_on(k, today);
    CaseFacts {
        within_competence: !matches!(k.state.as_str(), "refused" | "forwarded"),
        answered_on_time: k.answered_on_time == Some(true),
        overdue: overdue_now || k.answered_on_time == Some(false),
        not_helpful: k.helpful == Some(false),
        reopened: k.reopened > 0,
    }
}

/// Figures for the office's subtree (`FeedbackRead`).
pub async fn figures(app: &App, actor: &Actor, office_id: Uuid, days: Days) -> Result<Figures> {
    let Days { from, to } = days;
    let today = local_date(app.now()).to_string();
    let mut tx = app.db.read().await?;
    let (o, _) = office_for(&mut tx, actor, Perm::FeedbackRead, office_id).await?;
    let rows = repo::list_under(
        &mut tx,
        &o.path,
        &from.to_string(),
        &to.to_string(),
        1_000_000,
    )
    .await?;
    tx.commit().await?;
    // The office's figures count what its subtree received (not what it handles for others),
    // never a case about the viewer that they may not read.
    let rows: Vec<CaseRow> = rows
        .into_iter()
        .filter(|k| k.office_path.starts_with(&o.path) && !super::hidden_from(actor, k))
        .collect();
    let mut f = Figures {
        office_id,
        from: from.to_string(),
        to: to.to_string(),
        received: rows.len() as u32,
        by_channel: BTreeMap::new(),
        by_category: BTreeMap::new(),
        answered: 0,
        answered_on_time: 0,
        reopened: 0,
        refused: 0,
        forwarded: 0,
        upheld_by_clause: BTreeMap::new(),
        indicators: dom::indicators(&[]),
    };
    let facts: Vec<CaseFacts> = rows.iter().map(|k| tally(&mut f, k, &today)).collect();
    f.indicators = dom::indicators(&facts);
    Ok(f)
}

/// The officer's record: upheld conduct complaints (for evaluations). The officer sees their
/// own; heads and supervisors with `FeedbackRead` over the officer's office see theirs.
pub async fn officer_record(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
) -> Result<Vec<OfficerRecord>> {
    let mut tx = app.db.read().await?;
    let rows = repo::officer_records(&mut tx, officer_id).await?;
    let mut out = Vec::new();
    for r in rows {
        let o = office(&mut tx, r.office_id).await?;
        if actor.principal.user_id == officer_id
            || actor.principal.can(Perm::FeedbackRead, &path(&o))
        {
            out.push(r);
        }
    }
    tx.commit().await?;
    Ok(out)
}
