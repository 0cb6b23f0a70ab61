//! `/api/v1/webhook-subscriptions`: a referring organisation asks to be told when its referrals
//! change. Deliveries are signed with the subscription's secret (shown once) and retried for more
//! than a day; every attempt is visible to the subscriber.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::state::AppState;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use samhandling_auth::secrets;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::webhook::Delivery;
use samhandling_domain::webhook::EventType;
use samhandling_domain::Role;
use samhandling_persistence::audit;
use samhandling_persistence::webhooks::{self as store, Subscription};
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
        .service(list_webhook_deliveries);
}

/// Referring organisations subscribe to news of their referrals.
#[derive(Debug)]
pub struct Subscribers;
impl Policy for Subscribers {
    const ROLES: &'static [Role] = &[Role::Referrer];
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
    /// What to be told about.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub event_types: Vec<EventType>,
}

/// A subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSubscription {
    /// Identifier.
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// What it is told about.
    pub event_types: Vec<EventType>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<Subscription> for WebhookSubscription {
    fn from(subscription: Subscription) -> Self {
        WebhookSubscription {
            id: subscription.id,
            url: subscription.url,
            event_types: subscription.event_types,
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
    /// Verifies the `Samhandling-Signature` header: HMAC-SHA256 over `<t>.<body>` with this
    /// secret, hex-encoded as `v1`. Shown once; `null` on an idempotent replay.
    pub secret: Option<String>,
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
/// For referrers: events about your organisation's referrals are POSTed to `url`, signed with the
/// returned `secret` (shown once).
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(IdempotencyKeyHeader),
    request_body = CreateWebhookSubscription,
    responses((status = 201, description = "Subscribed", body = CreatedWebhookSubscription,
        headers(("Location" = String, description = "The subscription")))),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions")]
async fn create_webhook_subscription(
    caller: Authorized<Subscribers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateWebhookSubscription>,
) -> Result<HttpResponse, ApiError> {
    let mut request = body.into_inner();
    let url = crate::webhook_target::check(&request.url, &state.policies)?.to_string();
    request.event_types.sort();
    request.event_types.dedup();
    let organisation_id = caller.caller.organisation_id;
    let audit_event = caller.audit(
        AuditAction::Created,
        ResourceType::WebhookSubscription,
        Uuid::nil(),
    );
    let secret = secrets::generate();
    let event_types = request.event_types.clone();
    let path = "/api/v1/webhook-subscriptions";
    idempotency::create(&state, &caller.caller, key, path, &request, move |conn| {
        let id = Uuid::now_v7();
        let subscription =
            store::insert_subscription(conn, id, organisation_id, &url, &event_types, &secret)?;
        audit::record(conn, &audit_event.about(id))?;
        let shown = WebhookSubscription::from(subscription);
        let created = Created::new(
            &CreatedWebhookSubscription {
                subscription: shown.clone(),
                secret: Some(secret),
            },
            format!("{path}/{id}"),
            None,
        )?;
        created.replaying(&CreatedWebhookSubscription {
            subscription: shown,
            secret: None,
        })
    })
    .await
}

/// List your subscriptions.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<WebhookSubscription>)),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions")]
async fn list_webhook_subscriptions(
    caller: Authorized<Subscribers>,
    state: web::Data<AppState>,
    page: Pagination,
) -> Result<web::Json<Paginated<WebhookSubscription>>, ApiError> {
    let organisation_id = caller.caller.organisation_id;
    let found = crate::db::run(&state, move |conn| {
        Ok(store::list_subscriptions(conn, organisation_id, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(
        &state,
        found,
        WebhookSubscription::from,
    )?))
}

/// Get a subscription.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath),
    responses((status = 200, description = "The subscription; never its secret", body = WebhookSubscription)),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}")]
async fn get_webhook_subscription(
    caller: Authorized<Subscribers>,
    state: web::Data<AppState>,
    path: web::Path<SubscriptionPath>,
) -> Result<web::Json<WebhookSubscription>, ApiError> {
    let (id, organisation_id) = (path.id, caller.caller.organisation_id);
    let found = crate::db::run(&state, move |conn| {
        store::find_subscription(conn, id, organisation_id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(found.into()))
}

/// End a subscription.
///
/// Pending deliveries are abandoned; the delivery history stays for the record.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath),
    responses((status = 204, description = "Ended")),
    security(("bearer" = []))
)]
#[delete("/webhook-subscriptions/{id}")]
async fn delete_webhook_subscription(
    caller: Authorized<Subscribers>,
    state: web::Data<AppState>,
    path: web::Path<SubscriptionPath>,
) -> Result<HttpResponse, ApiError> {
    let (id, organisation_id) = (path.id, caller.caller.organisation_id);
    let audit_event = caller.audit(AuditAction::Revoked, ResourceType::WebhookSubscription, id);
    crate::db::transaction(&state, move |conn| {
        if !store::delete_subscription(conn, id, organisation_id)? {
            return Err(ApiError::NotFound);
        }
        audit::record(conn, &audit_event)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a subscription's deliveries and their attempts.
#[utoipa::path(
    tag = "webhook-subscriptions",
    params(SubscriptionPath, PageQuery),
    responses((status = 200, description = "One page, oldest first", body = Paginated<Delivery>)),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}/deliveries")]
async fn list_webhook_deliveries(
    caller: Authorized<Subscribers>,
    state: web::Data<AppState>,
    path: web::Path<SubscriptionPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<Delivery>>, ApiError> {
    let (id, organisation_id) = (path.id, caller.caller.organisation_id);
    let found = crate::db::run(&state, move |conn| {
        store::find_subscription(conn, id, organisation_id)?.ok_or(ApiError::NotFound)?;
        Ok(store::list_deliveries(conn, id, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(&state, found, |delivery| {
        delivery
    })?))
}
