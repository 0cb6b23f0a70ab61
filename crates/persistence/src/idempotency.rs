//! Idempotency keys in storage. A claim is taken in the same transaction as the creation it
//! guards: a concurrent retry with the same key waits on the primary key until the first
//! transaction ends, then sees its finished response (or, if it rolled back, claims afresh).

use crate::error::StoreError;
use crate::schema::idempotency_keys;
use crate::statement::statement;
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Int2, Jsonb, Text, Timestamptz, Uuid as SqlUuid};
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

/// A key to store together with the record it guards, by a statement that claims it itself (see
/// `referrals::insert`): the response is known before the record is stored, so key, record and
/// response commit in one statement.
#[derive(Debug, Clone)]
pub struct NewKey<'a> {
    /// Whose key.
    pub scope: KeyScope<'a>,
    /// The request's fingerprint.
    pub request_hash: &'a [u8],
    /// The response to replay.
    pub response: &'a StoredResponse,
}

impl NewKey<'_> {
    /// The stored status, as its column holds it.
    pub fn status(&self) -> Result<i16, StoreError> {
        i16::try_from(self.response.status).map_err(|_| {
            StoreError::Corrupt(format!("status {} out of range", self.response.status))
        })
    }

    /// Keys stored before this are expired and may be taken over.
    pub fn expired_before() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() - KEY_LIFETIME
    }
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

/// Takes a new key, or one expired key over; a live key makes this a no-op that affects no row
/// (and waits, on its primary key, for a transaction that holds it to end).
const CLAIM: &str = "\
INSERT INTO idempotency_keys (organisation_id, subject, key, request_hash, response_status,
    response_body, response_headers)
VALUES ($1, $2, $3, $4, 0, 'null', 'null')
ON CONFLICT (organisation_id, subject, key) DO UPDATE
SET request_hash = EXCLUDED.request_hash, response_status = 0, response_body = 'null',
    response_headers = 'null', created_at = now()
WHERE idempotency_keys.created_at < $5";

/// Claims `scope` for a request whose fingerprint is `request_hash`. A key older than
/// [`KEY_LIFETIME`] is claimed afresh.
pub fn claim(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    request_hash: &[u8],
) -> Result<Claim, StoreError> {
    let claimed = statement(CLAIM)
        .bind::<SqlUuid, _>(scope.organisation_id)
        .bind::<Text, _>(scope.subject)
        .bind::<Text, _>(scope.key)
        .bind::<Bytea, _>(request_hash)
        .bind::<Timestamptz, _>(NewKey::expired_before())
        .execute(conn)?;
    if claimed == 1 {
        return Ok(Claim::Fresh);
    }
    find(conn, scope, request_hash)?.ok_or_else(|| {
        StoreError::Corrupt("an idempotency key vanished while it was claimed".into())
    })
}

/// What an earlier request with this key left: its response to replay, or a mismatch when that
/// request differed. `None` when no request holds the key.
pub fn find(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    request_hash: &[u8],
) -> Result<Option<Claim>, StoreError> {
    let found: Option<(Vec<u8>, i16, serde_json::Value, serde_json::Value)> =
        idempotency_keys::table
            .find((scope.organisation_id, scope.subject, scope.key))
            .select((
                idempotency_keys::request_hash,
                idempotency_keys::response_status,
                idempotency_keys::response_body,
                idempotency_keys::response_headers,
            ))
            .first(conn)
            .optional()?;
    let Some((hash, status, body, headers)) = found else {
        return Ok(None);
    };
    if hash != request_hash {
        return Ok(Some(Claim::Mismatch));
    }
    Ok(Some(Claim::Replay(StoredResponse {
        status: u16::try_from(status).map_err(|_| {
            StoreError::Corrupt(format!("stored response status {status} is not a status"))
        })?,
        body,
        headers,
    })))
}

const COMPLETE: &str = "\
UPDATE idempotency_keys SET response_status = $4, response_body = $5, response_headers = $6
WHERE organisation_id = $1 AND subject = $2 AND key = $3";

/// Records the response to a freshly claimed key.
pub fn complete(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    response: &StoredResponse,
) -> Result<(), StoreError> {
    let status = i16::try_from(response.status)
        .map_err(|_| StoreError::Corrupt(format!("status {} out of range", response.status)))?;
    statement(COMPLETE)
        .bind::<SqlUuid, _>(scope.organisation_id)
        .bind::<Text, _>(scope.subject)
        .bind::<Text, _>(scope.key)
        .bind::<Int2, _>(status)
        .bind::<Jsonb, _>(&response.body)
        .bind::<Jsonb, _>(&response.headers)
        .execute(conn)?;
    Ok(())
}

/// Forgets keys past [`KEY_LIFETIME`].
pub fn purge_expired(conn: &mut PgConnection) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(chrono::Utc::now() - KEY_LIFETIME)),
    )
    .execute(conn)?)
}
