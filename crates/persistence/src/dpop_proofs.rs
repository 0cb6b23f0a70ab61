//! The DPoP proofs seen while they could still be accepted, shared by every instance, so that a
//! replayed proof is refused wherever it is sent.

use crate::error::StoreError;
use crate::schema::dpop_proofs;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Remembers the proof `replay_key` until `expires_at`; false when it was seen before and is
/// still remembered (a replay). A row past its time is taken over: it proves nothing any more.
pub fn remember(
    conn: &mut PgConnection,
    replay_key: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use diesel::sql_types::{Text, Timestamptz};
    let written = diesel::sql_query(
        "INSERT INTO dpop_proofs (replay_key, expires_at) VALUES ($1, $2) \
         ON CONFLICT (replay_key) DO UPDATE SET expires_at = excluded.expires_at \
         WHERE dpop_proofs.expires_at < now()",
    )
    .bind::<Text, _>(replay_key)
    .bind::<Timestamptz, _>(expires_at)
    .execute(conn)?;
    Ok(written == 1)
}

/// Forgets proofs past their time.
pub fn purge_expired(conn: &mut PgConnection) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(dpop_proofs::table.filter(dpop_proofs::expires_at.lt(Utc::now())))
            .execute(conn)?,
    )
}
