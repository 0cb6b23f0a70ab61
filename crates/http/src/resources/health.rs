//! Health endpoints for load balancers and orchestrators, outside the versioned API.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(live).service(ready);
}

/// The service's state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// Liveness: the process answers.
///
/// No token and no database: 200 while the process serves requests, for an orchestrator's liveness
/// probe.
#[utoipa::path(tag = "health", operation_id = "check_liveness", responses((status = 200, description = "Alive", body = Health)), security(()))]
#[get("/live")]
async fn live() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers; 503 while it does not, so a load balancer stops sending.
///
/// No token. 200 once the database answers a ping from the pool, for a load balancer's readiness
/// check.
#[utoipa::path(tag = "health", operation_id = "check_readiness", responses((status = 200, description = "Ready", body = Health)), security(()))]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    let db = state.database.pool().clone();
    web::block(move || db.ping())
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))??;
    Ok(web::Json(Health { status: "ok" }))
}
