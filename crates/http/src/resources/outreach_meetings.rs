//! `/api/v1/outreach-meetings`: the meetings (kommunemøter, informasjonsmøter) a self-help
//! centre or a competence centre holds to win municipalities, NAV offices and others over: a
//! programme of speakers, the organisations invited and present, and the organiser's follow-up of
//! each. The organiser's coordinators or advisers write and see everything; an invited
//! organisation sees the meeting and its own invitation; anyone else gets 404, with a trace.
//! Every read and write is audited.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::NaiveDate;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::outreach::{OutreachKind, OutreachScope, OutreachStatus};
use samhandling_domain::Role;
use samhandling_usecases::outreach::{
    self as usecases, CreateOutreachMeeting, MoveOutreachMeeting, OutreachFilter,
    OutreachMeetingView, RecordOutreachInvitation, UpdateOutreachMeeting,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new meetings are posted to.
const ROUTE: &str = "/api/v1/outreach-meetings";

/// What every route here names.
const MEETING: ResourceType = ResourceType::OutreachMeeting;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_outreach_meeting)
        .service(list_outreach_meetings)
        .service(get_outreach_meeting)
        .service(update_outreach_meeting)
        .service(move_outreach_meeting)
        .service(record_outreach_invitation);
}

/// The rule across fields of a new meeting, as JSON Schema: one that is not digital needs its
/// place.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "CreateOutreachMeeting",
        serde_json::json!({
            "if": { "not": { "properties": { "digital": { "const": true } }, "required": ["digital"] } },
            "then": { "required": ["place"] }
        }),
    )]
}

/// Who organises: a self-help centre's coordinators and a competence centre's advisers.
#[derive(Debug)]
pub struct OutreachOrganisers;
impl Policy for OutreachOrganisers {
    const ROLES: &'static [Role] = OutreachScope::ORGANISERS;
}

/// Who reads: the organisers, and an invited organisation's referrers, municipal contacts,
/// coordinators or advisers. Which meetings, the organiser and the invitations decide.
#[derive(Debug)]
pub struct OutreachParties;
impl Policy for OutreachParties {
    const ROLES: &'static [Role] = &[
        Role::CentreCoordinator,
        Role::CompetenceAdviser,
        Role::Referrer,
        Role::MunicipalContact,
    ];
}

/// The path of one meeting.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OutreachPath {
    /// The meeting's id.
    id: Uuid,
}

/// The path of one invitation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// The meeting's id.
    id: Uuid,
    /// The invited organisation's id.
    organisation_id: Uuid,
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutreachQuery {
    /// Only this status.
    status: Option<OutreachStatus>,
    /// Only this kind.
    kind: Option<OutreachKind>,
    /// Only meetings on or after this date.
    held_from: Option<NaiveDate>,
    /// Only meetings on or before this date.
    held_until: Option<NaiveDate>,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Plan an outreach meeting.
///
/// For a self-help centre's `centre_coordinator` or a competence centre's `competence_adviser`:
/// the caller's organisation organises it. A `municipal_meeting` (kommunemøte) or an
/// `information_meeting` (informasjonsmøte), its date (within two years of today), where (or
/// digital), a programme of speakers by organisation and role, and the organisations invited.
/// Every fault is listed in one 422: an unknown speaker organisation
/// (`programme[i].speaker_organisation_id`), an invited organisation that does not exist, is
/// named twice or is the organiser (`invited[i]`), a text holding a national identity number.
#[utoipa::path(
    tag = "outreach-meetings",
    params(IdempotencyKeyHeader),
    request_body = CreateOutreachMeeting,
    responses((status = 201, description = "Planned", body = OutreachMeetingView,
        headers(("Location" = String, description = "The meeting"), ("ETag" = String, description = "Its version"))))
)]
#[post("/outreach-meetings")]
async fn create_outreach_meeting(
    caller: Authorized<OutreachOrganisers>,
    key: IdempotencyKey,
    body: ValidJson<CreateOutreachMeeting>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.caller.clone();
    let scope = OutreachScope::organiser_of(&who);
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::plan_outreach_meeting(ctx, &who, Uuid::now_v7(), &request)?;
        let shown = OutreachMeetingView::of(scope, stored);
        Created::new(&shown, location(shown.id), Some(shown.version))
    })
    .await
}

