//! A webhook subscription as its subscriber is shown it: never its secret, except once when it is
//! made or rotated.

use crate::webhooks::Subscription;
use chrono::{DateTime, Utc};
use samhandling_domain::webhook::{EventType, SubscriptionHealth};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSubscription {
    /// Identifier.
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// What it is told about.
    pub event_types: Vec<EventType>,
    /// How its deliveries fare: `paused` after failures (until `paused_until`), `failing` once
    /// they were abandoned (replay to re-enable it).
    pub health: SubscriptionHealth,
    /// Until when the secret replaced by the last rotation still signs beside the current one.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<Subscription> for WebhookSubscription {
    fn from(subscription: Subscription) -> Self {
        WebhookSubscription {
            id: subscription.id,
            url: subscription.url,
            event_types: subscription.event_types,
            health: subscription.health,
            previous_secret_valid_until: subscription.previous_secret_until,
            created_at: subscription.created_at,
        }
    }
}

/// A new subscription with its signing secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookSubscription {
    /// The subscription.
    #[serde(flatten)]
    pub subscription: WebhookSubscription,
    /// The Standard Webhooks secret (`whsec_…`) that signs deliveries; verify them with the
    /// `standardwebhooks` package. Shown once; `null` on an idempotent replay.
    pub secret: Option<String>,
}

/// What a replay did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResult {
    /// Deliveries queued again, sent in the order their events happened.
    #[schema(format = Int64)]
    pub replayed: usize,
    /// The subscription, active again.
    pub subscription: WebhookSubscription,
}

/// A rotated secret: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedSecret {
    /// The new secret (`whsec_…`); `null` on an idempotent replay.
    pub secret: Option<String>,
    /// Until when the previous secret goes on signing beside it.
    pub previous_secret_valid_until: Option<DateTime<Utc>>,
}
