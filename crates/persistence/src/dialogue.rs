//! Dialogue meetings in storage, with their participants, attendees, findings and evaluations.
//! Every query that loads a meeting takes a [`DialogueScope`] into its WHERE clause: the meetings
//! of the county the caller governs, and those its organisation took part in.

use crate::error::{parse_stored, parse_stored_all, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{assemble_one, find_and_lock, one_version_up, with_children};
use crate::schema::{
    dialogue_attendees, dialogue_evaluations, dialogue_findings, dialogue_meetings,
    dialogue_participants, organisations,
};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::dialogue::{
    AttendeeRole, Candidate, DialogueMeeting, DialogueScope, DialogueStatus, Finding,
    RiskAssessment,
};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that gives a municipality one finding per meeting.
pub const FINDING_KEY: &str = "dialogue_findings_key";
/// The unique index that lets a municipality evaluate a meeting once.
pub const EVALUATION_KEY: &str = "dialogue_evaluations_key";

type Condition = Box<dyn BoxableExpression<dialogue_meetings::table, Pg, SqlType = Bool>>;

/// `scope` as a WHERE condition on `dialogue_meetings`; an empty scope matches nothing.
fn condition(scope: DialogueScope) -> Condition {
    let governed: Option<Condition> = scope.governor.map(|governor| {
        Box::new(
            dialogue_meetings::county_number.eq_any(
                organisations::table
                    .filter(organisations::id.eq(governor))
                    .filter(organisations::kind.eq("county_governor"))
                    // A NULL number matches no meeting, as `IN` treats it.
                    .select(organisations::county_number.assume_not_null()),
            ),
        ) as Condition
    });
    let attended = |organisation: Option<Uuid>, role: &'static str| {
        organisation.map(|organisation| {
            Box::new(dialogue_meetings::id.eq_any(attended_as(organisation, role))) as Condition
        })
    };
    [
        governed,
        attended(scope.municipality, "municipality"),
        attended(scope.partner, "partner"),
    ]
    .into_iter()
    .flatten()
    .reduce(|one, other| Box::new(one.or(other)))
    .unwrap_or_else(|| Box::new(dialogue_meetings::id.is_null()))
}

/// The meetings one organisation took part in, in one part.
pub(crate) type AttendedAs = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<
            dialogue_participants::table,
            diesel::dsl::Eq<dialogue_participants::organisation_id, Uuid>,
        >,
        diesel::dsl::Eq<dialogue_participants::role, &'static str>,
    >,
    dialogue_participants::meeting_id,
>;

/// The meetings `organisation` took part in as `role` (`municipality` or `partner`).
pub(crate) fn attended_as(organisation: Uuid, role: &'static str) -> AttendedAs {
    dialogue_participants::table
        .filter(dialogue_participants::organisation_id.eq(organisation))
        .filter(dialogue_participants::role.eq(role))
        .select(dialogue_participants::meeting_id)
}

/// The county an organisation covers, when it is a county governor with a county number.
pub fn governed_county(
    conn: &mut PgConnection,
    organisation_id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(organisations::table
        .filter(organisations::id.eq(organisation_id))
        .filter(organisations::kind.eq("county_governor"))
        .select(organisations::county_number)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The organisations named as participants that exist, with their kind and kommunenummer, to
/// check who may take part.
pub fn candidates(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Candidate>, StoreError> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((
            organisations::id,
            organisations::kind,
            organisations::municipality_number,
        ))
        .load::<(Uuid, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, kind, municipality_number)| {
            Ok(Candidate {
                id,
                kind: parse_stored(&kind)?,
                municipality_number,
            })
        })
        .collect()
}

/// The municipality organisation with kommunenummer `number`.
pub fn municipality_by_number(
    conn: &mut PgConnection,
    number: &str,
) -> Result<Option<Uuid>, StoreError> {
    Ok(organisations::table
        .filter(organisations::kind.eq("municipality"))
        .filter(organisations::municipality_number.eq(number))
        .select(organisations::id)
        .first(conn)
        .optional()?)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = dialogue_meetings, check_for_backend(diesel::pg::Pg))]
