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
use crate::etag::{IfMatch, IfMatchHeader, Tagged, Versioned};
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::referrals::Coordinators;
use crate::state::AppState;
use crate::text::{check_language, check_municipality_number, LanguageTag, MunicipalityNumberText};
use actix_web::{get, patch, post, web, Either};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::group::{
    CentreAccess, FollowUp, Group, GroupFormat, GroupStatus, GroupTheme, Schedule, SeatBand,
    Starter, Weekday,
};
use samhandling_domain::intake::MatchCriterion;
use samhandling_usecases::groups::UpdateGroup;
use samhandling_usecases::groups::{self as usecases, GroupDetails, GroupFilter, SeenGroup};
use samhandling_usecases::groups::{AssignStarter, CreateGroup, RecordVisit, RequestFollowUp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

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

/// When a group meets, as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    /// The day of the week.
    pub weekday: Weekday,
    /// The local start time, `HH:MM`.
    #[schema(example = "18:00")]
    pub start_time: String,
    /// Every how many weeks.
    pub interval_weeks: i16,
}

impl From<Schedule> for ScheduleView {
    fn from(schedule: Schedule) -> Self {
        ScheduleView {
            weekday: schedule.weekday,
            start_time: schedule.start_time.format("%H:%M").to_string(),
            interval_weeks: schedule.interval_weeks,
        }
    }
}

impl Versioned for FollowUp {
    fn version(&self) -> i32 {
        self.version
    }
}

/// A group as its centre sees it. Lists leave out `starters` and `follow_ups`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreGroup {
    /// Identifier.
    pub id: Uuid,
    /// The centre that runs it.
    pub centre_id: Uuid,
    /// What it is called.
    pub title: String,
    /// What it is about.
    pub theme: GroupTheme,
    /// Its languages.
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in.
    pub municipality_number: String,
    /// When it meets.
    pub schedule: ScheduleView,
    /// The fewest it starts with.
    pub min_members: i16,
    /// The most it takes.
    pub max_members: i16,
    /// The youngest it is for.
    pub age_from: Option<i16>,
    /// The oldest it is for.
    pub age_to: Option<i16>,
    /// Where it meets.
    pub address: Option<String>,
    /// Whether the address is hidden outside the centre.
    pub confidential_location: bool,
    /// Whether the catalogue shows it to other organisations while it recruits or starts.
    pub published: bool,
    /// Where it is in its life.
    pub status: GroupStatus,
    /// Where it may move.
    pub allowed_transitions: Vec<GroupStatus>,
    /// Members placed and not left.
    pub member_count: i16,
    /// Seats free.
    pub open_seats: i16,
    /// When it started meeting.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Its starters; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starters: Option<Vec<Starter>>,
    /// Its follow-up requests and visits; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_ups: Option<Vec<FollowUp>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A group as the catalogue shows it to anyone signed in: what a referrer or a person needs to
/// know to suggest it, and nothing about who is in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueGroup {
    /// Identifier.
    pub id: Uuid,
    /// The centre that runs it; ask it for a place.
    pub centre_id: Uuid,
    /// What it is called.
    pub title: String,
    /// What it is about.
    pub theme: GroupTheme,
    /// Its languages.
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in.
    pub municipality_number: String,
    /// When it meets.
    pub schedule: ScheduleView,
    /// The youngest it is for.
    pub age_from: Option<i16>,
    /// The oldest it is for.
    pub age_to: Option<i16>,
    /// Where it meets; `null` when the location is confidential.
    pub address: Option<String>,
    /// Whether the location is confidential (ask the centre).
    pub confidential_location: bool,
    /// Seats free as a band, as they stood at the start of the day (UTC); a full group stays
    /// listed while it recruits or starts.
    pub seats: SeatBand,
}

/// A group as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum GroupView {
    /// The running centre's view.
    Centre(Box<CentreGroup>),
    /// The catalogue's view, for everyone else.
    Catalogue(CatalogueGroup),
}

/// The centre's view of a group, as lists show it.
pub(crate) fn centre_summary(group: Group) -> GroupView {
    GroupView::Centre(Box::new(centre_view(group, None)))
}

/// The centre's view as a versioned answer: every answer about a group says which `view` it is.
fn tagged(centre: CentreGroup) -> Tagged<GroupView> {
    Tagged {
        version: centre.version,
        body: GroupView::Centre(Box::new(centre)),
    }
}

