//! `/api/v1/referrals`: referrals from municipalities and NAV to self-help centres, worked by the
//! centre through an explicit lifecycle, followed by the referrer as far as the person allows.
//!
//! Who sees what is decided in SQL ([`ReferralScope`]): the target centre's coordinators see
//! referrals addressed to their centre, with contact details (every such read audited); the
//! referrer sees its own referrals, with the detailed status only under the person's feedback
//! consent; anyone else gets 404 for every id.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{Tagged, Versioned};
use crate::idempotency::{self, Attempt, Created, IdempotencyKey, IdempotencyKeyHeader, KeyClaim};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::{AuditAction, AuditEvent, ResourceType};
use samhandling_domain::referral::{ReasonCode, ReferralAccess, ReferralStatus, Source};
use samhandling_domain::Role;
use samhandling_usecases::agreements::feedback_for_referral;
use samhandling_usecases::references::with_free_reference;
use samhandling_usecases::referral_input::{CreateReferral, Prepared, ReferralQuery};
use samhandling_usecases::referral_views::{view, Details, ReferralView};
use samhandling_usecases::referrals as usecases;
use samhandling_usecases::{Context, SystemClock};
use serde::{Deserialize, Serialize};
use std::convert::identity;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_referral)
        .service(list_referrals)
        .service(get_referral)
        .service(transition_referral)
        .service(withdraw_feedback_consent)
        .service(erase_referral)
        .service(referral_access_log);
}

/// JSON Schema rules that span fields: a person needs a phone or an e-mail address, and
/// consent to contact must be given.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "PersonInput",
            serde_json::json!({ "anyOf": [ { "required": ["phone"] }, { "required": ["email"] } ] }),
        ),
        (
            "ConsentInput",
            serde_json::json!({ "properties": { "contact": { "type": "boolean", "const": true } } }),
        ),
    ]
}

/// Referrers create referrals.
#[derive(Debug)]
pub struct Referrers;
impl Policy for Referrers {
    const ROLES: &'static [Role] = &[Role::Referrer];
}

/// Centre coordinators and referrers work and follow referrals.
#[derive(Debug)]
pub struct ReferralParties;
impl Policy for ReferralParties {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator, Role::Referrer];
}

/// Centre coordinators record what the person says.
#[derive(Debug)]
pub struct Coordinators;
impl Policy for Coordinators {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator];
}

/// Centre coordinators and administrators answer for the person's rights (erasure, access log).
#[derive(Debug)]
pub struct DataStewards;
impl Policy for DataStewards {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator, Role::Admin];
}

/// A status change.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "received"}))]
pub struct TransitionRequest {
    /// The status to move to; see `allowed_transitions`.
    pub to: ReferralStatus,
    /// Why, as a code.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub reason: Option<ReasonCode>,
}

/// The path of one referral.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReferralPath {
    /// The referral's id.
    id: Uuid,
}

fn location(id: Uuid) -> String {
    format!("/api/v1/referrals/{id}")
}

