//! Idempotent creation, written once for every creating POST. Integrating systems retry on network
//! failure; with the same `Idempotency-Key` and body they get the first response again (same
//! status, same id), with a different body a 422. Keys live in PostgreSQL next to the records, so
//! every instance honours them, and the key is claimed in the creation's own transaction.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::Caller;
use samhandling_persistence::idempotency::{self, Claim, KeyScope, NewKey, StoredResponse};
use samhandling_persistence::PgConnection;
use samhandling_usecases::{Context, SystemClock};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use uuid::Uuid;

/// The request header naming the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a replayed response, so a client can tell it from a fresh one.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The `Idempotency-Key` header of a creating POST, as documented.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// Makes a retry safe: the same key and body return the first response again; the same key
    /// with another body is 422. Keys are per caller and remembered for 24 hours.
    #[param(
        rename = "Idempotency-Key",
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]+$",
        nullable = false
    )]
    pub idempotency_key: Option<String>,
}

/// The `Idempotency-Key` of a public operation: a UUID, so that keys of strangers sharing an
/// address cannot meet by accident, and a guess at someone else's key is hopeless.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct PublicIdempotencyKeyHeader {
    /// Makes a retry safe: the same key and body return the first response again. A UUID, per
    /// client address, remembered for 24 hours.
    #[param(rename = "Idempotency-Key", format = Uuid, nullable = false)]
    pub idempotency_key: Option<String>,
}

/// The client's `Idempotency-Key`, if it sent one: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    /// The key if it is a UUID (or absent); 400 otherwise. For public operations.
    pub fn uuid_only(self) -> Result<IdempotencyKey, ApiError> {
        match &self.0 {
            Some(key) if Uuid::parse_str(key).is_err() => {
                Err(ApiError::bad_request("Idempotency-Key must be a UUID here"))
            }
            _ => Ok(self),
        }
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(IDEMPOTENCY_KEY) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => value
                .to_str()
                .ok()
                .filter(|key| {
                    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
                })
                .map(|key| IdempotencyKey(Some(key.to_owned())))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    )
                }),
        };
        std::future::ready(result)
    }
}

/// What a creating (or otherwise unrepeatable) POST produced.
#[derive(Debug)]
pub struct Created {
    /// The status to answer with: 201, or 202 for work accepted but not addressable.
    pub status: StatusCode,
    /// The representation sent to the client.
    pub body: serde_json::Value,
    /// What is kept for replays, when it must differ from `body` (a secret shown once is never
    /// stored in clear text).
    pub replay_body: Option<serde_json::Value>,
    /// The new resource's path, when the caller may read it.
    pub location: Option<String>,
    /// The new resource's version, for the `ETag`.
    pub version: Option<i32>,
}

impl Created {
    /// A created resource at `location`.
    pub fn new(
        resource: &impl Serialize,
        location: String,
        version: Option<i32>,
    ) -> Result<Created, ApiError> {
        Ok(Created {
            status: StatusCode::CREATED,
            body: to_json(resource)?,
            replay_body: None,
            location: Some(location),
            version,
        })
    }

    /// Keeps `body` for replays instead of the response: for a secret shown once, which must not
    /// be stored in clear text.
    pub fn replaying(mut self, body: &impl Serialize) -> Result<Created, ApiError> {
        self.replay_body = Some(to_json(body)?);
        Ok(self)
    }

    /// The answer `answer` makes of `shown(Some(secret))`, kept for replays as `shown(None)`: a
    /// secret is shown once, and never stored in clear text.
    pub fn showing_once<B: Serialize>(
        secret: String,
        shown: impl Fn(Option<String>) -> B,
        answer: impl FnOnce(&B) -> Result<Created, ApiError>,
    ) -> Result<Created, ApiError> {
        answer(&shown(Some(secret)))?.replaying(&shown(None))
    }

    /// An action done (200) with its result, for a POST that must not be repeated by a retry
    /// (a replay, a secret rotation) but creates nothing addressable.
    pub fn done(body: &impl Serialize) -> Result<Created, ApiError> {
        Ok(Created {
            status: StatusCode::OK,
            body: to_json(body)?,
            replay_body: None,
            location: None,
            version: None,
        })
    }

