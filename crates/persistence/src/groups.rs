//! Self-help groups in storage, with their starters and follow-up visits. Every query that loads
//! a group takes a [`GroupScope`] into its WHERE clause: the centre's own groups, and (for
//! browsing only) the catalogue: the open (recruiting or starting) groups their centres publish.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::{group_follow_ups, group_starters, groups};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::group::{
    AgeBand, CentreScope, FollowUp, Group, GroupFormat, GroupScope, GroupStatus, GroupTheme,
    Schedule, Size, Starter,
};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that lets a staff member start a group once.
pub const STARTER_KEY: &str = "group_starters_key";

type Condition = Box<dyn BoxableExpression<groups::table, Pg, SqlType = Bool>>;

/// Published and open ([`GroupStatus::OPEN`]: recruiting or starting), full or not: what the
/// catalogue shows (the partial index `groups_catalogue`). A full group stays, so that it does not
/// drop out at the moment someone is placed in it.
fn in_catalogue() -> Condition {
    Box::new(
        groups::published.and(groups::status.eq_any(GroupStatus::OPEN.map(GroupStatus::as_str))),
    )
}

/// `scope` as a WHERE condition on `groups`; an empty scope matches nothing.
fn condition(scope: GroupScope) -> Condition {
    let own: Option<Condition> = scope
        .centre
        .map(|centre| Box::new(groups::centre_id.eq(centre)) as Condition);
    match (own, scope.catalogue) {
        (Some(own), true) => Box::new(own.or(in_catalogue())),
        (Some(own), false) => own,
        (None, true) => in_catalogue(),
        (None, false) => Box::new(groups::id.is_null()),
    }
}

type GroupsOf = diesel::dsl::Select<
    diesel::dsl::Filter<groups::table, diesel::dsl::Eq<groups::centre_id, Uuid>>,
    groups::id,
>;

/// The ids of the groups `centre` runs, as a subquery: what reaches a group's members and
/// follow-ups.
pub(crate) fn groups_of(centre: Uuid) -> GroupsOf {
    groups::table
        .filter(groups::centre_id.eq(centre))
        .select(groups::id)
}

/// The groups a [`CentreScope`] owns, for the records that hang off a group.
pub(crate) fn owned_by(scope: CentreScope) -> Option<Uuid> {
    scope.centre
}

#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = groups, check_for_backend(diesel::pg::Pg))]
pub(crate) struct GroupRow {
    id: Uuid,
    centre_id: Uuid,
    title: String,
    theme: String,
    languages: Vec<Option<String>>,
    format: String,
    municipality: String,
    weekday: String,
    start_time: NaiveTime,
    interval_weeks: i16,
    min_members: i16,
    max_members: i16,
    age_from: Option<i16>,
    age_to: Option<i16>,
    address: Option<String>,
    confidential_location: bool,
    status: String,
    member_count: i16,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published: bool,
}

impl TryFrom<GroupRow> for Group {
    type Error = StoreError;

