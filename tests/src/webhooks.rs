//! The webhook fixtures every test module shares: subscribing an organisation, and running the
//! delivery job in-process with retries that do not wait.

use crate::{authorized, send, App, Reply, TestApp};
use actix_web::test::TestRequest;
use samhandling_jobs::delivery::{Deliverer, DeliverySettings};
use serde_json::json;
use std::time::Duration;

/// Subscribes `token`'s organisation to `event_type` at `url`, read whole (not asserted: tests
/// also send refused subscriptions through here).
pub async fn subscribe_to(app: &impl App, token: &str, url: &str, event_type: &str) -> Reply {
    send(
        app,
        authorized(
            TestRequest::post().uri("/api/v1/webhook-subscriptions"),
            token,
        )
        .set_json(json!({"url": url, "event_types": [event_type]})),
    )
    .await
}

/// Subscribes `token`'s organisation to referral status changes at `url`.
pub async fn subscribe(app: &impl App, token: &str, url: &str) -> Reply {
    subscribe_to(app, token, url, "referral_status_changed").await
}

/// The URI of the webhook subscription `id`.
pub fn subscription_uri(id: impl std::fmt::Display) -> String {
    format!("/api/v1/webhook-subscriptions/{id}")
}

/// Delivery settings that retry at once (no backoff) and may reach a receiver on 127.0.0.1.
pub fn immediate_retries() -> DeliverySettings {
    DeliverySettings {
        retry: samhandling_domain::webhook::RetryPolicy {
            base: chrono::TimeDelta::zero(),
            ..samhandling_domain::webhook::RetryPolicy::default()
        },
        timeout: Duration::from_secs(5),
        allow_private_targets: true,
        ..DeliverySettings::default()
    }
}

/// A deliverer on `t`'s database with [`immediate_retries`].
pub fn deliverer(t: &TestApp) -> Deliverer {
    Deliverer::new(t.state.database.pool().clone(), immediate_retries())
}

/// Runs one round of `deliverer` off the test's thread (it blocks on HTTP); returns how many
/// deliveries it made.
pub async fn deliver(deliverer: &Deliverer) -> usize {
    let deliverer = deliverer.clone();
    actix_web::web::block(move || deliverer.deliver_due())
        .await
        .expect("the delivery job ran")
        .expect("deliveries were made")
}
