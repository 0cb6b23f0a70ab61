//! Facilitators and their links to the competence centres that follow them up: a centre
//! affiliates a facilitator trained elsewhere, and the facilitator confirms or ends each link.
//! Only a confirmed link lets the centre read the facilitator's network-meeting logs.

use crate::input::{Name, Subject};
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::course::{check_employer, Facilitator};
use samhandling_domain::ids::{FacilitatorId, OrganisationId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_persistence::facilitators::{self as store, LINKED_ONCE_KEY};
use samhandling_persistence::{courses, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Checks that the organisation `id` (the input's `field`) can employ facilitators.
pub fn check_employer_of(
    conn: &mut PgConnection,
    field: &str,
    id: Uuid,
) -> Result<(), UseCaseError> {
    let kind = courses::organisation_kinds(conn, &[id])?
        .first()
        .map(|(_, kind)| *kind);
    Ok(check_employer(field, kind)?)
}

/// A facilitator trained elsewhere, to follow up once it confirms.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject": "ola.hansen@verdal.kommune.no",
    "name": "Ola Hansen",
    "employer_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70"
}))]
pub struct AffiliateFacilitator {
    /// The token subject (`sub`) the facilitator signs in with.
    pub subject: Subject,
    /// The facilitator's name.
    pub name: Name,
    /// The employer the facilitator signs in for: an organisation whose staff can be
    /// facilitators (municipality, NAV office, self-help centre, user organisation or other).
    pub employer_organisation_id: Uuid,
}

/// Links a facilitator trained elsewhere to the competence `centre`, as the link `id`,
/// unconfirmed.
pub fn affiliate(
    ctx: &mut Context<'_>,
    centre: OrganisationId,
    id: FacilitatorId,
    input: &AffiliateFacilitator,
) -> Result<Facilitator, UseCaseError> {
    let (centre, id) = (centre.uuid(), id.uuid());
    check_employer_of(
        ctx.conn(),
        "employer_organisation_id",
        input.employer_organisation_id,
    )?;
    let facilitator = Facilitator {
        id,
        competence_centre_id: centre,
        employer_organisation_id: input.employer_organisation_id,
        subject: input.subject.to_string(),
        name: input.name.to_string(),
        enrolment_id: None,
        created_at: ctx.now(),
        confirmed_at: None,
    };
    let stored = store::affiliate(ctx.conn(), &facilitator).map_err(UseCaseError::unique(
        LINKED_ONCE_KEY,
        "this facilitator is already linked to your centre",
    ))?;
    ctx.audit(AuditAction::Created, ResourceType::Facilitator, stored.id)?;
    Ok(stored)
}

/// The facilitator (`subject` at `employer`) confirms the link `id`; another's link is not
/// found. Confirming again keeps the first time.
pub fn confirm_link(
    ctx: &mut Context<'_>,
    employer: OrganisationId,
    subject: &str,
    id: FacilitatorId,
) -> Result<Facilitator, UseCaseError> {
    let (employer, id) = (employer.uuid(), id.uuid());
    let confirmed =
        store::confirm(ctx.conn(), id, employer, subject)?.ok_or(UseCaseError::NotFound)?;
    ctx.audit(AuditAction::Approved, ResourceType::Facilitator, id)?;
    Ok(confirmed)
}

/// The facilitator (`subject` at `employer`) ends the link `id`; another's link is not found.
pub fn withdraw_link(
    ctx: &mut Context<'_>,
    employer: OrganisationId,
    subject: &str,
    id: FacilitatorId,
) -> Result<Facilitator, UseCaseError> {
    let (employer, id) = (employer.uuid(), id.uuid());
    let withdrawn =
        store::withdraw(ctx.conn(), id, employer, subject)?.ok_or(UseCaseError::NotFound)?;
    ctx.audit(AuditAction::Revoked, ResourceType::Facilitator, id)?;
    Ok(withdrawn)
}

/// The courses facilitators were trained on: pairs of enrolment and course.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainedOn(Vec<(Uuid, Uuid)>);

impl TrainedOn {
    fn of<'a>(
        conn: &mut PgConnection,
        found: impl IntoIterator<Item = &'a Facilitator>,
    ) -> Result<Self, UseCaseError> {
        let enrolments: Vec<Uuid> = found
            .into_iter()
            .filter_map(|facilitator| facilitator.enrolment_id)
            .collect();
        Ok(TrainedOn(store::courses_of(conn, &enrolments)?))
    }

    /// The course `facilitator` was trained on, if its link came from an enrolment.
    pub fn course_of(&self, facilitator: &Facilitator) -> Option<Uuid> {
        let enrolment = facilitator.enrolment_id?;
        self.0
            .iter()
            .find(|(id, _)| *id == enrolment)
            .map(|(_, course)| *course)
    }
}

/// The facilitators the competence centre `centre` follows up, in the order linked, with the
/// courses they were trained on.
pub fn list_facilitators(
    conn: &mut PgConnection,
    centre: Uuid,
    page: PageRequest,
) -> Result<(Page<Facilitator>, TrainedOn), UseCaseError> {
    let found = store::list(conn, centre, page)?;
    let trained = TrainedOn::of(conn, &found.items)?;
    Ok((found, trained))
}

/// The facilitator `id` of the competence centre `centre`, with the course it was trained on.
pub fn read_facilitator(
    conn: &mut PgConnection,
    centre: OrganisationId,
    id: FacilitatorId,
) -> Result<(Facilitator, TrainedOn), UseCaseError> {
    let facilitator = store::find(conn, id.uuid(), centre.uuid())?.ok_or(UseCaseError::NotFound)?;
    let trained = TrainedOn::of(conn, [&facilitator])?;
    Ok((facilitator, trained))
}

/// The links of the facilitator `subject` employed by `employer`, pending or confirmed, in the
/// order linked.
pub fn list_links(
    conn: &mut PgConnection,
    employer: Uuid,
    subject: &str,
    page: PageRequest,
) -> Result<Page<Facilitator>, UseCaseError> {
    Ok(store::list_own(conn, employer, subject, page)?)
}
