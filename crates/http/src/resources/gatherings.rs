//! `/api/v1/learning-networks/{id}/gatherings`: the gatherings (samlinger) of a learning
//! network, with their programme, the evaluation summed up without names, highlights, and how
//! many came from each member service.
//!
//! The coordinators write. Member organisations' contacts and facilitators read the gatherings of their
//! networks (with the `ETag` attendance needs) and record their own services' attendance. A
//! gathering is reached through its network in the caller's scope: anyone else gets 404.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::learning_networks::{
    coordinator_scope, location as network_location, scope_of, NetworkCoordinators, NetworkParties,
    NetworkPath,
};
use actix_web::{get, patch, post, put, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::learning_network_views::GatheringView;
use samhandling_usecases::learning_networks::{
    self as usecases, CreateGathering, RecordAttendance, UpdateGathering,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_gathering)
        .service(list_gatherings)
        .service(get_gathering)
        .service(update_gathering)
        .service(record_attendance);
}

/// The rule across fields of a new gathering, as JSON Schema: one that is not digital needs
/// its place.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "CreateGathering",
        serde_json::json!({
            "if": { "not": { "properties": { "digital": { "const": true } }, "required": ["digital"] } },
            "then": { "required": ["place"] }
        }),
    )]
}

/// The path of one gathering.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GatheringPath {
    /// The network's id.
    id: Uuid,
    /// The gathering's id.
    gathering_id: Uuid,
}

/// The path of one member service's attendance at a gathering.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AttendancePath {
    /// The network's id.
    id: Uuid,
    /// The gathering's id.
    gathering_id: Uuid,
    /// The member service's id.
    member_id: Uuid,
}

/// Record a gathering of a learning network.
///
/// For the coordinators' advisers. One that is not digital needs its place (422);
/// highlights holding a national identity number are refused (422) and nothing is stored.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, IdempotencyKeyHeader),
    request_body = CreateGathering,
    responses((status = 201, description = "Recorded", body = GatheringView,
        headers(("Location" = String, description = "The gathering"), ("ETag" = String, description = "Its version"))))
)]
#[post("/learning-networks/{id}/gatherings")]
async fn create_gathering(
    caller: Authorized<NetworkCoordinators>,
    key: IdempotencyKey,
    path: web::Path<NetworkPath>,
    body: ValidJson<CreateGathering>,
) -> Result<HttpResponse, ApiError> {
    let network_id = path.id;
    let scope = coordinator_scope(&caller);
    let route = format!("{}/gatherings", network_location(network_id));
    let gatherings_at = route.clone();
    let under = (ResourceType::LearningNetwork, network_id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let ids = (network_id.into(), Uuid::now_v7().into());
        let (network, stored) = usecases::record_gathering(ctx, scope, ids, &request)?;
        let (id, version) = (stored.id, stored.version);
        Created::new(
            &GatheringView::of(&network, stored),
            format!("{gatherings_at}/{id}"),
            Some(version),
        )
    })
    .await
}

/// List a learning network's gatherings.
///
/// For the coordinators and the member organisations' contacts and facilitators. Each item read is
/// audited.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, PageQuery),
    responses((status = 200, description = "One page, in the order recorded", body = Paginated<GatheringView>))
)]
#[get("/learning-networks/{id}/gatherings")]
async fn list_gatherings(
    caller: Authorized<NetworkParties>,
    path: web::Path<NetworkPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<GatheringView>>, ApiError> {
    let network_id = path.id;
    let scope = scope_of(&caller);
    let (network, found) = record::read(
        &caller,
        ResourceType::LearningNetwork,
        network_id,
        move |conn| usecases::list_gatherings(conn, scope, network_id, page.0).map(Some),
    )
    .await?;
    record::note_page_read(&caller, ResourceType::Gathering, &found).await?;
    pagination::to_wire(caller.state(), found, |gathering| {
        GatheringView::of(&network, gathering)
    })
}

/// Read a gathering.
///
/// For the coordinators and the member organisations' contacts and facilitators, with the `ETag` that
/// recording attendance needs. Every read is audited.
#[utoipa::path(
    tag = "learning-networks",
    params(GatheringPath),
    responses((status = 200, description = "The gathering", body = GatheringView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/learning-networks/{id}/gatherings/{gathering_id}")]
async fn get_gathering(
    caller: Authorized<NetworkParties>,
    path: web::Path<GatheringPath>,
) -> Result<Tagged<GatheringView>, ApiError> {
    let (network_id, gathering_id) = (path.id, path.gathering_id);
    let scope = scope_of(&caller);
    let shown = record::read_audited(
        &caller,
        ResourceType::Gathering,
        gathering_id,
        move |conn| {
            let (network, found) =
                usecases::read_gathering(conn, scope, network_id.into(), gathering_id.into())?;
            Ok(Some(GatheringView::of(&network, found)))
        },
    )
    .await?;
    Ok(Tagged::new(shown))
}

/// Change a gathering.
///
/// For the coordinators' advisers, with `If-Match`: programme and highlights are
/// replaced whole. One that is not digital keeps a place (422).
#[utoipa::path(
    tag = "learning-networks",
    params(GatheringPath, IfMatchHeader),
    request_body = UpdateGathering,
    responses((status = 200, description = "Changed", body = GatheringView, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/learning-networks/{id}/gatherings/{gathering_id}")]
async fn update_gathering(
    caller: Authorized<NetworkCoordinators>,
    path: web::Path<GatheringPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateGathering>,
) -> Result<Tagged<GatheringView>, ApiError> {
    let (network_id, gathering_id) = (path.id, path.gathering_id);
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = coordinator_scope(&caller);
    let (network, changed) =
        record::operate(&caller, ResourceType::Gathering, gathering_id, move |ctx| {
            let gathering = (network_id.into(), gathering_id.into());
            usecases::update_gathering(ctx, scope, gathering, precondition, edit)
        })
        .await?;
    Ok(Tagged::new(GatheringView::of(&network, changed)))
}

/// Record how many came from a member service.
///
/// With `If-Match` of the gathering, which becomes a new version (answered with its `ETag`).
/// A coordinator records for any member service; a member organisation's contact for
/// its own services only (403 for another member's service; 404 for a member id not in this
/// network). A second recording replaces the first.
#[utoipa::path(
    tag = "learning-networks",
    params(AttendancePath, IfMatchHeader),
    request_body = RecordAttendance,
    responses(
        (status = 200, description = "Recorded; the gathering", body = GatheringView, headers(("ETag" = String, description = "The gathering's new version"))),
        (status = 403, description = "Not your role, or another member organisation's service: only your own services' attendance", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match does not name the gathering's current version", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is required", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/learning-networks/{id}/gatherings/{gathering_id}/attendance/{member_id}")]
async fn record_attendance(
    caller: Authorized<NetworkParties>,
    path: web::Path<AttendancePath>,
    if_match: IfMatch,
    body: ValidJson<RecordAttendance>,
) -> Result<Tagged<GatheringView>, ApiError> {
    let (network_id, gathering_id, member_id) = (path.id, path.gathering_id, path.member_id);
    let came = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = scope_of(&caller);
    let (network, recorded) =
        record::operate(&caller, ResourceType::Gathering, gathering_id, move |ctx| {
            usecases::record_attendance(
                ctx,
                scope,
                (network_id.into(), gathering_id.into(), member_id.into()),
                precondition,
                &came,
            )
        })
        .await?;
    Ok(Tagged::new(GatheringView::of(&network, recorded)))
}
