//! Outreach meetings in storage, with their invitations. Every query that loads a meeting takes
//! an [`OutreachScope`] into its WHERE clause (the meetings the caller's organisation organises,
//! and those it is invited to), and the invitations loaded with it are those the scope shows:
//! all of them to the organiser, the reader's own to an invited organisation.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, first_row, one_version_up, with_children};
use crate::schema::{collaboration_agreements, outreach_invitations, outreach_meetings};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::outreach::{
    FollowUp, Invitation, OutreachKind, OutreachMeeting, OutreachScope, OutreachStatus, SpeakerItem,
};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

type Condition = Box<dyn BoxableExpression<outreach_meetings::table, Pg, SqlType = Bool>>;

/// The meetings `scope` reaches, as a WHERE condition on `outreach_meetings`.
fn condition(scope: OutreachScope) -> Condition {
    let organised: Option<Condition> = scope
        .organiser
        .then(|| Box::new(outreach_meetings::organiser_id.eq(scope.organisation)) as Condition);
    let invited: Option<Condition> = scope.invited.then(|| {
        Box::new(
            outreach_meetings::id.eq_any(
                outreach_invitations::table
                    .filter(outreach_invitations::organisation_id.eq(scope.organisation))
                    .select(outreach_invitations::meeting_id),
            ),
        ) as Condition
    });
    match (organised, invited) {
        (Some(organised), Some(invited)) => Box::new(organised.or(invited)),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => Box::new(outreach_meetings::id.is_null()),
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outreach_meetings, check_for_backend(diesel::pg::Pg))]
struct MeetingRow {
    id: Uuid,
    organiser_id: Uuid,
    kind: String,
    title: String,
    held_on: NaiveDate,
    place: Option<String>,
    digital: bool,
    programme: serde_json::Value,
    status: String,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

samhandling_domain::keyed_by!(MeetingRow, created_at);

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outreach_invitations, check_for_backend(diesel::pg::Pg))]
struct InvitationRow {
    meeting_id: Uuid,
    organisation_id: Uuid,
    present: bool,
    follow_up: Option<String>,
    followed_up_on: Option<NaiveDate>,
    agreement_id: Option<Uuid>,
    note: Option<String>,
}

impl TryFrom<&InvitationRow> for Invitation {
    type Error = StoreError;

    fn try_from(row: &InvitationRow) -> Result<Self, Self::Error> {
        let follow_up = match (&row.follow_up, row.followed_up_on) {
            (Some(outcome), Some(on)) => Some(FollowUp {
                outcome: parse_stored(outcome)?,
                on,
                agreement_id: row.agreement_id,
                note: row.note.clone(),
            }),
            _ => None,
        };
        Ok(Invitation {
            organisation_id: row.organisation_id,
            present: row.present,
            follow_up,
        })
    }
}

