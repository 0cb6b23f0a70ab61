//! Webhooks close the loop: a referring organisation is told when a referral it sent changes, and
//! a centre when a referral's person is due for erasure, so their case-management systems need
//! not poll. The rules here (what is told to whom, which addresses may be called, when to retry)
//! are pure, so they are tested without a network.

use crate::access::Caller;
use crate::referral::{CoarseStatus, Referral, ReferralStatus};
use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use chrono::{DateTime, TimeDelta, Utc};
use std::net::IpAddr;

wire_enum! {
    /// What a subscription can be told about.
    EventType {
        /// A referral's status, as the referrer may see it, changed. For referrers.
        ReferralStatusChanged => "referral_status_changed",
        /// A referral's person will be erased by the retention sweep unless the centre works on
        /// it before `erasure_due_at`. For centres.
        ReferralErasureDue => "referral_erasure_due",
    }
}

impl EventType {
    /// The role an event is for: a subscriber must hold it to be told.
    pub const fn audience(self) -> crate::role::Role {
        match self {
            EventType::ReferralStatusChanged => crate::role::Role::Referrer,
            EventType::ReferralErasureDue => crate::role::Role::CentreCoordinator,
        }
    }
}

wire_enum! {
    /// What became of an attempt, in words that say what to fix and nothing about the receiver's
    /// network: never transport error text, which would make the delivery log a port scanner.
    DeliveryOutcome {
        /// The receiver answered 2xx.
        Delivered => "delivered",
        /// No answer within `WEBHOOK_TIMEOUT`.
        Timeout => "timeout",
        /// The connection was refused.
        Refused => "refused",
        /// The name did not resolve to an address deliveries may reach, or TLS failed.
        Unreachable => "unreachable",
        /// The receiver answered 4xx (or another status that is not 2xx or 5xx).
        Http4xx => "http_4xx",
        /// The receiver answered 5xx.
        Http5xx => "http_5xx",
    }
}

impl DeliveryOutcome {
    /// The outcome of an HTTP answer with `status`.
    pub fn of_status(status: u16) -> DeliveryOutcome {
        match status {
            200..=299 => DeliveryOutcome::Delivered,
            500..=599 => DeliveryOutcome::Http5xx,
            _ => DeliveryOutcome::Http4xx,
        }
    }

    /// Whether the receiver acknowledged the delivery.
    pub fn is_delivered(self) -> bool {
        self == DeliveryOutcome::Delivered
    }
}

wire_enum! {
    /// Where a subscription stands.
    SubscriptionState {
        /// Deliveries flow.
        Active => "active",
        /// Recent attempts failed: the subscription as a whole waits until `paused_until`
        /// before its next attempt (a circuit breaker), so a broken receiver costs one attempt
        /// per back-off step, not one per queued event.
        Paused => "paused",
        /// Its deliveries were abandoned after failing for longer than the retry window. Nothing
        /// is sent until its owner re-enables it with a replay.
        Failing => "failing",
    }
}

/// A subscription's health, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SubscriptionHealth {
    /// Where it stands.
    pub state: SubscriptionState,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    /// Until when it waits after failures (while `paused`).
    pub paused_until: Option<DateTime<Utc>>,
    /// The last time a receiver acknowledged a delivery.
    pub last_success_at: Option<DateTime<Utc>>,
    /// What became of the last attempt.
    pub last_outcome: Option<DeliveryOutcome>,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Attempt {
    /// When.
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status, if it answered.
    pub status_code: Option<i16>,
    /// What became of it.
    pub outcome: DeliveryOutcome,
    /// How long it took.
    pub duration_ms: i32,
}

/// An event for one subscription, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// Identifier, sent as `webhook-id` (the same on every retry and replay).
    pub id: uuid::Uuid,
    /// The event's type.
    pub event_type: EventType,
    /// What is sent (no personal data), as it would be sent now: a detail the person has since
    /// withdrawn consent to, or an erased reference, is gone from it too.
    pub payload: serde_json::Value,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// When the receiver acknowledged it with a 2xx.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When retrying stopped.
    pub abandoned_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<Attempt>,
}

/// What a subscriber is told, typed: the outbox stores these fields as columns (so erasure and
/// consent withdrawal change columns, not JSON paths), and the body is rendered from them when
/// it is sent or shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// A referral's status, as its referrer may see it, changed.
    ReferralStatusChanged(ReferralStatusChanged),
    /// A referral's person is due for erasure; to the centre.
    ReferralErasureDue(ReferralErasureDue),
}

/// The centre is told that a referral's person will be erased unless it acts: ids and a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralErasureDue {
    /// The referral.
    pub referral_id: uuid::Uuid,
    /// When the retention sweep erases it, unless the referral changes first.
    pub erasure_due_at: DateTime<Utc>,
}

/// The referrer's view of a referral's move: ids and statuses, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralStatusChanged {
    /// The referral.
    pub referral_id: uuid::Uuid,
    /// The referrer's case reference; gone once the referral is erased.
    pub external_reference: Option<String>,
    /// The coarse status after the move.
    pub coarse_status: CoarseStatus,
    /// The detailed status, while the person consents to feedback.
    pub status: Option<ReferralStatus>,
    /// Whether the coarse status changed: an event that told only a detailed step is withdrawn
    /// with the consent that allowed it.
    pub coarse_changed: bool,
}

