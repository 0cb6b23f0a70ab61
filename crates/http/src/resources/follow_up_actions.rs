//! `/api/v1/follow-up-actions`: what was agreed after the dialogue meetings, across them. The
//! governor sees every action of its county's meetings; a municipality sees and moves its own.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::resources::dialogue_meetings::{tagged_action, ActionView, DialogueParties};
use actix_web::{get, post, web};
use chrono::Utc;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::dialogue::ActionStatus;
use samhandling_usecases::dialogue::{self as usecases, ActionFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(list_actions).service(move_action);
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Only actions still open or in progress whose due date has passed.
    overdue: Option<bool>,
    /// Only the actions of this meeting.
    meeting_id: Option<Uuid>,
}

/// A status change.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "in_progress"}))]
pub struct ActionTransition {
    /// The new status; see `allowed_transitions`.
    pub to: ActionStatus,
}

/// The path of one action.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ActionPath {
    /// The action's id.
    id: Uuid,
}

/// List follow-up actions.
///
/// `?overdue=true` lists what is late, across the municipalities the caller may see: for the
/// governor, its county's; for a municipality, its own.
#[utoipa::path(
    tag = "dialogue",
    params(ActionQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<ActionView>))
)]
#[get("/follow-up-actions")]
async fn list_actions(
    caller: Authorized<DialogueParties>,
    query: ValidQuery<ActionQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<ActionView>>, ApiError> {
    let who = caller.caller.clone();
    let filter = ActionFilter {
        overdue_on: query
            .0
            .overdue
            .unwrap_or(false)
            .then(|| Utc::now().date_naive()),
        meeting_id: query.0.meeting_id,
        ..ActionFilter::default()
    };
    pagination::list(
        caller.state(),
        move |conn| usecases::list_actions(conn, &who, filter, page.0),
        ActionView::from,
    )
    .await
}

/// Move a follow-up action.
///
/// For the governor, and for the municipality that owns it: `open ⇄ in_progress`, then `done`
/// or `cancelled`, which are final (409 from there).
#[utoipa::path(
    tag = "dialogue",
    params(ActionPath),
    request_body = ActionTransition,
    responses(
        (status = 200, description = "Moved", body = ActionView, headers(("ETag" = String, description = "Its version"))),
        (status = 409, description = "Not allowed from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/follow-up-actions/{id}/transitions")]
async fn move_action(
    caller: Authorized<DialogueParties>,
    path: web::Path<ActionPath>,
    body: ValidJson<ActionTransition>,
) -> Result<Tagged<ActionView>, ApiError> {
    let id = path.id;
    let to = body.into_inner().to;
    let who = caller.caller.clone();
    let moved = crate::record::operate(&caller, ResourceType::FollowUpAction, id, move |ctx| {
        usecases::move_action(ctx, &who, id, to)
    })
    .await?;
    Ok(tagged_action(moved))
}
