//! `/api/v1/organisations`: the directory of actors. Anyone with a token may read it (it holds no
//! personal data); only administrators register or change organisations, and every change is
//! audited.

use crate::auth::{AdminOnly, Authorized};
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::etag::{IfMatch, IfMatchHeader};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::text::{
    check_municipality_number, check_organisation_number, check_plain_text, Label,
    MunicipalityNumberText, OrganisationNumberText,
};
use actix_web::{get, patch, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_usecases::organisations::{self as usecases, OrganisationFilter};
use samhandling_usecases::organisations::{CreateOrganisation, UpdateOrganisation};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/organisations";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_organisation)
        .service(list_organisations)
        .service(get_organisation)
        .service(update_organisation);
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Only organisations of this kind.
    kind: Option<OrganisationKind>,
    /// Only organisations with this kommunenummer.
    #[validate(custom(function = "check_municipality_number"))]
    #[param(value_type = Option<MunicipalityNumberText>)]
    municipality_number: Option<String>,
    /// Only organisations in this region.
    #[validate(length(min = 1, max = 100), custom(function = "check_plain_text"))]
    #[param(value_type = Option<Label>)]
    region: Option<String>,
    /// Only the organisation with this organisasjonsnummer.
    #[validate(custom(function = "check_organisation_number"))]
    #[param(value_type = Option<OrganisationNumberText>)]
    organisation_number: Option<String>,
}

/// The path of one organisation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrganisationPath {
    /// The organisation's id.
    id: Uuid,
}

/// The rule of [`samhandling_domain::organisation::OrganisationDraft::check`] in JSON Schema terms, merged into the published
/// `CreateOrganisation` schema so that the contract states it too.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "CreateOrganisation",
        serde_json::json!({
            "allOf": [
                {
                    "if": { "properties": { "kind": { "const": "municipality" } }, "required": ["kind"] },
                    "then": {
                        "required": ["municipality_number"],
                        "properties": { "municipality_number": { "type": "string", "maxLength": 4 } }
                    }
                },
                {
                    "if": { "properties": { "kind": { "const": "county_governor" } }, "required": ["kind"] },
                    "else": { "not": { "required": ["county_number"] } }
                }
            ]
        }),
    )]
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Register an organisation.
///
/// Administrators only. Send an `Idempotency-Key` so that a retry cannot register it twice.
#[utoipa::path(
    tag = "organisations",
    params(IdempotencyKeyHeader),
    request_body = CreateOrganisation,
    responses(
        (status = 201, description = "Registered", body = Organisation,
            headers(("Location" = String, description = "The new organisation"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "A municipality with this kommunenummer exists, a county governor for this county_number does, or another organisation has this organisation_number", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
async fn create_organisation(
    caller: Authorized<AdminOnly>,
    key: IdempotencyKey,
    body: ValidJson<CreateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let draft = request.draft();
    key.create_by(&caller, ROUTE, request, move |ctx, _| {
        let id = Uuid::now_v7();
        let organisation = usecases::register(ctx, id, &draft)?;
        Created::new(&organisation, location(id), Some(organisation.version))
    })
    .await
}

/// List organisations.
///
/// In registration order, with keyset pagination.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<Organisation>))
)]
#[get("/organisations")]
async fn list_organisations(
    caller: Authorized,
    query: ValidQuery<OrganisationQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<Organisation>>, ApiError> {
    let query = query.0;
    let filter = OrganisationFilter {
        kind: query.kind,
        municipality_number: usecases::parse_number(query.municipality_number),
        region: query.region,
        organisation_number: usecases::parse_organisation_number(query.organisation_number),
    };
    pagination::list(
        caller.state(),
        move |conn| usecases::list(conn, &filter, page.0),
        |organisation| organisation,
    )
    .await
}

/// Get an organisation.
///
/// Any caller with a token: the directory holds organisations, not people. The answer carries its
/// version in `ETag`, for `If-Match` on a change.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationPath),
    responses((status = 200, description = "The organisation", body = Organisation,
        headers(("ETag" = String, description = "Its version, for If-Match"))))
)]
#[get("/organisations/{id}")]
async fn get_organisation(
    caller: Authorized,
    path: web::Path<OrganisationPath>,
) -> Result<Tagged<Organisation>, ApiError> {
    let id = path.id;
    let organisation = record::read(&caller, ResourceType::Organisation, id, move |conn| {
        usecases::find(conn, id).map(Some)
    })
    .await?;
    Ok(Tagged::new(organisation))
}

/// Change an organisation.
///
/// Administrators only. Send `If-Match` with the `ETag` you read: a change based on an older
/// version is refused with 412 instead of silently overwriting someone else's.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationPath, IfMatchHeader),
    request_body = UpdateOrganisation,
    responses(
        (status = 200, description = "Changed", body = Organisation, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "A municipality with this kommunenummer exists, a county governor for this county_number exists, another organisation has this organisation_number, or the change would leave a municipality without one", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organisations/{id}")]
async fn update_organisation(
    caller: Authorized<AdminOnly>,
    if_match: IfMatch,
    path: web::Path<OrganisationPath>,
    body: ValidJson<UpdateOrganisation>,
) -> Result<Tagged<Organisation>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let precondition = if_match.precondition()?;
    let organisation = record::operate(&caller, ResourceType::Organisation, id, move |ctx| {
        usecases::change(ctx, id, precondition, &request)
    })
    .await?;
    Ok(Tagged::new(organisation))
}
