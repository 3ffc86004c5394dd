//! Rollups: what each dossier, ticket, rating and feedback case contributes to the per-office,
//! per-day counters that dashboards, the 766 index and periodic reports read.
//!
//! **A row's contribution is a pure function of the row.** [`dossier_contributions`],
//! [`ticket_contributions`], [`rating_contributions`] and [`feedback_contributions`] turn one
//! row (as the domain sees it) into a list of [`Delta`]s: `(office, day, metric, dim) += (n,
//! total)`. A change to a row applies `contributions(after) − contributions(before)` ([`diff`],
//! which cancels equal entries) **in the same transaction as the change**; a rebuild deletes the
//! counters and adds every row's contributions again. Rebuild equals incremental by
//! construction, as long as every writer of those rows applies its diff (the store test and
//! the app-level random test check it on both databases).
//!
//! Why in the transaction and not a job with a watermark: it is exact (a change and its
//! counters commit together or not at all, so nothing is lost or counted twice), dashboards read
//! their own writes, no job has to run, and the contention it adds is bounded to the few
//! counter rows of one office-day (and month) that the change touches.
//!
//! Nothing here reads a clock or the working calendar: a contribution depends on the row only,
//! never on "now" or on holidays that may be edited later (otherwise a diff computed after an
//! edit would not cancel what was added before it).
//!
//! # Dimensions
//! Every metric has a totals row with `dim = ""`, so unfiltered dashboards read few rows, and
//! breakdown rows whose `dim` is `key:value`:
//! `ch:` channel, `p:` procedure code, `o:` officer id, `g:` service group id, `h:` local hour
//! (`08`), `b:` histogram bucket (two digits: the index in [`super::histogram::BOUNDS`]), `cat:` feedback
//! category, `cr:` rating criterion, `v:` rating `scale:value`. Two keys are joined with `|`
//! (`g:…|b:03`, `cr:overall|v:level5:4`).
//!
//! # Metric catalogue
//! See [`Metric`]; the day of each is the local (UTC+7) day named there.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use uuid::Uuid;

use super::histogram::bucket_of;
use crate::dossier::{DossierFacts, DossierState, OnTime};
use crate::time::local;

/// What a counter counts. The stable code ([`Metric::code`]) is what the tables store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// `dossier.received`: a dossier received (clock started), on its receipt day.
    /// Dims `ch:`, `p:`, `p:…|ch:…`, `o:` (the officer who received it).
    DossierReceived,
    /// `dossier.closed`: processing of a received dossier ended (finished, refused, stopped or
    /// withdrawn), on that day. Dims `p:`. Open at the end of day E = received − closed up to E.
    DossierClosed,
    /// `dossier.early` / `dossier.on_time` / `dossier.late`: a finished dossier by the national
    /// rule against its original date, on the day processing finished. Dims `p:`, `o:` (the
    /// officer who received it at the desk: a stable attribution, unlike the current holder).
    DossierEarly,
    DossierOnTime,
    DossierLate,
    /// `dossier.due`: a received dossier, on its current appointment date (last Form 04 date,
    /// else the original). Dims `p:`.
    DossierDue,
    /// `dossier.settled`: a received dossier whose processing ended, on the later of the day
    /// after its current appointment date and the day it ended. Dims `p:`. In process and
    /// overdue at the end of day E = Σ due(day < E) − Σ settled(day ≤ E).
    DossierSettled,
    /// `dossier.supplement`: a Form 02 request, on its day. Dims `p:`.
    DossierSupplement,
    /// `dossier.refused`: Form 03 (at receipt or on the merits), on its day. Dims `p:`.
    DossierRefused,
    /// `dossier.stopped`: Form 05, on its day. Dims `p:`.
    DossierStopped,
    /// `dossier.withdrawn`: withdrawn by the citizen, on its day. Dims `p:`.
    DossierWithdrawn,
    /// `dossier.apology`: a Form 04 (apology and new date), on its day. Dims `p:`.
    DossierApology,
    /// `dossier.promise_kept` / `dossier.promise_broken`: a dossier with a Form 04 judged against
    /// its last new date, on the day processing ended. Dims `p:`.
    DossierPromiseKept,
    DossierPromiseBroken,
    /// `ticket.issued`: a queue number, on its day. Dims `g:` (the service it was taken for),
    /// `h:` (hour of issue), `ch:` (kiosk, web, staff).
    TicketIssued,
    /// `ticket.served`: a ticket finished at a counter. Dims `g:` (last service), `o:`.
    TicketServed,
    /// `ticket.no_show`: a ticket called but not present. Dims `g:`.
    TicketNoShow,
    /// `ticket.wait`: n = 1, total = seconds from issue to first call, for every ticket
    /// called. Dims `g:`, `h:` (hour of issue), `b:`, `g:…|b:`.
    TicketWait,
    /// `ticket.service`: n = 1, total = seconds at the counter, for every ticket finished with
    /// both times. Dims `g:`, `o:`, `b:`, `g:…|b:`.
    TicketService,
    /// `rating.count`: n = 1, total = 1 when satisfied, for a rating not set aside, on its
    /// day. Dims `cr:`, `o:`, `p:`, `g:`, `v:`, `cr:…|v:`.
    Rating,
    /// `rating.low`: a low rating (opened a recovery case), not set aside. Dims `o:`.
    RatingLow,
    /// `feedback.received`: a feedback case, on its day of receipt. Dims `cat:`, `ch:`.
    FeedbackReceived,
    /// `feedback.answered_on_time` / `feedback.answered_late`: an answered case, on the day of
    /// the answer. Dims `cat:`.
    FeedbackAnsweredOnTime,
    FeedbackAnsweredLate,
    /// `feedback.upheld`: a conduct complaint found to be right, on the day of the answer (else
    /// of receipt). Dims `o:` (the officer concerned).
    FeedbackUpheld,
}

