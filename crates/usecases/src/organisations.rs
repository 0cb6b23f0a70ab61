//! The organisation directory: an administrator (or the demo loader, as the system) registers
//! organisations and changes them. A municipality's kommunenummer and a county governor's county
//! are each held by one organisation.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::organisation::{Organisation, OrganisationChanges, OrganisationDraft};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::organisations::{
    self as store, COUNTY_GOVERNOR_KEY, MUNICIPALITY_NUMBER_KEY,
};
use samhandling_persistence::{PgConnection, StoreError};
use uuid::Uuid;

pub use samhandling_persistence::organisations::OrganisationFilter;

/// The conflict of a number another organisation holds: a municipality's kommunenummer, or a
/// county governor's county.
fn number_taken(error: StoreError) -> UseCaseError {
    match &error {
        StoreError::UniqueViolation(index) if index == COUNTY_GOVERNOR_KEY => UseCaseError::unique(
            COUNTY_GOVERNOR_KEY,
            "a county governor for this county_number is already registered",
        )(error),
        _ => UseCaseError::unique(
            MUNICIPALITY_NUMBER_KEY,
            "a municipality with this municipality_number is already registered",
        )(error),
    }
}

/// Registers the organisation `id` from `draft`, whose kind decides what it must name.
pub fn register(
    ctx: &mut Context<'_>,
    id: Uuid,
    draft: &OrganisationDraft,
) -> Result<Organisation, UseCaseError> {
    draft
        .check()
        .map_err(|rule| FieldRefusal::new(rule.field(), "required", rule.to_string()))?;
    let organisation = store::insert(ctx.conn(), id, draft).map_err(number_taken)?;
    ctx.audit(AuditAction::Created, ResourceType::Organisation, id)?;
    Ok(organisation)
}

/// Changes the organisation `id` as of the version the caller read. A change that would leave
/// it without what its stored kind needs is a conflict with its current state.
pub fn change(
    ctx: &mut Context<'_>,
    id: Uuid,
    read: Precondition,
    changes: OrganisationChanges,
) -> Result<Organisation, UseCaseError> {
    let current = store::find_for_update(ctx.conn(), id)?.ok_or(UseCaseError::NotFound)?;
    read.check(current.version)?;
    let draft = OrganisationDraft::from(current)
        .apply(changes)
        .map_err(|rule| UseCaseError::Conflict(format!("{rule}: the change cannot clear it")))?;
    let updated = store::update(ctx.conn(), id, &draft).map_err(number_taken)?;
    ctx.audit(AuditAction::Updated, ResourceType::Organisation, id)?;
    Ok(updated)
}

/// A page of the organisations `filter` admits, in registration order. The directory holds no
/// personal data: anyone with a token reads all of it.
pub fn list(
    conn: &mut PgConnection,
    filter: &OrganisationFilter,
    page: PageRequest,
) -> Result<Page<Organisation>, UseCaseError> {
    Ok(store::list(conn, filter, page)?)
}

/// The organisation `id`.
pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Organisation, UseCaseError> {
    store::find(conn, id)?.ok_or(UseCaseError::NotFound)
}
