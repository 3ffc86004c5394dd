//! Who is called next: the counter's services, tickets sent to this counter, fair priority.

use uuid::Uuid;

/// A waiting ticket as the selection needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub group_id: Uuid,
    /// A transfer to one counter: only that counter calls it.
    pub target_counter: Option<Uuid>,
    pub priority: bool,
    /// The queue position key: the time the citizen first took a number (micros), kept across
    /// transfers so a transferred citizen does not start again at the back.
    pub enqueued_at: i64,
    /// Tie-break for tickets taken in the same microsecond: the daily serial.
    pub serial: i64,
}

/// What the counter brings to the choice.
#[derive(Debug, Clone)]
pub struct CallContext<'a> {
    pub counter_id: Uuid,
    /// The service groups this counter serves.
    pub groups: &'a [Uuid],
    /// How many of the office's most recent calls, in a row, went to priority tickets.
    pub priority_streak: u32,
    /// The office's `priority_burst` setting.
    pub priority_burst: u32,
}

fn eligible(c: &Candidate, ctx: &CallContext<'_>) -> bool {
    match c.target_counter {
        Some(t) => t == ctx.counter_id,
        None => ctx.groups.contains(&c.group_id),
    }
}

fn oldest<'c>(it: impl Iterator<Item = &'c Candidate>) -> Option<&'c Candidate> {
    it.min_by_key(|c| (c.enqueued_at, c.serial))
}

/// The ticket this counter calls next, if any.
///
/// 1. A ticket transferred to this very counter comes first (it has already waited once).
/// 2. Otherwise, among tickets of the counter's services: the oldest priority ticket, unless
///    `priority_burst` priority calls in a row have just been made while ordinary tickets
///    wait; then the oldest ordinary ticket (so ordinary citizens are never starved).
/// 3. Otherwise the oldest ordinary ticket.
pub fn pick_next<'c>(waiting: &'c [Candidate], ctx: &CallContext<'_>) -> Option<&'c Candidate> {
    if let Some(c) = oldest(
        waiting
            .iter()
            .filter(|c| c.target_counter == Some(ctx.counter_id)),
    ) {
        return Some(c);
    }
    let pool = || waiting.iter().filter(|c| eligible(c, ctx));
    let first_priority = oldest(pool().filter(|c| c.priority));
    let first_ordinary = oldest(pool().filter(|c| !c.priority));
    match (first_priority, first_ordinary) {
        (Some(p), Some(o)) => {
            if ctx.priority_streak >= ctx.priority_burst {
                Some(o)
            } else {
                Some(p)
            }
        }
        (p, o) => p.or(o),
    }
}

/// The order in which `waiting` would be called if only these tickets and one counter serving
/// all their groups existed, starting from `priority_streak`. Used for positions and estimates
/// shown to citizens: an honest approximation when several counters share groups.
pub fn queue_order(waiting: &[Candidate], priority_streak: u32, priority_burst: u32) -> Vec<Uuid> {
    let mut left: Vec<Candidate> = waiting
        .iter()
        .filter(|c| c.target_counter.is_none())
        .cloned()
        .collect();
    let groups: Vec<Uuid> = left.iter().map(|c| c.group_id).collect();
    let mut streak = priority_streak;
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ctx = CallContext {
            counter_id: Uuid::nil(),
            groups: &groups,
            priority_streak: streak,
            priority_burst,
        };
        let Some(next) = pick_next(&left, &ctx).cloned() else {
            break;
        };
        streak = if next.priority { streak + 1 } else { 0 };
        out.push(next.id);
        left.retain(|c| c.id != next.id);
    }
    out
}
