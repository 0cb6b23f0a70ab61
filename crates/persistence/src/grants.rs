//! Grants from a funder to a recipient, with the activities they pay for. A caller reaches a
//! grant its organisation gives (as funder) or receives (as recipient), through [`GrantScope`],
//! and no other; the counts a grant's report is made of.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{assemble_one, find_and_lock, one_version_up, with_children};
use crate::schema::{course_organisers, grant_activities, grants, learning_network_coordinators};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Uuid as SqlUuid};
use samhandling_domain::grant::{Activity, ActivityKind, Grant, GrantScope, GrantStatus};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = grants, check_for_backend(diesel::pg::Pg))]
struct GrantRow {
    id: Uuid,
    funder_organisation_id: Uuid,
    recipient_organisation_id: Uuid,
    amount_nok: i64,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    purpose: String,
    status: String,
    stop_reason: Option<String>,
    closed_on: Option<NaiveDate>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

samhandling_domain::keyed_by!(GrantRow, created_at);

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = grant_activities, check_for_backend(diesel::pg::Pg))]
struct ActivityRow {
    grant_id: Uuid,
    kind: String,
    course_id: Option<Uuid>,
    learning_network_id: Option<Uuid>,
    project: Option<String>,
}

impl ActivityRow {
    fn into_activity(self) -> Result<Activity, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("grant {}: an activity", self.grant_id));
        Ok(match parse_stored(&self.kind)? {
            ActivityKind::Course => Activity::Course(self.course_id.ok_or_else(corrupt)?),
            ActivityKind::LearningNetwork => {
                Activity::LearningNetwork(self.learning_network_id.ok_or_else(corrupt)?)
            }
            ActivityKind::CentreOperation => Activity::CentreOperation,
            ActivityKind::Project => Activity::Project(self.project.clone().ok_or_else(corrupt)?),
        })
    }
}

