//! Figures read from the rollups: the read API the dashboards, the 766 index, periodic reports
//! and public statistics build on.
//!
//! ```text
//! figures(app, actor, &FigureQuery)            -> OfficeFigures
//! figures_by_office(app, actor, &FigureQuery)  -> Vec<(OfficeRow, OfficeFigures)>
//! trend_by_month(app, actor, &FigureQuery)     -> Vec<(String /* YYYY-MM */, OfficeFigures)>
//! ```
//!
//! - **Scope.** The office is checked like every office-scoped use case (`crate::access`):
//!   outside the caller's scopes it is *not found*, inside without the permission *forbidden*.
//!   The permission is `FiguresRead` (heads, deputies, supervisors, auditors; the figures carry
//!   no personal data: no applicant, no complainant, never who rated).
//! - **Offices.** `subtree: false` sums the office's own counters; `true` the office and every
//!   office under it: its own rows plus its `rollup_under_*` rows (the counters of every office
//!   under it, kept with the own rows), so a province reads about as many rows as a commune. `figures_by_office` gives one entry for the office's own
//!   counters and one per direct child office (that child's whole subtree): the province
//!   comparison.
//! - **Period.** `from..=to`, local days; inverted or longer than [`MAX_DAYS`] is refused
//!   (`report-period`). Whole months are read from `rollup_month`, else `rollup_day`.
//!   `trend_by_month` reads whole months (the months `from` and `to` fall in).
//! - **Filters.** `procedure` narrows the dossier and rating figures (the `p:` counters),
//!   `service_group` the ticket and rating figures (`g:`); with both, ratings follow the
//!   procedure. Figures the filter does not apply to (feedback; tickets under a procedure
//!   filter; dossiers under a group filter) stay whole-office, and breakdown maps that are not
//!   crossed with the filter (channels, officers, levels, criteria, hours) are left empty.
//! - **Open dossiers** (in process within the limit / overdue) are as of the end of day
//!   `min(to, today)`: received − closed up to that day; overdue = due before that day − settled
//!   up to it (see `dossier.due` / `dossier.settled` in the metric catalogue). A dossier waiting
//!   for a supplement counts by its appointment date on record (its clock pause is not applied).
//!   The trend reads the stock at every month's end at once: running sums of the four month
//!   counters (`received`, `closed`, `due`, `settled`) from one grouped read, not one sum from
//!   the start per month.
//! - **Durations** of waits and service times: counts per bucket of
//!   `congbo_domain::report::histogram` (its `median()`/`p90()`), with their number and sum.

use std::collections::{BTreeMap, HashMap};

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::report::histogram::{BUCKETS, Histogram};
use congbo_domain::report::rollup::Metric;
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::rollup::{self as repo, Dims, Grain, GroupBy, Sum, SumQuery};
use jiff::ToSpan;
use jiff::civil::Date;
use uuid::Uuid;

use crate::{Actor, App, Result, access};

/// Longest period a figure may cover (about three years).
pub const MAX_DAYS: i32 = 1100;

/// Ratings below this count carry the small-sample flag (the rule's one home is
/// `congbo_domain::report::SMALL_SAMPLE`).
pub const SMALL_SAMPLE: i64 = congbo_domain::report::SMALL_SAMPLE as i64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureQuery {
    pub office_id: Uuid,
    pub from: Date,
    pub to: Date,
    pub procedure: Option<String>,
    pub service_group: Option<Uuid>,
    pub subtree: bool,
}

/// Durations (waits, service times): counts per bucket of `congbo_domain::report::histogram`
/// (its `median()` and `p90()` read them), with their number and sum for the mean.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Durations {
    pub histogram: Histogram,
    pub n: i64,
    pub total_secs: i64,
}

impl Durations {
    pub fn mean_secs(&self) -> Option<f64> {
        (self.n > 0).then(|| self.total_secs as f64 / self.n as f64)
    }
}

/// (count, sum) of a counter: a rating count with its satisfied ones, waits with their seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Count {
    pub n: i64,
    pub total: i64,
}

