//! The keyset condition every list uses, written once.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use samhandling_domain::page::Position;

/// `(<time_column>, id) > (position)`: a row-value comparison, which PostgreSQL answers with one
/// range scan of the `(<time_column>, id)` index, where the equivalent `OR` would not.
pub(crate) fn after<QS>(
    time_column: &'static str,
    position: Position,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(&format!("({time_column}, id) > ("))
            .bind::<Timestamptz, _>(position.created_at)
            .sql(", ")
            .bind::<SqlUuid, _>(position.id)
            .sql(")"),
    )
}

/// Fetch one row more than the page holds: its presence tells that another page follows.
pub(crate) fn overfetch(limit: u16) -> i64 {
    i64::from(limit) + 1
}
