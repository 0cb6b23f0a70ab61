//! `POST /api/v1/oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4). Errors here
//! follow RFC 6749 §5.2 (`{"error": "invalid_client"}`), not problem+json, because OAuth client
//! libraries parse exactly that shape.

use crate::context::RequestId;
use crate::error::ApiError;
use crate::input::read_body;
use crate::rate_limit::{Limit, Quota};
use crate::record;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use samhandling_auth::CLIENT_SUBJECT_PREFIX;
use samhandling_domain::audit::Actor;
use samhandling_domain::Role;
use samhandling_usecases::api_clients;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the route.
pub fn configure(config: &mut ServiceConfig) {
    config.service(issue_token);
}

/// A token request (form-encoded). The client authenticates with HTTP Basic or with
/// `client_id` and `client_secret` in the form, not both.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    #[schema(value_type = GrantType, required = true)]
    pub grant_type: Option<String>,
    /// The client id, unless sent with HTTP Basic.
    #[schema(nullable = false, max_length = 36)]
    pub client_id: Option<String>,
    /// The client secret, unless sent with HTTP Basic.
    #[schema(nullable = false, max_length = 128)]
    pub client_secret: Option<String>,
    /// Space-separated roles to narrow the token to; all of the client's roles when omitted.
    #[schema(nullable = false, max_length = 256, example = "referrer")]
    pub scope: Option<String>,
}

impl TokenRequest {
    /// Whether a field is longer than its documented `maxLength` (`invalid_request`): a client id
    /// is a UUID, a secret 43 characters, a scope a few role names.
    fn exceeds_limits(&self) -> bool {
        let longer = |field: &Option<String>, max: usize| {
            field.as_ref().is_some_and(|value| value.len() > max)
        };
        longer(&self.client_id, 36) || longer(&self.client_secret, 128) || longer(&self.scope, 256)
    }
}

/// The grants this endpoint supports.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum GrantType {
    /// RFC 6749 §4.4.
    ClientCredentials,
}

/// An issued access token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9...", "token_type": "Bearer", "expires_in": 3600, "scope": "referrer"}))]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// The roles it carries, space-separated.
    pub scope: String,
}

/// An RFC 6749 §5.2 error.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_client", "error_description": "client authentication failed"}))]
pub struct OAuthError {
    /// One of `invalid_request`, `invalid_client`, `unauthorized_client` (awaiting its
    /// organisation's approval), `unsupported_grant_type`, `invalid_scope`.
    pub error: &'static str,
    /// For people.
    pub error_description: String,
}

enum Refusal {
    InvalidRequest(&'static str),
    InvalidClient {
        basic: bool,
    },
    /// Authenticated, but its organisation has not approved it yet.
    UnapprovedClient,
    UnsupportedGrantType,
    InvalidScope,
    Server(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal::Server(error)
    }
}

impl Refusal {
    fn into_response(self) -> Result<HttpResponse, ApiError> {
        let (status, error, description) = match self {
            Refusal::InvalidRequest(description) => {
                (StatusCode::BAD_REQUEST, "invalid_request", description)
            }
            Refusal::InvalidClient { basic } => {
                let mut response = oauth_response(StatusCode::UNAUTHORIZED);
                if basic {
                    response
                        .insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"samhandling\""));
                }
                return Ok(response.json(OAuthError {
                    error: "invalid_client",
                    error_description: "client authentication failed".into(),
                }));
            }
            Refusal::UnapprovedClient => (
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "the client awaits approval by its organisation",
            ),
            Refusal::UnsupportedGrantType => (
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only the client_credentials grant is supported",
            ),
            Refusal::InvalidScope => (
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "scope must name roles the client holds, separated by spaces",
            ),
            Refusal::Server(error) => return Err(error),
        };
        Ok(oauth_response(status).json(OAuthError {
            error,
            error_description: description.to_owned(),
        }))
    }
}

/// RFC 6749 §5.1: token responses must not be cached.
fn oauth_response(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
    response
}

/// Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded).
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, Refusal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let invalid = || Refusal::InvalidClient { basic: true };
    let value = value.to_str().map_err(|_| invalid())?;
    // Another scheme (a bearer token a client library sends everywhere) is no client
    // authentication at all: the form's credentials decide.
    let Some(encoded) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, encoded)| encoded.trim().to_owned())
    else {
        return Ok(None);
    };
    let decoded = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
    let unescape = |part: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={part}"))
            .ok()
            .and_then(|mut pairs| pairs.pop())
            .map(|(_, value)| value)
    };
    Ok(Some((
        unescape(id).ok_or_else(invalid)?,
        unescape(secret).ok_or_else(invalid)?,
    )))
}

fn requested_roles(scope: Option<&str>, granted: &[Role]) -> Result<Vec<Role>, Refusal> {
    let Some(scope) = scope.map(str::trim).filter(|scope| !scope.is_empty()) else {
        return Ok(granted.to_vec());
    };
    let mut roles = Vec::new();
    for name in scope.split(' ').filter(|name| !name.is_empty()) {
        let role: Role = name.parse().map_err(|_| Refusal::InvalidScope)?;
        if !granted.contains(&role) {
            return Err(Refusal::InvalidScope);
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// A hash that no secret matches, verified when the client is unknown so that the answer takes as
/// long as for a known client and client ids cannot be probed by timing.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FtaGFuZGxpbmdzYWx0$0OyVEVZOF7sGHAPiJpGx2pZhfLyiY5lXzMLKgd4xmUI";

/// Obtain an access token (client-credentials grant).
///
/// For registered API clients. Authenticate with HTTP Basic (`client_id:client_secret`) or with
/// `client_id` and `client_secret` in the form. A revoked client is refused with `invalid_client`,
/// one awaiting its organisation's approval with `unauthorized_client`. Requests are limited per
/// address and per client id each hour (`TOKEN_RATE_LIMIT`); a token lasts `TOKEN_TTL`, so
/// request one when the last expires, not per call.
#[utoipa::path(
    tag = "oauth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Issued", body = TokenResponse,
            headers(("RateLimit-Policy" = String, description = "The hourly allowance: `\"hourly\";q=<requests>;w=3600`"),
                ("RateLimit" = String, description = "What is left of it: `\"hourly\";r=<requests>;t=<seconds until it starts over>`"))),
        (status = 400, description = "Malformed request, unsupported grant type or invalid scope", body = OAuthError,
            headers(("RateLimit-Policy" = String, description = "The hourly allowance, once the request was counted (a malformed form is refused before)"),
                ("RateLimit" = String, description = "What is left of it, once the request was counted"))),
        (status = 401, description = "Client authentication failed", body = OAuthError,
            headers(("RateLimit-Policy" = String, description = "The hourly allowance"),
                ("RateLimit" = String, description = "What is left of it"))),
        (status = 429, description = "Too many token requests from this address or for this client; retry after `Retry-After` seconds", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next hour's allowance"),
                ("RateLimit-Policy" = String, description = "The hourly allowance"),
                ("RateLimit" = String, description = "What is left of it: none"))),
    ),
    security(())
)]
#[post("/oauth/token")]
async fn issue_token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    match grant(&req, payload.into_inner(), &state).await {
        Ok(response) => Ok(response),
        Err(refusal) => refusal.into_response(),
    }
}

async fn grant(
    req: &HttpRequest,
    payload: Payload,
    state: &AppState,
) -> Result<HttpResponse, Refusal> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(Refusal::InvalidRequest(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let mut payload = payload;
    let body = read_body(req, &mut payload)
        .await
        .map_err(|_| Refusal::InvalidRequest("the body could not be read or is too large"))?;
    let form: TokenRequest = serde_urlencoded::from_bytes(&body)
        .map_err(|_| Refusal::InvalidRequest("the form is malformed"))?;
    if form.exceeds_limits() {
        return Err(Refusal::InvalidRequest(
            "client_id, client_secret or scope is longer than documented",
        ));
    }
    match form.grant_type.as_deref() {
        None => return Err(Refusal::InvalidRequest("grant_type is required")),
        Some("client_credentials") => {}
        Some(_) => return Err(Refusal::UnsupportedGrantType),
    }
    let basic = basic_credentials(req)?;
    let used_basic = basic.is_some();
    let (client_id, client_secret) = match (basic, form.client_id, form.client_secret) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(Refusal::InvalidRequest(
                "use one client authentication method, not two",
            ))
        }
        (Some(credentials), None, None) => credentials,
        (None, Some(id), Some(secret)) => (id, secret),
        (None, _, _) => return Err(Refusal::InvalidClient { basic: false }),
    };
    let Ok(client_id) = Uuid::parse_str(&client_id) else {
        return Err(Refusal::InvalidClient { basic: used_basic });
    };
    let credentials = Credentials {
        client_id,
        client_secret,
        used_basic,
    };
    issue_for(req, state, credentials, form.scope.as_deref()).await
}

