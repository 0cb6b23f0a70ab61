//! Counts of groups, places and sessions for statistics, before suppression (which the domain's
//! `statistics::suppress` applies to whatever this returns). The period's indexes are
//! `groups_started_at`, `groups_ended_at`, `memberships_joined_at` and `group_sessions_held_on`.

use crate::error::StoreError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use uuid::Uuid;

/// One cell's count, with the sum of waiting days behind it for `members_placed`.
#[derive(Debug, QueryableByName)]
pub struct Count {
    /// The row's label.
    #[diesel(sql_type = Text)]
    pub row_label: String,
    /// The column's label.
    #[diesel(sql_type = Text)]
    pub column_label: String,
    /// The count.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// Days waited, summed (places only).
    #[diesel(sql_type = Double)]
    pub wait_days: f64,
}

/// Which counts to take.
#[derive(Debug, Clone, Copy)]
pub struct CountQuery {
    /// What to count.
    pub measure: GroupMeasure,
    /// The rows.
    pub rows: GroupDimension,
    /// The columns.
    pub columns: GroupDimension,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Only this centre's groups.
    pub centre: Option<Uuid>,
}

/// The time each measure happens at, its source and what it counts.
fn source(measure: GroupMeasure) -> (&'static str, &'static str, &'static str, &'static str) {
    match measure {
        GroupMeasure::GroupsStarted => ("g.started_at", "groups g", "count(*)", "0"),
        GroupMeasure::GroupsEnded => ("g.ended_at", "groups g", "count(*)", "0"),
        GroupMeasure::GroupsRunning => (
            "s.held_on::timestamptz",
            "group_sessions s JOIN groups g ON g.id = s.group_id AND s.held",
            "count(DISTINCT g.id)",
            "0",
        ),
        GroupMeasure::SessionsHeld => (
            "s.held_on::timestamptz",
            "group_sessions s JOIN groups g ON g.id = s.group_id AND s.held",
            "count(*)",
            "0",
        ),
        GroupMeasure::MembersPlaced => (
            "m.joined_at",
            "memberships m JOIN groups g ON g.id = m.group_id",
            "count(*)",
            "sum(m.waited_days)",
        ),
    }
}

fn label(dimension: GroupDimension, at: &str) -> String {
    match dimension {
        GroupDimension::Centre => "g.centre_id::text".to_owned(),
        GroupDimension::Theme => "g.theme".to_owned(),
        GroupDimension::Municipality => "g.municipality".to_owned(),
        GroupDimension::Quarter => {
            format!("to_char({at} AT TIME ZONE 'Europe/Oslo', 'YYYY-\"Q\"Q')")
        }
    }
}

/// The counts of `query`, one per non-empty cell.
pub fn counts(conn: &mut PgConnection, query: &CountQuery) -> Result<Vec<Count>, StoreError> {
    let (at, from, count, wait) = source(query.measure);
    // Every piece of the text comes from the whitelists above; the values are binds.
    let sql = format!(
        "SELECT {rows} AS row_label, {columns} AS column_label, {count} AS count, \
             coalesce({wait}, 0)::float8 AS wait_days \
         FROM {from} WHERE {at} >= $1 AND {at} < $2 AND ($3::uuid IS NULL OR g.centre_id = $3) \
         GROUP BY 1, 2",
        rows = label(query.rows, at),
        columns = label(query.columns, at),
    );
    Ok(diesel::sql_query(sql)
        .bind::<Timestamptz, _>(query.from)
        .bind::<Timestamptz, _>(query.to)
        .bind::<Nullable<SqlUuid>, _>(query.centre)
        .load(conn)?)
}
