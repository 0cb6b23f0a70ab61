//! The audit events of reads of personal data, committed in batches before the data is sent.
//!
//! A read changes nothing, so its event need not share a transaction with it; what matters is that
//! no personal data leaves the server unless the event of that read is durably stored. Each read
//! hands its event to this instance's writer and waits; the writer commits the events of all the
//! reads waiting at that moment in one statement and one synchronous commit, then releases them.
//! Under load a batch holds the events of every concurrent read, so a read costs a share of one
//! insert and one disk flush instead of a write transaction of its own. If the write fails, the
//! reads waiting on it answer 503 and disclose nothing.
//!
//! Only events in flight live here, and only until their commit: a crash loses the events of
//! reads that were never answered, never of one that was.

use crate::error::ApiError;
use samhandling_domain::audit::NewAuditEvent;
use samhandling_persistence::{audit, Db};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use tokio::sync::oneshot;

/// Most events in one batch.
const MAX_BATCH: usize = 500;
/// Most events waiting for the writer; past this a read answers 503 instead of queueing without
/// bound (far above what the connection limit lets wait).
const BACKLOG: usize = 10_000;

/// An event and the read waiting for it.
struct Pending {
    event: NewAuditEvent,
    written: oneshot::Sender<Result<(), ApiError>>,
}

/// Hands read events to this instance's writer thread.
#[derive(Debug, Clone)]
pub struct ReadAudit {
    queue: SyncSender<Pending>,
}

impl ReadAudit {
    /// Starts the writer on its own thread; it ends when the last handle is dropped.
    pub fn start(db: Db) -> ReadAudit {
        let (queue, pending) = mpsc::sync_channel(BACKLOG);
        std::thread::Builder::new()
            .name("read-audit".into())
            .spawn(move || write_batches(&db, &pending))
            .unwrap_or_else(|error| panic!("cannot start the read-audit writer: {error}"));
        ReadAudit { queue }
    }

    /// Records `event` durably; returns once it is committed.
    pub async fn record(&self, event: NewAuditEvent) -> Result<(), ApiError> {
        let (written, committed) = oneshot::channel();
        self.queue
            .try_send(Pending { event, written })
            .map_err(|error| match error {
                TrySendError::Full(_) => {
                    ApiError::Unavailable("too many reads are waiting for their audit".into())
                }
                TrySendError::Disconnected(_) => {
                    ApiError::Internal("the read-audit writer has stopped".into())
                }
            })?;
        committed
            .await
            .map_err(|_| ApiError::Internal("the read-audit writer dropped an event".into()))?
    }

    /// Records every event of `events` durably (the records of one list page); returns once all
    /// are committed.
    pub async fn record_all(&self, events: Vec<NewAuditEvent>) -> Result<(), ApiError> {
        let waiting = events
            .into_iter()
            .map(|event| {
                let (written, committed) = oneshot::channel();
                self.queue
                    .try_send(Pending { event, written })
                    .map(|()| committed)
                    .map_err(|error| match error {
                        TrySendError::Full(_) => ApiError::Unavailable(
                            "too many reads are waiting for their audit".into(),
                        ),
                        TrySendError::Disconnected(_) => {
                            ApiError::Internal("the read-audit writer has stopped".into())
                        }
                    })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        for committed in waiting {
            committed.await.map_err(|_| {
                ApiError::Internal("the read-audit writer dropped an event".into())
            })??;
        }
        Ok(())
    }
}

/// The writer: takes whatever is waiting (at least one event), commits it as one batch, answers
/// every read in it, and starts over.
fn write_batches(db: &Db, pending: &Receiver<Pending>) {
    while let Ok(first) = pending.recv() {
        let mut batch = vec![first];
        batch.extend(pending.try_iter().take(MAX_BATCH - 1));
        let (events, waiting): (Vec<NewAuditEvent>, Vec<_>) = batch
            .into_iter()
            .map(|pending| (pending.event, pending.written))
            .unzip();
        let result: Result<(), ApiError> =
            db.with_connection(|conn| Ok(audit::record_all(conn, &events)?));
        if let Err(error) = &result {
            log::warn!(
                "read audit: a batch of {} events failed: {error}",
                events.len()
            );
        }
        for written in waiting {
            // A read that stopped waiting (its client went away) needs no answer.
            let _ = written.send(result.clone());
        }
    }
}
