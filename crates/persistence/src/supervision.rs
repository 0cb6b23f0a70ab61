//! Supervision sessions (veiledning) a competence centre held for its facilitators, with who
//! came and which requests (logs asking for supervision) each answered. A centre reaches only its
//! own sessions.

use crate::error::StoreError;
use crate::pagination::{self, created_order};
use crate::schema::{supervision_answers, supervision_attendees, supervision_sessions};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::network_meeting::SupervisionSession;
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = supervision_sessions, check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: Uuid,
    competence_centre_id: Uuid,
    held_on: NaiveDate,
    adviser_subject: String,
    topics: Vec<Option<String>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<SessionRow> for SupervisionSession {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, Self::Error> {
        Ok(SupervisionSession {
            id: row.id,
            competence_centre_id: row.competence_centre_id,
            held_on: row.held_on,
            adviser_subject: row.adviser_subject,
            facilitators: Vec::new(),
            topics: row.topics.into_iter().flatten().collect(),
            answers: Vec::new(),
            created_at: row.created_at,
        })
    }
}

/// Stores a session with its attendees and answers (already checked to be the centre's own
/// facilitators and requests); the same facilitator or request named twice is stored once.
pub fn insert(
    conn: &mut PgConnection,
    session: &SupervisionSession,
) -> Result<SupervisionSession, StoreError> {
    let topics: Vec<Option<String>> = session.topics.iter().cloned().map(Some).collect();
    let row: SessionRow = diesel::insert_into(supervision_sessions::table)
        .values((
            supervision_sessions::id.eq(session.id),
            supervision_sessions::competence_centre_id.eq(session.competence_centre_id),
            supervision_sessions::held_on.eq(session.held_on),
            supervision_sessions::adviser_subject.eq(&session.adviser_subject),
            supervision_sessions::topics.eq(topics),
        ))
        .returning(SessionRow::as_returning())
        .get_result(conn)?;
    let attendees: Vec<_> = session
        .facilitators
        .iter()
        .map(|(employer, subject)| {
            (
                supervision_attendees::session_id.eq(session.id),
                supervision_attendees::employer_organisation_id.eq(*employer),
                supervision_attendees::subject.eq(subject),
            )
        })
        .collect();
    diesel::insert_into(supervision_attendees::table)
        .values(&attendees)
        .on_conflict_do_nothing()
        .execute(conn)?;
    let answers: Vec<_> = session
        .answers
        .iter()
        .map(|meeting| {
            (
                supervision_answers::network_meeting_id.eq(*meeting),
                supervision_answers::session_id.eq(session.id),
            )
        })
        .collect();
    if !answers.is_empty() {
        diesel::insert_into(supervision_answers::table)
            .values(&answers)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    let mut stored = SupervisionSession::try_from(row)?;
    with_details(conn, std::slice::from_mut(&mut stored))?;
    Ok(stored)
}

/// Fills in who came to each session and what it answered.
fn with_details(
    conn: &mut PgConnection,
    sessions: &mut [SupervisionSession],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = sessions.iter().map(|session| session.id).collect();
    let attendees: Vec<(Uuid, Uuid, String)> = supervision_attendees::table
        .filter(supervision_attendees::session_id.eq_any(&ids))
        .select((
            supervision_attendees::session_id,
            supervision_attendees::employer_organisation_id,
            supervision_attendees::subject,
        ))
        .order((
            supervision_attendees::session_id,
            supervision_attendees::employer_organisation_id,
            supervision_attendees::subject,
        ))
        .load(conn)?;
    let answers: Vec<(Uuid, Uuid)> = supervision_answers::table
        .filter(supervision_answers::session_id.eq_any(&ids))
        .select((
            supervision_answers::session_id,
            supervision_answers::network_meeting_id,
        ))
        .order((
            supervision_answers::session_id,
            supervision_answers::network_meeting_id,
        ))
        .load(conn)?;
    for session in sessions {
        session.facilitators = attendees
            .iter()
            .filter(|(id, _, _)| *id == session.id)
            .map(|(_, employer, subject)| (*employer, subject.clone()))
            .collect();
        session.answers = answers
            .iter()
            .filter(|(id, _)| *id == session.id)
            .map(|(_, meeting)| *meeting)
            .collect();
    }
    Ok(())
}

/// The session `id`, if `centre` held it.
pub fn find(
    conn: &mut PgConnection,
    id: Uuid,
    centre: Uuid,
) -> Result<Option<SupervisionSession>, StoreError> {
    let Some(row) = supervision_sessions::table
        .filter(supervision_sessions::id.eq(id))
        .filter(supervision_sessions::competence_centre_id.eq(centre))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let mut session = SupervisionSession::try_from(row)?;
    with_details(conn, std::slice::from_mut(&mut session))?;
    Ok(Some(session))
}

/// One page of the sessions `centre` held, in the order recorded.
pub fn list(
    conn: &mut PgConnection,
    centre: Uuid,
    page: PageRequest,
) -> Result<Page<SupervisionSession>, StoreError> {
    let query = created_order!(supervision_sessions, SessionRow)
        .filter(supervision_sessions::competence_centre_id.eq(centre));
    let mut found =
        pagination::load_created_page::<_, SessionRow, SupervisionSession>(conn, query, page)?;
    with_details(conn, &mut found.items)?;
    Ok(found)
}
