//! The schema's migrations, embedded in the binary so that `samhandling serve` and
//! `samhandling migrate` need nothing but a database URL.

use crate::error::StoreError;
use diesel::pg::PgConnection;
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Every migration under `migrations/`, in order.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// The advisory lock that instances migrating the same database take in turn. Two instances
/// started at once on a database that lacks a migration would otherwise both apply it, and the
/// second fail on what the first created.
const MIGRATION_LOCK: i64 = 0x5341_4d48_4d49_4752; // "SAMHMIGR"

/// Applies the migrations not yet applied; returns their names. Holds [`MIGRATION_LOCK`]
/// meanwhile, so an instance that waited finds the migrations applied and applies none.
pub fn run_pending(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn)?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.iter().map(ToString::to_string).collect::<Vec<_>>())
        .map_err(|error| StoreError::Unavailable(format!("migration failed: {error}")));
    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn);
    let applied = applied?;
    unlocked?;
    Ok(applied)
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
