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
//!
//! The same writer records denials: the `access_denied` event of a 404 that may concern a record
//! outside the caller's scope ([`ReadAudit::note_denial`]). Every such 404 sends its event here,
//! whether or not the record exists; the writer stores it only if the record exists, in the same
//! batch transaction as the reads, whose commit is always flushed (`audit::record_batch`), and the
//! request waits for that commit either way. So the 404 of a record the caller may not see and
//! the 404 of an id that never existed take the same path and the same time.

use crate::error::ApiError;
use crate::metrics::ReadAuditMetrics;
use samhandling_domain::audit::NewAuditEvent;
use samhandling_persistence::{audit, Db};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use tokio::sync::oneshot;

/// Most events in one batch.
const MAX_BATCH: usize = 500;
/// Most events waiting for the writer; past this a read answers 503 instead of queueing without
/// bound (far above what the connection limit lets wait).
const BACKLOG: usize = 10_000;

/// What the writer does with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A read of personal data: always written.
    Read,
    /// A denial: written only if the record it names exists.
    Denial,
}

/// An event and the request waiting for it.
struct Pending {
    kind: Kind,
    event: NewAuditEvent,
    written: oneshot::Sender<Result<(), ApiError>>,
}

/// Hands read events to this instance's writer thread.
#[derive(Debug, Clone)]
pub struct ReadAudit {
    queue: SyncSender<Pending>,
    metrics: ReadAuditMetrics,
}

impl ReadAudit {
    /// Starts the writer on its own thread; it ends when the last handle is dropped.
    pub fn start(db: Db, metrics: ReadAuditMetrics) -> ReadAudit {
        let (queue, pending) = mpsc::sync_channel(BACKLOG);
        let counted = metrics.clone();
        std::thread::Builder::new()
            .name("read-audit".into())
            .spawn(move || write_batches(&db, &pending, &counted))
            .unwrap_or_else(|error| panic!("cannot start the read-audit writer: {error}"));
        ReadAudit { queue, metrics }
    }

    /// Hands `pending` to the writer, counted in its backlog (before it is queued, so that the
    /// writer never takes away what was not yet added).
    fn send(&self, pending: Pending) -> Result<(), ApiError> {
        self.metrics.backlog.inc();
        self.queue.try_send(pending).map_err(|error| {
            self.metrics.backlog.dec();
            refused(error)
        })
    }

    /// Records `event` durably; returns once it is committed.
    pub async fn record(&self, event: NewAuditEvent) -> Result<(), ApiError> {
        self.queue_one(Kind::Read, event).await
    }

    /// Records the denial `event` durably if the record it names exists, and nothing otherwise;
    /// returns once the batch it went into is committed, in both cases alike.
    pub async fn note_denial(&self, event: NewAuditEvent) -> Result<(), ApiError> {
        self.queue_one(Kind::Denial, event).await
    }

    async fn queue_one(&self, kind: Kind, event: NewAuditEvent) -> Result<(), ApiError> {
        let (written, committed) = oneshot::channel();
        self.send(Pending {
            kind,
            event,
            written,
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
                self.send(Pending {
                    kind: Kind::Read,
                    event,
                    written,
                })
                .map(|()| committed)
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

/// Why an event could not be queued.
fn refused(error: TrySendError<Pending>) -> ApiError {
    match error {
        TrySendError::Full(_) => {
            ApiError::Unavailable("too many reads are waiting for their audit".into())
        }
        TrySendError::Disconnected(_) => {
            ApiError::Internal("the read-audit writer has stopped".into())
        }
    }
}

/// The writer: takes whatever is waiting (at least one event), commits it as one batch, answers
/// every request in it, and starts over. A failed batch fails every request in it; a denial that
/// fails alone fails only its own request.
fn write_batches(db: &Db, pending: &Receiver<Pending>, metrics: &ReadAuditMetrics) {
    while let Ok(first) = pending.recv() {
        let mut batch = vec![first];
        batch.extend(pending.try_iter().take(MAX_BATCH - 1));
        let size = batch.len();
        metrics.backlog.sub(i64::try_from(size).unwrap_or(i64::MAX));
        let started = std::time::Instant::now();
        let (reads, denials): (Vec<Pending>, Vec<Pending>) = batch
            .into_iter()
            .partition(|pending| pending.kind == Kind::Read);
        let read_events: Vec<NewAuditEvent> =
            reads.iter().map(|pending| pending.event.clone()).collect();
        let denial_events: Vec<NewAuditEvent> = denials
            .iter()
            .map(|pending| pending.event.clone())
            .collect();
        let result: Result<Vec<_>, ApiError> =
            db.with_connection(|conn| Ok(audit::record_batch(conn, &read_events, &denial_events)?));
        let batch_result = result.as_ref().map(|_| ()).map_err(Clone::clone);
        metrics.flush.observe(started.elapsed().as_secs_f64());
        metrics
            .batch_events
            .observe(f64::from(u32::try_from(size).unwrap_or(u32::MAX)));
        if let Err(error) = &batch_result {
            metrics.failed_batches.inc();
            log::warn!(
                "read audit: a batch of {} events failed: {error}",
                read_events.len() + denial_events.len()
            );
        }
        // A request that stopped waiting (its client went away) needs no answer.
        for read in reads {
            let _ = read.written.send(batch_result.clone());
        }
        match result {
            Ok(noted) => {
                for (denial, noted) in denials.into_iter().zip(noted) {
                    let _ = denial
                        .written
                        .send(noted.map(|_| ()).map_err(ApiError::from));
                }
            }
            Err(error) => {
                for denial in denials {
                    let _ = denial.written.send(Err(error.clone()));
                }
            }
        }
    }
}
