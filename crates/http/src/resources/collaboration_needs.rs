//! `/api/v1/collaboration-needs`: coordination (samhandling). A municipality's needs for help,
//! each addressed to one partner: the needs the county governor records in a dialogue meeting's
//! findings, and the requests a municipality sends itself.
//!
//! The partner a need is addressed to sees and answers it; the municipality and its county's
//! governor follow it. A governor sees a municipality's request to another partner only as
//! existing and where it stands (`detail: states_only`). Anyone else gets 404. Every read and
//! write is audited.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::dialogue_meetings::MunicipalContacts;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::coordination::{NeedOrigin, NeedStatus};
use samhandling_domain::Role;
use samhandling_usecases::coordination::{self as usecases, MoveNeed, NeedFilter, RequestHelp};
use samhandling_usecases::coordination_views::NeedView;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new requests are posted to.
const ROUTE: &str = "/api/v1/collaboration-needs";

/// What every route here names.
const NEED: ResourceType = ResourceType::CollaborationNeed;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(request_help)
        .service(list_needs)
        .service(get_need)
        .service(move_need);
}

/// Who reaches needs: the municipalities' contacts, the governors' advisers, and the partners'
/// roles (a competence centre's advisers, a user organisation's facilitators). Which needs, the
/// scope decides.
#[derive(Debug)]
pub struct NeedParties;
impl Policy for NeedParties {
    const ROLES: &'static [Role] = &[
        Role::MunicipalContact,
        Role::GovernorAdviser,
        Role::CompetenceAdviser,
        Role::Facilitator,
    ];
}

/// The path of one need.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NeedPath {
    /// The need's id.
    id: Uuid,
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedQuery {
    /// Only this status.
    status: Option<NeedStatus>,
    /// Only needs of this municipality.
    municipality_id: Option<Uuid>,
    /// Only needs addressed to this organisation.
    partner_organisation_id: Option<Uuid>,
    /// Only needs from findings, or only requests.
    origin: Option<NeedOrigin>,
    /// Only needs still waiting for help (open or accepted).
    pending: Option<bool>,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Ask a partner for help.
///
/// For a municipality's `municipal_contact`: ask a competence centre, a user organisation or
/// your own county's governor (422 naming `partner_organisation_id` for anyone else). The
/// partner is told through its `collaboration_need_addressed` webhook.
#[utoipa::path(
    tag = "coordination",
    params(IdempotencyKeyHeader),
    request_body = RequestHelp,
    responses((status = 201, description = "Sent", body = NeedView,
        headers(("Location" = String, description = "The request"), ("ETag" = String, description = "Its version"))))
)]
#[post("/collaboration-needs")]
async fn request_help(
    caller: Authorized<MunicipalContacts>,
    key: IdempotencyKey,
    body: ValidJson<RequestHelp>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.caller.clone();
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let (access, stored) = usecases::request_help(ctx, &who, Uuid::now_v7(), &request)?;
        let shown = NeedView::of(&access, stored);
        Created::new(&shown, location(shown.id), Some(shown.version))
    })
    .await
}

/// List collaboration needs.
///
/// A partner sees the needs addressed to it; a municipality its own; a governor those of its
/// county's municipalities. In the order raised; each item read is audited.
#[utoipa::path(
    tag = "coordination",
    params(NeedQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<NeedView>))
)]
#[get("/collaboration-needs")]
async fn list_needs(
    caller: Authorized<NeedParties>,
    query: ValidQuery<NeedQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<NeedView>>, ApiError> {
    let who = caller.caller.clone();
    let query = query.0;
    let filter = NeedFilter {
        status: query.status,
        municipality_id: query.municipality_id,
        partner_organisation_id: query.partner_organisation_id,
        origin: query.origin,
        pending: query.pending.unwrap_or(false),
    };
    let (access, found) = record::load(caller.state(), move |conn| {
        usecases::list_needs(conn, &who, &filter, page.0)
    })
    .await?;
    record::note_page_read(&caller, NEED, &found).await?;
    pagination::to_wire(caller.state(), found, |need| NeedView::of(&access, need))
}

/// Read a collaboration need.
///
/// A partner reads the needs addressed to it; a municipality its own; a governor those of its
/// county's municipalities. Any other need is 404. The read is audited.
#[utoipa::path(
    tag = "coordination",
    params(NeedPath),
    responses((status = 200, description = "The need, as the caller may see it", body = NeedView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/collaboration-needs/{id}")]
async fn get_need(
    caller: Authorized<NeedParties>,
    path: web::Path<NeedPath>,
) -> Result<Tagged<NeedView>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    record::read_audited(&caller, NEED, id, move |conn| {
        Ok(usecases::read_need(conn, &who, id)?.map(|(access, need)| NeedView::of(&access, need)))
    })
    .await
    .map(Tagged::new)
}

/// Answer or withdraw a collaboration need.
///
/// With `If-Match`. The partner it is addressed to answers: `open → accepted | declined | done`,
/// `accepted → declined | done`; a decline needs a `reason`, and an acceptance or done may carry
/// an `offer` (a course your organisation organises, a place in a learning network it
/// coordinates, a visit, or advice in text). Whoever raised it (the municipality for a request,
/// the governor for a finding's need) may withdraw it while it is open or accepted. Declined,
/// done and withdrawn are final (409 with `allowed_transitions`). The municipality is told of an
/// answer through its `collaboration_need_answered` webhook.
#[utoipa::path(
    tag = "coordination",
    params(NeedPath, IfMatchHeader),
    request_body = MoveNeed,
    responses(
        (status = 200, description = "Moved", body = NeedView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not a move open to you from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/collaboration-needs/{id}/transitions")]
async fn move_need(
    caller: Authorized<NeedParties>,
    path: web::Path<NeedPath>,
    if_match: IfMatch,
    body: ValidJson<MoveNeed>,
) -> Result<Tagged<NeedView>, ApiError> {
    let id = path.id;
    let step = body.into_inner();
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    let (access, moved) = record::operate(&caller, NEED, id, move |ctx| {
        usecases::move_need(ctx, &who, id, precondition, &step)
    })
    .await?;
    Ok(Tagged::new(NeedView::of(&access, moved)))
}
