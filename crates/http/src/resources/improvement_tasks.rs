//! `/api/v1/learning-networks/{id}/improvement-tasks`: the improvement tasks
//! (forbedringsoppgaver) member services take home from a network's gatherings, and report on
//! before a later one.
//!
//! The coordinators' advisers record them and see every one. A member organisation's
//! `municipal_contact` or `facilitator` sees its own member services' tasks and reports on them
//! (`planned → in_progress → done`, with a report text), with `If-Match`. A task is reached
//! through its network in the caller's scope: anyone else gets 404.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::learning_networks::{
    coordinator_scope, location as network_location, scope_of, NetworkCoordinators, NetworkParties,
    NetworkPath,
};
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::learning_network::ImprovementTask;
use samhandling_usecases::improvement_tasks::{
    self as usecases, RecordImprovementTask, ReportImprovementTask,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_improvement_task)
        .service(list_improvement_tasks)
        .service(get_improvement_task)
        .service(report_improvement_task);
}

/// The path of one task.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TaskPath {
    /// The network's id.
    id: Uuid,
    /// The task's id.
    task_id: Uuid,
}

/// Record an improvement task.
///
/// For the coordinators' advisers: what a member service of the network takes home from one of
/// its gatherings (422 naming `gathering_id` or `member_id` when either is not the network's).
/// It starts `planned`.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, IdempotencyKeyHeader),
    request_body = RecordImprovementTask,
    responses((status = 201, description = "Recorded", body = ImprovementTask,
        headers(("Location" = String, description = "The task"), ("ETag" = String, description = "Its version"))))
)]
#[post("/learning-networks/{id}/improvement-tasks")]
async fn record_improvement_task(
    caller: Authorized<NetworkCoordinators>,
    key: IdempotencyKey,
    path: web::Path<NetworkPath>,
    body: ValidJson<RecordImprovementTask>,
) -> Result<HttpResponse, ApiError> {
    let network_id = path.id;
    let scope = coordinator_scope(&caller);
    let route = format!("{}/improvement-tasks", network_location(network_id));
    let tasks_at = route.clone();
    let under = (ResourceType::LearningNetwork, network_id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let ids = (network_id.into(), Uuid::now_v7().into());
        let stored = usecases::record_task(ctx, scope, ids, &request)?;
        let (id, version) = (stored.id, stored.version);
        Created::new(&stored, format!("{tasks_at}/{id}"), Some(version))
    })
    .await
}

/// List a learning network's improvement tasks.
///
/// Every task for the coordinators; a member organisation's own services' tasks for its
/// contacts and facilitators. Each item read is audited.
#[utoipa::path(
    tag = "learning-networks",
    params(NetworkPath, PageQuery),
    responses((status = 200, description = "One page, in the order recorded", body = Paginated<ImprovementTask>))
)]
#[get("/learning-networks/{id}/improvement-tasks")]
async fn list_improvement_tasks(
    caller: Authorized<NetworkParties>,
    path: web::Path<NetworkPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<ImprovementTask>>, ApiError> {
    let network_id = path.id;
    let scope = scope_of(&caller);
    let found = record::read(
        &caller,
        ResourceType::LearningNetwork,
        network_id,
        move |conn| usecases::list_tasks(conn, scope, network_id, page.0).map(Some),
    )
    .await?;
    record::note_page_read(&caller, ResourceType::ImprovementTask, &found).await?;
    pagination::to_wire(caller.state(), found, std::convert::identity)
}

/// Read an improvement task.
///
/// For the coordinators, and for the organisation whose member service took it home, with the
/// `ETag` a report needs. Every read is audited.
#[utoipa::path(
    tag = "learning-networks",
    params(TaskPath),
    responses((status = 200, description = "The task", body = ImprovementTask,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/learning-networks/{id}/improvement-tasks/{task_id}")]
async fn get_improvement_task(
    caller: Authorized<NetworkParties>,
    path: web::Path<TaskPath>,
) -> Result<Tagged<ImprovementTask>, ApiError> {
    let (network_id, task_id) = (path.id, path.task_id);
    let scope = scope_of(&caller);
    let found = record::read_audited(
        &caller,
        ResourceType::ImprovementTask,
        task_id,
        move |conn| usecases::read_task(conn, scope, network_id.into(), task_id.into()).map(Some),
    )
    .await?;
    Ok(Tagged::new(found))
}

/// Report on an improvement task.
///
/// For the organisation whose member service took it home (a coordinator gets 403), with
/// `If-Match`: its status, the same or a move `planned → in_progress | done`,
/// `in_progress → done` (anything else is 409 naming `allowed_transitions`), and a report text
/// that replaces any earlier one.
#[utoipa::path(
    tag = "learning-networks",
    params(TaskPath, IfMatchHeader),
    request_body = ReportImprovementTask,
    responses(
        (status = 200, description = "Reported", body = ImprovementTask, headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "Not your role, or not your service's task: its member service reports", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/learning-networks/{id}/improvement-tasks/{task_id}/report")]
async fn report_improvement_task(
    caller: Authorized<NetworkParties>,
    path: web::Path<TaskPath>,
    if_match: IfMatch,
    body: ValidJson<ReportImprovementTask>,
) -> Result<Tagged<ImprovementTask>, ApiError> {
    let (network_id, task_id) = (path.id, path.task_id);
    let ids = (network_id.into(), task_id.into());
    let report = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = scope_of(&caller);
    let changed = record::operate(
        &caller,
        ResourceType::ImprovementTask,
        task_id,
        move |ctx| usecases::report_task(ctx, scope, ids, precondition, &report),
    )
    .await?;
    Ok(Tagged::new(changed))
}