impl Metric {
    pub const ALL: [Metric; 25] = [
        Metric::DossierReceived,
        Metric::DossierClosed,
        Metric::DossierEarly,
        Metric::DossierOnTime,
        Metric::DossierLate,
        Metric::DossierDue,
        Metric::DossierSettled,
        Metric::DossierSupplement,
        Metric::DossierRefused,
        Metric::DossierStopped,
        Metric::DossierWithdrawn,
        Metric::DossierApology,
        Metric::DossierPromiseKept,
        Metric::DossierPromiseBroken,
        Metric::TicketIssued,
        Metric::TicketServed,
        Metric::TicketNoShow,
        Metric::TicketWait,
        Metric::TicketService,
        Metric::Rating,
        Metric::RatingLow,
        Metric::FeedbackReceived,
        Metric::FeedbackAnsweredOnTime,
        Metric::FeedbackAnsweredLate,
        Metric::FeedbackUpheld,
    ];

    /// The stable code stored in the `metric` column.
    pub fn code(self) -> &'static str {
        match self {
            Metric::DossierReceived => "dossier.received",
            Metric::DossierClosed => "dossier.closed",
            Metric::DossierEarly => "dossier.early",
            Metric::DossierOnTime => "dossier.on_time",
            Metric::DossierLate => "dossier.late",
            Metric::DossierDue => "dossier.due",
            Metric::DossierSettled => "dossier.settled",
            Metric::DossierSupplement => "dossier.supplement",
            Metric::DossierRefused => "dossier.refused",
            Metric::DossierStopped => "dossier.stopped",
            Metric::DossierWithdrawn => "dossier.withdrawn",
            Metric::DossierApology => "dossier.apology",
            Metric::DossierPromiseKept => "dossier.promise_kept",
            Metric::DossierPromiseBroken => "dossier.promise_broken",
            Metric::TicketIssued => "ticket.issued",
            Metric::TicketServed => "ticket.served",
            Metric::TicketNoShow => "ticket.no_show",
            Metric::TicketWait => "ticket.wait",
            Metric::TicketService => "ticket.service",
            Metric::Rating => "rating.count",
            Metric::RatingLow => "rating.low",
            Metric::FeedbackReceived => "feedback.received",
            Metric::FeedbackAnsweredOnTime => "feedback.answered_on_time",
            Metric::FeedbackAnsweredLate => "feedback.answered_late",
            Metric::FeedbackUpheld => "feedback.upheld",
        }
    }

    pub fn parse(code: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// One counter change: `(office, day, metric, dim) += (n, total)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Delta {
    pub office_id: Uuid,
    pub day: Date,
    pub metric: Metric,
    pub dim: String,
    pub n: i64,
    pub total: i64,
}

/// Collects deltas with the totals row added for every breakdown.
struct Out {
    office_id: Uuid,
    v: Vec<Delta>,
}