/// One officer's figures (keyed by user id in [`OfficeFigures::officers`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OfficerFigures {
    pub received: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    pub served: i64,
    /// Tickets with a service time, and the seconds.
    pub service: Count,
    /// Ratings of the officer, and how many were satisfied.
    pub ratings: Count,
    pub low_ratings: i64,
    /// Conduct complaints about the officer found to be right.
    pub upheld: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OfficeFigures {
    // Dossiers
    pub received: i64,
    /// `counter`, `online`, `postal`.
    pub received_by_channel: BTreeMap<String, i64>,
    /// Processing ended (finished, refused, stopped, withdrawn) after receipt.
    pub closed: i64,
    pub returned_early: i64,
    pub returned_on_time: i64,
    pub returned_late: i64,
    /// In process at the end of `open_as_of`.
    pub open_as_of: Option<Date>,
    pub open_within: i64,
    pub open_overdue: i64,
    pub supplements: i64,
    pub refusals: i64,
    pub stops: i64,
    pub withdrawals: i64,
    pub apologies: i64,
    pub second_promises_kept: i64,
    pub second_promises_broken: i64,
    // Queue
    pub tickets_issued: i64,
    pub tickets_served: i64,
    pub tickets_no_show: i64,
    /// Tickets issued per service group (the one the number was taken for).
    pub issued_by_group: BTreeMap<Uuid, i64>,
    /// Tickets issued per local hour (`8` for 08:00–08:59).
    pub issued_by_hour: BTreeMap<u8, i64>,
    /// Waits (issue to first call) per hour of issue: count and seconds.
    pub waits_by_hour: BTreeMap<u8, Count>,
    pub wait: Durations,
    pub service: Durations,
    // Ratings (set-aside ratings excluded)
    /// Ratings and how many were satisfied (`total`).
    pub ratings: Count,
    /// Fewer than 30 ratings: shares must carry the small-sample flag.
    pub ratings_small_sample: bool,
    pub ratings_low: i64,
    /// By `scale:value` (`level5:4`).
    pub ratings_by_level: BTreeMap<String, i64>,
    /// By criterion (`overall`, `timeliness`, `attitude`): count and satisfied.
    pub ratings_by_criterion: BTreeMap<String, Count>,
    // Feedback
    pub feedback_received: i64,
    pub feedback_by_category: BTreeMap<String, i64>,
    pub feedback_answered_on_time: i64,
    pub feedback_answered_late: i64,
    pub feedback_upheld: i64,
    // People
    pub officers: BTreeMap<Uuid, OfficerFigures>,
}

pub(crate) fn check(q: &FigureQuery) -> Result<()> {
    let days = (q.to - q.from).get_days();
    if q.from > q.to || days > MAX_DAYS {
        return Err(DomainError::field("report-period", "to").into());
    }
    Ok(())
}

fn month_of(d: Date) -> String {
    d.strftime("%Y-%m").to_string()
}

fn whole_months(q: &FigureQuery) -> bool {
    q.from.day() == 1 && q.to == q.to.last_of_month()
}

/// Counters read for one figure set, keyed by (metric code, dim).
#[derive(Default)]
struct Counters(HashMap<(String, String), Count>);

impl Counters {
    fn add(&mut self, s: &Sum) {
        let e = self.0.entry((s.metric.clone(), s.dim.clone())).or_default();
        e.n += s.n;
        e.total += s.total;
    }
    fn get(&self, m: Metric, dim: &str) -> Count {
        self.0
            .get(&(m.code().to_string(), dim.to_string()))
            .copied()
            .unwrap_or_default()
    }
    fn n(&self, m: Metric, dim: &str) -> i64 {
        self.get(m, dim).n
    }
    /// (value after `prefix`, count) of the rows of `m` whose dim starts with `prefix` and has
    /// no second key.
    fn by<'a>(&'a self, m: Metric, prefix: &'a str) -> impl Iterator<Item = (&'a str, Count)> {
        self.0.iter().filter_map(move |((metric, dim), c)| {
            (metric == m.code() && !dim.contains('|'))
                .then(|| dim.strip_prefix(prefix))
                .flatten()
                .map(|v| (v, *c))
        })
    }
}

