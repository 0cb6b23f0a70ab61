//! Improvement tasks (forbedringsoppgaver): at a gathering, a network's coordinators record what
//! a member service takes home to try out; the member service's organisation reports on it
//! before a later gathering, moving it through `planned → in_progress → done`.

use crate::input::{FreeText, Name};
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::ids::{ImprovementTaskId, LearningNetworkId};
use samhandling_domain::learning_network::{
    ImprovementStatus, ImprovementTask, LearningNetwork, LearningNetworkScope,
};
use samhandling_domain::lifecycle::Lifecycle;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::improvement_tasks as store;
use samhandling_persistence::learning_networks as networks;
use samhandling_persistence::{gatherings, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A task a member service takes home from a gathering.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "gathering_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a71",
    "member_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a72",
    "title": "Felles rutine for samarbeid jordmor–helsestasjon",
    "description": "Prøve ut rutinen i to måneder og ta erfaringene med til neste samling."
}))]
pub struct RecordImprovementTask {
    /// The gathering of this network it is taken home from (422 otherwise).
    pub gathering_id: Uuid,
    /// The member service of this network that takes it home (422 otherwise).
    pub member_id: Uuid,
    /// What it is.
    pub title: Name,
    /// What it involves.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub description: Option<FreeText>,
}

/// A member service's report on its task. Send `If-Match` with the task's `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "in_progress", "report": "Rutinen er tatt i bruk; vi deler erfaringene på neste samling."}))]
pub struct ReportImprovementTask {
    /// Where it stands: the same, or a move its lifecycle allows (409 otherwise).
    pub status: ImprovementStatus,
    /// What the service has to report; replaces an earlier report.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub report: Option<FreeText>,
}

/// The network `network_id` in `scope`, and which tasks of it the caller sees: all for a
/// coordinator, its own member services' for a member organisation.
fn reach(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Uuid,
) -> Result<(LearningNetwork, Option<Uuid>), UseCaseError> {
    let network = networks::find(conn, network_id, scope)?.ok_or(UseCaseError::NotFound)?;
    let member_of = if scope.coordinates(&network) {
        None
    } else {
        scope.member
    };
    Ok((network, member_of))
}

/// Records the task `id` of the coordinated network `network_id`: the gathering and the member
/// service are the network's (every refusal by field).
pub fn record_task(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    (network_id, id): (LearningNetworkId, ImprovementTaskId),
    new: &RecordImprovementTask,
) -> Result<ImprovementTask, UseCaseError> {
    let (network_id, id) = (network_id.uuid(), id.uuid());
    let network =
        networks::find_for_update(ctx.conn(), network_id, scope)?.ok_or(UseCaseError::NotFound)?;
    let mut refusals = Vec::new();
    if gatherings::find(ctx.conn(), network_id, new.gathering_id)?.is_none() {
        refusals.push(FieldRefusal::new(
            "gathering_id",
            "not_found",
            "names no gathering of this network",
        ));
    }
    if !network
        .members
        .iter()
        .any(|member| member.id == new.member_id)
    {
        refusals.push(FieldRefusal::new(
            "member_id",
            "not_found",
            "names no member service of this network",
        ));
    }
    UseCaseError::unless_refused(refusals)?;
    let now = ctx.now();
    let stored = store::insert(
        ctx.conn(),
        &ImprovementTask {
            id,
            network_id,
            gathering_id: new.gathering_id,
            member_id: new.member_id,
            title: new.title.to_string(),
            description: new.description.as_ref().map(ToString::to_string),
            status: ImprovementStatus::Planned,
            report: None,
            reported_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )?;
    ctx.audit(AuditAction::Created, ResourceType::ImprovementTask, id)?;
    Ok(stored)
}

/// The member service's report on the task `id`, as of the version it read: only the
/// organisation whose service took it home reports (a coordinator is forbidden); a move of its
/// status goes through its lifecycle.
pub fn report_task(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    (network_id, id): (LearningNetworkId, ImprovementTaskId),
    read: Precondition,
    report: &ReportImprovementTask,
) -> Result<ImprovementTask, UseCaseError> {
    let (network_id, id) = (network_id.uuid(), id.uuid());
    let (network, member_of) = reach(ctx.conn(), scope, network_id)?;
    let task = store::find_for_update(ctx.conn(), network_id, id, member_of)?
        .ok_or(UseCaseError::NotFound)?;
    if !scope.reports_on(&network, &task) {
        return Err(UseCaseError::Forbidden(
            "the member service that took the task home reports on it".into(),
        ));
    }
    read.check(task.version)?;
    if report.status != task.status {
        task.status.check_transition(report.status)?;
    }
    let text = report.report.as_ref().map(FreeText::as_str);
    let changed = store::report(ctx.conn(), id, report.status, text)?;
    let action = if report.status == task.status {
        AuditAction::Updated
    } else {
        AuditAction::Transitioned
    };
    ctx.audit(action, ResourceType::ImprovementTask, id)?;
    Ok(changed)
}

// Reads.

/// The tasks of the network `network_id` in `scope` the caller sees, in the order recorded.
pub fn list_tasks(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Uuid,
    page: PageRequest,
) -> Result<Page<ImprovementTask>, UseCaseError> {
    let (_, member_of) = reach(conn, scope, network_id)?;
    Ok(store::list(conn, network_id, member_of, page)?)
}

/// The task `id` of the network `network_id` in `scope`, if the caller sees it.
pub fn read_task(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: LearningNetworkId,
    id: ImprovementTaskId,
) -> Result<ImprovementTask, UseCaseError> {
    let (network_id, id) = (network_id.uuid(), id.uuid());
    let (_, member_of) = reach(conn, scope, network_id)?;
    store::find(conn, network_id, id, member_of)?.ok_or(UseCaseError::NotFound)
}
