//! `/api/v1/organisations`: the directory of actors. Anyone with a token may read it (it holds no
//! personal data); only administrators register or change organisations, and every change is
//! audited.

use crate::auth::{AdminOnly, Authorized};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader};
use crate::etag::{Tagged, Versioned};
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use crate::text::{
    check_municipality_number, check_plain_text, present, Label, MunicipalityNumberText, Name,
};
use actix_web::{get, patch, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationChanges, OrganisationDraft, OrganisationKind,
};
use samhandling_usecases::organisations::{self as usecases, OrganisationFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_organisation)
        .service(list_organisations)
        .service(get_organisation)
        .service(update_organisation);
}

/// A new organisation.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "municipality",
    "name": "Stjørdal kommune",
    "municipality_number": "5035",
    "county": "Trøndelag",
    "region": "Værnesregionen"
}))]
pub struct CreateOrganisation {
    /// What sort of actor it is; cannot be changed later.
    pub kind: OrganisationKind,
    /// Display name.
    pub name: Name,
    /// Kommunenummer; required when `kind` is `municipality`.
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>)]
    pub municipality_number: Option<String>,
    /// Fylke.
    pub county: Option<Label>,
    /// Inter-municipal region, e.g. Værnesregionen.
    pub region: Option<Label>,
    /// For a county governor: the fylkesnummer of the county it covers (`50` for Trøndelag).
    /// It acts on dialogue meetings with the municipalities whose kommunenummer starts with it.
    #[validate(custom(function = "check_county_number"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", example = "50")]
    pub county_number: Option<String>,
}

/// A validator check: a fylkesnummer (two ASCII digits).
fn check_county_number(value: &str) -> Result<(), validator::ValidationError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(
            validator::ValidationError::new("county_number").with_message(
                std::borrow::Cow::Borrowed("a fylkesnummer is exactly two digits"),
            ),
        )
    }
}

/// A change to an organisation (JSON merge patch): omitted fields stay, `null` clears an optional
/// field. The kind cannot be changed.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"region": "Værnesregionen"}))]
pub struct UpdateOrganisation {
    /// New display name.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(required = false, nullable = false)]
    pub name: Option<Name>,
    /// New kommunenummer, or `null` to clear it (not for municipalities).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>, nullable = true)]
    pub municipality_number: Option<Option<String>>,
    /// New county, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub county: Option<Option<Label>>,
    /// New region, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub region: Option<Option<Label>>,
    /// New county number (county governors only), or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "check_county_number"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", nullable = true)]
    pub county_number: Option<Option<String>>,
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
}

/// The path of one organisation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrganisationPath {
    /// The organisation's id.
    id: Uuid,
}

fn parse_number(value: Option<String>) -> Option<MunicipalityNumber> {
    // Already validated: conversion cannot fail here, and `None` would only drop an invalid value.
    value.and_then(|number| MunicipalityNumber::try_from(number).ok())
}

/// The rule of [`OrganisationDraft::check`] in JSON Schema terms, merged into the published
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
                        "properties": { "municipality_number": { "type": "string" } }
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
    format!("/api/v1/organisations/{id}")
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
        (status = 409, description = "A municipality with this kommunenummer exists, or a county governor for this county_number does", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/organisations")]
async fn create_organisation(
    caller: Authorized<AdminOnly>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let draft = OrganisationDraft {
        kind: request.kind,
        name: request.name.to_string(),
        municipality_number: parse_number(request.municipality_number.clone()),
        county: request.county.clone().map(String::from),
        region: request.region.clone().map(String::from),
        county_number: request.county_number.clone(),
    };
    idempotency::create_by(
        &state,
        &caller,
        key,
        "/api/v1/organisations",
        &request,
        move |ctx| {
            let id = Uuid::now_v7();
            let organisation = usecases::register(ctx, id, &draft)?;
            Created::new(&organisation, location(id), Some(organisation.version))
        },
    )
    .await
}

/// List organisations.
///
/// In registration order, with keyset pagination.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<Organisation>)),
    security(("bearer" = []))
)]
#[get("/organisations")]
async fn list_organisations(
    _caller: Authorized,
    state: web::Data<AppState>,
    query: ValidQuery<OrganisationQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<Organisation>>, ApiError> {
    let query = query.0;
    let filter = OrganisationFilter {
        kind: query.kind,
        municipality_number: parse_number(query.municipality_number),
        region: query.region,
    };
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list(conn, &filter, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(
        &state,
        found,
        |organisation| organisation,
    )?))
}

/// Get an organisation.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationPath),
    responses((status = 200, description = "The organisation", body = Organisation,
        headers(("ETag" = String, description = "Its version, for If-Match")))),
    security(("bearer" = []))
)]
#[get("/organisations/{id}")]
async fn get_organisation(
    caller: Authorized,
    state: web::Data<AppState>,
    path: web::Path<OrganisationPath>,
) -> Result<Tagged<Organisation>, ApiError> {
    let id = path.id;
    let organisation = record::read(
        &state,
        &caller,
        ResourceType::Organisation,
        id,
        move |conn| Ok(Some(usecases::find(conn, id)?)),
    )
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
        (status = 409, description = "A municipality with this kommunenummer exists, a county governor for this county_number exists, or the change would leave a municipality without one", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/organisations/{id}")]
async fn update_organisation(
    caller: Authorized<AdminOnly>,
    if_match: IfMatch,
    state: web::Data<AppState>,
    path: web::Path<OrganisationPath>,
    body: ValidJson<UpdateOrganisation>,
) -> Result<Tagged<Organisation>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let precondition = if_match.precondition()?;
    let changes = OrganisationChanges {
        name: request.name.map(String::from),
        municipality_number: request.municipality_number.map(parse_number),
        county: request.county.map(|inner| inner.map(String::from)),
        region: request.region.map(|inner| inner.map(String::from)),
        county_number: request.county_number,
    };
    let organisation = record::operate(
        &state,
        &caller,
        ResourceType::Organisation,
        id,
        move |ctx| usecases::change(ctx, id, precondition, changes),
    )
    .await?;
    Ok(Tagged::new(organisation))
}

impl Versioned for Organisation {
    fn version(&self) -> i32 {
        self.version
    }
}
