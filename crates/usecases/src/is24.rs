//! The IS-24/8 questionnaires: an administrator loads a report year's variable codes, labels and
//! units as data (the set changes from year to year); anyone with a token reads them.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_persistence::{is24 as store, PgConnection};
use uuid::Uuid;

pub use samhandling_persistence::is24::Variable;

/// The audit id of a questionnaire: derived from its year, the questionnaire's only key.
pub fn audit_id(year: i16) -> Uuid {
    Uuid::from_u128(u128::from(year.unsigned_abs()))
}

/// Replaces the questionnaire of `year` with `variables` (code, label, unit); a variable some
/// municipality has figures for stays. Returns the year's variables by code.
pub fn load_questionnaire(
    ctx: &mut Context<'_>,
    year: i16,
    variables: &[(String, String, String)],
) -> Result<Vec<Variable>, UseCaseError> {
    let loaded = store::load_questionnaire(ctx.conn(), year, variables)?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::Questionnaire,
        audit_id(year),
    )?;
    Ok(loaded)
}

/// The questionnaire of `year`, its variables by code; a year with none is not found.
pub fn questionnaire(conn: &mut PgConnection, year: i16) -> Result<Vec<Variable>, UseCaseError> {
    let found = store::questionnaire(conn, year)?;
    if found.is_empty() {
        return Err(UseCaseError::NotFound);
    }
    Ok(found)
}
