//! The webhook delivery worker.
//!
//! Each instance keeps up to `WEBHOOK_CONCURRENCY` attempts in flight, each on a different
//! subscription: it claims subscriptions that have something to send (under a lease, so
//! instances share the outbox), sends each one's oldest pending delivery signed as Standard
//! Webhooks 1.0 specifies, and records the outcome. Per subscription there is one attempt at a
//! time, in the order the events happened, so a receiver sees a referral's moves in order. A
//! failure pauses the subscription as a whole with exponential back-off (a circuit breaker);
//! past the retry window its deliveries are abandoned and it is marked failing until its owner
//! replays. A slow or failing receiver therefore delays only its own deliveries, and no pooled
//! connection is held while a receiver is waited for.
//!
//! A worker need not wait for its next poll to hear of new deliveries: the transaction that
//! enqueues them notifies on a PostgreSQL channel when it commits, and each instance's worker
//! listens on a connection of its own (see [`Deliverer::listening_on`]), so a receiver hears of a
//! change within milliseconds on whichever instance claims it. The poll stays as the safety net:
//! a notification missed while the listening connection was down costs at most one poll
//! interval, and a reconnected listener wakes the worker once to catch up.
//!
//! Delivery is at least once: a worker that dies after receivers answered and before the outcomes
//! were recorded leaves those deliveries (at most one per subscription, the one in flight) to be
//! sent again, with the same `webhook-id`.

use crate::metrics::DeliveryMetrics;
use chrono::Utc;
use samhandling_auth::webhook_signatures::signature_header;
use samhandling_domain::webhook::{is_public_address, DeliveryOutcome, RetryPolicy};
use samhandling_persistence::webhooks::{
    self, AttemptOutcome, ClaimedDelivery, NextStep, OutboxListener,
};
use samhandling_persistence::{in_transaction, Db, StoreError};
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore};

/// How the worker behaves.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// Longest pause between looks at the outbox when nothing is in flight. With a listener
    /// (see [`Deliverer::listening_on`]) new deliveries wake the worker sooner; the poll then
    /// only catches retries coming due and what was queued while the listener was down.
    pub poll_interval: Duration,
    /// When a failing subscription is tried again, and when it is given up.
    pub retry: RetryPolicy,
    /// Most attempts one call of [`Deliverer::deliver_due`] makes.
    pub batch: usize,
    /// Most attempts in flight at once in this instance, each on its own subscription.
    pub concurrency: usize,
    /// Longest a receiver may take to answer. A claimed subscription is leased for three times
    /// this (see [`DeliverySettings::lease`]).
    pub timeout: Duration,
    /// Allow targets in private, loopback and link-local ranges (development only).
    pub allow_private_targets: bool,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            poll_interval: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            batch: 20,
            concurrency: 16,
            timeout: Duration::from_secs(10),
            allow_private_targets: false,
        }
    }
}

impl DeliverySettings {
    /// How long a claimed subscription is reserved for the worker that claimed it. It covers one
    /// attempt (at most `timeout`) and the recording of its outcome, with room for a slow
    /// database; a worker that dies holding it only delays that subscription by this much.
    pub fn lease(&self) -> Duration {
        self.timeout.saturating_mul(3)
    }
}

/// The Standard Webhooks header naming the delivery (the same on every retry and replay:
/// receivers deduplicate on it).
pub const ID_HEADER: &str = "webhook-id";
/// The W3C Trace Context header a delivery carries when the request that caused it had a trace.
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// A `traceparent` for a new span in the trace of `parent` (a stored, valid `traceparent`): the
/// same version, trace and flags, with a random span id.
fn child_span(parent: &str) -> Option<String> {
    let mut fields = parent.split('-');
    let (version, trace, _, flags) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let mut span = uuid::Uuid::new_v4().simple().to_string();
    span.truncate(16);
    Some(format!("{version}-{trace}-{span}-{flags}"))
}
/// The Standard Webhooks header with the Unix time of the attempt, signed with the body.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The Standard Webhooks header with the signatures.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// Delivers webhooks.
#[derive(Clone)]
pub struct Deliverer {
    db: Db,
    agent: ureq::Agent,
    settings: DeliverySettings,
    /// Where the worker listens for new deliveries; `None` relies on the poll alone.
    listen_url: Option<Arc<str>>,
    /// Counts attempts by outcome; `None` counts nothing.
    metrics: Option<DeliveryMetrics>,
}

