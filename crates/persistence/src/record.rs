//! The shapes every module's reads of one record share, written once: the row found (and locked
//! when asked), completed the way a page of them is, or declared missing as corrupt data.

use crate::error::StoreError;
use diesel::{OptionalExtension, PgConnection};

/// `$query.first($conn)`, with `FOR UPDATE` when `$lock` is true.
///
/// The plain and the locked query differ in type, and diesel does not name its lock clauses
/// outside the crate, so no function can take either; every "find, or find and lock" goes
/// through here instead of writing the `if` again.
macro_rules! first_row {
    ($conn:expr, $query:expr, $lock:expr) => {
        if $lock {
            $query.for_update().first($conn)
        } else {
            $query.first($conn)
        }
    };
}
pub(crate) use first_row;

/// Declares a read of one record and its locked twin over a `scoped(conn, …, lock)` function:
/// the plain read and the one a change takes first, which every aggregate offers alike.
///
/// `fn find / find_for_update(id: Uuid, scope: Scope) -> Record = find_scoped;` declares
/// `find(conn, id, scope)` and `find_for_update(conn, id, scope)`; the doc comments before the
/// line are `find`'s, those after it are added to the locked one's.
macro_rules! find_and_lock {
    (
        $(#[$find_doc:meta])*
        fn $find:ident / $locked:ident($($arg:ident: $type:ty),+) -> $item:ty = $scoped:ident;
        $(#[$locked_doc:meta])*
    ) => {
        $(#[$find_doc])*
        pub fn $find(
            conn: &mut PgConnection,
            $($arg: $type),+
        ) -> Result<Option<$item>, StoreError> {
            $scoped(conn, $($arg),+, false)
        }

        #[doc = concat!("As [`", stringify!($find), "`], locked until the transaction ends.")]
        $(#[$locked_doc])*
        pub fn $locked(
            conn: &mut PgConnection,
            $($arg: $type),+
        ) -> Result<Option<$item>, StoreError> {
            $scoped(conn, $($arg),+, true)
        }
    };
}
pub(crate) use find_and_lock;

/// The one record `assemble` makes of `row`: records with child rows are completed a page at a
/// time, and a single one goes through the same code rather than a copy of it. Should `assemble`
/// lose the row, that is corrupt data, reported as `missing` says.
pub(crate) fn assemble_one<Row, Item>(
    conn: &mut PgConnection,
    row: Row,
    assemble: impl FnOnce(&mut PgConnection, Vec<Row>) -> Result<Vec<Item>, StoreError>,
    missing: &str,
) -> Result<Item, StoreError> {
    assemble(conn, vec![row])?
        .pop()
        .ok_or_else(|| StoreError::Corrupt(missing.to_owned()))
}

/// As [`assemble_one`], for a row that may not have been found.
pub(crate) fn assemble_found<Row, Item>(
    conn: &mut PgConnection,
    row: Option<Row>,
    assemble: impl FnOnce(&mut PgConnection, Vec<Row>) -> Result<Vec<Item>, StoreError>,
    missing: &str,
) -> Result<Option<Item>, StoreError> {
    row.map(|row| assemble_one(conn, row, assemble, missing))
        .transpose()
}

/// The records of `rows`, completed together by `complete` (their organisers, their place in
/// line, …): the `assemble` of records whose children are filled in after conversion.
pub(crate) fn completed<Row, Item>(
    conn: &mut PgConnection,
    rows: Vec<Row>,
    complete: impl FnOnce(&mut PgConnection, &mut [Item]) -> Result<(), StoreError>,
) -> Result<Vec<Item>, StoreError>
where
    Item: TryFrom<Row, Error = StoreError>,
{
    let mut items = rows
        .into_iter()
        .map(Item::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    complete(conn, &mut items)?;
    Ok(items)
}

/// The record of the one row a query found, if it found one.
///
/// How every find and every change of a row that may not exist ends: `first` or `get_result`,
/// "not found" made `None`, and the row converted, which may fail on data this build cannot read.
pub(crate) trait OptionalRecord<Row> {
    /// `None` when there was no row, else the row as its record.
    fn optional_record<Item>(self) -> Result<Option<Item>, StoreError>
    where
        Item: TryFrom<Row, Error = StoreError>;
}

impl<Row> OptionalRecord<Row> for diesel::QueryResult<Row> {
    fn optional_record<Item>(self) -> Result<Option<Item>, StoreError>
    where
        Item: TryFrom<Row, Error = StoreError>,
    {
        self.optional()?.map(Item::try_from).transpose()
    }
}
