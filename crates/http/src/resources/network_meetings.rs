//! `/api/v1/network-meetings`: the logs facilitators write of the network meetings they lead.
//! A log identifies nobody: the main person by age band and optional gender, the network by
//! counts per relation, a series by a label the facilitator chooses, and free text that holds a
//! national identity number is refused.
//!
//! The facilitator who logged a meeting reads and changes it (the `facilitator` view, with its
//! series label, version and `ETag`); a competence centre reads the logs of the facilitators it
//! follows up (the `competence_centre` view, without the label or version). Anyone else, a
//! colleague of the same organisation included, gets 404.

use crate::auth::{Authorized, Facilitators, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use crate::text::check_plain_text;
use actix_web::{get, patch, post, web, Either, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::network_meeting::{
    FollowedFacilitator, NetworkMeeting, NetworkMeetingScope, NetworkTheme, SuggestedBy,
};
use samhandling_domain::Role;
use samhandling_usecases::network_meetings::{
    self as usecases, LogNetworkMeeting, MainPerson, MeetingFilter, NetworkParticipants,
    NextNetworkMeeting, ShownMeeting, UpdateNetworkMeeting,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/network-meetings";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(log_network_meeting)
        .service(list_network_meetings)
        .service(get_network_meeting)
        .service(update_network_meeting);
}

/// Who reads network-meeting logs: facilitators their own, competence advisers those of the
/// facilitators their centre follows up.
#[derive(Debug)]
pub struct MeetingReaders;

impl Policy for MeetingReaders {
    const ROLES: &'static [Role] = &[Role::Facilitator, Role::CompetenceAdviser];
}

/// The rules across fields of a log, as JSON Schema: a date only for a planned next meeting, a
/// topic only when supervision is wanted, and each theme once.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "NextNetworkMeeting",
            serde_json::json!({
                "if": { "properties": { "planned": { "const": false } }, "required": ["planned"] },
                "then": { "not": { "required": ["on"] } }
            }),
        ),
        (
            "SupervisionWish",
            serde_json::json!({
                "if": { "properties": { "wanted": { "const": false } }, "required": ["wanted"] },
                "then": { "not": { "required": ["topic"] } }
            }),
        ),
        (
            "LogNetworkMeeting",
            serde_json::json!({ "properties": { "themes": { "uniqueItems": true } } }),
        ),
        (
            "UpdateNetworkMeeting",
            serde_json::json!({ "properties": { "themes": { "uniqueItems": true } } }),
        ),
    ]
}

/// Whether supervision is wanted, and whether a centre has answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionState {
    /// Whether supervision is wanted.
    pub wanted: bool,
    /// On what.
    pub topic: Option<String>,
    /// When a supervision session answered the request; `null` while open.
    pub answered_on: Option<NaiveDate>,
}

/// What every view of a log shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkMeetingFacts {
    /// Identifier.
    pub id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// The municipality it was held in.
    pub municipality_number: String,
    /// The service that held it.
    pub service: String,
    /// Co-facilitators.
    pub co_facilitators: Vec<String>,
    /// Who suggested it.
    pub suggested_by: SuggestedBy,
    /// The main person.
    pub main_person: MainPerson,
    /// Who came, by relation.
    pub participants: NetworkParticipants,
    /// Everyone who came besides the main person and the facilitators.
    pub network_size: i16,
    /// What it was about.
    pub themes: Vec<NetworkTheme>,
    /// The resources found.
    pub resources_identified: Option<String>,
    /// What was agreed next.
    pub next_steps: Option<String>,
    /// The next meeting.
    pub next_meeting: NextNetworkMeeting,
    /// The supervision request and its answer.
    pub supervision: SupervisionState,
    /// Logged.
    pub created_at: DateTime<Utc>,
}

/// The facilitator's own view: everything, with the series label and the version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilitatorNetworkMeeting {
    /// The log.
    #[serde(flatten)]
    pub meeting: NetworkMeetingFacts,
    /// The facilitator's employer.
    pub organisation_id: Uuid,
    /// The facilitator (token subject).
    pub facilitator_subject: String,
    /// Your label linking the meetings of one main person.
    pub series_id: Option<String>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A competence centre's view: the log and who wrote it, without the series label or the
