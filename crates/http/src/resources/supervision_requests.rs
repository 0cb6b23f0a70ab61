//! `/api/v1/supervision-requests`: a competence centre's queue of the logs its facilitators
//! wrote asking for supervision (veiledning), oldest first, until one of its sessions answers.

use crate::auth::{Authorized, CompetenceAdvisers};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::network_meeting::{FollowedFacilitator, SupervisionRequest};
use samhandling_usecases::network_meetings::{self as usecases, RequestFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
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

/// A request for supervision, as the centre's queue shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionRequestView {
    /// The log that asks (readable in the centre's view).
    pub network_meeting_id: Uuid,
    /// Who asks.
    pub facilitator: FollowedFacilitator,
    /// On what.
    pub topic: Option<String>,
    /// When the meeting was held.
    pub held_on: NaiveDate,
    /// When the log was written: the queue's order.
    pub requested_at: DateTime<Utc>,
    /// When one of the centre's sessions answered it; `null` while open.
    pub answered_on: Option<NaiveDate>,
    /// That session; `null` while open.
    pub session_id: Option<Uuid>,
}

impl From<SupervisionRequest> for SupervisionRequestView {
    fn from(request: SupervisionRequest) -> Self {
        SupervisionRequestView {
            network_meeting_id: request.network_meeting_id,
            facilitator: request.facilitator,
            topic: request.topic,
            held_on: request.held_on,
            requested_at: request.requested_at,
            answered_on: request.answer.map(|answer| answer.held_on),
            session_id: request.answer.map(|answer| answer.session_id),
        }
    }
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
    state: web::Data<AppState>,
    query: ValidQuery<RequestQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<SupervisionRequestView>>, ApiError> {
    let centre = caller.caller.organisation_id.uuid();
    let filter = RequestFilter {
        answered: query.0.answered,
    };
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list_requests(conn, centre, filter, page.0)?)
    })
    .await?;
    record::note_list_read(
        &state,
        &caller,
        ResourceType::NetworkMeeting,
        found.items.iter().map(|request| request.network_meeting_id),
    )
    .await?;
    pagination::to_wire(&state, found, SupervisionRequestView::from)
}
