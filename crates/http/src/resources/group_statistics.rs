//! `GET /api/v1/statistics/groups`: how the self-help group offer works, country-wide or for one
//! centre, for one year: groups started, running and ended, people placed (with their wait) and
//! sessions held, by centre, theme, municipality or quarter. Every count goes through the shared
//! small-cell suppression, so no cell, row or column total points at a person.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::state::AppState;
use crate::statistics::{Published, Table, Tables};
use actix_web::{get, web};
use chrono::{Datelike, NaiveDate, Utc};
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use samhandling_domain::statistics::{mean_if_enough, suppress, CountTable};
use samhandling_usecases::groups::{self as usecases, CountQuery};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// Days from referral to place, averaged over each row's people, in the order of the rows;
    /// `null` where fewer than 5 people stand behind it.
    pub rows: Vec<Option<f64>>,
    /// Over everyone counted; `null` also when a row's average is, since beside the others it
    /// would give that row's away.
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
/// For anyone signed in. Counts of 1 to 4 are shown as `<5`, and a second cell is hidden (`x`)
/// wherever a row or column total would otherwise give a small one away. Averages rest on at
/// least 5 people. Quarters and years are in Norwegian time; a group meeting in two quarters
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
    _caller: Authorized<AnyRole>,
    state: web::Data<AppState>,
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
    let year = query.year.unwrap_or_else(|| Utc::now().year());
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return Err(ApiError::invalid_field("year", "range", "not a year"));
    };
    let count_query = CountQuery {
        measure,
        rows,
        columns,
        from,
        to,
        centre: None,
    };
    let counts = crate::db::run(&state.database, move |conn| {
        Ok(usecases::counts(conn, &count_query)?)
    })
    .await?;
    let mut waits: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    let triples: Vec<(String, String, u64)> = counts
        .into_iter()
        .map(|count| {
            let n = u64::try_from(count.count).unwrap_or(0);
            let wait = waits.entry(count.row_label.clone()).or_default();
            wait.0 += count.wait_days;
            wait.1 += n;
            (count.row_label, count.column_label, n)
        })
        .collect();
    let table = CountTable::from_triples(triples);
    let average_wait_days = (measure == GroupMeasure::MembersPlaced).then(|| {
        let (sum, people) = waits
            .values()
            .fold((0.0, 0), |(sum, n), (s, c)| (sum + s, n + c));
        let rows: Vec<Option<f64>> = table
            .rows
            .iter()
            .map(|row| waits.get(row).and_then(|(s, n)| mean_if_enough(*s, *n)))
            .collect();
        // Beside the rows' averages, the total average would give a withheld row's away.
        let total = rows
            .iter()
            .all(Option::is_some)
            .then(|| mean_if_enough(sum, people))
            .flatten();
        AverageWaits { rows, total }
    });
    let centre = query.centre_id.map(|centre| centre.to_string());
    let in_centre = |label: &str| centre.as_deref().is_none_or(|centre| label == centre);
    let suppressed = suppress(&table);
    let suppressed = match (rows, columns) {
        (GroupDimension::Centre, _) => suppressed.rows_view(in_centre),
        (_, GroupDimension::Centre) => suppressed.view(in_centre),
        _ => suppressed,
    };
    let average_wait_days = average_wait_days.map(|waits| AverageWaits {
        rows: table
            .rows
            .iter()
            .zip(waits.rows)
            .filter(|(row, _)| rows != GroupDimension::Centre || in_centre(row))
            .map(|(_, wait)| wait)
            .collect(),
        total: waits.total,
    });
    Ok(Published(GroupStatistics {
        measure,
        year,
        rows_by: rows,
        columns_by: columns,
        table: Table::from(suppressed),
        average_wait_days,
    }))
}
