//! Counts of groups, places and sessions for statistics, before suppression (which the domain's
//! `statistics::suppress` applies to whatever this returns). They are read from
//! `group_statistics`, which triggers keep per centre, theme, municipality and quarter as each
//! placement, session and start or end happens, so a country's year never reads the places.

use crate::error::StoreError;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text, Uuid as SqlUuid};
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
    /// The first quarter (its first day).
    pub from: NaiveDate,
    /// The quarter after the last (its first day).
    pub to: NaiveDate,
    /// Only this centre's groups.
    pub centre: Option<Uuid>,
}

/// The column of `group_statistics` a measure adds up.
fn column(measure: GroupMeasure) -> &'static str {
    match measure {
        GroupMeasure::GroupsStarted => "groups_started",
        GroupMeasure::GroupsEnded => "groups_ended",
        GroupMeasure::GroupsRunning => "groups_running",
        GroupMeasure::MembersPlaced => "members_placed",
        GroupMeasure::SessionsHeld => "sessions_held",
    }
}

fn label(dimension: GroupDimension) -> &'static str {
    match dimension {
        GroupDimension::Centre => "centre_id::text",
        GroupDimension::Theme => "theme",
        GroupDimension::Municipality => "municipality",
        GroupDimension::Quarter => "to_char(quarter, 'YYYY-\"Q\"Q')",
    }
}

/// The counts of `query`, one per non-empty cell, from the summary the triggers keep (its primary
/// key, which starts with the quarter, finds a year's rows).
pub fn counts(conn: &mut PgConnection, query: &CountQuery) -> Result<Vec<Count>, StoreError> {
    let measure = column(query.measure);
    let wait = if query.measure == GroupMeasure::MembersPlaced {
        "wait_days"
    } else {
        "0"
    };
    // Every piece of the text comes from the whitelists above; the values are binds.
    let sql = format!(
        "SELECT {rows} AS row_label, {columns} AS column_label, sum({measure})::bigint AS count, \
             sum({wait})::float8 AS wait_days \
         FROM group_statistics WHERE quarter >= $1 AND quarter < $2 \
             AND ($3::uuid IS NULL OR centre_id = $3) \
         GROUP BY 1, 2 HAVING sum({measure}) > 0",
        rows = label(query.rows),
        columns = label(query.columns),
    );
    Ok(diesel::sql_query(sql)
        .bind::<Date, _>(query.from)
        .bind::<Date, _>(query.to)
        .bind::<Nullable<SqlUuid>, _>(query.centre)
        .load(conn)?)
}
