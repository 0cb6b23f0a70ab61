//! `GET /api/v1/statistics/learning-networks`: per learning network, how many came from each
//! member service to each gathering, the gatherings held and how often a user representative
//! presented. Attendance goes through the shared small-cell suppression; the share rests on at
//! least five gatherings.

use crate::auth::{AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::statistics::{Published, Table, Tables};
use actix_web::get;
use samhandling_domain::learning_network::LearningNetworkScope;
use samhandling_domain::statistics::{share_if_enough, Cell, CountTable};
use samhandling_usecases::learning_networks as usecases;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(learning_network_statistics);
}

/// Which network.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearningNetworkStatisticsQuery {
    /// Only this learning network.
    learning_network_id: Option<Uuid>,
}

/// One member service's attendance over all gatherings (the attendance table's row total).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAttendance {
    /// `<organisation name>: <service>`.
    pub service: String,
    /// How many came, in all; suppressed like the table.
    pub attendees: Cell,
}

/// One learning network's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkStatistics {
    /// The network.
    pub learning_network_id: Uuid,
    /// What it is called.
    pub name: String,
    /// Attendance, member service (`<organisation name>: <service>`) by gathering date
    /// (`YYYY-MM-DD`), suppressed.
    pub attendance: Table,
    /// Attendance per member service over all gatherings: the table's row totals.
    pub attendance_by_service: Vec<ServiceAttendance>,
    /// Gatherings recorded.
    pub gatherings_held: i64,
    /// The share (0 to 1) of gatherings where a user representative presented something;
    /// `null` below 5 gatherings.
    pub user_involvement_share: Option<f64>,
}

/// Learning-network statistics.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningNetworkStatistics {
    /// Per network, by name.
    pub networks: Vec<NetworkStatistics>,
}

impl Tables for LearningNetworkStatistics {
    fn tables(&self) -> Vec<(String, &Table)> {
        self.networks
            .iter()
            .map(|network| (format!("attendance: {}", network.name), &network.attendance))
            .collect()
    }
}

/// Learning-network statistics.
///
/// For the networks the caller reaches: the coordinating centre's advisers and the member
/// organisations' contacts (a network's name and member services are theirs; anyone else gets
/// an empty list, not someone else's network). Attendance below 5 is `<5`, with a second cell
/// hidden (`x`) wherever a total would give one away.
#[utoipa::path(
    tag = "statistics",
    params(LearningNetworkStatisticsQuery),
    responses((status = 200, description = "Per network", content((LearningNetworkStatistics = "application/json"), (String = "text/csv"))))
)]
#[get("/statistics/learning-networks")]
async fn learning_network_statistics(
    caller: Authorized<AnyRole>,
    query: ValidQuery<LearningNetworkStatisticsQuery>,
) -> Result<Published<LearningNetworkStatistics>, ApiError> {
    let network_id = query.0.learning_network_id;
    let scope = LearningNetworkScope::of(&caller.caller);
    let (sums, attendance) = crate::db::run(&caller.state().database, move |conn| {
        Ok(usecases::statistics(conn, scope, network_id)?)
    })
    .await?;
    let networks = sums
        .into_iter()
        .map(|network| {
            let table = Table::suppressed(&CountTable::from_triples(
                attendance
                    .iter()
                    .filter(|count| count.network_id == network.network_id)
                    .map(|count| {
                        (
                            count.row_label.clone(),
                            count.column_label.clone(),
                            u64::try_from(count.count).unwrap_or(0),
                        )
                    }),
            ));
            NetworkStatistics {
                learning_network_id: network.network_id,
                name: network.name,
                attendance_by_service: table
                    .rows
                    .iter()
                    .map(|row| ServiceAttendance {
                        service: row.label.clone(),
                        attendees: row.total.clone(),
                    })
                    .collect(),
                attendance: table,
                gatherings_held: network.gatherings,
                user_involvement_share: share_if_enough(
                    u64::try_from(network.with_user_involvement).unwrap_or(0),
                    u64::try_from(network.gatherings).unwrap_or(0),
                ),
            }
        })
        .collect();
    Ok(Published(LearningNetworkStatistics { networks }))
}
