//! The organisation directory: an administrator (or the demo loader, as the system) registers
//! organisations and changes them. A municipality's kommunenummer and a county governor's county
//! are each held by one organisation.

use crate::input::{
    check_municipality_number, check_organisation_number, Label, MunicipalityNumberText, Name,
    OrganisationNumberText,
};
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::organisation::{MunicipalityNumber, OrganisationKind, OrganisationNumber};
use samhandling_domain::organisation::{Organisation, OrganisationChanges, OrganisationDraft};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::organisations::{
    self as store, COUNTY_GOVERNOR_KEY, MUNICIPALITY_NUMBER_KEY, ORGANISATION_NUMBER_KEY,
};
use samhandling_persistence::{PgConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::organisations::OrganisationFilter;

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
    #[validate(custom(function = "crate::input::check_county_number"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", max_length = 2, example = "50")]
    pub county_number: Option<String>,
    /// Organisasjonsnummer (nine digits, Brønnøysund's modulus-11 check digit last), unique. Tokens
    /// from Maskinporten and HelseID name the organisation by it.
    #[validate(custom(function = "check_organisation_number"))]
    #[schema(value_type = Option<OrganisationNumberText>)]
    pub organisation_number: Option<String>,
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
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(required = false, nullable = false)]
    pub name: Option<Name>,
    /// New kommunenummer, or `null` to clear it (not for municipalities).
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>, nullable = true)]
    pub municipality_number: Option<Option<String>>,
    /// New county, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub county: Option<Option<Label>>,
    /// New region, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub region: Option<Option<Label>>,
    /// New county number (county governors only), or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "crate::input::check_county_number"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{2}$", max_length = 2, nullable = true)]
    pub county_number: Option<Option<String>>,
    /// New organisasjonsnummer, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "check_organisation_number"))]
    #[schema(value_type = Option<OrganisationNumberText>, nullable = true)]
    pub organisation_number: Option<Option<String>>,
}

impl CreateOrganisation {
    /// The draft to register: the fields checked already, the kommunenummer read.
    pub fn draft(&self) -> OrganisationDraft {
        OrganisationDraft {
            kind: self.kind,
            name: self.name.to_string(),
            municipality_number: parse_number(self.municipality_number.clone()),
            county: self.county.as_ref().map(ToString::to_string),
            region: self.region.as_ref().map(ToString::to_string),
            county_number: self.county_number.clone(),
            organisation_number: parse_organisation_number(self.organisation_number.clone()),
        }
    }
}

/// A kommunenummer already validated (`check_municipality_number`): reading it cannot fail,
/// and `None` would only drop an invalid value.
pub fn parse_number(value: Option<String>) -> Option<MunicipalityNumber> {
    value.and_then(|number| MunicipalityNumber::try_from(number).ok())
}

/// An organisasjonsnummer already validated (`check_organisation_number`): reading it cannot fail,
/// and `None` would only drop an invalid value.
pub fn parse_organisation_number(value: Option<String>) -> Option<OrganisationNumber> {
    value.and_then(|number| number.parse().ok())
}

/// The conflict of a number another organisation holds: a municipality's kommunenummer, a
/// county governor's county, or an organisasjonsnummer.
fn number_taken(error: StoreError) -> UseCaseError {
    match &error {
        StoreError::UniqueViolation(index) if index == ORGANISATION_NUMBER_KEY => {
            UseCaseError::unique(
                ORGANISATION_NUMBER_KEY,
                "an organisation with this organisation_number is already registered",
            )(error)
        }
        StoreError::UniqueViolation(index) if index == COUNTY_GOVERNOR_KEY => UseCaseError::unique(
            COUNTY_GOVERNOR_KEY,
            "a county governor for this county_number is already registered",
        )(error),
        _ => UseCaseError::unique(
            MUNICIPALITY_NUMBER_KEY,
            "a municipality with this municipality_number is already registered",
        )(error),
    }
}

/// Registers the organisation `id` from `draft`, whose kind decides what it must name.
pub fn register(
    ctx: &mut Context<'_>,
    id: Uuid,
    draft: &OrganisationDraft,
) -> Result<Organisation, UseCaseError> {
    draft
        .check()
        .map_err(|rule| FieldRefusal::new(rule.field(), "required", rule.to_string()))?;
    let organisation = store::insert(ctx.conn(), id, draft).map_err(number_taken)?;
    ctx.audit(AuditAction::Created, ResourceType::Organisation, id)?;
    Ok(organisation)
}

/// Changes the organisation `id` as of the version the caller read. A change that would leave
/// it without what its stored kind needs is a conflict with its current state.
pub fn change(
    ctx: &mut Context<'_>,
    id: Uuid,
    read: Precondition,
    request: &UpdateOrganisation,
) -> Result<Organisation, UseCaseError> {
    let changes = OrganisationChanges {
        name: request.name.as_ref().map(ToString::to_string),
        municipality_number: request.municipality_number.clone().map(parse_number),
        county: (request.county.as_ref()).map(|inner| inner.as_ref().map(ToString::to_string)),
        region: (request.region.as_ref()).map(|inner| inner.as_ref().map(ToString::to_string)),
        county_number: request.county_number.clone(),
        organisation_number: request
            .organisation_number
            .clone()
            .map(parse_organisation_number),
    };
    let current = store::find_for_update(ctx.conn(), id)?.ok_or(UseCaseError::NotFound)?;
    read.check(current.version)?;
    let draft = OrganisationDraft::from(current)
        .apply(changes)
        .map_err(|rule| UseCaseError::Conflict(format!("{rule}: the change cannot clear it")))?;
    let updated = store::update(ctx.conn(), id, &draft).map_err(number_taken)?;
    ctx.audit(AuditAction::Updated, ResourceType::Organisation, id)?;
    Ok(updated)
}

/// A page of the organisations `filter` admits, in registration order. The directory holds no
/// personal data: anyone with a token reads all of it.
pub fn list(
    conn: &mut PgConnection,
    filter: &OrganisationFilter,
    page: PageRequest,
) -> Result<Page<Organisation>, UseCaseError> {
    Ok(store::list(conn, filter, page)?)
}

/// The organisation `id`.
pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Organisation, UseCaseError> {
    store::find(conn, id)?.ok_or(UseCaseError::NotFound)
}
