//! `/api/v1/supervision-sessions`: the supervision (veiledning) a competence centre gives the
//! facilitators it follows up, and the requests each session answers. A centre reaches only its
//! own sessions; a facilitator sees on its log that the request was answered.

use crate::auth::{Authorized, CompetenceAdvisers};
use crate::error::ApiError;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::network_meeting_views::SupervisionSessionView;
use samhandling_usecases::network_meetings::{self as usecases, RecordSupervisionSession};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/supervision-sessions";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_supervision_session)
        .service(list_supervision_sessions)
        .service(get_supervision_session);
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// The path of one session.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SessionPath {
    /// The session's id.
    id: Uuid,
}

/// Record a supervision session.
///
/// For competence advisers; the caller is the adviser who held it. The facilitators must be ones
/// the centre follows up, and the answered requests logs in the centre's queue; each answered
/// request leaves the open queue, and its facilitator sees on the log that it was answered.
/// Topics name nobody. Send an `Idempotency-Key` so that a retry cannot record it twice.
#[utoipa::path(
    tag = "network-meetings",
    params(IdempotencyKeyHeader),
    request_body = RecordSupervisionSession,
    responses(
        (status = 201, description = "Recorded", body = SupervisionSessionView,
            headers(("Location" = String, description = "The session"))),
        (status = 422, description = "Invalid fields, a facilitator the centre does not follow up, or an answer not in its queue", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/supervision-sessions")]
async fn record_supervision_session(
    caller: Authorized<CompetenceAdvisers>,
    key: IdempotencyKey,
    body: ValidJson<RecordSupervisionSession>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let adviser = (caller.caller.organisation_id, caller.caller.subject.clone());
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let (centre, subject) = (adviser.0, adviser.1.as_str());
        let held = (centre, subject, Uuid::now_v7().into());
        let stored = usecases::record_supervision(ctx, held, &request)?;
        let id = stored.id;
        Created::new(&SupervisionSessionView::from(stored), location(id), None)
    })
    .await
}

/// List your centre's supervision sessions.
///
/// For a competence centre's advisers: the sessions their centre recorded, in the order recorded.
/// Each item read is audited.
#[utoipa::path(
    tag = "network-meetings",
    params(PageQuery),
    responses((status = 200, description = "One page, in the order recorded", body = Paginated<SupervisionSessionView>))
)]
#[get("/supervision-sessions")]
async fn list_supervision_sessions(
    caller: Authorized<CompetenceAdvisers>,
    page: Pagination,
) -> Result<web::Json<Paginated<SupervisionSessionView>>, ApiError> {
    let centre = caller.caller.organisation_id.uuid();
    record::list_audited(
        &caller,
        ResourceType::SupervisionSession,
        move |conn| usecases::list_sessions(conn, centre, page.0),
        SupervisionSessionView::from,
    )
    .await
}

/// Read a supervision session.
///
/// For the centre that held it; anyone else: 404.
#[utoipa::path(
    tag = "network-meetings",
    params(SessionPath),
    responses((status = 200, description = "The session", body = SupervisionSessionView))
)]
#[get("/supervision-sessions/{id}")]
async fn get_supervision_session(
    caller: Authorized<CompetenceAdvisers>,
    path: web::Path<SessionPath>,
) -> Result<web::Json<SupervisionSessionView>, ApiError> {
    let id = path.id;
    let centre = caller.caller.organisation_id;
    let session =
        record::read_audited(&caller, ResourceType::SupervisionSession, id, move |conn| {
            usecases::read_session(conn, centre, id.into()).map(Some)
        })
        .await?;
    Ok(web::Json(SupervisionSessionView::from(session)))
}
