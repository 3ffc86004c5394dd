//! "Your turn is near": after a call, citizens who asked to be told get one message (email, SMS
//! or Zalo) through the outbox, in the call's transaction.

use congbo_domain::queue::QueueSettings;
use congbo_store::Tx;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use congbo_store::repo::queue::{self as repo, TicketRow};
use uuid::Uuid;

use super::follow_url;
use super::order::group_order;
use crate::{App, Result, new_id};

/// A call just made: who was waiting before it and which ticket was called.
pub(super) struct Call<'a> {
    pub office: &'a OfficeRow,
    pub settings: &'a QueueSettings,
    /// The office's waiting tickets before the call (the called one included).
    pub waiting: &'a [TicketRow],
    pub called: Uuid,
    /// Priority calls in a row before this one.
    pub streak: u32,
    pub now: i64,
}

/// Tell citizens who opted in that their turn is near, once, in the call's transaction.
pub(super) async fn notify_near(tx: &mut Tx, app: &App, c: &Call<'_>) -> Result<()> {
    let rest: Vec<TicketRow> = c
        .waiting
        .iter()
        .filter(|t| t.id != c.called)
        .cloned()
        .collect();
    let mut groups: Vec<Uuid> = rest.iter().map(|t| t.group_id).collect();
    groups.sort();
    groups.dedup();
    for g in groups {
        let order = group_order(&rest, g, c.streak, c.settings.priority_burst);
        for (ahead, id) in order.iter().enumerate() {
            if ahead as u32 > c.settings.notify_when_ahead {
                break;
            }
            if let Some(t) = rest.iter().find(|t| t.id == *id) {
                tell(tx, app, c, t, ahead).await?;
            }
        }
    }
    Ok(())
}

/// One message to the holder of `t` (if they asked and were not told yet), marked as sent.
async fn tell(tx: &mut Tx, app: &App, c: &Call<'_>, t: &TicketRow, ahead: usize) -> Result<()> {
    let (Some(ch), Some(to), None) = (&t.notify_channel, &t.notify_to, t.notified_at) else {
        return Ok(());
    };
    let o = c.office;
    let subject = format!("Sắp đến lượt số {} tại {}", t.number, o.name);
    let body = format!(
        "Số {} của Ông/Bà sắp được gọi: còn {} người phía trước. Xin mời Ông/Bà có mặt \
         tại khu vực chờ của {}. Theo dõi: {}",
        t.number,
        ahead,
        o.name,
        follow_url(app, t)
    );
    outbox::insert(
        tx,
        &NewOutbox {
            id: new_id(),
            created_at: c.now,
            topic: "queue.turn-near".into(),
            dossier_id: None,
            channel: ch.clone(),
            recipient: to.clone(),
            subject,
            body,
        },
    )
    .await?;
    let mut done = t.clone();
    done.notified_at = Some(c.now);
    done.version += 1;
    repo::update_ticket(tx, &done, t.version).await?;
    crate::report::rollup::ticket_changed(tx, Some(t), &done).await
}
