//! The Decision 766 scorecard of an office over a period, from its figures.
//!
//! What the rollups give and how it is mapped onto [`Inputs`] (the rollups are not crossed
//! per dossier, so two counts are approximations, stated here and on the page):
//! - closed early / on time / late ← dossiers **returned** early / on time / late in the
//!   period (refusals, stops and withdrawals carry no on-time class in the figures);
//! - open within the limit / overdue ← in process at the end of `min(to, today)`;
//! - closed with a complaint or a "dislike" ← the period's **not-satisfied ratings** (every
//!   channel), capped at the closed dossiers: complaints are not linked to dossiers yet;
//! - feedback cases ← cases answered in the period (on time + late); on time ← answered on
//!   time; satisfied ← answered on time (an upper bound: the citizen's verdict on the answer
//!   and cases raised again are not counted yet).

use congbo_domain::index766::{DossierCounts, FeedbackCounts, Inputs, Rules766, Scorecard, score};

use jiff::civil::Date;

use super::figures::{self, FigureQuery, OfficeFigures};
use congbo_store::repo::office::OfficeRow;

use crate::{Actor, App, Result};

fn n(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// The index inputs of a figure set (see the module documentation for the mapping).
pub fn inputs(f: &OfficeFigures) -> Inputs {
    let closed = n(f.returned_early) + n(f.returned_on_time) + n(f.returned_late);
    Inputs {
        dossiers: DossierCounts {
            closed_early: n(f.returned_early),
            closed_on_time: n(f.returned_on_time),
            closed_late: n(f.returned_late),
            open_within_limit: n(f.open_within),
            open_overdue: n(f.open_overdue),
            closed_complained_or_disliked: n(f.ratings.n - f.ratings.total).min(closed),
        },
        feedback: FeedbackCounts {
            cases: n(f.feedback_answered_on_time) + n(f.feedback_answered_late),
            on_time: n(f.feedback_answered_on_time),
            satisfied: n(f.feedback_answered_on_time),
        },
    }
}

/// The scorecard of the office (or its subtree) over the period, with the rules in force on
/// its last day. Errors: those of [`figures::figures`], `index766-no-rules`.
pub async fn scorecard(app: &App, actor: &Actor, q: &FigureQuery) -> Result<(Inputs, Scorecard)> {
    let f = figures::figures(app, actor, q).await?;
    score_figures(&f, q.to)
}

/// The scorecard of a figure set with the rules in force on `last_day` (the period's last
/// day): the one mapping shared by [`scorecard`] and the public statistics. Pure; whoever
/// holds the figures was allowed to read them. Errors: `index766-no-rules`.
pub fn score_figures(f: &OfficeFigures, last_day: Date) -> Result<(Inputs, Scorecard)> {
    let i = inputs(f);
    let versions = Rules766::builtin();
    let rules = Rules766::select(&versions, last_day)?;
    Ok((i, score(&i, rules)?))
}

/// One scorecard per entry of [`figures::figures_by_office`]: the office's own counters
/// first, then each direct child office's subtree; the rules in force on the period's last
/// day.
pub async fn scorecards_by_office(
    app: &App,
    actor: &Actor,
    q: &FigureQuery,
) -> Result<Vec<(OfficeRow, Inputs, Scorecard)>> {
    let entries = figures::figures_by_office(app, actor, q).await?;
    let versions = Rules766::builtin();
    let rules = Rules766::select(&versions, q.to)?;
    entries
        .into_iter()
        .map(|(o, f)| {
            let i = inputs(&f);
            Ok((o, i, score(&i, rules)?))
        })
        .collect()
}
