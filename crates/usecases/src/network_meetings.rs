//! Network-meeting logs and the supervision that answers them: a facilitator logs a meeting
//! (identifying nobody) and changes its own logs; a competence centre records the supervision
//! sessions that answer its facilitators' requests.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::network_meeting::{
    FollowedFacilitator, NetworkMeeting, NetworkMeetingScope, SupervisionRequest,
    SupervisionSession,
};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::PgConnection;
use samhandling_persistence::{meeting_statistics, network_meetings as store, supervision};

pub use samhandling_persistence::meeting_statistics::{Count, MeetingSums};
pub use samhandling_persistence::network_meetings::{MeetingFilter, RequestFilter};
use uuid::Uuid;

fn refused(refusals: Vec<FieldRefusal>) -> Result<(), UseCaseError> {
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::Invalid(refusals))
    }
}

/// Stores the facilitator's log `meeting`, checked across its fields.
pub fn log_meeting(
    ctx: &mut Context<'_>,
    meeting: &NetworkMeeting,
) -> Result<NetworkMeeting, UseCaseError> {
    refused(meeting.check_coherent(ctx.now()))?;
    let stored = store::insert(ctx.conn(), meeting)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::NetworkMeeting,
        stored.id,
    )?;
    Ok(stored)
}

/// Changes the facilitator's own log `id` (in `scope`) with `edit`, as of the version the
/// facilitator read; the result is checked across its fields.
pub fn update_meeting(
    ctx: &mut Context<'_>,
    scope: &NetworkMeetingScope,
    id: Uuid,
    read: Precondition,
    edit: impl FnOnce(&mut NetworkMeeting),
) -> Result<NetworkMeeting, UseCaseError> {
    let mut meeting =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(meeting.version)?;
    edit(&mut meeting);
    refused(meeting.check_coherent(ctx.now()))?;
    let updated = store::update(ctx.conn(), &meeting)?;
    ctx.audit(AuditAction::Updated, ResourceType::NetworkMeeting, id)?;
    Ok(updated)
}

/// Records the supervision `session` of its competence centre: every facilitator one the
/// centre follows up, every answered request one in its queue (each refusal by field). Each
/// answered request leaves the open queue.
pub fn record_supervision(
    ctx: &mut Context<'_>,
    session: &SupervisionSession,
) -> Result<SupervisionSession, UseCaseError> {
    let centre = session.competence_centre_id;
    let followed = store::followed_facilitators(ctx.conn(), centre, &session.facilitators)?;
    let queued = store::requests_in_queue(ctx.conn(), centre, &session.answers)?;
    let mut refusals = session.check_coherent(ctx.now());
    for (index, (employer, subject)) in session.facilitators.iter().enumerate() {
        if !followed
            .iter()
            .any(|f| f.employer_organisation_id == *employer && f.subject == *subject)
        {
            refusals.push(FieldRefusal::new(
                format!("facilitators[{index}]"),
                "not_followed",
                "your centre does not follow up this facilitator",
            ));
        }
    }
    for (index, id) in session.answers.iter().enumerate() {
        if !queued.contains(id) {
            refusals.push(FieldRefusal::new(
                format!("answers[{index}]"),
                "not_in_queue",
                "no request for supervision in your centre's queue has this id",
            ));
        }
    }
    if !refusals.is_empty() {
        return Err(UseCaseError::Invalid(refusals));
    }
    let stored = supervision::insert(ctx.conn(), session)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::SupervisionSession,
        stored.id,
    )?;
    Ok(stored)
}

// Reads.

/// A log with what its view needs: for a competence centre's view, the centre's record of the
/// facilitator who logged it (`None` for the facilitator's own log).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMeeting {
    /// The log.
    pub meeting: NetworkMeeting,
    /// The facilitator as the centre follows it up.
    pub facilitator: Option<FollowedFacilitator>,
}

/// Pairs each log with the centre's record of its facilitator, unless it is the caller's own.
fn shown(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    meetings: Vec<NetworkMeeting>,
) -> Result<Vec<ShownMeeting>, UseCaseError> {
    let followed = match scope.competence_centre {
        Some(centre) => {
            let pairs: Vec<(Uuid, String)> = meetings
                .iter()
                .filter(|meeting| !scope.logged(meeting))
                .map(|meeting| (meeting.organisation_id, meeting.facilitator_subject.clone()))
                .collect();
            store::followed_facilitators(conn, centre, &pairs)?
        }
        None => Vec::new(),
    };
    Ok(meetings
        .into_iter()
        .map(|meeting| {
            let facilitator = (!scope.logged(&meeting)).then(|| {
                followed
                    .iter()
                    .find(|f| {
                        f.employer_organisation_id == meeting.organisation_id
                            && f.subject == meeting.facilitator_subject
                    })
                    .cloned()
                    .unwrap_or_else(|| FollowedFacilitator {
                        employer_organisation_id: meeting.organisation_id,
                        subject: meeting.facilitator_subject.clone(),
                        name: String::new(),
                    })
            });
            ShownMeeting {
                meeting,
                facilitator,
            }
        })
        .collect())
}

/// The logs `scope` reaches that pass `filter`, in the order logged. A series label is the
/// facilitator's own: filtering by one never selects among the logs a centre follows.
pub fn list_meetings(
    conn: &mut PgConnection,
    mut scope: NetworkMeetingScope,
    filter: &MeetingFilter,
    page: PageRequest,
) -> Result<Page<ShownMeeting>, UseCaseError> {
    if filter.series_id.is_some() {
        scope.competence_centre = None;
    }
    let found = store::list(conn, &scope, filter, page)?;
    Ok(Page {
        items: shown(conn, &scope, found.items)?,
        next: found.next,
    })
}

/// The log `id` in `scope`.
pub fn read_meeting(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    id: Uuid,
) -> Result<ShownMeeting, UseCaseError> {
    let meeting = store::find(conn, id, scope)?.ok_or(UseCaseError::NotFound)?;
    shown(conn, scope, vec![meeting])?
        .pop()
        .ok_or(UseCaseError::NotFound)
}

/// The supervision requests of the logs the competence centre `centre` follows.
pub fn list_requests(
    conn: &mut PgConnection,
    centre: Uuid,
    filter: RequestFilter,
    page: PageRequest,
) -> Result<Page<SupervisionRequest>, UseCaseError> {
    Ok(store::supervision_requests(conn, centre, filter, page)?)
}

/// The supervision sessions the competence centre `centre` held, in the order recorded.
pub fn list_sessions(
    conn: &mut PgConnection,
    centre: Uuid,
    page: PageRequest,
) -> Result<Page<SupervisionSession>, UseCaseError> {
    Ok(supervision::list(conn, centre, page)?)
}

/// The supervision session `id`, if the competence centre `centre` held it.
pub fn read_session(
    conn: &mut PgConnection,
    centre: Uuid,
    id: Uuid,
) -> Result<SupervisionSession, UseCaseError> {
    supervision::find(conn, id, centre)?.ok_or(UseCaseError::NotFound)
}

/// The logs of `year` (or of every year), counted by municipality and quarter, and their sums.
pub fn statistics(
    conn: &mut PgConnection,
    year: Option<i32>,
) -> Result<(Vec<Count>, MeetingSums), UseCaseError> {
    Ok((
        meeting_statistics::meetings_by_quarter(conn, year)?,
        meeting_statistics::meeting_sums(conn, year)?,
    ))
}