/// How often the listener reads what its connection has received. diesel offers no socket to
/// wait on, so it looks: a non-blocking read every few milliseconds costs next to nothing and
/// bounds what a notification adds to a delivery's latency.
const LISTEN_TICK: Duration = Duration::from_millis(5);
/// How often an idle listening connection makes a round trip, so that one lost without a reset
/// (a dead host, a dropped route) is found and replaced.
const LISTEN_PING: Duration = Duration::from_secs(10);
/// The longest pause between attempts to reconnect the listener; the first is a tenth of it.
const LISTEN_RECONNECT_CAP: Duration = Duration::from_secs(10);

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn resolve(netloc: &str, allow_private: bool) -> io::Result<Vec<SocketAddr>> {
    let addresses: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
    let allowed: Vec<SocketAddr> = addresses
        .into_iter()
        .filter(|address| allow_private || is_public_address(address.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the target resolves only to private, loopback or link-local addresses",
        ));
    }
    Ok(allowed)
}

/// What a transport failure comes to, in the coarse terms the owner is shown.
fn transport_outcome(transport: &ureq::Transport) -> DeliveryOutcome {
    let io_kind = std::error::Error::source(transport)
        .and_then(|source| source.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    match (transport.kind(), io_kind) {
        (_, Some(io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)) => DeliveryOutcome::Timeout,
        (_, Some(io::ErrorKind::ConnectionRefused)) | (ureq::ErrorKind::ConnectionFailed, _) => {
            DeliveryOutcome::Refused
        }
        _ => DeliveryOutcome::Unreachable,
    }
}

impl Deliverer {
    /// A worker on `db`.
    pub fn new(db: Db, settings: DeliverySettings) -> Deliverer {
        let allow_private = settings.allow_private_targets;
        let agent = ureq::AgentBuilder::new()
            .timeout(settings.timeout)
            .redirects(0)
            .user_agent("Samhandling-Webhooks/1")
            .resolver(move |netloc: &str| resolve(netloc, allow_private))
            .build();
        Deliverer {
            db,
            agent,
            settings,
            listen_url: None,
            metrics: None,
        }
    }

    /// Makes the worker count its attempts by outcome in `metrics`.
    #[must_use]
    pub fn counted_in(mut self, metrics: DeliveryMetrics) -> Deliverer {
        self.metrics = Some(metrics);
        self
    }

    /// Makes [`Deliverer::run`] listen for new deliveries on a connection of its own to
    /// `database_url` (one more than the pool's), waking at once when one is enqueued.
    #[must_use]
    pub fn listening_on(mut self, database_url: &str) -> Deliverer {
        self.listen_url = Some(Arc::from(database_url));
        self
    }

    /// The settings.
    pub fn settings(&self) -> DeliverySettings {
        self.settings
    }

    /// Claims up to `limit` subscriptions with something to send. Blocking.
    fn claim(&self, limit: usize) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.db.with_connection(|conn| {
            in_transaction(conn, |conn| {
                webhooks::claim_due(conn, self.settings.lease(), limit)
            })
        })
    }

    /// Sends one claimed delivery and records what became of it. Blocking; no connection is
    /// held while the receiver is waited for.
    fn attempt(&self, claimed: &ClaimedDelivery) -> Result<(), StoreError> {
        let outcome = self.send(claimed);
        if let Some(metrics) = &self.metrics {
            metrics.attempted(outcome.outcome);
        }
        let next = if outcome.outcome.is_delivered() {
            NextStep::Delivered
        } else {
            let failures = u32::try_from(claimed.consecutive_failures)
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            self.settings
                .retry
                .next_attempt(claimed.created_at, Utc::now(), failures)
                .map_or(NextStep::Abandon, NextStep::PauseUntil)
        };
        self.db
            .with_connection(|conn| webhooks::record_attempt(conn, claimed, &outcome, next))
    }

    /// Delivers what is due now, one attempt at a time, up to `batch` attempts; returns how many
    /// were made. Blocking: for tests and one-off runs; the server runs [`Deliverer::run`].
    pub fn deliver_due(&self) -> Result<usize, StoreError> {
        let mut attempts = 0;
        while attempts < self.settings.batch {
            let Some(claimed) = self.claim(1)?.into_iter().next() else {
                break;
            };
            self.attempt(&claimed)?;
            attempts += 1;
        }
        Ok(attempts)
    }

    fn send(&self, claimed: &ClaimedDelivery) -> AttemptOutcome {
        let started = Instant::now();
        let body = serde_json::to_vec(&claimed.event.body(claimed.created_at)).unwrap_or_default();
        let id = claimed.id.to_string();
        let timestamp = Utc::now().timestamp();
        let request = self
            .agent
            .post(&claimed.url)
            .set("Content-Type", "application/json")
            .set(ID_HEADER, &id)
            .set(TIMESTAMP_HEADER, &timestamp.to_string())
            .set(
                SIGNATURE_HEADER,
                &signature_header(&claimed.secrets, &id, timestamp, &body),
            );
        // The delivery is a span of the trace of the request that caused it.
        let request = match claimed.traceparent.as_deref().and_then(child_span) {
            Some(traceparent) => request.set(TRACEPARENT_HEADER, &traceparent),
            None => request,
        };
        let result = request.send_bytes(&body);
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, outcome) = match result {
            Ok(response) => (
                Some(response.status()),
                DeliveryOutcome::of_status(response.status()),
            ),
            Err(ureq::Error::Status(code, _)) => (Some(code), DeliveryOutcome::of_status(code)),
            Err(ureq::Error::Transport(transport)) => (None, transport_outcome(&transport)),
        };
        AttemptOutcome {
            status_code,
            outcome,
            duration_ms,
        }
    }

    /// Delivers until the runtime stops, with up to `concurrency` attempts in flight; spawn it on
    /// the server's runtime. Each attempt runs on a blocking thread; a finished one wakes the
    /// loop at once, so a subscription's next delivery follows without waiting for a poll; so
    /// does a notification of new deliveries when [`Deliverer::listening_on`] was set.
    pub async fn run(self) {
        let worker = Arc::new(self);
        let slots = Arc::new(Semaphore::new(worker.settings.concurrency.max(1)));
        let finished = Arc::new(Notify::new());
        if let Some(url) = worker.listen_url.clone() {
            let wake = Arc::downgrade(&finished);
            let spawned = std::thread::Builder::new()
                .name("webhook-listener".to_owned())
                .spawn(move || listen(&url, &wake));
            if let Err(error) = spawned {
                log::error!("webhook delivery: no listener, polling only: {error}");
            }
        }
        loop {
            let free = slots.available_permits();
            if free == 0 {
                finished.notified().await;
                continue;
            }
            let claiming = worker.clone();
            let claimed = match tokio::task::spawn_blocking(move || claiming.claim(free)).await {
                Ok(Ok(claimed)) => claimed,
                Ok(Err(error)) => {
                    log::warn!("webhook delivery: {error}");
                    Vec::new()
                }
                Err(error) => {
                    log::error!("webhook delivery: the claim's thread failed: {error}");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                let _ =
                    tokio::time::timeout(worker.settings.poll_interval, finished.notified()).await;
                continue;
            }
            for delivery in claimed {
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    break;
                };
                let attempting = worker.clone();
                let finished = finished.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(error) = attempting.attempt(&delivery) {
                        log::warn!("webhook delivery: {error}");
                    }
                    drop(slot);
                    finished.notify_one();
                });
            }
        }
    }
}

