//! `GET /api/v1/statistics/network-meetings`: the network meetings facilitators logged, by
//! municipality and quarter, with the average network size and how often supervision or a
//! follow-up meeting was wanted. Counts go through the shared small-cell suppression; averages
//! and shares rest on at least five meetings.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::statistics::{Table, Tables};
use actix_web::{get, HttpRequest, HttpResponse};
use samhandling_domain::statistics::{mean_if_enough, share_if_enough, Cell};
use samhandling_usecases::network_meetings::{self as usecases, PublishedMeetings};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(network_meeting_statistics);
}

/// Which year.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NetworkMeetingStatisticsQuery {
    /// Only the quarters of this year: a view of the table for all years, with the same cells;
    /// a row's total for the year is shown only where all its cells are (else `..`), and the
    /// averages and shares, which are for all years only, are `null`.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    year: Option<i32>,
}

/// Network-meeting statistics.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkMeetingStatistics {
    /// Meetings logged, municipality (kommunenummer) by quarter of the meeting (`2026-Q4`),
    /// suppressed.
    pub meetings: Table,
    /// Meetings logged in all: the table's total, suppressed like it.
    pub meetings_logged: Cell,
    /// The average number of people in a meeting's network, over all years; `null` below 5
    /// meetings, for a year's view, and where a facilitator's employer or competence centre,
    /// subtracting its own meetings, would be left with 1 to 4 of others' (as for the shares).
    pub average_network_size: Option<f64>,
    /// The share (0 to 1) of meetings whose facilitator asked for supervision, over all years;
    /// `null` below 5, and for a year's view.
    pub supervision_requested_share: Option<f64>,
    /// The share (0 to 1) of meetings with a next meeting planned, over all years; `null` below
    /// 5, and for a year's view.
    pub follow_up_meeting_share: Option<f64>,
}

impl Tables for NetworkMeetingStatistics {
    fn tables(&self) -> Vec<(String, &Table)> {
        vec![("meetings".to_owned(), &self.meetings)]
    }
}

/// Network-meeting statistics.
///
/// For anyone signed in: aggregates only, never a log. Counts below 5 are `<5`, with more hidden
/// (`x`) or withheld (`..`) until no published figure, of this table or of any year's view of it,
/// narrows a count of 1 to 4 beyond `<5`.
#[utoipa::path(
    tag = "statistics",
    params(NetworkMeetingStatisticsQuery),
    responses((status = 200, description = "By municipality and quarter", content((NetworkMeetingStatistics = "application/json"), (String = "text/csv"))))
)]
#[get("/statistics/network-meetings")]
async fn network_meeting_statistics(
    caller: Authorized<AnyRole>,
    request: HttpRequest,
    query: ValidQuery<NetworkMeetingStatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = query.0.year;
    let served = caller.state().served.clone();
    let published = crate::db::run(&caller.state().database, move |conn| {
        Ok(usecases::published_meetings(conn, &served)?)
    })
    .await?;
    let query = year.map(|year| year.to_string()).unwrap_or_default();
    Ok(caller
        .state()
        .rendered
        .answer(&request, ("network-meetings", &query), &published, || {
            answer(&published, year)
        }))
}

/// The answer for `year` (every year when `None`) from the published table.
fn answer(published: &PublishedMeetings, year: Option<i32>) -> NetworkMeetingStatistics {
    let (all_years, sums) = (&published.table, &published.sums);
    let meetings = match year {
        None => Table::from(all_years.clone()),
        Some(year) => {
            let year = format!("{year}-");
            Table::from(all_years.view(|quarter| quarter.starts_with(&year)))
        }
    };
    // Means and shares only for all years: a year's beside them would difference one meeting out.
    let logged = u64::try_from(sums.meetings).unwrap_or(0);
    let part = |count: i64| u64::try_from(count).unwrap_or(0);
    let all = year.is_none() && !published.few_beside_own;
    NetworkMeetingStatistics {
        meetings_logged: meetings.total.clone(),
        meetings,
        average_network_size: all
            .then(|| mean_if_enough(sums.network_size_sum, logged))
            .flatten(),
        supervision_requested_share: all
            .then(|| share_if_enough(part(sums.supervision_wanted), logged))
            .flatten(),
        follow_up_meeting_share: all
            .then(|| share_if_enough(part(sums.next_meeting_planned), logged))
            .flatten(),
    }
}