/// Refer a person to a self-help centre.
///
/// For referrers (kommunal saksbehandler, NAV-veileder, or their case-management system). The
/// referring organisation is the caller's. `consent.contact` must be true. Send an
/// `Idempotency-Key` so that a retry cannot refer the person twice.
#[utoipa::path(
    tag = "referrals",
    params(IdempotencyKeyHeader),
    request_body = CreateReferral,
    responses(
        (status = 201, description = "Referred; the referrer's view", body = ReferralView,
            headers(("Location" = String, description = "The referral"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "`target_centre_id` names no organisation", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A referral of yours already has this `external_reference`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/referrals")]
async fn create_referral(
    caller: Authorized<Referrers>,
    key: IdempotencyKey,
    body: ValidJson<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let consent = request.consent.to_consent()?;
    let prepared = Prepared::from_request(&request);
    let access = ReferralAccess::of(&caller.caller);
    let subject = caller.caller.subject.clone();
    let actor = caller.actor();
    let external_reference = request.external_reference.clone();
    let target_centre_id = request.target_centre_id;
    let references = caller.state().references.clone();
    let retention = caller.state().policies.retention;
    idempotency::create_claiming(
        caller.state(),
        &caller.caller,
        key,
        "/api/v1/referrals",
        &request,
        move |conn, claim| {
            let ctx = &mut Context::new(conn, &actor, &SystemClock);
            let referrer = access.organisation_id();
            let feedback =
                feedback_for_referral(ctx, target_centre_id.into(), Some(referrer.into()))?;
            let stored = with_free_reference::<_, ApiError>(&references, |reference| {
                let new = prepared.new_referral(
                    reference,
                    Source::Referral,
                    Some((referrer, &subject)),
                    external_reference.as_deref(),
                    &consent,
                    feedback,
                );
                let referral = new.to_referral();
                // The creator sees the referrer's view, whatever other roles it holds.
                let shown = view(access.as_referrer(), &retention, referral, Details::NONE);
                let created = Created::new(&shown, location(new.id), Some(shown.version()))?;
                let response = KeyClaim::response(&created);
                let stored = usecases::refer(ctx, &new, claim.key(&response).as_ref())?;
                Ok(stored.map(|_| created))
            })?;
            Ok(match stored {
                Some(created) => Attempt::Created(created),
                None => {
                    Attempt::NotCreated(usecases::why_not_admitted(conn, target_centre_id).into())
                }
            })
        },
    )
    .await
}

/// List referrals.
///
/// Centre coordinators see the referrals and self-registrations addressed to their centre;
/// referrers see their own referrals. Items leave out the person and the history: read one
/// referral for those. Use `updated_after` to sync changes.
#[utoipa::path(
    tag = "referrals",
    params(ReferralQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<ReferralView>))
)]
#[get("/referrals")]
async fn list_referrals(
    caller: Authorized<ReferralParties>,
    query: ValidQuery<ReferralQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<ReferralView>>, ApiError> {
    let access = ReferralAccess::of(&caller.caller);
    let filter = query
        .0
        .filter(access.scope(), caller.state().policies.retention)?;
    let retention = &caller.state().policies.retention;
    pagination::list(
        caller.state(),
        move |conn| usecases::list(conn, access.scope(), &filter, page.0),
        |referral| view(access, retention, referral, Details::NONE),
    )
    .await
}

/// Read a referral.
///
/// The target centre sees the person and the history, and this read is recorded in the access
/// log. The referrer sees the coarse status, or with the person's feedback consent the detailed
/// status and history. Anyone else: 404.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 200, description = "The referral, as the caller may see it", body = ReferralView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/referrals/{id}")]
async fn get_referral(
    caller: Authorized<ReferralParties>,
    path: web::Path<ReferralPath>,
) -> Result<Tagged<ReferralView>, ApiError> {
    let id = path.id;
    let access = ReferralAccess::of(&caller.caller);
    let found = record::read(&caller, ResourceType::Referral, id, move |conn| {
        usecases::read(conn, access.scope(), id)
    })
    .await?;
    let referral = found.referral;
    // Only the target centre is shown the person, and only once the read is on record.
    let person = if access.is_centre_of(&referral) {
        let event = caller.audit(AuditAction::Read, ResourceType::Referral, id);
        caller.state().read_audit.record(event).await?;
        Some(found.person)
    } else {
        None
    };
    let details = Details {
        person,
        history: Some(found.history),
    };
    Ok(Tagged::new(view(
        access,
        &caller.state().policies.retention,
        referral,
        details,
    )))
}

/// Move a referral to another status.
///
/// The centre moves it along `submitted → received → contacted → intake_scheduled →
/// intake_completed → waiting_for_group → placed → closed`, or to an exit (`declined_by_person`,
/// `not_reachable`, `redirected`); only the referrer withdraws (`withdrawn`). A move that is not
/// allowed is 409 with `allowed_transitions`. The referrer's webhooks are told of changes it may
/// see.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved", body = ReferralView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not allowed from the current status; `allowed_transitions` names what is", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/referrals/{id}/transitions")]
async fn transition_referral(
    caller: Authorized<ReferralParties>,
    path: web::Path<ReferralPath>,
    body: ValidJson<TransitionRequest>,
) -> Result<Tagged<ReferralView>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = ReferralAccess::of(&caller.caller);
    let retention = &caller.state().policies.retention;
    record::operate(&caller, ResourceType::Referral, id, move |ctx| {
        usecases::move_referral(ctx, access, id, request.to, request.reason)
    })
    .await
    .map(|moved| Tagged::new(view(access, retention, moved, Details::NONE)))
}

/// Record that the person withdrew consent to feedback.
///
/// For the target centre's coordinators. From now on the referrer sees only the coarse status.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 204, description = "Recorded (again, if already withdrawn)"))
)]
#[post("/referrals/{id}/feedback-consent/withdrawal")]
async fn withdraw_feedback_consent(
    caller: Authorized<Coordinators>,
    path: web::Path<ReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let access = ReferralAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::Referral, id, move |ctx| {
        usecases::withdraw_feedback_consent(ctx, access, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erase the person's data.
///
/// For the target centre's coordinators and administrators, to honour a request for erasure.
/// Removes the name, contact details, birth year and wishes, the history, target groups and
/// municipality, and the referral's webhook delivery log. The tombstone keeps what the referrer's
/// view shows (its status and dates); statistics keep counts by month under no id you or the
/// referrer hold. Erasing twice is harmless.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 204, description = "Erased"))
)]
#[post("/referrals/{id}/erase")]
async fn erase_referral(
    caller: Authorized<DataStewards>,
    path: web::Path<ReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let scope = ReferralAccess::of(&caller.caller).stewardship_scope();
    record::operate(&caller, ResourceType::Referral, id, move |ctx| {
        usecases::erase(ctx, scope, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who read or changed a referral.
///
/// For the target centre's coordinators and administrators: the basis for answering a person's
/// request to know who has seen their data. Oldest first.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath, PageQuery),
    responses((status = 200, description = "One page of audit events", body = Paginated<AuditEvent>))
)]
#[get("/referrals/{id}/access-log")]
async fn referral_access_log(
    caller: Authorized<DataStewards>,
    path: web::Path<ReferralPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<AuditEvent>>, ApiError> {
    let id = path.id;
    let scope = ReferralAccess::of(&caller.caller).stewardship_scope();
    record::list_in(
        &caller,
        ResourceType::Referral,
        id,
        move |conn| usecases::access_log(conn, scope, id, page.0),
        identity,
    )
    .await
}
