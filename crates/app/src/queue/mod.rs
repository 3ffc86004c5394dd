//! The queue: configuration (service groups, counter services, settings), tickets issued at the
//! kiosk, on a phone or by an officer, the counter's actions, the lobby display and statistics.
//!
//! Every change writes, in one transaction: the ticket (or configuration) row, the audit row,
//! outbox rows for citizens who asked to be told their turn is near, and a live signal
//! (PostgreSQL `NOTIFY`, delivered only on commit). Displays in this process are told after the
//! commit; other processes hear the `NOTIFY`.
//!
//! One file per group of use cases: `config` (service groups, counter services, settings),
//! `ticket` (take a number, follow it, ask to be told), `counter` (sign in at a counter, call,
//! serve, finish, transfer, no-show, recall), `notify` (the "your turn is near" outbox),
//! `link` (the dossiers received from a ticket), `order` (call order and wait estimates),
//! `display` (the lobby board), `live` (its signals) and `stats`.

mod config;
mod counter;
pub mod display;
mod link;
pub mod live;
mod notify;
mod order;
mod stats;
mod ticket;

pub use config::{
    CounterConfig, QueueConfig, config, create_group, public_config, put_settings,
    set_counter_services, update_group,
};
pub use counter::{CounterDesk, TransferTo, act, call_next, desk, end_of_day, sign_in, sign_out};
pub use display::{CallInfo, CounterBoard, DisplayView, GroupBoard};
pub(crate) use link::{Attach, attach_dossier};
pub use link::{TicketOrigin, origin_of_dossier, ticket_of_dossier};
pub use stats::{QueueStats, StatsLine, period, stats};
pub use ticket::{
    IssueInput, TicketView, follow, follow_by_code, follow_url, get, issue, subscribe,
};

use congbo_domain::identity::Role;
use congbo_store::Tx;

use crate::{App, Result};
use live::Signal;

fn role_str(r: Role) -> Option<&'static str> {
    Some(r.as_str())
}

/// Commit `tx` with a live signal: other processes hear it through `NOTIFY` (queued in `tx`,
/// delivered only on commit); the displays of this process are told after the commit.
async fn commit_with(app: &App, mut tx: Tx, s: Signal) -> Result<()> {
    app.live.notify(&mut tx, &s).await?;
    tx.commit().await?;
    app.live.publish(s);
    Ok(())
}
