//! Dossiers and their timeline (events).

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Backend, Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DossierRow {
    pub id: Uuid,
    pub code: String,
    pub secret: String,
    pub office_id: Uuid,
    pub office_path: String,
    pub handler_office_id: Uuid,
    pub handler_path: String,
    pub procedure_code: String,
    pub procedure_version: i64,
    pub procedure_name: String,
    pub channel: String,
    pub state: String,
    pub step: Option<i64>,
    pub applicant_name: String,
    pub applicant_id_no: Option<String>,
    pub applicant_address: Option<String>,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub notify: String,
    pub documents: String,
    pub facts: String,
    pub submitted_at: i64,
    pub received_at: Option<i64>,
    pub due_date: Option<String>,
    pub current_due: Option<String>,
    pub step_due: Option<i64>,
    pub on_time: Option<String>,
    pub closed_at: Option<i64>,
    pub apologies: i64,
    pub received_by: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const COLS: &str = "id, code, secret, office_id, office_path, handler_office_id, handler_path, \
    procedure_code, procedure_version, procedure_name, channel, state, step, applicant_name, \
    applicant_id_no, applicant_address, applicant_phone, applicant_email, notify, documents, \
    facts, submitted_at, received_at, due_date, current_due, step_due, on_time, closed_at, \
    apologies, received_by, assignee_id, version, created_at, updated_at";

pub async fn insert(tx: &mut Tx, d: &DossierRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO dossiers ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30,
         $31, $32, $33, $34)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(d.id).bind(&d.code).bind(&d.secret).bind(d.office_id).bind(&d.office_path)
        .bind(d.handler_office_id).bind(&d.handler_path).bind(&d.procedure_code)
        .bind(d.procedure_version).bind(&d.procedure_name).bind(&d.channel).bind(&d.state)
        .bind(d.step).bind(&d.applicant_name).bind(&d.applicant_id_no).bind(&d.applicant_address)
        .bind(&d.applicant_phone).bind(&d.applicant_email).bind(&d.notify).bind(&d.documents)
        .bind(&d.facts).bind(d.submitted_at).bind(d.received_at).bind(&d.due_date)
        .bind(&d.current_due).bind(d.step_due).bind(&d.on_time).bind(d.closed_at)
        .bind(d.apologies).bind(d.received_by).bind(d.assignee_id).bind(d.version)
        .bind(d.created_at).bind(d.updated_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<DossierRow>> {
    let sql = format!("SELECT {COLS} FROM dossiers WHERE id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

/// The row, locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's write
/// transaction already holds the database lock).
pub async fn get_for_update(tx: &mut Tx, id: Uuid) -> Result<Option<DossierRow>> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {COLS} FROM dossiers WHERE id = $1{lock}");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

pub async fn get_by_code(tx: &mut Tx, code: &str) -> Result<Option<DossierRow>> {
    let sql = format!("SELECT {COLS} FROM dossiers WHERE code = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(code).fetch_optional(c).await)?,
    )
}

/// Write back the mutable columns, only if nobody changed the row since `expected_version`
/// (returns false then).
pub async fn update(tx: &mut Tx, d: &DossierRow, expected_version: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE dossiers SET handler_office_id = $1, handler_path = $2, state = $3, step = $4,
            facts = $5, received_at = $6, due_date = $7, current_due = $8, step_due = $9,
            on_time = $10, closed_at = $11, apologies = $12, assignee_id = $13, version = $14,
            updated_at = $15
         WHERE id = $16 AND version = $17")
        .bind(d.handler_office_id).bind(&d.handler_path).bind(&d.state).bind(d.step)
        .bind(&d.facts).bind(d.received_at).bind(&d.due_date).bind(&d.current_due)
        .bind(d.step_due).bind(&d.on_time).bind(d.closed_at).bind(d.apologies)
        .bind(d.assignee_id).bind(d.version).bind(d.updated_at).bind(d.id)
        .bind(expected_version)
        .execute(c).await)?;
    Ok(n == 1)
}

/// Filters of the dossier lists. Office scope is always applied: rows whose receiving or
/// handling office lies under one of `scopes` (materialised paths).
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub scopes: Vec<String>,
    pub states: Vec<String>,
    /// Only open dossiers (not returned, refused, stopped or withdrawn).
    pub open_only: bool,
    pub assignee_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    /// Open dossiers whose current appointment is on or before this date ('YYYY-MM-DD').
    pub due_on_or_before: Option<String>,
    /// Received on or after / before (micros UTC).
    pub received_from: Option<i64>,
    pub received_to: Option<i64>,
    /// Code prefix or exact code.
    pub code_prefix: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Dossiers matching `f`, the most urgent first (current appointment, then code).
pub async fn list(tx: &mut Tx, f: &DossierFilter) -> Result<Vec<DossierRow>> {
    if f.scopes.is_empty() {
        return Ok(Vec::new());
    }
    // Built with numbered placeholders in ascending order of first appearance (SQLite binds
    // them positionally).
    let mut sql = format!("SELECT {COLS} FROM dossiers WHERE (");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut scope_sql = Vec::new();
    for _ in &f.scopes {
        let a = next();
        let b = next();
        scope_sql.push(format!(
            "office_path LIKE {a} || '%' OR handler_path LIKE {b} || '%'"
        ));
    }
    sql.push_str(&scope_sql.join(" OR "));
    sql.push(')');
    if !f.states.is_empty() {
        let ps: Vec<String> = f.states.iter().map(|_| next()).collect();
        sql.push_str(&format!(" AND state IN ({})", ps.join(", ")));
    }
    if f.open_only {
        sql.push_str(" AND state NOT IN ('returned', 'refused', 'stopped', 'withdrawn')");
    }
    if f.assignee_id.is_some() {
        sql.push_str(&format!(" AND assignee_id = {}", next()));
    }
    if f.procedure_code.is_some() {
        sql.push_str(&format!(" AND procedure_code = {}", next()));
    }
    if f.due_on_or_before.is_some() {
        sql.push_str(&format!(" AND current_due <= {}", next()));
    }
    if f.received_from.is_some() {
        sql.push_str(&format!(" AND received_at >= {}", next()));
    }
    if f.received_to.is_some() {
        sql.push_str(&format!(" AND received_at < {}", next()));
    }
    if f.code_prefix.is_some() {
        sql.push_str(&format!(" AND code LIKE {} || '%'", next()));
    }
    let (l, o) = (next(), next());
    sql.push_str(&format!(
        " ORDER BY current_due IS NULL, current_due, code LIMIT {l} OFFSET {o}"
    ));
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(&*sql));
        for s in &f.scopes {
            q = q.bind(s).bind(s);
        }
        for s in &f.states {
            q = q.bind(s);
        }
        if let Some(a) = f.assignee_id {
            q = q.bind(a);
        }
        if let Some(p) = &f.procedure_code {
            q = q.bind(p);
        }
        if let Some(d) = &f.due_on_or_before {
            q = q.bind(d);
        }
        if let Some(t) = f.received_from {
            q = q.bind(t);
        }
        if let Some(t) = f.received_to {
            q = q.bind(t);
        }
        if let Some(p) = &f.code_prefix {
            q = q.bind(p);
        }
        q.bind(f.limit).bind(f.offset).fetch_all(c).await
    })?)
}