/// The filters as dims: (dossier dim, ticket dim, rating dim); '' when not filtered.
pub(crate) fn filter_dims(q: &FigureQuery) -> (String, String, String) {
    let p = q
        .procedure
        .as_ref()
        .map(|p| format!("p:{p}"))
        .unwrap_or_default();
    let g = q
        .service_group
        .map(|g| format!("g:{}", g.simple()))
        .unwrap_or_default();
    let r = if p.is_empty() { g.clone() } else { p.clone() };
    (p, g, r)
}

fn build(c: &Counters, q: &FigureQuery) -> OfficeFigures {
    let (pd, gd, rd) = filter_dims(q);
    let mut f = OfficeFigures {
        received: c.n(Metric::DossierReceived, &pd),
        closed: c.n(Metric::DossierClosed, &pd),
        returned_early: c.n(Metric::DossierEarly, &pd),
        returned_on_time: c.n(Metric::DossierOnTime, &pd),
        returned_late: c.n(Metric::DossierLate, &pd),
        supplements: c.n(Metric::DossierSupplement, &pd),
        refusals: c.n(Metric::DossierRefused, &pd),
        stops: c.n(Metric::DossierStopped, &pd),
        withdrawals: c.n(Metric::DossierWithdrawn, &pd),
        apologies: c.n(Metric::DossierApology, &pd),
        second_promises_kept: c.n(Metric::DossierPromiseKept, &pd),
        second_promises_broken: c.n(Metric::DossierPromiseBroken, &pd),
        tickets_issued: c.n(Metric::TicketIssued, &gd),
        tickets_served: c.n(Metric::TicketServed, &gd),
        tickets_no_show: c.n(Metric::TicketNoShow, &gd),
        ratings: c.get(Metric::Rating, &rd),
        ratings_low: if rd.is_empty() {
            c.n(Metric::RatingLow, "")
        } else {
            0
        },
        feedback_received: c.n(Metric::FeedbackReceived, ""),
        feedback_answered_on_time: c.n(Metric::FeedbackAnsweredOnTime, ""),
        feedback_answered_late: c.n(Metric::FeedbackAnsweredLate, ""),
        feedback_upheld: c.n(Metric::FeedbackUpheld, ""),
        wait: histogram(c, Metric::TicketWait, &gd),
        service: histogram(c, Metric::TicketService, &gd),
        ..OfficeFigures::default()
    };
    f.ratings_small_sample = f.ratings.n < SMALL_SAMPLE;
    f.feedback_by_category = c
        .by(Metric::FeedbackReceived, "cat:")
        .map(|(k, v)| (k.to_string(), v.n))
        .collect();
    if pd.is_empty() {
        f.received_by_channel = c
            .by(Metric::DossierReceived, "ch:")
            .map(|(k, v)| (k.to_string(), v.n))
            .collect();
    }
    if gd.is_empty() {
        f.issued_by_group = c
            .by(Metric::TicketIssued, "g:")
            .filter_map(|(k, v)| Some((Uuid::parse_str(k).ok()?, v.n)))
            .collect();
        f.issued_by_hour = c
            .by(Metric::TicketIssued, "h:")
            .filter_map(|(k, v)| Some((k.parse().ok()?, v.n)))
            .collect();
        f.waits_by_hour = c
            .by(Metric::TicketWait, "h:")
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect();
    }
    if rd.is_empty() {
        f.ratings_by_level = c
            .by(Metric::Rating, "v:")
            .map(|(k, v)| (k.to_string(), v.n))
            .collect();
        f.ratings_by_criterion = c
            .by(Metric::Rating, "cr:")
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    }
    if pd.is_empty() && gd.is_empty() {
        f.officers = officers(c);
    }
    f
}

fn histogram(c: &Counters, m: Metric, group_dim: &str) -> Durations {
    let t = c.get(m, group_dim);
    let counts: Vec<u64> = (0..BUCKETS)
        .map(|i| {
            let b = format!("b:{i:02}");
            let dim = if group_dim.is_empty() {
                b
            } else {
                format!("{group_dim}|{b}")
            };
            u64::try_from(c.n(m, &dim)).unwrap_or(0)
        })
        .collect();
    Durations {
        histogram: Histogram::from_counts(&counts),
        n: t.n,
        total_secs: t.total,
    }
}

