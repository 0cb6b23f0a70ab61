//! `/api/v1/dialogue-meetings`: the county governor's dialogue meetings (dialogmøter) with
//! groups of municipalities, from planning to follow-up: attendees, the IS-24/8 basis, findings
//! per municipality with the governor's internal risk assessment, the municipalities' evaluations
//! and the follow-up actions.
//!
//! The `governor_adviser` of the `county_governor` whose county the municipalities belong to
//! writes. A meeting is answered in one of three views, told apart by `view` and each its own
//! schema: the governor's (everything), a participating municipality's (its own findings without
//! any risk assessment, its own evaluations and actions) and a partner's (the meeting only).
//! Anyone else gets 404.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::dialogue::{
    ActionStatus, AttendeeRole, CollaborationNeed, DialogueAccess, DialogueMeeting, DialogueStatus,
    DialogueView, Finding, FollowUpAction,
};
use samhandling_domain::Role;
use samhandling_usecases::dialogue::{
    self as usecases, AddAttendee, CreateAction, CreateMeeting, EvaluationRow, MeetingDetails,
    RecordBasis, RecordFinding, SubmitEvaluation,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

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
        serde_json::json!({ "properties": { "figures": { "minProperties": 1, "maxProperties": 500 } } }),
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

/// An attendee.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    /// Identifier.
    pub id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// Their role.
    pub role: AttendeeRole,
    /// Their title.
    pub title: String,
    /// Their name, if recorded.
    pub name: Option<String>,
}

/// A finding as its municipality sees it: no risk assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityFinding {
    /// Identifier.
    pub id: Uuid,
    /// The municipality (yours).
    pub municipality_id: Uuid,
    /// The work presented.
    pub presented_work: Option<String>,
    /// Strengths.
    pub strengths: Option<String>,
    /// Challenges.
    pub challenges: Option<String>,
    /// Improvement areas.
    pub improvement_areas: Option<String>,
    /// What help it needs.
    pub collaboration_needs: Vec<CollaborationNeed>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

impl From<Finding> for MunicipalityFinding {
    fn from(finding: Finding) -> Self {
        MunicipalityFinding {
            collaboration_needs: finding.collaboration_needs,
            id: finding.id,
            municipality_id: finding.municipality_id,
            presented_work: finding.presented_work,
            strengths: finding.strengths,
            challenges: finding.challenges,
            improvement_areas: finding.improvement_areas,
            created_at: finding.created_at,
        }
    }
}

/// An evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    /// Identifier.
    pub id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// 1 to 5.
    pub rating: i16,
    /// Comments.
    pub comments: Option<String>,
    /// Submitted.
    pub created_at: DateTime<Utc>,
}

impl From<EvaluationRow> for EvaluationView {
    fn from(row: EvaluationRow) -> Self {
        EvaluationView {
            id: row.id,
            municipality_id: row.municipality_id,
            rating: row.rating,
            comments: row.comments,
            created_at: row.created_at,
        }
    }
}

/// A follow-up action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    /// Identifier.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// Whose it is.
    pub owner_organisation_id: Uuid,
    /// What to do.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// A follow-up meeting.
    pub follow_up_meeting_on: Option<NaiveDate>,
    /// Whether that meeting is digital.
    pub follow_up_digital: bool,
    /// Where it is.
    pub status: ActionStatus,
    /// Where it may go.
    pub allowed_transitions: Vec<ActionStatus>,
    /// Whether it is late today.
    pub overdue: bool,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl crate::etag::Versioned for ActionView {
    fn version(&self) -> i32 {
        self.version
    }
}

impl From<FollowUpAction> for ActionView {
    fn from(action: FollowUpAction) -> Self {
        ActionView {
            overdue: action.is_overdue(Utc::now().date_naive()),
            allowed_transitions: action.status.allowed_transitions(),
            id: action.id,
            meeting_id: action.meeting_id,
            owner_organisation_id: action.owner_organisation_id,
            description: action.description,
            due_on: action.due_on,
            follow_up_meeting_on: action.follow_up_meeting_on,
            follow_up_digital: action.follow_up_digital,
            status: action.status,
            version: action.version,
            created_at: action.created_at,
        }
    }
}

/// The governor's view of a meeting: everything, with every risk assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct GovernorMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
    /// Where it may move.
    pub allowed_transitions: Vec<DialogueStatus>,
    /// Attendees; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<AttendeeView>>,
    /// Findings per municipality; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    /// Evaluations; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<Vec<EvaluationView>>,
    /// Follow-up actions; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionView>>,
}

/// A participating municipality's view: its own findings (never a risk assessment), its own
/// evaluations and actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
    /// Your findings; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<MunicipalityFinding>>,
    /// Your evaluation, once submitted; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<Vec<EvaluationView>>,
    /// Your actions; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionView>>,
}