impl Out {
    fn new(office_id: Uuid) -> Self {
        Self {
            office_id,
            v: Vec::new(),
        }
    }
    /// `+ (n, total)` on the totals row and on each of `dims`.
    fn add(&mut self, day: Date, metric: Metric, dims: &[String], n: i64, total: i64) {
        for dim in std::iter::once(String::new()).chain(dims.iter().cloned()) {
            self.v.push(Delta {
                office_id: self.office_id,
                day,
                metric,
                dim,
                n,
                total,
            });
        }
    }
    fn one(&mut self, day: Date, metric: Metric, dims: &[String]) {
        self.add(day, metric, dims, 1, 0);
    }
}

fn dim(key: &str, value: impl std::fmt::Display) -> String {
    format!("{key}:{value}")
}

fn hist_dims(group: Uuid, secs: i64, extra: &[String]) -> Vec<String> {
    let b = format!("b:{:02}", bucket_of(secs));
    let g = dim("g", group.simple());
    let mut d = vec![g.clone(), b.clone(), format!("{g}|{b}")];
    d.extend_from_slice(extra);
    d
}

// ---------------------------------------------------------------------------------------------
// Dossiers

/// What the rollups need of a dossier row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierInput {
    /// The receiving office (nơi tiếp nhận): a dossier counts there, wherever it is handled.
    pub office_id: Uuid,
    pub procedure_code: String,
    /// `counter`, `online`, `postal`.
    pub channel: String,
    /// The officer who received it at the desk (none for online and postal dossiers).
    pub received_by: Option<Uuid>,
    pub facts: DossierFacts,
}

/// A dossier's contributions (see [`Metric`] for each).
pub fn dossier_contributions(d: &DossierInput) -> Vec<Delta> {
    let f = &d.facts;
    let mut out = Out::new(d.office_id);
    let p = vec![dim("p", &d.procedure_code)];
    for s in &f.supplements {
        out.one(s.requested_at.date(), Metric::DossierSupplement, &p);
    }
    for r in &f.reappointments {
        out.one(r.at.date(), Metric::DossierApology, &p);
    }
    if let Some(closed) = f.closed_at {
        let m = match f.state {
            DossierState::Refused => Some(Metric::DossierRefused),
            DossierState::Stopped => Some(Metric::DossierStopped),
            DossierState::Withdrawn => Some(Metric::DossierWithdrawn),
            _ => None,
        };
        if let Some(m) = m {
            out.one(closed.date(), m, &p);
        }
    }
    let Some(received) = f.received_at else {
        return out.v;
    };
    // Crossed `p:…|ch:…`: the periodic report splits each procedure's new dossiers by channel.
    let ch = dim("ch", &d.channel);
    let mut rd = vec![ch.clone(), p[0].clone(), format!("{}|{ch}", p[0])];
    if let Some(o) = d.received_by {
        rd.push(dim("o", o.simple()));
    }
    out.one(received.date(), Metric::DossierReceived, &rd);
    // End of processing: finished, or a terminal exit other than Return.
    let ended = f.done_at.or(f.closed_at).map(|t| t.date());
    if let Some(end) = ended {
        out.one(end, Metric::DossierClosed, &p);
    }
    if let (Some(done), Some(status)) = (f.done_at, f.on_time) {
        let m = match status {
            OnTime::Early => Metric::DossierEarly,
            OnTime::OnTime => Metric::DossierOnTime,
            OnTime::Late => Metric::DossierLate,
        };
        let mut dims = p.clone();
        if let Some(o) = d.received_by {
            dims.push(dim("o", o.simple()));
        }
        out.one(done.date(), m, &dims);
    }
    if let (Some(end), Some(kept)) = (ended, f.on_time_reappointed) {
        let m = if kept.is_in_time() {
            Metric::DossierPromiseKept
        } else {
            Metric::DossierPromiseBroken
        };
        out.one(end, m, &p);
    }
    if let Some(due) = f.current_due() {
        out.one(due, Metric::DossierDue, &p);
        if let Some(end) = ended {
            let after_due = due.checked_add(1.day()).unwrap_or(due);
            out.one(end.max(after_due), Metric::DossierSettled, &p);
        }
    }
    out.v
}

// ---------------------------------------------------------------------------------------------
// Tickets

/// What the rollups need of a ticket row. Times are UTC microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketInput {
    pub office_id: Uuid,
    /// The ticket's local day.
    pub day: Date,
    /// The service the number was taken for, and the current (last) one.
    pub first_group_id: Uuid,
    pub group_id: Uuid,
    /// `kiosk`, `web`, `staff`.
    pub channel: String,
    /// `waiting`, `called`, `serving`, `done`, `no-show`.
    pub state: String,
    pub issued_at: i64,
    pub first_called_at: Option<i64>,
    pub serve_start: Option<i64>,
    pub serve_end: Option<i64>,
    pub officer_id: Option<Uuid>,
}

