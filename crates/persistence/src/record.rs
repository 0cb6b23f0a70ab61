//! The shapes every module's reads of one record share, written once: the row found (and locked
//! when asked), completed the way a page of them is, or declared missing as corrupt data.

use crate::error::StoreError;
use diesel::{OptionalExtension, PgConnection};
use uuid::Uuid;

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

/// What every change of a versioned row sets besides its own columns: the version one up (what
/// ETags and `If-Match` compare) and `updated_at` now, as a tuple for `.set(…)`.
macro_rules! one_version_up {
    ($table:ident) => {
        (
            $table::version.eq($table::version + 1),
            $table::updated_at.eq(diesel::dsl::now),
        )
    };
}
pub(crate) use one_version_up;

/// Declares a read of one record and its locked twin: the plain read and the one a change
/// takes first, which every aggregate offers alike. The doc comments before the `fn` line are
/// the plain read's; those after it are added to the locked one's.
///
/// - `fn find / find_for_update(id: Uuid, scope: Scope) -> Record { query }` reads the first row
///   of `query` (a select of the record's row type), locked `FOR UPDATE` in the twin, and
///   converts it with `TryFrom`.
/// - `… { query } assembled by with_children` completes the row with `with_children`, as a page
///   of such records is completed.
/// - `fn find / find_for_update(…) -> Record = find_scoped;` delegates to
///   `find_scoped(conn, …, lock)`, for a read that is more than one query.
macro_rules! find_and_lock {
    (
        $(#[$find_doc:meta])*
        fn $find:ident / $locked:ident($($arg:ident: $type:ty),+) -> $item:ty { $query:expr }
        $(#[$locked_doc:meta])*
    ) => {
        $crate::record::find_and_lock! {
            @declare [$(#[$find_doc])*] [$(#[$locked_doc])*]
            $find / $locked($($arg: $type),+) -> $item;
            conn, lock => $crate::record::OptionalRecord::optional_record(
                $crate::record::first_row!(conn, $query, lock),
            )
        }
    };
    (
        $(#[$find_doc:meta])*
        fn $find:ident / $locked:ident($($arg:ident: $type:ty),+) -> $item:ty { $query:expr }
            assembled by $assemble:path;
        $(#[$locked_doc:meta])*
    ) => {
        $crate::record::find_and_lock! {
            @declare [$(#[$find_doc])*] [$(#[$locked_doc])*]
            $find / $locked($($arg: $type),+) -> $item;
            conn, lock => {
                let row = diesel::OptionalExtension::optional(
                    $crate::record::first_row!(conn, $query, lock),
                )?;
                match row {
                    Some(row) => Ok($assemble(conn, vec![row])?.pop()),
                    None => Ok(None),
                }
            }
        }
    };
    (
        $(#[$find_doc:meta])*
        fn $find:ident / $locked:ident($($arg:ident: $type:ty),+) -> $item:ty = $scoped:ident;
        $(#[$locked_doc:meta])*
    ) => {
        $crate::record::find_and_lock! {
            @declare [$(#[$find_doc])*] [$(#[$locked_doc])*]
            $find / $locked($($arg: $type),+) -> $item;
            conn, lock => $scoped(conn, $($arg),+, lock)
        }
    };
    (
        @declare [$(#[$find_doc:meta])*] [$(#[$locked_doc:meta])*]
        $find:ident / $locked:ident($($arg:ident: $type:ty),+) -> $item:ty;
        $conn:ident, $lock:ident => $read:expr
    ) => {
        $(#[$find_doc])*
        pub fn $find(
            $conn: &mut PgConnection,
            $($arg: $type),+
        ) -> Result<Option<$item>, StoreError> {
            let $lock = false;
            $read
        }

        #[doc = concat!("As [`", stringify!($find), "`], locked until the transaction ends.")]
        $(#[$locked_doc])*
        pub fn $locked(
            $conn: &mut PgConnection,
            $($arg: $type),+
        ) -> Result<Option<$item>, StoreError> {
            let $lock = true;
            $read
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

/// The records of `rows`, each with the child rows it owns, all read in one query: `children_of`
/// is given the rows' ids, and `into_record` makes a row its record from the children it is
/// handed (all of them; it picks its own).
pub(crate) fn with_children<Row, Child, Item>(
    conn: &mut PgConnection,
    rows: Vec<Row>,
    id: impl Fn(&Row) -> Uuid,
    children_of: impl FnOnce(&mut PgConnection, &[Uuid]) -> Result<Vec<Child>, StoreError>,
    into_record: impl Fn(Row, &[Child]) -> Result<Item, StoreError>,
) -> Result<Vec<Item>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(id).collect();
    let children = children_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| into_record(row, &children))
        .collect()
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
