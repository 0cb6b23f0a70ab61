//! `GET /api/v1/statistics/dialogue`: per county and year, the dialogue meetings held, the
//! municipalities reached, the actions opened, done and overdue, and the average evaluation.
//! Counts of municipalities go through the shared small-cell suppression; an average rests on at
//! least five evaluations.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::statistics::{Published, Table, Tables};
use actix_web::get;
use samhandling_domain::statistics::{mean_if_enough, suppress_known, CountTable, SuppressedTable};
use samhandling_usecases::dialogue::{self as usecases, DialogueYear};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(dialogue_statistics);
}

/// Which county.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DialogueStatisticsQuery {
    /// Only this county (fylkesnummer).
    #[validate(
        length(equal = 2),
        custom(function = "crate::text::check_county_number")
    )]
    #[param(pattern = "^[0-9]{2}$", max_length = 2, example = "50")]
    county_number: Option<String>,
}

/// One county's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountyYear {
    /// The county.
    pub county_number: String,
    /// The year.
    pub year: i32,
    /// Meetings held.
    pub meetings_held: i64,
    /// Actions agreed at them.
    pub actions_opened: i64,
    /// Of those, done.
    pub actions_done: i64,
    /// Of those, pending past their due date.
    pub actions_overdue: i64,
    /// The average rating, 1 to 5; `null` below 5 evaluations, and where the count of
    /// evaluations is hidden.
    pub average_rating: Option<f64>,
}

/// Dialogue statistics.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialogueStatistics {
    /// Meetings and actions, per county and year.
    pub years: Vec<CountyYear>,
    /// Municipalities reached, county by year: organisations, not people, so shown as they are.
    pub municipalities_reached: Table,
    /// Evaluations submitted, county by year, suppressed (a county's is a view of the table for
    /// every county).
    pub evaluations: Table,
}

impl Tables for DialogueStatistics {
    fn tables(&self) -> Vec<(String, &Table)> {
        vec![
            (
                "municipalities_reached".to_owned(),
                &self.municipalities_reached,
            ),
            ("evaluations".to_owned(), &self.evaluations),
        ]
    }
}

/// Dialogue statistics.
///
/// For anyone signed in. Meetings, actions and municipalities reached are the governor's own
/// work with organisations and are shown as they are. Evaluations are people's: below 5 they are
/// `<5`, with more hidden (`x`) or withheld (`..`) until no published figure, of any county's
/// view, narrows one beyond `<5`.
#[utoipa::path(
    tag = "statistics",
    params(DialogueStatisticsQuery),
    responses((status = 200, description = "Per county and year", content((DialogueStatistics = "application/json"), (String = "text/csv"))))
)]
#[get("/statistics/dialogue")]
async fn dialogue_statistics(
    caller: Authorized<AnyRole>,
    query: ValidQuery<DialogueStatisticsQuery>,
) -> Result<Published<DialogueStatistics>, ApiError> {
    let county = query.0.county_number;
    // Every county, always: a county is a view of the one table, so that no two answers can be
    // differenced.
    let everywhere = crate::db::run(&caller.state().database, move |conn| {
        Ok(usecases::statistics(conn, None)?)
    })
    .await?;
    let table = |count: fn(&DialogueYear) -> i64| {
        CountTable::from_triples(everywhere.iter().map(|year| {
            (
                year.county_number.clone(),
                year.year.to_string(),
                u64::try_from(count(year)).unwrap_or(0),
            )
        }))
    };
    let in_county = |row: &str| county.as_deref().is_none_or(|county| row == county);
    // Municipalities are organisations, not people: their count is published as it is.
    let municipalities_reached = Table::from(
        SuppressedTable::exact(&table(|year| year.municipalities_reached)).rows_view(in_county),
    );
    // A county's governor holds its own meetings' evaluations, and could subtract them.
    let all_evaluations = suppress_known(&table(|year| year.evaluations), |county, _| {
        vec![county.to_owned()]
    });
    // An average tells that at least 5 stand behind it: only beside a count that is shown, so
    // that it says no more of a hidden one than its marker does.
    let shown = |year: &DialogueYear| {
        let row = all_evaluations
            .rows
            .iter()
            .position(|r| *r == year.county_number);
        let column = all_evaluations
            .columns
            .iter()
            .position(|c| *c == year.year.to_string());
        row.zip(column)
            .is_some_and(|(r, c)| all_evaluations.cells[r][c].count.is_some())
    };
    let evaluations = Table::from(all_evaluations.rows_view(in_county));
    let found: Vec<&DialogueYear> = everywhere
        .iter()
        .filter(|year| in_county(&year.county_number))
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let years = found
        .into_iter()
        .map(|year| CountyYear {
            county_number: year.county_number.clone(),
            year: year.year,
            meetings_held: year.meetings_held,
            actions_opened: year.actions_opened,
            actions_done: year.actions_done,
            actions_overdue: year.actions_overdue,
            average_rating: shown(year)
                .then(|| {
                    mean_if_enough(
                        year.rating_sum as f64,
                        u64::try_from(year.evaluations).unwrap_or(0),
                    )
                })
                .flatten(),
        })
        .collect();
    Ok(Published(DialogueStatistics {
        years,
        municipalities_reached,
        evaluations,
    }))
}
