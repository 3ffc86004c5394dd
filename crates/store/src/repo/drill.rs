//! Raw rows behind a figure (the dashboards' drill-down): candidate dossiers, tickets, ratings
//! and feedback cases of an office (or its subtree), read in pages by id. The app keeps the
//! rows whose rollup contributions make the figure, so the list and the figure agree by
//! construction. No personal data is selected: no applicant, no complainant, never the ticket,
//! dossier or contact behind a rating.

use sqlx::FromRow;
use uuid::Uuid;

use crate::repo::rollup::{DossierSource, FeedbackSource, RatingSource, TicketSource};
use crate::{Result, Tx, on_tx};

/// Which offices: the office alone, or every office whose path starts with `path`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub office_id: Uuid,
    pub path: &'a str,
    pub subtree: bool,
}

impl Scope<'_> {
    /// The condition on `{col}` (an office id column), binding `$1` (path) and `$2` (id).
    fn sql(&self, col: &str) -> String {
        if self.subtree {
            format!("{col} IN (SELECT id FROM offices WHERE path LIKE $1 || '%') AND $2 = $2")
        } else {
            format!("$1 = $1 AND {col} = $2")
        }
    }
}

/// Which dossiers may contribute: changed since an instant, or due before a day.
#[derive(Debug, Clone, Copy)]
pub enum DossierCandidates<'a> {
    /// `updated_at >= micros`: every event of the period is at or before the last change.
    ChangedSince(i64),
    /// `current_due < day` ('YYYY-MM-DD').
    DueBefore(&'a str),
}

#[derive(Debug, Clone, FromRow)]
pub struct DrillDossier {
    pub id: Uuid,
    pub code: String,
    pub office_id: Uuid,
    pub procedure_code: String,
    pub procedure_name: String,
    pub channel: String,
    pub received_by: Option<Uuid>,
    pub facts: String,
    pub due_date: Option<String>,
    pub current_due: Option<String>,
    pub state: String,
}

impl DrillDossier {
    pub fn source(&self) -> DossierSource {
        DossierSource {
            id: self.id,
            office_id: self.office_id,
            procedure_code: self.procedure_code.clone(),
            channel: self.channel.clone(),
            received_by: self.received_by,
            facts: self.facts.clone(),
        }
    }
}

/// Dossiers received at the offices, after `after` by id, at most `limit`.
pub async fn dossiers(
    tx: &mut Tx,
    s: Scope<'_>,
    which: DossierCandidates<'_>,
    after: Uuid,
    limit: i64,
) -> Result<Vec<DrillDossier>> {
    let (cond, micros, day) = match which {
        DossierCandidates::ChangedSince(m) => ("updated_at >= $3 AND $4 = $4", m, ""),
        DossierCandidates::DueBefore(d) => ("$3 = $3 AND current_due < $4", 0, d),
    };
    let sql = format!(
        "SELECT id, code, office_id, procedure_code, procedure_name, channel, received_by, facts,
                due_date, current_due, state
         FROM dossiers WHERE {} AND {cond} AND id > $5 ORDER BY id LIMIT $6",
        s.sql("office_id")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(s.path).bind(s.office_id).bind(micros).bind(day).bind(after).bind(limit)
        .fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow)]
pub struct DrillTicket {
    #[sqlx(flatten)]
    pub source: TicketSource,
    pub number: String,
}

/// Tickets of the offices in a state on days `from..=to`, after `after` by id.
pub async fn tickets(
    tx: &mut Tx,
    s: Scope<'_>,
    state: &str,
    (from, to): (&str, &str),
    after: Uuid,
    limit: i64,
) -> Result<Vec<DrillTicket>> {
    let sql = format!(
        "SELECT id, office_id, day, first_group_id, group_id, channel, state, issued_at,
                first_called_at, serve_start, serve_end, officer_id, number
         FROM tickets WHERE {} AND state = $3 AND day >= $4 AND day <= $5 AND id > $6
         ORDER BY id LIMIT $7",
        s.sql("office_id")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(s.path).bind(s.office_id).bind(state).bind(from).bind(to).bind(after).bind(limit)
        .fetch_all(c).await)?)
}

/// A rating as the drill-down may show it: never the ticket, dossier, device or contact.
#[derive(Debug, Clone, FromRow)]
pub struct DrillRating {
    #[sqlx(flatten)]
    pub source: RatingSource,
    pub reasons: String,
    pub at: i64,
}

/// Low ratings of the offices on days `from..=to`, after `after` by id.
pub async fn low_ratings(
    tx: &mut Tx,
    s: Scope<'_>,
    (from, to): (&str, &str),
    after: Uuid,
    limit: i64,
) -> Result<Vec<DrillRating>> {
    let sql = format!(
        "SELECT r.id, r.office_id, r.day, r.criterion, r.scale, r.value, r.satisfied, r.low,
                r.officer_id, r.procedure_code, r.group_id,
                EXISTS (SELECT 1 FROM rating_corrections k WHERE k.rating_id = r.id) AS set_aside,
                r.reasons, r.at
         FROM ratings r WHERE {} AND r.low = $3 AND r.day >= $4 AND r.day <= $5 AND r.id > $6
         ORDER BY r.id LIMIT $7",
        s.sql("r.office_id")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(s.path).bind(s.office_id).bind(true).bind(from).bind(to).bind(after).bind(limit)
        .fetch_all(c).await)?)
}

/// A feedback case as the drill-down may show it: never the sender, the title or the content.
#[derive(Debug, Clone, FromRow)]
pub struct DrillCase {
    #[sqlx(flatten)]
    pub source: FeedbackSource,
    pub code: String,
    pub state: String,
    pub answer_due: String,
}

/// Feedback cases received by the offices on days `from..=to`, after `after` by id.
pub async fn cases(
    tx: &mut Tx,
    s: Scope<'_>,
    (from, to): (&str, &str),
    after: Uuid,
    limit: i64,
) -> Result<Vec<DrillCase>> {
    let sql = format!(
        "SELECT id, office_id, day, category, channel, answered_at, answered_on_time, upheld,
                officer_id, code, state, answer_due
         FROM feedback_cases WHERE {} AND day >= $3 AND day <= $4 AND id > $5
         ORDER BY id LIMIT $6",
        s.sql("office_id")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(s.path).bind(s.office_id).bind(from).bind(to).bind(after).bind(limit)
        .fetch_all(c).await)?)
}
