//! The audit trail, read: administrators answer a supervisory authority or a person's request to
//! know who saw their data. The events themselves are written by each use case
//! ([`crate::Context::audit`]) and by the HTTP layer's writer of reads and denials.

use crate::UseCaseError;
use samhandling_domain::audit::{AuditEvent, AuditFilter};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_persistence::{audit as store, PgConnection};

/// A page of the events `filter` admits, oldest first. For administrators only: the caller's
/// policy admits no one else.
pub fn events(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEvent>, UseCaseError> {
    Ok(store::list(conn, filter, page)?)
}