/// version (either could tell what the view leaves out).
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreNetworkMeeting {
    /// The log.
    #[serde(flatten)]
    pub meeting: NetworkMeetingFacts,
    /// The facilitator who logged it.
    pub facilitator: FollowedFacilitator,
}

/// A log as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum NetworkMeetingView {
    /// The facilitator's own.
    Facilitator(Box<FacilitatorNetworkMeeting>),
    /// A competence centre's.
    CompetenceCentre(Box<CentreNetworkMeeting>),
}

fn facts(meeting: &NetworkMeeting) -> NetworkMeetingFacts {
    NetworkMeetingFacts {
        id: meeting.id,
        held_on: meeting.held_on,
        municipality_number: meeting.municipality_number.clone(),
        service: meeting.service.clone(),
        co_facilitators: meeting.co_facilitators.clone(),
        suggested_by: meeting.suggested_by,
        main_person: MainPerson {
            age_group: meeting.age_group,
            gender: meeting.gender,
            chose_participants: true,
        },
        participants: meeting.participants.into(),
        network_size: meeting.participants.size(),
        themes: meeting.themes.clone(),
        resources_identified: meeting.resources_identified.clone(),
        next_steps: meeting.next_steps.clone(),
        next_meeting: NextNetworkMeeting {
            planned: meeting.next_meeting_planned,
            on: meeting.next_meeting_on,
        },
        supervision: SupervisionState {
            wanted: meeting.supervision_wanted,
            topic: meeting.supervision_topic.clone(),
            answered_on: meeting.supervision_answered_on,
        },
        created_at: meeting.created_at,
    }
}

fn facilitator_view(meeting: NetworkMeeting) -> FacilitatorNetworkMeeting {
    FacilitatorNetworkMeeting {
        meeting: facts(&meeting),
        organisation_id: meeting.organisation_id,
        facilitator_subject: meeting.facilitator_subject,
        series_id: meeting.series_id,
        version: meeting.version,
        updated_at: meeting.updated_at,
    }
}

/// The facilitator's view as a versioned answer.
fn tagged(meeting: NetworkMeeting) -> Tagged<NetworkMeetingView> {
    let view = facilitator_view(meeting);
    Tagged {
        version: view.version,
        body: NetworkMeetingView::Facilitator(Box::new(view)),
    }
}

fn view(shown: ShownMeeting) -> NetworkMeetingView {
    match shown.facilitator {
        Some(facilitator) => NetworkMeetingView::CompetenceCentre(Box::new(CentreNetworkMeeting {
            meeting: facts(&shown.meeting),
            facilitator,
        })),
        None => NetworkMeetingView::Facilitator(Box::new(facilitator_view(shown.meeting))),
    }
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// The path of one log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    /// The log's id.
    id: Uuid,
}

