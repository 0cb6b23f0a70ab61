//! Webhook subscriptions: an organisation subscribes to the events its roles may hear of, ends
//! a subscription, replays what was abandoned, and rotates the signing secret. A caller reaches
//! only its organisation's subscriptions whose every event type one of its roles may hear of
//! ([`SubscriberScope`]), so that the roles now sharing these endpoints do not read each other's
//! delivery logs.

use crate::{Context, UseCaseError};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::webhook::{check_audience, Delivery, EventType, SubscriberScope};
use samhandling_domain::Caller;
use samhandling_persistence::webhooks as store;
use samhandling_persistence::PgConnection;
use std::time::Duration;
use uuid::Uuid;

pub use samhandling_persistence::webhooks::Subscription;

/// A subscription to make: its checked target and a fresh signing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription<'a> {
    /// Its id.
    pub id: Uuid,
    /// The checked target.
    pub url: &'a str,
    /// What it hears of.
    pub event_types: &'a [EventType],
    /// The signing secret.
    pub secret: &'a str,
}

/// Subscribes the caller's organisation to events every one of which is for one of the
/// caller's roles.
pub fn subscribe(
    ctx: &mut Context<'_>,
    caller: &Caller,
    new: &NewSubscription<'_>,
) -> Result<Subscription, UseCaseError> {
    check_audience(caller, new.event_types)?;
    let subscription = store::insert_subscription(
        ctx.conn(),
        new.id,
        caller.organisation_id,
        new.url,
        new.event_types,
        new.secret,
    )?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::WebhookSubscription,
        new.id,
    )?;
    Ok(subscription)
}

/// Ends the caller's organisation's subscription `id`; pending deliveries are abandoned.
pub fn unsubscribe(ctx: &mut Context<'_>, caller: &Caller, id: Uuid) -> Result<(), UseCaseError> {
    if !store::delete_subscription(ctx.conn(), id, &SubscriberScope::of(caller))? {
        return Err(UseCaseError::NotFound);
    }
    ctx.audit(AuditAction::Revoked, ResourceType::WebhookSubscription, id)?;
    Ok(())
}

/// Queues again the abandoned deliveries of the subscription `id` since `since` and makes it
/// active; returns how many, and the subscription as it is now.
pub fn replay(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    since: DateTime<Utc>,
) -> Result<(usize, Subscription), UseCaseError> {
    let scope = SubscriberScope::of(caller);
    let replayed = store::replay(ctx.conn(), id, &scope, since)?.ok_or(UseCaseError::NotFound)?;
    let subscription =
        store::find_subscription(ctx.conn(), id, &scope)?.ok_or(UseCaseError::NotFound)?;
    ctx.audit(AuditAction::Replayed, ResourceType::WebhookSubscription, id)?;
    Ok((replayed, subscription))
}

/// Replaces the signing secret of the subscription `id` with `secret`; the previous one stays
/// valid for `overlap`.
pub fn rotate_secret(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    secret: &str,
    overlap: Duration,
) -> Result<Subscription, UseCaseError> {
    let rotated = store::rotate_secret(
        ctx.conn(),
        id,
        &SubscriberScope::of(caller),
        secret,
        overlap,
    )?
    .ok_or(UseCaseError::NotFound)?;
    ctx.audit(
        AuditAction::SecretRotated,
        ResourceType::WebhookSubscription,
        id,
    )?;
    Ok(rotated)
}

/// A page of the caller's organisation's subscriptions, oldest first.
pub fn subscriptions(
    conn: &mut PgConnection,
    caller: &Caller,
    page: PageRequest,
) -> Result<Page<Subscription>, UseCaseError> {
    Ok(store::list_subscriptions(
        conn,
        &SubscriberScope::of(caller),
        page,
    )?)
}

/// The caller's organisation's subscription `id`; another organisation's, or one of an event
/// type the caller's roles do not hear of, is not found.
pub fn subscription(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Subscription, UseCaseError> {
    store::find_subscription(conn, id, &SubscriberScope::of(caller))?.ok_or(UseCaseError::NotFound)
}

/// A page of the deliveries of the caller's organisation's subscription `id`, oldest first,
/// with their attempts; another organisation's subscription is not found.
pub fn deliveries(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
    page: PageRequest,
) -> Result<Page<Delivery>, UseCaseError> {
    subscription(conn, caller, id)?;
    Ok(store::list_deliveries(conn, id, page)?)
}