/// Open dossiers (not returned, refused, stopped or withdrawn) of every office whose current
/// appointment is on or after `from` ('YYYY-MM-DD'), by code: those a change of the working
/// calendar on that day may affect.
pub async fn open_due_from(tx: &mut Tx, from: &str) -> Result<Vec<DossierRow>> {
    let sql = format!(
        "SELECT {COLS} FROM dossiers WHERE current_due >= $1
         AND state NOT IN ('returned', 'refused', 'stopped', 'withdrawn') ORDER BY code"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(from).fetch_all(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct EventRow {
    pub dossier_id: Uuid,
    pub seq: i64,
    pub at: i64,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub office_id: Uuid,
    pub to_office_id: Option<Uuid>,
    pub form: Option<String>,
    pub form_no: Option<String>,
    pub detail: String,
}

const EVENT_COLS: &str = "dossier_id, seq, at, action, from_state, to_state, actor_id, \
    actor_name, actor_role, office_id, to_office_id, form, form_no, detail";

pub async fn insert_event(tx: &mut Tx, e: &EventRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO dossier_events ({EVENT_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(e.dossier_id).bind(e.seq).bind(e.at).bind(&e.action).bind(&e.from_state)
        .bind(&e.to_state).bind(e.actor_id).bind(&e.actor_name).bind(&e.actor_role)
        .bind(e.office_id).bind(e.to_office_id).bind(&e.form).bind(&e.form_no).bind(&e.detail)
        .execute(c).await)?;
    Ok(())
}

/// The timeline of one dossier, oldest first.
pub async fn events(tx: &mut Tx, dossier_id: Uuid) -> Result<Vec<EventRow>> {
    let sql = format!("SELECT {EVENT_COLS} FROM dossier_events WHERE dossier_id = $1 ORDER BY seq");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(dossier_id).fetch_all(c).await)?,
    )
}

/// Stop notices to the applicant (their consent was withdrawn).
pub async fn clear_notify(tx: &mut Tx, id: Uuid, now: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE dossiers SET notify = '', version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now).bind(id).execute(c).await)?;
    Ok(())
}

/// Erase the applicant's contact details (an erasure request granted): the dossier itself is an
/// archive record and stays; no notice can reach them any more.
pub async fn erase_contacts(tx: &mut Tx, id: Uuid, now: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE dossiers SET applicant_phone = NULL, applicant_email = NULL, notify = '',
                version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now).bind(id).execute(c).await)?;
    Ok(())
}
