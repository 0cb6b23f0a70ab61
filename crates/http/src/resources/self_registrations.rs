//! `POST /api/v1/self-registrations`: a person signs up without a referral, because the offer is
//! low-threshold. Public (no token), rate-limited per client address, and it answers with a short
//! reference and nothing else: nothing about the record can be read back without a token.

use crate::error::ApiError;
use crate::idempotency::{self, Created, IdempotencyKey, PublicIdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::rate_limit::Limit;
use crate::state::AppState;
use actix_web::{post, web, HttpRequest, HttpResponse};
use samhandling_domain::audit::Actor;
use samhandling_domain::Caller;
use samhandling_usecases::referral_input::SelfRegistration;
use samhandling_usecases::referrals as usecases;
use samhandling_usecases::{Context, SystemClock};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the route.
pub fn configure(config: &mut ServiceConfig) {
    config.service(create_self_registration);
}

/// The answer: a reference to quote when the centre calls, and nothing else.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"reference": "7K3M-Q9X2"}))]
pub struct SelfRegistrationReceipt {
    /// Short reference.
    pub reference: String,
}

/// The rule of the form in JSON Schema terms: agreeing to be contacted is required.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "SelfConsent",
        serde_json::json!({ "properties": { "contact": { "type": "boolean", "const": true } } }),
    )]
}

/// The actor recorded for the public.
const ANONYMOUS: &str = "anonymous";
/// The rate limit's counter.
const BUCKET: &str = "self_registrations";

/// Sign up for a self-help group or network meeting, without a referral.
///
/// Public: no token. The centre contacts the person. At most `SELF_REGISTRATION_RATE_LIMIT`
/// registrations per client address and hour (429 beyond that, with `Retry-After`); every answer
/// tells what is left in the `RateLimit-Policy` and `RateLimit` fields.
#[utoipa::path(
    tag = "self-registrations",
    params(PublicIdempotencyKeyHeader),
    request_body = SelfRegistration,
    responses(
        (status = 202, description = "Received; the centre will make contact", body = SelfRegistrationReceipt,
            headers(("RateLimit-Policy" = String, description = "The hourly allowance: `\"hourly\";q=<requests>;w=3600`"),
                ("RateLimit" = String, description = "What is left of it: `\"hourly\";r=<requests>;t=<seconds until it starts over>`"))),
        (status = 404, description = "`target_centre_id` names no organisation", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next hour's allowance"),
                ("RateLimit-Policy" = String, description = "The hourly allowance"),
                ("RateLimit" = String, description = "What is left of it: none"))),
    ),
    security(())
)]
#[post("/self-registrations")]
async fn create_self_registration(
    req: HttpRequest,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<SelfRegistration>,
) -> Result<HttpResponse, ApiError> {
    let key = key.uuid_only()?;
    let request = body.into_inner();
    if !request.consent.contact {
        return Err(ApiError::invalid_field(
            "consent.contact",
            "required",
            "you must agree to be contacted by the centre",
        ));
    }
    let limit = Limit::for_request(
        &req,
        &state,
        BUCKET,
        state.policies.self_registrations_per_hour,
    )?;
    let request_id = crate::context::RequestId::from_request_sync(&req);
    let references = state.references.clone();
    // Each client address has its own idempotency scope (by the same keyed hash the rate limit
    // counts, never the address): a key reused from another address is a fresh request, so a key
    // tells no one whether someone else used it, and a replay never shows another person's
    // reference.
    let public = Caller {
        subject: format!("{ANONYMOUS}:{}", limit.client_tag()),
        organisation_id: Uuid::nil().into(),
        roles: Vec::new(),
    };
    // Counted in its own transaction: a refused registration still counts against the limit.
    let quota = crate::db::run(&state.database, move |conn| limit.check(conn)).await?;
    let received = idempotency::create(
        &state,
        &public,
        key,
        "/api/v1/self-registrations",
        &request.clone(),
        move |conn| {
            let public = Actor {
                actor: ANONYMOUS.to_owned(),
                actor_organisation_id: None,
                request_id: request_id.0,
                traceparent: None,
                provenance: samhandling_domain::audit::Provenance::default(),
            };
            let ctx = &mut Context::new(conn, &public, &SystemClock);
            let reference = usecases::register_self(ctx, &references, &request)?;
            Created::accepted(&SelfRegistrationReceipt { reference })
        },
    )
    .await?;
    Ok(quota.told(received))
}
