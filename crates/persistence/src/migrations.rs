//! The schema's migrations, embedded in the binary so that `samhandling serve` and
//! `samhandling migrate` need nothing but a database URL.

use crate::error::StoreError;
use diesel::pg::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Every migration under `migrations/`, in order.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Applies the migrations not yet applied; returns their names.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|error| StoreError::Unavailable(format!("migration failed: {error}")))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration, newest first; for tests of the down scripts.
pub fn revert_all(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let reverted = conn.revert_all_migrations(MIGRATIONS).map_err(|error| {
        StoreError::Unavailable(format!("reverting migrations failed: {error}"))
    })?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Reverts the newest migration only; returns its name. For tests of what a migration does to
/// the rows that were there before it.
pub fn revert_last(conn: &mut PgConnection) -> Result<String, StoreError> {
    let reverted = conn.revert_last_migration(MIGRATIONS).map_err(|error| {
        StoreError::Unavailable(format!("reverting the last migration failed: {error}"))
    })?;
    Ok(reverted.to_string())
}
