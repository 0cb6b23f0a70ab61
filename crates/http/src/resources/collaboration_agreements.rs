//! `/api/v1/collaboration-agreements`: the agreements between a self-help centre and the
//! municipalities and NAV offices that refer to it, which decide how much a referrer is told of
//! its referrals. The centre's coordinators propose; the partner's referrers or municipal
//! contacts accept or decline; either party ends one in force. Each party sees its agreements,
//! and anyone else gets 404. Every read and write is audited.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::referrals::Coordinators;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use samhandling_domain::agreement::AgreementStatus;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::Role;
use samhandling_usecases::agreements::{
    self as usecases, AgreementFilter, AgreementView, MoveAgreement, ProposeAgreement,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new agreements are posted to.
const ROUTE: &str = "/api/v1/collaboration-agreements";

/// What every route here names.
const AGREEMENT: ResourceType = ResourceType::CollaborationAgreement;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(propose_agreement)
        .service(list_agreements)
        .service(get_agreement)
        .service(move_agreement);
}

/// Who reaches agreements: a centre's coordinators, and a municipality's or NAV office's
/// referrers and municipal contacts. Which agreements, the parties decide.
#[derive(Debug)]
pub struct AgreementParties;
impl Policy for AgreementParties {
    const ROLES: &'static [Role] = &[
        Role::CentreCoordinator,
        Role::Referrer,
        Role::MunicipalContact,
    ];
}

/// The path of one agreement.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AgreementPath {
    /// The agreement's id.
    id: Uuid,
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementQuery {
    /// Only this status.
    status: Option<AgreementStatus>,
    /// Only agreements with this other party.
    counterpart_id: Option<Uuid>,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Propose a collaboration agreement.
///
/// For a self-help centre's `centre_coordinator`, to a municipality or NAV office (422 naming
/// `partner_organisation_id` for anything else): what it refers, the feedback it wants on its
/// referrals (`none`, `coarse`, `detailed`), the contact roles and the period. It takes effect
/// once the partner accepts it. Referral feedback follows the agreement in force *and* the
/// person's consent: without an agreement, or under one saying `none`, a referrer gets the
/// receipt and nothing more.
#[utoipa::path(
    tag = "coordination",
    params(IdempotencyKeyHeader),
    request_body = ProposeAgreement,
    responses((status = 201, description = "Proposed", body = AgreementView,
        headers(("Location" = String, description = "The agreement"), ("ETag" = String, description = "Its version"))))
)]
#[post("/collaboration-agreements")]
async fn propose_agreement(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    body: ValidJson<ProposeAgreement>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.caller.clone();
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::propose_agreement(ctx, &who, Uuid::now_v7(), &request)?;
        let viewer = who.organisation_id.uuid();
        let shown = AgreementView::of(viewer, ctx.now().date_naive(), stored);
        Created::new(&shown, location(shown.id), Some(shown.version))
    })
    .await
}

/// List collaboration agreements.
///
/// The agreements your organisation is a party to, in the order proposed; each item read is
/// audited.
#[utoipa::path(
    tag = "coordination",
    params(AgreementQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<AgreementView>))
)]
#[get("/collaboration-agreements")]
async fn list_agreements(
    caller: Authorized<AgreementParties>,
    query: ValidQuery<AgreementQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<AgreementView>>, ApiError> {
    let who = caller.caller.clone();
    let filter = AgreementFilter {
        status: query.0.status,
        counterpart: query.0.counterpart_id,
    };
    let found = record::load(caller.state(), move |conn| {
        usecases::list_agreements(conn, &who, &filter, page.0)
    })
    .await?;
    record::note_page_read(&caller, AGREEMENT, &found).await?;
    let viewer = caller.caller.organisation_id.uuid();
    let today = Utc::now().date_naive();
    pagination::to_wire(caller.state(), found, |agreement| {
        AgreementView::of(viewer, today, agreement)
    })
}

/// Read a collaboration agreement.
///
/// For its two parties (404 for anyone else, which leaves a trace), with what it gives today
/// (`feedback_today`), where you may move it, and an `ETag`.
#[utoipa::path(
    tag = "coordination",
    params(AgreementPath),
    responses((status = 200, description = "The agreement", body = AgreementView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/collaboration-agreements/{id}")]
async fn get_agreement(
    caller: Authorized<AgreementParties>,
    path: web::Path<AgreementPath>,
) -> Result<Tagged<AgreementView>, ApiError> {
    let id = path.id;
    let who = caller.caller.clone();
    let viewer = who.organisation_id.uuid();
    let today = Utc::now().date_naive();
    record::read_audited(&caller, AGREEMENT, id, move |conn| {
        let found = usecases::read_agreement(conn, &who, id)?;
        Ok(found.map(|agreement| AgreementView::of(viewer, today, agreement)))
    })
    .await
    .map(Tagged::new)
}

/// Accept, decline, withdraw or end a collaboration agreement.
///
/// With `If-Match`. The partner accepts (`proposed → in_force`) or declines a proposal, the
/// centre withdraws its proposal, and either party ends an agreement in force; declining and
/// ending need a `reason`. Declined, withdrawn and ended are final (409 with
/// `allowed_transitions`); one agreement is in force per centre and partner (409 while another
/// is). Coming into force or ending applies the agreement's feedback to the partner's referrals
/// to the centre at once: an end withdraws queued webhook events the referrer may no longer be
/// told, as a withdrawal of consent does.
#[utoipa::path(
    tag = "coordination",
    params(AgreementPath, IfMatchHeader),
    request_body = MoveAgreement,
    responses(
        (status = 200, description = "Moved", body = AgreementView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not a move open to you from the current status, or another agreement with this partner is in force", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/collaboration-agreements/{id}/transitions")]
async fn move_agreement(
    caller: Authorized<AgreementParties>,
    path: web::Path<AgreementPath>,
    if_match: IfMatch,
    body: ValidJson<MoveAgreement>,
) -> Result<Tagged<AgreementView>, ApiError> {
    let id = path.id;
    let step = body.into_inner();
    let precondition = if_match.precondition()?;
    let who = caller.caller.clone();
    let viewer = who.organisation_id.uuid();
    let moved = record::operate(&caller, AGREEMENT, id, move |ctx| {
        usecases::move_agreement(ctx, &who, id, precondition, &step)
    })
    .await?;
    Ok(Tagged::new(AgreementView::of(
        viewer,
        Utc::now().date_naive(),
        moved,
    )))
}
