//! The one way handlers reach the database: check out a pooled connection on a blocking thread
//! (diesel is synchronous), run the work, map errors once. A pool that cannot hand out a connection
//! within its checkout timeout yields 503, never a hang.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web;
use samhandling_persistence::{in_transaction, PgConnection};

/// Runs `work` on a pooled connection, outside any explicit transaction.
pub async fn run<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let db = state.db.clone();
    web::block(move || {
        let mut conn = db.connection()?;
        work(&mut conn)
    })
    .await
    .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))?
}

/// Runs `work` in one transaction on a pooled connection: a change and its audit event commit
/// together or not at all.
pub async fn transaction<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(state, move |conn| in_transaction(conn, work)).await
}
