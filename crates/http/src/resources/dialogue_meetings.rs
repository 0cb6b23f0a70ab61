//! `/api/v1/dialogue-meetings`: the county governor's dialogue meetings (dialogmøter) with
//! groups of municipalities, from planning to follow-up: attendees, the IS-24/8 basis, findings
//! per municipality with the governor's internal risk assessment, the municipalities' evaluations
//! and the follow-up actions.
//!
//! The `governor_adviser` of the `county_governor` whose county the municipalities belong to
//! writes. A meeting is answered in one of three views, told apart by `view` and each its own
//! schema: the governor's (everything), a participating municipality's (its own findings without
//! any risk assessment, its own evaluations and actions) and a partner's (the meeting, with the
//! findings the governor shares with partners, never a risk).
//! Anyone else gets 404.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, put, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::dialogue::{DialogueStatus, Finding, FollowUpAction};
use samhandling_domain::Role;
use samhandling_usecases::dialogue::{
    self as usecases, AddAttendee, CreateAction, CreateMeeting, MeetingDetails, RecordBasis,
    RecordFinding, SubmitEvaluation,
};
pub use samhandling_usecases::dialogue_views::{
    view, ActionView, AttendeeView, Basis, EvaluationView, MeetingView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/dialogue-meetings";

/// What every route here names: a meeting.
const MEETING: ResourceType = ResourceType::DialogueMeeting;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_meeting)
        .service(list_meetings)
        .service(get_meeting)
        .service(transition_meeting)
        .service(add_attendee)
        .service(record_basis)
        .service(get_basis)
        .service(record_finding)
        .service(share_finding)
        .service(submit_evaluation)
        .service(create_action);
}

/// The county governor's advisers write.
#[derive(Debug)]
pub struct GovernorAdvisers;
impl Policy for GovernorAdvisers {
    const ROLES: &'static [Role] = &[Role::GovernorAdviser];
}

/// The governor, the municipalities' contacts and the partners read.
#[derive(Debug)]
pub struct DialogueParties;
impl Policy for DialogueParties {
    const ROLES: &'static [Role] = &[
        Role::GovernorAdviser,
        Role::MunicipalContact,
        Role::CompetenceAdviser,
        Role::Facilitator,
    ];
}

/// Municipalities' contacts evaluate.
#[derive(Debug)]
pub struct MunicipalContacts;
impl Policy for MunicipalContacts {
    const ROLES: &'static [Role] = &[Role::MunicipalContact];
}

/// The rules JSON Schema can say beyond the derived schemas: a basis has 1 to 500 figures.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "RecordBasis",
        // Codes are the questionnaire's (at most 40 characters); any other is 422.
        serde_json::json!({ "properties": { "figures": {
            "minProperties": 1,
            "maxProperties": 500,
            "propertyNames": { "maxLength": 40 }
        } } }),
    )]
}

/// A status change.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "held"}))]
pub struct MeetingTransition {
    /// The next status: `planned → held → followed_up → closed`.
    pub to: DialogueStatus,
}

/// The path of one meeting.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    /// The meeting's id.
    id: Uuid,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Plan a dialogue meeting.
///
/// For the `governor_adviser` of a county governor with a `county_number`. Every municipality
/// must belong to that county (the first two digits of its kommunenummer): a meeting with a
/// municipality of another county is 422, naming it.
#[utoipa::path(
    tag = "dialogue",
    params(IdempotencyKeyHeader),
    request_body = CreateMeeting,
    responses((status = 201, description = "Planned; the governor's view", body = MeetingView,
        headers(("Location" = String, description = "The meeting"))))
)]
#[post("/dialogue-meetings")]
async fn create_meeting(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    body: ValidJson<CreateMeeting>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.caller.clone();
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let (access, stored) = usecases::plan_meeting(ctx, &who, Uuid::now_v7(), &request)?;
        let shown = view(&access, &stored, MeetingDetails::default());
        Created::new(&shown, location(stored.id), None)
    })
    .await
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Only this status.
    status: Option<DialogueStatus>,
}