impl MeetingRow {
    fn into_meeting(self, invitations: &[InvitationRow]) -> Result<OutreachMeeting, StoreError> {
        Ok(OutreachMeeting {
            invitations: invitations
                .iter()
                .filter(|row| row.meeting_id == self.id)
                .map(Invitation::try_from)
                .collect::<Result<_, _>>()?,
            programme: serde_json::from_value(self.programme)
                .map_err(|error| StoreError::Corrupt(format!("programme: {error}")))?,
            kind: parse_stored::<OutreachKind>(&self.kind)?,
            status: parse_stored::<OutreachStatus>(&self.status)?,
            id: self.id,
            organiser_id: self.organiser_id,
            title: self.title,
            held_on: self.held_on,
            place: self.place,
            digital: self.digital,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The invitations of `meetings` that `scope` shows: all of a meeting its organisation
/// organises, else its own only; by organisation id.
fn invitations_of(
    conn: &mut PgConnection,
    scope: OutreachScope,
    meetings: &[Uuid],
) -> Result<Vec<InvitationRow>, StoreError> {
    let own = outreach_invitations::organisation_id.eq(scope.organisation);
    let mut query = outreach_invitations::table
        .inner_join(outreach_meetings::table)
        .filter(outreach_invitations::meeting_id.eq_any(meetings))
        .select(InvitationRow::as_select())
        .order((
            outreach_invitations::meeting_id,
            outreach_invitations::organisation_id,
        ))
        .into_boxed();
    query = if scope.organiser {
        query.filter(own.or(outreach_meetings::organiser_id.eq(scope.organisation)))
    } else {
        query.filter(own)
    };
    Ok(query.load(conn)?)
}

fn assemble(
    conn: &mut PgConnection,
    scope: OutreachScope,
    rows: Vec<MeetingRow>,
) -> Result<Vec<OutreachMeeting>, StoreError> {
    with_children(
        conn,
        rows,
        |row| row.id,
        |conn, ids| invitations_of(conn, scope, ids),
        MeetingRow::into_meeting,
    )
}

fn find_scoped(
    conn: &mut PgConnection,
    id: Uuid,
    scope: OutreachScope,
    lock: bool,
) -> Result<Option<OutreachMeeting>, StoreError> {
    let query = outreach_meetings::table
        .filter(outreach_meetings::id.eq(id))
        .filter(condition(scope))
        .select(MeetingRow::as_select());
    let row = first_row!(conn, query, lock).optional()?;
    Ok(match row {
        Some(row) => assemble(conn, scope, vec![row])?.pop(),
        None => None,
    })
}

find_and_lock! {
    /// The meeting `id` if `scope` reaches it, with the invitations the scope shows.
    fn find / find_for_update(id: Uuid, scope: OutreachScope) -> OutreachMeeting = find_scoped;
    /// Every change to the meeting or its invitations takes this lock first.
}

fn programme_json(programme: &[SpeakerItem]) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(programme)
        .map_err(|error| StoreError::Corrupt(format!("programme: {error}")))
}

/// Writes the invitations of `meeting` (its rows deleted first): a planned meeting's list,
/// replaced whole.
fn write_invitations(conn: &mut PgConnection, meeting: &OutreachMeeting) -> Result<(), StoreError> {
    diesel::delete(
        outreach_invitations::table.filter(outreach_invitations::meeting_id.eq(meeting.id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = meeting
        .invitations
        .iter()
        .map(|invitation| {
            (
                outreach_invitations::meeting_id.eq(meeting.id),
                outreach_invitations::organisation_id.eq(invitation.organisation_id),
            )
        })
        .collect();
    diesel::insert_into(outreach_invitations::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// Stores a new meeting with its invitations, created by the subject `created_by`.
pub fn insert(
    conn: &mut PgConnection,
    meeting: &OutreachMeeting,
    created_by: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(outreach_meetings::table)
        .values((
            outreach_meetings::id.eq(meeting.id),
            outreach_meetings::organiser_id.eq(meeting.organiser_id),
            outreach_meetings::kind.eq(meeting.kind.as_str()),
            outreach_meetings::title.eq(&meeting.title),
            outreach_meetings::held_on.eq(meeting.held_on),
            outreach_meetings::place.eq(meeting.place.as_deref()),
            outreach_meetings::digital.eq(meeting.digital),
            outreach_meetings::programme.eq(programme_json(&meeting.programme)?),
            outreach_meetings::status.eq(meeting.status.as_str()),
            outreach_meetings::created_by.eq(created_by),
            outreach_meetings::created_at.eq(meeting.created_at),
            outreach_meetings::updated_at.eq(meeting.updated_at),
        ))
        .execute(conn)?;
    write_invitations(conn, meeting)
}

/// Writes the plan of `meeting` (locked, checked and planned) as a new version: its title,
/// date, venue, programme and invitations.
pub fn update_plan(conn: &mut PgConnection, meeting: &OutreachMeeting) -> Result<(), StoreError> {
    diesel::update(outreach_meetings::table.find(meeting.id))
        .set((
            outreach_meetings::title.eq(&meeting.title),
            outreach_meetings::held_on.eq(meeting.held_on),
            outreach_meetings::place.eq(meeting.place.as_deref()),
            outreach_meetings::digital.eq(meeting.digital),
            outreach_meetings::programme.eq(programme_json(&meeting.programme)?),
            one_version_up!(outreach_meetings),
        ))
        .execute(conn)?;
    write_invitations(conn, meeting)
}

/// Moves the meeting `id` (locked and checked) to `to`, marking `present` the organisations
/// named (the others not), as a new version.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    to: OutreachStatus,
    present: &[Uuid],
) -> Result<(), StoreError> {
    diesel::update(outreach_meetings::table.find(id))
        .set((
            outreach_meetings::status.eq(to.as_str()),
            one_version_up!(outreach_meetings),
        ))
        .execute(conn)?;
    diesel::update(outreach_invitations::table.filter(outreach_invitations::meeting_id.eq(id)))
        .set(
            outreach_invitations::present.eq(outreach_invitations::organisation_id.eq_any(present)),
        )
        .execute(conn)?;
    Ok(())
}

/// Records one invitation of the meeting `id` (locked and checked) as `invitation` says, and
/// makes the meeting a new version.
pub fn record_invitation(
    conn: &mut PgConnection,
    id: Uuid,
    invitation: &Invitation,
) -> Result<(), StoreError> {
    let follow_up = invitation.follow_up.as_ref();
    diesel::update(outreach_invitations::table.find((id, invitation.organisation_id)))
        .set((
            outreach_invitations::present.eq(invitation.present),
            outreach_invitations::follow_up.eq(follow_up.map(|f| f.outcome.as_str())),
            outreach_invitations::followed_up_on.eq(follow_up.map(|f| f.on)),
            outreach_invitations::agreement_id.eq(follow_up.and_then(|f| f.agreement_id)),
            outreach_invitations::note.eq(follow_up.and_then(|f| f.note.as_deref())),
        ))
        .execute(conn)?;
    diesel::update(outreach_meetings::table.find(id))
        .set((one_version_up!(outreach_meetings),))
        .execute(conn)?;
    Ok(())
}

/// Whether the agreement `agreement` is one between `one` and `other`, whichever is the centre.
pub fn agreement_between(
    conn: &mut PgConnection,
    agreement: Uuid,
    one: Uuid,
    other: Uuid,
) -> Result<bool, StoreError> {
    let pair = collaboration_agreements::centre_id
        .eq(one)
        .and(collaboration_agreements::partner_organisation_id.eq(other))
        .or(collaboration_agreements::centre_id
            .eq(other)
            .and(collaboration_agreements::partner_organisation_id.eq(one)));
    Ok(diesel::select(diesel::dsl::exists(
        collaboration_agreements::table
            .filter(collaboration_agreements::id.eq(agreement))
            .filter(pair),
    ))
    .get_result(conn)?)
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct OutreachFilter {
    /// Only this status.
    pub status: Option<OutreachStatus>,
    /// Only this kind.
    pub kind: Option<OutreachKind>,
    /// Only meetings on or after this date.
    pub held_from: Option<NaiveDate>,
    /// Only meetings on or before this date.
    pub held_until: Option<NaiveDate>,
}

/// One page of the meetings `scope` reaches that pass `filter`, in the order created.
pub fn list(
    conn: &mut PgConnection,
    scope: OutreachScope,
    filter: &OutreachFilter,
    page: PageRequest,
) -> Result<Page<OutreachMeeting>, StoreError> {
    let mut query = created_order!(outreach_meetings, MeetingRow).filter(condition(scope));
    if let Some(status) = filter.status {
        query = query.filter(outreach_meetings::status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(outreach_meetings::kind.eq(kind.as_str()));
    }
    if let Some(from) = filter.held_from {
        query = query.filter(outreach_meetings::held_on.ge(from));
    }
    if let Some(until) = filter.held_until {
        query = query.filter(outreach_meetings::held_on.le(until));
    }
    pagination::load_assembled_page(conn, query, page, |conn, rows| assemble(conn, scope, rows))
}
