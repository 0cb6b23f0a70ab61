//! Raw SQL that stays prepared on its connection.
//!
//! `diesel::sql_query` is never cached: diesel cannot tell whether its text is one of a bounded
//! set, so PostgreSQL parses and plans it again on every call, which for the statements on the
//! hot paths (a chain of inserts, a read with its audit event) costs more than running them.
//! A [`Statement`] is a `&'static str`, so the set is bounded, and diesel caches it per
//! connection by its text.
//!
//! The text numbers its parameters itself (`$1`, `$2`, …, each used as often as needed) and
//! [`Statement::bind`] gives them in that order. diesel writes a placeholder for every bind it
//! is given; those are put in a trailing comment, so they number the same parameters and change
//! nothing else.
//!
//! The binds are counted in the statement's type, and a statement whose text names another
//! number of parameters than it was given refuses to run: a bind forgotten, or one too many, is
//! an error at the first call (every test that stores through it), never a silent shift of values
//! into the wrong columns.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{QueryResult, RunQueryDsl};
use std::marker::PhantomData;

/// A prepared statement's text and the values of its parameters.
#[must_use = "a statement does nothing until it is run"]
pub(crate) struct Statement<Binds = NoBinds> {
    sql: &'static str,
    binds: Binds,
}

/// The parameters of a statement given none.
pub(crate) struct NoBinds;

/// Parameter values so far, and one more of SQL type `ST`.
pub(crate) struct Bind<Earlier, Value, ST> {
    earlier: Earlier,
    value: Value,
    sql_type: PhantomData<ST>,
}

/// A statement with `sql` as its text.
pub(crate) fn statement(sql: &'static str) -> Statement {
    Statement {
        sql,
        binds: NoBinds,
    }
}

impl<Binds> Statement<Binds> {
    /// Gives the next parameter (`$1` first) as SQL type `ST`.
    pub(crate) fn bind<ST, Value>(self, value: Value) -> Statement<Bind<Binds, Value, ST>> {
        Statement {
            sql: self.sql,
            binds: Bind {
                earlier: self.binds,
                value,
                sql_type: PhantomData,
            },
        }
    }
}

/// Walks the parameter values, first to last.
pub(crate) trait Binds {
    /// How many there are.
    const COUNT: usize;

    fn walk<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

impl Binds for NoBinds {
    const COUNT: usize = 0;

    fn walk<'b>(&'b self, _: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        Ok(())
    }
}

impl<Earlier, Value, ST> Binds for Bind<Earlier, Value, ST>
where
    Earlier: Binds,
    Value: ToSql<ST, Pg>,
    Pg: HasSqlType<ST>,
{
    const COUNT: usize = Earlier::COUNT + 1;

    fn walk<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.earlier.walk(out.reborrow())?;
        out.push_bind_param::<ST, Value>(&self.value)
    }
}

/// The highest `$n` the text names (parameters are numbered from 1 without gaps).
fn parameters_named(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|after| {
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

impl<B: Binds> QueryFragment<Pg> for Statement<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let named = parameters_named(self.sql);
        if named != B::COUNT {
            return Err(diesel::result::Error::QueryBuilderError(
                format!(
                    "a statement names {named} parameters but was given {} binds",
                    B::COUNT
                )
                .into(),
            ));
        }
        out.push_sql(self.sql);
        out.push_sql("\n/* parameters ");
        self.binds.walk(out.reborrow())?;
        out.push_sql(" */");
        Ok(())
    }
}

impl<B> QueryId for Statement<B> {
    type QueryId = ();
    // Cached by its text, which is static.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for Statement<B> {
    type SqlType = Untyped;
}

impl<B, Conn> RunQueryDsl<Conn> for Statement<B> {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{Integer, Text};

    #[test]
    fn the_highest_placeholder_counts() {
        assert_eq!(parameters_named("SELECT 1"), 0);
        assert_eq!(parameters_named("SELECT $1, $2, $1"), 2);
        assert_eq!(parameters_named("INSERT ... VALUES ($38, $4) -- $10"), 38);
    }

    fn count<B: Binds>(_: &Statement<B>) -> usize {
        B::COUNT
    }

    #[test]
    fn binds_are_counted_in_the_type() {
        let given = statement("SELECT $1, $2")
            .bind::<Integer, _>(1)
            .bind::<Text, _>("two");
        assert_eq!(count(&given), 2);
    }

    #[test]
    fn a_statement_given_the_wrong_number_of_binds_refuses_to_build() {
        let short = statement("SELECT $1, $2").bind::<Integer, _>(1);
        let mut builder = diesel::pg::PgQueryBuilder::default();
        let result = short.to_sql(&mut builder, &Pg);
        assert!(result.is_err());
    }
}