/// List dialogue meetings.
///
/// The governor sees every meeting in its county; a municipality or partner the meetings it took
/// part in. Items leave out attendees, findings, evaluations and actions.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<MeetingView>))
)]
#[get("/dialogue-meetings")]
async fn list_meetings(
    caller: Authorized<DialogueParties>,
    query: ValidQuery<MeetingQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<MeetingView>>, ApiError> {
    let who = caller.caller.clone();
    let status = query.0.status;
    let (access, found) = record::load(caller.state(), move |conn| {
        usecases::list_meetings(conn, &who, status, page.0)
    })
    .await?;
    pagination::to_wire(caller.state(), found, |meeting| {
        view(&access, &meeting, MeetingDetails::default())
    })
}

/// Read a dialogue meeting.
///
/// In the caller's view: the governor's with every finding and risk assessment; a participating
/// municipality's with its own findings (no risk assessment), evaluations and actions; a
/// partner's with the findings shared with partners (presented work, challenges, improvement
/// areas; never a risk). Anyone else: 404.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    responses((status = 200, description = "The meeting, as the caller may see it", body = MeetingView))
)]
#[get("/dialogue-meetings/{id}")]
async fn get_meeting(
    caller: Authorized<DialogueParties>,
    path: web::Path<MeetingPath>,
) -> Result<web::Json<MeetingView>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    record::read(&caller, MEETING, id, move |conn| {
        let (access, meeting, details) = usecases::read_meeting(conn, &who, id)?;
        Ok(Some(view(&access, &meeting, details)))
    })
    .await
    .map(web::Json)
}

/// Move a meeting on: `planned → held → followed_up → closed`.
///
/// For the advisers of the county governor that holds the meeting. Any other move is 409 with
/// `allowed_transitions`; a meeting is `held` only once its `held_on` is not past tomorrow (422
/// `not_yet_held`).
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    request_body = MeetingTransition,
    responses(
        (status = 200, description = "Moved", body = MeetingView),
        (status = 409, description = "Not the next status; `allowed_transitions` names it", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogue-meetings/{id}/transitions")]
async fn transition_meeting(
    caller: Authorized<GovernorAdvisers>,
    path: web::Path<MeetingPath>,
    body: ValidJson<MeetingTransition>,
) -> Result<web::Json<MeetingView>, ApiError> {
    let id = path.id;
    let to = body.into_inner().to;
    let who = caller.caller.clone();
    let (access, moved) = record::operate(&caller, MEETING, id, move |ctx| {
        usecases::move_meeting(ctx, &who, id, to)
    })
    .await?;
    Ok(web::Json(view(&access, &moved, MeetingDetails::default())))
}

/// Record an attendee of a meeting.
///
/// Send an `Idempotency-Key` so that a retry cannot record the attendee twice.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath, IdempotencyKeyHeader),
    request_body = AddAttendee,
    responses((status = 201, description = "Recorded", body = AttendeeView))
)]
#[post("/dialogue-meetings/{id}/attendees")]
async fn add_attendee(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    path: web::Path<MeetingPath>,
    body: ValidJson<AddAttendee>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/attendees");
    let under = (MEETING, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let row = usecases::add_attendee(ctx, &who, id, &request)?;
        let shown = AttendeeView {
            id: row.id,
            municipality_id: row.municipality_id,
            role: request.role,
            title: row.title,
            name: row.name,
        };
        Created::new(&shown, location(id), None)
    })
    .await
}

/// Record the IS-24/8 figures a meeting used for a municipality.
///
/// Every code must be a variable of the report year's questionnaire and every value a number
/// (422 naming each that is not). Replaces that year's figures of the municipality.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    request_body = RecordBasis,
    responses((status = 204, description = "Recorded"))
)]
#[post("/dialogue-meetings/{id}/basis")]
async fn record_basis(
    caller: Authorized<GovernorAdvisers>,
    path: web::Path<MeetingPath>,
    body: ValidJson<RecordBasis>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    record::operate(&caller, MEETING, id, move |ctx| {
        usecases::record_basis(ctx, &who, id, &request)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The IS-24/8 figures a meeting used, compared with the year before.
///
/// Municipality by municipality, for the meeting's parties: every municipality for the governor,
/// its own for a municipality's contact, none for a partner.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    responses((status = 200, description = "Per municipality", body = Basis))
)]
#[get("/dialogue-meetings/{id}/basis")]
async fn get_basis(
    caller: Authorized<DialogueParties>,
    path: web::Path<MeetingPath>,
) -> Result<web::Json<Basis>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let figures = record::read(&caller, MEETING, id, move |conn| {
        usecases::read_basis(conn, &who, id).map(Some)
    })
    .await?;
    Ok(web::Json(Basis::of(figures)))
}