/// A ticket's contributions (see [`Metric`] for each).
pub fn ticket_contributions(t: &TicketInput) -> Vec<Delta> {
    let mut out = Out::new(t.office_id);
    let hour = dim("h", format!("{:02}", local(t.issued_at).hour()));
    let first = dim("g", t.first_group_id.simple());
    let last = dim("g", t.group_id.simple());
    out.one(
        t.day,
        Metric::TicketIssued,
        &[first.clone(), hour.clone(), dim("ch", &t.channel)],
    );
    if let Some(called) = t.first_called_at {
        let secs = (called - t.issued_at).max(0) / 1_000_000;
        let dims = hist_dims(t.first_group_id, secs, std::slice::from_ref(&hour));
        out.add(t.day, Metric::TicketWait, &dims, 1, secs);
    }
    match t.state.as_str() {
        "done" => {
            let mut dims = vec![last];
            if let Some(o) = t.officer_id {
                dims.push(dim("o", o.simple()));
            }
            out.one(t.day, Metric::TicketServed, &dims);
            if let (Some(s), Some(e)) = (t.serve_start, t.serve_end) {
                let secs = (e - s).max(0) / 1_000_000;
                let extra: Vec<String> = t
                    .officer_id
                    .map(|o| dim("o", o.simple()))
                    .into_iter()
                    .collect();
                let dims = hist_dims(t.group_id, secs, &extra);
                out.add(t.day, Metric::TicketService, &dims, 1, secs);
            }
        }
        "no-show" => out.one(t.day, Metric::TicketNoShow, &[last]),
        _ => {}
    }
    out.v
}

// ---------------------------------------------------------------------------------------------
// Ratings

/// What the rollups need of a rating row (one criterion of a submission).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingInput {
    pub office_id: Uuid,
    pub day: Date,
    pub criterion: String,
    pub scale: String,
    pub value: i64,
    pub satisfied: bool,
    pub low: bool,
    pub officer_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub group_id: Option<Uuid>,
    /// A correction set the rating aside: it contributes nothing.
    pub set_aside: bool,
}

/// A rating's contributions: none when set aside (see [`Metric`] for each).
pub fn rating_contributions(r: &RatingInput) -> Vec<Delta> {
    let mut out = Out::new(r.office_id);
    if r.set_aside {
        return out.v;
    }
    let cr = dim("cr", &r.criterion);
    let v = dim("v", format!("{}:{}", r.scale, r.value));
    let mut dims = vec![cr.clone(), v.clone(), format!("{cr}|{v}")];
    let officer = r.officer_id.map(|o| dim("o", o.simple()));
    dims.extend(officer.clone());
    dims.extend(r.procedure_code.as_ref().map(|p| dim("p", p)));
    dims.extend(r.group_id.map(|g| dim("g", g.simple())));
    out.add(r.day, Metric::Rating, &dims, 1, i64::from(r.satisfied));
    if r.low {
        let dims: Vec<String> = officer.into_iter().collect();
        out.one(r.day, Metric::RatingLow, &dims);
    }
    out.v
}

// ---------------------------------------------------------------------------------------------
// Feedback

/// What the rollups need of a feedback case. Times are UTC microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackInput {
    /// The receiving office.
    pub office_id: Uuid,
    pub day: Date,
    /// `procedure`, `conduct`.
    pub category: String,
    pub channel: String,
    pub answered_at: Option<i64>,
    pub answered_on_time: Option<bool>,
    pub upheld: Option<bool>,
    pub officer_id: Option<Uuid>,
}

/// A feedback case's contributions (see [`Metric`] for each).
pub fn feedback_contributions(k: &FeedbackInput) -> Vec<Delta> {
    let mut out = Out::new(k.office_id);
    let cat = dim("cat", &k.category);
    out.one(
        k.day,
        Metric::FeedbackReceived,
        &[cat.clone(), dim("ch", &k.channel)],
    );
    let answered = k.answered_at.map(|t| local(t).date());
    if let Some(day) = answered {
        let m = if k.answered_on_time.unwrap_or(false) {
            Metric::FeedbackAnsweredOnTime
        } else {
            Metric::FeedbackAnsweredLate
        };
        out.one(day, m, std::slice::from_ref(&cat));
    }
    if k.upheld == Some(true) {
        let dims: Vec<String> = k
            .officer_id
            .map(|o| dim("o", o.simple()))
            .into_iter()
            .collect();
        out.one(answered.unwrap_or(k.day), Metric::FeedbackUpheld, &dims);
    }
    out.v
}

