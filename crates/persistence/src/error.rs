//! One error type for everything storage can report, classified once so that the HTTP layer can
//! map "the database is down" to 503 and "that number is taken" to 409 without parsing messages.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had, or the one in use was lost: retrying later may succeed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint refused the write; carries the constraint's name.
    #[error("unique constraint `{0}` violated")]
    UniqueViolation(String),
    /// A row referred to another that does not exist; carries the constraint's name.
    #[error("foreign key `{0}` violated")]
    ForeignKeyViolation(String),
    /// A row holds a value this build cannot read (e.g. an unknown enum name).
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// Any other database error: a bug, never the client's fault.
    #[error("database error: {0}")]
    Query(DieselError),
}

/// Messages PostgreSQL and libpq give when the server goes away mid-session; diesel reports most of
/// them as an unknown kind, so they are recognised here, once.
const CONNECTION_LOST_MARKERS: [&str; 5] = [
    "terminating connection",
    "server closed the connection",
    "no connection to the server",
    "could not receive data from server",
    "the database system is",
];

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::UniqueViolation(info.constraint_name().unwrap_or_default().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                StoreError::ForeignKeyViolation(
                    info.constraint_name().unwrap_or_default().to_owned(),
                )
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => StoreError::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(_, info)
                if CONNECTION_LOST_MARKERS
                    .iter()
                    .any(|marker| info.message().contains(marker)) =>
            {
                StoreError::Unavailable(info.message().to_owned())
            }
            DieselError::BrokenTransactionManager => {
                StoreError::Unavailable("the connection's transaction state is broken".to_owned())
            }
            _ => StoreError::Query(error),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(error: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// Reads a stored enum name, reporting an unknown one as corrupt data rather than panicking.
pub(crate) fn parse_stored<T: std::str::FromStr>(value: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|error: T::Err| StoreError::Corrupt(error.to_string()))
}

/// Reads a stored array of enum names (`NULL` elements skipped), as [`parse_stored`] reads one.
pub(crate) fn parse_stored_all<T, Collection>(
    names: &[Option<String>],
) -> Result<Collection, StoreError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
    Collection: FromIterator<T>,
{
    names
        .iter()
        .flatten()
        .map(|name| parse_stored(name))
        .collect()
}
