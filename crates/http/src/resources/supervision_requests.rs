//! `/api/v1/supervision-requests`: a competence centre's queue of the logs its facilitators
//! wrote asking for supervision (veiledning), oldest first, until one of its sessions answers.

use crate::auth::{Authorized, CompetenceAdvisers};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, web};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::network_meeting_views::SupervisionRequestView;
use samhandling_usecases::network_meetings::{self as usecases, RequestFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(list_supervision_requests);
}

/// Filters for the queue.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// Only requests one of your centre's sessions has answered (`true`), or that none has
    /// (`false`, the open queue). Both when absent.
    answered: Option<bool>,
}

/// List the supervision queue.
///
/// For competence advisers: the logs of the facilitators the centre follows up that ask for
/// supervision, oldest first. `?answered=false` is the open queue; a request leaves it when a
/// session of the centre answers it. Every request listed is a read of its log in the audit
/// trail.
#[utoipa::path(
    tag = "network-meetings",
    params(RequestQuery, PageQuery),
    responses((status = 200, description = "One page, oldest request first", body = Paginated<SupervisionRequestView>))
)]
#[get("/supervision-requests")]
async fn list_supervision_requests(
    caller: Authorized<CompetenceAdvisers>,
    query: ValidQuery<RequestQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<SupervisionRequestView>>, ApiError> {
    let centre = caller.caller.organisation_id.uuid();
    let filter = RequestFilter {
        answered: query.0.answered,
    };
    record::list_audited(
        &caller,
        ResourceType::NetworkMeeting,
        move |conn| usecases::list_requests(conn, centre, filter, page.0),
        SupervisionRequestView::from,
    )
    .await
}
