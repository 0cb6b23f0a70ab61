//! `GET /api/v1/statistics/groups`: how the self-help group offer works, country-wide or for one
//! centre, for one year: groups started, running and ended, people placed (with their wait) and
//! sessions held, by centre, theme, municipality or quarter. Every count goes through the shared
//! small-cell suppression, so no cell, row or column total points at a person.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::statistics::{Published, Table, Tables};
use actix_web::get;
use chrono::{Datelike, Utc};
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use samhandling_usecases::group_statistics as usecases;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(group_statistics);
}

/// What to count and how to break it down.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// What to count (default `members_placed`).
    measure: Option<GroupMeasure>,
    /// The rows (default `municipality`).
    rows: Option<GroupDimension>,
    /// The columns (default `quarter`); not the same as `rows`.
    columns: Option<GroupDimension>,
    /// The calendar year (default this year).
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i32>,
    /// Only this centre's row (with `rows=centre`) or column (with `columns=centre`): a view of
    /// the table by centre, whose new totals show only where they sum shown figures. With neither
    /// breakdown by centre it is refused (422), since a table of one centre's groups computed
    /// afresh could be subtracted from the national one.
    centre_id: Option<Uuid>,
}

/// Average waits behind `members_placed`, by row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AverageWaits {
    /// Days from referral to place, averaged over each row's people, in the order of the rows:
    /// by centre only (`rows=centre`), and `null` where fewer than 5 people stand behind it.
    /// Other breakdowns give `null` for every row, since averages by two breakdowns could be
    /// differenced into a few people's wait.
    pub rows: Vec<Option<f64>>,
    /// Over everyone counted; `null` also when a centre's average is, since beside the others it
    /// would give that centre's away.
    pub total: Option<f64>,
}

/// Group statistics for one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupStatistics {
    /// What is counted.
    pub measure: GroupMeasure,
    /// The year.
    pub year: i32,
    /// What the rows are.
    pub rows_by: GroupDimension,
    /// What the columns are.
    pub columns_by: GroupDimension,
    /// The counts, suppressed.
    pub table: Table,
    /// For `members_placed`: the average wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_wait_days: Option<AverageWaits>,
}

impl Tables for GroupStatistics {
    fn tables(&self) -> Vec<(String, &Table)> {
        vec![(self.measure.to_string(), &self.table)]
    }
}

/// Group statistics.
///
/// For anyone signed in. Counts of 1 to 4 are shown as `<5`, and more is hidden (`x`, or `..`
/// for a marker withheld) until no figure of any breakdown, combined with every other
/// breakdown's, narrows a small count: a figure is marked alike in every breakdown that shows
/// it. Averages are by centre, each over at least 5 people. Only quarters that have ended are
/// counted: a figure that moved the day someone was placed could tell a referrer, who learns
/// that day, which kind of group took its person. Quarters and years are in Norwegian time; a group meeting in two quarters
/// counts as running in each.
#[utoipa::path(
    tag = "statistics",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The table", content((GroupStatistics = "application/json"), (String = "text/csv"))),
        (status = 422, description = "`rows` and `columns` name the same dimension", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/statistics/groups")]
async fn group_statistics(
    caller: Authorized<AnyRole>,
    query: ValidQuery<StatisticsQuery>,
) -> Result<Published<GroupStatistics>, ApiError> {
    let query = query.0;
    let measure = query.measure.unwrap_or(GroupMeasure::MembersPlaced);
    let rows = query.rows.unwrap_or(GroupDimension::Municipality);
    let columns = query.columns.unwrap_or(GroupDimension::Quarter);
    if rows == columns {
        return Err(ApiError::invalid_field(
            "columns",
            "same_as_rows",
            "rows and columns must break the counts down by different dimensions",
        ));
    }
    // A centre's figures are a view of the table broken down by centre: computed afresh from its
    // groups alone they could be subtracted from the national table's.
    if query.centre_id.is_some()
        && rows != GroupDimension::Centre
        && columns != GroupDimension::Centre
    {
        return Err(ApiError::invalid_field(
            "centre_id",
            "needs_centre_breakdown",
            "a centre's figures are a view of the table by centre: set rows or columns to centre",
        ));
    }
    let today = Utc::now().date_naive();
    let year = query.year.unwrap_or_else(|| today.year());
    let figures = crate::db::run(&caller.state().database, move |conn| {
        Ok(usecases::publish(conn, measure, year, today)?)
    })
    .await?;
    let centre = query.centre_id.map(|centre| centre.to_string());
    let in_centre = |label: &str| centre.as_deref().is_none_or(|centre| label == centre);
    let table = figures.table(rows, columns);
    let average_wait_days = (measure == GroupMeasure::MembersPlaced).then(|| {
        let waits = figures.waits(rows, &table.rows);
        AverageWaits {
            rows: table
                .rows
                .iter()
                .zip(waits.rows)
                .filter(|(row, _)| rows != GroupDimension::Centre || in_centre(row))
                .map(|(_, wait)| wait)
                .collect(),
            total: waits.total,
        }
    });
    let suppressed = match (rows, columns) {
        (GroupDimension::Centre, _) => table.rows_view(in_centre),
        (_, GroupDimension::Centre) => table.view(in_centre),
        _ => table,
    };
    Ok(Published(GroupStatistics {
        measure,
        year,
        rows_by: rows,
        columns_by: columns,
        table: Table::from(suppressed),
        average_wait_days,
    }))
}
