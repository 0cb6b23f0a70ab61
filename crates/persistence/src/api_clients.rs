//! API clients in storage. The secret hash leaves this module only for verification.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::OptionalRecord;
use crate::schema::api_clients;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use samhandling_domain::api_client::{needs_approval, ApiClient, Approval};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::{OrganisationId, Role};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = api_clients, check_for_backend(diesel::pg::Pg))]
struct ApiClientRow {
    id: Uuid,
    organisation_id: Uuid,
    name: String,
    roles: Vec<Option<String>>,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
}

impl TryFrom<ApiClientRow> for ApiClient {
    type Error = StoreError;

    fn try_from(row: ApiClientRow) -> Result<Self, Self::Error> {
        let roles = row
            .roles
            .iter()
            .flatten()
            .map(|role| parse_stored::<Role>(role))
            .collect::<Result<Vec<_>, _>>()?;
        let approval = match (needs_approval(&roles), row.approved_at) {
            (false, _) => Approval::NotNeeded,
            (true, None) => Approval::Pending,
            (true, Some(_)) => Approval::Approved,
        };
        Ok(ApiClient {
            id: row.id,
            organisation_id: row.organisation_id,
            name: row.name,
            roles,
            created_at: row.created_at,
            approval,
            approved_at: row.approved_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// What registering a client stores.
#[derive(Debug)]
pub struct NewApiClient<'a> {
    /// The client id.
    pub id: Uuid,
    /// The organisation its tokens act for.
    pub organisation_id: Uuid,
    /// Its display name.
    pub name: &'a str,
    /// Its roles, already checked.
    pub roles: &'a [Role],
    /// The Argon2 PHC string of its secret.
    pub secret_hash: &'a str,
}

/// A client together with its secret hash, for the token endpoint only.
#[derive(Debug)]
pub struct ApiClientCredentials {
    /// The client.
    pub client: ApiClient,
    /// The Argon2 PHC string to verify a presented secret against.
    pub secret_hash: String,
}

/// Stores a new client.
pub fn insert(conn: &mut PgConnection, new: &NewApiClient<'_>) -> Result<ApiClient, StoreError> {
    let roles: Vec<&str> = new.roles.iter().map(|role| role.as_str()).collect();
    let row: ApiClientRow = diesel::insert_into(api_clients::table)
        .values((
            api_clients::id.eq(new.id),
            api_clients::organisation_id.eq(new.organisation_id),
            api_clients::name.eq(new.name),
            api_clients::roles.eq(roles),
            api_clients::secret_hash.eq(new.secret_hash),
            // Approved by registering it unless its roles read personal data.
            api_clients::approved_at.eq((!needs_approval(new.roles)).then(Utc::now)),
        ))
        .returning(ApiClientRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Finds a client by id.
pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<ApiClient>, StoreError> {
    api_clients::table
        .find(id)
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional_record()
}

/// Finds a client and its secret hash, to authenticate it.
pub fn find_credentials(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<ApiClientCredentials>, StoreError> {
    let found: Option<(ApiClientRow, String)> = api_clients::table
        .find(id)
        .select((ApiClientRow::as_select(), api_clients::secret_hash))
        .first(conn)
        .optional()?;
    found
        .map(|(row, secret_hash)| {
            Ok(ApiClientCredentials {
                client: row.try_into()?,
                secret_hash,
            })
        })
        .transpose()
}

/// One page of clients in `(created_at, id)` order, optionally of one organisation.
pub fn list(
    conn: &mut PgConnection,
    organisation_id: Option<Uuid>,
    page: PageRequest,
) -> Result<Page<ApiClient>, StoreError> {
    let mut query = created_order!(api_clients, ApiClientRow);
    if let Some(organisation_id) = organisation_id {
        query = query.filter(api_clients::organisation_id.eq(organisation_id));
    }
    pagination::load_created_page::<_, ApiClientRow, ApiClient>(conn, query, page)
}

/// Revokes a client; revoking twice keeps the first time. `None` when there is no such client.
pub fn revoke(conn: &mut PgConnection, id: Uuid) -> Result<Option<ApiClient>, StoreError> {
    diesel::update(api_clients::table.find(id))
        .set(api_clients::revoked_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(revoked_at, now())")))
        .returning(ApiClientRow::as_returning())
        .get_result(conn)
        .optional_record()
}

/// Records that `organisation_id` approved the client, once; approving again keeps the first
/// time. `None` when the organisation has no such client.
pub fn approve(
    conn: &mut PgConnection,
    id: Uuid,
    organisation_id: OrganisationId,
    approved_by: &str,
) -> Result<Option<ApiClient>, StoreError> {
    diesel::update(
        api_clients::table
            .find(id)
            .filter(api_clients::organisation_id.eq(organisation_id.uuid())),
    )
    .set((
        api_clients::approved_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(approved_at, now())")),
        api_clients::approved_by.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        >("coalesce(approved_by, ")
        .bind::<diesel::sql_types::Text, _>(approved_by)
        .sql(")")),
    ))
    .returning(ApiClientRow::as_returning())
    .get_result(conn)
    .optional_record()
}