fn officers(c: &Counters) -> BTreeMap<Uuid, OfficerFigures> {
    let mut out: BTreeMap<Uuid, OfficerFigures> = BTreeMap::new();
    let metrics = [
        Metric::DossierReceived,
        Metric::DossierEarly,
        Metric::DossierOnTime,
        Metric::DossierLate,
        Metric::TicketServed,
        Metric::TicketService,
        Metric::Rating,
        Metric::RatingLow,
        Metric::FeedbackUpheld,
    ];
    for m in metrics {
        for (k, v) in c.by(m, "o:") {
            let Ok(id) = Uuid::parse_str(k) else { continue };
            let o = out.entry(id).or_default();
            match m {
                Metric::DossierReceived => o.received += v.n,
                Metric::DossierEarly => o.early += v.n,
                Metric::DossierOnTime => o.on_time += v.n,
                Metric::DossierLate => o.late += v.n,
                Metric::TicketServed => o.served += v.n,
                Metric::TicketService => o.service = v,
                Metric::Rating => o.ratings = v,
                Metric::RatingLow => o.low_ratings += v.n,
                _ => o.upheld += v.n,
            }
        }
    }
    out
}

/// The rows to read for a query: the whole-office rows and, per filter, the filtered ones.
async fn read(
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
    grain: Grain,
    (from, to): (&str, &str),
    by: GroupBy,
) -> Result<Vec<Sum>> {
    let mut base = SumQuery {
        office_id: o.id,
        path: &o.path,
        subtree: q.subtree,
        grain,
        from,
        to,
        dims: Dims::Whole,
        metrics: &[],
    };
    let mut rows = repo::sums(tx, &base, by).await?;
    let (pd, gd, _) = filter_dims(q);
    for f in [pd, gd].into_iter().filter(|d| !d.is_empty()) {
        base.dims = Dims::Filter(f);
        rows.extend(repo::sums(tx, &base, by).await?);
    }
    Ok(rows)
}

/// The table and bounds a period is read from: whole months from `rollup_month`.
pub(super) fn period(q: &FigureQuery) -> (Grain, String, String) {
    if whole_months(q) {
        (Grain::Month, month_of(q.from), month_of(q.to))
    } else {
        (Grain::Day, q.from.to_string(), q.to.to_string())
    }
}

const OPEN_METRICS: [&str; 4] = [
    "dossier.received",
    "dossier.closed",
    "dossier.due",
    "dossier.settled",
];

/// Open dossiers at the end of day `e`, per group key: (within the limit, overdue).
async fn open_at(
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
    e: Date,
    by: GroupBy,
) -> Result<HashMap<String, (i64, i64)>> {
    let (pd, ..) = filter_dims(q);
    let dims = if pd.is_empty() {
        Dims::Totals
    } else {
        Dims::Filter(pd)
    };
    let open = OpenQuery {
        office: o,
        subtree: q.subtree,
        as_of: e,
        dims,
        by,
        key_of: |r| (!r.dim.contains('|')).then(|| r.key.clone()),
    };
    open_counts(tx, &open).await
}

