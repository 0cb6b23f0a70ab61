//! Counts behind the meeting statistics, before suppression (which the domain's
//! `statistics::suppress` applies to whatever this returns): network meetings by municipality
//! and quarter with their sums, and learning-network attendance by member service and gathering.

use crate::error::StoreError;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Uuid as SqlUuid};
use samhandling_domain::learning_network::LearningNetworkScope;
use uuid::Uuid;

/// One cell's count: a row label, a column label and how many.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
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
}

const MEETINGS_BY_QUARTER: &str = "\
SELECT municipality_number AS row_label, to_char(held_on, 'YYYY-\"Q\"Q') AS column_label,
    count(*) AS count
FROM network_meetings
WHERE $1::int IS NULL OR (held_on >= make_date($1, 1, 1) AND held_on < make_date($1 + 1, 1, 1))
GROUP BY 1, 2";

/// Network meetings logged, by municipality number and quarter of `held_on`, in `year` or all.
pub fn meetings_by_quarter(
    conn: &mut PgConnection,
    year: Option<i32>,
) -> Result<Vec<Count>, StoreError> {
    Ok(crate::statement::statement(MEETINGS_BY_QUARTER)
        .bind::<Nullable<Integer>, _>(year)
        .load(conn)?)
}

/// What the averages and shares of network meetings rest on.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct MeetingSums {
    /// Meetings logged.
    #[diesel(sql_type = BigInt)]
    pub meetings: i64,
    /// Their network sizes, summed.
    #[diesel(sql_type = Double)]
    pub network_size_sum: f64,
    /// Of them, those asking for supervision.
    #[diesel(sql_type = BigInt)]
    pub supervision_wanted: i64,
    /// Of them, those with a next meeting planned.
    #[diesel(sql_type = BigInt)]
    pub next_meeting_planned: i64,
}

const MEETING_SUMS: &str = "\
SELECT count(*) AS meetings, coalesce(sum(network_size), 0)::float8 AS network_size_sum,
    count(*) FILTER (WHERE supervision_wanted) AS supervision_wanted,
    count(*) FILTER (WHERE next_meeting_planned) AS next_meeting_planned
FROM network_meetings
WHERE $1::int IS NULL OR (held_on >= make_date($1, 1, 1) AND held_on < make_date($1 + 1, 1, 1))";

/// The sums of network meetings in `year`, or of all.
pub fn meeting_sums(conn: &mut PgConnection, year: Option<i32>) -> Result<MeetingSums, StoreError> {
    Ok(crate::statement::statement(MEETING_SUMS)
        .bind::<Nullable<Integer>, _>(year)
        .get_result(conn)?)
}

/// One learning network's gatherings, summed.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct NetworkSums {
    /// The network.
    #[diesel(sql_type = SqlUuid)]
    pub network_id: Uuid,
    /// What it is called.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Its gatherings.
    #[diesel(sql_type = BigInt)]
    pub gatherings: i64,
    /// Of them, those where a user representative presented something.
    #[diesel(sql_type = BigInt)]
    pub with_user_involvement: i64,
}

const NETWORK_SUMS: &str = "\
SELECT n.id AS network_id, n.name,
    count(g.id) AS gatherings,
    count(g.id) FILTER (WHERE EXISTS (
        SELECT 1 FROM jsonb_array_elements(g.programme) AS item
        WHERE item->>'by_user_representative' = 'true')) AS with_user_involvement
FROM learning_networks n
LEFT JOIN gatherings g ON g.network_id = n.id
WHERE ($1::uuid IS NULL OR n.id = $1) AND (n.coordinating_centre_id = $2 OR EXISTS (
    SELECT 1 FROM learning_network_members r WHERE r.network_id = n.id AND r.organisation_id = $3))
GROUP BY n.id, n.name
ORDER BY n.name, n.id";

/// Every learning network `scope` reaches (or the one `network_id`) with its gatherings summed:
/// a network's name and member services are for its coordinator and members only, so its
/// statistics are too.
pub fn network_sums(
    conn: &mut PgConnection,
    network_id: Option<Uuid>,
    scope: LearningNetworkScope,
) -> Result<Vec<NetworkSums>, StoreError> {
    load_for_networks(conn, NETWORK_SUMS, network_id, scope)
}

/// One network's attendance cell: member service by gathering date.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AttendanceCount {
    /// The network.
    #[diesel(sql_type = SqlUuid)]
    pub network_id: Uuid,
    /// `<organisation name>: <service>`.
    #[diesel(sql_type = Text)]
    pub row_label: String,
    /// The gathering's date, `YYYY-MM-DD`.
    #[diesel(sql_type = Text)]
    pub column_label: String,
    /// How many came; 0 when none was recorded.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

const ATTENDANCE: &str = "\
SELECT m.network_id, o.name || ': ' || m.service AS row_label,
    to_char(g.held_on, 'YYYY-MM-DD') AS column_label,
    coalesce(a.attendees, 0)::bigint AS count
FROM learning_network_members m
JOIN organisations o ON o.id = m.organisation_id
JOIN gatherings g ON g.network_id = m.network_id
JOIN learning_networks n ON n.id = m.network_id
LEFT JOIN gathering_attendance a ON a.gathering_id = g.id AND a.member_id = m.id
WHERE ($1::uuid IS NULL OR m.network_id = $1) AND (n.coordinating_centre_id = $2 OR EXISTS (
    SELECT 1 FROM learning_network_members r WHERE r.network_id = n.id AND r.organisation_id = $3))";

/// Attendance of every member service at every gathering of every network `scope` reaches (or
/// of `network_id`), 0 where none was recorded, so that every service and date has its cell.
pub fn attendance(
    conn: &mut PgConnection,
    network_id: Option<Uuid>,
    scope: LearningNetworkScope,
) -> Result<Vec<AttendanceCount>, StoreError> {
    load_for_networks(conn, ATTENDANCE, network_id, scope)
}

/// Runs `sql`, whose `$1` is the one network asked for (or none), `$2` the coordinating centre
/// and `$3` the member organisation `scope` reaches networks as: the parameters of every
/// statistic over learning networks, bound in one place so that none binds them in another order.
fn load_for_networks<Row>(
    conn: &mut PgConnection,
    sql: &'static str,
    network_id: Option<Uuid>,
    scope: LearningNetworkScope,
) -> Result<Vec<Row>, StoreError>
where
    Row: QueryableByName<diesel::pg::Pg> + 'static,
{
    Ok(crate::statement::statement(sql)
        .bind::<Nullable<SqlUuid>, _>(network_id)
        .bind::<Nullable<SqlUuid>, _>(scope.coordinator)
        .bind::<Nullable<SqlUuid>, _>(scope.member)
        .load(conn)?)
}
