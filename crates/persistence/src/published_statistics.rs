//! Statistics kept as published (`published_statistics`), each with the version of its counts
//! it was computed at: the suppression and audit behind a statistic then run once per change of
//! its counts, not once per request, and every server instance serves the same result.

use crate::error::StoreError;
use crate::schema::published_statistics;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text};

/// The result kept for `statistic`, with the version it was computed at.
pub fn kept(
    conn: &mut PgConnection,
    statistic: &str,
) -> Result<Option<(i64, serde_json::Value)>, StoreError> {
    Ok(published_statistics::table
        .find(statistic)
        .select((published_statistics::version, published_statistics::figures))
        .first(conn)
        .optional()?)
}

/// Claims the refresh of the result kept for `statistic`, unless another request claimed it
/// less than a minute ago; whether this one did.
pub fn claim_refresh(conn: &mut PgConnection, statistic: &str) -> Result<bool, StoreError> {
    let claimed = diesel::sql_query(
        "UPDATE published_statistics SET refreshing_since = now() \
         WHERE statistic = $1 \
             AND (refreshing_since IS NULL OR refreshing_since < now() - interval '1 minute')",
    )
    .bind::<Text, _>(statistic)
    .execute(conn)?;
    Ok(claimed > 0)
}

/// Keeps `figures`, computed at `version`, as the result for `statistic` (ending a claimed
/// refresh), unless one of a later version is already kept (by another instance). One of the
/// same version is replaced: it may be kept in a shape this release no longer reads.
pub fn keep(
    conn: &mut PgConnection,
    statistic: &str,
    version: i64,
    figures: &serde_json::Value,
) -> Result<(), StoreError> {
    diesel::sql_query(
        "INSERT INTO published_statistics AS p (statistic, version, figures) \
         VALUES ($1, $2, $3) \
         ON CONFLICT (statistic) DO UPDATE \
         SET version = EXCLUDED.version, figures = EXCLUDED.figures, computed_at = now(), \
             refreshing_since = NULL \
         WHERE p.version <= EXCLUDED.version",
    )
    .bind::<Text, _>(statistic)
    .bind::<BigInt, _>(version)
    .bind::<Jsonb, _>(figures)
    .execute(conn)?;
    Ok(())
}
