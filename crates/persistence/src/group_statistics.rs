//! Counts of groups, places and sessions for statistics, before suppression (which the domain's
//! `statistics::linked` applies to every breakdown of what this returns, together). They are read from
//! `group_statistics`, which triggers keep per centre, theme, municipality and quarter as each
//! placement, session and start or end happens, so a country's year never reads the places.

use crate::error::StoreError;
use crate::schema::published_group_statistics;
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

/// How often the counts of the quarters from `from` to the day before `to` have changed since
/// each ended: a published result counted as of this version still stands.
pub fn version(conn: &mut PgConnection, from: NaiveDate, to: NaiveDate) -> Result<i64, StoreError> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = BigInt)]
        version: i64,
    }
    let found: Version = diesel::sql_query(
        "SELECT coalesce(sum(version), 0)::bigint AS version FROM group_statistics_versions \
         WHERE quarter >= $1 AND quarter < $2",
    )
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .get_result(conn)?;
    Ok(found.version)
}

/// The result kept for `measure`'s `year` counted until `until`, with the version it was
/// computed at.
pub fn kept(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    (year, until): (i32, NaiveDate),
) -> Result<Option<(i64, serde_json::Value)>, StoreError> {
    Ok(published_group_statistics::table
        .find((measure.as_str(), year, until))
        .select((
            published_group_statistics::version,
            published_group_statistics::figures,
        ))
        .first(conn)
        .optional()?)
}

/// Claims the refresh of the kept result for `measure`'s `year` counted until `until`, unless
/// another request claimed it less than a minute ago; whether this one did.
pub fn claim_refresh(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    (year, until): (i32, NaiveDate),
) -> Result<bool, StoreError> {
    let claimed = diesel::sql_query(
        "UPDATE published_group_statistics SET refreshing_since = now() \
         WHERE measure = $1 AND year = $2 AND counted_until = $3 \
             AND (refreshing_since IS NULL OR refreshing_since < now() - interval '1 minute')",
    )
    .bind::<Text, _>(measure.as_str())
    .bind::<diesel::sql_types::Integer, _>(year)
    .bind::<Date, _>(until)
    .execute(conn)?;
    Ok(claimed > 0)
}

/// Keeps `figures`, computed at `version`, as the result for `measure`'s `year` counted until
/// `until` (ending a claimed refresh), unless one of a later version is already kept (by another
/// instance). One of the same version is replaced: it may be kept in a shape this release no
/// longer reads.
pub fn keep(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    (year, until): (i32, NaiveDate),
    version: i64,
    figures: &serde_json::Value,
) -> Result<(), StoreError> {
    diesel::sql_query(
        "INSERT INTO published_group_statistics AS p (measure, year, counted_until, version, figures) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (measure, year, counted_until) DO UPDATE \
         SET version = EXCLUDED.version, figures = EXCLUDED.figures, computed_at = now(), \
             refreshing_since = NULL \
         WHERE p.version <= EXCLUDED.version",
    )
    .bind::<Text, _>(measure.as_str())
    .bind::<diesel::sql_types::Integer, _>(year)
    .bind::<Date, _>(until)
    .bind::<BigInt, _>(version)
    .bind::<diesel::sql_types::Jsonb, _>(figures)
    .execute(conn)?;
    Ok(())
}
