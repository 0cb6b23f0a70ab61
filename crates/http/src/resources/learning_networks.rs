//! `/api/v1/learning-networks`: the learning networks (læringsnettverk) competence centres run,
//! where services with the same target group meet in gatherings to share experience, with their
//! steering group and member services.
//!
//! A network has one or more coordinating organisations (competence centres, and national or
//! regional authorities): each one's `competence_adviser` or `programme_adviser` writes and sees
//! the network with its version. A member organisation's `municipal_contact` or `facilitator`
//! (a specialist health service's staff) reads the networks it has a service in, in the
//! `member` view (no version: it cannot change them). Anyone else gets 404
//! ([`LearningNetworkScope`] in SQL). Every read and write is audited.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, patch, post, web, Either, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::learning_network::{
    LearningNetwork, LearningNetworkScope, COORDINATOR_ROLES, MEMBER_ROLES,
};
use samhandling_domain::Role;
use samhandling_usecases::grants::{self, Fundable, Funded};
use samhandling_usecases::learning_network_views::{LearningNetworkView, RegionalNetworkView};
use samhandling_usecases::learning_networks::{
    self as usecases, AddMember, CreateLearningNetwork, UpdateLearningNetwork,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/learning-networks";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_learning_network)
        .service(list_learning_networks)
        .service(get_learning_network)
        .service(update_learning_network)
        .service(add_learning_network_member)
        .service(list_regional_networks);
}

/// Who reaches learning networks: the coordinating organisations' advisers and the member
/// organisations' contacts and facilitators (which networks, the scope decides).
#[derive(Debug)]
pub struct NetworkParties;
impl Policy for NetworkParties {
    const ROLES: &'static [Role] = &[
        COORDINATOR_ROLES[0],
        COORDINATOR_ROLES[1],
        MEMBER_ROLES[0],
        MEMBER_ROLES[1],
    ];
}

/// Who writes learning networks: the advisers of the organisations that coordinate them.
#[derive(Debug)]
pub struct NetworkCoordinators;
impl Policy for NetworkCoordinators {
    const ROLES: &'static [Role] = &COORDINATOR_ROLES;
}

/// The rules JSON Schema can say beyond the derived schemas: a service is a member once.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "CreateLearningNetwork",
        serde_json::json!({ "properties": { "members": { "uniqueItems": true } } }),
    )]
}

/// The caller's reach among networks.
pub(crate) fn scope_of<P: Policy>(caller: &Authorized<P>) -> LearningNetworkScope {
    LearningNetworkScope::of(&caller.caller)
}

/// The caller's reach as a coordinator only: for the changes only the coordinating centre makes.
pub(crate) fn coordinator_scope<P: Policy>(caller: &Authorized<P>) -> LearningNetworkScope {
    LearningNetworkScope::coordinator_of(&caller.caller)
}

/// The coordinator's view as a versioned answer.
fn tagged(
    scope: LearningNetworkScope,
    network: LearningNetwork,
    names: &BTreeMap<Uuid, String>,
) -> Tagged<LearningNetworkView> {
    Tagged {
        version: network.version,
        body: LearningNetworkView::of(scope, network, names),
    }
}

/// The path of one network.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NetworkPath {
    /// The network's id.
    pub(crate) id: Uuid,
}

/// Where a network is read.
pub(crate) fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Start a learning network.
///
/// For a competence centre's `competence_adviser` or a national or regional authority's
/// `programme_adviser`: the caller's organisation leads it, with the other coordinators
/// `coordinator_ids` names (competence centres, national or regional authorities). Every
/// organisation named must exist and fit its place (422 naming the field: a member service is
/// not a coordinating, funding or overseeing body's), and a service is a member once.
#[utoipa::path(
    tag = "learning-networks",
    params(IdempotencyKeyHeader),
    request_body = CreateLearningNetwork,
    responses((status = 201, description = "Started; the coordinator's view", body = LearningNetworkView,
        headers(("Location" = String, description = "The network"), ("ETag" = String, description = "Its version"))))
)]
#[post("/learning-networks")]
async fn create_learning_network(
    caller: Authorized<NetworkCoordinators>,
    key: IdempotencyKey,
    body: ValidJson<CreateLearningNetwork>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&caller);
    let lead = caller.caller.organisation_id.uuid();
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::create_network(ctx, lead, &request)?;
        let names = usecases::names_of(ctx.conn(), &[&stored])?;
        let (id, version) = (stored.id, stored.version);
        let shown = LearningNetworkView::of(scope, stored, &names);
        Created::new(&shown, location(id), Some(version))
    })
    .await
}

/// List learning networks.
///
/// The networks the caller's centre coordinates, and those its organisation has a member
/// service in. Each item read is audited.
#[utoipa::path(
    tag = "learning-networks",
    params(PageQuery),
    responses((status = 200, description = "One page, in the order started", body = Paginated<LearningNetworkView>))
)]
#[get("/learning-networks")]
async fn list_learning_networks(
    caller: Authorized<NetworkParties>,
    page: Pagination,
) -> Result<web::Json<Paginated<LearningNetworkView>>, ApiError> {
    let scope = scope_of(&caller);
    let (found, names) = record::load(caller.state(), move |conn| {
        usecases::list_networks(conn, scope, page.0)
    })
    .await?;
    record::note_page_read(&caller, ResourceType::LearningNetwork, &found).await?;
    pagination::to_wire(caller.state(), found, |network| {
        LearningNetworkView::of(scope, network, &names)
    })
}

