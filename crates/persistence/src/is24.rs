//! IS-24/8, the Directorate of Health's yearly survey of municipal mental-health and
//! substance-abuse work: the questionnaire of each report year (its variable codes, labels and
//! units, loaded as data) and the figures a municipality reported.

use crate::error::StoreError;
use crate::schema::{dialogue_basis, is24_figures, is24_variables};
use diesel::prelude::*;
use diesel::sql_types::{Double, Int2, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

/// One variable of a questionnaire.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = is24_variables, check_for_backend(diesel::pg::Pg))]
pub struct Variable {
    /// The report year (the questionnaire's version).
    pub report_year: i16,
    /// The variable's code.
    pub code: String,
    /// What it asks.
    pub label: String,
    /// Its unit (e.g. `årsverk`).
    pub unit: String,
}

/// Replaces the questionnaire of `year` with `variables` (code, label, unit). Figures already
/// reported keep their variables: a code with figures cannot be dropped.
pub fn load_questionnaire(
    conn: &mut PgConnection,
    year: i16,
    variables: &[(String, String, String)],
) -> Result<Vec<Variable>, StoreError> {
    let codes: Vec<&str> = variables.iter().map(|(code, _, _)| code.as_str()).collect();
    diesel::delete(
        is24_variables::table
            .filter(is24_variables::report_year.eq(year))
            .filter(is24_variables::code.ne_all(&codes))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                is24_figures::table
                    .filter(is24_figures::report_year.eq(is24_variables::report_year))
                    .filter(is24_figures::code.eq(is24_variables::code)),
            ))),
    )
    .execute(conn)?;
    for (code, label, unit) in variables {
        diesel::insert_into(is24_variables::table)
            .values((
                is24_variables::report_year.eq(year),
                is24_variables::code.eq(code),
                is24_variables::label.eq(label),
                is24_variables::unit.eq(unit),
            ))
            .on_conflict((is24_variables::report_year, is24_variables::code))
            .do_update()
            .set((
                is24_variables::label.eq(label),
                is24_variables::unit.eq(unit),
            ))
            .execute(conn)?;
    }
    questionnaire(conn, year)
}

/// The questionnaire of `year`, by code; empty when none is loaded.
pub fn questionnaire(conn: &mut PgConnection, year: i16) -> Result<Vec<Variable>, StoreError> {
    Ok(is24_variables::table
        .filter(is24_variables::report_year.eq(year))
        .order(is24_variables::code)
        .select(Variable::as_select())
        .load(conn)?)
}

/// Records the figures a meeting used for a municipality (codes already checked against the
/// year's questionnaire), replacing that year's figures of the municipality.
pub fn record_basis(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    municipality_id: Uuid,
    year: i16,
    figures: &[(String, f64)],
) -> Result<(), StoreError> {
    diesel::delete(
        is24_figures::table
            .filter(is24_figures::municipality_id.eq(municipality_id))
            .filter(is24_figures::report_year.eq(year)),
    )
    .execute(conn)?;
    let rows: Vec<_> = figures
        .iter()
        .map(|(code, value)| {
            (
                is24_figures::municipality_id.eq(municipality_id),
                is24_figures::report_year.eq(year),
                is24_figures::code.eq(code),
                is24_figures::value.eq(value),
            )
        })
        .collect();
    diesel::insert_into(is24_figures::table)
        .values(rows)
        .execute(conn)?;
    diesel::insert_into(dialogue_basis::table)
        .values((
            dialogue_basis::meeting_id.eq(meeting_id),
            dialogue_basis::municipality_id.eq(municipality_id),
            dialogue_basis::report_year.eq(year),
        ))
        .on_conflict((dialogue_basis::meeting_id, dialogue_basis::municipality_id))
        .do_update()
        .set(dialogue_basis::report_year.eq(year))
        .execute(conn)?;
    Ok(())
}

/// One figure of a meeting's basis, beside the same variable a year before when both exist.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct BasisFigure {
    /// The municipality.
    #[diesel(sql_type = SqlUuid)]
    pub municipality_id: uuid::Uuid,
    /// The report year used.
    #[diesel(sql_type = Int2)]
    pub report_year: i16,
    /// The variable.
    #[diesel(sql_type = Text)]
    pub code: String,
    /// What it asks.
    #[diesel(sql_type = Text)]
    pub label: String,
    /// Its unit.
    #[diesel(sql_type = Text)]
    pub unit: String,
    /// The value reported.
    #[diesel(sql_type = Double)]
    pub value: f64,
    /// The same code's value the year before, if reported.
    #[diesel(sql_type = Nullable<Double>)]
    pub previous: Option<f64>,
}

/// The figures a meeting used, municipality by municipality, with the previous year's.
pub fn basis(
    conn: &mut PgConnection,
    meeting_id: Uuid,
    municipality: Option<Uuid>,
) -> Result<Vec<BasisFigure>, StoreError> {
    Ok(diesel::sql_query(
        "SELECT b.municipality_id, b.report_year, f.code, v.label, v.unit, f.value, p.value AS previous \
         FROM dialogue_basis b \
         JOIN is24_figures f ON f.municipality_id = b.municipality_id AND f.report_year = b.report_year \
         JOIN is24_variables v ON v.report_year = f.report_year AND v.code = f.code \
         LEFT JOIN is24_figures p ON p.municipality_id = f.municipality_id \
             AND p.report_year = f.report_year - 1 AND p.code = f.code \
         WHERE b.meeting_id = $1 AND ($2::uuid IS NULL OR b.municipality_id = $2) \
         ORDER BY b.municipality_id, f.code",
    )
    .bind::<SqlUuid, _>(meeting_id)
    .bind::<Nullable<SqlUuid>, _>(municipality)
    .load(conn)?)
}

/// The figures `municipality` reported for its latest report year up to `year`, each beside the
/// year before.
pub fn latest(
    conn: &mut PgConnection,
    municipality: Uuid,
    year: i16,
) -> Result<Vec<BasisFigure>, StoreError> {
    Ok(diesel::sql_query(
        "SELECT f.municipality_id, f.report_year, f.code, v.label, v.unit, f.value, p.value AS previous \
         FROM is24_figures f \
         JOIN is24_variables v ON v.report_year = f.report_year AND v.code = f.code \
         LEFT JOIN is24_figures p ON p.municipality_id = f.municipality_id \
             AND p.report_year = f.report_year - 1 AND p.code = f.code \
         WHERE f.municipality_id = $1 AND f.report_year = ( \
             SELECT max(report_year) FROM is24_figures WHERE municipality_id = $1 AND report_year <= $2) \
         ORDER BY f.code",
    )
    .bind::<SqlUuid, _>(municipality)
    .bind::<Int2, _>(year)
    .load(conn)?)
}
