//! Transactions whose closures return the caller's own error type.

use crate::error::StoreError;
use diesel::{Connection, PgConnection};

/// Either the closure's error or the database's.
enum Failure<E> {
    Closure(E),
    Database(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for Failure<E> {
    fn from(error: diesel::result::Error) -> Self {
        Failure::Database(error)
    }
}

/// Runs `work` in a transaction: commits when it returns `Ok`, rolls back when it returns `Err`
/// or the database fails. Lets upper layers keep their own error type without knowing diesel's.
pub fn in_transaction<T, E>(
    conn: &mut PgConnection,
    work: impl FnOnce(&mut PgConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    conn.transaction::<T, Failure<E>, _>(|conn| work(conn).map_err(Failure::Closure))
        .map_err(|failure| match failure {
            Failure::Closure(error) => error,
            Failure::Database(error) => E::from(StoreError::from(error)),
        })
}
