//! Places in groups: `POST /api/v1/groups/{id}/members` places a person who waits, and
//! `/api/v1/memberships/{id}` records the confidentiality declaration and the departure.
//!
//! A membership knows the person by the pseudonym chosen at intake, and only the centre that runs
//! the group reaches it. Placing moves the referral to `placed` through the referral lifecycle,
//! in the same transaction; the referrer hears of that as far as its view shows it, and never
//! of the group, the membership or the pseudonym.

use crate::auth::Authorized;
use crate::error::{unique_conflict, ApiError};
use crate::etag::{Tagged, Versioned};
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::groups::{own_group_for_update, read_in_own_group, refused, GroupPath};
use crate::resources::referrals::{walk_referral, Coordinators};
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::group::{CentreAccess, LeaveReason, Membership};
use samhandling_domain::referral::{ReferralAccess, ReferralStatus};
use samhandling_persistence::memberships::{self as store, NewMembership, ONE_PLACE_KEY};
use samhandling_persistence::{audit, intakes, referrals};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(place_member)
        .service(list_members)
        .service(get_membership)
        .service(sign_declaration)
        .service(record_departure);
}

/// A person to place.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"intake_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a80"}))]
pub struct PlaceMember {
    /// The person's completed intake (with a group outcome and a pseudonym).
    pub intake_id: Uuid,
    /// For a group that has started (and is therefore closed): the group agreed to take a new
    /// member.
    #[serde(default)]
    pub group_agreed: bool,
    /// The member signed the confidentiality declaration (taushetserklæring) at placement.
    #[serde(default)]
    pub confidentiality_signed: bool,
}

/// Why and when a member left.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "completed"}))]
pub struct RecordDeparture {
    /// Why.
    pub reason: LeaveReason,
    /// When the member told the group (meldeplikt); now when absent.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub left_at: Option<DateTime<Utc>>,
}

/// A place in a group, as the running centre sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    /// Identifier.
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The person's referral; `null` once the person is erased.
    pub referral_id: Option<Uuid>,
    /// The intake the person was placed from; `null` once erased.
    pub intake_id: Option<Uuid>,
    /// The name the person goes by in the group; `null` once erased.
    pub pseudonym: Option<String>,
    /// When the person joined.
    pub joined_at: DateTime<Utc>,
    /// Days from the referral to the place.
    pub waited_days: i32,
    /// When the member signed the confidentiality declaration; `null` until then.
    pub confidentiality_signed_at: Option<DateTime<Utc>>,
    /// When the member left; `null` while a member.
    pub left_at: Option<DateTime<Utc>>,
    /// Why.
    pub leave_reason: Option<LeaveReason>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Versioned for MembershipView {
    fn version(&self) -> i32 {
        self.version
    }
}

impl From<Membership> for MembershipView {
    fn from(membership: Membership) -> Self {
        MembershipView {
            id: membership.id,
            group_id: membership.group_id,
            referral_id: membership.referral_id,
            intake_id: membership.intake_id,
            pseudonym: membership.pseudonym,
            joined_at: membership.joined_at,
            waited_days: membership.waited_days,
            confidentiality_signed_at: membership.confidentiality_signed_at,
            left_at: membership.left_at,
            leave_reason: membership.leave_reason,
            version: membership.version,
            created_at: membership.created_at,
        }
    }
}

/// The path of one membership.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MembershipPath {
    /// The membership's id.
    id: Uuid,
}