struct MeetingRow {
    id: Uuid,
    county_governor_id: Uuid,
    county_number: String,
    title: String,
    held_on: NaiveDate,
    place: Option<String>,
    digital: bool,
    status: String,
    focus_areas: Vec<Option<String>>,
    programme: Vec<Option<String>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

samhandling_domain::keyed_by!(MeetingRow, created_at);

impl MeetingRow {
    fn into_meeting(
        self,
        participants: &[(Uuid, Uuid, String)],
    ) -> Result<DialogueMeeting, StoreError> {
        let of = |role: &str| {
            participants
                .iter()
                .filter(|(meeting, _, r)| *meeting == self.id && r == role)
                .map(|(_, organisation, _)| *organisation)
                .collect::<Vec<_>>()
        };
        Ok(DialogueMeeting {
            municipalities: of("municipality"),
            partners: of("partner"),
            id: self.id,
            county_governor_id: self.county_governor_id,
            county_number: self.county_number,
            title: self.title,
            held_on: self.held_on,
            place: self.place,
            digital: self.digital,
            status: parse_stored(&self.status)?,
            focus_areas: parse_stored_all(&self.focus_areas)?,
            programme: self.programme.into_iter().flatten().collect(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn participants_of(
    conn: &mut PgConnection,
    meetings: &[Uuid],
) -> Result<Vec<(Uuid, Uuid, String)>, StoreError> {
    Ok(dialogue_participants::table
        .filter(dialogue_participants::meeting_id.eq_any(meetings))
        .select((
            dialogue_participants::meeting_id,
            dialogue_participants::organisation_id,
            dialogue_participants::role,
        ))
        .order(dialogue_participants::organisation_id)
        .load(conn)?)
}

fn with_participants(
    conn: &mut PgConnection,
    rows: Vec<MeetingRow>,
) -> Result<Vec<DialogueMeeting>, StoreError> {
    with_children(
        conn,
        rows,
        |row| row.id,
        participants_of,
        MeetingRow::into_meeting,
    )
}

/// Stores a new meeting with its municipalities and partners (already checked).
pub fn insert(
    conn: &mut PgConnection,
    meeting: &DialogueMeeting,
) -> Result<DialogueMeeting, StoreError> {
    let areas: Vec<&str> = meeting.focus_areas.iter().map(|a| a.as_str()).collect();
    let row: MeetingRow = diesel::insert_into(dialogue_meetings::table)
        .values((
            dialogue_meetings::id.eq(meeting.id),
            dialogue_meetings::county_governor_id.eq(meeting.county_governor_id),
            dialogue_meetings::county_number.eq(&meeting.county_number),
            dialogue_meetings::title.eq(&meeting.title),
            dialogue_meetings::held_on.eq(meeting.held_on),
            dialogue_meetings::place.eq(meeting.place.as_deref()),
            dialogue_meetings::digital.eq(meeting.digital),
            dialogue_meetings::focus_areas.eq(areas),
            dialogue_meetings::programme.eq(&meeting.programme),
        ))
        .returning(MeetingRow::as_returning())
        .get_result(conn)?;
    let participants: Vec<_> = meeting
        .municipalities
        .iter()
        .map(|id| (*id, "municipality"))
        .chain(meeting.partners.iter().map(|id| (*id, "partner")))
        .map(|(organisation, role)| {
            (
                dialogue_participants::meeting_id.eq(meeting.id),
                dialogue_participants::organisation_id.eq(organisation),
                dialogue_participants::role.eq(role),
            )
        })
        .collect();
    diesel::insert_into(dialogue_participants::table)
        .values(participants)
        .execute(conn)?;
    assemble_one(conn, row, with_participants, "a stored meeting vanished")
}

find_and_lock! {
    /// The meeting `id` if `scope` reaches it.
    fn find / find_for_update(id: Uuid, scope: DialogueScope) -> DialogueMeeting {
        dialogue_meetings::table
            .filter(dialogue_meetings::id.eq(id))
            .filter(condition(scope))
            .select(MeetingRow::as_select())
    } assembled by with_participants;
}

/// One page of the meetings `scope` reaches, optionally of one status.
pub fn list(
    conn: &mut PgConnection,
    scope: DialogueScope,
    status: Option<DialogueStatus>,
    page: PageRequest,
) -> Result<Page<DialogueMeeting>, StoreError> {
    let mut query = created_order!(dialogue_meetings, MeetingRow).filter(condition(scope));
    if let Some(status) = status {
        query = query.filter(dialogue_meetings::status.eq(status.as_str()));
    }
    pagination::load_assembled_page(conn, query, page, with_participants)
}

/// Moves a meeting (locked and checked) to `to`.
pub fn transition(
    conn: &mut PgConnection,
    meeting: &DialogueMeeting,
    to: DialogueStatus,
) -> Result<DialogueMeeting, StoreError> {
    let row: MeetingRow = diesel::update(dialogue_meetings::table.find(meeting.id))
        .set((
            dialogue_meetings::status.eq(to.as_str()),
            one_version_up!(dialogue_meetings),
        ))
        .returning(MeetingRow::as_returning())
        .get_result(conn)?;
    assemble_one(conn, row, with_participants, "a stored meeting vanished")
}

/// An attendee of a meeting, by municipality and role.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = dialogue_attendees, check_for_backend(diesel::pg::Pg))]
pub struct AttendeeRow {
    /// Identifier.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The municipality the attendee came from.
    pub municipality_id: Uuid,
    /// Their role, as stored.
    pub role: String,
    /// Their title.
    pub title: String,
    /// Their name, if given.
    pub name: Option<String>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

/// Records an attendee.
#[allow(clippy::too_many_arguments)]
pub fn add_attendee(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    municipality_id: Uuid,
    role: AttendeeRole,
    title: &str,
    name: Option<&str>,
) -> Result<AttendeeRow, StoreError> {
    Ok(diesel::insert_into(dialogue_attendees::table)
        .values((
            dialogue_attendees::id.eq(Uuid::now_v7()),
            dialogue_attendees::meeting_id.eq(meeting_id),
            dialogue_attendees::municipality_id.eq(municipality_id),
            dialogue_attendees::role.eq(role.as_str()),
            dialogue_attendees::title.eq(title),
            dialogue_attendees::name.eq(name),
        ))
        .returning(AttendeeRow::as_returning())
        .get_result(conn)?)
}

/// A meeting's attendees, in the order recorded.
pub fn attendees(
    conn: &mut PgConnection,
    meeting_id: Uuid,
) -> Result<Vec<AttendeeRow>, StoreError> {
    Ok(dialogue_attendees::table
        .filter(dialogue_attendees::meeting_id.eq(meeting_id))
        .order((dialogue_attendees::created_at, dialogue_attendees::id))
        .select(AttendeeRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = dialogue_findings, check_for_backend(diesel::pg::Pg))]
struct FindingRow {
    id: Uuid,
    meeting_id: Uuid,
    municipality_id: Uuid,
    presented_work: Option<String>,
    strengths: Option<String>,
    challenges: Option<String>,
    improvement_areas: Option<String>,
    risk_level: Option<String>,
    risk_rationale: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    shared_with_partners: bool,
}

impl TryFrom<FindingRow> for Finding {
    type Error = StoreError;

    fn try_from(row: FindingRow) -> Result<Self, Self::Error> {
        let risk = match (row.risk_level, row.risk_rationale) {
            (Some(level), Some(rationale)) => Some(RiskAssessment {
                level: parse_stored(&level)?,
                rationale,
            }),
            _ => None,
        };
        Ok(Finding {
            id: row.id,
            meeting_id: row.meeting_id,
            municipality_id: row.municipality_id,
            presented_work: row.presented_work,
            strengths: row.strengths,
            challenges: row.challenges,
            improvement_areas: row.improvement_areas,
            collaboration_needs: Vec::new(),
            risk,
            shared_with_partners: row.shared_with_partners,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

/// Stores a finding, without its needs (stored with [`crate::coordination::insert`]).
pub fn insert_finding(conn: &mut PgConnection, finding: &Finding) -> Result<Finding, StoreError> {
    let row: FindingRow = diesel::insert_into(dialogue_findings::table)
        .values((
            dialogue_findings::id.eq(finding.id),
            dialogue_findings::meeting_id.eq(finding.meeting_id),
            dialogue_findings::municipality_id.eq(finding.municipality_id),
            dialogue_findings::presented_work.eq(finding.presented_work.as_deref()),
            dialogue_findings::strengths.eq(finding.strengths.as_deref()),
            dialogue_findings::challenges.eq(finding.challenges.as_deref()),
            dialogue_findings::improvement_areas.eq(finding.improvement_areas.as_deref()),
            dialogue_findings::shared_with_partners.eq(finding.shared_with_partners),
            dialogue_findings::risk_level.eq(finding.risk.as_ref().map(|r| r.level.as_str())),
            dialogue_findings::risk_rationale
                .eq(finding.risk.as_ref().map(|r| r.rationale.as_str())),
        ))
        .returning(FindingRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Whether the finding `id` of the meeting `meeting_id` is shared with the meeting's partners,
/// with its version, locked; `None` when the meeting has no such finding.
pub fn finding_sharing_for_update(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    id: Uuid,
) -> Result<Option<(bool, i32)>, StoreError> {
    Ok(dialogue_findings::table
        .filter(dialogue_findings::id.eq(id))
        .filter(dialogue_findings::meeting_id.eq(meeting_id))
        .select((
            dialogue_findings::shared_with_partners,
            dialogue_findings::version,
        ))
        .for_update()
        .first(conn)
        .optional()?)
}

/// Shares the finding `id` with the meeting's partners, or withholds it, one version up.
pub fn set_finding_sharing(
    conn: &mut PgConnection,
    id: Uuid,
    shared: bool,
) -> Result<(), StoreError> {
    diesel::update(dialogue_findings::table.find(id))
        .set((
            dialogue_findings::shared_with_partners.eq(shared),
            dialogue_findings::version.eq(dialogue_findings::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of a meeting's findings a read loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingsOf {
    /// Every one: the governor's.
    All,
    /// One municipality's: its own.
    Municipality(Uuid),
    /// Those shared with the partners.
    SharedWithPartners,
}

/// A meeting's findings, as `which` selects them, each with its collaboration needs.
pub fn findings(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    which: FindingsOf,
) -> Result<Vec<Finding>, StoreError> {
    let mut query = created_order!(dialogue_findings, FindingRow)
        .filter(dialogue_findings::meeting_id.eq(meeting_id));
    query = match which {
        FindingsOf::All => query,
        FindingsOf::Municipality(municipality) => {
            query.filter(dialogue_findings::municipality_id.eq(municipality))
        }
        FindingsOf::SharedWithPartners => query.filter(dialogue_findings::shared_with_partners),
    };
    let mut found = query
        .load(conn)?
        .into_iter()
        .map(Finding::try_from)
        .collect::<Result<Vec<Finding>, StoreError>>()?;
    let ids: Vec<Uuid> = found.iter().map(|finding| finding.id).collect();
    for need in crate::coordination::of_findings(conn, &ids)? {
        if let Some(finding) = found
            .iter_mut()
            .find(|finding| need.finding_id == Some(finding.id))
        {
            finding.collaboration_needs.push(need.into());
        }
    }
    Ok(found)
}

/// A municipality's evaluation of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = dialogue_evaluations, check_for_backend(diesel::pg::Pg))]
pub struct EvaluationRow {
    /// Identifier.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// 1 to 5.
    pub rating: i16,
    /// Comments.
    pub comments: Option<String>,
    /// Who submitted it (a token subject).
    pub submitted_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Stores an evaluation; a second by the same municipality violates [`EVALUATION_KEY`].
pub fn insert_evaluation(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    municipality_id: Uuid,
    rating: i16,
    comments: Option<&str>,
    submitted_by: &str,
) -> Result<EvaluationRow, StoreError> {
    Ok(diesel::insert_into(dialogue_evaluations::table)
        .values((
            dialogue_evaluations::id.eq(Uuid::now_v7()),
            dialogue_evaluations::meeting_id.eq(meeting_id),
            dialogue_evaluations::municipality_id.eq(municipality_id),
            dialogue_evaluations::rating.eq(rating),
            dialogue_evaluations::comments.eq(comments),
            dialogue_evaluations::submitted_by.eq(submitted_by),
        ))
        .returning(EvaluationRow::as_returning())
        .get_result(conn)?)
}

/// A meeting's evaluations, of one municipality when `municipality` is given.
pub fn evaluations(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    municipality: Option<Uuid>,
) -> Result<Vec<EvaluationRow>, StoreError> {
    let mut query = created_order!(dialogue_evaluations, EvaluationRow)
        .filter(dialogue_evaluations::meeting_id.eq(meeting_id));
    if let Some(municipality) = municipality {
        query = query.filter(dialogue_evaluations::municipality_id.eq(municipality));
    }
    Ok(query.load(conn)?)
}

/// One entry of a municipality's dialogue timeline.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TimelineEntry {
    /// `meeting`, `finding`, `evaluation` or `action`.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    /// The entry's record.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// Its meeting.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub meeting_id: Uuid,
    /// When: the meeting's date for meetings and findings, the submission for evaluations, the
    /// due date for actions.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub at: DateTime<Utc>,
    /// A line to show: the meeting's title, the finding's improvement areas (or else its
    /// challenges, strengths or presented work), the rating, the action's description.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub summary: String,
    /// The meeting's or action's status.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub status: Option<String>,
}

samhandling_domain::keyed_by!(TimelineEntry, at);

const TIMELINE: &str = "\
WITH m AS (SELECT id FROM organisations WHERE kind = 'municipality' AND id = $1),
entries AS (
    SELECT 'meeting' AS kind, dm.id, dm.id AS meeting_id,
        (dm.held_on::timestamp AT TIME ZONE 'UTC') AS at, dm.title AS summary, dm.status
    FROM dialogue_meetings dm JOIN dialogue_participants p ON p.meeting_id = dm.id
    JOIN m ON p.organisation_id = m.id
    UNION ALL
    SELECT 'finding', f.id, f.meeting_id, (dm.held_on::timestamp AT TIME ZONE 'UTC'),
        coalesce(f.improvement_areas, f.challenges, f.strengths, f.presented_work, ''), NULL
    FROM dialogue_findings f JOIN dialogue_meetings dm ON dm.id = f.meeting_id
    JOIN m ON f.municipality_id = m.id
    UNION ALL
    SELECT 'evaluation', e.id, e.meeting_id, e.created_at, e.rating::text, NULL
    FROM dialogue_evaluations e JOIN m ON e.municipality_id = m.id
    UNION ALL
    SELECT 'action', a.id, a.meeting_id, (a.due_on::timestamp AT TIME ZONE 'UTC'), a.description, a.status
    FROM follow_up_actions a JOIN m ON a.owner_organisation_id = m.id
)
SELECT * FROM entries
WHERE $2::timestamptz IS NULL OR (at, id) > ($2, $3)
ORDER BY at, id LIMIT $4";

/// One page of a municipality's timeline: every meeting it took part in, its findings,
/// evaluations and actions, in date order.
pub fn timeline(
    conn: &mut PgConnection,
    municipality_id: Uuid,
    page: PageRequest,
) -> Result<Page<TimelineEntry>, StoreError> {
    let rows: Vec<TimelineEntry> = crate::statement::statement(TIMELINE)
        .bind::<diesel::sql_types::Uuid, _>(municipality_id)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>, _>(
            page.after.map(|after| after.created_at),
        )
        .bind::<diesel::sql_types::Uuid, _>(page.after.map_or(Uuid::nil(), |after| after.id))
        .bind::<diesel::sql_types::BigInt, _>(i64::from(page.limit) + 1)
        .load(conn)?;
    Ok(Page::from_overfetched(
        rows,
        page.limit,
        samhandling_domain::page::Keyed::position,
    ))
}

/// One county's year of dialogue, before suppression.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DialogueYear {
    /// The county.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub county_number: String,
    /// The year.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub year: i32,
    /// Meetings held (not only planned).
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub meetings_held: i64,
    /// Distinct municipalities that took part in them.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub municipalities_reached: i64,
    /// Actions agreed at them.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub actions_opened: i64,
    /// Of those, done.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub actions_done: i64,
    /// Of those, pending past their due date.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub actions_overdue: i64,
    /// Evaluations submitted.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub evaluations: i64,
    /// Their ratings, summed.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub rating_sum: i64,
}

const DIALOGUE_YEARS: &str = "\
WITH held AS (
    SELECT id, county_number, extract(year FROM held_on)::int AS year FROM dialogue_meetings
    WHERE status <> 'planned' AND ($1::text IS NULL OR county_number = $1)
)
SELECT h.county_number, h.year, count(*) AS meetings_held,
    (SELECT count(DISTINCT p.organisation_id) FROM dialogue_participants p JOIN held h2 ON h2.id = p.meeting_id
        WHERE p.role = 'municipality' AND h2.county_number = h.county_number AND h2.year = h.year) AS municipalities_reached,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS actions_opened,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year AND a.status = 'done') AS actions_done,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year
            AND a.status IN ('open', 'in_progress') AND a.due_on < current_date) AS actions_overdue,
    (SELECT count(*) FROM dialogue_evaluations e JOIN held h2 ON h2.id = e.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS evaluations,
    (SELECT coalesce(sum(e.rating), 0)::bigint FROM dialogue_evaluations e JOIN held h2 ON h2.id = e.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS rating_sum
FROM held h
GROUP BY h.county_number, h.year
ORDER BY h.county_number, h.year";

/// Every county's years of dialogue, or one county's.
pub fn years(
    conn: &mut PgConnection,
    county: Option<&str>,
) -> Result<Vec<DialogueYear>, StoreError> {
    Ok(crate::statement::statement(DIALOGUE_YEARS)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(county)
        .load(conn)?)
}
