//! `GET /api/v1/audit-events`: the trail of who did what, for administrators answering a
//! supervisory authority or a person's request to know who saw their data.

use crate::auth::{AdminOnly, Authorized};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::text::{
    check_issuer_url, check_organisation_number, check_plain_text, IssuerUrl,
    OrganisationNumberText, Subject,
};
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, AuditEvent, AuditFilter, ResourceType};
use samhandling_usecases::audit;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the route.
pub fn configure(config: &mut ServiceConfig) {
    config.service(list_audit_events);
}

/// Filters; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditEventQuery {
    /// Only events by this token subject.
    #[validate(length(min = 1, max = 255), custom(function = "check_plain_text"))]
    #[param(value_type = Option<Subject>)]
    actor: Option<String>,
    /// Only events by callers acting for this organisation.
    actor_organisation_id: Option<Uuid>,
    /// Only this action.
    action: Option<AuditAction>,
    /// Only this kind of record.
    resource_type: Option<ResourceType>,
    /// Only this record.
    resource_id: Option<Uuid>,
    /// Only events at or after this time (RFC 3339).
    #[serde(
        default,
        deserialize_with = "samhandling_usecases::input::optional_timestamp"
    )]
    occurred_after: Option<DateTime<Utc>>,
    /// Only events before this time (RFC 3339).
    #[serde(
        default,
        deserialize_with = "samhandling_usecases::input::optional_timestamp"
    )]
    occurred_before: Option<DateTime<Utc>>,
    /// Only events by callers whose token (a trusted issuer's) named this organisation number.
    #[validate(custom(function = "check_organisation_number"))]
    #[param(value_type = Option<OrganisationNumberText>)]
    actor_organisation_number: Option<String>,
    /// Only events by callers for whom this supplier (a vendor's organisation number) acted.
    #[validate(custom(function = "check_organisation_number"))]
    #[param(value_type = Option<OrganisationNumberText>)]
    actor_supplier_number: Option<String>,
    /// Only events by callers whose token this issuer (its `iss`) signed.
    #[validate(length(min = 8, max = 255), custom(function = "check_issuer_url"))]
    #[param(value_type = Option<IssuerUrl>)]
    actor_issuer: Option<String>,
}

/// List audit events.
///
/// Administrators only. Oldest first, with keyset pagination.
#[utoipa::path(
    tag = "audit-events",
    params(AuditEventQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<AuditEvent>))
)]
#[get("/audit-events")]
async fn list_audit_events(
    caller: Authorized<AdminOnly>,
    query: ValidQuery<AuditEventQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<AuditEvent>>, ApiError> {
    let query = query.0;
    let filter = AuditFilter {
        actor: query.actor,
        actor_organisation_id: query.actor_organisation_id,
        action: query.action,
        resource_type: query.resource_type,
        resource_id: query.resource_id,
        occurred_after: query.occurred_after,
        occurred_before: query.occurred_before,
        actor_organisation_number: query.actor_organisation_number,
        actor_supplier_number: query.actor_supplier_number,
        actor_issuer: query.actor_issuer,
    };
    pagination::list(
        caller.state(),
        move |conn| audit::events(conn, &filter, page.0),
        |event| event,
    )
    .await
}