/// Open dossiers at the end of each of `ends` (ascending: month ends, the last possibly
/// today), as (within the limit, overdue): the same counts as [`open_at`] for each day, read
/// at once. The stock at a month's end is the running sum of the month counters up to it (one
/// grouped read of four metrics' month rows for the office or subtree), a month not over yet
/// adds its day counters, and what falls due on the day itself is taken back out (one read of
/// the due counters over the span).
async fn open_at_ends(
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
    ends: &[Date],
) -> Result<Vec<(i64, i64)>> {
    let (Some(first), Some(last)) = (ends.first(), ends.last()) else {
        return Ok(Vec::new());
    };
    let (pd, ..) = filter_dims(q);
    let dims = if pd.is_empty() {
        Dims::Totals
    } else {
        Dims::Filter(pd)
    };
    let slot = |m: &str| match m {
        "dossier.received" => 0,
        "dossier.closed" => 1,
        "dossier.due" => 2,
        _ => 3,
    };
    let to_month = month_of(*last);
    let mut sq = SumQuery {
        office_id: o.id,
        path: &o.path,
        subtree: q.subtree,
        grain: Grain::Month,
        from: "",
        to: &to_month,
        dims,
        metrics: &OPEN_METRICS,
    };
    let mut months: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    for r in repo::sums(tx, &sq, GroupBy::Period).await? {
        if !r.dim.contains('|') {
            months.entry(r.key).or_default()[slot(&r.metric)] += r.n;
        }
    }
    let (from_day, to_day) = (first.to_string(), last.to_string());
    sq.grain = Grain::Day;
    sq.from = &from_day;
    sq.to = &to_day;
    sq.metrics = &["dossier.due"];
    let mut due_on: HashMap<String, i64> = HashMap::new();
    for r in repo::sums(tx, &sq, GroupBy::Period).await? {
        if !r.dim.contains('|') {
            *due_on.entry(r.key).or_default() += r.n;
        }
    }
    let mut out = Vec::with_capacity(ends.len());
    for e in ends {
        let month = month_of(*e);
        let mut acc = [0i64; 4];
        for (_, v) in months.range(..month.clone()) {
            (0..4).for_each(|i| acc[i] += v[i]);
        }
        if *e == e.last_of_month() {
            let v = months.get(&month).copied().unwrap_or_default();
            (0..4).for_each(|i| acc[i] += v[i]);
        } else {
            let (f, t) = (e.first_of_month().to_string(), e.to_string());
            let dq = SumQuery {
                from: &f,
                to: &t,
                metrics: &OPEN_METRICS,
                ..sq.clone()
            };
            for r in repo::sums(tx, &dq, GroupBy::Nothing).await? {
                if !r.dim.contains('|') {
                    acc[slot(&r.metric)] += r.n;
                }
            }
        }
        acc[2] -= due_on.get(&e.to_string()).copied().unwrap_or_default();
        let (open, overdue) = (acc[0] - acc[1], acc[2] - acc[3]);
        out.push((open - overdue, overdue));
    }
    Ok(out)
}

/// Which open dossiers to count, and how to group them.
pub(super) struct OpenQuery<'a> {
    pub office: &'a OfficeRow,
    pub subtree: bool,
    /// At the end of this day.
    pub as_of: Date,
    pub dims: Dims,
    pub by: GroupBy,
    /// The group of a summed row; `None` leaves the row out.
    pub key_of: fn(&Sum) -> Option<String>,
}

/// Open dossiers at the end of day `as_of`, per group: (within the limit, overdue). Open =
/// received − closed up to that day; overdue = due before it − settled up to it.
pub(super) async fn open_counts(
    tx: &mut Tx,
    oq: &OpenQuery<'_>,
) -> Result<HashMap<String, (i64, i64)>> {
    let e = oq.as_of;
    let first = e.first_of_month();
    let before_month = first.checked_sub(1.day()).map(month_of).unwrap_or_default();
    let mut q1 = SumQuery {
        office_id: oq.office.id,
        path: &oq.office.path,
        subtree: oq.subtree,
        grain: Grain::Month,
        from: "",
        to: &before_month,
        dims: oq.dims.clone(),
        metrics: &OPEN_METRICS,
    };
    let mut rows = repo::sums(tx, &q1, oq.by).await?;
    let (f, t) = (first.to_string(), e.to_string());
    q1.grain = Grain::Day;
    q1.from = &f;
    q1.to = &t;
    rows.extend(repo::sums(tx, &q1, oq.by).await?);
    // `due` counts only before `e`: take the due on `e` itself back out.
    q1.from = &t;
    q1.metrics = &["dossier.due"];
    let on_e = repo::sums(tx, &q1, oq.by).await?;
    let mut acc: HashMap<String, [i64; 4]> = HashMap::new();
    for (r, sign) in rows
        .iter()
        .map(|r| (r, 1))
        .chain(on_e.iter().map(|r| (r, -1)))
    {
        let Some(key) = (oq.key_of)(r) else { continue };
        let i = match r.metric.as_str() {
            "dossier.received" => 0,
            "dossier.closed" => 1,
            "dossier.due" => 2,
            _ => 3,
        };
        acc.entry(key).or_default()[i] += sign * r.n;
    }
    Ok(acc
        .into_iter()
        .map(|(k, [received, closed, due, settled])| {
            let open = received - closed;
            let overdue = due - settled;
            (k, (open - overdue, overdue))
        })
        .collect())
}

