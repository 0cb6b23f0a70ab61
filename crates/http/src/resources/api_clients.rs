//! `/api/v1/api-clients`: administrators register the systems that integrate with Samhandling.
//! The secret is shown once, in the response to registration, and stored only as a hash.

use crate::auth::{AdminOnly, Authorized, Policy};
use crate::error::ApiError;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, post, web, HttpResponse};
use samhandling_auth::secrets;
use samhandling_domain::api_client::ApiClient;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::Role;
use samhandling_usecases::api_clients::{self as usecases, ClientScope, CreateApiClient};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_api_client)
        .service(list_api_clients)
        .service(get_api_client)
        .service(revoke_api_client)
        .service(approve_api_client);
}

/// Who answers for an API client: administrators register and revoke; the coordinators of the
/// organisation it acts for see it and approve it when it would read their personal data.
#[derive(Debug)]
pub struct ClientStewards;
impl Policy for ClientStewards {
    const ROLES: &'static [Role] = &[Role::Admin, Role::CentreCoordinator];
}

/// The coordinators of the organisation whose personal data a client would read.
#[derive(Debug)]
pub struct DataOwners;
impl Policy for DataOwners {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator];
}

/// A registered client with its secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a62",
    "organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61",
    "name": "Stjørdal fagsystem",
    "roles": ["referrer"],
    "created_at": "2026-11-23T10:00:00Z",
    "revoked_at": null,
    "client_secret": "q7Vh2m0Xw1fYk3c9Zr5Ls8Tn4Pb6Jd0Ae2Gu7Ni1Ko"
}))]
pub struct RegisteredApiClient {
    /// The client, as later reads show it.
    #[serde(flatten)]
    pub client: ApiClient,
    /// The secret for the client-credentials grant. Shown once: store it now. A replay of the
    /// registration (same Idempotency-Key) returns `null` here, as the secret is kept only hashed.
    pub client_secret: Option<String>,
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiClientQuery {
    /// Only clients of this organisation.
    organisation_id: Option<Uuid>,
}

/// The path of one client.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApiClientPath {
    /// The client's id.
    id: Uuid,
}

/// Register an API client.
///
/// Administrators only. The response holds `client_secret`, shown this once. The roles must fit
/// the organisation's kind (a NAV office cannot hold `centre_coordinator`). A client whose roles
/// read personal data (`centre_coordinator`) is registered `pending`: it obtains no token until a
/// coordinator of its organisation approves it with `POST /api/v1/api-clients/{id}/approval`.
#[utoipa::path(
    tag = "api-clients",
    params(IdempotencyKeyHeader),
    request_body = CreateApiClient,
    responses(
        (status = 201, description = "Registered", body = RegisteredApiClient,
            headers(("Location" = String, description = "The new client"))),
        (status = 404, description = "No organisation has this `organisation_id`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-clients")]
async fn create_api_client(
    caller: Authorized<AdminOnly>,
    key: IdempotencyKey,
    body: ValidJson<CreateApiClient>,
) -> Result<HttpResponse, ApiError> {
    let mut request = body.into_inner();
    request.roles.sort();
    request.roles.dedup();
    let secret = secrets::generate();
    let secret_hash = web::block({
        let secret = secret.clone();
        move || secrets::hash(&secret)
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let path = "/api/v1/api-clients";
    key.create_by(&caller, path, request, move |ctx, request| {
        let id = Uuid::now_v7();
        let client = usecases::register(ctx, id, &request, &secret_hash)?;
        let shown = |client_secret| RegisteredApiClient {
            client: client.clone(),
            client_secret,
        };
        Created::showing_once(secret, shown, |body| {
            Created::new(body, format!("{path}/{id}"), None)
        })
    })
    .await
}

/// List API clients.
///
/// Administrators see every organisation's clients (or those of `organisation_id`); a centre's
/// coordinators see their own organisation's, and none when they ask for another's. Never a secret.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<ApiClient>))
)]
#[get("/api-clients")]
async fn list_api_clients(
    caller: Authorized<ClientStewards>,
    query: ValidQuery<ApiClientQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<ApiClient>>, ApiError> {
    let Some(scope) = ClientScope::of(&caller.caller).asking(query.0.organisation_id) else {
        // A coordinator asking for another organisation's clients sees none.
        return Ok(web::Json(Paginated {
            items: Vec::new(),
            next_cursor: None,
        }));
    };
    pagination::list(
        caller.state(),
        move |conn| usecases::list(conn, scope, page.0),
        |client| client,
    )
    .await
}

/// Get an API client.
///
/// Administrators read any client; a centre's coordinators their own organisation's (404 for
/// another's). Never its secret.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientPath),
    responses((status = 200, description = "The client; never its secret", body = ApiClient))
)]
#[get("/api-clients/{id}")]
async fn get_api_client(
    caller: Authorized<ClientStewards>,
    path: web::Path<ApiClientPath>,
) -> Result<web::Json<ApiClient>, ApiError> {
    let id = path.id;
    let scope = ClientScope::of(&caller.caller);
    let client = record::read(&caller, ResourceType::ApiClient, id, move |conn| {
        usecases::find(conn, scope, id).map(Some)
    })
    .await?;
    Ok(web::Json(client))
}

/// Revoke an API client.
///
/// From now on it obtains no tokens, and the tokens it already holds stop working within a few
/// seconds on every instance. Revoking twice is harmless.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientPath),
    responses((status = 200, description = "Revoked", body = ApiClient))
)]
#[post("/api-clients/{id}/revoke")]
async fn revoke_api_client(
    caller: Authorized<AdminOnly>,
    path: web::Path<ApiClientPath>,
) -> Result<web::Json<ApiClient>, ApiError> {
    let id = path.id;
    let client = record::operate(&caller, ResourceType::ApiClient, id, move |ctx| {
        usecases::revoke(ctx, id)
    })
    .await?;
    Ok(web::Json(client))
}

/// Approve an API client to read your organisation's personal data.
///
/// For the coordinators of the organisation the client acts for. A client registered with a
/// role that reads personal data obtains tokens only after this. Approving twice is harmless; a
/// revoked client cannot be approved. Another organisation's client: 404.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientPath),
    responses(
        (status = 200, description = "Approved", body = ApiClient),
        (status = 409, description = "The client is revoked", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-clients/{id}/approval")]
async fn approve_api_client(
    caller: Authorized<DataOwners>,
    path: web::Path<ApiClientPath>,
) -> Result<web::Json<ApiClient>, ApiError> {
    let id = path.id;
    let organisation_id = caller.caller.organisation_id;
    let approver = caller.caller.subject.clone();
    let client = record::operate(&caller, ResourceType::ApiClient, id, move |ctx| {
        usecases::approve(ctx, organisation_id, &approver, id)
    })
    .await?;
    Ok(web::Json(client))
}