/// A partner's view: the meeting, without findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
}

/// A meeting as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum MeetingView {
    /// The county governor's.
    Governor(Box<GovernorMeeting>),
    /// A participating municipality's.
    Municipality(Box<MunicipalityMeeting>),
    /// A partner's.
    Partner(Box<PartnerMeeting>),
}

fn view(
    access: &DialogueAccess,
    meeting: &DialogueMeeting,
    details: MeetingDetails,
) -> MeetingView {
    let facts = meeting.clone();
    let evaluations = details
        .evaluations
        .map(|rows| rows.into_iter().map(EvaluationView::from).collect());
    let actions = details
        .actions
        .map(|rows| rows.into_iter().map(ActionView::from).collect());
    match access.view_of(meeting) {
        Some(DialogueView::Governor) => MeetingView::Governor(Box::new(GovernorMeeting {
            allowed_transitions: meeting.status.next().into_iter().collect(),
            attendees: details.attendees.map(|rows| {
                rows.into_iter()
                    .filter_map(|row| {
                        Some(AttendeeView {
                            role: row.role.parse().ok()?,
                            id: row.id,
                            municipality_id: row.municipality_id,
                            title: row.title,
                            name: row.name,
                        })
                    })
                    .collect()
            }),
            findings: details.findings,
            evaluations,
            actions,
            meeting: facts,
        })),
        Some(DialogueView::Municipality) => {
            MeetingView::Municipality(Box::new(MunicipalityMeeting {
                findings: details
                    .findings
                    .map(|rows| rows.into_iter().map(MunicipalityFinding::from).collect()),
                evaluations,
                actions,
                meeting: facts,
            }))
        }
        Some(DialogueView::Partner) | None => {
            MeetingView::Partner(Box::new(PartnerMeeting { meeting: facts }))
        }
    }
}

/// The path of one meeting.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    /// The meeting's id.
    id: Uuid,
}

fn location(id: Uuid) -> String {
    format!("/api/v1/dialogue-meetings/{id}")
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
        headers(("Location" = String, description = "The meeting")))),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings")]
async fn create_meeting(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateMeeting>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let who = caller.caller.clone();
    idempotency::create_by(
        &state,
        &caller,
        key,
        "/api/v1/dialogue-meetings",
        &request.clone(),
        move |ctx| {
            let (access, stored) = usecases::plan_meeting(ctx, &who, Uuid::now_v7(), &request)?;
            let shown = view(&access, &stored, MeetingDetails::default());
            Created::new(&shown, location(stored.id), None)
        },
    )
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
    responses((status = 200, description = "One page", body = Paginated<MeetingView>)),
    security(("bearer" = []))
)]
#[get("/dialogue-meetings")]
async fn list_meetings(
    caller: Authorized<DialogueParties>,
    state: web::Data<AppState>,
    query: ValidQuery<MeetingQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<MeetingView>>, ApiError> {
    let who = caller.caller.clone();
    let status = query.0.status;
    let (access, found) = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list_meetings(conn, &who, status, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(&state, found, |meeting| {
        view(&access, &meeting, MeetingDetails::default())
    })?))
}

/// Read a dialogue meeting.
///
/// In the caller's view: the governor's with every finding and risk assessment; a participating
/// municipality's with its own findings (no risk assessment), evaluations and actions; a
/// partner's without findings. Anyone else: 404.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    responses((status = 200, description = "The meeting, as the caller may see it", body = MeetingView)),
    security(("bearer" = []))
)]
#[get("/dialogue-meetings/{id}")]
async fn get_meeting(
    caller: Authorized<DialogueParties>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
) -> Result<web::Json<MeetingView>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let shown = record::read(
        &state,
        &caller,
        ResourceType::DialogueMeeting,
        id,
        move |conn| {
            let (access, meeting, details) = usecases::read_meeting(conn, &who, id)?;
            Ok(Some(view(&access, &meeting, details)))
        },
    )
    .await?;
    Ok(web::Json(shown))
}