/// The day open dossiers are counted at: the period's last day, or today.
pub(crate) fn as_of(app: &App, q: &FigureQuery) -> Date {
    q.to.min(local_date(app.now()))
}

async fn load(app: &App, actor: &Actor, q: &FigureQuery) -> Result<(Tx, OfficeRow)> {
    check(q)?;
    let mut tx = app.db.read().await?;
    let o = access::office(&mut tx, q.office_id).await?;
    access::require(actor, Perm::FiguresRead, &o)?;
    Ok((tx, o))
}

/// The figures of the office (or its subtree) over the period.
pub async fn figures(app: &App, actor: &Actor, q: &FigureQuery) -> Result<OfficeFigures> {
    let (mut tx, o) = load(app, actor, q).await?;
    let f = figures_of(app, &mut tx, &o, q).await?;
    tx.commit().await?;
    Ok(f)
}

/// [`figures`] of an office already loaded and checked by the caller (crate-private: the
/// public statistics read them without an actor, and nothing else may).
pub(crate) async fn figures_of(
    app: &App,
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
) -> Result<OfficeFigures> {
    let (grain, from, to) = period(q);
    let rows = read(tx, o, q, grain, (&from, &to), GroupBy::Nothing).await?;
    let mut c = Counters::default();
    rows.iter().for_each(|r| c.add(r));
    let mut f = build(&c, q);
    let e = as_of(app, q);
    let open = open_at(tx, o, q, e, GroupBy::Nothing).await?;
    let (within, overdue) = open.values().copied().next().unwrap_or_default();
    (f.open_as_of, f.open_within, f.open_overdue) = (Some(e), within, overdue);
    Ok(f)
}

/// The office's own figures first, then one entry per direct child office (its subtree), by
/// office code. `q.subtree` is ignored (the entries are always as described).
pub async fn figures_by_office(
    app: &App,
    actor: &Actor,
    q: &FigureQuery,
) -> Result<Vec<(OfficeRow, OfficeFigures)>> {
    let (mut tx, o) = load(app, actor, q).await?;
    let q = FigureQuery {
        subtree: true,
        ..q.clone()
    };
    let offices = office_repo::list_subtree(&mut tx, &o.path).await?;
    let mut entries: Vec<OfficeRow> = vec![o.clone()];
    let mut children: Vec<OfficeRow> = offices
        .iter()
        .filter(|x| x.parent_id == Some(o.id))
        .cloned()
        .collect();
    children.sort_by(|a, b| a.code.cmp(&b.code));
    entries.extend(children);
    // Which entry each office's counters go to (hex id → index).
    let slot = |x: &OfficeRow| -> usize {
        entries
            .iter()
            .position(|e| e.id != o.id && x.path.starts_with(&e.path))
            .unwrap_or(0)
    };
    let index: HashMap<String, usize> = offices
        .iter()
        .map(|x| (x.id.simple().to_string(), slot(x)))
        .collect();
    let (grain, from, to) = period(&q);
    let rows = read(&mut tx, &o, &q, grain, (&from, &to), GroupBy::Office).await?;
    let mut counters: Vec<Counters> = entries.iter().map(|_| Counters::default()).collect();
    for r in &rows {
        if let Some(&i) = index.get(&r.key) {
            counters[i].add(r);
        }
    }
    let e = as_of(app, &q);
    let open = open_at(&mut tx, &o, &q, e, GroupBy::Office).await?;
    let mut opens = vec![(0, 0); entries.len()];
    for (k, (w, d)) in open {
        if let Some(&i) = index.get(&k) {
            opens[i].0 += w;
            opens[i].1 += d;
        }
    }
    tx.commit().await?;
    Ok(entries
        .into_iter()
        .zip(counters)
        .zip(opens)
        .map(|((office, c), (w, d))| {
            let mut f = build(&c, &q);
            (f.open_as_of, f.open_within, f.open_overdue) = (Some(e), w, d);
            (office, f)
        })
        .collect())
}

