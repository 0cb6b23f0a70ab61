//! Every error the API can answer with, and its one mapping to RFC 9457 problem+json. Handlers,
//! extractors and middleware all return [`ApiError`]; nothing else writes an error body.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::StaleVersion;
use samhandling_persistence::StoreError;
use samhandling_usecases::UseCaseError;
use serde::Serialize;
use utoipa::ToSchema;

/// The algorithms a DPoP proof may be signed with, as the `DPoP` challenge lists them.
pub const DPOP_ALGORITHMS: &str = "ES256 ES384 RS256 PS256";

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One failing input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `consent.contact`.
    #[schema(example = "municipality_number")]
    pub field: String,
    /// Machine-readable reason, e.g. `required`, `length`, `unknown_field`.
    #[schema(example = "required")]
    pub code: String,
    /// What to fix, for people.
    #[schema(example = "a municipality must have a municipality_number")]
    pub message: String,
}

impl FieldError {
    /// A failing field.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:samhandling:problem:validation",
    "title": "The request is invalid",
    "status": 422,
    "detail": "1 field is invalid",
    "instance": "/api/v1/organisations",
    "request_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a65",
    "errors": [{"field": "municipality_number", "code": "required", "message": "a municipality must have a municipality_number"}]
}))]
pub struct Problem {
    /// Identifies the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What happened in this occurrence; never internals, never personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, also in the `X-Request-Id` header and the server's log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every failing field, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For an illegal transition: the statuses the caller may move to instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_transitions: Option<Vec<String>>,
}

/// Everything that can go wrong in a request, as the client should see it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (bad JSON, a bad query parameter or header).
    #[error("{detail}")]
    BadRequest {
        /// What is wrong.
        detail: String,
        /// The parameters concerned, when known.
        errors: Vec<FieldError>,
    },
    /// No valid bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// A DPoP-bound request (RFC 9449) refused: `error` is `invalid_dpop_proof` for the proof,
    /// `invalid_token` for the token; answered 401 with a `DPoP` challenge.
    #[error("{detail}")]
    DpopRefused {
        /// The RFC 9449 error code.
        error: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The token's roles do not allow the operation.
    #[error("{0}")]
    Forbidden(String),
    /// No such resource, or one the caller may not know of.
    #[error("not found")]
    NotFound,
    /// A field of the body names a record that does not exist (or that the caller may not see).
    #[error("{0} names no record")]
    MissingReference(&'static str),
    /// The path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    /// The change conflicts with the current state or another record.
    #[error("{0}")]
    Conflict(String),
    /// A state machine refused the transition; names the allowed ones.
    #[error("{detail}")]
    IllegalTransition {
        /// What was refused.
        detail: String,
        /// What is allowed instead.
        allowed: Vec<String>,
    },
    /// Too many requests from this client; try again after the given seconds, with what is left
    /// of its allowance when a limit of ours refused it.
    #[error("rate limited")]
    TooManyRequests(u64, Option<crate::rate_limit::Quota>),
    /// `If-Match` names a version that is no longer current.
    #[error("the resource has changed since it was read")]
    PreconditionFailed,
    /// The body exceeds the limit.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// The body is not JSON.
    #[error("unsupported content type")]
    UnsupportedMediaType(String),
    /// Well-formed input that breaks rules; every failing field at once.
    #[error("the request is invalid")]
    Validation(Vec<FieldError>),
    /// An `Idempotency-Key` reused with a different request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// A change without `If-Match`.
    #[error("If-Match is required")]
    PreconditionRequired,
    /// The database cannot be reached now.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug. The message is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 with a message.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// Maps a status that some other component produced to the matching problem.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => ApiError::Unauthorized("authentication is required".into()),
            403 => ApiError::Forbidden("not allowed".into()),
            429 => ApiError::TooManyRequests(60, None),
            404 => ApiError::NotFound,
            405 => ApiError::MethodNotAllowed(Vec::new()),
            413 => ApiError::PayloadTooLarge,
            415 => ApiError::UnsupportedMediaType("unsupported content type".into()),
            503 => ApiError::Unavailable(String::new()),
            400..=499 => ApiError::bad_request(
                status
                    .canonical_reason()
                    .unwrap_or("bad request")
                    .to_owned(),
            ),
            _ => ApiError::Internal(format!("upstream component answered {status}")),
        }
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => ("bad-request", "The request is malformed"),
            ApiError::Unauthorized(_) | ApiError::DpopRefused { .. } => {
                ("unauthorized", "Authentication is required")
            }
            ApiError::Forbidden(_) => ("forbidden", "The operation is not allowed for this caller"),
            ApiError::NotFound | ApiError::MissingReference(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(_) => ("conflict", "The request conflicts with the current state"),
            ApiError::IllegalTransition { .. } => {
                ("illegal-transition", "The transition is not allowed")
            }
            ApiError::TooManyRequests(..) => ("too-many-requests", "Too many requests"),
            ApiError::PreconditionFailed => ("precondition-failed", "The resource has changed"),
            ApiError::PayloadTooLarge => ("payload-too-large", "The request body is too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Validation(_) => ("validation", "The request is invalid"),
            ApiError::IdempotencyKeyReused => (
                "idempotency-key-reused",
                "The Idempotency-Key was used for a different request",
            ),
            ApiError::PreconditionRequired => ("precondition-required", "If-Match is required"),
            ApiError::Unavailable(_) => ("unavailable", "The service is temporarily unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// What the client is told; internals of 500 and 503 stay in the log.
    fn detail(&self) -> Option<String> {
        match self {
            ApiError::BadRequest { detail, .. }
            | ApiError::Unauthorized(detail)
            | ApiError::DpopRefused { detail, .. }
            | ApiError::Forbidden(detail)
            | ApiError::Conflict(detail)
            | ApiError::IllegalTransition { detail, .. }
            | ApiError::UnsupportedMediaType(detail) => Some(detail.clone()),
            ApiError::TooManyRequests(seconds, _) => {
                Some(format!("try again in {seconds} seconds"))
            }
            ApiError::NotFound => Some("no such resource".into()),
            ApiError::MissingReference(field) => Some(format!("{field} names no record that exists")),
            ApiError::MethodNotAllowed(_) => Some("the path does not support this method".into()),
            ApiError::PreconditionFailed => Some(
                "the If-Match version is not the current one: read the resource again and reapply the change".into(),
            ),
            ApiError::PayloadTooLarge => Some("the limit is 256 KiB".into()),
            ApiError::Validation(errors) => Some(match errors.len() {
                1 => "1 field is invalid".to_owned(),
                n => format!("{n} fields are invalid"),
            }),
            ApiError::IdempotencyKeyReused => Some(
                "this Idempotency-Key was first used with a different request; use a new key for a new request".into(),
            ),
            ApiError::PreconditionRequired => Some(
                "send If-Match with the ETag of the version you read, so that concurrent changes are not lost".into(),
            ),
            ApiError::Unavailable(_) => Some("try again shortly".into()),
            ApiError::Internal(_) => None,
        }
    }

    /// The problem document for this error.
    pub fn problem(&self, instance: Option<String>, request_id: Option<String>) -> Problem {
        let (slug, title) = self.kind();
        let errors = match self {
            ApiError::Validation(errors) => Some(errors.clone()),
            ApiError::BadRequest { errors, .. } if !errors.is_empty() => Some(errors.clone()),
            _ => None,
        };
        Problem {
            problem_type: format!("urn:samhandling:problem:{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            instance,
            request_id,
            errors,
            allowed_transitions: match self {
                ApiError::IllegalTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
        }
    }

    /// The full response, with the problem's headers; the middleware adds instance and request id.
    pub fn to_response(
        &self,
        instance: Option<String>,
        request_id: Option<String>,
    ) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            ApiError::Unauthorized(detail) => {
                let description = detail.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer realm=\"samhandling\", error=\"invalid_token\", error_description=\"{description}\""),
                ));
            }
            ApiError::DpopRefused { error, detail } => {
                let description = detail.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("DPoP error=\"{error}\", error_description=\"{description}\", algs=\"{DPOP_ALGORITHMS}\""),
                ));
            }
            ApiError::MethodNotAllowed(allowed) if !allowed.is_empty() => {
                let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::TooManyRequests(seconds, quota) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
                for (name, value) in quota.iter().flat_map(|quota| quota.headers()) {
                    response.insert_header((name, value));
                }
            }
            _ => {}
        }
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        let body = serde_json::to_vec(&self.problem(instance, request_id)).unwrap_or_default();
        response.body(body)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::DpopRefused { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::MissingReference(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::IllegalTransition { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) | ApiError::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response(None, None)
    }
}

