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
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use crate::text::check_plain_text;
use actix_web::{get, patch, post, web, Either, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::network_meeting::{NetworkMeeting, NetworkMeetingScope};
use samhandling_domain::Role;
use samhandling_usecases::network_meeting_views::NetworkMeetingView;
use samhandling_usecases::network_meetings::{
    self as usecases, LogNetworkMeeting, MeetingFilter, UpdateNetworkMeeting,
};
use serde::Deserialize;
use utoipa::IntoParams;
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

/// The facilitator's view as a versioned answer.
fn tagged(meeting: NetworkMeeting) -> Tagged<NetworkMeetingView> {
    Tagged {
        version: meeting.version,
        body: NetworkMeetingView::own(meeting),
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
    body: ValidJson<LogNetworkMeeting>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let facilitator = (
        caller.caller.organisation_id.uuid(),
        caller.caller.subject.clone(),
    );
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let by = (facilitator.0, facilitator.1.as_str());
        let stored = usecases::log_meeting(ctx, by, Uuid::now_v7(), &request)?;
        let (id, version) = (stored.id, stored.version);
        Created::new(
            &NetworkMeetingView::own(stored),
            location(id),
            Some(version),
        )
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
    record::list_audited(
        &caller,
        ResourceType::NetworkMeeting,
        move |conn| usecases::list_meetings(conn, scope, &filter, page.0),
        NetworkMeetingView::from,
    )
    .await
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
    path: web::Path<MeetingPath>,
) -> Result<Either<Tagged<NetworkMeetingView>, web::Json<NetworkMeetingView>>, ApiError> {
    let id = path.id;
    let scope = NetworkMeetingScope::of(&caller.caller);
    let found = record::read_audited(&caller, ResourceType::NetworkMeeting, id, move |conn| {
        usecases::read_meeting(conn, &scope, id).map(Some)
    })
    .await?;
    Ok(match found.facilitator {
        None => Either::Left(tagged(found.meeting)),
        Some(_) => Either::Right(web::Json(found.into())),
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
    path: web::Path<MeetingPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateNetworkMeeting>,
) -> Result<Tagged<NetworkMeetingView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = NetworkMeetingScope::own(&caller.caller);
    let changed = record::operate(&caller, ResourceType::NetworkMeeting, id, move |ctx| {
        usecases::update_meeting(ctx, &scope, id, precondition, edit)
    })
    .await?;
    Ok(tagged(changed))
}
