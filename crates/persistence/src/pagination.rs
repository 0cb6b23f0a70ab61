//! The keyset condition every list uses, written once.

use crate::error::StoreError;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::pg::Pg;
use diesel::pg::PgConnection;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, LoadQuery};
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use diesel::QueryResult;
use samhandling_domain::page::{Keyed, Page, PageRequest, Position};

/// `(<time_column>, id) > (position)`: a row-value comparison, which PostgreSQL answers with one
/// range scan of the `(<time_column>, id)` index, where the equivalent `OR` would not. diesel has
/// no row values, and raw SQL would keep the list from staying a prepared statement, so this is a
/// small expression of its own.
#[derive(Debug, Clone, Copy)]
pub struct After {
    time_column: &'static str,
    position: Position,
}

/// The rows after `position` in `(<time_column>, id)` order.
pub(crate) fn after(time_column: &'static str, position: Position) -> After {
    After {
        time_column,
        position,
    }
}

impl Expression for After {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for After {}

impl<QS> SelectableExpression<QS> for After {}

impl ValidGrouping<()> for After {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for After {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Pg> for After {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("(");
        out.push_identifier(self.time_column)?;
        out.push_sql(", id) > (");
        out.push_bind_param::<Timestamptz, _>(&self.position.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlUuid, _>(&self.position.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// A list query as the pages are read from it: a boxed select, with its filters and its order,
/// that can be limited, cut at a position and loaded as `Row`s.
pub(crate) trait PageQuery<'a, Row>:
    LimitDsl<Output = Self> + FilterDsl<After, Output = Self> + LoadQuery<'a, PgConnection, Row>
{
}

impl<'a, Row, Q> PageQuery<'a, Row> for Q where
    Q: LimitDsl<Output = Q> + FilterDsl<After, Output = Q> + LoadQuery<'a, PgConnection, Row>
{
}

/// Fetch one row more than the page holds: its presence tells that another page follows.
fn overfetch(limit: u16) -> i64 {
    i64::from(limit) + 1
}

/// Loads one page of `query`: a boxed select with its filters, ordered by `(time_column, id)`.
/// Only rows after the page's start are read, one row more than the page holds is fetched (its
/// presence tells that another page follows), and each row becomes an item.
///
/// Every list goes through here, so a new list is its filters and its order, nothing else.
pub(crate) fn load_page<'a, Q, Row, Item>(
    conn: &mut PgConnection,
    query: Q,
    time_column: &'static str,
    page: PageRequest,
) -> Result<Page<Item>, StoreError>
where
    Q: PageQuery<'a, Row>,
    Item: TryFrom<Row, Error = StoreError> + Keyed,
{
    let items = load_overfetched(conn, query, time_column, page)?
        .into_iter()
        .map(Item::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(items, page.limit, Keyed::position))
}

/// `$table`'s rows as `$row`, oldest first by `(created_at, id)`, boxed for the list to add its
/// filters: the order in which [`load_created_page`] cuts the pages, written with it so that
/// the order and the keyset name the same column.
macro_rules! created_order {
    ($table:ident, $row:ty) => {
        $table::table
            .select(<$row>::as_select())
            .order(($table::created_at, $table::id))
            .into_boxed()
    };
}
pub(crate) use created_order;

/// [`load_page`] for a list in [`created_order!`].
pub(crate) fn load_created_page<'a, Q, Row, Item>(
    conn: &mut PgConnection,
    query: Q,
    page: PageRequest,
) -> Result<Page<Item>, StoreError>
where
    Q: PageQuery<'a, Row>,
    Item: TryFrom<Row, Error = StoreError> + Keyed,
{
    load_page(conn, query, "created_at", page)
}

/// As [`load_created_page`], for records that are their row plus child rows (members,
/// attendance, participants): the page is cut at the rows' own position, then `assemble`
/// completes the page's rows together, so the children cost one query per page rather than one
/// per record.
pub(crate) fn load_assembled_page<'a, Q, Row, Item>(
    conn: &mut PgConnection,
    query: Q,
    page: PageRequest,
    assemble: impl FnOnce(&mut PgConnection, Vec<Row>) -> Result<Vec<Item>, StoreError>,
) -> Result<Page<Item>, StoreError>
where
    Q: PageQuery<'a, Row>,
    Row: Keyed,
{
    let rows = load_overfetched(conn, query, "created_at", page)?;
    let rows = Page::from_overfetched(rows, page.limit, Keyed::position);
    Ok(Page {
        items: assemble(conn, rows.items)?,
        next: rows.next,
    })
}

/// The rows of `query` after the page's start, one more than the page holds.
fn load_overfetched<'a, Q, Row>(
    conn: &mut PgConnection,
    query: Q,
    time_column: &'static str,
    page: PageRequest,
) -> Result<Vec<Row>, StoreError>
where
    Q: PageQuery<'a, Row>,
{
    let mut query = query.limit(overfetch(page.limit));
    if let Some(position) = page.after {
        query = query.filter(after(time_column, position));
    }
    Ok(query.load::<Row>(conn)?)
}