/// Record what the governor found for one municipality.
///
/// For a held meeting, once per municipality (409 again). The risk assessment is internal: no
/// municipality or partner ever sees it.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath, IdempotencyKeyHeader),
    request_body = RecordFinding,
    responses(
        (status = 201, description = "Recorded", body = Finding),
        (status = 409, description = "Not held yet, or the municipality's finding is recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogue-meetings/{id}/findings")]
async fn record_finding(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    path: web::Path<MeetingPath>,
    body: ValidJson<RecordFinding>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/findings");
    let under = (MEETING, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let ids = (id.into(), Uuid::now_v7().into());
        let stored = usecases::record_finding(ctx, &who, ids, &request)?;
        Created::new(&stored, location(id), None)
    })
    .await
}

/// The path of one finding of a meeting.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FindingPath {
    /// The meeting's id.
    id: Uuid,
    /// The finding's id.
    finding_id: Uuid,
}

/// Whether the meeting's partners see a finding.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"shared_with_partners": false}))]
pub struct FindingSharing {
    /// `true` shares the finding's presented work, challenges and improvement areas with the
    /// partners who took part in the meeting (never its risk); `false` withholds it.
    pub shared_with_partners: bool,
}

/// Share a finding with the meeting's partners, or withhold it.
///
/// For the governor, with `If-Match` (the finding's `version` in the governor's view of the
/// meeting). A withheld finding is gone from the partners' view of the meeting at once.
#[utoipa::path(
    tag = "dialogue",
    params(FindingPath, IfMatchHeader),
    request_body = FindingSharing,
    responses((status = 200, description = "Changed; the governor's view of the finding", body = Finding,
        headers(("ETag" = String, description = "The finding's new version"))))
)]
#[put("/dialogue-meetings/{id}/findings/{finding_id}/sharing")]
async fn share_finding(
    caller: Authorized<GovernorAdvisers>,
    path: web::Path<FindingPath>,
    if_match: IfMatch,
    body: ValidJson<FindingSharing>,
) -> Result<Tagged<Finding>, ApiError> {
    let ids = (path.id.into(), path.finding_id.into());
    let shared = body.into_inner().shared_with_partners;
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    record::operate(&caller, MEETING, path.id, move |ctx| {
        usecases::share_finding(ctx, &who, ids, precondition, shared)
    })
    .await
    .map(Tagged::new)
}

/// Evaluate a meeting, once, for your municipality.
///
/// For the `municipal_contact` of a participating municipality, after the meeting is held. A
/// second evaluation is 409. Send an `Idempotency-Key` so that a retry gets the first answer
/// again instead of that 409. The evaluation is shown with the meeting (`Location`).
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath, IdempotencyKeyHeader),
    request_body = SubmitEvaluation,
    responses(
        (status = 201, description = "Submitted", body = EvaluationView,
            headers(("Location" = String, description = "The meeting, which shows the evaluation among its `evaluations`"))),
        (status = 409, description = "Submitted already, or the meeting is not held yet", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogue-meetings/{id}/evaluations")]
async fn submit_evaluation(
    caller: Authorized<MunicipalContacts>,
    key: IdempotencyKey,
    path: web::Path<MeetingPath>,
    body: ValidJson<SubmitEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/evaluations");
    let under = (MEETING, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let row = usecases::submit_evaluation(ctx, &who, id, &request)?;
        Created::new(&EvaluationView::from(row), location(id), None)
    })
    .await
}

/// Agree on a follow-up action.
///
/// For the governor: the owner is a participant of the meeting or the governor itself.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath, IdempotencyKeyHeader),
    request_body = CreateAction,
    responses((status = 201, description = "Created", body = ActionView))
)]
#[post("/dialogue-meetings/{id}/actions")]
async fn create_action(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    path: web::Path<MeetingPath>,
    body: ValidJson<CreateAction>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/actions");
    let under = (MEETING, id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let action = usecases::agree_action(ctx, &who, id, &request)?;
        let shown = ActionView::from(action);
        Created::new(
            &shown,
            format!("/api/v1/follow-up-actions/{}", shown.id),
            Some(shown.version),
        )
    })
    .await
}

/// A tagged answer for the action routes beside this module.
pub(crate) fn tagged_action(action: FollowUpAction) -> Tagged<ActionView> {
    Tagged::new(ActionView::from(action))
}