/// One entry per month from `q.from`'s month to `q.to`'s, read from `rollup_month`; the open
/// figures are as of each month's last day (or today, for the current month).
pub async fn trend_by_month(
    app: &App,
    actor: &Actor,
    q: &FigureQuery,
) -> Result<Vec<(String, OfficeFigures)>> {
    let (mut tx, o) = load(app, actor, q).await?;
    let out = trend_of(app, &mut tx, &o, q).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`trend_by_month`] of an office already loaded and checked by the caller (crate-private,
/// like [`figures_of`]).
pub(crate) async fn trend_of(
    app: &App,
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
) -> Result<Vec<(String, OfficeFigures)>> {
    let (from, to) = (month_of(q.from), month_of(q.to));
    let rows = read(tx, o, q, Grain::Month, (&from, &to), GroupBy::Period).await?;
    let mut by_month: BTreeMap<String, Counters> = BTreeMap::new();
    let mut m = q.from.first_of_month();
    while m <= q.to {
        by_month.insert(month_of(m), Counters::default());
        m = m.checked_add(1.month()).unwrap_or(Date::MAX);
    }
    for r in &rows {
        if let Some(c) = by_month.get_mut(&r.key) {
            c.add(r);
        }
    }
    let today = local_date(app.now());
    let mut out = Vec::with_capacity(by_month.len());
    let mut ends = Vec::new();
    for (month, c) in by_month {
        let first: Date = format!("{month}-01")
            .parse()
            .map_err(|_| crate::AppError::Internal(format!("bad month {month}")))?;
        let e = first.last_of_month().min(today);
        if e >= first {
            ends.push((out.len(), e));
        }
        out.push((month, build(&c, q)));
    }
    let days: Vec<Date> = ends.iter().map(|(_, e)| *e).collect();
    for ((i, e), (w, d)) in ends.into_iter().zip(open_at_ends(tx, o, q, &days).await?) {
        let f = &mut out[i].1;
        (f.open_as_of, f.open_within, f.open_overdue) = (Some(e), w, d);
    }
    Ok(out)
}

/// Each office's own figures (not its subtree) over the period, for every office under the
/// given top-level offices: one grouped read per top-level office instead of one per office.
/// `q.office_id` and `q.subtree` are ignored. Crate-private, like [`figures_of`].
pub(crate) async fn figures_each_office(
    app: &App,
    tx: &mut Tx,
    roots: &[OfficeRow],
    q: &FigureQuery,
) -> Result<HashMap<Uuid, OfficeFigures>> {
    let q = FigureQuery {
        subtree: true,
        ..q.clone()
    };
    let (grain, from, to) = period(&q);
    let e = as_of(app, &q);
    let mut counters: HashMap<String, Counters> = HashMap::new();
    let mut opens: HashMap<String, (i64, i64)> = HashMap::new();
    for root in roots {
        let rows = read(tx, root, &q, grain, (&from, &to), GroupBy::Office).await?;
        for r in &rows {
            counters.entry(r.key.clone()).or_default().add(r);
        }
        opens.extend(open_at(tx, root, &q, e, GroupBy::Office).await?);
    }
    let mut out = HashMap::new();
    for root in roots {
        for x in office_repo::list_subtree(tx, &root.path).await? {
            let key = x.id.simple().to_string();
            let mut f = counters
                .get(&key)
                .map(|c| build(c, &q))
                .unwrap_or_else(|| build(&Counters::default(), &q));
            let (w, d) = opens.get(&key).copied().unwrap_or_default();
            (f.open_as_of, f.open_within, f.open_overdue) = (Some(e), w, d);
            out.insert(x.id, f);
        }
    }
    Ok(out)
}
