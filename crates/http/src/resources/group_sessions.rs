//! `/api/v1/groups/{id}/sessions`: the session logs of a group. Counts and facts only (held or
//! cancelled, how many came, whether a starter was there); the short note is never about a
//! person. Only the running centre reaches them.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::groups::GroupPath;
use crate::resources::referrals::Coordinators;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::group::{CentreAccess, Session};
use samhandling_usecases::group_sessions::{self as usecases, LogSession};
use std::convert::identity;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(log_session).service(list_sessions);
}

/// The rule across fields of a session log, as JSON Schema: a cancelled meeting has no
/// attendance.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "LogSession",
        serde_json::json!({
            "if": { "properties": { "held": { "const": false } }, "required": ["held"] },
            "then": { "not": { "required": ["present"] } }
        }),
    )]
}

/// Log a meeting of a group.
///
/// For the running centre's coordinators, for a group that has started (`starting`,
/// `self_running`, or `paused` for cancelled meetings). One log per group and date (409 again).
/// `held_on` is not before the day the group was created nor after tomorrow (422, `before_start`
/// or `in_the_future`). With `follow_up_requested`, a follow-up request is recorded too.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IdempotencyKeyHeader),
    request_body = LogSession,
    responses(
        (status = 201, description = "Logged", body = Session),
        (status = 409, description = "The group does not meet, or this date is logged", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/groups/{id}/sessions")]
async fn log_session(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    path: web::Path<GroupPath>,
    body: ValidJson<LogSession>,
) -> Result<HttpResponse, ApiError> {
    let group_id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{group_id}/sessions");
    let under = (ResourceType::Group, group_id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let ids = (Uuid::now_v7().into(), Uuid::now_v7().into());
        let stored = usecases::log_session(ctx, access, group_id.into(), ids, &request)?;
        Created::new(&stored, format!("/api/v1/groups/{group_id}/sessions"), None)
    })
    .await
}

/// List a group's session logs.
///
/// For the coordinators of the group's centre; another centre's group is 404.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, PageQuery),
    responses((status = 200, description = "One page, in the order logged", body = Paginated<Session>))
)]
#[get("/groups/{id}/sessions")]
async fn list_sessions(
    caller: Authorized<Coordinators>,
    path: web::Path<GroupPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<Session>>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    record::list_in(
        &caller,
        ResourceType::Group,
        id,
        move |conn| usecases::list_for_group(conn, access, id, page.0),
        identity,
    )
    .await
}