/// Move a meeting on: `planned → held → followed_up → closed`.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    request_body = MeetingTransition,
    responses(
        (status = 200, description = "Moved", body = MeetingView),
        (status = 409, description = "Not the next status; `allowed_transitions` names it", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/transitions")]
async fn transition_meeting(
    caller: Authorized<GovernorAdvisers>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<MeetingTransition>,
) -> Result<web::Json<MeetingView>, ApiError> {
    let id = path.id;
    let to = body.into_inner().to;
    let who = caller.caller.clone();
    let (access, moved) = record::operate(
        &state,
        &caller,
        ResourceType::DialogueMeeting,
        id,
        move |ctx| usecases::move_meeting(ctx, &who, id, to),
    )
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
    responses((status = 201, description = "Recorded", body = AttendeeView)),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/attendees")]
async fn add_attendee(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<AddAttendee>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/attendees");
    let added =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
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
        .await;
    caller
        .noting_denial(&state, ResourceType::DialogueMeeting, id, added)
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
    responses((status = 204, description = "Recorded")),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/basis")]
async fn record_basis(
    caller: Authorized<GovernorAdvisers>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<RecordBasis>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    record::operate(
        &state,
        &caller,
        ResourceType::DialogueMeeting,
        id,
        move |ctx| usecases::record_basis(ctx, &who, id, &request),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One figure of the basis, with the previous year's when both exist.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureView {
    /// The variable's code.
    pub code: String,
    /// What it asks.
    pub label: String,
    /// Its unit.
    pub unit: String,
    /// The value.
    pub value: f64,
    /// The same variable the year before, when reported.
    pub previous_year: Option<f64>,
    /// `value - previous_year`, when both exist.
    pub change: Option<f64>,
}

/// A municipality's basis in a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityBasis {
    /// The municipality.
    pub municipality_id: Uuid,
    /// The report year used.
    pub report_year: i16,
    /// Its figures, by code.
    pub figures: Vec<FigureView>,
}

/// The basis of a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Basis {
    /// Per municipality (your own, for a municipality; none for a partner).
    pub items: Vec<MunicipalityBasis>,
}

/// The IS-24/8 figures a meeting used, compared with the year before.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath),
    responses((status = 200, description = "Per municipality", body = Basis)),
    security(("bearer" = []))
)]
#[get("/dialogue-meetings/{id}/basis")]
async fn get_basis(
    caller: Authorized<DialogueParties>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
) -> Result<web::Json<Basis>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let figures = record::read(
        &state,
        &caller,
        ResourceType::DialogueMeeting,
        id,
        move |conn| Ok(Some(usecases::read_basis(conn, &who, id)?)),
    )
    .await?;
    let mut items: Vec<MunicipalityBasis> = Vec::new();
    for figure in figures {
        let shown = FigureView {
            change: figure.previous.map(|previous| figure.value - previous),
            code: figure.code,
            label: figure.label,
            unit: figure.unit,
            value: figure.value,
            previous_year: figure.previous,
        };
        match items.last_mut() {
            Some(last) if last.municipality_id == figure.municipality_id => {
                last.figures.push(shown);
            }
            _ => items.push(MunicipalityBasis {
                municipality_id: figure.municipality_id,
                report_year: figure.report_year,
                figures: vec![shown],
            }),
        }
    }
    Ok(web::Json(Basis { items }))
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
    ),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/findings")]
async fn record_finding(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<RecordFinding>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/findings");
    let recorded =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
            let ids = (id.into(), Uuid::now_v7().into());
            let stored = usecases::record_finding(ctx, &who, ids, &request)?;
            Created::new(&stored, location(id), None)
        })
        .await;
    caller
        .noting_denial(&state, ResourceType::DialogueMeeting, id, recorded)
        .await
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
    ),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/evaluations")]
async fn submit_evaluation(
    caller: Authorized<MunicipalContacts>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<SubmitEvaluation>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/evaluations");
    let submitted =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
            let row = usecases::submit_evaluation(ctx, &who, id, &request)?;
            Created::new(&EvaluationView::from(row), location(id), None)
        })
        .await;
    caller
        .noting_denial(&state, ResourceType::DialogueMeeting, id, submitted)
        .await
}

/// Agree on a follow-up action.
///
/// For the governor: the owner is a participant of the meeting or the governor itself.
#[utoipa::path(
    tag = "dialogue",
    params(MeetingPath, IdempotencyKeyHeader),
    request_body = CreateAction,
    responses((status = 201, description = "Created", body = ActionView)),
    security(("bearer" = []))
)]
#[post("/dialogue-meetings/{id}/actions")]
async fn create_action(
    caller: Authorized<GovernorAdvisers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    body: ValidJson<CreateAction>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    let route = format!("/api/v1/dialogue-meetings/{id}/actions");
    let created =
        idempotency::create_by(&state, &caller, key, &route, &request.clone(), move |ctx| {
            let action = usecases::agree_action(ctx, &who, id, &request)?;
            let shown = ActionView::from(action);
            Created::new(
                &shown,
                format!("/api/v1/follow-up-actions/{}", shown.id),
                Some(shown.version),
            )
        })
        .await;
    caller
        .noting_denial(&state, ResourceType::DialogueMeeting, id, created)
        .await
}

/// A tagged answer for the action routes beside this module.
pub(crate) fn tagged_action(action: FollowUpAction) -> Tagged<ActionView> {
    Tagged::new(ActionView::from(action))
}
