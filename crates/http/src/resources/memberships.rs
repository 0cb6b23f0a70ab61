//! Places in groups: `POST /api/v1/groups/{id}/members` places a person who waits, and
//! `/api/v1/memberships/{id}` records the confidentiality declaration and the departure.
//!
//! A membership knows the person by the pseudonym chosen at intake, and only the centre that runs
//! the group reaches it. Placing moves the referral to `placed` through the referral lifecycle,
//! in the same transaction; the referrer hears of that as far as its view shows it, and never
//! of the group, the membership or the pseudonym.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::groups::GroupPath;
use crate::resources::referrals::Coordinators;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::group::{CentreAccess, Membership};
use samhandling_usecases::memberships::{self as usecases, PlaceMember, RecordDeparture};
use serde::Deserialize;
use std::convert::identity;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(place_member)
        .service(list_members)
        .service(get_membership)
        .service(sign_declaration)
        .service(record_departure);
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
        (status = 201, description = "Placed", body = Membership,
            headers(("Location" = String, description = "The membership"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "`intake_id` names no intake of your centre", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Full, closed, not a group outcome, or placed already", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/groups/{id}/members")]
async fn place_member(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    path: web::Path<GroupPath>,
    body: ValidJson<PlaceMember>,
) -> Result<HttpResponse, ApiError> {
    let group_id = path.id;
    let who = caller.caller.clone();
    let route = format!("/api/v1/groups/{group_id}/members");
    let under = (ResourceType::Group, group_id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let id = Uuid::now_v7().into();
        let shown = usecases::place_member(ctx, &who, id, group_id.into(), &request)?;
        let location = format!("/api/v1/memberships/{}", shown.id);
        Created::new(&shown, location, Some(shown.version))
    })
    .await
}

/// List a group's members.
///
/// For the running centre's coordinators; those who left are listed with `left_at`.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<Membership>))
)]
#[get("/groups/{id}/members")]
async fn list_members(
    caller: Authorized<Coordinators>,
    path: web::Path<GroupPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<Membership>>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    record::list_in(
        &caller,
        ResourceType::Group,
        id,
        move |conn| usecases::list_for_group(conn, access, id, page.0),
        identity,
    )
    .await
}

/// Read a membership.
///
/// For the coordinators of the group's centre; a membership of another centre's group is 404.
#[utoipa::path(
    tag = "groups",
    params(MembershipPath),
    responses((status = 200, description = "The membership", body = Membership,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/memberships/{id}")]
async fn get_membership(
    caller: Authorized<Coordinators>,
    path: web::Path<MembershipPath>,
) -> Result<Tagged<Membership>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    record::read(&caller, ResourceType::Membership, id, move |conn| {
        usecases::find(conn, access, id)
    })
    .await
    .map(Tagged::new)
}

/// Record that a member signed the confidentiality declaration (taushetserklæring).
///
/// Usually at the first meeting. Recording it again keeps the first time.
#[utoipa::path(
    tag = "groups",
    params(MembershipPath),
    responses((status = 200, description = "Recorded", body = Membership,
        headers(("ETag" = String, description = "The new version"))))
)]
#[post("/memberships/{id}/confidentiality-declaration")]
async fn sign_declaration(
    caller: Authorized<Coordinators>,
    path: web::Path<MembershipPath>,
) -> Result<Tagged<Membership>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::Membership, id, move |ctx| {
        usecases::sign_declaration(ctx, access, id)
    })
    .await
    .map(Tagged::new)
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
        (status = 200, description = "Recorded", body = Membership, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The member has left already", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/memberships/{id}/departure")]
async fn record_departure(
    caller: Authorized<Coordinators>,
    path: web::Path<MembershipPath>,
    body: ValidJson<RecordDeparture>,
) -> Result<Tagged<Membership>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::Membership, id, move |ctx| {
        usecases::record_departure(ctx, access, id, &request)
    })
    .await
    .map(Tagged::new)
}
