//! Counts of groups, places and sessions for statistics, before suppression (which the domain's
//! `statistics::linked` applies to every breakdown of what this returns, together). They are read from
//! `group_statistics`, which triggers keep per centre, theme, municipality and quarter as each
//! placement, session and start or end happens, so a country's year never reads the places.

use crate::error::StoreError;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Text};
use samhandling_domain::group::GroupMeasure;

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

/// One cell of the finest grain the group statistics break down to: a centre's groups of one
/// theme in one municipality in one quarter, as the summary holds it.
#[derive(Debug, QueryableByName)]
pub struct CubeCount {
    /// The centre, as text.
    #[diesel(sql_type = Text)]
    pub centre: String,
    /// The theme.
    #[diesel(sql_type = Text)]
    pub theme: String,
    /// The municipality.
    #[diesel(sql_type = Text)]
    pub municipality: String,
    /// The quarter, as `2026-Q1`.
    #[diesel(sql_type = Text)]
    pub quarter: String,
    /// The count.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// Days waited, summed (places only).
    #[diesel(sql_type = Double)]
    pub wait_days: f64,
}

/// Every non-empty cell of `measure` from `from` to the day before `to`, by centre, theme,
/// municipality and quarter: what every breakdown sums, so that they can be suppressed together.
pub fn cube(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CubeCount>, StoreError> {
    let wait = if measure == GroupMeasure::MembersPlaced {
        "wait_days"
    } else {
        "0"
    };
    // Every piece of the text comes from the whitelists above; the values are binds.
    let sql = format!(
        "SELECT centre_id::text AS centre, theme, municipality, \
             to_char(quarter, 'YYYY-\"Q\"Q') AS quarter, sum({measure})::bigint AS count, \
             sum({wait})::float8 AS wait_days \
         FROM group_statistics WHERE quarter >= $1 AND quarter < $2 \
         GROUP BY 1, 2, 3, 4 HAVING sum({measure}) > 0",
        measure = column(measure),
    );
    Ok(diesel::sql_query(sql)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(conn)?)
}