/// What the client presented.
struct Credentials {
    client_id: Uuid,
    client_secret: String,
    used_basic: bool,
}

/// Counts the request against the address's and the client's allowances, then authenticates the
/// client and issues its token ([`authenticate`]); every answer past the count tells what is left.
async fn issue_for(
    req: &HttpRequest,
    state: &AppState,
    credentials: Credentials,
    scope: Option<&str>,
) -> Result<HttpResponse, Refusal> {
    let client_id = credentials.client_id;
    // Counted before any hashing, per address and per client id, in PostgreSQL so that every
    // instance counts alike: a flood is refused for the price of one small upsert.
    let limits = [
        Limit::for_request(
            req,
            state,
            ADDRESS_BUCKET,
            state.policies.token_requests_per_hour,
        )?,
        Limit::for_name(
            state,
            CLIENT_BUCKET,
            state.policies.token_requests_per_hour,
            &client_id.to_string(),
        )?,
    ];
    let quotas = crate::db::run(&state.database, move |conn| {
        limits
            .iter()
            .map(|limit| limit.check(conn))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    // A request counted against the allowance is told what is left of it, refused or not.
    let answer = match authenticate(req, state, credentials, scope).await {
        Ok(issued) => issued,
        Err(Refusal::Server(error)) => return Err(Refusal::Server(error)),
        Err(refusal) => refusal.into_response()?,
    };
    Ok(match Quota::tightest(quotas) {
        Some(quota) => quota.told(answer),
        None => answer,
    })
}

/// Authenticates the client, counted already, and issues its token: the secret, then the
/// client's standing and the requested scope.
async fn authenticate(
    req: &HttpRequest,
    state: &AppState,
    credentials: Credentials,
    scope: Option<&str>,
) -> Result<HttpResponse, Refusal> {
    let Credentials {
        client_id,
        client_secret,
        used_basic,
    } = credentials;
    let invalid_client = Refusal::InvalidClient { basic: used_basic };
    let found = record::load(state, move |conn| api_clients::credentials(conn, client_id)).await?;
    // Verified with no connection held and at most a few hashes at once: Argon2 is meant to be
    // slow, and neither the pool nor the cores may be taken from other requests by it.
    let hash = found
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |found| found.secret_hash.clone());
    let verified = state.hashing.verify(client_secret, hash).await?;
    let Some(found) = found.filter(|found| verified && found.client.revoked_at.is_none()) else {
        return Err(invalid_client);
    };
    if !found.client.is_active() {
        return Err(Refusal::UnapprovedClient);
    }
    let roles = requested_roles(scope, &found.client.roles)?;
    let subject = format!("{CLIENT_SUBJECT_PREFIX}{}", found.client.id);
    let issued = state
        .tokens
        .issue(&subject, found.client.organisation_id, &roles, None)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    // The client acts as itself: it authenticated with its secret, not with a token.
    let actor = Actor {
        actor: subject,
        actor_organisation_id: Some(found.client.organisation_id),
        request_id: req
            .extensions()
            .get::<RequestId>()
            .map_or_else(String::new, |id| id.0.clone()),
        traceparent: None,
        provenance: samhandling_domain::audit::Provenance::default(),
    };
    let id = found.client.id;
    record::operate_as(state, actor, move |ctx| api_clients::token_issued(ctx, id)).await?;
    let scope: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    Ok(oauth_response(StatusCode::OK).json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        scope: scope.join(" "),
    }))
}

/// The rate-limit counters of the token endpoint.
const ADDRESS_BUCKET: &str = "oauth-token-address";
const CLIENT_BUCKET: &str = "oauth-token-client";