impl GrantRow {
    fn into_grant(self, activities: &[ActivityRow]) -> Result<Grant, StoreError> {
        let activities = activities
            .iter()
            .filter(|activity| activity.grant_id == self.id)
            .map(|activity| {
                ActivityRow {
                    grant_id: activity.grant_id,
                    kind: activity.kind.clone(),
                    course_id: activity.course_id,
                    learning_network_id: activity.learning_network_id,
                    project: activity.project.clone(),
                }
                .into_activity()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Grant {
            id: self.id,
            funder_organisation_id: self.funder_organisation_id,
            recipient_organisation_id: self.recipient_organisation_id,
            amount_nok: self.amount_nok,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            purpose: self.purpose,
            activities,
            status: parse_stored(&self.status)?,
            stop_reason: self.stop_reason,
            closed_on: self.closed_on,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The activities of `grants`, in their order.
fn activities_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<ActivityRow>, StoreError> {
    Ok(grant_activities::table
        .filter(grant_activities::grant_id.eq_any(ids))
        .order((grant_activities::grant_id, grant_activities::position))
        .select(ActivityRow::as_select())
        .load(conn)?)
}

fn with_activities(conn: &mut PgConnection, rows: Vec<GrantRow>) -> Result<Vec<Grant>, StoreError> {
    with_children(
        conn,
        rows,
        |row| row.id,
        activities_of,
        GrantRow::into_grant,
    )
}

/// A WHERE condition on grants.
type Condition = Box<dyn BoxableExpression<grants::table, Pg, SqlType = Bool>>;

/// The grants `scope` reaches, as a WHERE condition: those its funder gives and those its
/// recipient receives; none without either.
fn condition(scope: GrantScope) -> Condition {
    let given: Option<Condition> = scope
        .funder
        .map(|funder| Box::new(grants::funder_organisation_id.eq(funder)) as Condition);
    let received: Option<Condition> = scope
        .recipient
        .map(|recipient| Box::new(grants::recipient_organisation_id.eq(recipient)) as Condition);
    match (given, received) {
        (Some(given), Some(received)) => Box::new(BoolExpressionMethods::or(given, received)),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => Box::new(grants::id.is_null()),
    }
}

/// Stores a grant with its activities, and the subject that recorded it.
pub fn insert(
    conn: &mut PgConnection,
    grant: &Grant,
    recorded_by: &str,
) -> Result<Grant, StoreError> {
    diesel::insert_into(grants::table)
        .values((
            grants::id.eq(grant.id),
            grants::funder_organisation_id.eq(grant.funder_organisation_id),
            grants::recipient_organisation_id.eq(grant.recipient_organisation_id),
            grants::amount_nok.eq(grant.amount_nok),
            grants::valid_from.eq(grant.valid_from),
            grants::valid_until.eq(grant.valid_until),
            grants::purpose.eq(&grant.purpose),
            grants::status.eq(grant.status.as_str()),
            grants::recorded_by.eq(recorded_by),
            grants::created_at.eq(grant.created_at),
            grants::updated_at.eq(grant.updated_at),
        ))
        .execute(conn)?;
    let activities: Vec<_> = grant
        .activities
        .iter()
        .enumerate()
        .map(|(position, activity)| {
            let (course, network, project) = match activity {
                Activity::Course(id) => (Some(*id), None, None),
                Activity::LearningNetwork(id) => (None, Some(*id), None),
                Activity::CentreOperation => (None, None, None),
                Activity::Project(text) => (None, None, Some(text.as_str())),
            };
            (
                grant_activities::grant_id.eq(grant.id),
                grant_activities::position.eq(i16::try_from(position).unwrap_or(i16::MAX)),
                grant_activities::kind.eq(activity.kind().as_str()),
                grant_activities::course_id.eq(course),
                grant_activities::learning_network_id.eq(network),
                grant_activities::project.eq(project),
            )
        })
        .collect();
    diesel::insert_into(grant_activities::table)
        .values(activities)
        .execute(conn)?;
    let row = grants::table
        .find(grant.id)
        .select(GrantRow::as_select())
        .first(conn)?;
    assemble_one(conn, row, with_activities, "a stored grant vanished")
}

find_and_lock! {
    /// The grant `id`, if `scope` reaches it, with its activities.
    fn find / find_for_update(id: Uuid, scope: GrantScope) -> Grant {
        grants::table
            .filter(grants::id.eq(id))
            .filter(condition(scope))
            .select(GrantRow::as_select())
    } assembled by with_activities;
}

/// Stores the move of the grant `id` (locked and checked) to `to`, with its reason and the day
/// it ended or stopped.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    to: GrantStatus,
    reason: Option<&str>,
    closed_on: Option<NaiveDate>,
) -> Result<Grant, StoreError> {
    let row: GrantRow = diesel::update(grants::table.find(id))
        .set((
            grants::status.eq(to.as_str()),
            grants::stop_reason.eq(reason),
            grants::closed_on.eq(closed_on),
            one_version_up!(grants),
        ))
        .returning(GrantRow::as_returning())
        .get_result(conn)?;
    assemble_one(conn, row, with_activities, "a moved grant vanished")
}

/// Which side of its grants a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Those the caller's organisation gives.
    Funder,
    /// Those it receives.
    Recipient,
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    /// Only this side.
    pub side: Option<Side>,
    /// Only this status.
    pub status: Option<GrantStatus>,
}

/// One page of the grants `scope` reaches that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: GrantScope,
    filter: &GrantFilter,
    page: PageRequest,
) -> Result<Page<Grant>, StoreError> {
    let scope = match filter.side {
        None => scope,
        Some(Side::Funder) => GrantScope {
            recipient: None,
            ..scope
        },
        Some(Side::Recipient) => GrantScope {
            funder: None,
            ..scope
        },
    };
    let mut query = created_order!(grants, GrantRow).filter(condition(scope));
    if let Some(status) = filter.status {
        query = query.filter(grants::status.eq(status.as_str()));
    }
    pagination::load_assembled_page(conn, query, page, with_activities)
}

/// The ids of `asked` that are not among `found`.
fn absent(asked: &[Uuid], found: &[Uuid]) -> Vec<Uuid> {
    asked
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect()
}

/// The courses of `courses` that `organisation` does not organise (or that do not exist).
pub fn courses_not_organised_by(
    conn: &mut PgConnection,
    courses: &[Uuid],
    organisation: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    let organised: Vec<Uuid> = course_organisers::table
        .filter(course_organisers::course_id.eq_any(courses))
        .filter(course_organisers::organisation_id.eq(organisation))
        .select(course_organisers::course_id)
        .load(conn)?;
    Ok(absent(courses, &organised))
}

/// The networks of `networks` that `organisation` does not coordinate (or that do not exist).
pub fn networks_not_coordinated_by(
    conn: &mut PgConnection,
    networks: &[Uuid],
    organisation: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    let coordinated: Vec<Uuid> = learning_network_coordinators::table
        .filter(learning_network_coordinators::network_id.eq_any(networks))
        .filter(learning_network_coordinators::organisation_id.eq(organisation))
        .select(learning_network_coordinators::network_id)
        .load(conn)?;
    Ok(absent(networks, &coordinated))
}

/// A grant as a funded activity shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// The activity funded (a course or a learning network).
    pub activity_id: Uuid,
    /// The grant.
    pub grant_id: Uuid,
    /// Who gives it.
    pub funder_organisation_id: Uuid,
    /// Who receives it.
    pub recipient_organisation_id: Uuid,
    /// Where it stands.
    pub status: GrantStatus,
    /// Whole kroner.
    pub amount_nok: i64,
    /// The day it stopped, if it did.
    pub closed_on: Option<NaiveDate>,
}

/// A funding row as loaded: the activity's course or network and the grant.
#[derive(Debug, Queryable)]
struct FundingRow {
    course_id: Option<Uuid>,
    learning_network_id: Option<Uuid>,
    grant_id: Uuid,
    funder_organisation_id: Uuid,
    recipient_organisation_id: Uuid,
    status: String,
    amount_nok: i64,
    closed_on: Option<NaiveDate>,
}

/// The grants that fund the courses `courses` or the networks `networks` and show as funding
/// (granted, paid, or stopped), oldest first.
pub fn funding_of(
    conn: &mut PgConnection,
    courses: &[Uuid],
    networks: &[Uuid],
) -> Result<Vec<Funding>, StoreError> {
    let shown: Vec<&str> = GrantStatus::ALL
        .iter()
        .filter(|status| status.shows_as_funding())
        .map(|status| status.as_str())
        .collect();
    let rows: Vec<FundingRow> = grant_activities::table
        .inner_join(grants::table)
        .filter(
            grant_activities::course_id
                .eq_any(courses)
                .or(grant_activities::learning_network_id.eq_any(networks)),
        )
        .filter(grants::status.eq_any(shown))
        .order((grants::created_at, grants::id))
        .select((
            grant_activities::course_id,
            grant_activities::learning_network_id,
            grants::id,
            grants::funder_organisation_id,
            grants::recipient_organisation_id,
            grants::status,
            grants::amount_nok,
            grants::closed_on,
        ))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|row| {
            let activity_id = row.course_id.or(row.learning_network_id)?;
            Some(parse_stored(&row.status).map(|status| Funding {
                activity_id,
                grant_id: row.grant_id,
                funder_organisation_id: row.funder_organisation_id,
                recipient_organisation_id: row.recipient_organisation_id,
                status,
                amount_nok: row.amount_nok,
                closed_on: row.closed_on,
            }))
        })
        .collect()
}