/// Listens for new deliveries and wakes the worker for each batch of them, until the worker is
/// gone. Runs on a thread of its own. A lost connection is opened again with growing pauses; once
/// it is back the worker is woken, since deliveries may have been enqueued unannounced meanwhile.
fn listen(database_url: &str, wake: &Weak<Notify>) {
    let mut pause = LISTEN_RECONNECT_CAP / 10;
    let mut interrupted = false;
    loop {
        let mut listener = match OutboxListener::connect(database_url) {
            Ok(listener) => listener,
            Err(error) => {
                interrupted = true;
                log::warn!("webhook delivery: cannot listen for new deliveries: {error}");
                if !sleep_while_wanted(wake, pause) {
                    return;
                }
                pause = pause.saturating_mul(2).min(LISTEN_RECONNECT_CAP);
                continue;
            }
        };
        pause = LISTEN_RECONNECT_CAP / 10;
        if std::mem::take(&mut interrupted) {
            log::info!("webhook delivery: listening for new deliveries again");
        }
        let Some(worker) = wake.upgrade() else {
            return;
        };
        worker.notify_one();
        drop(worker);
        let mut pinged = Instant::now();
        let lost = loop {
            std::thread::sleep(LISTEN_TICK);
            let Some(worker) = wake.upgrade() else {
                return;
            };
            match listener.woken() {
                Ok(true) => worker.notify_one(),
                Ok(false) => {}
                Err(error) => break error,
            }
            if pinged.elapsed() >= LISTEN_PING {
                if let Err(error) = listener.ping() {
                    break error;
                }
                pinged = Instant::now();
            }
        };
        log::warn!("webhook delivery: lost the listening connection, reconnecting: {lost}");
        interrupted = true;
    }
}

/// Sleeps for `pause` unless the worker goes first; returns whether it is still there.
fn sleep_while_wanted(wake: &Weak<Notify>, pause: Duration) -> bool {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        if wake.strong_count() == 0 {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100).min(pause));
    }
    wake.strong_count() > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_targets_are_not_resolved_unless_allowed() {
        assert!(resolve("127.0.0.1:80", false).is_err());
        assert!(resolve("127.0.0.1:80", true).is_ok());
    }
}