    /// Work accepted (202) with a body and nothing the caller can fetch.
    pub fn accepted(body: &impl Serialize) -> Result<Created, ApiError> {
        Ok(Created {
            status: StatusCode::ACCEPTED,
            body: to_json(body)?,
            replay_body: None,
            location: None,
            version: None,
        })
    }
}

fn to_json(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|error| ApiError::Internal(format!("serialising a response failed: {error}")))
}

/// A fingerprint of the request: the path and the parsed body, so whitespace does not matter but
/// any change of content does.
fn fingerprint(path: &str, request: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    let mut hasher = Sha256::new();
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(
        serde_json::to_vec(request).map_err(|error| ApiError::Internal(error.to_string()))?,
    );
    Ok(hasher.finalize().to_vec())
}

fn headers_of(created: &Created) -> serde_json::Value {
    let mut headers = serde_json::Map::new();
    headers.insert(
        header::LOCATION.as_str().to_owned(),
        created.location.clone().into(),
    );
    if let Some(version) = created.version {
        headers.insert(
            header::ETAG.as_str().to_owned(),
            crate::etag::etag(version).into(),
        );
    }
    serde_json::Value::Object(headers)
}

/// What is kept of `created` for replays.
fn stored_response(created: &Created) -> StoredResponse {
    StoredResponse {
        status: created.status.as_u16(),
        body: created
            .replay_body
            .clone()
            .unwrap_or_else(|| created.body.clone()),
        headers: headers_of(created),
    }
}

