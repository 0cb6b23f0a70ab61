//! `/api/v1/webhook-subscriptions`: an organisation asks to be told of what concerns it (its
//! referrals' changes, erasures due, needs for help addressed to it or answered, its overdue
//! follow-up actions). Deliveries follow Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature`, `whsec_` secrets shown once), in order per subscription, retried with a
//! back-off of the whole subscription for more than a day; every attempt is visible to the
//! subscriber, and what was abandoned can be replayed.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use samhandling_auth::webhook_signatures;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::webhook::{self, Delivery, EventType};
use samhandling_domain::Role;
use samhandling_usecases::webhook_views::{
    CreatedWebhookSubscription, ReplayResult, RotatedSecret, WebhookSubscription,
};
use samhandling_usecases::webhooks::{self as usecases, NewSubscription};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_webhook_subscription)
        .service(list_webhook_subscriptions)
        .service(get_webhook_subscription)
        .service(delete_webhook_subscription)
        .service(list_webhook_deliveries)
        .service(replay_webhook_deliveries)
        .service(rotate_webhook_secret);
}

/// How long the secret a rotation replaces goes on signing beside the new one: a working day,
/// time for a receiver's operator to deploy the new secret without missing a delivery.
pub const SECRET_OVERLAP: std::time::Duration = std::time::Duration::from_hours(24);

/// Every role some event is for: referrers hear of their referrals, centres of erasures due,
/// partners of needs addressed to them, municipalities of answers, and the owners of follow-up
/// actions of overdue ones. Which subscriptions each reaches is the use cases' scope.
#[derive(Debug)]
pub struct Subscribers;
impl Policy for Subscribers {
    const ROLES: &'static [Role] = webhook::SUBSCRIBER_ROLES;
}

/// A subscription to create.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://fagsystem.stjordal.kommune.no/hooks/samhandling", "event_types": ["referral_status_changed"]}))]
pub struct CreateWebhookSubscription {
    /// Where to POST events: https, and not in a private, loopback or link-local range.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        // webhook_target::TARGET_PATTERN; a test keeps the two equal.
        pattern = r"^https://([a-z0-9-]+\.)+[a-z]{2,63}(:[1-9][0-9]{0,3})?(/[!-~]*)?$",
        max_length = 2000
    )]
    pub url: String,
    /// What to be told about, each for the roles that may hear of it (422 `not_for_role` when
    /// the caller holds none of them): `referral_status_changed` for referrers,
    /// `referral_erasure_due` for centre coordinators, `collaboration_need_addressed` for
    /// competence advisers, facilitators and governor advisers, `collaboration_need_answered`
    /// for municipal contacts, and `follow_up_action_overdue` for municipal contacts, governor
    /// advisers, competence advisers and facilitators.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub event_types: Vec<EventType>,
}

/// What to replay.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"since": "2026-12-01T00:00:00Z"}))]
pub struct ReplayRequest {
    /// Queue again the abandoned deliveries of events that happened at or after this time.
    #[serde(deserialize_with = "samhandling_usecases::input::timestamp")]
    pub since: DateTime<Utc>,
}

/// The path of one subscription.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SubscriptionPath {
    /// The subscription's id.
    id: Uuid,
}

/// Subscribe to events.
///
/// For referrers (status changes of your referrals), centre coordinators (notices of erasures
/// due), the partners a municipality's need for help is addressed to, municipal contacts (answers
/// to their needs) and the owners of dialogue follow-up actions (actions overdue): events are
/// POSTed to `url` as Standard Webhooks, signed with the returned `secret` (shown once).
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(IdempotencyKeyHeader),
    request_body = CreateWebhookSubscription,
    responses((status = 201, description = "Subscribed", body = CreatedWebhookSubscription,
        headers(("Location" = String, description = "The subscription"))))
)]
#[post("/webhook-subscriptions")]
async fn create_webhook_subscription(
    caller: Authorized<Subscribers>,
    key: IdempotencyKey,
    body: ValidJson<CreateWebhookSubscription>,
) -> Result<HttpResponse, ApiError> {
    let mut request = body.into_inner();
    let url = crate::webhook_target::check(&request.url, &caller.state().policies)?.to_string();
    request.event_types.sort();
    request.event_types.dedup();
    let who = caller.caller.clone();
    let secret = webhook_signatures::generate_secret();
    let event_types = request.event_types.clone();
    let path = "/api/v1/webhook-subscriptions";
    key.create_by(&caller, path, request, move |ctx, _| {
        let id = Uuid::now_v7();
        let new = NewSubscription {
            id,
            url: &url,
            event_types: &event_types,
            secret: &secret,
        };
        let subscription = usecases::subscribe(ctx, &who, &new)?;
        let shown = |secret| CreatedWebhookSubscription {
            subscription: WebhookSubscription::from(subscription.clone()),
            secret,
        };
        Created::showing_once(secret, shown, |body| {
            Created::new(body, format!("{path}/{id}"), None)
        })
    })
    .await
}

