//! The webhook delivery worker. It claims due deliveries from the outbox (several instances share
//! them through `FOR UPDATE SKIP LOCKED` and a lease), POSTs each with an HMAC-SHA256 signature,
//! records the attempt, and schedules a retry with exponential backoff until the event is more
//! than a day old. Connections go only to public addresses unless configured otherwise, checked
//! on every attempt against what the name resolves to then.

use chrono::Utc;
use hmac::{Hmac, Mac};
use samhandling_domain::webhook::{is_public_address, RetryPolicy};
use samhandling_persistence::webhooks::{self, AttemptOutcome, ClaimedDelivery, NextStep};
use samhandling_persistence::{in_transaction, Db, StoreError};
use sha2::Sha256;
use std::fmt::Write as _;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the worker behaves.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// Pause between polls of the outbox.
    pub poll_interval: Duration,
    /// When to retry.
    pub retry: RetryPolicy,
    /// Most attempts per poll, so one busy outbox cannot starve the other jobs.
    pub batch: usize,
    /// Longest a receiver may take to answer. A claimed delivery is leased for three times this
    /// (see [`DeliverySettings::lease`]).
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
            timeout: Duration::from_secs(10),
            allow_private_targets: false,
        }
    }
}

impl DeliverySettings {
    /// How long a claimed delivery is reserved for the worker that claimed it. It covers one
    /// attempt (at most `timeout`) and the recording of its outcome, with room for a slow
    /// database; a worker that dies holding it only delays that delivery by this much.
    pub fn lease(&self) -> Duration {
        self.timeout.saturating_mul(3)
    }
}

/// The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "Samhandling-Signature";
/// The header naming the delivery (stable across retries: receivers deduplicate on it).
pub const DELIVERY_HEADER: &str = "Samhandling-Delivery";
/// The header naming the event type.
pub const EVENT_HEADER: &str = "Samhandling-Event";

/// The signature header's value for `body` signed with `secret` at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| {
        <Hmac<Sha256> as Mac>::new_from_slice(b"-")
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    });
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex = digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    format!("t={timestamp},v1={hex}")
}

/// Delivers webhooks.
#[derive(Clone)]
pub struct Deliverer {
    db: Db,
    agent: ureq::Agent,
    settings: DeliverySettings,
}

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
        }
    }

    /// The settings.
    pub fn settings(&self) -> DeliverySettings {
        self.settings
    }

    /// Delivers what is due now, up to `batch` attempts; returns how many were made. Blocking.
    ///
    /// Deliveries are claimed one at a time, each under its own lease, so a lease never runs out
    /// while the delivery waits behind others in this worker: another instance can take a
    /// delivery over only when the worker holding it has died. What remains possible is the one
    /// delivery in flight when a worker dies after the receiver answered but before the outcome
    /// was recorded; it is sent again with the same `Samhandling-Delivery` id.
    ///
    /// No connection is held while a receiver is being waited for: the claim and the record are
    /// two short checkouts around the send, so a receiver that hangs holds up its own delivery and
    /// nothing that needs the database.
    pub fn deliver_due(&self) -> Result<usize, StoreError> {
        let mut attempts = 0;
        while attempts < self.settings.batch {
            let claimed = self.db.with_connection(|conn| {
                in_transaction(conn, |conn| {
                    webhooks::claim_due(conn, self.settings.lease(), 1)
                })
            })?;
            let Some(delivery) = claimed.into_iter().next() else {
                break;
            };
            let outcome = self.send(&delivery);
            let failed_attempts = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
            let next = if outcome
                .status_code
                .is_some_and(|code| (200..300).contains(&code))
            {
                NextStep::Delivered
            } else {
                self.settings
                    .retry
                    .next_attempt(delivery.created_at, Utc::now(), failed_attempts)
                    .map_or(NextStep::Abandon, NextStep::RetryAt)
            };
            self.db.with_connection(|conn| {
                webhooks::record_attempt(conn, delivery.id, &outcome, next)
            })?;
            attempts += 1;
        }
        Ok(attempts)
    }

    fn send(&self, delivery: &ClaimedDelivery) -> AttemptOutcome {
        let started = Instant::now();
        let body = serde_json::to_vec(&delivery.payload).unwrap_or_default();
        let result = self
            .agent
            .post(&delivery.url)
            .set("Content-Type", "application/json")
            .set(
                SIGNATURE_HEADER,
                &signature(&delivery.secret, Utc::now().timestamp(), &body),
            )
            .set(DELIVERY_HEADER, &delivery.id.to_string())
            .set(EVENT_HEADER, &delivery.event_type)
            .send_bytes(&body);
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        match result {
            Ok(response) => AttemptOutcome {
                status_code: Some(response.status()),
                error: (!(200..300).contains(&response.status()))
                    .then(|| "the receiver did not answer 2xx".to_owned()),
                duration_ms,
            },
            Err(ureq::Error::Status(code, _)) => AttemptOutcome {
                status_code: Some(code),
                error: Some(format!("the receiver answered {code}")),
                duration_ms,
            },
            Err(ureq::Error::Transport(transport)) => AttemptOutcome {
                status_code: None,
                error: Some(
                    transport.kind().to_string()
                        + &transport
                            .message()
                            .map(|message| format!(": {message}"))
                            .unwrap_or_default(),
                ),
                duration_ms,
            },
        }
    }

    /// Polls the outbox until the runtime stops; spawn it on the server's runtime.
    pub async fn run(self) {
        let interval = self.settings.poll_interval;
        let worker = Arc::new(self);
        super::every(interval, "webhook delivery", move || worker.deliver_due()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_stripe_style_hmac() {
        let signed = signature("whsec", 1_700_000_000, b"{\"a\":1}");
        assert!(signed.starts_with("t=1700000000,v1="));
        assert_eq!(signed.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(signed, signature("other", 1_700_000_000, b"{\"a\":1}"));
    }

    #[test]
    fn private_targets_are_not_resolved_unless_allowed() {
        assert!(resolve("127.0.0.1:80", false).is_err());
        assert!(resolve("127.0.0.1:80", true).is_ok());
    }
}