/// Place a person in a group.
///
/// For the running centre's coordinators. The person's intake must have concluded with a group
/// and a pseudonym; the referral moves to `placed`. A full group, a group that has started
/// without `group_agreed`, and a person who holds a place already are 409.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IdempotencyKeyHeader),
    request_body = PlaceMember,
    responses(
        (status = 201, description = "Placed", body = MembershipView,
            headers(("Location" = String, description = "The membership"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "`intake_id` names no intake of your centre", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Full, closed, not a group outcome, or placed already", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/groups/{id}/members")]
async fn place_member(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    body: ValidJson<PlaceMember>,
) -> Result<HttpResponse, ApiError> {
    let group_id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let referral_access = ReferralAccess::of(&caller.caller);
    let audit_event = caller.audit_creation(ResourceType::Membership);
    let actor = caller.actor();
    let route = format!("/api/v1/groups/{group_id}/members");
    let placed = idempotency::create(&state, &caller.caller, key, &route, &request, move |conn| {
        let group = own_group_for_update(conn, access, group_id)?.ok_or(ApiError::NotFound)?;
        let intake = intakes::find_for_update(conn, request.intake_id, access.scope())?
            .ok_or(ApiError::MissingReference("intake_id"))?;
        let pseudonym = intake
            .completion
            .as_ref()
            .filter(|completion| completion.outcome.wants_a_group())
            .and_then(|completion| completion.pseudonym.clone())
            .ok_or_else(|| {
                ApiError::Conflict(
                    "the intake has not concluded with a group: complete it with a group outcome first"
                        .into(),
                )
            })?;
        if store::has_place(conn, intake.referral_id)? {
            return Err(ApiError::Conflict(
                "this person already has a place in a group".into(),
            ));
        }
        group
            .check_placement(request.group_agreed)
            .map_err(refused)?;
        let referral = walk_referral(
            conn,
            referral_access,
            intake.referral_id,
            &[(ReferralStatus::Placed, None)],
            &actor,
        )?
        .ok_or(ApiError::MissingReference("intake_id"))?;
        let id = Uuid::now_v7();
        let membership = store::insert(
            conn,
            &NewMembership {
                id,
                group_id,
                referral_id: referral.id,
                intake_id: intake.id,
                pseudonym: &pseudonym,
                referred_at: referral.created_at,
                confidentiality_signed_at: request.confidentiality_signed.then(Utc::now),
            },
        )
        .map_err(unique_conflict(
            ONE_PLACE_KEY,
            "this person already has a place in a group",
        ))?;
        audit::record(conn, &audit_event.of(id))?;
        let shown = MembershipView::from(membership);
        Created::new(
            &shown,
            format!("/api/v1/memberships/{id}"),
            Some(shown.version),
        )
    })
    .await;
    caller
        .noting_denial(&state, ResourceType::Group, group_id, placed)
        .await
}

/// List a group's members.
///
/// For the running centre's coordinators; those who left are listed with `left_at`.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<MembershipView>)),
    security(("bearer" = []))
)]
#[get("/groups/{id}/members")]
async fn list_members(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<MembershipView>>, ApiError> {
    let id = path.id;
    let found = read_in_own_group(&state, &caller, id, move |conn, _| {
        Ok(store::list_for_group(conn, id, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(
        &state,
        found,
        MembershipView::from,
    )?))
}

/// Read a membership.
#[utoipa::path(
    tag = "groups",
    params(MembershipPath),
    responses((status = 200, description = "The membership", body = MembershipView,
        headers(("ETag" = String, description = "Its version")))),
    security(("bearer" = []))
)]
#[get("/memberships/{id}")]
async fn get_membership(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<MembershipPath>,
) -> Result<Tagged<MembershipView>, ApiError> {
    let id = path.id;
    let scope = CentreAccess::of(&caller.caller).scope();
    let found = record::read(&state, &caller, ResourceType::Membership, id, move |conn| {
        Ok(store::find(conn, id, scope)?)
    })
    .await?;
    Ok(Tagged::new(MembershipView::from(found)))
}

/// Record that a member signed the confidentiality declaration (taushetserklæring).
///
/// Usually at the first meeting. Recording it again keeps the first time.
#[utoipa::path(
    tag = "groups",
    params(MembershipPath),
    responses((status = 200, description = "Recorded", body = MembershipView,
        headers(("ETag" = String, description = "The new version")))),
    security(("bearer" = []))
)]
#[post("/memberships/{id}/confidentiality-declaration")]
async fn sign_declaration(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<MembershipPath>,
) -> Result<Tagged<MembershipView>, ApiError> {
    let id = path.id;
    let scope = CentreAccess::of(&caller.caller).scope();
    let signed = record::change(
        &state,
        &caller,
        ResourceType::Membership,
        AuditAction::Updated,
        id,
        move |conn| {
            if store::find_for_update(conn, id, scope)?.is_none() {
                return Ok(None);
            }
            Ok(Some(store::sign_declaration(conn, id)?))
        },
    )
    .await?;
    Ok(Tagged::new(MembershipView::from(signed)))
}

/// Record that a member left the group.
///
/// The seat is free again. Leaving twice is 409. The referral keeps its status (the centre closes
/// it when its follow-up is done), and its inactivity clock for retention starts over: while the
/// person held a place, the retention sweep did not count the referral as inactive.
#[utoipa::path(
    tag = "groups",
    params(MembershipPath),
    request_body = RecordDeparture,
    responses(
        (status = 200, description = "Recorded", body = MembershipView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The member has left already", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/memberships/{id}/departure")]
async fn record_departure(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<MembershipPath>,
    body: ValidJson<RecordDeparture>,
) -> Result<Tagged<MembershipView>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let left = record::change(
        &state,
        &caller,
        ResourceType::Membership,
        AuditAction::Updated,
        id,
        move |conn| {
            let Some(found) = store::find(conn, id, access.scope())? else {
                return Ok(None);
            };
            // The group first, then the place: the order every placement takes too.
            own_group_for_update(conn, access, found.group_id)?.ok_or(ApiError::NotFound)?;
            let Some(membership) = store::find_for_update(conn, id, access.scope())? else {
                return Ok(None);
            };
            if membership.left_at.is_some() {
                return Err(ApiError::Conflict("the member has left already".into()));
            }
            let left_at = request.left_at.unwrap_or_else(Utc::now);
            let left = store::depart(conn, &membership, request.reason, left_at)?;
            // Holding a place kept the referral from counting as inactive; its clock starts now.
            if let Some(referral) = left.referral_id {
                referrals::touch(conn, referral)?;
            }
            Ok(Some(left))
        },
    )
    .await?;
    Ok(Tagged::new(MembershipView::from(left)))
}
