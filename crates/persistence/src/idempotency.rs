//! Idempotency keys in storage. A claim is taken in the same transaction as the creation it
//! guards: a concurrent retry with the same key waits on the primary key until the first
//! transaction ends, then sees its finished response (or, if it rolled back, claims afresh).

use crate::error::StoreError;
use crate::schema::idempotency_keys;
use diesel::prelude::*;
use diesel::query_dsl::methods::FilterDsl;
use uuid::Uuid;

/// Whose key it is: keys of different callers never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyScope<'a> {
    /// The caller's organisation.
    pub organisation_id: Uuid,
    /// The caller's token subject.
    pub subject: &'a str,
    /// The client's `Idempotency-Key`.
    pub key: &'a str,
}

/// The first response to a request, kept to be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: serde_json::Value,
    /// Headers to send again (name → value), e.g. `Location` and `ETag`.
    pub headers: serde_json::Value,
}

/// The outcome of claiming a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: go ahead, then [`complete`] in the same transaction.
    Fresh,
    /// The same request was answered before: send this again.
    Replay(StoredResponse),
    /// The key was used for a different request.
    Mismatch,
}

/// How long a key is remembered: far longer than any client's retries, short enough that a key
/// reused by a client months later starts afresh instead of replaying an ancient response.
pub const KEY_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Claims `scope` for a request whose fingerprint is `request_hash`. A key older than
/// [`KEY_LIFETIME`] is claimed afresh.
pub fn claim(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    request_hash: &[u8],
) -> Result<Claim, StoreError> {
    let upsert = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::organisation_id.eq(scope.organisation_id),
            idempotency_keys::subject.eq(scope.subject),
            idempotency_keys::key.eq(scope.key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response_status.eq(0_i16),
            idempotency_keys::response_body.eq(serde_json::Value::Null),
            idempotency_keys::response_headers.eq(serde_json::Value::Null),
        ))
        .on_conflict((
            idempotency_keys::organisation_id,
            idempotency_keys::subject,
            idempotency_keys::key,
        ))
        .do_update()
        .set((
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response_status.eq(0_i16),
            idempotency_keys::response_body.eq(serde_json::Value::Null),
            idempotency_keys::response_headers.eq(serde_json::Value::Null),
            idempotency_keys::created_at.eq(diesel::dsl::now),
        ));
    // Only an expired key is taken over; a live one makes this a no-op that affects no row.
    let inserted = FilterDsl::filter(
        upsert,
        idempotency_keys::created_at.lt(chrono::Utc::now() - KEY_LIFETIME),
    )
    .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (hash, status, body, headers): (Vec<u8>, i16, serde_json::Value, serde_json::Value) =
        idempotency_keys::table
            .find((scope.organisation_id, scope.subject, scope.key))
            .select((
                idempotency_keys::request_hash,
                idempotency_keys::response_status,
                idempotency_keys::response_body,
                idempotency_keys::response_headers,
            ))
            .first(conn)?;
    if hash != request_hash {
        return Ok(Claim::Mismatch);
    }
    Ok(Claim::Replay(StoredResponse {
        status: u16::try_from(status).map_err(|_| {
            StoreError::Corrupt(format!("stored response status {status} is not a status"))
        })?,
        body,
        headers,
    }))
}

/// Records the response to a freshly claimed key.
pub fn complete(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    response: &StoredResponse,
) -> Result<(), StoreError> {
    let status = i16::try_from(response.status)
        .map_err(|_| StoreError::Corrupt(format!("status {} out of range", response.status)))?;
    diesel::update(idempotency_keys::table.find((scope.organisation_id, scope.subject, scope.key)))
        .set((
            idempotency_keys::response_status.eq(status),
            idempotency_keys::response_body.eq(&response.body),
            idempotency_keys::response_headers.eq(&response.headers),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets keys past [`KEY_LIFETIME`].
pub fn purge_expired(conn: &mut PgConnection) -> Result<usize, StoreError> {
    Ok(diesel::delete(QueryDsl::filter(
        idempotency_keys::table,
        idempotency_keys::created_at.lt(chrono::Utc::now() - KEY_LIFETIME),
    ))
    .execute(conn)?)
}
