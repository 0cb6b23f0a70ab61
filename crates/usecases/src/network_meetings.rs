//! Network-meeting logs and the supervision that answers them: a facilitator logs a meeting
//! (identifying nobody) and changes its own logs; a competence centre records the supervision
//! sessions that answer its facilitators' requests.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::network_meeting::{
    NetworkMeeting, NetworkMeetingScope, SupervisionSession,
};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::{network_meetings as store, supervision};
use uuid::Uuid;

fn coherent(meeting: &NetworkMeeting) -> Result<(), UseCaseError> {
    let refusals = meeting.check_coherent();
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
    coherent(meeting)?;
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
    coherent(&meeting)?;
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
    let mut refusals = Vec::new();
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
