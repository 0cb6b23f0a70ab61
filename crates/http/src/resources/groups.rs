//! `/api/v1/groups`: the self-help groups a centre runs, through their lifecycle (`planned →
//! recruiting → starting → self_running ⇄ paused → ended`), with their starters, follow-up
//! visits and the people who wait for them.
//!
//! A centre's coordinators see and change their own groups ([`GroupScope`] in SQL; another
//! centre gets 404). Anyone signed in may browse the catalogue: the open (recruiting or starting)
//! groups their centres chose to publish (`published`, off by default), full or not, shown
//! without members, counts, version or a confidential address, and with their seats only as a
//! band as of the start of the day, so that nothing in it tells who joined or when.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::referrals::Coordinators;
use actix_web::{get, patch, post, web, Either};
use chrono::Utc;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::group::{CentreAccess, FollowUp, Group, GroupStatus, Starter};
pub use samhandling_usecases::group_views::{
    CandidateView, Candidates, CatalogueGroup, CentreGroup, GroupView, MatchExplanation,
    ScheduleView,
};
use samhandling_usecases::groups::UpdateGroup;
use samhandling_usecases::groups::{self as usecases, GroupFilter, GroupQuery};
use samhandling_usecases::groups::{AssignStarter, CreateGroup, RecordVisit, RequestFollowUp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/groups";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_group)
        .service(list_groups)
        .service(get_group)
        .service(update_group)
        .service(transition_group)
        .service(assign_starter)
        .service(request_follow_up)
        .service(record_visit)
        .service(group_candidates);
}

/// A group's lifecycle move.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "recruiting"}))]
pub struct GroupTransition {
    /// Where to move it; see `allowed_transitions`.
    pub to: GroupStatus,
}

/// The centre's view of a changed group, as a versioned answer.
fn centre_tagged(group: Group) -> Tagged<GroupView> {
    tagged(CentreGroup::of(group, None))
}

/// The centre's view as a versioned answer: every answer about a group says which `view` it is.
fn tagged(centre: CentreGroup) -> Tagged<GroupView> {
    Tagged {
        version: centre.version,
        body: GroupView::Centre(Box::new(centre)),
    }
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// The path of one group.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GroupPath {
    /// The group's id.
    pub(crate) id: Uuid,
}

/// The path of one follow-up.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FollowUpPath {
    /// The follow-up's id.
    id: Uuid,
}

/// Start a group.
///
/// For the centre's coordinators. The group is `planned` and unpublished: it shows in the
/// catalogue once it is `recruiting` (or `starting`) and the centre sets `published`. Send an
/// `Idempotency-Key` so that a retry cannot create it twice.
#[utoipa::path(
    tag = "groups",
    params(IdempotencyKeyHeader),
    request_body = CreateGroup,
    responses((status = 201, description = "Created; the centre's view", body = GroupView,
        headers(("Location" = String, description = "The group"), ("ETag" = String, description = "Its version"))))
)]
#[post("/groups")]
async fn create_group(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    body: ValidJson<CreateGroup>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let centre = caller.caller.organisation_id;
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::create_group(ctx, centre, Uuid::now_v7().into(), &request)?;
        let (id, version) = (stored.id, stored.version);
        Created::new(
            &GroupView::centre_summary(stored),
            location(id),
            Some(version),
        )
    })
    .await
}

/// List groups.
///
/// A centre's coordinators see their own groups in every status, and the catalogue. Everyone
/// else sees the catalogue: the open (recruiting or starting) groups their centres publish, full
/// or not, without members or counts, with seats as a band as of the start of the day.
#[utoipa::path(
    tag = "groups",
    params(GroupQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<GroupView>))
)]
#[get("/groups")]
async fn list_groups(
    caller: Authorized<AnyRole>,
    query: ValidQuery<GroupQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<GroupView>>, ApiError> {
    let access = CentreAccess::of(&caller.caller);
    let filter = GroupFilter::from(query.0);
    pagination::list(
        caller.state(),
        move |conn| usecases::list(conn, access, &filter, page.0, Utc::now()),
        GroupView::from,
    )
    .await
}

/// Read a group.
///
/// The running centre sees all of it, with its starters and follow-ups, and an `ETag`. Anyone
/// else sees a group in the catalogue only (404 for an unpublished group, or one not open),
/// without members, counts or version.
#[utoipa::path(
    tag = "groups",
    params(GroupPath),
    responses((status = 200, description = "The group, as the caller may see it", body = GroupView,
        headers(("ETag" = String, description = "Its version (the centre's view only)"))))
)]
#[get("/groups/{id}")]
async fn get_group(
    caller: Authorized<AnyRole>,
    path: web::Path<GroupPath>,
) -> Result<Either<Tagged<GroupView>, web::Json<GroupView>>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let seen = record::read(&caller, ResourceType::Group, id, move |conn| {
        usecases::read(conn, access, id, Utc::now())
    })
    .await?;
    Ok(match GroupView::from(seen) {
        GroupView::Centre(centre) => Either::Left(tagged(*centre)),
        catalogue @ GroupView::Catalogue(_) => Either::Right(web::Json(catalogue)),
    })
}

/// Change a group.
///
/// For the running centre's coordinators, with `If-Match`. The maximum cannot go below the
/// members placed.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IfMatchHeader),
    request_body = UpdateGroup,
    responses(
        (status = 200, description = "Changed", body = GroupView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The maximum would be below the members placed", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/groups/{id}")]
