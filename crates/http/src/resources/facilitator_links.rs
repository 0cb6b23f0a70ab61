//! `/api/v1/facilitator-links`: the facilitator's own side of the links that let competence
//! centres follow it up. A centre links a facilitator by a completed course or an affiliation,
//! naming the facilitator's token subject and employer; the link gives the centre the
//! facilitator's network-meeting logs only once the facilitator, signed in as that subject of
//! that employer, has confirmed it here. The facilitator can end a link at any time.

use crate::auth::{Authorized, Facilitators};
use crate::error::ApiError;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::course_views::FacilitatorLinkView;
use samhandling_usecases::facilitators as usecases;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_facilitator_links)
        .service(confirm_facilitator_link)
        .service(withdraw_facilitator_link);
}

/// The path of one link.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LinkPath {
    /// The link's id.
    id: Uuid,
}

/// The caller: its employer and token subject.
fn facilitator_of(caller: &Authorized<Facilitators>) -> (Uuid, String) {
    (
        caller.caller.organisation_id.uuid(),
        caller.caller.subject.clone(),
    )
}

/// List the centres linked to me.
///
/// For a `facilitator`: the competence centres that link the caller (its token's `sub` and
/// organisation) as their facilitator, pending or confirmed, in the order linked. A pending
/// link gives the centre nothing until it is confirmed.
#[utoipa::path(
    tag = "courses",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<FacilitatorLinkView>))
)]
#[get("/facilitator-links")]
async fn list_facilitator_links(
    caller: Authorized<Facilitators>,
    page: Pagination,
) -> Result<web::Json<Paginated<FacilitatorLinkView>>, ApiError> {
    let (employer, subject) = facilitator_of(&caller);
    record::list_audited(
        &caller,
        ResourceType::Facilitator,
        move |conn| usecases::list_links(conn, employer, &subject, page.0),
        FacilitatorLinkView::from,
    )
    .await
}

/// Confirm a centre's link to me.
///
/// For the facilitator the link names: from now on the centre sees the caller's network-meeting
/// logs, its supervision requests among them. Confirming again changes nothing. Another
/// facilitator's link is 404.
#[utoipa::path(
    tag = "courses",
    params(LinkPath),
    responses(
        (status = 200, description = "Confirmed", body = FacilitatorLinkView),
        (status = 404, description = "No such link of the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/facilitator-links/{id}/confirmation")]
async fn confirm_facilitator_link(
    caller: Authorized<Facilitators>,
    path: web::Path<LinkPath>,
) -> Result<web::Json<FacilitatorLinkView>, ApiError> {
    let id = path.id;
    let (employer, subject) = facilitator_of(&caller);
    let confirmed = record::operate(&caller, ResourceType::Facilitator, id, move |ctx| {
        usecases::confirm_link(ctx, employer.into(), &subject, id.into())
    })
    .await?;
    Ok(web::Json(confirmed.into()))
}

/// End a centre's link to me.
///
/// For the facilitator the link names: the centre no longer sees the caller's logs. The centre
/// may link the facilitator again, which needs a new confirmation. 204; another facilitator's
/// link is 404.
#[utoipa::path(
    tag = "courses",
    params(LinkPath),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "No such link of the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/facilitator-links/{id}/withdrawal")]
async fn withdraw_facilitator_link(
    caller: Authorized<Facilitators>,
    path: web::Path<LinkPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let (employer, subject) = facilitator_of(&caller);
    record::operate(&caller, ResourceType::Facilitator, id, move |ctx| {
        usecases::withdraw_link(ctx, employer.into(), &subject, id.into())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