// ---------------------------------------------------------------------------------------------
// Diff

/// `after − before`, with equal entries cancelled and the rest merged by key (sorted), so a
/// change that moves nothing writes nothing.
pub fn diff(before: &[Delta], after: &[Delta]) -> Vec<Delta> {
    type Key = (Uuid, Date, Metric, String);
    let mut acc: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for (sign, list) in [(-1, before), (1, after)] {
        for d in list {
            let e = acc
                .entry((d.office_id, d.day, d.metric, d.dim.clone()))
                .or_default();
            e.0 += sign * d.n;
            e.1 += sign * d.total;
        }
    }
    acc.into_iter()
        .filter(|(_, (n, t))| *n != 0 || *t != 0)
        .map(|((office_id, day, metric, dim), (n, total))| Delta {
            office_id,
            day,
            metric,
            dim,
            n,
            total,
        })
        .collect()
}

/// The contributions of new rows (`diff(&[], after)`): merged and sorted.
pub fn added(after: &[Delta]) -> Vec<Delta> {
    diff(&[], after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Reappointment, Supplement};
    use crate::identity::Role;
    use jiff::civil::date;

    fn office() -> Uuid {
        Uuid::from_u128(7)
    }

    fn dossier(f: DossierFacts) -> DossierInput {
        DossierInput {
            office_id: office(),
            procedure_code: "1.001".into(),
            channel: "counter".into(),
            received_by: Some(Uuid::from_u128(1)),
            facts: f,
        }
    }

    fn count(v: &[Delta], m: Metric, dim: &str) -> i64 {
        v.iter()
            .filter(|d| d.metric == m && d.dim == dim)
            .map(|d| d.n)
            .sum()
    }

    #[test]
    fn metric_codes_are_unique_and_parse() {
        let mut seen = std::collections::BTreeSet::new();
        for m in Metric::ALL {
            assert_eq!(Metric::parse(m.code()), Some(m));
            seen.insert(m.code());
        }
        assert_eq!(seen.len(), 25);
    }

    #[test]
    fn received_dossier_counts_received_and_due_with_totals() {
        let at = date(2026, 3, 2).at(9, 0, 0, 0);
        let f = DossierFacts::received(at, date(2026, 3, 6)).unwrap();
        let v = dossier_contributions(&dossier(f));
        assert_eq!(count(&v, Metric::DossierReceived, ""), 1);
        assert_eq!(count(&v, Metric::DossierReceived, "ch:counter"), 1);
        assert_eq!(count(&v, Metric::DossierReceived, "p:1.001"), 1);
        assert_eq!(count(&v, Metric::DossierReceived, "p:1.001|ch:counter"), 1);
        let due: Vec<_> = v
            .iter()
            .filter(|d| d.metric == Metric::DossierDue)
            .collect();
        assert!(due.iter().all(|d| d.day == date(2026, 3, 6)));
        assert_eq!(count(&v, Metric::DossierClosed, ""), 0);
        assert_eq!(count(&v, Metric::DossierSettled, ""), 0);
    }

    #[test]
    fn finished_late_with_apology_moves_due_and_settles_on_finish_day() {
        let at = date(2026, 3, 2).at(9, 0, 0, 0);
        let mut f = DossierFacts::received(at, date(2026, 3, 6)).unwrap();
        f.supplements.push(Supplement {
            requested_at: date(2026, 3, 3).at(9, 0, 0, 0),
            completed_at: Some(date(2026, 3, 4).at(9, 0, 0, 0)),
            reason: "x".into(),
            approved_by_head: false,
        });
        f.reappointments.push(Reappointment {
            at: date(2026, 3, 5).at(9, 0, 0, 0),
            reason: "r".into(),
            new_due: date(2026, 3, 10),
            signer_role: Role::Head,
        });
        f.state = DossierState::Done;
        f.done_at = Some(date(2026, 3, 12).at(9, 0, 0, 0));
        f.on_time = Some(OnTime::Late);
        f.on_time_reappointed = Some(OnTime::Late);
        let v = dossier_contributions(&dossier(f));
        assert_eq!(count(&v, Metric::DossierLate, ""), 1);
        assert_eq!(
            count(
                &v,
                Metric::DossierLate,
                &format!("o:{}", Uuid::from_u128(1).simple())
            ),
            1
        );
        assert_eq!(count(&v, Metric::DossierSupplement, ""), 1);
        assert_eq!(count(&v, Metric::DossierApology, ""), 1);
        assert_eq!(count(&v, Metric::DossierPromiseBroken, ""), 1);
        let day_of = |m| {
            v.iter()
                .find(|d| d.metric == m && d.dim.is_empty())
                .unwrap()
                .day
        };
        assert_eq!(day_of(Metric::DossierDue), date(2026, 3, 10));
        assert_eq!(day_of(Metric::DossierSettled), date(2026, 3, 12));
        assert_eq!(day_of(Metric::DossierClosed), date(2026, 3, 12));
    }

    #[test]
    fn refused_before_receipt_counts_only_the_refusal() {
        let mut f = DossierFacts::submitted(date(2026, 3, 2).at(9, 0, 0, 0));
        f.state = DossierState::Refused;
        f.closed_at = Some(date(2026, 3, 3).at(9, 0, 0, 0));
        let v = dossier_contributions(&dossier(f));
        assert_eq!(count(&v, Metric::DossierRefused, ""), 1);
        assert_eq!(count(&v, Metric::DossierReceived, ""), 0);
        assert_eq!(count(&v, Metric::DossierClosed, ""), 0);
    }

    #[test]
    fn diff_cancels_what_did_not_change() {
        let at = date(2026, 3, 2).at(9, 0, 0, 0);
        let before = DossierFacts::received(at, date(2026, 3, 6)).unwrap();
        let mut after = before.clone();
        after.state = DossierState::Done;
        after.done_at = Some(date(2026, 3, 4).at(9, 0, 0, 0));
        after.on_time = Some(OnTime::Early);
        let b = dossier_contributions(&dossier(before.clone()));
        let a = dossier_contributions(&dossier(after));
        let d = diff(&b, &a);
        assert!(d.iter().all(|x| x.metric != Metric::DossierReceived));
        assert_eq!(count(&d, Metric::DossierEarly, ""), 1);
        assert_eq!(count(&d, Metric::DossierSettled, ""), 1);
        assert!(diff(&b, &b).is_empty());
        // Applying the diff to the before-state gives the after-state.
        let mut sum = added(&b);
        sum.extend(d);
        assert_eq!(added(&sum), added(&a));
    }

    #[test]
    fn set_aside_rating_contributes_nothing() {
        let mut r = RatingInput {
            office_id: office(),
            day: date(2026, 3, 2),
            criterion: "overall".into(),
            scale: "level5".into(),
            value: 4,
            satisfied: true,
            low: false,
            officer_id: None,
            procedure_code: None,
            group_id: None,
            set_aside: false,
        };
        let v = rating_contributions(&r);
        let total: i64 = v
            .iter()
            .filter(|d| d.metric == Metric::Rating && d.dim.is_empty())
            .map(|d| d.total)
            .sum();
        assert_eq!(total, 1);
        assert_eq!(count(&v, Metric::Rating, "cr:overall|v:level5:4"), 1);
        r.set_aside = true;
        assert!(rating_contributions(&r).is_empty());
    }

    #[test]
    fn ticket_wait_lands_in_its_bucket_and_hour() {
        let issued = crate::time::micros(date(2026, 3, 2).at(8, 15, 0, 0));
        let g = Uuid::from_u128(3);
        let t = TicketInput {
            office_id: office(),
            day: date(2026, 3, 2),
            first_group_id: g,
            group_id: g,
            channel: "kiosk".into(),
            state: "no-show".into(),
            issued_at: issued,
            first_called_at: Some(issued + 250 * 1_000_000),
            serve_start: None,
            serve_end: None,
            officer_id: None,
        };
        let v = ticket_contributions(&t);
        assert_eq!(count(&v, Metric::TicketIssued, "h:08"), 1);
        assert_eq!(count(&v, Metric::TicketWait, "b:04"), 1);
        assert_eq!(
            count(&v, Metric::TicketWait, &format!("g:{}|b:04", g.simple())),
            1
        );
        assert_eq!(count(&v, Metric::TicketNoShow, ""), 1);
        let wait = v
            .iter()
            .find(|d| d.metric == Metric::TicketWait && d.dim.is_empty());
        assert_eq!(wait.map(|d| d.total), Some(250));
    }
}
