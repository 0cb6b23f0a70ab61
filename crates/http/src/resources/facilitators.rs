//! `/api/v1/facilitators`: the facilitators a competence centre follows up, trained on its
//! courses or affiliated with it after training elsewhere.
//!
//! A facilitator is not an account here: it is a token subject of an employer. The professional
//! signs in with a token whose `sub` equals the link's `subject`, whose organisation is the
//! link's employer, and with role `facilitator`; the centres linked to that facilitator (those
//! that organised the completed course, or affiliated them) see that facilitator's network-meeting
//! logs, once the facilitator has confirmed the link (`/api/v1/facilitator-links`): a centre
//! cannot make itself the reader of someone's logs by naming them. Only the centre's own links
//! are reached (404 otherwise); every read is audited.

use crate::auth::{Authorized, CompetenceAdvisers};
use crate::error::ApiError;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::course_views::FacilitatorView;
use samhandling_usecases::facilitators::{self as usecases, AffiliateFacilitator, TrainedOn};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/facilitators";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(affiliate_facilitator)
        .service(list_facilitators)
        .service(get_facilitator);
}

/// The path of one facilitator link.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FacilitatorPath {
    /// The link's id.
    id: Uuid,
}

/// Affiliate a facilitator trained elsewhere.
///
/// For a competence centre's `competence_adviser`: the centre follows up the facilitator who
/// signs in with a token whose `sub` is `subject`, whose organisation is
/// `employer_organisation_id`, with role `facilitator`, and sees that facilitator's
/// network-meeting logs once the facilitator has confirmed the link (`confirmed_at`). 409 if the facilitator is linked to the centre already (trained on its
/// course or affiliated before).
#[utoipa::path(
    tag = "courses",
    params(IdempotencyKeyHeader),
    request_body = AffiliateFacilitator,
    responses(
        (status = 201, description = "Affiliated", body = FacilitatorView,
            headers(("Location" = String, description = "The link"))),
        (status = 409, description = "Already linked to the centre", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an employer whose staff cannot be facilitators", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/facilitators")]
async fn affiliate_facilitator(
    caller: Authorized<CompetenceAdvisers>,
    key: IdempotencyKey,
    body: ValidJson<AffiliateFacilitator>,
) -> Result<HttpResponse, ApiError> {
    let centre = caller.caller.organisation_id;
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::affiliate(ctx, centre, Uuid::now_v7().into(), &request)?;
        let id = stored.id;
        Created::new(
            &FacilitatorView::of(stored, &TrainedOn::default()),
            format!("{ROUTE}/{id}"),
            None,
        )
    })
    .await
}

/// List the centre's facilitators.
///
/// The facilitators the caller's centre follows up, in the order linked: trained on its courses
/// (`trained_on_course`) or affiliated (`null`). Each signs in with a token whose `sub` is the
/// `subject` and whose organisation is the employer, with role `facilitator`; the centre sees
/// their network-meeting logs.
#[utoipa::path(
    tag = "courses",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<FacilitatorView>))
)]
#[get("/facilitators")]
async fn list_facilitators(
    caller: Authorized<CompetenceAdvisers>,
    page: Pagination,
) -> Result<web::Json<Paginated<FacilitatorView>>, ApiError> {
    let centre = caller.caller.organisation_id.uuid();
    let (found, trained) = record::load(caller.state(), move |conn| {
        usecases::list_facilitators(conn, centre, page.0)
    })
    .await?;
    record::note_page_read(&caller, ResourceType::Facilitator, &found).await?;
    pagination::to_wire(caller.state(), found, |facilitator| {
        FacilitatorView::of(facilitator, &trained)
    })
}

/// Read a facilitator link.
///
/// One of the caller centre's facilitators (404 for another centre's); audited as read.
#[utoipa::path(
    tag = "courses",
    params(FacilitatorPath),
    responses((status = 200, description = "The facilitator", body = FacilitatorView))
)]
#[get("/facilitators/{id}")]
async fn get_facilitator(
    caller: Authorized<CompetenceAdvisers>,
    path: web::Path<FacilitatorPath>,
) -> Result<web::Json<FacilitatorView>, ApiError> {
    let id = path.id;
    let centre = caller.caller.organisation_id;
    let view = record::read_audited(&caller, ResourceType::Facilitator, id, move |conn| {
        let (facilitator, trained) = usecases::read_facilitator(conn, centre, id.into())?;
        Ok(Some(FacilitatorView::of(facilitator, &trained)))
    })
    .await?;
    Ok(web::Json(view))
}