/// Log a network meeting.
///
/// For facilitators. The log identifies nobody: do not enter names, initials, birth dates or
/// national identity numbers in any field (text holding a national identity number is refused
/// with 422, and nothing is stored). The main person must have chosen the participants
/// (`main_person.chose_participants: true`): the method stands on it, and `false` is refused with
/// 422. Send an `Idempotency-Key` so that a retry cannot log the meeting twice.
#[utoipa::path(
    tag = "network-meetings",
    params(IdempotencyKeyHeader),
    request_body = LogNetworkMeeting,
    responses(
        (status = 201, description = "Logged; the facilitator's view", body = NetworkMeetingView,
            headers(("Location" = String, description = "The log"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid fields: a national identity number in text, a main person who did not choose the participants, a rule across fields", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/network-meetings")]
async fn log_network_meeting(
    caller: Authorized<Facilitators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<LogNetworkMeeting>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let facilitator = (
        caller.caller.organisation_id.uuid(),
        caller.caller.subject.clone(),
    );
    key.create_by(&state, &caller, ROUTE, request, move |ctx, request| {
        let by = (facilitator.0, facilitator.1.as_str());
        let stored = usecases::log_meeting(ctx, by, Uuid::now_v7(), &request)?;
        let (id, version) = (stored.id, stored.version);
        let shown = NetworkMeetingView::Facilitator(Box::new(facilitator_view(stored)));
        Created::new(&shown, location(id), Some(version))
    })
    .await
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Only the logs of your series with this label (facilitators only: a centre never sees the
    /// labels, so it may not filter by one; 400).
    #[validate(length(min = 1, max = 64), custom(function = "check_plain_text"))]
    #[param(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    series_id: Option<String>,
}

/// List network-meeting logs.
///
/// A facilitator sees its own logs; a competence adviser the logs of the facilitators its
/// centre follows up, in the centre's view. In the order logged. Every log listed is a read in
/// the audit trail.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingQuery, PageQuery),
    responses(
        (status = 200, description = "One page", body = Paginated<NetworkMeetingView>),
        (status = 400, description = "`series_id` asked by a caller who is not a facilitator", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/network-meetings")]
async fn list_network_meetings(
    caller: Authorized<MeetingReaders>,
    state: web::Data<AppState>,
    query: ValidQuery<MeetingQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<NetworkMeetingView>>, ApiError> {
    let scope = NetworkMeetingScope::of(&caller.caller);
    let filter = MeetingFilter {
        series_id: query.0.series_id,
    };
    if filter.series_id.is_some() && scope.facilitator.is_none() {
        return Err(ApiError::bad_request(
            "series_id filters a facilitator's own logs: the labels are the facilitator's \
             alone, so a competence centre cannot filter by one",
        ));
    }
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list_meetings(conn, scope, &filter, page.0)?)
    })
    .await?;
    let ids: Vec<Uuid> = found.items.iter().map(|shown| shown.meeting.id).collect();
    record::note_list_read(&state, &caller, ResourceType::NetworkMeeting, ids).await?;
    pagination::to_wire(&state, found, view)
}

/// Read a network-meeting log.
///
/// The facilitator who logged it gets the `facilitator` view, with its series label, version
/// and `ETag`. A competence centre that follows the facilitator up gets the `competence_centre`
/// view: the log and the facilitator's name, without the label or version. Anyone else: 404.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingPath),
    responses((status = 200, description = "The log, as the caller may see it", body = NetworkMeetingView,
        headers(("ETag" = String, description = "Its version (the facilitator's view only)"))))
)]
#[get("/network-meetings/{id}")]
async fn get_network_meeting(
    caller: Authorized<MeetingReaders>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
) -> Result<Either<Tagged<NetworkMeetingView>, web::Json<NetworkMeetingView>>, ApiError> {
    let id = path.id;
    let scope = NetworkMeetingScope::of(&caller.caller);
    let found = record::read_audited(
        &state,
        &caller,
        ResourceType::NetworkMeeting,
        id,
        move |conn| usecases::read_meeting(conn, &scope, id).map(Some),
    )
    .await?;
    Ok(match found.facilitator {
        None => Either::Left(tagged(found.meeting)),
        Some(_) => Either::Right(web::Json(view(found))),
    })
}

/// Change a network-meeting log.
///
/// For the facilitator who logged it, with `If-Match`. The same fields and rules as a new log:
/// nobody identified, and the main person chose the participants.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingPath, IfMatchHeader),
    request_body = UpdateNetworkMeeting,
    responses(
        (status = 200, description = "Changed; the facilitator's view", body = NetworkMeetingView, headers(("ETag" = String, description = "The new version"))),
        (status = 422, description = "Invalid fields", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/network-meetings/{id}")]
async fn update_network_meeting(
    caller: Authorized<Facilitators>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateNetworkMeeting>,
) -> Result<Tagged<NetworkMeetingView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = NetworkMeetingScope::own(&caller.caller);
    let changed = record::operate(
        &state,
        &caller,
        ResourceType::NetworkMeeting,
        id,
        move |ctx| usecases::update_meeting(ctx, &scope, id, precondition, edit),
    )
    .await?;
    Ok(tagged(changed))
}