impl WebhookEvent {
    /// The event for the referrer of a referral that moved from `before` to `after`, with the
    /// referrer's organisation; none when the referrer's view did not change.
    pub fn of_referral_move(
        before: &Referral,
        after: &Referral,
    ) -> Option<(crate::OrganisationId, WebhookEvent)> {
        let referrer = crate::OrganisationId::new(after.referring_organisation_id?);
        if !before.referrer_notices(after.status) {
            return None;
        }
        let (coarse_status, status) = after.status_for_referrer();
        Some((
            referrer,
            WebhookEvent::ReferralStatusChanged(ReferralStatusChanged {
                referral_id: after.id,
                external_reference: after.external_reference.clone(),
                coarse_status,
                status,
                coarse_changed: before.status.coarse() != coarse_status,
            }),
        ))
    }

    /// Its type.
    pub fn event_type(&self) -> EventType {
        match self {
            WebhookEvent::ReferralStatusChanged(_) => EventType::ReferralStatusChanged,
            WebhookEvent::ReferralErasureDue(_) => EventType::ReferralErasureDue,
        }
    }

    /// The body a receiver gets, in the envelope Standard Webhooks recommends: `type`,
    /// `timestamp` (when the event happened) and `data`.
    pub fn body(&self, occurred_at: DateTime<Utc>) -> serde_json::Value {
        let data = match self {
            WebhookEvent::ReferralStatusChanged(event) => serde_json::json!({
                "referral": {
                    "id": event.referral_id,
                    "external_reference": event.external_reference,
                    "coarse_status": event.coarse_status,
                    "status": event.status,
                }
            }),
            WebhookEvent::ReferralErasureDue(event) => serde_json::json!({
                "referral": {
                    "id": event.referral_id,
                    "erasure_due_at": event.erasure_due_at,
                }
            }),
        };
        serde_json::json!({
            "type": self.event_type(),
            "timestamp": occurred_at,
            "data": data,
        })
    }
}

/// When to try a failed delivery again: exponential backoff from `base`, capped at `cap`, until
/// `give_up_after` has passed since the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay after the first failure; doubled after each further one.
    pub base: TimeDelta,
    /// Longest delay between two attempts.
    pub cap: TimeDelta,
    /// How long after the event the last attempt may start.
    pub give_up_after: TimeDelta,
}

impl Default for RetryPolicy {
    /// 10 s, 20 s, 40 s … capped at an hour, for 25 hours: a receiver that is down for a day
    /// still gets every event.
    fn default() -> Self {
        RetryPolicy {
            base: TimeDelta::seconds(10),
            cap: TimeDelta::hours(1),
            give_up_after: TimeDelta::hours(25),
        }
    }
}

impl RetryPolicy {
    /// When to try again after `failed_attempts` failures of an event created at `created_at`;
    /// `None` to give up.
    pub fn next_attempt(
        self,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        failed_attempts: u32,
    ) -> Option<DateTime<Utc>> {
        let exponent = failed_attempts.saturating_sub(1).min(30);
        let delay = self
            .base
            .checked_mul(1_i32 << exponent.min(30))
            .map_or(self.cap, |delay| delay.min(self.cap));
        let next = now + delay;
        (next <= created_at + self.give_up_after).then_some(next)
    }
}

/// Whether a delivery may connect to `address`. Private, loopback, link-local and other
/// non-public ranges are refused, so a subscription cannot make the server probe its own network
/// (SSRF).
pub fn is_public_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                // IETF protocol assignments (RFC 6890), including DS-Lite and NAT64 discovery.
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let [first, second, ..] = segments;
            // An IPv4 address wrapped in IPv6 reaches that IPv4 address: the deprecated
            // IPv4-compatible form (::a.b.c.d) and the NAT64 prefixes (64:ff9b::/96 well-known,
            // 64:ff9b:1::/48 local use) are judged by the address inside.
            let embedded = |segments: [u16; 8]| {
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d))
            };
            if segments[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                return is_public_address(embedded(segments));
            }
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_address(embedded(segments));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first == 0x64 && second == 0xff9b && segments[2] == 1)
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Site-local (deprecated, RFC 3879) still routes inside sites.
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && second == 0x0db8)
        }
    }
}

crate::page::keyed_by!(Delivery, created_at);

/// Checks that `caller` may subscribe to every one of `event_types`: each event is for one
/// role (referral events for referrers, erasure notices for centres).
pub fn check_audience(caller: &Caller, event_types: &[EventType]) -> Result<(), FieldRefusal> {
    match event_types
        .iter()
        .find(|event| !caller.has_role(event.audience()))
    {
        Some(event) => Err(FieldRefusal::new(
            "event_types",
            "not_for_role",
            format!("{event} is for the role {}", event.audience()),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_called() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::5db8:d822",
            "fec0::1",
            "192.0.0.8",
        ] {
            assert!(
                !is_public_address(refused.parse().expect("address")),
                "{refused}"
            );
        }
        for allowed in [
            "93.184.216.34",
            "151.101.1.1",
            "2a00:1450:4001:80b::200e",
            "64:ff9b::5db8:d822",
        ] {
            assert!(
                is_public_address(allowed.parse().expect("address")),
                "{allowed}"
            );
        }
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        let policy = RetryPolicy::default();
        let created = Utc::now();
        let first = policy.next_attempt(created, created, 1).expect("retries");
        assert_eq!(first - created, TimeDelta::seconds(10));
        let second = policy.next_attempt(created, created, 2).expect("retries");
        assert_eq!(second - created, TimeDelta::seconds(20));
        let late = policy
            .next_attempt(created, created, 20)
            .expect("still within a day");
        assert_eq!(late - created, TimeDelta::hours(1));
        let after_a_day = created + TimeDelta::hours(24) + TimeDelta::minutes(30);
        assert_eq!(policy.next_attempt(created, after_a_day, 40), None);
    }
}