impl From<FieldRefusal> for FieldError {
    fn from(refusal: FieldRefusal) -> Self {
        FieldError::new(refusal.field, refusal.code, refusal.message)
    }
}

/// A record that moved on since the client read it is 412.
impl From<StaleVersion> for ApiError {
    fn from(_: StaleVersion) -> Self {
        ApiError::PreconditionFailed
    }
}

/// A domain rule's refusal of one field is a 422 about that field.
impl From<FieldRefusal> for ApiError {
    fn from(refusal: FieldRefusal) -> Self {
        ApiError::Validation(vec![refusal.into()])
    }
}

/// The one mapping of a use case's refusal to its problem.
impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::NotFound => ApiError::NotFound,
            UseCaseError::MissingReference(field) => ApiError::MissingReference(field),
            UseCaseError::Conflict(detail) => ApiError::Conflict(detail),
            UseCaseError::Forbidden(detail) => ApiError::Forbidden(detail),
            UseCaseError::IllegalTransition(illegal) => ApiError::IllegalTransition {
                detail: illegal.detail,
                allowed: illegal.allowed.into_iter().map(str::to_owned).collect(),
            },
            UseCaseError::Invalid(fields) => {
                ApiError::Validation(fields.into_iter().map(FieldError::from).collect())
            }
            UseCaseError::StaleVersion(stale) => stale.into(),
            UseCaseError::Store(error) => error.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(reason) => ApiError::Unavailable(reason),
            StoreError::UniqueViolation(_) => {
                ApiError::Conflict("the request conflicts with an existing record".into())
            }
            StoreError::ForeignKeyViolation(_) => {
                ApiError::Conflict("the request refers to a record that does not exist".into())
            }
            StoreError::Corrupt(_) | StoreError::Query(_) => ApiError::Internal(error.to_string()),
        }
    }
}