/// List your subscriptions.
///
/// Your organisation's subscriptions, oldest first, with their health; never a secret.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<WebhookSubscription>))
)]
#[get("/webhook-subscriptions")]
async fn list_webhook_subscriptions(
    caller: Authorized<Subscribers>,
    page: Pagination,
) -> Result<web::Json<Paginated<WebhookSubscription>>, ApiError> {
    let who = caller.caller.clone();
    pagination::list(
        caller.state(),
        move |conn| usecases::subscriptions(conn, &who, page.0),
        WebhookSubscription::from,
    )
    .await
}

/// Get a subscription.
///
/// One of your organisation's subscriptions; another organisation's, or one of an event type your
/// roles do not hear of, is 404. Never its secret.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath),
    responses((status = 200, description = "The subscription; never its secret", body = WebhookSubscription))
)]
#[get("/webhook-subscriptions/{id}")]
async fn get_webhook_subscription(
    caller: Authorized<Subscribers>,
    path: web::Path<SubscriptionPath>,
) -> Result<web::Json<WebhookSubscription>, ApiError> {
    let (id, who) = (path.id, caller.caller.clone());
    let found = record::read(
        &caller,
        ResourceType::WebhookSubscription,
        id,
        move |conn| usecases::subscription(conn, &who, id).map(Some),
    )
    .await?;
    Ok(web::Json(found.into()))
}

/// End a subscription.
///
/// Pending deliveries are abandoned. Its deliveries are no longer listed.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath),
    responses((status = 204, description = "Ended"))
)]
#[delete("/webhook-subscriptions/{id}")]
async fn delete_webhook_subscription(
    caller: Authorized<Subscribers>,
    path: web::Path<SubscriptionPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    record::operate(&caller, ResourceType::WebhookSubscription, id, move |ctx| {
        usecases::unsubscribe(ctx, &who, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a subscription's deliveries and their attempts.
///
/// The deliveries of one of your organisation's subscriptions (404 for another's), oldest first,
/// each with its attempts.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath, PageQuery),
    responses((status = 200, description = "One page, oldest first", body = Paginated<Delivery>))
)]
#[get("/webhook-subscriptions/{id}/deliveries")]
async fn list_webhook_deliveries(
    caller: Authorized<Subscribers>,
    path: web::Path<SubscriptionPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<Delivery>>, ApiError> {
    let (id, who) = (path.id, caller.caller.clone());
    let found = record::read(
        &caller,
        ResourceType::WebhookSubscription,
        id,
        move |conn| usecases::deliveries(conn, &who, id, page.0).map(Some),
    )
    .await?;
    pagination::to_wire(caller.state(), found, |delivery| delivery)
}

/// Re-enable a subscription and replay what was abandoned.
///
/// Queues again, in the order the events happened, the abandoned deliveries of events at or after
/// `since`, and makes a `failing` subscription active. What the person has since withdrawn consent
/// to, or had erased, is not sent. Send an `Idempotency-Key` so a retry cannot replay twice.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath, IdempotencyKeyHeader),
    request_body = ReplayRequest,
    responses((status = 200, description = "Replayed", body = ReplayResult))
)]
#[post("/webhook-subscriptions/{id}/replay")]
async fn replay_webhook_deliveries(
    caller: Authorized<Subscribers>,
    key: IdempotencyKey,
    path: web::Path<SubscriptionPath>,
    body: ValidJson<ReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let id = path.id;
    let who = caller.caller.clone();
    let since = request.since;
    let route = format!("/api/v1/webhook-subscriptions/{id}/replay");
    let under = (ResourceType::WebhookSubscription, id, route);
    key.create_under(&caller, under, request, move |ctx, _| {
        let (replayed, subscription) = usecases::replay(ctx, &who, id, since)?;
        let subscription = subscription.into();
        Created::done(&ReplayResult {
            replayed,
            subscription,
        })
    })
    .await
}

/// Rotate a subscription's signing secret.
///
/// Returns a new secret, shown once. For `SECRET_OVERLAP` (24 hours) deliveries carry signatures
/// under both the new and the previous secret, space-separated in `webhook-signature`, so a
/// receiver keeps verifying while it switches. Send an `Idempotency-Key` so that a retry cannot
/// rotate twice (and retire the secret you still use).
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath, IdempotencyKeyHeader),
    responses((status = 200, description = "Rotated", body = RotatedSecret))
)]
#[post("/webhook-subscriptions/{id}/secret-rotation")]
async fn rotate_webhook_secret(
    caller: Authorized<Subscribers>,
    key: IdempotencyKey,
    path: web::Path<SubscriptionPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let secret = webhook_signatures::generate_secret();
    let route = format!("/api/v1/webhook-subscriptions/{id}/secret-rotation");
    let under = (ResourceType::WebhookSubscription, id, route);
    key.create_under(&caller, under, (), move |ctx, ()| {
        let rotated = usecases::rotate_secret(ctx, &who, id, &secret, SECRET_OVERLAP)?;
        let shown = |secret| RotatedSecret {
            secret,
            previous_secret_valid_until: rotated.previous_secret_until,
        };
        Created::showing_once(secret, shown, Created::done)
    })
    .await
}
