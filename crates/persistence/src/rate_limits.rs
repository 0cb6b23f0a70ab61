//! Fixed-window request counters in PostgreSQL, so every instance counts against the same limit.

use crate::error::StoreError;
use crate::schema::rate_limit_windows;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Counts one hit of `client_hash` in `bucket` for the window starting at `window_start`, and
/// returns the hits so far in that window (this one included).
pub fn hit(
    conn: &mut PgConnection,
    bucket: &str,
    client_hash: &[u8],
    window_start: DateTime<Utc>,
) -> Result<i32, StoreError> {
    Ok(diesel::insert_into(rate_limit_windows::table)
        .values((
            rate_limit_windows::bucket.eq(bucket),
            rate_limit_windows::client_hash.eq(client_hash),
            rate_limit_windows::window_start.eq(window_start),
            rate_limit_windows::hits.eq(1),
        ))
        .on_conflict((
            rate_limit_windows::bucket,
            rate_limit_windows::client_hash,
            rate_limit_windows::window_start,
        ))
        .do_update()
        .set(rate_limit_windows::hits.eq(rate_limit_windows::hits + 1))
        .returning(rate_limit_windows::hits)
        .get_result(conn)?)
}

/// Forgets windows that started before `cutoff`.
pub fn purge_before(conn: &mut PgConnection, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        rate_limit_windows::table.filter(rate_limit_windows::window_start.lt(cutoff)),
    )
    .execute(conn)?)
}