/// One dated count behind a report: what happened to the activity `activity` (a course, a
/// network, or the recipient centre) on `day`, `count` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Dated {
    /// The course, the network, or the centre.
    #[diesel(sql_type = SqlUuid)]
    pub activity: Uuid,
    /// The day.
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// What a report counts, each as dated counts from `from` (inclusive) to `until` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The grant's courses, on their last day.
    CoursesHeld,
    /// Completed enrolments on the grant's courses, on the course's last day.
    PeopleTrained,
    /// Network meetings logged by facilitators trained on the grant's courses (under each of its
    /// courses the facilitator was trained on).
    NetworkMeetings,
    /// Gatherings of the grant's networks.
    GatheringsHeld,
    /// Attendance recorded at those gatherings.
    Attendances,
    /// Groups the recipient centre started.
    GroupsStarted,
    /// Places the recipient centre gave in its groups.
    PeoplePlaced,
}

impl Measure {
    /// The query: `$1` the courses or networks, `$2` the recipient, `$3` and `$4` the days.
    const fn sql(self) -> &'static str {
        match self {
            Measure::CoursesHeld => "SELECT id AS activity, day, 1::bigint AS count FROM (SELECT c.id, (SELECT max(d) FROM unnest(c.dates) d) AS day FROM courses c WHERE c.id = ANY($1)) x WHERE day >= $3 AND day < $4",
            Measure::PeopleTrained => "SELECT id AS activity, day, count(*) AS count FROM (SELECT c.id, (SELECT max(d) FROM unnest(c.dates) d) AS day FROM courses c JOIN enrolments e ON e.course_id = c.id AND e.status = 'completed' WHERE c.id = ANY($1)) x WHERE day >= $3 AND day < $4 GROUP BY id, day",
            Measure::NetworkMeetings => "SELECT e.course_id AS activity, nm.held_on AS day, count(DISTINCT nm.id) AS count FROM network_meetings nm JOIN facilitators f ON f.subject = nm.facilitator_subject AND f.employer_organisation_id = nm.organisation_id JOIN enrolments e ON e.id = f.enrolment_id WHERE e.course_id = ANY($1) AND nm.held_on >= $3 AND nm.held_on < $4 GROUP BY e.course_id, nm.held_on",
            Measure::GatheringsHeld => "SELECT g.network_id AS activity, g.held_on AS day, count(*) AS count FROM gatherings g WHERE g.network_id = ANY($1) AND g.held_on >= $3 AND g.held_on < $4 GROUP BY g.network_id, g.held_on",
            Measure::Attendances => "SELECT g.network_id AS activity, g.held_on AS day, sum(a.attendees)::bigint AS count FROM gatherings g JOIN gathering_attendance a ON a.gathering_id = g.id WHERE g.network_id = ANY($1) AND g.held_on >= $3 AND g.held_on < $4 GROUP BY g.network_id, g.held_on",
            Measure::GroupsStarted => "SELECT g.centre_id AS activity, (g.started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS count FROM groups g WHERE g.centre_id = $2 AND (g.started_at AT TIME ZONE 'UTC')::date >= $3 AND (g.started_at AT TIME ZONE 'UTC')::date < $4 GROUP BY 1, 2",
            Measure::PeoplePlaced => "SELECT g.centre_id AS activity, (m.joined_at AT TIME ZONE 'UTC')::date AS day, count(*) AS count FROM memberships m JOIN groups g ON g.id = m.group_id WHERE g.centre_id = $2 AND (m.joined_at AT TIME ZONE 'UTC')::date >= $3 AND (m.joined_at AT TIME ZONE 'UTC')::date < $4 GROUP BY 1, 2",
        }
    }
}

/// The dated counts of `measure` for the activities `ids` (courses or networks) and the
/// recipient `recipient`, from `from` to `until` (exclusive).
pub fn count(
    conn: &mut PgConnection,
    measure: Measure,
    ids: &[Uuid],
    recipient: Uuid,
    (from, until): (NaiveDate, NaiveDate),
) -> Result<Vec<Dated>, StoreError> {
    Ok(diesel::sql_query(measure.sql())
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<SqlUuid, _>(recipient)
        .bind::<Date, _>(from)
        .bind::<Date, _>(until)
        .load(conn)?)
}