/// Read a learning network.
///
/// The coordinating centre sees it with its version and an `ETag`; a member organisation's
/// contact in the `member` view, without. Both see the grants that fund it (`funding`: the
/// amount only to the grant's funder and recipient). Anyone else gets 404. Every read is
/// audited.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath),
    responses((status = 200, description = "The network, as the caller may see it", body = Funded<LearningNetworkView>,
        headers(("ETag" = String, description = "Its version (the coordinator's view only)"))))
)]
#[get("/learning-networks/{id}")]
async fn get_learning_network(
    caller: Authorized<NetworkParties>,
    path: web::Path<NetworkPath>,
) -> Result<
    Either<Tagged<Funded<LearningNetworkView>>, web::Json<Funded<LearningNetworkView>>>,
    ApiError,
> {
    let id = path.id;
    let scope = scope_of(&caller);
    let viewer = caller.caller.organisation_id;
    let (network, names, funding) =
        record::read_audited(&caller, ResourceType::LearningNetwork, id, move |conn| {
            let (network, names) = usecases::read_network(conn, scope, id)?;
            let funding = grants::funding_of(conn, viewer, Fundable::Network(id.into()))?;
            Ok(Some((network, names, funding)))
        })
        .await?;
    // Only the coordinator's view carries a version, and so an `ETag`.
    let coordinates = scope.coordinates(&network);
    let version = network.version;
    let funded = Funded {
        record: LearningNetworkView::of(scope, network, &names),
        funding,
    };
    Ok(if coordinates {
        Either::Left(Tagged {
            version,
            body: funded,
        })
    } else {
        Either::Right(web::Json(funded))
    })
}

/// Change a learning network.
///
/// For the coordinators' advisers, with `If-Match`: name, target group, end date, coordinators
/// and steering group (each replaced whole), and the network's `end` (its date, why:
/// `completed`, `funding_stopped` or `other`, and a note). The end cannot come before the start,
/// nor a recorded end lie in the future (422).
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, IfMatchHeader),
    request_body = UpdateLearningNetwork,
    responses((status = 200, description = "Changed", body = LearningNetworkView, headers(("ETag" = String, description = "The new version"))))
)]
#[patch("/learning-networks/{id}")]
async fn update_learning_network(
    caller: Authorized<NetworkCoordinators>,
    path: web::Path<NetworkPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateLearningNetwork>,
) -> Result<Tagged<LearningNetworkView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = coordinator_scope(&caller);
    let (changed, names) =
        record::operate(&caller, ResourceType::LearningNetwork, id, move |ctx| {
            let changed = usecases::update_network(ctx, scope, id, precondition, edit)?;
            let names = usecases::names_of(ctx.conn(), &[&changed])?;
            Ok((changed, names))
        })
        .await?;
    Ok(tagged(scope, changed, &names))
}

/// Add a member service to a learning network.
///
/// For the coordinators' advisers. The organisation must exist and be of a kind that takes part
/// (a municipality, a specialist health service …; 422), and its service is a member once (409
/// again). The network becomes a new version.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, IdempotencyKeyHeader),
    request_body = AddMember,
    responses(
        (status = 201, description = "Added; the coordinator's view of the network", body = LearningNetworkView,
            headers(("Location" = String, description = "The network"), ("ETag" = String, description = "Its new version"))),
        (status = 409, description = "This organisation's service is already a member", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/learning-networks/{id}/members")]
async fn add_learning_network_member(
    caller: Authorized<NetworkCoordinators>,
    key: IdempotencyKey,
    path: web::Path<NetworkPath>,
    body: ValidJson<AddMember>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let scope = coordinator_scope(&caller);
    let route = format!("/api/v1/learning-networks/{id}/members");
    let under = (ResourceType::LearningNetwork, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let changed = usecases::add_member(ctx, scope, id, &request)?;
        let names = usecases::names_of(ctx.conn(), &[&changed])?;
        let version = changed.version;
        let shown = LearningNetworkView::of(scope, changed, &names);
        Created::new(&shown, location(id), Some(version))
    })
    .await
}

/// List the regional networks of a national programme.
///
/// For the programme's coordinators: each regional network that belongs to it, with its
/// coordinators, period, end reason and how many member services and gatherings it has; not
/// its members (those are for its own coordinators and members). Anyone else gets 404. The read
/// is audited as a read of the programme.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath),
    responses((status = 200, description = "The regional networks, in the order started (a programme has few)", body = Vec<RegionalNetworkView>))
)]
#[get("/learning-networks/{id}/regional-networks")]
async fn list_regional_networks(
    caller: Authorized<NetworkCoordinators>,
    path: web::Path<NetworkPath>,
) -> Result<web::Json<Vec<RegionalNetworkView>>, ApiError> {
    let id = path.id;
    let scope = coordinator_scope(&caller);
    let regional = record::read_audited(&caller, ResourceType::LearningNetwork, id, move |conn| {
        usecases::regional_networks(conn, scope, id).map(Some)
    })
    .await?;
    Ok(web::Json(regional))
}