fn centre_view(group: Group, details: Option<GroupDetails>) -> CentreGroup {
    let (starters, follow_ups) = details
        .map(|details| (details.starters, details.follow_ups))
        .unzip();
    CentreGroup {
        allowed_transitions: group.status.allowed_transitions(),
        open_seats: group.open_seats(),
        id: group.id,
        centre_id: group.centre_id,
        title: group.title,
        theme: group.theme,
        languages: group.languages,
        format: group.format,
        municipality_number: group.municipality,
        schedule: group.schedule.into(),
        min_members: group.size.minimum,
        max_members: group.size.maximum,
        age_from: group.age_band.from,
        age_to: group.age_band.to,
        address: group.address,
        confidential_location: group.confidential_location,
        published: group.published,
        status: group.status,
        member_count: group.member_count,
        started_at: group.started_at,
        ended_at: group.ended_at,
        starters,
        follow_ups,
        version: group.version,
        created_at: group.created_at,
        updated_at: group.updated_at,
    }
}

/// The catalogue's face of a group: no counts, no version, no confidential address; its seats
/// as a band.
pub(crate) fn catalogue_view(group: Group, seats: SeatBand) -> CatalogueGroup {
    CatalogueGroup {
        id: group.id,
        centre_id: group.centre_id,
        title: group.title,
        theme: group.theme,
        languages: group.languages,
        format: group.format,
        municipality_number: group.municipality,
        schedule: group.schedule.into(),
        age_from: group.age_band.from,
        age_to: group.age_band.to,
        address: (!group.confidential_location)
            .then_some(group.address)
            .flatten(),
        confidential_location: group.confidential_location,
        seats,
    }
}

fn view(seen: SeenGroup) -> GroupView {
    match seen {
        SeenGroup::Own(group, details) => GroupView::Centre(Box::new(centre_view(group, details))),
        SeenGroup::Catalogue(group, seats) => GroupView::Catalogue(catalogue_view(group, seats)),
    }
}

fn location(id: Uuid) -> String {
    format!("/api/v1/groups/{id}")
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
        headers(("Location" = String, description = "The group"), ("ETag" = String, description = "Its version")))),
    security(("bearer" = []))
)]
#[post("/groups")]
async fn create_group(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateGroup>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let request = body.into_inner();
    let centre = caller.caller.organisation_id.uuid();
    idempotency::create_by(
        &state,
        &caller,
        key,
        "/api/v1/groups",
        &request.clone(),
        move |ctx| {
            let stored = usecases::create_group(ctx, centre, Uuid::now_v7(), &request)?;
            let (id, version) = (stored.id, stored.version);
            Created::new(&centre_summary(stored), location(id), Some(version))
        },
    )
    .await
}

/// Filters for the list; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// Only the catalogue: the published open (recruiting or starting) groups, full or not (what
    /// everyone but the running centre sees anyway).
    catalogue: Option<bool>,
    /// Only the centre's own groups in this status. The catalogue does not show a group's status,
    /// so this filter never reaches another centre's groups.
    status: Option<GroupStatus>,
    /// Only this theme.
    theme: Option<GroupTheme>,
    /// Only this format.
    format: Option<GroupFormat>,
    /// Only groups meeting in this municipality.
    #[validate(custom(function = "check_municipality_number"))]
    #[param(value_type = Option<MunicipalityNumberText>)]
    municipality: Option<String>,
    /// Only groups talking this language (BCP 47).
    #[validate(custom(function = "check_language"))]
    #[param(value_type = Option<LanguageTag>)]
    language: Option<String>,
}

