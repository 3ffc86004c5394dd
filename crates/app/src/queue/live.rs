//! Live updates for lobby displays and followers' phones.
//!
//! A use case queues a [`Signal`] in its transaction (PostgreSQL `NOTIFY`, delivered to every
//! process only when it commits) and publishes it in this process after the commit. Each
//! process that has display clients runs one hub task: on a signal for an office with
//! subscribers it loads that office's display once and hands the same frame to every client.
//! A lost `LISTEN` connection, or a client that fell behind, gets a fresh full frame, so a
//! display always catches up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use congbo_store::Tx;
use congbo_store::live::Listener;
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, broadcast};
use uuid::Uuid;

use super::{CallInfo, DisplayView};
use crate::{App, Result};

/// "Something changed at this office" (and, for a call, which ticket was called).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub office: Uuid,
    #[serde(default)]
    pub call: Option<Uuid>,
    /// The process that sent it (it already told its own clients).
    #[serde(default)]
    pub src: Uuid,
}

impl Signal {
    pub fn change(office: Uuid) -> Self {
        Self {
            office,
            call: None,
            src: Uuid::nil(),
        }
    }
    pub fn call(office: Uuid, ticket: Uuid) -> Self {
        Self {
            office,
            call: Some(ticket),
            src: Uuid::nil(),
        }
    }
}

/// What a display client receives: the whole board, and the call to announce if this frame
/// was caused by one.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub seq: u64,
    pub view: DisplayView,
    pub call: Option<CallInfo>,
    /// This frame as JSON, made once and shared by every client.
    #[serde(skip)]
    pub json: String,
}

pub struct Live {
    instance: Uuid,
    local: broadcast::Sender<Signal>,
    displays: Mutex<HashMap<Uuid, broadcast::Sender<Arc<Frame>>>>,
    started: OnceCell<()>,
    seq: AtomicU64,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            instance: Uuid::new_v4(),
            local: broadcast::channel(1024).0,
            displays: Mutex::default(),
            started: OnceCell::new(),
            seq: AtomicU64::new(0),
        }
    }
}

impl Live {
    /// Queue `s` for the other processes; delivered when `tx` commits (PostgreSQL only).
    pub async fn notify(&self, tx: &mut Tx, s: &Signal) -> Result<()> {
        let mut s = s.clone();
        s.src = self.instance;
        let payload = serde_json::to_string(&s).unwrap_or_default();
        congbo_store::live::notify(tx, &payload).await?;
        Ok(())
    }

    /// Tell this process's clients, after the commit.
    pub fn publish(&self, s: Signal) {
        let _ = self.local.send(s);
    }

    /// Follow an office's board: the current frame, then one frame per change.
    pub async fn subscribe(
        &self,
        app: &App,
        office_id: Uuid,
    ) -> Result<(Arc<Frame>, broadcast::Receiver<Arc<Frame>>)> {
        self.start(app).await;
        let rx = {
            let mut m = self.displays.lock().unwrap_or_else(|e| e.into_inner());
            m.entry(office_id)
                .or_insert_with(|| broadcast::channel(64).0)
                .subscribe()
        };
        let frame = self.frame(app, office_id, None).await?;
        Ok((frame, rx))
    }

    /// A fresh full frame (after a client fell behind).
    pub async fn frame(
        &self,
        app: &App,
        office_id: Uuid,
        call: Option<Uuid>,
    ) -> Result<Arc<Frame>> {
        let view = super::display::load(app, office_id).await?;
        let call = call.and_then(|t| view.call_of(t));
        let mut frame = Frame {
            seq: self.seq.fetch_add(1, Ordering::Relaxed) + 1,
            view,
            call,
            json: String::new(),
        };
        frame.json = serde_json::to_string(&frame).unwrap_or_default();
        Ok(Arc::new(frame))
    }

    fn watched(&self) -> Vec<Uuid> {
        let mut m = self.displays.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, tx| tx.receiver_count() > 0);
        m.keys().copied().collect()
    }

    fn sender(&self, office: Uuid) -> Option<broadcast::Sender<Arc<Frame>>> {
        let m = self.displays.lock().unwrap_or_else(|e| e.into_inner());
        m.get(&office).filter(|s| s.receiver_count() > 0).cloned()
    }

    async fn start(&self, app: &App) {
        self.started
            .get_or_init(|| async {
                let hub = app.clone();
                let mut rx = self.local.subscribe();
                tokio::spawn(async move {
                    loop {
                        match rx.recv().await {
                            Ok(s) => hub.live.deliver(&hub, s).await,
                            Err(broadcast::error::RecvError::Lagged(_)) => {
                                for o in hub.live.watched() {
                                    hub.live.deliver(&hub, Signal::change(o)).await;
                                }
                            }
                            Err(broadcast::error::RecvError::Closed) => break,
                        }
                    }
                });
                let listen = app.clone();
                tokio::spawn(async move { listen.live.listen(&listen).await });
            })
            .await;
    }

    async fn deliver(&self, app: &App, s: Signal) {
        let Some(tx) = self.sender(s.office) else {
            return;
        };
        match self.frame(app, s.office, s.call).await {
            Ok(f) => {
                let _ = tx.send(f);
            }
            Err(e) => tracing::warn!(error = %e, office = %s.office, "display frame"),
        }
    }

    /// Relay other processes' signals (PostgreSQL); returns at once on SQLite.
    async fn listen(&self, app: &App) {
        loop {
            let mut l = match Listener::connect(&app.db).await {
                Ok(Some(l)) => l,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "live: cannot listen; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Anything may have changed while we were not listening.
            for o in self.watched() {
                self.publish(Signal::change(o));
            }
            loop {
                match l.recv().await {
                    Ok(Some(p)) => match serde_json::from_str::<Signal>(&p) {
                        Ok(s) if s.src != self.instance => self.publish(s),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "live: bad payload"),
                    },
                    Ok(None) => {
                        for o in self.watched() {
                            self.publish(Signal::change(o));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "live: listener lost");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        break;
                    }
                }
            }
        }
    }
}
