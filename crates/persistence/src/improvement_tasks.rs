//! Improvement tasks in storage. A task is reached through its network, already found in the
//! caller's scope, and, for a member organisation, only when its member service is one of that
//! organisation's: the condition is in every query that loads a task.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::{improvement_tasks, learning_network_members};
use chrono::{DateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::learning_network::{ImprovementStatus, ImprovementTask};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = improvement_tasks, check_for_backend(diesel::pg::Pg))]
struct TaskRow {
    id: Uuid,
    network_id: Uuid,
    gathering_id: Uuid,
    member_id: Uuid,
    title: String,
    description: Option<String>,
    status: String,
    report: Option<String>,
    reported_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TaskRow> for ImprovementTask {
    type Error = StoreError;

    fn try_from(row: TaskRow) -> Result<Self, Self::Error> {
        Ok(ImprovementTask {
            id: row.id,
            network_id: row.network_id,
            gathering_id: row.gathering_id,
            member_id: row.member_id,
            title: row.title,
            description: row.description,
            status: parse_stored(&row.status)?,
            report: row.report,
            reported_at: row.reported_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

type Condition = Box<dyn BoxableExpression<improvement_tasks::table, Pg, SqlType = Bool>>;

/// The tasks of `network_id` a caller sees: all of them for a coordinator (`member_of` `None`),
/// those of its own member services for a member organisation.
fn visible(network_id: Uuid, member_of: Option<Uuid>) -> Condition {
    let of_network = improvement_tasks::network_id.eq(network_id);
    match member_of {
        None => Box::new(of_network),
        Some(organisation) => Box::new(
            of_network.and(
                improvement_tasks::member_id.eq_any(
                    learning_network_members::table
                        .filter(learning_network_members::organisation_id.eq(organisation))
                        .select(learning_network_members::id),
                ),
            ),
        ),
    }
}

/// Stores a new task.
pub fn insert(
    conn: &mut PgConnection,
    task: &ImprovementTask,
) -> Result<ImprovementTask, StoreError> {
    diesel::insert_into(improvement_tasks::table)
        .values((
            improvement_tasks::id.eq(task.id),
            improvement_tasks::network_id.eq(task.network_id),
            improvement_tasks::gathering_id.eq(task.gathering_id),
            improvement_tasks::member_id.eq(task.member_id),
            improvement_tasks::title.eq(&task.title),
            improvement_tasks::description.eq(&task.description),
            improvement_tasks::status.eq(task.status.as_str()),
        ))
        .returning(TaskRow::as_returning())
        .get_result::<TaskRow>(conn)?
        .try_into()
}

find_and_lock! {
    /// The task `id` of the network `network_id` if the caller sees it ([`visible`]).
    fn find / find_for_update(network_id: Uuid, id: Uuid, member_of: Option<Uuid>)
        -> ImprovementTask {
        improvement_tasks::table
            .filter(improvement_tasks::id.eq(id))
            .filter(visible(network_id, member_of))
            .select(TaskRow::as_select())
    }
    /// A report takes this lock first.
}

/// One page of the tasks of `network_id` the caller sees, in the order recorded.
pub fn list(
    conn: &mut PgConnection,
    network_id: Uuid,
    member_of: Option<Uuid>,
    page: PageRequest,
) -> Result<Page<ImprovementTask>, StoreError> {
    let query = created_order!(improvement_tasks, TaskRow).filter(visible(network_id, member_of));
    pagination::load_created_page::<_, TaskRow, ImprovementTask>(conn, query, page)
}

/// Records the member service's report on the task `id` (locked and checked): its status and,
/// when given, its text, as a new version.
pub fn report(
    conn: &mut PgConnection,
    id: Uuid,
    status: ImprovementStatus,
    report: Option<&str>,
) -> Result<ImprovementTask, StoreError> {
    let target = improvement_tasks::table.find(id);
    let row: TaskRow = match report {
        Some(text) => diesel::update(target)
            .set((
                improvement_tasks::status.eq(status.as_str()),
                improvement_tasks::report.eq(text),
                improvement_tasks::reported_at.eq(diesel::dsl::now),
                one_version_up!(improvement_tasks),
            ))
            .returning(TaskRow::as_returning())
            .get_result(conn)?,
        None => diesel::update(target)
            .set((
                improvement_tasks::status.eq(status.as_str()),
                one_version_up!(improvement_tasks),
            ))
            .returning(TaskRow::as_returning())
            .get_result(conn)?,
    };
    row.try_into()
}
