//! Organisations in storage.

// diesel's `AsChangeset` derive takes `&Option<&str>` for optional borrowed columns.
#![allow(clippy::ref_option_ref)]

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up, OptionalRecord};
use crate::schema::organisations;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationDraft, OrganisationKind, OrganisationNumber,
};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that makes a kommunenummer identify one municipality.
pub const MUNICIPALITY_NUMBER_KEY: &str = "organisations_municipality_number_key";

/// The unique index that gives a county (its `county_number`) one county governor.
pub const COUNTY_GOVERNOR_KEY: &str = "organisations_county_governor_key";

/// The unique index that makes an organisasjonsnummer name one organisation.
pub const ORGANISATION_NUMBER_KEY: &str = "organisations_organisation_number_key";

/// A row as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
struct OrganisationRow {
    id: Uuid,
    kind: String,
    name: String,
    municipality_number: Option<String>,
    county: Option<String>,
    region: Option<String>,
    county_number: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    organisation_number: Option<String>,
}

impl TryFrom<OrganisationRow> for Organisation {
    type Error = StoreError;

    fn try_from(row: OrganisationRow) -> Result<Self, Self::Error> {
        Ok(Organisation {
            id: row.id,
            kind: parse_stored(&row.kind)?,
            name: row.name,
            municipality_number: row
                .municipality_number
                .map(MunicipalityNumber::try_from)
                .transpose()
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            county: row.county,
            region: row.region,
            county_number: row.county_number,
            organisation_number: row
                .organisation_number
                .map(OrganisationNumber::try_from)
                .transpose()
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The columns a client sets, for insert and update alike.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = organisations, treat_none_as_null = true)]
struct OrganisationFields<'a> {
    kind: &'a str,
    name: &'a str,
    municipality_number: Option<&'a str>,
    county: Option<&'a str>,
    region: Option<&'a str>,
    county_number: Option<&'a str>,
    organisation_number: Option<&'a str>,
}

impl<'a> From<&'a OrganisationDraft> for OrganisationFields<'a> {
    fn from(draft: &'a OrganisationDraft) -> Self {
        OrganisationFields {
            kind: draft.kind.as_str(),
            name: &draft.name,
            municipality_number: draft
                .municipality_number
                .as_ref()
                .map(MunicipalityNumber::as_str),
            county: draft.county.as_deref(),
            region: draft.region.as_deref(),
            county_number: draft.county_number.as_deref(),
            organisation_number: draft
                .organisation_number
                .as_ref()
                .map(OrganisationNumber::as_str),
        }
    }
}

/// Filters for listing; each is optional, and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationFilter {
    /// Only this kind.
    pub kind: Option<OrganisationKind>,
    /// Only this kommunenummer.
    pub municipality_number: Option<MunicipalityNumber>,
    /// Only this region.
    pub region: Option<String>,
    /// Only the organisation with this organisasjonsnummer.
    pub organisation_number: Option<OrganisationNumber>,
}

/// Stores a new organisation with the given id.
pub fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    draft: &OrganisationDraft,
) -> Result<Organisation, StoreError> {
    let row: OrganisationRow = diesel::insert_into(organisations::table)
        .values((organisations::id.eq(id), OrganisationFields::from(draft)))
        .returning(OrganisationRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

find_and_lock! {
    /// Finds an organisation by id.
    fn find / find_for_update(id: Uuid) -> Organisation {
        organisations::table
            .find(id)
            .select(OrganisationRow::as_select())
    }
    /// For read-modify-write.
}

/// Finds a municipality by its kommunenummer.
pub fn find_municipality(
    conn: &mut PgConnection,
    number: &MunicipalityNumber,
) -> Result<Option<Organisation>, StoreError> {
    organisations::table
        .filter(organisations::kind.eq(OrganisationKind::Municipality.as_str()))
        .filter(organisations::municipality_number.eq(number.as_str()))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional_record()
}

/// Finds the organisation an organisasjonsnummer names: how a token from Maskinporten or HelseID,
/// which knows organisations only by their numbers, is tied to one here.
pub fn find_by_organisation_number(
    conn: &mut PgConnection,
    number: &OrganisationNumber,
) -> Result<Option<Organisation>, StoreError> {
    organisations::table
        .filter(organisations::organisation_number.eq(number.as_str()))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional_record()
}

/// Finds an organisation of another kind by its exact name; how `demo-data` stays idempotent.
pub fn find_by_kind_and_name(
    conn: &mut PgConnection,
    kind: OrganisationKind,
    name: &str,
) -> Result<Option<Organisation>, StoreError> {
    organisations::table
        .filter(organisations::kind.eq(kind.as_str()))
        .filter(organisations::name.eq(name))
        .select(OrganisationRow::as_select())
        .order((organisations::created_at, organisations::id))
        .first(conn)
        .optional_record()
}

/// One page of organisations in `(created_at, id)` order.
pub fn list(
    conn: &mut PgConnection,
    filter: &OrganisationFilter,
    page: PageRequest,
) -> Result<Page<Organisation>, StoreError> {
    let mut query = created_order!(organisations, OrganisationRow);
    if let Some(kind) = filter.kind {
        query = query.filter(organisations::kind.eq(kind.as_str()));
    }
    if let Some(number) = &filter.municipality_number {
        query = query.filter(organisations::municipality_number.eq(number.as_str().to_owned()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(organisations::region.eq(region.clone()));
    }
    if let Some(number) = &filter.organisation_number {
        query = query.filter(organisations::organisation_number.eq(number.as_str().to_owned()));
    }
    pagination::load_created_page::<_, OrganisationRow, Organisation>(conn, query, page)
}

/// Replaces the client-set fields, bumping the version.
pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    draft: &OrganisationDraft,
) -> Result<Organisation, StoreError> {
    let row: OrganisationRow = diesel::update(organisations::table.find(id))
        .set((
            OrganisationFields::from(draft),
            one_version_up!(organisations),
        ))
        .returning(OrganisationRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}