    fn try_from(row: GroupRow) -> Result<Self, Self::Error> {
        Ok(Group {
            id: row.id,
            centre_id: row.centre_id,
            title: row.title,
            theme: parse_stored(&row.theme)?,
            languages: row.languages.into_iter().flatten().collect(),
            format: parse_stored(&row.format)?,
            municipality: row.municipality,
            schedule: Schedule {
                weekday: parse_stored(&row.weekday)?,
                start_time: row.start_time,
                interval_weeks: row.interval_weeks,
            },
            size: Size {
                minimum: row.min_members,
                maximum: row.max_members,
            },
            age_band: AgeBand {
                from: row.age_from,
                to: row.age_to,
            },
            address: row.address,
            confidential_location: row.confidential_location,
            published: row.published,
            status: parse_stored(&row.status)?,
            member_count: row.member_count,
            started_at: row.started_at,
            ended_at: row.ended_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Stores a new group (planned, no members), as `group` describes it.
pub fn insert(conn: &mut PgConnection, group: &Group) -> Result<Group, StoreError> {
    let row: GroupRow = diesel::insert_into(groups::table)
        .values((
            groups::id.eq(group.id),
            groups::centre_id.eq(group.centre_id),
            editable(group),
            // The creator's time (the request's, or a back-dated history's), not the insert's.
            groups::created_at.eq(group.created_at),
            groups::updated_at.eq(group.updated_at),
        ))
        .returning(GroupRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// The columns a coordinator edits.
#[allow(clippy::type_complexity)]
fn editable(
    group: &Group,
) -> (
    diesel::dsl::Eq<groups::title, &str>,
    diesel::dsl::Eq<groups::theme, &'static str>,
    diesel::dsl::Eq<groups::languages, &Vec<String>>,
    diesel::dsl::Eq<groups::format, &'static str>,
    diesel::dsl::Eq<groups::municipality, &str>,
    diesel::dsl::Eq<groups::weekday, &'static str>,
    diesel::dsl::Eq<groups::start_time, NaiveTime>,
    diesel::dsl::Eq<groups::interval_weeks, i16>,
    diesel::dsl::Eq<groups::min_members, i16>,
    diesel::dsl::Eq<groups::max_members, i16>,
    diesel::dsl::Eq<groups::age_from, Option<i16>>,
    diesel::dsl::Eq<groups::age_to, Option<i16>>,
    diesel::dsl::Eq<groups::address, Option<&str>>,
    diesel::dsl::Eq<groups::confidential_location, bool>,
    diesel::dsl::Eq<groups::published, bool>,
) {
    (
        groups::title.eq(group.title.as_str()),
        groups::theme.eq(group.theme.as_str()),
        groups::languages.eq(&group.languages),
        groups::format.eq(group.format.as_str()),
        groups::municipality.eq(group.municipality.as_str()),
        groups::weekday.eq(group.schedule.weekday.as_str()),
        groups::start_time.eq(group.schedule.start_time),
        groups::interval_weeks.eq(group.schedule.interval_weeks),
        groups::min_members.eq(group.size.minimum),
        groups::max_members.eq(group.size.maximum),
        groups::age_from.eq(group.age_band.from),
        groups::age_to.eq(group.age_band.to),
        groups::address.eq(group.address.as_deref()),
        groups::confidential_location.eq(group.confidential_location),
        groups::published.eq(group.published),
    )
}

find_and_lock! {
    /// The group `id` if `scope` reaches it.
    fn find / find_for_update(id: Uuid, scope: GroupScope) -> Group {
        groups::table
            .filter(groups::id.eq(id))
            .filter(condition(scope))
            .select(GroupRow::as_select())
    }
    /// Placements, departures and moves of one group take turns, so its member count stays true.
}

/// Filters for the list; they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFilter {
    /// Only this status.
    pub status: Option<GroupStatus>,
    /// Only this theme.
    pub theme: Option<GroupTheme>,
    /// Only this format.
    pub format: Option<GroupFormat>,
    /// Only groups meeting in this municipality.
    pub municipality: Option<String>,
    /// Only groups talking this language.
    pub language: Option<String>,
    /// Only the catalogue (published open groups), even for the centre's coordinators.
    pub catalogue_only: bool,
}

/// One page of the groups `scope` reaches.
pub fn list(
    conn: &mut PgConnection,
    scope: GroupScope,
    filter: &GroupFilter,
    page: PageRequest,
) -> Result<Page<Group>, StoreError> {
    let mut query = created_order!(groups, GroupRow).filter(condition(scope));
    if filter.catalogue_only {
        query = query.filter(in_catalogue());
    }
    if let Some(status) = filter.status {
        query = query.filter(groups::status.eq(status.as_str()));
    }
    if let Some(theme) = filter.theme {
        query = query.filter(groups::theme.eq(theme.as_str()));
    }
    if let Some(format) = filter.format {
        query = query.filter(groups::format.eq(format.as_str()));
    }
    if let Some(municipality) = &filter.municipality {
        query = query.filter(groups::municipality.eq(municipality.clone()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(groups::languages.contains(vec![language.clone()]));
    }
    pagination::load_created_page::<_, GroupRow, Group>(conn, query, page)
}

/// Stores a coordinator's edit of a group already locked and checked.
pub fn update(conn: &mut PgConnection, group: &Group) -> Result<Group, StoreError> {
    let row: GroupRow = diesel::update(groups::table.find(group.id))
        .set((editable(group), one_version_up!(groups)))
        .returning(GroupRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Moves a group (already locked and checked) to `to`, noting when it first started and when it
/// ended.
pub fn transition(
    conn: &mut PgConnection,
    group: &Group,
    to: GroupStatus,
) -> Result<Group, StoreError> {
    let now = Utc::now();
    let started_at = group
        .started_at
        .or((to == GroupStatus::Starting).then_some(now));
    let ended_at = (to == GroupStatus::Ended).then_some(now);
    let row: GroupRow = diesel::update(groups::table.find(group.id))
        .set((
            groups::status.eq(to.as_str()),
            groups::started_at.eq(started_at),
            groups::ended_at.eq(ended_at),
            one_version_up!(groups),
        ))
        .returning(GroupRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Adds `delta` to a locked group's member count, a change of the group's version.
pub(crate) fn count_members(
    conn: &mut PgConnection,
    group_id: Uuid,
    delta: i16,
) -> Result<(), StoreError> {
    diesel::update(groups::table.find(group_id))
        .set((
            groups::member_count.eq(groups::member_count + delta),
            one_version_up!(groups),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = group_starters, check_for_backend(diesel::pg::Pg))]
struct StarterRow {
    id: Uuid,
    group_id: Uuid,
    subject: String,
    display_name: String,
    planned_meetings: i16,
    created_at: DateTime<Utc>,
}

impl From<StarterRow> for Starter {
    fn from(row: StarterRow) -> Self {
        Starter {
            id: row.id,
            group_id: row.group_id,
            subject: row.subject,
            display_name: row.display_name,
            planned_meetings: row.planned_meetings,
            created_at: row.created_at,
        }
    }
}

/// Assigns a starter to a group.
pub fn insert_starter(conn: &mut PgConnection, starter: &Starter) -> Result<Starter, StoreError> {
    let row: StarterRow = diesel::insert_into(group_starters::table)
        .values((
            group_starters::id.eq(starter.id),
            group_starters::group_id.eq(starter.group_id),
            group_starters::subject.eq(&starter.subject),
            group_starters::display_name.eq(&starter.display_name),
            group_starters::planned_meetings.eq(starter.planned_meetings),
        ))
        .returning(StarterRow::as_returning())
        .get_result(conn)?;
    Ok(row.into())
}

/// A group's starters, first assigned first.
pub fn starters(conn: &mut PgConnection, group_id: Uuid) -> Result<Vec<Starter>, StoreError> {
    Ok(group_starters::table
        .filter(group_starters::group_id.eq(group_id))
        .order((group_starters::created_at, group_starters::id))
        .select(StarterRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Starter::from)
        .collect())
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = group_follow_ups, check_for_backend(diesel::pg::Pg))]
struct FollowUpRow {
    id: Uuid,
    group_id: Uuid,
    requested_on: NaiveDate,
    session_id: Option<Uuid>,
    visited_on: Option<NaiveDate>,
    visited_by: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    reason: Option<String>,
}

impl From<FollowUpRow> for FollowUp {
    fn from(row: FollowUpRow) -> Self {
        FollowUp {
            id: row.id,
            group_id: row.group_id,
            requested_on: row.requested_on,
            session_id: row.session_id,
            reason: row.reason,
            visited_on: row.visited_on,
            visited_by: row.visited_by,
            version: row.version,
            created_at: row.created_at,
        }
    }
}

/// Records a group's request for a follow-up visit, from a session log or with its reason.
pub fn request_follow_up(
    conn: &mut PgConnection,
    id: Uuid,
    group_id: Uuid,
    requested_on: NaiveDate,
    (session_id, reason): (Option<Uuid>, Option<&str>),
) -> Result<FollowUp, StoreError> {
    let row: FollowUpRow = diesel::insert_into(group_follow_ups::table)
        .values((
            group_follow_ups::id.eq(id),
            group_follow_ups::group_id.eq(group_id),
            group_follow_ups::requested_on.eq(requested_on),
            group_follow_ups::session_id.eq(session_id),
            group_follow_ups::reason.eq(reason),
        ))
        .returning(FollowUpRow::as_returning())
        .get_result(conn)?;
    Ok(row.into())
}

/// A group's follow-ups, oldest first.
pub fn follow_ups(conn: &mut PgConnection, group_id: Uuid) -> Result<Vec<FollowUp>, StoreError> {
    Ok(group_follow_ups::table
        .filter(group_follow_ups::group_id.eq(group_id))
        .order((group_follow_ups::created_at, group_follow_ups::id))
        .select(FollowUpRow::as_select())
        .load(conn)?
        .into_iter()
        .map(FollowUp::from)
        .collect())
}

/// The follow-up `id` of a group of the scope's centre, locked.
pub fn find_follow_up_for_update(
    conn: &mut PgConnection,
    id: Uuid,
    scope: CentreScope,
) -> Result<Option<FollowUp>, StoreError> {
    let Some(centre) = owned_by(scope) else {
        return Ok(None);
    };
    Ok(group_follow_ups::table
        .filter(group_follow_ups::id.eq(id))
        .filter(group_follow_ups::group_id.eq_any(groups_of(centre)))
        .select(FollowUpRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .map(FollowUp::from))
}

/// Records the visit that answers a follow-up.
pub fn record_visit(
    conn: &mut PgConnection,
    id: Uuid,
    visited_on: NaiveDate,
    visited_by: &str,
) -> Result<FollowUp, StoreError> {
    let row: FollowUpRow = diesel::update(group_follow_ups::table.find(id))
        .set((
            group_follow_ups::visited_on.eq(visited_on),
            group_follow_ups::visited_by.eq(visited_by),
            group_follow_ups::version.eq(group_follow_ups::version + 1),
        ))
        .returning(FollowUpRow::as_returning())
        .get_result(conn)?;
    Ok(row.into())
}