/// List outreach meetings.
///
/// The meetings your organisation organises (with every invitation) and those it is invited to
/// (with its own invitation only), in the order planned; each item read is audited.
#[utoipa::path(
    tag = "outreach-meetings",
    params(OutreachQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<OutreachMeetingView>))
)]
#[get("/outreach-meetings")]
async fn list_outreach_meetings(
    caller: Authorized<OutreachParties>,
    query: ValidQuery<OutreachQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<OutreachMeetingView>>, ApiError> {
    let scope = OutreachScope::of(&caller.caller);
    let filter = OutreachFilter {
        status: query.0.status,
        kind: query.0.kind,
        held_from: query.0.held_from,
        held_until: query.0.held_until,
    };
    let found = record::load(caller.state(), move |conn| {
        usecases::list_outreach_meetings(conn, scope, &filter, page.0)
    })
    .await?;
    record::note_page_read(&caller, MEETING, &found).await?;
    pagination::to_wire(caller.state(), found, |meeting| {
        OutreachMeetingView::of(scope, meeting)
    })
}

/// Read an outreach meeting.
///
/// For the organiser (every invitation, with presence and follow-ups, and where it may move
/// the meeting) and for an invited organisation (the meeting and its own invitation only); 404
/// for anyone else, which leaves a trace. With an `ETag`.
#[utoipa::path(
    tag = "outreach-meetings",
    params(OutreachPath),
    responses((status = 200, description = "The meeting", body = OutreachMeetingView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/outreach-meetings/{id}")]
async fn get_outreach_meeting(
    caller: Authorized<OutreachParties>,
    path: web::Path<OutreachPath>,
) -> Result<Tagged<OutreachMeetingView>, ApiError> {
    let id = path.id;
    let scope = OutreachScope::of(&caller.caller);
    record::read_audited(&caller, MEETING, id, move |conn| {
        let found = usecases::read_outreach_meeting(conn, scope, id)?;
        Ok(found.map(|meeting| OutreachMeetingView::of(scope, meeting)))
    })
    .await
    .map(Tagged::new)
}

/// Change a planned outreach meeting.
///
/// For the organiser, with `If-Match`, while the meeting is planned (409 once held or
/// cancelled): title, date, place or digital, the programme and the invited organisations
/// (lists replaced whole), checked as a new meeting is (422).
#[utoipa::path(
    tag = "outreach-meetings",
    params(OutreachPath, IfMatchHeader),
    request_body = UpdateOutreachMeeting,
    responses(
        (status = 200, description = "Changed", body = OutreachMeetingView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The meeting is held or cancelled", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/outreach-meetings/{id}")]
async fn update_outreach_meeting(
    caller: Authorized<OutreachOrganisers>,
    path: web::Path<OutreachPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateOutreachMeeting>,
) -> Result<Tagged<OutreachMeetingView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    let scope = OutreachScope::organiser_of(&who);
    let changed = record::operate(&caller, MEETING, id, move |ctx| {
        usecases::change_outreach_plan(ctx, &who, id, precondition, edit)
    })
    .await?;
    Ok(Tagged::new(OutreachMeetingView::of(scope, changed)))
}

/// Mark an outreach meeting held, or cancel it.
///
/// For the organiser, with `If-Match`: `planned → held | cancelled`, both final (409 with
/// `allowed_transitions`). Held once its date has come (422 `not_yet_held` naming `to`), with
/// `present`, the invited organisations that came (422 naming each `present[i]` not invited).
#[utoipa::path(
    tag = "outreach-meetings",
    params(OutreachPath, IfMatchHeader),
    request_body = MoveOutreachMeeting,
    responses(
        (status = 200, description = "Moved", body = OutreachMeetingView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not a move open from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/outreach-meetings/{id}/transitions")]
async fn move_outreach_meeting(
    caller: Authorized<OutreachOrganisers>,
    path: web::Path<OutreachPath>,
    if_match: IfMatch,
    body: ValidJson<MoveOutreachMeeting>,
) -> Result<Tagged<OutreachMeetingView>, ApiError> {
    let id = path.id;
    let step = body.into_inner();
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    let scope = OutreachScope::organiser_of(&who);
    let moved = record::operate(&caller, MEETING, id, move |ctx| {
        usecases::move_outreach_meeting(ctx, &who, id, precondition, &step)
    })
    .await?;
    Ok(Tagged::new(OutreachMeetingView::of(scope, moved)))
}

/// Record an invited organisation's presence and follow-up.
///
/// For the organiser, with `If-Match` of the meeting, which becomes a new version; once the
/// meeting is held (409 before, or once cancelled); replaced whole. The follow-up
/// (`interested`, `not_now`, `agreement_made`) is dated not before the meeting nor after
/// tomorrow; `agreement_made` may name the collaboration agreement between the organiser and
/// this organisation (422 for any other agreement). An organisation not invited is 404.
#[utoipa::path(
    tag = "outreach-meetings",
    params(InvitationPath, IfMatchHeader),
    request_body = RecordOutreachInvitation,
    responses(
        (status = 200, description = "Recorded; the meeting", body = OutreachMeetingView, headers(("ETag" = String, description = "The meeting's new version"))),
        (status = 409, description = "The meeting is not held", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/outreach-meetings/{id}/invitations/{organisation_id}")]
async fn record_outreach_invitation(
    caller: Authorized<OutreachOrganisers>,
    path: web::Path<InvitationPath>,
    if_match: IfMatch,
    body: ValidJson<RecordOutreachInvitation>,
) -> Result<Tagged<OutreachMeetingView>, ApiError> {
    let (id, organisation) = (path.id, path.organisation_id);
    let ids = (id.into(), organisation.into());
    let record = body.into_inner();
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    let scope = OutreachScope::organiser_of(&who);
    let recorded = record::operate(&caller, MEETING, id, move |ctx| {
        usecases::record_outreach_invitation(ctx, &who, ids, precondition, &record)
    })
    .await?;
    Ok(Tagged::new(OutreachMeetingView::of(scope, recorded)))
}