fn respond(stored: &StoredResponse, body: &serde_json::Value, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::CREATED);
    let mut response = HttpResponse::build(status);
    if let Some(headers) = stored.headers.as_object() {
        for (name, value) in headers {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::try_from(name.as_str()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                response.insert_header((name, value));
            }
        }
    }
    if replayed {
        response.insert_header((IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")));
    }
    response.json(body)
}

/// Runs `create` in a transaction guarded by the caller's idempotency key (when given), and answers
/// 201 with `Location`, `ETag` and the body, or the first response again on a replay.
pub async fn create<F>(
    state: &AppState,
    caller: &Caller,
    key: IdempotencyKey,
    path: &str,
    request: &impl Serialize,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<Created, ApiError> + Send + 'static,
{
    claimed(state, KeyClaim::of(caller, key, path, request)?, create).await
}

/// Runs `create` in one transaction with the claim of its key: fresh, it stores the response; a
/// replay answers the stored one.
async fn claimed<F>(state: &AppState, claim: KeyClaim, create: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<Created, ApiError> + Send + 'static,
{
    let (stored, body, replayed) = crate::db::transaction(&state.database, move |conn| {
        let scope = claim.scope();
        if let Some(scope) = &scope {
            match idempotency::claim(conn, scope, &claim.request_hash)? {
                Claim::Fresh => {}
                Claim::Replay(stored) => return Ok(replay(stored)),
                Claim::Mismatch => return Err(ApiError::IdempotencyKeyReused),
            }
        }
        let created = create(conn)?;
        let stored = stored_response(&created);
        if let Some(scope) = &scope {
            idempotency::complete(conn, scope, &stored)?;
        }
        Ok((stored, created.body, false))
    })
    .await?;
    Ok(respond(&stored, &body, replayed))
}

/// The response kept for an earlier request with the key, to answer again as a replay.
fn replay(stored: StoredResponse) -> (StoredResponse, serde_json::Value, bool) {
    let body = stored.body.clone();
    (stored, body, true)
}

impl IdempotencyKey {
    /// As [`create`], for a creation by a use case run as `caller`: `create_with` gets the use
    /// case's context (the caller's actor, the system clock) in the key's transaction, and the
    /// request, which is the use case's input.
    pub async fn create_by<P, R, F>(
        self,
        caller: &Authorized<P>,
        path: &str,
        request: R,
        create_with: F,
    ) -> Result<HttpResponse, ApiError>
    where
        P: Policy,
        R: Serialize + Send + 'static,
        F: FnOnce(&mut Context<'_>, R) -> Result<Created, ApiError> + Send + 'static,
    {
        let actor = caller.actor();
        let claim = KeyClaim::of(&caller.caller, self, path, &request)?;
        claimed(caller.state(), claim, move |conn| {
            create_with(&mut Context::new(conn, &actor, &SystemClock), request)
        })
        .await
    }

    /// As [`IdempotencyKey::create_by`] at `path`, for a record created under the record `parent`
    /// of `resource_type` (a member of a group, an attendee of a meeting): a parent outside the
    /// caller's scope is a 404 that leaves the trace of a denial.
    pub async fn create_under<P, R, F>(
        self,
        caller: &Authorized<P>,
        (resource_type, parent, path): (ResourceType, Uuid, String),
        request: R,
        create_with: F,
    ) -> Result<HttpResponse, ApiError>
    where
        P: Policy,
        R: Serialize + Send + 'static,
        F: FnOnce(&mut Context<'_>, R) -> Result<Created, ApiError> + Send + 'static,
    {
        let created = self.create_by(caller, &path, request, create_with).await;
        caller.noting_denial(resource_type, parent, created).await
    }
}

/// The caller's key, if it sent one, with the fingerprint of the request: claimed by [`create`]'s
/// transaction, or by the very statement that stores the record (see [`NewKey`]).
#[derive(Debug)]
pub struct KeyClaim {
    organisation_id: Uuid,
    subject: String,
    key: Option<String>,
    request_hash: Vec<u8>,
}

impl KeyClaim {
    /// The caller's key for `request` to `path`.
    fn of(
        caller: &Caller,
        key: IdempotencyKey,
        path: &str,
        request: &impl Serialize,
    ) -> Result<KeyClaim, ApiError> {
        Ok(KeyClaim {
            organisation_id: caller.organisation_id.uuid(),
            subject: caller.subject.clone(),
            key: key.0,
            request_hash: fingerprint(path, request)?,
        })
    }

    fn scope(&self) -> Option<KeyScope<'_>> {
        self.key.as_deref().map(|key| KeyScope {
            organisation_id: self.organisation_id,
            subject: &self.subject,
            key,
        })
    }

    /// What to keep of `created` for replays.
    pub fn response(created: &Created) -> StoredResponse {
        stored_response(created)
    }

    /// The key to store with the record and `response`, if the client sent one.
    pub fn key<'a>(&'a self, response: &'a StoredResponse) -> Option<NewKey<'a>> {
        self.scope().map(|scope| NewKey {
            scope,
            request_hash: &self.request_hash,
            response,
        })
    }
}

/// What a creation that claims its own key did.
#[derive(Debug)]
pub enum Attempt {
    /// It stored the record, and the key (if any) with this as its response.
    Created(Created),
    /// It stored nothing; this says why, unless an earlier request holds the key.
    NotCreated(ApiError),
}

/// As [`create`], for a creation whose one statement claims the key, stores the record and keeps
/// the response together (the response is built before the record is stored), so a create is one
/// round trip instead of a transaction of five. When nothing was stored, an earlier request with
/// the key is replayed (or refused with 422 if it differed); otherwise the creation's own reason
/// is the answer.
pub async fn create_claiming<F>(
    state: &AppState,
    caller: &Caller,
    key: IdempotencyKey,
    path: &str,
    request: &impl Serialize,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut PgConnection, &KeyClaim) -> Result<Attempt, ApiError> + Send + 'static,
{
    let claim = KeyClaim::of(caller, key, path, request)?;
    let (stored, body, replayed) = crate::db::run(&state.database, move |conn| {
        let why = match create(conn, &claim)? {
            Attempt::Created(created) => {
                return Ok((stored_response(&created), created.body, false))
            }
            Attempt::NotCreated(why) => why,
        };
        let Some(scope) = claim.scope() else {
            return Err(why);
        };
        match idempotency::find(conn, &scope, &claim.request_hash)? {
            Some(Claim::Replay(stored)) => Ok(replay(stored)),
            Some(Claim::Mismatch) => Err(ApiError::IdempotencyKeyReused),
            Some(Claim::Fresh) | None => Err(why),
        }
    })
    .await?;
    Ok(respond(&stored, &body, replayed))
}