async fn update_group(
    caller: Authorized<Coordinators>,
    path: web::Path<GroupPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateGroup>,
) -> Result<Tagged<GroupView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let access = CentreAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::Group, id, move |ctx| {
        usecases::update_group(ctx, access, id, precondition, &edit)
    })
    .await
    .map(centre_tagged)
}

/// Move a group through its lifecycle.
///
/// `planned → recruiting → starting → self_running ⇄ paused`, and `ended` from anywhere.
/// Starting needs the group's minimum of placed members; short of it the answer is 409 and says
/// how many are missing. Ending a group ends every place still held in it, as a departure with
/// `leave_reason` `group_ended`, so that `member_count` is 0.
#[utoipa::path(
    tag = "groups",
    params(GroupPath),
    request_body = GroupTransition,
    responses(
        (status = 200, description = "Moved", body = GroupView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not allowed from here (`allowed_transitions`), or too few members to start", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/groups/{id}/transitions")]
async fn transition_group(
    caller: Authorized<Coordinators>,
    path: web::Path<GroupPath>,
    body: ValidJson<GroupTransition>,
) -> Result<Tagged<GroupView>, ApiError> {
    let id = path.id;
    let to = body.into_inner().to;
    let access = CentreAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::Group, id, move |ctx| {
        usecases::move_group(ctx, access, id, to)
    })
    .await
    .map(centre_tagged)
}

/// Assign a starter (igangsetter) to a group.
///
/// For the running centre's coordinators: staff of the centre who attend the group's first
/// meetings. A staff member starts a group once (409 again).
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IdempotencyKeyHeader),
    request_body = AssignStarter,
    responses(
        (status = 201, description = "Assigned", body = Starter),
        (status = 409, description = "Already a starter of this group", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/groups/{id}/starters")]
async fn assign_starter(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    path: web::Path<GroupPath>,
    body: ValidJson<AssignStarter>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{id}/starters");
    let under = (ResourceType::Group, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let stored =
            usecases::assign_starter(ctx, access, id.into(), Uuid::now_v7().into(), &request)?;
        Created::new(&stored, location(id), None)
    })
    .await
}

/// Record that a group asks for a follow-up visit.
///
/// A session log with `follow_up_requested` records one too. Often about six weeks in.
/// `requested_on` is not before the day the group was created nor after tomorrow (422,
/// `before_start` or `in_the_future`).
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IdempotencyKeyHeader),
    request_body = RequestFollowUp,
    responses((status = 201, description = "Recorded", body = FollowUp))
)]
#[post("/groups/{id}/follow-ups")]
async fn request_follow_up(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    path: web::Path<GroupPath>,
    body: ValidJson<RequestFollowUp>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{id}/follow-ups");
    let under = (ResourceType::Group, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let stored =
            usecases::request_follow_up(ctx, access, Uuid::now_v7().into(), id.into(), &request)?;
        Created::new(&stored, location(id), None)
    })
    .await
}

/// Record the visit that answers a follow-up request.
///
/// A request is answered once (409 again). `visited_on` is not before the request nor after
/// tomorrow (422, `before_start` or `in_the_future`). A follow-up of another centre is 404, which
/// leaves an `access_denied` trace on it.
#[utoipa::path(
    tag = "groups",
    params(FollowUpPath),
    request_body = RecordVisit,
    responses(
        (status = 200, description = "Recorded", body = FollowUp, headers(("ETag" = String, description = "Its version"))),
        (status = 409, description = "The visit is already recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/follow-ups/{id}/visit")]
async fn record_visit(
    caller: Authorized<Coordinators>,
    path: web::Path<FollowUpPath>,
    body: ValidJson<RecordVisit>,
) -> Result<Tagged<FollowUp>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    record::operate(&caller, ResourceType::GroupFollowUp, id, move |ctx| {
        usecases::record_visit(ctx, access, id.into(), &request)
    })
    .await
    .map(Tagged::new)
}

/// How many to rank.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankQuery {
    /// How many, 1 to 50 (default 10).
    #[validate(range(min = 1, max = 50))]
    #[param(minimum = 1, maximum = 50, default = 10)]
    pub limit: Option<u16>,
}

impl RankQuery {
    /// The limit asked for, or the default.
    pub fn limit(&self) -> u16 {
        self.limit.unwrap_or(10)
    }
}

/// The people who wait, ranked for a group.
///
/// For the running centre's coordinators filling a group: people whose referral waits for a
/// group, ranked by theme, language, format, municipality and weekday (the longest waiting first
/// among equals), with what fits and what does not.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, RankQuery),
    responses((status = 200, description = "Ranked, best first", body = Candidates))
)]
#[get("/groups/{id}/candidates")]
async fn group_candidates(
    caller: Authorized<Coordinators>,
    path: web::Path<GroupPath>,
    query: ValidQuery<RankQuery>,
) -> Result<web::Json<Candidates>, ApiError> {
    let id = path.id;
    let limit = query.0.limit();
    let access = CentreAccess::of(&caller.caller);
    let found = record::read(&caller, ResourceType::Group, id, move |conn| {
        usecases::candidates(conn, access, id, limit)
    })
    .await?;
    let items = found.into_iter().map(CandidateView::from).collect();
    Ok(web::Json(Candidates { items }))
}
