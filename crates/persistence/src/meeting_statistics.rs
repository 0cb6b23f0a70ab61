//! Counts behind the meeting statistics, before suppression: network meetings by municipality,
//! quarter and facilitator (with who knows them, for `statistics::linked`) with their sums, and learning-network attendance by member service and gathering.

use crate::error::StoreError;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Uuid as SqlUuid};
use samhandling_domain::learning_network::LearningNetworkScope;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The network meetings of one municipality and quarter logged by one facilitator, with who
/// knows their count from its own records: the facilitator's employer, and the competence
/// centres that follow the facilitator up.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct MeetingCount {
    /// Where the meetings were held (kommunenummer).
    #[diesel(sql_type = Text)]
    pub municipality: String,
    /// The quarter, as `2026-Q1`.
    #[diesel(sql_type = Text)]
    pub quarter: String,
    /// The facilitator's employer.
    #[diesel(sql_type = Text)]
    pub employer: String,
    /// The competence centres that follow the facilitator up.
    #[diesel(sql_type = Array<Text>)]
    pub followers: Vec<String>,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

const MEETINGS_BY_FACILITATOR: &str = "\
SELECT m.municipality_number AS municipality, to_char(m.held_on, 'YYYY-\"Q\"Q') AS quarter,
    m.organisation_id::text AS employer,
    coalesce(array_agg(DISTINCT f.competence_centre_id::text)
        FILTER (WHERE f.competence_centre_id IS NOT NULL), '{}') AS followers,
    count(DISTINCT m.id) AS count
FROM network_meetings m
LEFT JOIN facilitators f
    ON f.employer_organisation_id = m.organisation_id AND f.subject = m.facilitator_subject
GROUP BY m.municipality_number, 2, m.organisation_id, m.facilitator_subject";

/// How often the logs or the facilitator links behind [`meetings_by_facilitator`] and
/// [`meeting_sums`] have changed: a result computed from counts read after this version was
/// read stands while it is the same. Read it before the counts, so that a result is never kept
/// under a version newer than its counts.
pub fn version(conn: &mut PgConnection) -> Result<i64, StoreError> {
    use crate::schema::network_meeting_statistics_version as versions;
    Ok(versions::table.select(versions::version).first(conn)?)
}

/// Network meetings logged, by municipality number, quarter of `held_on` and facilitator.
pub fn meetings_by_facilitator(conn: &mut PgConnection) -> Result<Vec<MeetingCount>, StoreError> {
    Ok(crate::statement::statement(MEETINGS_BY_FACILITATOR).load(conn)?)
}

/// What the averages and shares of network meetings rest on. It serializes, to be kept with
/// the table it is published beside.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize, Deserialize)]
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
WHERE ($1::uuid IS NULL OR n.id = $1) AND (EXISTS (
    SELECT 1 FROM learning_network_coordinators c WHERE c.network_id = n.id AND c.organisation_id = $2)
    OR EXISTS (
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
WHERE ($1::uuid IS NULL OR m.network_id = $1) AND (EXISTS (
    SELECT 1 FROM learning_network_coordinators c WHERE c.network_id = n.id AND c.organisation_id = $2)
    OR EXISTS (
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

/// Runs `sql`, whose `$1` is the one network asked for (or none), `$2` the coordinating organisation
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