/// List groups.
///
/// A centre's coordinators see their own groups in every status, and the catalogue. Everyone
/// else sees the catalogue: the open (recruiting or starting) groups their centres publish, full
/// or not, without members or counts, with seats as a band as of the start of the day.
#[utoipa::path(
    tag = "groups",
    params(GroupQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<GroupView>)),
    security(("bearer" = []))
)]
#[get("/groups")]
async fn list_groups(
    caller: Authorized<AnyRole>,
    state: web::Data<AppState>,
    query: ValidQuery<GroupQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<GroupView>>, ApiError> {
    let access = CentreAccess::of(&caller.caller);
    let query = query.0;
    let filter = GroupFilter {
        status: query.status,
        theme: query.theme,
        format: query.format,
        municipality: query.municipality,
        language: query.language,
        catalogue_only: query.catalogue.unwrap_or(false),
    };
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list(conn, access, &filter, page.0, Utc::now())?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(&state, found, view)?))
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
        headers(("ETag" = String, description = "Its version (the centre's view only)")))),
    security(("bearer" = []))
)]
#[get("/groups/{id}")]
async fn get_group(
    caller: Authorized<AnyRole>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
) -> Result<Either<Tagged<GroupView>, web::Json<GroupView>>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let seen = record::read(&state, &caller, ResourceType::Group, id, move |conn| {
        Ok(usecases::read(conn, access, id, Utc::now())?)
    })
    .await?;
    Ok(match view(seen) {
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
    ),
    security(("bearer" = []))
)]
#[patch("/groups/{id}")]
async fn update_group(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateGroup>,
) -> Result<Tagged<GroupView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let access = CentreAccess::of(&caller.caller);
    let changed = record::operate(&state, &caller, ResourceType::Group, id, move |ctx| {
        usecases::update_group(ctx, access, id, precondition, &edit)
    })
    .await?;
    Ok(tagged(centre_view(changed, None)))
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
    ),
    security(("bearer" = []))
)]
#[post("/groups/{id}/transitions")]
async fn transition_group(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    body: ValidJson<GroupTransition>,
) -> Result<Tagged<GroupView>, ApiError> {
    let id = path.id;
    let to = body.into_inner().to;
    let access = CentreAccess::of(&caller.caller);
    let moved = record::operate(&state, &caller, ResourceType::Group, id, move |ctx| {
        usecases::move_group(ctx, access, id, to)
    })
    .await?;
    Ok(tagged(centre_view(moved, None)))
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
    ),
    security(("bearer" = []))
)]
#[post("/groups/{id}/starters")]
async fn assign_starter(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    body: ValidJson<AssignStarter>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{id}/starters");
    let assigned =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
            let stored = usecases::assign_starter(ctx, access, id, Uuid::now_v7(), &request)?;
            Created::new(&stored, location(id), None)
        })
        .await;
    caller
        .noting_denial(&state, ResourceType::Group, id, assigned)
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
    responses((status = 201, description = "Recorded", body = FollowUp)),
    security(("bearer" = []))
)]
#[post("/groups/{id}/follow-ups")]
async fn request_follow_up(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    body: ValidJson<RequestFollowUp>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{id}/follow-ups");
    let requested =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
            let stored = usecases::request_follow_up(
                ctx,
                access,
                Uuid::now_v7().into(),
                id.into(),
                &request,
            )?;
            Created::new(&stored, location(id), None)
        })
        .await;
    caller
        .noting_denial(&state, ResourceType::Group, id, requested)
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
    ),
    security(("bearer" = []))
)]
#[post("/follow-ups/{id}/visit")]
async fn record_visit(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<FollowUpPath>,
    body: ValidJson<RecordVisit>,
) -> Result<Tagged<FollowUp>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let visited = record::operate(
        &state,
        &caller,
        ResourceType::GroupFollowUp,
        id,
        move |ctx| usecases::record_visit(ctx, access, id.into(), &request),
    )
    .await?;
    Ok(Tagged::new(visited))
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

/// How one match fits, criterion by criterion.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchExplanation {
    /// The rank's score: theme 4, language 2, format 2, municipality 1, weekday 1.
    pub score: i32,
    /// The criteria met.
    pub met: Vec<MatchCriterion>,
    /// The criteria not met.
    pub not_met: Vec<MatchCriterion>,
}

impl MatchExplanation {
    /// The explanation of `criteria` scored `score`.
    pub fn of(criteria: samhandling_domain::intake::MatchCriteria, score: i32) -> Self {
        let (met, not_met) = criteria.explain();
        MatchExplanation {
            score,
            met,
            not_met,
        }
    }
}

/// A person who waits, as a candidate for a group: known by pseudonym, in the centre only.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    /// The person's intake; place them with `POST /groups/{id}/members`.
    pub intake_id: Uuid,
    /// The name they go by in a group.
    pub pseudonym: Option<String>,
    /// The theme they asked for, for a specific group.
    pub outcome_theme: Option<GroupTheme>,
    /// When they were referred (their wait counts from here).
    pub referred_at: DateTime<Utc>,
    /// How they fit.
    pub fit: MatchExplanation,
}

/// Ranked candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct Candidates {
    /// Best first.
    pub items: Vec<CandidateView>,
}

/// The people who wait, ranked for a group.
///
/// For the running centre's coordinators filling a group: people whose referral waits for a
/// group, ranked by theme, language, format, municipality and weekday (the longest waiting first
/// among equals), with what fits and what does not.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, RankQuery),
    responses((status = 200, description = "Ranked, best first", body = Candidates)),
    security(("bearer" = []))
)]
#[get("/groups/{id}/candidates")]
async fn group_candidates(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    query: ValidQuery<RankQuery>,
) -> Result<web::Json<Candidates>, ApiError> {
    let id = path.id;
    let limit = query.0.limit();
    let access = CentreAccess::of(&caller.caller);
    let found = record::read(&state, &caller, ResourceType::Group, id, move |conn| {
        Ok(usecases::candidates(conn, access, id, limit)?)
    })
    .await?;
    Ok(web::Json(Candidates {
        items: found
            .into_iter()
            .map(|candidate| CandidateView {
                intake_id: candidate.intake_id,
                pseudonym: candidate.pseudonym,
                outcome_theme: candidate.outcome_theme,
                referred_at: candidate.referred_at,
                fit: MatchExplanation::of(candidate.criteria, candidate.score),
            })
            .collect(),
    }))
}
